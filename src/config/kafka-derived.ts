/**
 * The settings KafkaConfig computes from several keys (listeners, retention, roll, zookeeper.connect, log dirs)
 * and Kafka 2.8's cross-key checks (KafkaConfig.validateValues), with Kafka's own messages where they are clear.
 */
import type { PropertyReader } from './property-reader.js';
import type { TypedValues } from './kafka-values.js';
import {
  ListenerError,
  parseCsvList,
  parseListeners,
  parseSecurityProtocolMap,
  type KafkaListener,
  type SecurityProtocol,
} from './kafka-listeners.js';
import { minVersionForRecordVersion, recordVersionOf } from './kafka-versions.js';
import { parseZooKeeperConnect, ZOOKEEPER_CONNECT_FORM, type ZooKeeperConnect } from './kafka-zookeeper-connect.js';

const MS_PER_MINUTE = 60_000;
const MS_PER_HOUR = 3_600_000;
const COMPRESSION_TYPES = ['uncompressed', 'zstd', 'lz4', 'snappy', 'gzip', 'producer'];

export interface KafkaDerivedSettings {
  /** -1 = generate one from /brokers/seqid at start-up. */
  brokerId: number;
  zookeeperConnect: string;
  zookeeper: ZooKeeperConnect;
  /** zookeeper.connection.timeout.ms, or the session timeout when unset. */
  zookeeperConnectionTimeoutMs: number;
  listeners: KafkaListener[];
  /** Hosts may be '' (to be replaced by the canonical host name: resolveAdvertisedHosts). */
  advertisedListeners: KafkaListener[];
  listenerSecurityProtocolMap: Map<string, SecurityProtocol>;
  interBrokerListenerName: string;
  logDirs: string[];
  /** log.roll.ms, else log.roll.hours. */
  logRollMs: number;
  logRollJitterMs: number;
  /** log.retention.ms, else .minutes, else .hours; -1 = unlimited. */
  logRetentionMs: number;
  /** log.flush.interval.ms, else log.flush.scheduler.interval.ms. */
  logFlushIntervalMs: number;
  maxConnectionsPerIpOverrides: Map<string, number>;
}

export function deriveKafkaSettings(r: PropertyReader, get: TypedValues): KafkaDerivedSettings {
  const zookeeperConnect = get.optString('zookeeper.connect');
  if (zookeeperConnect === undefined) {
    throw r.fail('zookeeper.connect', `${ZOOKEEPER_CONNECT_FORM}, required (no default)`);
  }
  const zookeeper = parseZooKeeperConnect(zookeeperConnect);
  if ('expected' in zookeeper) throw r.fail('zookeeper.connect', zookeeper.expected, zookeeper.got);

  const logDirsKey = r.has('log.dirs') || !r.has('log.dir') ? 'log.dirs' : 'log.dir';
  const logDirs = parseCsvList(get.optString('log.dirs') ?? get.string('log.dir'));
  if (logDirs.length === 0) throw r.failText(logDirsKey, 'At least one log directory must be defined via log.dirs or log.dir.');

  return {
    brokerId: get.int('broker.id'),
    zookeeperConnect,
    zookeeper,
    zookeeperConnectionTimeoutMs: get.optInt('zookeeper.connection.timeout.ms') ?? get.int('zookeeper.session.timeout.ms'),
    ...deriveListeners(r, get),
    logDirs,
    logRollMs: get.optLong('log.roll.ms') ?? get.int('log.roll.hours') * MS_PER_HOUR,
    logRollJitterMs: get.optLong('log.roll.jitter.ms') ?? get.int('log.roll.jitter.hours') * MS_PER_HOUR,
    logRetentionMs: retentionMs(get),
    logFlushIntervalMs: get.optLong('log.flush.interval.ms') ?? get.long('log.flush.scheduler.interval.ms'),
    maxConnectionsPerIpOverrides: parseConnectionOverrides(r, get.string('max.connections.per.ip.overrides')),
  };
}

/** KafkaConfig.logRetentionTimeMillis: ms > minutes > hours, any negative result meaning unlimited (-1). */
function retentionMs(get: TypedValues): number {
  const ms = get.optLong('log.retention.ms') ?? retentionFromMinutes(get) ?? get.int('log.retention.hours') * MS_PER_HOUR;
  return ms < 0 ? -1 : ms;
}

function retentionFromMinutes(get: TypedValues): number | undefined {
  const minutes = get.optInt('log.retention.minutes');
  return minutes === undefined ? undefined : minutes * MS_PER_MINUTE;
}

function parseConnectionOverrides(r: PropertyReader, text: string): Map<string, number> {
  const overrides = new Map<string, number>();
  if (text === '') return overrides;
  for (const item of text.split(/\s*,\s*/)) {
    const colon = item.lastIndexOf(':');
    const count = colon === -1 ? '' : item.slice(colon + 1).trim();
    if (colon <= 0 || !/^\d+$/.test(count) || Number(count) > 2147483647) {
      throw r.fail('max.connections.per.ip.overrides', 'host:count pairs separated by commas', item);
    }
    overrides.set(item.slice(0, colon).trim(), Number(count));
  }
  return overrides;
}

