import { KAFKA_METRICS_PREFIX, parseKafkaMetrics, type KafkaMetricsConfig } from './kafka-metrics-config.js';
import { readFileSync } from 'node:fs';
import { ConfigError } from './config-error.js';
import { parseProperties, PropertiesSyntaxError, type PropertyEntry } from './properties.js';
import { PropertyReader } from './property-reader.js';
import {
  KAFKA_KEYS,
  KAFKA_KEYS_BY_NAME,
  kafkaKeyFamily,
  unknownKeyWarning,
  type KafkaKeyDef,
  type KafkaValue,
} from './kafka-keys.js';
import { formatKafkaValue, parseKafkaValue, sameKafkaValue, typedGetter } from './kafka-values.js';
import { checkKafkaConfig, deriveKafkaSettings, type KafkaDerivedSettings } from './kafka-derived.js';

export { ConfigError } from './config-error.js';
export type { KafkaListener, SecurityProtocol } from './kafka-listeners.js';
export type { ZooKeeperConnect } from './kafka-zookeeper-connect.js';

/** Where `--override key=value` entries are said to come from in messages. */
export const OVERRIDE_SOURCE = '--override';

/**
 * A server.properties (plus `--override`s) with Kafka 2.8.2's defaults filled in and its checks passed.
 * LONG settings are numbers here, clamped to ±Number.MAX_SAFE_INTEGER (Long.MAX_VALUE, Kafka's "never", stays
 * far beyond any real size or time); `values` keeps every key exactly, LONG as bigint.
 */
export interface KafkaConfig extends KafkaDerivedSettings {
  /** Path of the properties file as given. */
  file: string;
  /**
   * Every known key's value (the default when not set): what DescribeConfigs reports. PASSWORD keys hold their
   * secret here; check the key's `sensitive` flag before showing a value.
   */
  values: ReadonlyMap<string, KafkaValue>;
  /** Keys set by the file or an override, with where: the rest are at their defaults. */
  sources: ReadonlyMap<string, { source: string; line?: number }>;
  /**
   * One line each, `<file>:<line>: ` then: Apache's sentence for an unknown key, or `<key>[=<value>] has no effect:
   * <reason>` for an ignored key set to something other than its default (secrets never shown).
   */
  warnings: string[];

  /** zkafka.metrics.port/host: where the broker serves Prometheus metrics; absent = no endpoint. */
  metrics?: KafkaMetricsConfig;
  brokerIdGenerationEnable: boolean;
  reservedBrokerMaxId: number;
  zookeeperSessionTimeoutMs: number;
  zookeeperMaxInFlightRequests: number;
  brokerRack?: string;

  messageMaxBytes: number;
  socketRequestMaxBytes: number;
  queuedMaxRequests: number;
  /** <= 0: no byte bound. */
  queuedMaxRequestBytes: number;
  requestTimeoutMs: number;
  socketConnectionSetupTimeoutMs: number;
  socketConnectionSetupTimeoutMaxMs: number;
  maxConnectionsPerIp: number;
  maxConnections: number;
  connectionsMaxIdleMs: number;

  numPartitions: number;
  defaultReplicationFactor: number;
  autoCreateTopicsEnable: boolean;
  deleteTopicEnable: boolean;
  minInsyncReplicas: number;
  uncleanLeaderElectionEnable: boolean;
  compressionType: string;

  logSegmentBytes: number;
  /** -1 = unlimited. */
  logRetentionBytes: number;
  logRetentionCheckIntervalMs: number;
  logCleanupPolicy: ReadonlyArray<'delete' | 'compact'>;
  logIndexIntervalBytes: number;
  logIndexSizeMaxBytes: number;
  logFlushIntervalMessages: number;
  logFlushSchedulerIntervalMs: number;
  logFlushOffsetCheckpointIntervalMs: number;
  logFlushStartOffsetCheckpointIntervalMs: number;
  logSegmentDeleteDelayMs: number;
  logMessageTimestampType: 'CreateTime' | 'LogAppendTime';
  logMessageTimestampDifferenceMaxMs: number;

