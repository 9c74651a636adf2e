// Every topic-level config Kafka 2.8's LogConfig defines: type, validator, the broker key it defaults to (its
// synonym, LogConfig.TopicConfigSynonyms) and how the broker's value becomes the topic default
// (KafkaServer.copyKafkaConfigToLog). Parsing and validation reproduce ConfigDef's texts, which clients show.
import type { KafkaConfigType, KafkaValue } from '../../config/kafka-key-types.js';
import { INT32_MAX, INT32_MIN, INT64_MAX, INT64_MIN } from '../../config/kafka-key-types.js';
import { KAFKA_KEYS_BY_NAME } from '../../config/kafka-keys.js';
import { isKafkaVersion } from '../../config/kafka-versions.js';

export type TopicValidator =
  | { kind: 'atLeast'; min: number }
  | { kind: 'between'; min: number; max: number }
  | { kind: 'in'; values: readonly string[] }
  | { kind: 'listIn'; values: readonly string[] }
  | { kind: 'version' }
  | { kind: 'throttledReplicas' };

export interface TopicConfigDef {
  name: string;
  type: KafkaConfigType;
  validator?: TopicValidator;
  /** The broker key whose value is the default (null: no server default, e.g. throttled replicas). */
  synonym: string | null;
  /** The broker keys DescribeConfigs looks through for the synonym, most specific first (brokerConfigSynonyms). */
  brokerSynonyms: readonly string[];
  /** The topic default from the broker's effective values (copyKafkaConfigToLog). */
  brokerDefault(values: ReadonlyMap<string, KafkaValue>): KafkaValue;
  documentation: string;
}

const MS_PER_HOUR = 3_600_000n;
const MS_PER_MINUTE = 60_000n;

const direct = (key: string) => (values: ReadonlyMap<string, KafkaValue>): KafkaValue => values.get(key) ?? null;
const long = (values: ReadonlyMap<string, KafkaValue>, key: string): bigint | null => {
  const v = values.get(key);
  return v === null || v === undefined ? null : BigInt(v as number | bigint);
};

function def(
  name: string,
  type: KafkaConfigType,
  synonym: string | null,
  documentation: string,
  validator?: TopicValidator,
  extra: Partial<Pick<TopicConfigDef, 'brokerSynonyms' | 'brokerDefault'>> = {},
): TopicConfigDef {
  return {
    name,
    type,
    ...(validator === undefined ? {} : { validator }),
    synonym,
    brokerSynonyms: extra.brokerSynonyms ?? (synonym === null ? [] : [synonym]),
    brokerDefault: extra.brokerDefault ?? (synonym === null ? () => (type === 'LIST' ? [] : null) : direct(synonym)),
    documentation,
  };
}

const atLeast = (min: number): TopicValidator => ({ kind: 'atLeast', min });
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

