// Client quotas and SCRAM credentials kept in ZooKeeper as Kafka 2.8 keeps them (ZkAdminManager, AdminZkClient):
// /config/users/<user>, /config/users/<user>/clients/<client-id>, /config/clients/<client-id> (sanitized names,
// `<default>` for defaults), each `{"version":1,"config":{...}}` and announced by a /config/changes notification.
// The broker stores them; it does not enforce quotas or authenticate with them.
import { NoNodeError } from '../../zookeeper/client/index.js';
import { ErrorCode } from '../protocol/index.js';
import { decodeConfigEntity } from '../zk/zk-data.js';
import type { AdminZk } from './admin-zk.js';
import { AdminError } from './topic-name.js';
import { entityNameOfNode, nodeOfEntityName } from './config-entity-name.js';
import { javaDoubleToString } from './java-double.js';
import { SCRAM_MECHANISMS, credentialFromSalted, credentialFromString, credentialToString, scramMechanismOfType } from './scram-credential.js';

/** QuotaConfigs: the user and client quota keys and their ConfigDef types. */
export const QUOTA_CONFIG_TYPES: ReadonlyMap<string, 'LONG' | 'DOUBLE'> = new Map([
  ['producer_byte_rate', 'LONG'],
  ['consumer_byte_rate', 'LONG'],
  ['request_percentage', 'DOUBLE'],
  ['controller_mutation_rate', 'DOUBLE'],
]);

export const isQuotaConfig = (key: string): boolean => QUOTA_CONFIG_TYPES.has(key);

export const USER_ENTITY = 'user';
export const CLIENT_ID_ENTITY = 'client-id';

/** A quota entity: a user, a client id or both; null is the default entity of that type. */
export interface QuotaEntity {
  user?: string | null;
  clientId?: string | null;
}

/** The entity's ZooKeeper home: root type and the path below it. */
export function quotaEntityPath(e: QuotaEntity): { type: 'users' | 'clients'; name: string } {
  if (e.user !== undefined) return { type: 'users', name: e.clientId === undefined ? nodeOfEntityName(e.user) : `${nodeOfEntityName(e.user)}/clients/${nodeOfEntityName(e.clientId)}` };
  if (e.clientId !== undefined) return { type: 'clients', name: nodeOfEntityName(e.clientId) };
  throw new AdminError(ErrorCode.INVALID_REQUEST, 'Invalid empty client quota entity');
}

async function children(admin: AdminZk, path: string): Promise<string[]> {
  try {
    return await admin.zk.zk.getChildren(path);
  } catch (err) {
    if (err instanceof NoNodeError) return [];
    throw err;
  }
}

/** AdminZkClient.fetchEntityConfig: the overrides of /config/<type>/<name>, empty when the node is missing. */
export async function fetchEntityConfig(admin: AdminZk, type: string, name: string): Promise<Record<string, string>> {
  const path = `/config/${type}/${name}`;
  try {
    const { data } = await admin.zk.zk.getData(path);
    return decodeConfigEntity(data, path);
  } catch (err) {
    if (err instanceof NoNodeError) return {};
    throw err;
  }
}

/** Every user, user/client and client entity with a config node, with its overrides. */
export async function allQuotaEntityConfigs(admin: AdminZk): Promise<{ entity: QuotaEntity; config: Record<string, string> }[]> {
  const out: { entity: QuotaEntity; config: Record<string, string> }[] = [];
  for (const user of await children(admin, '/config/users')) {
    out.push({ entity: { user: entityNameOfNode(user) }, config: await fetchEntityConfig(admin, 'users', user) });
    for (const client of await children(admin, `/config/users/${user}/clients`)) {
      out.push({ entity: { user: entityNameOfNode(user), clientId: entityNameOfNode(client) }, config: await fetchEntityConfig(admin, 'users', `${user}/clients/${client}`) });
    }
  }
  for (const client of await children(admin, '/config/clients')) {
    out.push({ entity: { clientId: entityNameOfNode(client) }, config: await fetchEntityConfig(admin, 'clients', client) });
  }
  return out;
}

/** A DescribeClientQuotas filter component: match type 0 exact name, 1 the default entity, 2 any entity of the type. */
export interface QuotaFilterComponent {
  entityType: string;
  matchType: number;
  match: string | null;
}

