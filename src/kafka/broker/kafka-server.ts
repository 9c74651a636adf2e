// A ZooKeeper-mode Kafka broker process, started and stopped in Kafka 2.8's order with Kafka's log lines:
// ZooKeeper session and cluster id, broker id, log dirs, listeners and request handlers, the /brokers/ids
// registration, the controller election; on close a controlled shutdown first (leadership moves away), then the
// listeners, the replicas, the controller, the logs and the ZooKeeper session.
import type { KafkaValue } from '../../config/kafka-key-types.js';
import type { KafkaConfig } from '../../config/kafka-config.js';
import { canonicalLocalHostName } from '../../config/kafka-advertised-host.js';
import { listenerToString, resolveAdvertisedHosts, type KafkaListener } from '../../config/kafka-listeners.js';
import { isKafkaVersionAtLeast } from '../../config/kafka-versions.js';
import type { Crc32cFn } from '../storage/batch-header.js';
import type { LogConfig } from '../storage/log-config.js';
import { writeMetaProperties } from '../storage/meta-properties.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import type { ReplicaControl } from './broker-contracts.js';
import { KAFKA_SERVER_LOGGER, type BrokerLog } from './broker-log.js';
import type { LocalPartitions, TopicCreator } from './broker-contracts.js';
import type { BrokerMetadata } from './broker-metadata.js';
import { BrokerStartupError, BrokerStorage, checkBrokerId, recordBatchCrc32c, readStoredIdentity } from './broker-storage.js';
import { ControlRequestFence } from './control-request-fence.js';
import { controlledShutdown } from './controlled-shutdown.js';
import { Dispatcher, apiName } from './dispatcher.js';
import { startGroupCoordinator } from './groups/group-coordinator-wiring.js';
import { startTxnCoordinator } from './txn/txn-coordinator-wiring.js';
import { brokerHandlers } from './handlers/index.js';
import { brokerPartitionConfig, partitionConfigOf, type PartitionConfig } from './replica/partition-config.js';
import { ZkTopicConfigSource } from '../admin/topic-config-source.js';
import { ProducerIdManager, ZooKeeperProducerIdBlockStore, type ProducerIdBlockStore } from './replica/producer-id-manager.js';
import { ReplicaManager } from './replica/replica-manager.js';
import type { RequestHooks } from './request-hooks.js';
import { adminHandlerDeps, type AdminWiring } from '../admin/admin-context.js';
import { SocketServer, type BoundListener } from './socket-server.js';
import { ZooKeeperBrokerRegistration } from './zk-broker-registration.js';
import { ControllerService, type ControllerApi } from './zk-controller/controller-service.js';
import { storageLogDirs } from './storage-log-dirs.js';
import { startLogDirMoves } from './log-dirs/start-log-dir-moves.js';
import { AlterIsrManager } from './alter-isr-manager.js';
import { BrokerNetworkClient } from './network-client.js';
import { controllerRequests } from './zk-controller/controller-requests.js';
import { ZkMetadataCache } from './zk-metadata-cache.js';
import type { MetricsEndpoint } from '../../metrics/http-endpoint.js';
import { RequestMetrics } from './metrics/request-metrics.js';
import { replicationThrottles } from './replica/replication-throttles.js';
import type { GroupCoordinatorService } from './groups/group-coordinator-service.js';

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
/**
 * Longest wait at start-up for the controller's first UpdateMetadata to list this broker, so that a client connecting
 * right after "started" finds it in Metadata. A controller that is itself gone (its session not yet expired) can take
 * longer; the broker then starts anyway and its metadata fills in later.
 */
const FIRST_METADATA_WAIT_MS = 10_000;
const UNCLEAN_LEADER_ELECTION_ENABLE = 'unclean.leader.election.enable';

/** What a replica manager is built from. */
export interface ReplicaControlContext {
  brokerId: number;
  config: KafkaConfig;
  storage: BrokerStorage;
  metadata: ZkMetadataCache;
  /** This broker's current epoch (czxid of its registration); changes after a session expiry. */
  brokerEpoch: () => bigint;
  log: BrokerLog;
}

export type ReplicaControlFactory = (ctx: ReplicaControlContext) => ReplicaControl & { close?(): Promise<void> };

