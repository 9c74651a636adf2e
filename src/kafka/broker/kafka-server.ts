// A ZooKeeper-mode Kafka broker process: identity from meta.properties and the cluster registration, the log dirs,
// the listeners and the request handlers, started and stopped in Kafka's order with Kafka's log lines.
import type { KafkaConfig } from '../../config/kafka-config.js';
import { canonicalLocalHostName } from '../../config/kafka-advertised-host.js';
import { listenerToString, resolveAdvertisedHosts, type KafkaListener } from '../../config/kafka-listeners.js';
import type { Crc32cFn } from '../storage/batch-header.js';
import type { LogConfig } from '../storage/log-config.js';
import { KAFKA_SERVER_LOGGER, type BrokerLog } from './broker-log.js';
import type { LocalPartitions, TopicCreator } from './broker-contracts.js';
import { LocalBrokerMetadata, type BrokerMetadata } from './broker-metadata.js';
import { PendingZooKeeperRegistration, type BrokerRegistration } from './broker-registration.js';
import { BrokerStartupError, BrokerStorage, checkBrokerId, recordBatchCrc32c, readStoredIdentity } from './broker-storage.js';
import { Dispatcher, apiName } from './dispatcher.js';
import { startGroupCoordinator } from './groups/group-coordinator-wiring.js';
import { brokerHandlers } from './handlers/index.js';
import type { RequestHooks } from './request-hooks.js';
import { SocketServer, type BoundListener } from './socket-server.js';

/** Unsent response bytes per connection before it is no longer read (Kafka mutes a connection per request instead). */
const MAX_UNSENT_BYTES_PER_CONNECTION = 4 * 1024 * 1024;
/**
 * Requests read from one connection and not yet answered. Kafka reads one request per connection at a time; we let a
 * client pipeline up to this many (never more than queued.max.requests), which also bounds what a client that sends
 * without reading can make us build before its unsent responses pause it.
 */
const MAX_IN_FLIGHT_PER_CONNECTION = 100;
const CLOSE_LINGER_MS = 1000;
/** How long shutdown waits for responses to requests already received. */
const DRAIN_TIMEOUT_MS = 10_000;

export interface KafkaServerOptions {
  config: KafkaConfig;
  log: BrokerLog;
  registration?: BrokerRegistration;
  /** CRC-32C for record batch checks when partitions are recovered (default: recordBatchCrc32c). */
  crc32c?: Crc32cFn;
  hooks?: RequestHooks;
  /** The host advertised for listeners with an empty host (default: the canonical local host name, as Kafka). */
  localHostName?: () => Promise<string>;
  /** What Metadata and FindCoordinator answer from (default: this broker alone, no topics). */
  metadata?: BrokerMetadata;
  /** With both, the group coordinator's APIs are served on __consumer_offsets through these. */
  localPartitions?: LocalPartitions;
  topicCreator?: TopicCreator;
}

export function logConfigOf(config: KafkaConfig): LogConfig {
  return {
    segmentBytes: config.logSegmentBytes,
    segmentMs: config.logRollMs,
    segmentJitterMs: config.logRollJitterMs,
    maxIndexSizeBytes: config.logIndexSizeMaxBytes,
    indexIntervalBytes: config.logIndexIntervalBytes,
    retentionMs: config.logRetentionMs,
    retentionBytes: config.logRetentionBytes,
    flushIntervalMessages: config.logFlushIntervalMessages,
    flushMs: config.logFlushIntervalMs,
    fileDeleteDelayMs: config.logSegmentDeleteDelayMs,
    cleanupPolicy: config.logCleanupPolicy,
    maxMessageBytes: config.messageMaxBytes,
    deleteRetentionMs: config.logCleanerDeleteRetentionMs,
    minCompactionLagMs: config.logCleanerMinCompactionLagMs,
    maxCompactionLagMs: config.logCleanerMaxCompactionLagMs,
    minCleanableDirtyRatio: config.logCleanerMinCleanableRatio,
  };
}

async function generatedBrokerId(registration: BrokerRegistration): Promise<number> {
  if (!registration.generateBrokerId) {
    throw new BrokerStartupError('broker.id=-1 needs a broker id generated through ZooKeeper, which this broker cannot do yet: set broker.id');
  }
  return registration.generateBrokerId();
}

export class KafkaServer {
  readonly closed: Promise<void>;
  private resolveClosed!: () => void;
  private closing: Promise<void> | undefined;
  private stopGroupCoordinator: () => void = () => {};