/** ZkAdminManager.describeClientQuotas: entities with quota overrides that the filter selects. */
export async function describeClientQuotas(
  admin: AdminZk,
  components: readonly QuotaFilterComponent[],
  strict: boolean,
): Promise<{ entity: QuotaEntity; values: [string, number][] }[]> {
  const byType = new Map<string, QuotaFilterComponent>();
  for (const c of components) {
    if (c.entityType === '') throw new AdminError(ErrorCode.INVALID_REQUEST, 'Unexpected empty filter component entity type');
    if (c.entityType !== USER_ENTITY && c.entityType !== CLIENT_ID_ENTITY) {
      if (c.entityType === 'ip') return [];
      throw new AdminError(ErrorCode.UNSUPPORTED_VERSION, `Custom entity type '${c.entityType}' not supported`);
    }
    if (byType.has(c.entityType)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Duplicate ${c.entityType === USER_ENTITY ? 'user' : 'clientId'} filter component entity type`);
    if (c.matchType === 0 && c.match === null) throw new AdminError(ErrorCode.INVALID_REQUEST, 'Request specified a null match for an exact match type');
    byType.set(c.entityType, c);
  }
  const matches = (component: QuotaFilterComponent | undefined, name: string | null | undefined): boolean => {
    if (component === undefined) return name === undefined || !strict;
    if (name === undefined) return false;
    if (component.matchType === 0) return name === component.match;
    if (component.matchType === 1) return name === null;
    return true;
  };
  const out: { entity: QuotaEntity; values: [string, number][] }[] = [];
  for (const { entity, config } of await allQuotaEntityConfigs(admin)) {
    const quotas = Object.entries(config).filter(([k]) => isQuotaConfig(k));
    if (quotas.length === 0 || !matches(byType.get(USER_ENTITY), entity.user) || !matches(byType.get(CLIENT_ID_ENTITY), entity.clientId)) continue;
    out.push({ entity, values: quotas.map(([k, v]) => [k, Number(v)]) });
  }
  return out;
}

/** ZkAdminManager.alterClientQuotas for one entity: set (value) or remove (null) each key, then write the node. */
export async function alterClientQuotas(admin: AdminZk, entity: QuotaEntity, ops: readonly { key: string; value: number | null }[], validateOnly: boolean): Promise<void> {
  const { type, name } = quotaEntityPath(entity);
  const props = await fetchEntityConfig(admin, type, name);
  for (const op of ops) {
    if (op.value === null) {
      delete props[op.key];
      continue;
    }
    const keyType = QUOTA_CONFIG_TYPES.get(op.key);
    if (keyType === undefined) throw new AdminError(ErrorCode.INVALID_REQUEST, `Invalid configuration key ${op.key}`);
    if (keyType === 'DOUBLE') props[op.key] = javaDoubleToString(op.value);
    else {
      const epsilon = 1e-6;
      const longValue = Math.trunc(op.value + epsilon);
      if (Math.abs(longValue - op.value) > epsilon) throw new AdminError(ErrorCode.INVALID_REQUEST, `Configuration ${op.key} must be a LONG value`);
      props[op.key] = String(longValue);
    }
  }
  if (!validateOnly) await admin.changeEntityConfig(type, name, props);
}

export interface UserScramResult {
  user: string;
  errorCode: number;
  errorMessage: string | null;
  credentialInfos: { mechanism: number; iterations: number }[];
}

function scramInfos(config: Readonly<Record<string, string>>): { mechanism: number; iterations: number }[] {
  return SCRAM_MECHANISMS.filter((m) => config[m.name] !== undefined).map((m) => ({ mechanism: m.type, iterations: credentialFromString(config[m.name]!).iterations }));
}

/** ZkAdminManager.describeUserScramCredentials: every user with a credential (sorted) or the users named. */
export async function describeUserScramCredentials(admin: AdminZk, users: readonly string[] | null): Promise<UserScramResult[]> {
  const ok = (user: string, config: Record<string, string>): UserScramResult => {
    try {
      return { user, errorCode: 0, errorMessage: null, credentialInfos: scramInfos(config) };
    } catch (err) {
      return { user, errorCode: ErrorCode.UNKNOWN_SERVER_ERROR, errorMessage: `Error retrieving credential info for user ${user}: ${(err as Error).message}`, credentialInfos: [] };
    }
  };
  const failed = (user: string, errorCode: number, errorMessage: string): UserScramResult => ({ user, errorCode, errorMessage, credentialInfos: [] });
  const hasCredential = (config: Record<string, string>) => SCRAM_MECHANISMS.some((m) => config[m.name] !== undefined);
  if (users === null || users.length === 0) {
    const results: UserScramResult[] = [];
    for (const node of await children(admin, '/config/users')) {
      const config = await fetchEntityConfig(admin, 'users', node);
      if (hasCredential(config)) results.push(ok(node, config));
    }
    return results.sort((a, b) => (a.user < b.user ? -1 : a.user > b.user ? 1 : 0));
  }
  const counts = new Map<string, number>();
  for (const u of users) counts.set(u, (counts.get(u) ?? 0) + 1);
  const results: UserScramResult[] = [];
  for (const user of new Set(users)) {
    if (user === '') results.push(failed(user, ErrorCode.RESOURCE_NOT_FOUND, 'Cannot describe SCRAM credentials for empty user name'));
    else if (counts.get(user)! > 1) results.push(failed(user, ErrorCode.DUPLICATE_RESOURCE, `Cannot describe SCRAM credentials for the same user twice in a single request: ${user}`));
    else {
      const config = await fetchEntityConfig(admin, 'users', nodeOfEntityName(user));
      results.push(hasCredential(config) ? ok(user, config) : failed(user, ErrorCode.RESOURCE_NOT_FOUND, `Attempt to describe a user credential that does not exist: ${user}`));
    }
  }
  return results;
}

export interface ScramDeletion {
  name: string;
  mechanism: number;
}

export interface ScramUpsertion extends ScramDeletion {
  iterations: number;
  salt: Buffer;
  saltedPassword: Buffer;
}

/** ZkAdminManager.alterUserScramCredentials: per user an error code and message (0 and null when written). */
export async function alterUserScramCredentials(
  admin: AdminZk,
  deletions: readonly ScramDeletion[],
  upsertions: readonly ScramUpsertion[],
): Promise<{ user: string; errorCode: number; errorMessage: string | null }[]> {
  const errors = new Map<string, { errorCode: number; errorMessage: string }>();
  const fail = (user: string, errorCode: number, errorMessage: string) => {
    if (!errors.has(user)) errors.set(user, { errorCode, errorMessage });
  };
  const all: (ScramDeletion | ScramUpsertion)[] = [...deletions, ...upsertions];
  const seen = new Set<string>();
  for (const a of all) {
    const key = `${a.mechanism}:${a.name}`;
    if (seen.has(key)) fail(a.name, ErrorCode.DUPLICATE_RESOURCE, 'A user credential cannot be altered twice in the same request');
    seen.add(key);
    if (a.name === '') fail(a.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Username must not be empty');
    else if (scramMechanismOfType(a.mechanism) === undefined) fail(a.name, ErrorCode.UNSUPPORTED_SASL_MECHANISM, 'Unknown SCRAM mechanism');
  }
  for (const u of upsertions) {
    const m = scramMechanismOfType(u.mechanism);
    if (m === undefined) continue;
    if (u.iterations < m.minIterations) fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too few iterations');
    else if (u.iterations > m.maxIterations) fail(u.name, ErrorCode.UNACCEPTABLE_CREDENTIAL, 'Too many iterations');
  }
  const users = [...new Set(all.map((a) => a.name))];
  const configs = new Map<string, Record<string, string>>();
  for (const user of users.filter((u) => !errors.has(u))) {
    const config = await fetchEntityConfig(admin, 'users', nodeOfEntityName(user));
    for (const d of deletions.filter((x) => x.name === user)) {
      const m = scramMechanismOfType(d.mechanism)!;
      if (config[m.name] === undefined) fail(user, ErrorCode.RESOURCE_NOT_FOUND, 'Attempt to delete a user credential that does not exist');
      delete config[m.name];
    }
    for (const u of upsertions.filter((x) => x.name === user)) {
      const m = scramMechanismOfType(u.mechanism)!;
      config[m.name] = credentialToString(credentialFromSalted(m, u.salt, u.saltedPassword, u.iterations));
    }
    configs.set(user, config);
  }
  for (const [user, config] of configs) {
    if (errors.has(user)) continue;
    try {
      await admin.changeEntityConfig('users', nodeOfEntityName(user), config);
    } catch (err) {
      fail(user, ErrorCode.UNKNOWN_SERVER_ERROR, (err as Error).message);
    }
  }
  return users.map((user) => ({ user, errorCode: errors.get(user)?.errorCode ?? 0, errorMessage: errors.get(user)?.errorMessage ?? null }));
}
