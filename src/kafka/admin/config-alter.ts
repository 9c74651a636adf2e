// ZkAdminManager.alterConfigs / incrementalAlterConfigs for one resource: topic overrides (validated as LogConfig
// does, then /config/topics/<t> and a /config/changes notification) and dynamic broker configs (/config/brokers/<id>
// or <default>, dynamically updatable keys only). A bad value is INVALID_REQUEST "Invalid config value for resource
// ...", an unknown topic key INVALID_CONFIG, as Kafka answers.
import { ErrorCode } from '../protocol/index.js';
import { formatKafkaValue } from '../../config/kafka-values.js';
import { adminErrorOf } from './admin-zk.js';
import { DEFAULT_BROKER_ENTITY, brokerConfigLayers, type AdminContext } from './admin-context.js';
import { DYNAMIC_BROKER_KEYS } from './config-describer.js';
import { ConfigResourceType, resourceText, resourceTypeName } from './config-resource.js';
import { AdminError } from './topic-name.js';
import { TOPIC_CONFIGS_BY_NAME, TopicConfigError, TopicConfigValueError, brokerKeyDef, parseTopicConfigValue } from './topic-config-defs.js';

/** AlterConfigOp.OpType. */
export const AlterConfigOp = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface IncrementalOp {
  name: string;
  op: number;
  value: string | null;
}

export interface AlterOutcome {
  errorCode: number;
  errorMessage: string | null;
}

const OK: AlterOutcome = { errorCode: ErrorCode.NONE, errorMessage: null };

function brokerEntity(ctx: AdminContext, resourceName: string): string {
  if (resourceName === '') return DEFAULT_BROKER_ENTITY;
  if (!/^-?\d+$/.test(resourceName)) throw new AdminError(ErrorCode.INVALID_REQUEST, `Broker id must be an integer, but it is: ${resourceName}`);
  if (Number(resourceName) !== ctx.brokerId) {
    throw new AdminError(ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${ctx.brokerId} or empty string, but received ${resourceName}`);
  }
  return resourceName;
}

/** A ConfigException whose text is not of the `Invalid value` form. */
class ConfigTextError extends Error {}

/** DynamicConfig.Broker's own keys (replication quotas), beside DynamicBrokerConfig's: non-negative LONGs. */
const REPLICATION_THROTTLE_KEYS: ReadonlySet<string> = new Set(['leader.replication.throttled.rate', 'follower.replication.throttled.rate', 'replica.alter.log.dirs.io.max.bytes.per.second']);

/** DynamicBrokerConfig.validateConfigs: dynamically updatable keys with values of their type. */
function validateBrokerConfigs(configs: Readonly<Record<string, string>>): void {
  for (const k of Object.keys(configs).filter((k) => REPLICATION_THROTTLE_KEYS.has(k))) {
    if (!/^\d+$/.test(configs[k]!.trim())) throw new ConfigTextError(`Invalid value ${configs[k]} for configuration ${k}: Not a number of type LONG`);
  }
  const nonDynamic = Object.keys(configs).filter((k) => !DYNAMIC_BROKER_KEYS.has(k) && !REPLICATION_THROTTLE_KEYS.has(k));
  if (nonDynamic.length > 0) throw new ConfigTextError(`Cannot update these configs dynamically: Set(${nonDynamic.join(', ')})`);
  for (const [k, v] of Object.entries(configs)) {
    const d = brokerKeyDef(k);
    if (d !== undefined) parseTopicConfigValue(d, v);
  }
}

async function write(ctx: AdminContext, type: number, resourceName: string, configs: Record<string, string>, validateOnly: boolean): Promise<void> {
  if (type === ConfigResourceType.TOPIC) {
    await ctx.admin.validateTopicConfig(resourceName, configs);
    if (!validateOnly) await ctx.admin.changeTopicConfig(resourceName, configs);
    return;
  }
  const entity = brokerEntity(ctx, resourceName);
  validateBrokerConfigs(configs);
  if (!validateOnly) await ctx.admin.changeEntityConfig('brokers', entity, configs);
}

function outcomeOf(err: unknown, type: number, resourceName: string): AlterOutcome {
  if (err instanceof TopicConfigValueError || err instanceof ConfigTextError) {
    return { errorCode: ErrorCode.INVALID_REQUEST, errorMessage: `Invalid config value for resource ${resourceText(type, resourceName)}: ${err.message}` };
  }
  const e = adminErrorOf(err);
  return { errorCode: e.errorCode, errorMessage: e.errorMessage };
}

function checkType(type: number): void {
  if (type !== ConfigResourceType.TOPIC && type !== ConfigResourceType.BROKER) {
    throw new AdminError(ErrorCode.INVALID_REQUEST, `AlterConfigs is only supported for topics and brokers, but resource type is ${resourceTypeName(type)}`);
  }
}

/** AlterConfigs: the given entries replace the resource's whole override set. */
export async function alterConfigs(ctx: AdminContext, type: number, resourceName: string, entries: readonly { name: string; value: string | null }[], validateOnly: boolean): Promise<AlterOutcome> {
  try {
    checkType(type);
    const nulls = entries.filter((e) => e.value === null).map((e) => e.name);
    if (nulls.length > 0) throw new AdminError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${nulls.join(',')}`);
    await write(ctx, type, resourceName, Object.fromEntries(entries.map((e) => [e.name, e.value as string])), validateOnly);
    return OK;
  } catch (err) {
    return outcomeOf(err, type, resourceName);
  }
}