  logCleanerEnable: boolean;
  logCleanerThreads: number;
  logCleanerDedupeBufferSizeBytes: number;
  logCleanerIoBufferSizeBytes: number;
  logCleanerIoBufferLoadFactor: number;
  logCleanerIoMaxBytesPerSecond: number;
  logCleanerBackoffMs: number;
  logCleanerMinCleanableRatio: number;
  logCleanerDeleteRetentionMs: number;
  logCleanerMinCompactionLagMs: number;
  logCleanerMaxCompactionLagMs: number;

  controllerSocketTimeoutMs: number;
  replicaLagTimeMaxMs: number;
  replicaSocketTimeoutMs: number;
  replicaFetchMaxBytes: number;
  replicaFetchWaitMaxMs: number;
  replicaFetchBackoffMs: number;
  replicaFetchMinBytes: number;
  replicaFetchResponseMaxBytes: number;
  replicaHighWatermarkCheckpointIntervalMs: number;
  autoLeaderRebalanceEnable: boolean;
  leaderImbalancePerBrokerPercentage: number;
  leaderImbalanceCheckIntervalSeconds: number;

  controlledShutdownEnable: boolean;
  controlledShutdownMaxRetries: number;
  controlledShutdownRetryBackoffMs: number;

  groupMinSessionTimeoutMs: number;
  groupMaxSessionTimeoutMs: number;
  groupInitialRebalanceDelayMs: number;
  groupMaxSize: number;

  offsetMetadataMaxBytes: number;
  offsetsLoadBufferSizeBytes: number;
  offsetsTopicReplicationFactor: number;
  offsetsTopicNumPartitions: number;
  offsetsTopicSegmentBytes: number;
  /** 0 none, 1 gzip, 2 snappy, 3 lz4, 4 zstd. */
  offsetsTopicCompressionCodec: number;
  offsetsRetentionMs: number;
  offsetsRetentionCheckIntervalMs: number;
  offsetsCommitTimeoutMs: number;
  offsetsCommitRequiredAcks: number;

  transactionStateLogReplicationFactor: number;
  transactionStateLogMinIsr: number;
  transactionStateLogNumPartitions: number;
  transactionStateLogSegmentBytes: number;
  transactionStateLogLoadBufferSize: number;
  transactionMaxTimeoutMs: number;
  transactionalIdExpirationMs: number;
  transactionAbortTimedOutTransactionCleanupIntervalMs: number;
  transactionRemoveExpiredTransactionCleanupIntervalMs: number;

  maxIncrementalFetchSessionCacheSlots: number;
  fetchMaxBytes: number;

  /** Accepted, no effect here (see the key table); kept for display. */
  numNetworkThreads: number;
  numIoThreads: number;
  numRecoveryThreadsPerDataDir: number;
  socketSendBufferBytes: number;
  socketReceiveBufferBytes: number;
  interBrokerProtocolVersion: string;
  logMessageFormatVersion: string;
}

/** Reads and parses a server.properties; a missing or unreadable file is a ConfigError too. */
export function loadKafkaConfig(file: string, overrides: readonly string[] = []): KafkaConfig {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code ?? String(err);
    throw new ConfigError(`${file}: cannot read config file: ${code}`, file, undefined, undefined, { cause: err });
  }
  return parseKafkaConfig(text, file, overrides);
}

/**
 * `key=value` arguments of kafka-server-start's `--override` (split at the first `=`, key and value trimmed as
 * in a file). They are validated like file entries; messages name `--override` as their source.
 */
export function parseOverrides(args: readonly string[]): PropertyEntry[] {
  return args.map((arg) => {
    const eq = arg.indexOf('=');
    const key = eq === -1 ? arg.trim() : arg.slice(0, eq).trim();
    if (eq === -1 || key === '') {
      throw new ConfigError(`${OVERRIDE_SOURCE}: expected key=value, got '${arg}'`, OVERRIDE_SOURCE);
    }
    return { key, value: arg.slice(eq + 1).trim(), line: 0, source: OVERRIDE_SOURCE };
  });
}