type ListenerSettings = Pick<
  KafkaDerivedSettings,
  'listeners' | 'advertisedListeners' | 'listenerSecurityProtocolMap' | 'interBrokerListenerName'
>;

function deriveListeners(r: PropertyReader, get: TypedValues): ListenerSettings {
  const listenerSecurityProtocolMap = withListenerError(r, 'listener.security.protocol.map', () =>
    parseSecurityProtocolMap(get.string('listener.security.protocol.map')),
  );
  const hostName = get.string('host.name');
  const port = get.int('port');
  const listenersKey = r.has('listeners') || !(r.has('host.name') || r.has('port')) ? 'listeners' : r.has('port') ? 'port' : 'host.name';
  const listeners = withListenerError(r, listenersKey, () =>
    parseListeners(get.optString('listeners') ?? `PLAINTEXT://${hostName}:${port}`, listenerSecurityProtocolMap, true),
  );

  let advertisedKey = 'listeners';
  let advertisedListeners: KafkaListener[];
  const advertisedText = get.optString('advertised.listeners');
  const advertisedHost = get.optString('advertised.host.name');
  const advertisedPort = get.optInt('advertised.port');
  if (advertisedText !== undefined) {
    advertisedKey = 'advertised.listeners';
    advertisedListeners = withListenerError(r, advertisedKey, () => parseListeners(advertisedText, listenerSecurityProtocolMap, false));
  } else if (advertisedHost !== undefined || advertisedPort !== undefined) {
    advertisedKey = advertisedHost !== undefined ? 'advertised.host.name' : 'advertised.port';
    const text = `PLAINTEXT://${advertisedHost ?? hostName}:${advertisedPort ?? port}`;
    advertisedListeners = withListenerError(r, advertisedKey, () => parseListeners(text, listenerSecurityProtocolMap, false));
  } else {
    advertisedListeners = listeners.map((l) => ({ ...l }));
  }

  const interBrokerListenerName = interBrokerListener(r, get, listenerSecurityProtocolMap);
  const advertisedNames = advertisedListeners.map((l) => l.name);
  const listenerNames = listeners.map((l) => l.name);
  if (!advertisedNames.includes(interBrokerListenerName)) {
    const key = r.has('inter.broker.listener.name') ? 'inter.broker.listener.name' : advertisedKey;
    throw r.failText(
      key,
      `inter.broker.listener.name must be a listener name defined in advertised.listeners. The valid options based on currently configured listeners are ${advertisedNames.join(',')}`,
    );
  }
  if (!advertisedNames.every((name) => listenerNames.includes(name))) {
    throw r.failText(
      advertisedKey,
      `advertised.listeners listener names must be equal to or a subset of the ones defined in listeners. Found ${advertisedNames.join(',')}. The valid options based on the current configuration are ${listenerNames.join(',')}`,
    );
  }
  if (advertisedListeners.some((l) => l.host === '0.0.0.0')) {
    const defaulted = advertisedKey === 'listeners' ? ' (advertised.listeners defaults to listeners)' : '';
    throw r.failText(
      advertisedKey,
      `advertised.listeners cannot use the nonroutable meta-address 0.0.0.0. Use a routable IP address.${defaulted}`,
    );
  }
  return { listeners, advertisedListeners, listenerSecurityProtocolMap, interBrokerListenerName };
}

function interBrokerListener(r: PropertyReader, get: TypedValues, map: ReadonlyMap<string, SecurityProtocol>): string {
  const configured = get.optString('inter.broker.listener.name');
  if (configured === undefined) return get.string('security.inter.broker.protocol').toUpperCase();
  if (r.has('security.inter.broker.protocol')) {
    throw r.failText('inter.broker.listener.name', 'Only one of inter.broker.listener.name and security.inter.broker.protocol should be set.');
  }
  const name = configured.toUpperCase();
  if (!map.has(name)) {
    throw r.failText(
      'inter.broker.listener.name',
      `Listener with name ${name} defined in inter.broker.listener.name not found in listener.security.protocol.map.`,
    );
  }
  return name;
}

function withListenerError<T>(r: PropertyReader, key: string, parse: () => T): T {
  try {
    return parse();
  } catch (err) {
    if (!(err instanceof ListenerError)) throw err;
    throw err.malformed === undefined ? r.failText(key, err.message) : r.fail(key, err.malformed.expected, err.malformed.got);
  }
}