/** IncrementalAlterConfigs: SET / DELETE / APPEND / SUBTRACT applied to the current overrides. */
export async function incrementalAlterConfigs(ctx: AdminContext, type: number, resourceName: string, ops: readonly IncrementalOp[], validateOnly: boolean): Promise<AlterOutcome> {
  try {
    checkType(type);
    const isTopic = type === ConfigResourceType.TOPIC;
    const current = isTopic
      ? await ctx.admin.topicOverrides(resourceName)
      : resourceName === ''
        ? (await brokerConfigLayers(ctx)).dynamicDefault
        : (brokerEntity(ctx, resourceName), (await brokerConfigLayers(ctx)).dynamicBroker);
    const props: Record<string, string> = { ...current };
    for (const op of ops) {
      switch (op.op) {
        case AlterConfigOp.SET:
          if (op.value === null) throw new AdminError(ErrorCode.INVALID_REQUEST, `Null value not supported for : ${op.name}`);
          props[op.name] = op.value;
          break;
        case AlterConfigOp.DELETE:
          delete props[op.name];
          break;
        case AlterConfigOp.APPEND:
        case AlterConfigOp.SUBTRACT: {
          const verb = op.op === AlterConfigOp.APPEND ? 'append' : 'subtract';
          const d = isTopic ? TOPIC_CONFIGS_BY_NAME.get(op.name) : brokerKeyDef(op.name);
          if (d === undefined) throw isTopic ? new TopicConfigError(`Unknown topic config name: ${op.name}`) : new AdminError(ErrorCode.INVALID_CONFIG, `Unknown broker config name: ${op.name}`);
          if (d.type !== 'LIST') throw new AdminError(ErrorCode.INVALID_REQUEST, `Config value ${verb} is not allowed for config key: ${op.name}`);
          const base = (props[op.name] ?? formatKafkaValue(d.brokerDefault(ctx.config.values), 'LIST') ?? '').split(',');
          const given = (op.value ?? '').split(',');
          const next = op.op === AlterConfigOp.APPEND ? [...base, ...given] : scalaDiff(base, given);
          props[op.name] = next.join(',');
          break;
        }
        default:
          throw new AdminError(ErrorCode.INVALID_REQUEST, `Unknown alter config operation ${op.op} for config key: ${op.name}`);
      }
    }
    await write(ctx, type, resourceName, props, validateOnly);
    return OK;
  } catch (err) {
    return outcomeOf(err, type, resourceName);
  }
}

/** Scala's Seq.diff: removes one occurrence per element given. */
function scalaDiff(base: readonly string[], remove: readonly string[]): string[] {
  const left = [...base];
  for (const r of remove) {
    const i = left.indexOf(r);
    if (i !== -1) left.splice(i, 1);
  }
  return left;
}