/** Parses server.properties text; `overrides` (`key=value`, as given to `--override`) replace the file's values. */
export function parseKafkaConfig(text: string, fileName: string, overrides: readonly string[] = []): KafkaConfig {
  const r = new PropertyReader(fileName, mergeEntries(fileEntries(text, fileName), parseOverrides(overrides)));
  const warnings: string[] = [];
  const values = new Map<string, KafkaValue>(KAFKA_KEYS.map((def) => [def.name, def.defaultValue]));
  for (const entry of r.entries()) {
    if (entry.key.startsWith(KAFKA_METRICS_PREFIX)) continue;
    const def = KAFKA_KEYS_BY_NAME.get(entry.key);
    if (def === undefined) {
      const family = kafkaKeyFamily(entry.key);
      const text = family === undefined ? unknownKeyWarning(entry.key) : `${entry.key} has no effect: ${family.note}`;
      warnings.push(r.warning(entry.key, text));
      continue;
    }
    const value = parseKafkaValue(r, def, entry.value);
    checkSupport(r, def, value, warnings);
    values.set(def.name, value);
  }

  const metrics = parseKafkaMetrics(r, warnings);
  const get = typedGetter(values);
  const derived = deriveKafkaSettings(r, get);
  checkKafkaConfig(r, get, derived);

  return {
    file: fileName,
    values,
    sources: new Map(
      r.entries().map((e) => [e.key, e.source === undefined ? { source: fileName, line: e.line } : { source: e.source }]),
    ),
    warnings,
    ...(metrics ? { metrics } : {}),
    ...derived,
    brokerIdGenerationEnable: get.bool('broker.id.generation.enable'),
    reservedBrokerMaxId: get.int('reserved.broker.max.id'),
    zookeeperSessionTimeoutMs: get.int('zookeeper.session.timeout.ms'),
    zookeeperMaxInFlightRequests: get.int('zookeeper.max.in.flight.requests'),
    brokerRack: get.optString('broker.rack'),
    messageMaxBytes: get.int('message.max.bytes'),
    socketRequestMaxBytes: get.int('socket.request.max.bytes'),
    queuedMaxRequests: get.int('queued.max.requests'),
    queuedMaxRequestBytes: get.long('queued.max.request.bytes'),
    requestTimeoutMs: get.int('request.timeout.ms'),
    socketConnectionSetupTimeoutMs: get.long('socket.connection.setup.timeout.ms'),
    socketConnectionSetupTimeoutMaxMs: get.long('socket.connection.setup.timeout.max.ms'),
    maxConnectionsPerIp: get.int('max.connections.per.ip'),
    maxConnections: get.int('max.connections'),
    connectionsMaxIdleMs: get.long('connections.max.idle.ms'),
    numPartitions: get.int('num.partitions'),
    defaultReplicationFactor: get.int('default.replication.factor'),
    autoCreateTopicsEnable: get.bool('auto.create.topics.enable'),
    deleteTopicEnable: get.bool('delete.topic.enable'),
    minInsyncReplicas: get.int('min.insync.replicas'),
    uncleanLeaderElectionEnable: get.bool('unclean.leader.election.enable'),
    compressionType: get.string('compression.type').toLowerCase(),
    logSegmentBytes: get.int('log.segment.bytes'),
    logRetentionBytes: get.long('log.retention.bytes'),
    logRetentionCheckIntervalMs: get.long('log.retention.check.interval.ms'),
    logCleanupPolicy: get.list('log.cleanup.policy') as ReadonlyArray<'delete' | 'compact'>,
    logIndexIntervalBytes: get.int('log.index.interval.bytes'),
    logIndexSizeMaxBytes: get.int('log.index.size.max.bytes'),
    logFlushIntervalMessages: get.long('log.flush.interval.messages'),
    logFlushSchedulerIntervalMs: get.long('log.flush.scheduler.interval.ms'),
    logFlushOffsetCheckpointIntervalMs: get.int('log.flush.offset.checkpoint.interval.ms'),
    logFlushStartOffsetCheckpointIntervalMs: get.int('log.flush.start.offset.checkpoint.interval.ms'),
    logSegmentDeleteDelayMs: get.long('log.segment.delete.delay.ms'),
    logMessageTimestampType: get.string('log.message.timestamp.type') as 'CreateTime' | 'LogAppendTime',
    logMessageTimestampDifferenceMaxMs: get.long('log.message.timestamp.difference.max.ms'),
    logCleanerEnable: get.bool('log.cleaner.enable'),
    logCleanerThreads: get.int('log.cleaner.threads'),
    logCleanerDedupeBufferSizeBytes: get.long('log.cleaner.dedupe.buffer.size'),
    logCleanerIoBufferSizeBytes: get.int('log.cleaner.io.buffer.size'),
    logCleanerIoBufferLoadFactor: get.double('log.cleaner.io.buffer.load.factor'),
    logCleanerIoMaxBytesPerSecond: get.double('log.cleaner.io.max.bytes.per.second'),
    logCleanerBackoffMs: get.long('log.cleaner.backoff.ms'),
    logCleanerMinCleanableRatio: get.double('log.cleaner.min.cleanable.ratio'),
    logCleanerDeleteRetentionMs: get.long('log.cleaner.delete.retention.ms'),
    logCleanerMinCompactionLagMs: get.long('log.cleaner.min.compaction.lag.ms'),
    logCleanerMaxCompactionLagMs: get.long('log.cleaner.max.compaction.lag.ms'),
    controllerSocketTimeoutMs: get.int('controller.socket.timeout.ms'),
    replicaLagTimeMaxMs: get.long('replica.lag.time.max.ms'),
    replicaSocketTimeoutMs: get.int('replica.socket.timeout.ms'),
    replicaFetchMaxBytes: get.int('replica.fetch.max.bytes'),
    replicaFetchWaitMaxMs: get.int('replica.fetch.wait.max.ms'),
    replicaFetchBackoffMs: get.int('replica.fetch.backoff.ms'),
    replicaFetchMinBytes: get.int('replica.fetch.min.bytes'),
    replicaFetchResponseMaxBytes: get.int('replica.fetch.response.max.bytes'),
    replicaHighWatermarkCheckpointIntervalMs: get.long('replica.high.watermark.checkpoint.interval.ms'),
    autoLeaderRebalanceEnable: get.bool('auto.leader.rebalance.enable'),
    leaderImbalancePerBrokerPercentage: get.int('leader.imbalance.per.broker.percentage'),
    leaderImbalanceCheckIntervalSeconds: get.long('leader.imbalance.check.interval.seconds'),
    controlledShutdownEnable: get.bool('controlled.shutdown.enable'),
    controlledShutdownMaxRetries: get.int('controlled.shutdown.max.retries'),
    controlledShutdownRetryBackoffMs: get.long('controlled.shutdown.retry.backoff.ms'),
    groupMinSessionTimeoutMs: get.int('group.min.session.timeout.ms'),
    groupMaxSessionTimeoutMs: get.int('group.max.session.timeout.ms'),
    groupInitialRebalanceDelayMs: get.int('group.initial.rebalance.delay.ms'),
    groupMaxSize: get.int('group.max.size'),
    offsetMetadataMaxBytes: get.int('offset.metadata.max.bytes'),
    offsetsLoadBufferSizeBytes: get.int('offsets.load.buffer.size'),
    offsetsTopicReplicationFactor: get.int('offsets.topic.replication.factor'),
    offsetsTopicNumPartitions: get.int('offsets.topic.num.partitions'),
    offsetsTopicSegmentBytes: get.int('offsets.topic.segment.bytes'),
    offsetsTopicCompressionCodec: get.int('offsets.topic.compression.codec'),
    offsetsRetentionMs: get.int('offsets.retention.minutes') * 60_000,
    offsetsRetentionCheckIntervalMs: get.long('offsets.retention.check.interval.ms'),
    offsetsCommitTimeoutMs: get.int('offsets.commit.timeout.ms'),
    offsetsCommitRequiredAcks: get.int('offsets.commit.required.acks'),
    transactionStateLogReplicationFactor: get.int('transaction.state.log.replication.factor'),
    transactionStateLogMinIsr: get.int('transaction.state.log.min.isr'),
    transactionStateLogNumPartitions: get.int('transaction.state.log.num.partitions'),
    transactionStateLogSegmentBytes: get.int('transaction.state.log.segment.bytes'),
    transactionStateLogLoadBufferSize: get.int('transaction.state.log.load.buffer.size'),
    transactionMaxTimeoutMs: get.int('transaction.max.timeout.ms'),
    transactionalIdExpirationMs: get.int('transactional.id.expiration.ms'),
    transactionAbortTimedOutTransactionCleanupIntervalMs: get.int('transaction.abort.timed.out.transaction.cleanup.interval.ms'),
    transactionRemoveExpiredTransactionCleanupIntervalMs: get.int('transaction.remove.expired.transaction.cleanup.interval.ms'),
    maxIncrementalFetchSessionCacheSlots: get.int('max.incremental.fetch.session.cache.slots'),
    fetchMaxBytes: get.int('fetch.max.bytes'),
    numNetworkThreads: get.int('num.network.threads'),
    numIoThreads: get.int('num.io.threads'),
    numRecoveryThreadsPerDataDir: get.int('num.recovery.threads.per.data.dir'),
    socketSendBufferBytes: get.int('socket.send.buffer.bytes'),
    socketReceiveBufferBytes: get.int('socket.receive.buffer.bytes'),
    interBrokerProtocolVersion: get.string('inter.broker.protocol.version'),
    logMessageFormatVersion: get.string('log.message.format.version'),
  };
}

