// What DescribeConfigs (and CreateTopics v5+) report for a topic or a broker, as Kafka 2.8's ConfigHelper builds
// it: the value's text, where it comes from (the first synonym found: dynamic per-broker, dynamic cluster default,
// server.properties, Kafka's default), read-only and sensitive flags, the type and the documentation.
import type { KafkaConfigType, KafkaValue } from '../../config/kafka-key-types.js';
import { KAFKA_KEYS, KAFKA_KEYS_BY_NAME } from '../../config/kafka-keys.js';
import { formatKafkaValue } from '../../config/kafka-values.js';
import { TOPIC_CONFIGS, effectiveTopicConfig } from './topic-config-defs.js';

/** DescribeConfigsResponse.ConfigSource. */
export const ConfigSource = {
  UNKNOWN: 0,
  TOPIC_CONFIG: 1,
  DYNAMIC_BROKER_CONFIG: 2,
  DYNAMIC_DEFAULT_BROKER_CONFIG: 3,
  STATIC_BROKER_CONFIG: 4,
  DEFAULT_CONFIG: 5,
  DYNAMIC_BROKER_LOGGER_CONFIG: 6,
} as const;

/** DescribeConfigsResponse.ConfigType. */
const CONFIG_TYPE_IDS: Record<KafkaConfigType, number> = { BOOLEAN: 1, STRING: 2, INT: 3, SHORT: 4, LONG: 5, DOUBLE: 6, LIST: 7, CLASS: 8, PASSWORD: 9 };

/**
 * Broker keys Kafka 2.8 can change without a restart (DynamicBrokerConfig.AllDynamicConfigs, less the TLS/SASL
 * families this broker has no keys for): everything else is read-only.
 */
export const DYNAMIC_BROKER_KEYS: ReadonlySet<string> = new Set([
  ...TOPIC_CONFIGS.map((d) => d.synonym).filter((k): k is string => k !== null && k !== 'log.message.format.version'),
  'num.io.threads', 'num.network.threads', 'num.replica.fetchers', 'num.recovery.threads.per.data.dir', 'background.threads',
  'log.cleaner.threads', 'log.cleaner.dedupe.buffer.size', 'log.cleaner.io.buffer.load.factor', 'log.cleaner.io.buffer.size',
  'log.cleaner.io.max.bytes.per.second', 'log.cleaner.backoff.ms',
  'listeners', 'advertised.listeners', 'listener.security.protocol.map',
  'max.connections', 'max.connections.per.ip', 'max.connections.per.ip.overrides', 'max.connection.creation.rate',
  'metric.reporters', 'ssl.keystore.password', 'ssl.key.password', 'ssl.truststore.password', 'sasl.jaas.config',
]);

const throttleDoc = (whose: string) =>
  `A long representing the upper bound (bytes/sec) on replication traffic for ${whose}s enumerated in the property ${whose}.replication.throttled.replicas (for each topic). This property can be only set dynamically. It is suggested that the limit be kept above 1MB/s for accurate behaviour.`;

/**
 * DynamicConfig.Broker's keys that KafkaConfig does not define: a broker reports them (typed, not sensitive) once a
 * dynamic layer sets them.
 */
const DYNAMIC_ONLY_BROKER_KEYS: ReadonlyMap<string, { type: KafkaConfigType; doc: string }> = new Map([
  ['leader.replication.throttled.rate', { type: 'LONG', doc: throttleDoc('leader') }],
  ['follower.replication.throttled.rate', { type: 'LONG', doc: throttleDoc('follower') }],
  ['replica.alter.log.dirs.io.max.bytes.per.second', {
    type: 'LONG',
    doc: 'A long representing the upper bound (bytes/sec) on disk IO used for moving replica between log directories on the same broker. This property can be only set dynamically. It is suggested that the limit be kept above 1MB/s for accurate behaviour.',
  }],
]);

/** DynamicBrokerConfig.brokerConfigSynonyms: the keys that stand for one setting, most specific first. */
export function brokerConfigSynonyms(name: string): string[] {
  switch (name) {
    case 'log.roll.ms':
    case 'log.roll.hours':
      return ['log.roll.ms', 'log.roll.hours'];
    case 'log.roll.jitter.ms':
    case 'log.roll.jitter.hours':
      return ['log.roll.jitter.ms', 'log.roll.jitter.hours'];
    case 'log.flush.interval.ms':
      return ['log.flush.interval.ms', 'log.flush.scheduler.interval.ms'];
    case 'log.retention.ms':
    case 'log.retention.minutes':
    case 'log.retention.hours':
      return ['log.retention.ms', 'log.retention.minutes', 'log.retention.hours'];
    default:
      return [name];
  }
}

export interface ConfigSynonym {
  name: string;
  value: string | null;
  source: number;
}

export interface DescribedConfig {
  name: string;
  value: string | null;
  readOnly: boolean;
  source: number;
  isSensitive: boolean;
  synonyms: ConfigSynonym[];
  configType: number;
  documentation: string | null;
}