export interface KafkaServerOptions {
  config: KafkaConfig;
  log: BrokerLog;
  /** CRC-32C for record batch checks when partitions are recovered (default: recordBatchCrc32c). */
  crc32c?: Crc32cFn;
  hooks?: RequestHooks;
  /** The host advertised for listeners with an empty host (default: the canonical local host name, as Kafka). */
  localHostName?: () => Promise<string>;
  /**
   * Test-only: builds what LeaderAndIsr and StopReplica drive instead of the replica manager (which the data-plane
   * APIs need: with a factory they are not served).
   */
  replicaControl?: ReplicaControlFactory;
  /** Where producer id blocks are claimed (default: /latest_producer_id_block in ZooKeeper). */
  producerIdBlocks?: ProducerIdBlockStore;
  /** A topic's settings; default the broker's (server.properties). */
  topicConfig?: (topic: string, brokerDefault: PartitionConfig) => PartitionConfig;
  /** Test-only: the metadata Metadata answers from instead of the metadata cache. */
  metadata?: BrokerMetadata;
  /** Test-only: replaces parts of the admin wiring (which defaults to this broker's ZooKeeper, cache and controller). */
  admin?: Partial<AdminWiring>;
  /** Test-only: what the group coordinator appends to and reads (default: the replica manager). */
  localPartitions?: LocalPartitions;
  /** Test-only: how __consumer_offsets is created (default: the admin's ZooKeeper topic creation). */
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

function controllerService(config: KafkaConfig, brokerId: number, kafkaZk: KafkaZkClient, topicConfigs: ZkTopicConfigSource, log: BrokerLog): ControllerService {
  const service = new ControllerService({
    brokerId,
    kafkaZk,
    interBrokerListenerName: config.interBrokerListenerName,
    deleteTopicEnable: config.deleteTopicEnable,
    uncleanLeaderElectionEnable: (topic) => topicConfigs.topicConfig(topic).get(UNCLEAN_LEADER_ELECTION_ENABLE) === true,
    autoLeaderRebalanceEnable: config.autoLeaderRebalanceEnable,
    leaderImbalancePerBrokerPercentage: config.leaderImbalancePerBrokerPercentage,
    leaderImbalanceCheckIntervalMs: config.leaderImbalanceCheckIntervalSeconds * 1000,
    controllerSocketTimeoutMs: config.controllerSocketTimeoutMs,
    log,
  });
  // Switching unclean election on gives offline partitions of the topic a leader (Kafka's TopicUncleanLeaderElectionEnable).
  topicConfigs.onChange((topic) => {
    if (topicConfigs.topicConfig(topic).get(UNCLEAN_LEADER_ELECTION_ENABLE) === true) service.uncleanLeaderElectionEnabled(topic);
  });
  return service;
}

/** The broker id: configured, else stored in meta.properties, else generated from /brokers/seqid. */
async function brokerIdOf(config: KafkaConfig, stored: number | undefined, registration: ZooKeeperBrokerRegistration): Promise<number> {
  checkBrokerId(config.brokerId, stored);
  if (config.brokerId >= 0) return config.brokerId;
  if (stored !== undefined) return stored;
  if (!config.brokerIdGenerationEnable) throw new BrokerStartupError('broker.id must be set when broker.id.generation.enable is false');
  return registration.generateBrokerId();
}

/** Resolves once the metadata cache lists `brokerId` (true), or after `timeoutMs` (false). */
function metadataListing(cache: ZkMetadataCache, brokerId: number, timeoutMs: number): Promise<boolean> {
  if (cache.isAlive(brokerId)) return Promise.resolve(true);
  return new Promise((resolve) => {
    const timer = setTimeout(() => done(false), timeoutMs);
    const stop = cache.onUpdate(() => {
      if (cache.isAlive(brokerId)) done(true);
    });
    const done = (listed: boolean) => {
      clearTimeout(timer);
      stop();
      resolve(listed);
    };
  });
}

interface Parts {
  brokerId: number;
  clusterId: string;
  listeners: readonly BoundListener[];
  advertised: readonly KafkaListener[];
  dispatcher: Dispatcher;
  socketServer: SocketServer;
  storage: BrokerStorage;
  registration: ZooKeeperBrokerRegistration;
  metadataCache: ZkMetadataCache;
  controller: ControllerService;
  replicaControl: ReplicaControl & { close?(): Promise<void> };
  /** The replica manager, which also serves the data plane; absent when a test supplied its own ReplicaControl. */
  replicas: ReplicaManager | undefined;
  alterIsr: AlterIsrManager;
  groups: { shutdown(): void; deps: { groups: GroupCoordinatorService } } | undefined;
  txn: { shutdown(): void } | undefined;
  topicConfigs: ZkTopicConfigSource;
  requestMetrics: RequestMetrics;
}

/**
 * LeaderAndIsr may name a topic created a moment ago: its overrides are read from ZooKeeper before its logs are
 * created, as Kafka's LogManager fetches a new log's config.
 */
function readingTopicConfigs(replicas: ReplicaControl, topicConfigs: ZkTopicConfigSource): ReplicaControl {
  return {
    async becomeLeaderOrFollower(controllerId, controllerEpoch, states) {
      // Without ZooKeeper for a moment, the overrides already known (or the broker's defaults) are used.
      for (const topic of new Set(states.map((s) => s.topic))) await topicConfigs.refresh(topic).catch(() => undefined);
      return replicas.becomeLeaderOrFollower(controllerId, controllerEpoch, states);
    },
    stopReplicas: (controllerId, controllerEpoch, partitions) => replicas.stopReplicas(controllerId, controllerEpoch, partitions),
  };
}

export class KafkaServer {
  readonly closed: Promise<void>;
  readonly brokerId: number;
  readonly clusterId: string;
  readonly listeners: readonly BoundListener[];
  readonly advertised: readonly KafkaListener[];
  readonly logDirs: readonly string[];
  readonly dispatcher: Dispatcher;
  /** What this broker knows of the cluster (UpdateMetadata applied); subscribe with onUpdate. */
  readonly metadataCache: ZkMetadataCache;
  /** The replica manager the controller's LeaderAndIsr and StopReplica drive. */
  readonly replicaControl: ReplicaControl;
  private resolveClosed!: () => void;
  private closing: Promise<void> | undefined;
  private started = false;
  private metricsEndpoint: MetricsEndpoint | undefined;