/** In LogConfig's definition order. */
export const TOPIC_CONFIGS: readonly TopicConfigDef[] = [
  def('segment.bytes', 'INT', 'log.segment.bytes', 'This configuration controls the segment file size for the log.', atLeast(14)),
  def('segment.ms', 'LONG', 'log.roll.ms', 'This configuration controls the period of time after which Kafka will force the log to roll even if the segment file isn\'t full.', atLeast(1), {
    brokerSynonyms: ['log.roll.ms', 'log.roll.hours'],
    brokerDefault: (v) => long(v, 'log.roll.ms') ?? BigInt(v.get('log.roll.hours') as number) * MS_PER_HOUR,
  }),
  def('segment.jitter.ms', 'LONG', 'log.roll.jitter.ms', 'The maximum random jitter subtracted from the scheduled segment roll time.', atLeast(0), {
    brokerSynonyms: ['log.roll.jitter.ms', 'log.roll.jitter.hours'],
    brokerDefault: (v) => long(v, 'log.roll.jitter.ms') ?? BigInt(v.get('log.roll.jitter.hours') as number) * MS_PER_HOUR,
  }),
  def('segment.index.bytes', 'INT', 'log.index.size.max.bytes', 'This configuration controls the size of the index that maps offsets to file positions.', atLeast(0)),
  def('flush.messages', 'LONG', 'log.flush.interval.messages', 'The number of messages written to a log partition after which it is fsynced.', atLeast(0)),
  def('flush.ms', 'LONG', 'log.flush.interval.ms', 'The time after which a log partition is fsynced.', atLeast(0), {
    brokerSynonyms: ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'],
    brokerDefault: (v) => long(v, 'log.flush.interval.ms') ?? long(v, 'log.flush.scheduler.interval.ms'),
  }),
  def('retention.bytes', 'LONG', 'log.retention.bytes', 'The maximum size a partition can grow to before old log segments are discarded (-1: no size limit).'),
  def('retention.ms', 'LONG', 'log.retention.ms', 'The maximum time a log is retained before old log segments are discarded (-1: no time limit).', atLeast(-1), {
    brokerSynonyms: ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'],
    brokerDefault: (v) => {
      const ms = long(v, 'log.retention.ms') ?? (long(v, 'log.retention.minutes') ?? BigInt(v.get('log.retention.hours') as number) * 60n) * MS_PER_MINUTE;
      return ms < 0n ? -1n : ms;
    },
  }),
  def('max.message.bytes', 'INT', 'message.max.bytes', 'The largest record batch size allowed by Kafka (after compression if compression is enabled).', atLeast(0)),
  def('index.interval.bytes', 'INT', 'log.index.interval.bytes', 'How frequently Kafka adds an index entry to its offset index.', atLeast(0)),
  def('delete.retention.ms', 'LONG', 'log.cleaner.delete.retention.ms', 'The amount of time to retain delete tombstone markers for log compacted topics.', atLeast(0)),
  def('min.compaction.lag.ms', 'LONG', 'log.cleaner.min.compaction.lag.ms', 'The minimum time a message will remain uncompacted in the log.', atLeast(0)),
  def('max.compaction.lag.ms', 'LONG', 'log.cleaner.max.compaction.lag.ms', 'The maximum time a message will remain ineligible for compaction in the log.', atLeast(1)),
  def('file.delete.delay.ms', 'LONG', 'log.segment.delete.delay.ms', 'The time to wait before deleting a file from the filesystem.', atLeast(0)),
  def('min.cleanable.dirty.ratio', 'DOUBLE', 'log.cleaner.min.cleanable.ratio', 'How frequently the log compactor will attempt to clean the log (ratio of dirty log to total log).', { kind: 'between', min: 0, max: 1 }),
  def('cleanup.policy', 'LIST', 'log.cleanup.policy', 'A string that is either "delete" or "compact" or both: the retention policy to use on old log segments.', { kind: 'listIn', values: ['compact', 'delete'] }),
  def('unclean.leader.election.enable', 'BOOLEAN', 'unclean.leader.election.enable', 'Whether replicas not in the ISR set may be elected as leader as a last resort, even though doing so may result in data loss.'),
  def('min.insync.replicas', 'INT', 'min.insync.replicas', 'The minimum number of replicas that must acknowledge a write with acks=all.', atLeast(1)),
  def('compression.type', 'STRING', 'compression.type', 'The final compression type for a given topic; \'producer\' retains the codec set by the producer.', { kind: 'in', values: COMPRESSION_TYPES }),
  def('preallocate', 'BOOLEAN', 'log.preallocate', 'True if we should preallocate the file on disk when creating a new log segment.'),
  def('message.format.version', 'STRING', 'log.message.format.version', 'The message format version the broker will use to append messages to the logs.', { kind: 'version' }),
  def('message.timestamp.type', 'STRING', 'log.message.timestamp.type', 'Whether the timestamp in the message is message create time or log append time.', { kind: 'in', values: ['CreateTime', 'LogAppendTime'] }),
  def('message.timestamp.difference.max.ms', 'LONG', 'log.message.timestamp.difference.max.ms', 'The maximum difference allowed between the timestamp when a broker receives a message and the timestamp specified in the message.', atLeast(0)),
  def('leader.replication.throttled.replicas', 'LIST', null, 'A list of replicas for which log replication should be throttled on the leader side.', { kind: 'throttledReplicas' }),
  def('follower.replication.throttled.replicas', 'LIST', null, 'A list of replicas for which log replication should be throttled on the follower side.', { kind: 'throttledReplicas' }),
  def('message.downconversion.enable', 'BOOLEAN', 'log.message.downconversion.enable', 'Whether down-conversion of message formats is enabled to satisfy consume requests.'),
];

