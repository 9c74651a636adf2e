// kafka-configs --bootstrap-server for users and clients (ConfigCommand.alterConfig / describeClientQuotaAndUser-
// ScramCredentialConfigs, Kafka 2.8): quotas through DescribeClientQuotas / AlterClientQuotas, SCRAM credentials
// through DescribeUserScramCredentials / AlterUserScramCredentials (the password is salted and hashed here, as the
// Java admin client does). Lines come in the order Kafka's result maps (java.util.HashMap) give them.
import { KafkaAdmin } from '../../client/admin/kafka-admin.js';
import { CLIENT_ID_ENTITY, USER_ENTITY, isQuotaConfig } from '../../admin/client-quotas.js';
import { javaStringHash } from '../../admin/java-properties-order.js';
import { javaDoubleToString } from '../../admin/java-double.js';
import { DEFAULT_SCRAM_ITERATIONS, SCRAM_MECHANISMS, saltedPassword, scramMechanismNamed, scramMechanismOfType, scramSalt } from '../../admin/scram-credential.js';
import { adminOptions } from '../admin-client-config.js';
import { javaHashMapOrder, javaHashMapOrderBy } from '../java-hash-map-order.js';
import { illegalArgument } from '../kafka-tool-common.js';
import { errorInfo } from '../../protocol/errors.js';
import type { DescribedEntity } from './config-description.js';
import type { ConfigsArgs } from './configs-options.js';
import { InvalidConfigurationError } from './config-errors.js';

type EntityPart = { entityType: string; entityName: string | null };

const QUOTA_TYPE: Readonly<Record<string, string>> = { users: USER_ENTITY, clients: CLIENT_ID_ENTITY };
/** The Java exception class of a protocol error: DUPLICATE_RESOURCE → DuplicateResourceException. */
const errorNameOf = (code: number) => `${errorInfo(code).name.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}Exception`;
const isScram = (key: string) => scramMechanismNamed(key) !== undefined;
const scalaSet = (items: Iterable<string>) => `Set(${[...items].join(', ')})`;

/** ClientQuotaEntity.hashCode: the hash of its HashMap<String, String> of entries. */
function entityHash(entity: readonly EntityPart[]): number {
  let h = 0;
  for (const e of entity) h = (h + (javaStringHash(e.entityType) ^ (e.entityName === null ? 0 : javaStringHash(e.entityName)))) | 0;
  return h;
}

function entityLine(entity: readonly EntityPart[]): string {
  const part = (type: string, text: string) => {
    const e = entity.find((x) => x.entityType === type);
    if (e === undefined) return [];
    return [e.entityName !== null ? `${text} '${e.entityName}'` : `the default ${text}`];
  };
  return [...part(USER_ENTITY, 'user-principal'), ...part(CLIENT_ID_ENTITY, 'client-id')].join(', ');
}

function parseDouble(key: string, value: string): number {
  const text = value.trim().replace(/[dDfF]$/, '');
  const n = text === '' ? NaN : Number(text);
  if (Number.isNaN(n) && text !== 'NaN') throw illegalArgument(`Cannot parse quota configuration value for ${key}: ${value}`);
  return n;
}

export class AdminQuotaConfigService {
  private constructor(private readonly admin: KafkaAdmin) {}

  static open(args: ConfigsArgs): AdminQuotaConfigService {
    return new AdminQuotaConfigService(new KafkaAdmin(adminOptions(args.bootstrapServer!, args.commandConfig)));
  }

  /** getAllClientQuotasConfigs: the filter built from the entity types and names given (zipAll). */
  private async quotas(args: ConfigsArgs): Promise<{ entity: EntityPart[]; values: { key: string; value: number }[] }[]> {
    if (args.entityNames.length > args.entityTypes.length) throw illegalArgument('More entity names specified than entity types');
    const components = args.entityTypes.map((t, i) => {
      const entityType = QUOTA_TYPE[t]!;
      const name = args.entityNames[i];
      if (name === undefined) return { entityType, matchType: 2 as const, match: null };
      return name === '' ? { entityType, matchType: 1 as const, match: null } : { entityType, matchType: 0 as const, match: name };
    });
    const entries = await this.admin.describeClientQuotas(components, true);
    const byEntity = javaHashMapOrderBy(entries, (e) => entityHash(e.entity), entries.length);
    return byEntity;
  }

  async describe(args: ConfigsArgs): Promise<DescribedEntity[]> {
    const out: DescribedEntity[] = [];
    for (const { entity, values } of await this.quotas(args)) {
      const byKey = new Map(values.map((v) => [v.key, v.value]));
      const keys = javaHashMapOrder(values.map((v) => v.key), values.length);
      const title = entityLine(entity);
      out.push({
        title,
        entityType: args.entityTypes.join('/'),
        entityName: entity.map((e) => e.entityName ?? '').join('/'),
        entries: keys.map((k) => ({ name: k, value: javaDoubleToString(byKey.get(k)!), sensitive: false, source: 'DYNAMIC_CONFIG', synonyms: [] })),
        line: `Quota configs for ${title} are ${keys.map((k) => `${k}=${javaDoubleToString(byKey.get(k)!)}`).join(', ')}`,
      });
    }
    if (!args.entityTypes.includes('clients') && !args.entityNames.includes('')) {
      const results = await this.admin.describeUserScramCredentials(args.entityNames.length === 0 ? null : args.entityNames);
      // DescribeUserScramCredentialsResult.users(): users without credentials are left out.
      for (const r of results.filter((x) => x.errorCode !== 91)) {
        const title = `user-principal '${r.user}'`;
        if (r.errorCode !== 0) {
          const errorClass = `org.apache.kafka.common.errors.${errorNameOf(r.errorCode)}`;
          out.push({ title, entityType: 'users', entityName: r.user, entries: [], line: `Error retrieving SCRAM credential configs for ${title}: ExecutionException: ${errorClass}: ${r.errorMessage}` });
          continue;
        }
        const entries = r.credentialInfos.map((c) => ({ name: scramMechanismOfType(c.mechanism)?.name ?? 'UNKNOWN', value: `iterations=${c.iterations}`, sensitive: true, source: 'SCRAM_CREDENTIAL', synonyms: [] }));
        out.push({ title, entityType: 'users', entityName: r.user, entries, line: `SCRAM credential configs for ${title} are ${entries.map((e) => `${e.name}=${e.value}`).join(', ')}` });
      }
    }
    return out;
  }