  private constructor(
    private readonly parts: Parts,
    private readonly config: KafkaConfig,
    private readonly log: BrokerLog,
  ) {
    this.brokerId = parts.brokerId;
    this.clusterId = parts.clusterId;
    this.listeners = parts.listeners;
    this.advertised = parts.advertised;
    this.logDirs = config.logDirs;
    this.dispatcher = parts.dispatcher;
    this.metadataCache = parts.metadataCache;
    this.replicaControl = parts.replicaControl;
    this.closed = new Promise((resolve) => (this.resolveClosed = resolve));
  }

  /** Kafka's KafkaZkClient for this broker's session (it follows the broker onto a new session after an expiry). */
  get kafkaZkClient(): KafkaZkClient {
    return this.parts.registration.kafkaZk;
  }

  /** The controller inside this broker: AlterIsr, ControlledShutdown, ElectLeaders and reassignments go through it. */
  get controller(): ControllerApi {
    return this.parts.controller;
  }

  /** The replica manager (absent only when a test built the broker with its own ReplicaControl). */
  get replicaManager(): ReplicaManager {
    if (!this.parts.replicas) throw new Error('this broker was started with a stand-in ReplicaControl');
    return this.parts.replicas;
  }

  /** Where /metrics is served (zkafka.metrics.port), once started. */
  get metricsAddress(): { host: string; port: number } | undefined {
    return this.metricsEndpoint && { host: this.metricsEndpoint.host, port: this.metricsEndpoint.port };
  }

  /** Serves the Prometheus page on zkafka.metrics.host:port (loaded only when configured). */
  private async startMetrics(): Promise<void> {
    const settings = this.config.metrics;
    if (!settings) return;
    const [{ startMetricsEndpoint }, { brokerMetricsView }, { renderBrokerMetrics }] = await Promise.all([
      import('../../metrics/http-endpoint.js'),
      import('./metrics/broker-metrics-source.js'),
      import('./metrics/broker-metrics-page.js'),
    ]);
    const { parts, config } = this;
    this.metricsEndpoint = await startMetricsEndpoint({
      host: settings.host,
      port: settings.port,
      render: async () => renderBrokerMetrics(await brokerMetricsView({
        brokerId: this.brokerId,
        interBrokerListenerName: config.interBrokerListenerName,
        requestTimeoutMs: Math.min(config.requestTimeoutMs, 5_000),
        replicas: parts.replicas,
        requests: parts.requestMetrics,
        socketServer: parts.socketServer,
        isActiveController: () => parts.controller.isActive(),
        metadataCache: parts.metadataCache,
        groups: parts.groups?.deps.groups,
      })),
    });
    this.log('INFO', `${this.prefix} Serving metrics at http://${settings.host}:${this.metricsEndpoint.port}/metrics`, KAFKA_SERVER_LOGGER);
  }

  isActiveController(): boolean {
    return this.parts.controller.isActive();
  }

