// kafka-configs --zookeeper for users and clients (ConfigCommand.alterConfigWithZk / describeConfigWithZk, Kafka 2.8):
// quota overrides and SCRAM credentials in /config/users/<user>[/clients/<client>] and /config/clients/<client>,
// rewritten whole with a /config/changes notification. SCRAM passwords are stored as Kafka stores them
// (salt, stored key, server key, iterations), never in clear.
import { connectZooKeeper, NoNodeError } from '../../../zookeeper/client/index.js';
import { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { AdminZk } from '../../admin/admin-zk.js';
import { fetchEntityConfig, QUOTA_CONFIG_TYPES } from '../../admin/client-quotas.js';
import { DEFAULT_ENTITY } from '../../admin/config-entity-name.js';
import { javaPropertiesOrder } from '../../admin/java-properties-order.js';
import { DEFAULT_SCRAM_ITERATIONS, SCRAM_MECHANISMS, credentialToString, generateScramCredential } from '../../admin/scram-credential.js';
import { DEFAULT_BROKER_VALUES } from '../topics/topic-command-input.js';
import { illegalArgument } from '../kafka-tool-common.js';
import type { DescribedEntity } from './config-description.js';
import type { ConfigsArgs } from './configs-options.js';
import { ConfigCommandFailure, InvalidConfigurationError } from './config-errors.js';
import { entityText, fullSanitizedName, parseQuotaEntity, type QuotaConfigEntity } from './quota-entity-args.js';

const ZK_TIMEOUT_MS = 30_000;
const SCRAM_ENUM_NAMES: Readonly<Record<string, string>> = { 'SCRAM-SHA-256': 'SCRAM_SHA_256', 'SCRAM-SHA-512': 'SCRAM_SHA_512' };

/** ConfigCommand.preProcessScramCredentials: `[iterations=<n>,]password=<p>` becomes the stored credential. */
function preProcessScramCredentials(configs: Map<string, string>): void {
  for (const m of SCRAM_MECHANISMS) {
    const value = configs.get(m.name);
    if (value === undefined) continue;
    const match = /^(?:iterations=([0-9]*),)?password=(.*)$/s.exec(value);
    if (match === null) throw illegalArgument(`Invalid credential property ${SCRAM_ENUM_NAMES[m.name]}=${value}`);
    const iterations = match[1] !== undefined ? Number(match[1]) : DEFAULT_SCRAM_ITERATIONS;
    if (match[1] === '') throw new ConfigCommandFailure('java.lang.NumberFormatException', 'For input string: ""');
    if (iterations < m.minIterations) throw illegalArgument(`Iterations ${iterations} is less than the minimum ${m.minIterations} required for ${SCRAM_ENUM_NAMES[m.name]}`);
    configs.set(m.name, credentialToString(generateScramCredential(m, match[2]!, iterations)));
  }
}

/** DynamicConfig.User / DynamicConfig.Client validate: known keys, values of their types. */
function validateEntityConfigs(configs: Readonly<Record<string, string>>, allowScram: boolean): void {
  const unknown = Object.keys(configs).filter((k) => !QUOTA_CONFIG_TYPES.has(k) && !(allowScram && SCRAM_MECHANISMS.some((m) => m.name === k)));
  if (unknown.length > 0) throw illegalArgument(`requirement failed: Unknown Dynamic Configuration: Set(${unknown.join(', ')}).`);
  for (const [k, v] of Object.entries(configs)) {
    const type = QUOTA_CONFIG_TYPES.get(k);
    if (type === undefined) continue;
    const text = v.trim();
    const ok = type === 'LONG' ? /^[+-]?\d+$/.test(text) && Math.abs(Number(text)) <= Number.MAX_SAFE_INTEGER : text !== '' && !Number.isNaN(Number(text.replace(/[dDfF]$/, '')));
    if (!ok) throw new ConfigCommandFailure('org.apache.kafka.common.config.ConfigException', `Invalid value ${v} for configuration ${k}: Not a number of type ${type}`);
  }
}

export class ZkQuotaConfigService {
  private readonly admin: AdminZk;

  private constructor(private readonly kafkaZk: KafkaZkClient) {
    this.admin = new AdminZk({ zk: kafkaZk, brokerValues: DEFAULT_BROKER_VALUES, numPartitions: 1, defaultReplicationFactor: 1 });
  }

  static async open(connect: string): Promise<ZkQuotaConfigService> {
    try {
      return new ZkQuotaConfigService(new KafkaZkClient(await connectZooKeeper(connect, { sessionTimeoutMs: ZK_TIMEOUT_MS, waitForConnectedMs: ZK_TIMEOUT_MS })));
    } catch {
      throw new ConfigCommandFailure('kafka.zookeeper.ZooKeeperClientTimeoutException', 'Timed out waiting for connection while in state: CONNECTING');
    }
  }

  private async children(path: string): Promise<string[]> {
    try {
      return await this.kafkaZk.zk.getChildren(path);
    } catch (err) {
      if (err instanceof NoNodeError) return [];
      throw err;
    }
  }

  /** ConfigEntity.getAllEntities. */
  private async allEntities(e: QuotaConfigEntity): Promise<QuotaConfigEntity[]> {
    if (e.root.node === undefined) {
      const roots = (await this.children(`/config/${e.root.type}`)).map((node): QuotaConfigEntity => ({ root: { type: e.root.type, node }, child: e.child }));
      if (e.child === undefined) return roots;
      const out: QuotaConfigEntity[] = [];
      for (const r of roots) out.push(...(await this.allEntities({ root: r.root, child: { type: e.child.type } })));
      return out;
    }
    if (e.child !== undefined && e.child.node === undefined) {
      const child = e.child;
      return (await this.children(`/config/${e.root.type}/${e.root.node}/${child.type}`)).map((node) => ({ root: e.root, child: { type: child.type, node } }));
    }
    return [e];
  }

  async describe(args: ConfigsArgs): Promise<DescribedEntity[]> {
    const entity = parseQuotaEntity(args);
    const describeAllUsers = entity.root.type === 'users' && entity.root.node === undefined && entity.child === undefined;
    const out: DescribedEntity[] = [];
    for (const e of await this.allEntities(entity)) {
      const config = javaPropertiesOrder(Object.entries(await fetchEntityConfig(this.admin, e.root.type, fullSanitizedName(e))));
      if (Object.keys(config).length === 0 && describeAllUsers) continue;
      const last = e.child ?? e.root;
      out.push({
        title: entityText(e),
        entityType: e.child ? `${e.root.type}/${e.child.type}` : e.root.type,
        entityName: last.node === DEFAULT_ENTITY ? '' : fullSanitizedName(e),
        entries: Object.entries(config).map(([k, v]) => ({ name: k, value: v, sensitive: false, source: 'DYNAMIC_CONFIG', synonyms: [] })),
      });
    }
    return out;
  }

  async alter(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>): Promise<string> {
    const entity = parseQuotaEntity(args);
    const type = entity.root.type;
    const name = fullSanitizedName(entity);
    const added = new Map(toAdd);
    if (type === 'users') preProcessScramCredentials(added);
    const configs = await fetchEntityConfig(this.admin, type, name);
    const invalid = args.deleteConfigs.filter((k) => !(k in configs));
    if (invalid.length > 0) throw new InvalidConfigurationError(`Invalid config(s): ${invalid.join(',')}`);
    for (const [k, v] of added) configs[k] = v;
    for (const k of args.deleteConfigs) delete configs[k];
    // AdminZkClient.changeUserOrUserClientIdConfig: SCRAM belongs to a user itself, never to a default or a client.
    validateEntityConfigs(configs, type === 'users' && entity.root.node !== DEFAULT_ENTITY && entity.child === undefined);
    await this.admin.changeEntityConfig(type, name, configs);
    return `Completed updating config for entity: ${entityText(entity)}.`;
  }

  async close(): Promise<void> {
    await this.kafkaZk.zk.close();
  }
}