  async alter(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>): Promise<string> {
    if (args.entityTypes.length !== args.entityNames.length) throw illegalArgument('An entity name must be specified for every entity type');
    const head = args.entityTypes[0]!;
    const nameHead = args.entityNames[0]!;
    const addKeys = [...toAdd.keys()];
    const deletes = args.deleteConfigs.map((k) => k.trim());
    const hasQuotaToAdd = addKeys.some(isQuotaConfig);
    const scramToAdd = addKeys.filter(isScram);
    const unknownToAdd = addKeys.filter((k) => !isScram(k) && !isQuotaConfig(k));
    const hasQuotaToDelete = deletes.some(isQuotaConfig);
    const scramToDelete = deletes.filter(isScram);
    const unknownToDelete = deletes.filter((k) => !isScram(k) && !isQuotaConfig(k));
    if (head === 'clients' || args.entityTypes.length === 2) {
      if (unknownToAdd.length > 0 || scramToAdd.length > 0) {
        throw illegalArgument(`Only quota configs can be added for 'clients' using --bootstrap-server. Unexpected config names: ${scalaSet([...unknownToAdd, ...scramToAdd])}`);
      }
      if (unknownToDelete.length > 0 || scramToDelete.length > 0) {
        throw illegalArgument(`Only quota configs can be deleted for 'clients' using --bootstrap-server. Unexpected config names: ArrayBuffer(${[...unknownToDelete, ...scramToDelete].join(', ')})`);
      }
    } else {
      if (unknownToAdd.length > 0) throw illegalArgument(`Only quota and SCRAM credential configs can be added for 'users' using --bootstrap-server. Unexpected config names: ${scalaSet(unknownToAdd)}`);
      if (unknownToDelete.length > 0) throw illegalArgument(`Only quota and SCRAM credential configs can be deleted for 'users' using --bootstrap-server. Unexpected config names: ArrayBuffer(${unknownToDelete.join(', ')})`);
      if (scramToAdd.length > 0 || scramToDelete.length > 0) {
        if (args.entityNames.includes('')) throw illegalArgument('The use of --entity-default or --user-defaults is not allowed with User SCRAM Credentials using --bootstrap-server.');
        if (hasQuotaToAdd || hasQuotaToDelete) throw illegalArgument("Cannot alter both quota and SCRAM credential configs simultaneously for 'users' using --bootstrap-server.");
      }
    }
    if (hasQuotaToAdd || hasQuotaToDelete) await this.alterQuotas(args, toAdd, deletes);
    else await this.alterScram(nameHead, toAdd, scramToDelete);
    return nameHead !== '' ? `Completed updating config for ${head.slice(0, -1)} ${nameHead}.` : `Completed updating default config for ${head} in the cluster.`;
  }

  private async alterQuotas(args: ConfigsArgs, toAdd: ReadonlyMap<string, string>, deletes: readonly string[]): Promise<void> {
    const old = new Set((await this.quotas(args))[0]?.values.map((v) => v.key) ?? []);
    const invalid = deletes.filter((k) => !old.has(k));
    if (invalid.length > 0) throw new InvalidConfigurationError(`Invalid config(s): ${invalid.join(',')}`);
    const entity = args.entityTypes.map((t, i) => ({ entityType: QUOTA_TYPE[t]!, entityName: args.entityNames[i] === '' ? null : args.entityNames[i]! }));
    const ops = [...[...toAdd].map(([key, value]) => ({ key, value: parseDouble(key, value) as number | null })), ...deletes.map((key) => ({ key, value: null }))];
    await this.admin.alterClientQuotas([{ entity, ops }]);
  }

  private async alterScram(user: string, toAdd: ReadonlyMap<string, string>, deletes: readonly string[]): Promise<void> {
    const deletions = deletes.map((name) => ({ name: user, mechanism: scramMechanismNamed(name)!.type }));
    const upsertions = SCRAM_MECHANISMS.filter((m) => toAdd.has(m.name)).map((m) => {
      const value = toAdd.get(m.name)!;
      const match = /^(?:iterations=(-?[0-9]*),)?password=(.*)$/s.exec(value);
      if (match === null) throw illegalArgument(`Invalid credential property ${m.name.replace(/-/g, '_')}=${value}`);
      const iterations = match[1] !== undefined && match[1] !== '-1' ? Number(match[1]) : DEFAULT_SCRAM_ITERATIONS;
      if (iterations < m.minIterations) throw illegalArgument(`Iterations ${iterations} is less than the minimum ${m.minIterations} required for ${m.name}`);
      const salt = scramSalt();
      return { name: user, mechanism: m.type, iterations, salt, saltedPassword: saltedPassword(m, match[2]!, salt, iterations) };
    });
    await this.admin.alterUserScramCredentials(deletions, upsertions);
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