/** KafkaConfig.validateValues checks not already covered by the validators and the derivations above. */
export function checkKafkaConfig(r: PropertyReader, get: TypedValues, derived: KafkaDerivedSettings): void {
  const brokerId = derived.brokerId;
  if (get.bool('broker.id.generation.enable')) {
    if (brokerId < -1 || brokerId > get.int('reserved.broker.max.id')) {
      throw r.failText('broker.id', 'broker.id must be greater than or equal to -1 and not greater than reserved.broker.max.id');
    }
  } else if (brokerId < 0) {
    throw r.failText('broker.id', 'broker.id must be greater than or equal to 0');
  }

  if (derived.logRollMs < 1) throw r.failText(setKey(r, 'log.roll.ms', 'log.roll.hours'), 'log.roll.ms must be greater than or equal to 1');
  if (derived.logRollJitterMs < 0) {
    throw r.failText(setKey(r, 'log.roll.jitter.ms', 'log.roll.jitter.hours'), 'log.roll.jitter.ms must be greater than or equal to 0');
  }
  if (derived.logRetentionMs === 0) {
    throw r.failText(
      setKey(r, 'log.retention.ms', 'log.retention.minutes', 'log.retention.hours'),
      'log.retention.ms must be unlimited (-1) or, greater than or equal to 1',
    );
  }

  const cleanerThreads = get.int('log.cleaner.threads');
  const dedupeBytes = get.long('log.cleaner.dedupe.buffer.size');
  if (cleanerThreads > 0 && Math.trunc(dedupeBytes / cleanerThreads) <= 1024 * 1024) {
    throw r.failText('log.cleaner.dedupe.buffer.size', 'log.cleaner.dedupe.buffer.size must be at least 1MB per cleaner thread.');
  }

  const fetchWaitMs = get.int('replica.fetch.wait.max.ms');
  if (fetchWaitMs > get.int('replica.socket.timeout.ms')) {
    throw r.failText(
      setKey(r, 'replica.socket.timeout.ms', 'replica.fetch.wait.max.ms'),
      'replica.socket.timeout.ms should always be at least replica.fetch.wait.max.ms to prevent unnecessary socket timeouts',
    );
  }
  if (fetchWaitMs > get.long('replica.lag.time.max.ms')) {
    throw r.failText(
      setKey(r, 'replica.fetch.wait.max.ms', 'replica.lag.time.max.ms'),
      'replica.fetch.wait.max.ms should always be less than or equal to replica.lag.time.max.ms to prevent frequent changes in ISR',
    );
  }

  const requiredAcks = get.int('offsets.commit.required.acks');
  if (requiredAcks < -1 || requiredAcks > get.int('offsets.topic.replication.factor')) {
    throw r.failText(
      setKey(r, 'offsets.commit.required.acks', 'offsets.topic.replication.factor'),
      'offsets.commit.required.acks must be greater or equal -1 and less or equal to offsets.topic.replication.factor',
    );
  }
  const codec = get.int('offsets.topic.compression.codec');
  if (codec < 0 || codec > 4) {
    throw r.fail('offsets.topic.compression.codec', '0 (none), 1 (gzip), 2 (snappy), 3 (lz4) or 4 (zstd)');
  }
  if (!COMPRESSION_TYPES.includes(get.string('compression.type').toLowerCase())) {
    throw r.fail('compression.type', `one of ${COMPRESSION_TYPES.join(', ')}`);
  }

  const queuedBytes = get.long('queued.max.request.bytes');
  if (queuedBytes > 0 && queuedBytes < get.int('socket.request.max.bytes')) {
    throw r.failText(
      setKey(r, 'queued.max.request.bytes', 'socket.request.max.bytes'),
      'queued.max.request.bytes must be larger or equal to socket.request.max.bytes',
    );
  }
  if (get.int('max.connections.per.ip') === 0 && derived.maxConnectionsPerIpOverrides.size === 0) {
    throw r.failText('max.connections.per.ip', 'max.connections.per.ip can be set to zero only if max.connections.per.ip.overrides property is set.');
  }
  const idleMs = get.long('connections.max.idle.ms');
  const authDelayMs = get.int('connection.failed.authentication.delay.ms');
  if (idleMs >= 0 && authDelayMs >= idleMs) {
    throw r.failText(
      setKey(r, 'connection.failed.authentication.delay.ms', 'connections.max.idle.ms'),
      `connection.failed.authentication.delay.ms=${authDelayMs} should always be less than connections.max.idle.ms=${idleMs} to prevent failed authentication responses from timing out`,
    );
  }

  const formatVersion = get.string('log.message.format.version');
  const protocolVersion = get.string('inter.broker.protocol.version');
  const formatRecordVersion = recordVersionOf(formatVersion)!;
  if (recordVersionOf(protocolVersion)! < formatRecordVersion) {
    throw r.failText(
      setKey(r, 'log.message.format.version', 'inter.broker.protocol.version'),
      `log.message.format.version ${formatVersion} can only be used when inter.broker.protocol.version is set to version ${minVersionForRecordVersion(formatRecordVersion)} or higher`,
    );
  }
}

/** The first of `keys` that is set (so the message points at a line), else the first. */
function setKey(r: PropertyReader, ...keys: string[]): string {
  return keys.find((key) => r.has(key)) ?? keys[0]!;
}