  /** czxid of this broker's /brokers/ids registration. */
  get brokerEpoch(): bigint {
    return this.parts.registration.brokerEpoch;
  }

  private get prefix(): string {
    return `[KafkaServer id=${this.brokerId}]`;
  }

  static async start(opts: KafkaServerOptions): Promise<KafkaServer> {
    const { config, log } = opts;
    const registration = new ZooKeeperBrokerRegistration(config, log);
    try {
      return await KafkaServer.startWith(opts, registration);
    } catch (err) {
      await registration.close().catch(() => {});
      throw err;
    }
  }

  private static async startWith(opts: KafkaServerOptions, registration: ZooKeeperBrokerRegistration): Promise<KafkaServer> {
    const { config, log } = opts;
    const stored = readStoredIdentity(config.logDirs);
    const knownId = config.brokerId >= 0 ? config.brokerId : (stored.brokerId ?? config.brokerId);
    log('INFO', `[KafkaServer id=${knownId}] starting`, KAFKA_SERVER_LOGGER);
    log('INFO', `[KafkaServer id=${knownId}] Connecting to zookeeper on ${config.zookeeperConnect}`, KAFKA_SERVER_LOGGER);
    const kafkaZk = await registration.connect();
    const clusterId = await registration.clusterId();
    log('INFO', `Cluster ID = ${clusterId}`, KAFKA_SERVER_LOGGER);
    if (stored.clusterId !== null && stored.clusterId !== clusterId) {
      throw new BrokerStartupError(
        `The Cluster ID ${clusterId} doesn't match stored clusterId Some(${stored.clusterId}) in meta.properties. ` +
          'The broker is trying to join the wrong cluster. Configured zookeeper.connect may be wrong.',
      );
    }
    const brokerId = await brokerIdOf(config, stored.brokerId, registration);
    const prefix = `[KafkaServer id=${brokerId}]`;
    const needsHostName = config.advertisedListeners.some((l) => l.host.trim() === '');
    const hostName = needsHostName ? await (opts.localHostName ?? canonicalLocalHostName)() : '';

    // Topic overrides (/config/topics) over the broker's defaults, known before any log is opened.
    const topicConfigs = new ZkTopicConfigSource(kafkaZk, config.values, { brokerId });
    await topicConfigs.start();
    const brokerDefault = brokerPartitionConfig(config, logConfigOf(config));
    // One PartitionConfig per effective config the source hands out (it keeps handing out the same one until a change).
    const partitionConfigs = new WeakMap<ReadonlyMap<string, KafkaValue>, PartitionConfig>();
    const partitionConfig = (topic: string): PartitionConfig => {
      const forTest = opts.topicConfig?.(topic, brokerDefault);
      if (forTest) return forTest;
      const values = topicConfigs.topicConfig(topic);
      let pc = partitionConfigs.get(values);
      if (pc === undefined) {
        pc = partitionConfigOf(values, brokerDefault);
        partitionConfigs.set(values, pc);
      }
      return pc;
    };
    let storage: BrokerStorage;
    try {
      storage = await BrokerStorage.open({
        logDirs: config.logDirs,
        log,
        crc32c: opts.crc32c ?? recordBatchCrc32c,
        configFor: (tp) => partitionConfig(tp.topic).log,
        retentionCheckIntervalMs: config.logRetentionCheckIntervalMs,
        cleaner: config.logCleanerEnable
          ? {
              dedupeBufferBytes: Number(config.logCleanerDedupeBufferSizeBytes), loadFactor: config.logCleanerIoBufferLoadFactor, backoffMs: config.logCleanerBackoffMs,
              threads: config.logCleanerThreads, ioMaxBytesPerSecond: config.logCleanerIoMaxBytesPerSecond,
            }
          : undefined,
      });
    } catch (err) {
      topicConfigs.stop();
      throw err;
    }
    // Overrides changed later reach the logs already open (Kafka's TopicConfigHandler and DynamicLogConfig).
    topicConfigs.onChange((topic) => storage.topicConfigChanged(topic));
    topicConfigs.onDefaultsChange(() => storage.defaultConfigChanged());
    const metadataCache = new ZkMetadataCache(clusterId);
    const served = opts.metadata ?? metadataCache;
    const brokerEpoch = () => registration.brokerEpoch;
    const alterIsr = new AlterIsrManager({
      brokerId, brokerEpoch, metadata: metadataCache, interBrokerListenerName: config.interBrokerListenerName,
      requestTimeoutMs: config.controllerSocketTimeoutMs, retryBackoffMs: Math.max(50, config.replicaFetchBackoffMs), log,
    });
    const throttles = replicationThrottles(config, brokerId, topicConfigs);
    let replicaManager: ReplicaManager | undefined;
    const logDirMoves = opts.replicaControl
      ? undefined
      : await startLogDirMoves({
          brokerId, config, dirs: storage.dirs, log, kafkaZk: () => registration.kafkaZk, topicConfigs,
          partition: (tp) => replicaManager?.getPartition(tp.topic, tp.partition),
          knownPartition: (tp) => served.topic(tp.topic)?.partitions.some((p) => p.partition === tp.partition) ?? false,
        });
    const replicas = opts.replicaControl
      ? undefined
      : new ReplicaManager({
          brokerId, dirs: storage.dirs, log, configFor: partitionConfig, logDirMoves, quotas: throttles,
          highWatermarkCheckpointIntervalMs: config.replicaHighWatermarkCheckpointIntervalMs, fetchMaxBytes: config.fetchMaxBytes,
          isBrokerAlive: (id) => metadataCache.isAlive(id),
          knownPartition: (topic, partition) => served.topic(topic)?.partitions.some((p) => p.partition === partition) ?? false,
          replication: {
            replicaLagTimeMaxMs: Number(config.replicaLagTimeMaxMs),
            isrChanges: alterIsr,
            fetcher: {
              maxWaitMs: config.replicaFetchWaitMaxMs,
              minBytes: config.replicaFetchMinBytes,
              maxPartitionBytes: config.replicaFetchMaxBytes,
              maxResponseBytes: config.replicaFetchResponseMaxBytes,
              backoffMs: config.replicaFetchBackoffMs,
              truncateOnFetch: isKafkaVersionAtLeast(config.interBrokerProtocolVersion, '2.7-IV1'),
              connect: (leaderId) => {
                const e = metadataCache.aliveEndpoint(leaderId, config.interBrokerListenerName);
                return e ? new BrokerNetworkClient(e.host || 'localhost', e.port, `broker-${brokerId}-fetcher-${leaderId}`, config.replicaSocketTimeoutMs) : undefined;
              },
            },
          },
        });
    replicaManager = replicas;
    const replicaControl: Parts['replicaControl'] = replicas ?? opts.replicaControl!({ brokerId, config, storage, metadata: metadataCache, brokerEpoch, log });
    const producerIds = new ProducerIdManager(brokerId, opts.producerIdBlocks ?? new ZooKeeperProducerIdBlockStore(() => kafkaZk.zk));
    const controller = controllerService(config, brokerId, kafkaZk, topicConfigs, log);
    const adminDeps = adminHandlerDeps({
      zk: kafkaZk,
      metadata: metadataCache,
      isActiveController: () => controller.isActive(),
      controller: controllerRequests(controller, metadataCache),
      logDirs: storageLogDirs(storage.dirs),
      ...opts.admin,
    }, config, brokerId);
    const groupPartitions = opts.localPartitions ?? replicas;
    const topicCreator = opts.topicCreator ?? adminDeps.admin.admin;
    const groups = groupPartitions ? startGroupCoordinator({ config, brokerId, partitions: groupPartitions, topics: topicCreator, metadata: served, log }) : undefined;
    const txn = groupPartitions ? startTxnCoordinator({ config, brokerId, partitions: groupPartitions, topics: topicCreator, metadata: served, producerIds, log }) : undefined;
    let dispatcher: Dispatcher | undefined;
    const requestMetrics = new RequestMetrics();
    const handlers = brokerHandlers({
      metadata: served,
      versionTable: () => dispatcher!.versionTable(),
      replicas,
      producerIds,
      metadataCache,
      replicaControl: readingTopicConfigs(replicaControl, topicConfigs),
      fence: new ControlRequestFence(brokerEpoch),
      controller,
      ...adminDeps,
      logDirMoves,
      groups: groups?.deps,
      txn: txn?.deps,
      txnMarkers: groups?.deps.groups,
      requestTimeoutMs: config.requestTimeoutMs,
    });
    dispatcher = new Dispatcher(handlers, opts.hooks, (err, apiKey, conn) =>
      log('ERROR', `${prefix} Error when handling request: ${apiName(apiKey)} from ${conn.clientAddress}: ${(err as Error)?.stack ?? String(err)}`, 'kafka.server.KafkaApis'),
      requestMetrics,
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
      txn?.shutdown();
      await replicas?.shutdown();
      alterIsr.close();
      await replicaControl.close?.();
      topicConfigs.stop();
      await storage.close();
      throw err;
    }
    const bound = socketServer.boundListeners();
    // Advertised port 0 means the port the listener of that name got.
    const advertised = resolveAdvertisedHosts(config.advertisedListeners, hostName).map((l) =>
      l.port === 0 ? { ...l, port: bound.find((b) => b.name === l.name)?.port ?? 0 } : l,
    );
    const parts: Parts = { brokerId, clusterId, listeners: bound, advertised, dispatcher, socketServer, storage, registration, metadataCache, controller, replicaControl, replicas, alterIsr, groups, txn, topicConfigs, requestMetrics };
    const server = new KafkaServer(parts, config, log);
    try {
      await server.startMetrics();
      await registration.register(brokerId, advertised, config.brokerRack ?? null);
      // Registered: the ids are this broker's from now on (a generated id is kept for the next start).
      for (const dir of config.logDirs) writeMetaProperties(dir, { brokerId, clusterId }, Date.now());
      registration.subscribe({ expired: () => controller.sessionExpired(), reregistered: () => controller.reregistered() });
      controller.startup();
      if (!(await metadataListing(metadataCache, brokerId, FIRST_METADATA_WAIT_MS))) {
        log('WARN', `${prefix} No metadata from the controller within ${FIRST_METADATA_WAIT_MS} ms; serving what arrives later`, KAFKA_SERVER_LOGGER);
      }
    } catch (err) {
      await server.close();
      throw err;
    }
    server.started = true;
    log('INFO', `${prefix} Advertised endpoints: ${advertised.map(listenerToString).join(',')}`, KAFKA_SERVER_LOGGER);
    log('INFO', `${prefix} started`, KAFKA_SERVER_LOGGER);
    return server;
  }