/** The broker's configuration layers, as DynamicBrokerConfig keeps them. */
export interface BrokerConfigLayers {
  /** Every key's effective static value (KafkaConfig.values). */
  values: ReadonlyMap<string, KafkaValue>;
  /** Keys set in server.properties or by --override. */
  staticKeys: ReadonlySet<string>;
  /** /config/brokers/<id>. */
  dynamicBroker: Readonly<Record<string, string>>;
  /** /config/brokers/<default>. */
  dynamicDefault: Readonly<Record<string, string>>;
}

const isSensitiveType = (type: KafkaConfigType | undefined): boolean => type === 'PASSWORD' || type === undefined;

/** ConfigHelper.configSynonyms: every layer's value for the synonyms, from `name` on. */
function configSynonyms(layers: BrokerConfigLayers, name: string, synonyms: readonly string[], sensitive: boolean): ConfigSynonym[] {
  const out: ConfigSynonym[] = [];
  const add = (source: number, valueOf: (key: string) => string | null | undefined): void => {
    for (const key of synonyms) {
      const value = valueOf(key);
      if (value !== undefined) out.push({ name: key, value: sensitive ? null : value, source });
    }
  };
  const staticText = (key: string): string | null => formatKafkaValue(layers.values.get(key) ?? null, KAFKA_KEYS_BY_NAME.get(key)?.type);
  add(ConfigSource.DYNAMIC_BROKER_CONFIG, (k) => layers.dynamicBroker[k]);
  add(ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG, (k) => layers.dynamicDefault[k]);
  add(ConfigSource.STATIC_BROKER_CONFIG, (k) => (layers.staticKeys.has(k) ? staticText(k) : undefined));
  add(ConfigSource.DEFAULT_CONFIG, (k) => {
    const d = KAFKA_KEYS_BY_NAME.get(k);
    return d === undefined || d.defaultValue === null ? undefined : formatKafkaValue(d.defaultValue, d.type);
  });
  const first = out.findIndex((s) => s.name === name);
  return first === -1 ? [] : out.slice(first);
}

/** ConfigHelper.createTopicConfigEntry for every topic config, in LogConfig's order. */
export function describeTopicConfigs(overrides: Readonly<Record<string, string>>, layers: BrokerConfigLayers): DescribedConfig[] {
  const effective = effectiveTopicConfig(overrides, layers.values);
  return TOPIC_CONFIGS.map((d) => {
    const synonyms = d.synonym === null ? [] : configSynonyms(layers, d.synonym, d.brokerSynonyms, false);
    const dynamic = synonyms[0]?.source === ConfigSource.DYNAMIC_BROKER_CONFIG || synonyms[0]?.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
    // A dynamic broker value in force is the topic's default (the broker's LogConfig is updated with it).
    const value = overrides[d.name] === undefined && dynamic ? synonyms[0]!.value : formatKafkaValue(effective.get(d.name) ?? null, d.type);
    if (overrides[d.name] !== undefined) synonyms.unshift({ name: d.name, value, source: ConfigSource.TOPIC_CONFIG });
    return {
      name: d.name,
      value,
      readOnly: false,
      source: synonyms[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: false,
      synonyms,
      configType: CONFIG_TYPE_IDS[d.type],
      documentation: d.documentation,
    };
  });
}

/** KafkaConfig's current value: a dynamic layer's when one is in force, else the static one. */
function currentBrokerValue(layers: BrokerConfigLayers, name: string, first: ConfigSynonym | undefined): string | null {
  const dynamic = first?.source === ConfigSource.DYNAMIC_BROKER_CONFIG || first?.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG;
  return dynamic ? first!.value : formatKafkaValue(layers.values.get(name) ?? null, KAFKA_KEYS_BY_NAME.get(name)?.type);
}

/**
 * ConfigHelper.createBrokerConfigEntry for every broker key. `perBroker` false describes the cluster default
 * (resource name ""): only the dynamic default layer counts, and only keys set there are listed.
 */
export function describeBrokerConfigs(layers: BrokerConfigLayers, perBroker: boolean): DescribedConfig[] {
  const dynamicOnly = [...DYNAMIC_ONLY_BROKER_KEYS.keys()].filter((k) => layers.dynamicBroker[k] !== undefined || layers.dynamicDefault[k] !== undefined);
  const names = perBroker ? [...KAFKA_KEYS.map((k) => k.name), ...dynamicOnly] : Object.keys(layers.dynamicDefault);
  return names.map((name) => {
    const def = KAFKA_KEYS_BY_NAME.get(name) ?? DYNAMIC_ONLY_BROKER_KEYS.get(name);
    const sensitive = isSensitiveType(def?.type);
    const all = configSynonyms(layers, name, brokerConfigSynonyms(name), sensitive).filter(
      (s) => perBroker || s.source === ConfigSource.DYNAMIC_DEFAULT_BROKER_CONFIG,
    );
    const value = sensitive ? null : perBroker ? currentBrokerValue(layers, name, all[0]) : (layers.dynamicDefault[name] ?? null);
    return {
      name,
      value,
      readOnly: !DYNAMIC_BROKER_KEYS.has(name),
      source: all[0]?.source ?? ConfigSource.DEFAULT_CONFIG,
      isSensitive: sensitive,
      synonyms: all,
      configType: def === undefined ? 0 : CONFIG_TYPE_IDS[def.type],
      documentation: def === undefined ? null : 'note' in def ? def.note : def.doc,
    };
  });
}