export const TOPIC_CONFIGS_BY_NAME: ReadonlyMap<string, TopicConfigDef> = new Map(TOPIC_CONFIGS.map((d) => [d.name, d]));

/** A broker key described like a topic config so that its value parses with ConfigDef's texts. */
export function brokerKeyDef(name: string): TopicConfigDef | undefined {
  const k = KAFKA_KEYS_BY_NAME.get(name);
  if (k === undefined) return undefined;
  const v = k.validator;
  return {
    name,
    type: k.type,
    ...(v === undefined ? {} : { validator: v }),
    synonym: name,
    brokerSynonyms: [name],
    brokerDefault: () => k.defaultValue,
    documentation: k.note,
  };
}

/**
 * The broker's effective values with the dynamic layers (cluster default, then this broker's) parsed over the
 * static ones; a dynamic value that does not parse is ignored, as Kafka skips invalid dynamic configs.
 */
export function withDynamicBrokerConfigs(
  values: ReadonlyMap<string, KafkaValue>,
  ...layers: readonly Readonly<Record<string, string>>[]
): Map<string, KafkaValue> {
  const out = new Map(values);
  for (const layer of layers) {
    for (const [k, text] of Object.entries(layer)) {
      const d = brokerKeyDef(k);
      if (d === undefined) continue;
      try {
        out.set(k, parseTopicConfigValue(d, text));
      } catch {
        // left at the value below it
      }
    }
  }
  return out;
}

/** Kafka's ConfigException text: `Invalid value <v> for configuration <name>: <why>`. */
export class TopicConfigValueError extends Error {
  override readonly name = 'TopicConfigValueError';
  constructor(key: string, shown: string, why: string) {
    super(`Invalid value ${shown} for configuration ${key}: ${why}`);
  }
}

/** Kafka's InvalidConfigurationException (unknown name, contradictory values). */
export class TopicConfigError extends Error {
  override readonly name = 'TopicConfigError';
}

const INTEGER = /^[+-]?\d+$/;
const DECIMAL = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;
const BOUNDS: Partial<Record<KafkaConfigType, [bigint, bigint]>> = {
  INT: [BigInt(INT32_MIN), BigInt(INT32_MAX)],
  SHORT: [-32768n, 32767n],
  LONG: [INT64_MIN, INT64_MAX],
};
const THROTTLED_REPLICA = /^([0-9]+:[0-9]+)?$/;

/** ConfigDef.parseType then the validator, for one topic config's text. */
export function parseTopicConfigValue(d: TopicConfigDef, text: string): KafkaValue {
  const trimmed = text.trim();
  let value: KafkaValue;
  switch (d.type) {
    case 'INT':
    case 'SHORT':
    case 'LONG': {
      const [min, max] = BOUNDS[d.type]!;
      if (!INTEGER.test(trimmed) || BigInt(trimmed) < min || BigInt(trimmed) > max) throw new TopicConfigValueError(d.name, text, `Not a number of type ${d.type}`);
      value = d.type === 'LONG' ? BigInt(trimmed) : Number(trimmed);
      break;
    }
    case 'DOUBLE':
      if (!DECIMAL.test(trimmed)) throw new TopicConfigValueError(d.name, text, 'Not a number of type DOUBLE');
      value = Number(trimmed);
      break;
    case 'BOOLEAN': {
      const lower = trimmed.toLowerCase();
      if (lower !== 'true' && lower !== 'false') throw new TopicConfigValueError(d.name, text, 'Expected value to be either true or false');
      value = lower === 'true';
      break;
    }
    case 'LIST':
      value = trimmed === '' ? [] : trimmed.split(/\s*,\s*/);
      break;
    default:
      value = trimmed;
  }
  checkValidator(d, value);
  return value;
}