  /**
   * Moves leadership away (controlled.shutdown.enable), stops accepting, answers the requests already received,
   * stops the replicas and the controller, closes the logs (clean-shutdown marker) and the ZooKeeper session.
   */
  close(): Promise<void> {
    this.closing ??= (async () => {
      const { parts, config, log } = this;
      log('INFO', `${this.prefix} shutting down`, KAFKA_SERVER_LOGGER);
      try {
        if (this.started && config.controlledShutdownEnable) await this.controlledShutdown();
        // Requests waiting on a rebalance would hold the drain: their connections are closed instead.
        parts.groups?.shutdown();
        parts.txn?.shutdown();
        // Waiting fetches and produces are answered first, so draining the connections does not wait for them.
        await this.shutdownStep('the replica manager', async () => {
          await parts.replicas?.shutdown();
          parts.alterIsr.close();
          await parts.replicaControl.close?.();
        });
        await parts.socketServer.close(DRAIN_TIMEOUT_MS);
        await this.metricsEndpoint?.close();
        await this.shutdownStep('the controller', () => parts.controller.shutdown());
        parts.topicConfigs.stop();
        await parts.storage.close();
        await this.shutdownStep('the ZooKeeper session', () => parts.registration.close());
        log('INFO', `${this.prefix} shut down completed`, KAFKA_SERVER_LOGGER);
      } finally {
        this.resolveClosed();
      }
    })();
    return this.closing;
  }

  /** A step whose failure is logged and does not keep the logs from being closed cleanly. */
  private async shutdownStep(what: string, step: () => Promise<unknown>): Promise<void> {
    try {
      await step();
    } catch (err) {
      this.log('ERROR', `${this.prefix} Error while shutting down ${what}: ${(err as Error)?.stack ?? String(err)}`, KAFKA_SERVER_LOGGER);
    }
  }

  private async controlledShutdown(): Promise<void> {
    const { config, log } = this;
    log('INFO', `${this.prefix} Starting controlled shutdown`, KAFKA_SERVER_LOGGER);
    const succeeded = await controlledShutdown({
      brokerId: this.brokerId,
      brokerEpoch: () => this.parts.registration.brokerEpoch,
      metadata: this.metadataCache,
      interBrokerListenerName: config.interBrokerListenerName,
      maxRetries: config.controlledShutdownMaxRetries,
      retryBackoffMs: config.controlledShutdownRetryBackoffMs,
      socketTimeoutMs: config.controllerSocketTimeoutMs,
      log,
    });
    if (!succeeded) log('WARN', `${this.prefix} Proceeding to do an unclean shutdown as all the controlled shutdown attempts failed`, KAFKA_SERVER_LOGGER);
  }
}
