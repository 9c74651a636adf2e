// kafka-configs --zookeeper for topics and brokers (ConfigCommand.alterConfigWithZk / describeConfigWithZk, Kafka
// 2.8): the overrides in /config/<type>/<name>, rewritten whole with a /config/changes notification. Broker configs
// other than the replication throttles may be set this way only while the broker (or, for the default, every broker)
// is down, as Kafka insists.
import { connectZooKeeper, NoNodeError } from '../../../zookeeper/client/index.js';
import { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { ZkPaths, decodeConfigEntity } from '../../zk/zk-data.js';
import { AdminZk } from '../../admin/admin-zk.js';
import { AdminError } from '../../admin/topic-name.js';
import { DEFAULT_BROKER_ENTITY } from '../../admin/admin-context.js';
import { DYNAMIC_BROKER_KEYS } from '../../admin/config-describer.js';
import { brokerKeyDef, parseTopicConfigValue } from '../../admin/topic-config-defs.js';
import { javaPropertiesOrder } from '../../admin/java-properties-order.js';
import { ErrorCode } from '../../protocol/index.js';
import { DEFAULT_BROKER_VALUES } from '../topics/topic-command-input.js';
import type { DescribedEntity } from './config-description.js';
import type { ConfigsArgs } from './configs-options.js';
import { ConfigCommandFailure, InvalidConfigurationError } from './config-errors.js';
import { illegalArgument } from '../kafka-tool-common.js';

const ZK_TIMEOUT_MS = 30_000;
const UPDATABLE_WHILE_RUNNING = new Set(['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second']);

/** ConfigCommand.Entity.toString for topics and brokers. */
function entityText(entityType: string, zkName: string): string {
  const typeName = entityType === 'topics' ? 'topic' : entityType;
  return zkName === DEFAULT_BROKER_ENTITY ? `default ${typeName}` : `${typeName} '${zkName}'`;
}

export class ZkConfigService {
  private readonly admin: AdminZk;

  private constructor(private readonly kafkaZk: KafkaZkClient) {
    this.admin = new AdminZk({ zk: kafkaZk, brokerValues: DEFAULT_BROKER_VALUES, numPartitions: 1, defaultReplicationFactor: 1 });
  }

  static async open(connect: string): Promise<ZkConfigService> {
    try {
      return new ZkConfigService(new KafkaZkClient(await connectZooKeeper(connect, { sessionTimeoutMs: ZK_TIMEOUT_MS, waitForConnectedMs: ZK_TIMEOUT_MS })));
    } catch {
      throw new ConfigCommandFailure('kafka.zookeeper.ZooKeeperClientTimeoutException', 'Timed out waiting for connection while in state: CONNECTING');
    }
  }

  /** AdminZkClient.fetchEntityConfig, in the Properties order Kafka iterates it. */
  private async entityConfig(entityType: 'topics' | 'brokers', zkName: string): Promise<Record<string, string>> {
    const path = ZkPaths.configEntity(entityType, zkName);
    try {
      const { data } = await this.kafkaZk.zk.getData(path);
      return javaPropertiesOrder(Object.entries(decodeConfigEntity(data, path)));
    } catch (err) {
      if (err instanceof NoNodeError) return {};
      throw err;
    }
  }

  async describe(args: ConfigsArgs): Promise<DescribedEntity[]> {
    const type = args.entityType as 'topics' | 'brokers';
    let names: string[];
    if (args.entityName !== undefined) names = [args.entityName === '' ? DEFAULT_BROKER_ENTITY : args.entityName];
    else names = await this.kafkaZk.zk.getChildren(`/config/${type}`).catch((err: unknown) => {
      if (err instanceof NoNodeError) return [] as string[];
      throw err;
    });
    const out: DescribedEntity[] = [];
    for (const name of names) {
      const config = await this.entityConfig(type, name);
      out.push({
        title: entityText(type, name),
        entityType: type,
        entityName: name === DEFAULT_BROKER_ENTITY ? '' : name,
        entries: Object.entries(config).map(([k, v]) => ({ name: k, value: v, sensitive: false, source: type === 'topics' ? 'DYNAMIC_TOPIC_CONFIG' : name === DEFAULT_BROKER_ENTITY ? 'DYNAMIC_DEFAULT_BROKER_CONFIG' : 'DYNAMIC_BROKER_CONFIG', synonyms: [] })),
      });
    }
    return out;
  }

  async alter(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>): Promise<string> {
    const type = args.entityType as 'topics' | 'brokers';
    const zkName = args.entityName === '' ? DEFAULT_BROKER_ENTITY : args.entityName!;
    if (type === 'brokers') await this.checkBrokerUpdate(zkName, toAdd);
    const configs = await this.entityConfig(type, zkName);
    const invalid = args.deleteConfigs.filter((k) => !(k in configs));
    if (invalid.length > 0) throw new InvalidConfigurationError(`Invalid config(s): ${invalid.join(',')}`);
    for (const [k, v] of toAdd) configs[k] = v;
    for (const k of args.deleteConfigs) delete configs[k];
    if (type === 'topics') {
      try {
        await this.admin.validateTopicConfig(zkName, configs);
      } catch (err) {
        if (err instanceof AdminError && err.errorCode === ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) {
          throw new ConfigCommandFailure('org.apache.kafka.common.errors.UnknownTopicOrPartitionException', err.message);
        }
        throw err;
      }
    }
    await this.admin.changeEntityConfig(type, zkName, configs);
    return `Completed updating config for entity: ${entityText(type, zkName)}.`;
  }

  /** alterConfigWithZk's broker rules and DynamicBrokerConfig.validateConfigs. */
  private async checkBrokerUpdate(zkName: string, toAdd: ReadonlyMap<string, string>): Promise<void> {
    const dynamic = [...toAdd.keys()].filter((k) => !UPDATABLE_WHILE_RUNNING.has(k));
    if (dynamic.length === 0) return;
    const perBroker = zkName !== DEFAULT_BROKER_ENTITY;
    const errorMessage = `--bootstrap-server option must be specified to update broker configs Set(${dynamic.join(', ')}).`;
    const info = 'Broker configuration updates using ZooKeeper are supported for bootstrapping before brokers are started to enable encrypted password configs to be stored in ZooKeeper.';
    const brokers = (await this.kafkaZk.getAllBrokers()).map((b) => b.registration.id);
    if (perBroker && brokers.includes(Number(zkName))) throw illegalArgument(`requirement failed: ${errorMessage} when broker ${zkName} is running. ${info}`);
    if (!perBroker && brokers.length > 0) throw illegalArgument(`requirement failed: ${errorMessage} for default cluster if any broker is running. ${info}`);
    const nonDynamic = dynamic.filter((k) => !DYNAMIC_BROKER_KEYS.has(k));
    if (nonDynamic.length > 0) throw new ConfigCommandFailure('org.apache.kafka.common.config.ConfigException', `Cannot update these configs dynamically: Set(${nonDynamic.join(', ')})`);
    for (const [k, v] of toAdd) {
      const d = brokerKeyDef(k);
      if (d !== undefined) {
        try {
          parseTopicConfigValue(d, v);
        } catch (err) {
          throw new ConfigCommandFailure('org.apache.kafka.common.config.ConfigException', (err as Error).message);
        }
      }
    }
  }

  async close(): Promise<void> {
    await this.kafkaZk.zk.close();
  }
}