function checkValidator(d: TopicConfigDef, value: KafkaValue): void {
  const v = d.validator;
  if (v === undefined) return;
  switch (v.kind) {
    case 'atLeast':
    case 'between': {
      const n = Number(value as number | bigint);
      const shown = d.type === 'DOUBLE' ? javaDouble(value as number) : String(value);
      if (n < v.min) throw new TopicConfigValueError(d.name, shown, `Value must be at least ${v.min}`);
      if (v.kind === 'between' && n > v.max) throw new TopicConfigValueError(d.name, shown, `Value must be no more than ${v.max}`);
      return;
    }
    case 'in':
      if (!v.values.includes(value as string)) throw new TopicConfigValueError(d.name, value as string, `String must be one of: ${v.values.join(', ')}`);
      return;
    case 'listIn':
      for (const item of value as readonly string[]) {
        if (!v.values.includes(item)) throw new TopicConfigValueError(d.name, item, `String must be one of: ${v.values.join(', ')}`);
      }
      return;
    case 'version':
      if (!isKafkaVersion(value as string)) throw new TopicConfigValueError(d.name, value as string, `Version \`${value as string}\` is not a valid version`);
      return;
    case 'throttledReplicas': {
      const list = value as readonly string[];
      if (!(list.every((r) => THROTTLED_REPLICA.test(r.trim())) || list.join('').trim() === '*')) {
        throw new TopicConfigValueError(
          d.name,
          `[${list.join(', ')}]`,
          `${d.name} must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],...`,
        );
      }
    }
  }
}

function javaDouble(x: number): string {
  const text = String(x);
  return /[.eE]/.test(text) || !Number.isFinite(x) ? text : `${text}.0`;
}

/**
 * LogConfig.validate: names first (unknown → TopicConfigError "Unknown topic config name: x"), then every value
 * (TopicConfigValueError), then min.compaction.lag.ms <= max.compaction.lag.ms. Returns the parsed overrides.
 */
export function validateTopicConfigs(props: Readonly<Record<string, string>>, brokerValues: ReadonlyMap<string, KafkaValue>): Map<string, KafkaValue> {
  for (const name of Object.keys(props)) {
    if (!TOPIC_CONFIGS_BY_NAME.has(name)) throw new TopicConfigError(`Unknown topic config name: ${name}`);
  }
  const parsed = new Map<string, KafkaValue>();
  for (const [name, text] of Object.entries(props)) parsed.set(name, parseTopicConfigValue(TOPIC_CONFIGS_BY_NAME.get(name)!, text));
  const effective = (name: string): bigint => BigInt((parsed.get(name) ?? TOPIC_CONFIGS_BY_NAME.get(name)!.brokerDefault(brokerValues)) as bigint);
  const minLag = effective('min.compaction.lag.ms');
  const maxLag = effective('max.compaction.lag.ms');
  if (minLag > maxLag) throw new TopicConfigError(`conflict topic config setting min.compaction.lag.ms (${minLag}) > max.compaction.lag.ms (${maxLag})`);
  return parsed;
}

/** Every topic config's effective value: the override if any, else the broker's (LogConfig.fromProps). */
export function effectiveTopicConfig(overrides: Readonly<Record<string, string>>, brokerValues: ReadonlyMap<string, KafkaValue>): Map<string, KafkaValue> {
  const out = new Map<string, KafkaValue>();
  for (const d of TOPIC_CONFIGS) {
    const text = overrides[d.name];
    let value = d.brokerDefault(brokerValues);
    if (text !== undefined) {
      try {
        value = parseTopicConfigValue(d, text);
      } catch {
        // A bad override written by another tool: Kafka would fail to load the log; the broker default stands.
      }
    }
    out.set(d.name, value);
  }
  return out;
}