  private constructor(
    readonly brokerId: number,
    readonly clusterId: string,
    readonly listeners: readonly BoundListener[],
    readonly advertised: readonly KafkaListener[],
    readonly logDirs: readonly string[],
    readonly dispatcher: Dispatcher,
    private readonly socketServer: SocketServer,
    private readonly storage: BrokerStorage,
    private readonly registration: BrokerRegistration,
    private readonly log: BrokerLog,
  ) {
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  private get prefix(): string {
    return `[KafkaServer id=${this.brokerId}]`;
  }

  static async start(opts: KafkaServerOptions): Promise<KafkaServer> {
    const { config, log } = opts;
    const registration: BrokerRegistration = opts.registration ?? new PendingZooKeeperRegistration();
    const stored = readStoredIdentity(config.logDirs);
    checkBrokerId(config.brokerId, stored.brokerId);
    const brokerId = config.brokerId >= 0 ? config.brokerId : (stored.brokerId ?? (await generatedBrokerId(registration)));
    const prefix = `[KafkaServer id=${brokerId}]`;
    log('INFO', `${prefix} starting`, KAFKA_SERVER_LOGGER);
    const clusterId = await registration.clusterId(stored.clusterId);
    log('INFO', `Cluster ID = ${clusterId}`, KAFKA_SERVER_LOGGER);
    if (stored.clusterId !== null && stored.clusterId !== clusterId) {
      throw new BrokerStartupError(
        `The Cluster ID ${clusterId} doesn't match stored clusterId Some(${stored.clusterId}) in meta.properties. ` +
          'The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.',
      );
    }
    const needsHostName = config.advertisedListeners.some((l) => l.host.trim() === '');
    const hostName = needsHostName ? await (opts.localHostName ?? canonicalLocalHostName)() : '';

    const storage = await BrokerStorage.open({
      logDirs: config.logDirs,
      log,
      crc32c: opts.crc32c ?? recordBatchCrc32c,
      configFor: () => logConfigOf(config),
      retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
      cleaner: config.logCleanerEnable
        ? { dedupeBufferBytes: Number(config.logCleanerDedupeBufferSizeBytes), loadFactor: config.logCleanerIoBufferLoadFactor, backoffMs: config.logCleanerBackoffMs }
        : undefined,
    });
    const localMetadata = new LocalBrokerMetadata(brokerId, clusterId, config.brokerRack ?? null);
    const metadata = opts.metadata ?? localMetadata;
    const { localPartitions: partitions, topicCreator: topics } = opts;
    const groups = partitions && topics ? startGroupCoordinator({ config, brokerId, partitions, topics, metadata, log }) : undefined;
    let dispatcher: Dispatcher | undefined;
    const handlers = brokerHandlers({ metadata, versionTable: () => dispatcher!.versionTable(), groups: groups?.deps });
    dispatcher = new Dispatcher(handlers, opts.hooks, (err, apiKey, conn) =>
      log('ERROR', `${prefix} Error when handling request: ${apiName(apiKey)} from ${conn.clientAddress}: ${(err as Error)?.stack ?? String(err)}`, 'kafka.server.KafkaApis'),
    );
    let socketServer: SocketServer;
    try {
      socketServer = await SocketServer.start({
        brokerId,
        listeners: config.listeners,
        dispatcher,
        limits: {
          maxRequestBytes: config.socketRequestMaxBytes,
          maxUnsentBytes: MAX_UNSENT_BYTES_PER_CONNECTION,
          maxInFlightRequests: Math.max(1, Math.min(MAX_IN_FLIGHT_PER_CONNECTION, config.queuedMaxRequests)),
          idleTimeoutMs: config.connectionsMaxIdleMs,
          closeLingerMs: CLOSE_LINGER_MS,
        },
        maxConnections: config.maxConnections,
        maxConnectionsPerIp: config.maxConnectionsPerIp,
        log,
      });
    } catch (err) {
      groups?.shutdown();
      await storage.close();
      throw err;
    }
    const bound = socketServer.boundListeners();
    // Advertised port 0 means the port the listener of that name got.
    const advertised = resolveAdvertisedHosts(config.advertisedListeners, hostName).map((l) =>
      l.port === 0 ? { ...l, port: bound.find((b) => b.name === l.name)?.port ?? 0 } : l,
    );
    localMetadata.setEndpoints(advertised.map((l) => ({ listenerName: l.name, host: l.host, port: l.port })));
    const server = new KafkaServer(brokerId, clusterId, bound, advertised, config.logDirs, dispatcher, socketServer, storage, registration, log);
    if (groups) server.stopGroupCoordinator = groups.shutdown;
    try {
      await registration.register(brokerId, advertised, config.brokerRack ?? null);
    } catch (err) {
      await server.close();
      throw err;
    }
    log('INFO', `${prefix} Advertised endpoints: ${advertised.map(listenerToString).join(',')}`, KAFKA_SERVER_LOGGER);
    log('INFO', `${prefix} started`, KAFKA_SERVER_LOGGER);
    return server;
  }

  /** Stops accepting, answers the requests already received, closes the logs (clean-shutdown marker) and the registration. */
  close(): Promise<void> {
    this.closing ??= (async () => {
      this.log('INFO', `${this.prefix} shutting down`, KAFKA_SERVER_LOGGER);
      try {
        // Requests waiting on a rebalance would hold the drain: their connections are closed instead.
        this.stopGroupCoordinator();
        await this.socketServer.close(DRAIN_TIMEOUT_MS);
        await this.storage.close();
        await this.registration.close();
        this.log('INFO', `${this.prefix} shut down completed`, KAFKA_SERVER_LOGGER);
      } finally {
        this.resolveClosed();
      }
    })();
    return this.closing;
  }
}