function fileEntries(text: string, fileName: string): PropertyEntry[] {
  try {
    return parseProperties(text);
  } catch (err) {
    if (err instanceof PropertiesSyntaxError) {
      throw new ConfigError(`${fileName}:${err.line}: ${err.detail}`, fileName, undefined, err.line);
    }
    throw err;
  }
}

/** File entries in file order, each replaced by its override; keys only overridden come after, in argument order. */
function mergeEntries(file: readonly PropertyEntry[], overrides: readonly PropertyEntry[]): PropertyEntry[] {
  const byKey = new Map<string, PropertyEntry>(file.map((e) => [e.key, e]));
  for (const o of overrides) byKey.set(o.key, o);
  return [...byKey.values()];
}

function checkSupport(r: PropertyReader, def: KafkaKeyDef, value: KafkaValue, warnings: string[]): void {
  if (def.support === 'honoured' || sameKafkaValue(value, def.defaultValue)) return;
  const note = def.note.replace(/\.$/, '');
  if (def.support === 'default-only') {
    const shownDefault = formatKafkaValue(def.defaultValue, def.type);
    const wanted = shownDefault === null || shownDefault === '' ? 'it unset' : shownDefault;
    throw r.fail(def.name, `${wanted} (${note})`);
  }
  const setting = def.sensitive ? def.name : `${def.name}=${formatKafkaValue(value, def.type)}`;
  warnings.push(r.warning(def.name, `${setting} has no effect: ${def.note}`));
}

/**
 * A ConfigError for a problem found after loading (a log dir that cannot be created, a broker.id that does not
 * match meta.properties), pointing at the file and line, or the `--override`, the key came from.
 */
export function kafkaConfigError(config: Pick<KafkaConfig, 'file' | 'sources'>, key: string, text: string): ConfigError {
  const source = config.sources.get(key);
  return ConfigError.at(source?.source ?? config.file, key, source?.line, text);
}
