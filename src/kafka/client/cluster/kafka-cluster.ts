// The client's view of a cluster: connections by broker (opened on demand, ApiVersions negotiated on each),
// bootstrap, the metadata cache and its refresh, and routing of a request to a leader, the controller or the
// least-loaded broker, with retries for retriable errors.
import { ApiKey, type ApiMessages } from '../../protocol/schemas/index.js';
import type { MetadataRequest } from '../../protocol/schemas/metadata.js';
import { KafkaClosedError, KafkaConnectionError } from '../errors/client-errors.js';
import { KafkaProtocolError } from '../errors/kafka-protocol-error.js';
import { ErrorCode } from '../../protocol/errors.js';
import { negotiateVersions } from '../network/api-versions.js';
import { BrokerConnection, type RequestOptions } from '../network/broker-connection.js';
import { ClusterMetadata } from './cluster-metadata.js';
import { resolveClientOptions, type ClientOptions, type ResolvedClientOptions } from './client-options.js';
import { withRetries, type RetryOptions } from './retry.js';

/** Errors after which the metadata is stale and must be fetched again before a retry. */
const STALE_METADATA_CODES: ReadonlySet<number> = new Set([
  ErrorCode.NOT_LEADER_OR_FOLLOWER,
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
  ErrorCode.LEADER_NOT_AVAILABLE,
  ErrorCode.NOT_CONTROLLER,
  ErrorCode.FENCED_LEADER_EPOCH,
  ErrorCode.UNKNOWN_LEADER_EPOCH,
  ErrorCode.KAFKA_STORAGE_ERROR,
  ErrorCode.REPLICA_NOT_AVAILABLE,
]);

export function needsMetadataRefresh(err: unknown): boolean {
  if (err instanceof KafkaProtocolError) return STALE_METADATA_CODES.has(err.code);
  return err instanceof KafkaConnectionError;
}

export type Target = { kind: 'node'; nodeId: number } | { kind: 'controller' } | { kind: 'any' };

export class KafkaCluster {
  readonly options: ResolvedClientOptions;
  private metadataNow = ClusterMetadata.empty();
  private metadataAt = 0;
  private readonly byNode = new Map<number, Promise<BrokerConnection>>();
  private readonly byAddress = new Map<string, Promise<BrokerConnection>>();
  /** Connections of their own for one purpose (a group coordinator's JoinGroup may block for minutes). */
  private readonly byChannel = new Map<string, Promise<BrokerConnection>>();
  /** Refreshes in progress by the topics they ask for: concurrent callers asking the same share one request. */
  private readonly refreshing = new Map<string, Promise<ClusterMetadata>>();
  private closed = false;

  constructor(options: ClientOptions, private readonly allowAutoTopicCreation = false) {
    this.options = resolveClientOptions(options);
  }

  get metadata(): ClusterMetadata {
    return this.metadataNow;
  }

  get retry(): RetryOptions {
    return this.options;
  }

  /** Connects to the first reachable bootstrap server and loads the broker list. */
  async connect(): Promise<ClusterMetadata> {
    return this.refreshMetadata([]);
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaClosedError('the Kafka client');
  }

  private connection(host: string, port: number, channel = ''): Promise<BrokerConnection> {
    const key = `${channel}${host}:${port}`;
    const pool = channel === '' ? this.byAddress : this.byChannel;
    let conn = pool.get(key);
    if (conn === undefined) {
      const o = this.options;
      conn = (async () => {
        const c = await BrokerConnection.open({
          host,
          port,
          clientId: o.clientId,
          maxInFlightRequests: o.maxInFlightRequests,
          maxQueuedRequests: o.maxQueuedRequests,
          requestTimeoutMs: o.requestTimeoutMs,
          connectTimeoutMs: o.connectTimeoutMs,
          maxResponseBytes: o.maxResponseBytes,
        });
        c.closed.then(() => this.forget(key, conn!));
        try {
          await negotiateVersions(c);
        } catch (err) {
          await c.close();
          throw err;
        }
        return c;
      })();
      conn.catch(() => this.forget(key, conn!));
      pool.set(key, conn);
    }
    return conn;
  }

  private forget(key: string, conn: Promise<BrokerConnection>): void {
    if (this.byAddress.get(key) === conn) this.byAddress.delete(key);
    if (this.byChannel.get(key) === conn) this.byChannel.delete(key);
    for (const [id, c] of this.byNode) if (c === conn) this.byNode.delete(id);
  }

  /** The connection to a broker by node id (from the metadata). */
  async nodeConnection(nodeId: number): Promise<BrokerConnection> {
    this.checkOpen();
    let node = this.metadataNow.brokers.get(nodeId);
    if (node === undefined) node = (await this.refreshMetadata([])).brokers.get(nodeId);
    if (node === undefined) throw new KafkaConnectionError(`broker ${nodeId} is not in the cluster metadata`);
    const conn = this.connection(node.host, node.port);
    this.byNode.set(nodeId, conn);
    return conn;
  }

  /** The open connection with the fewest requests waiting, else a new one to a known broker or a bootstrap server. */
  async leastLoadedConnection(): Promise<BrokerConnection> {
    this.checkOpen();
    let best: BrokerConnection | undefined;
    for (const p of this.byAddress.values()) {
      const c = await p.catch(() => undefined);
      if (c !== undefined && !c.isClosed && (best === undefined || c.load < best.load)) best = c;
    }
    if (best !== undefined) return best;
    const candidates = [...[...this.metadataNow.brokers.values()].map((b) => ({ host: b.host, port: b.port })), ...this.options.bootstrap];
    let last: unknown;
    for (const c of candidates) {
      try {
        return await this.connection(c.host, c.port);
      } catch (err) {
        last = err;
      }
    }
    throw new KafkaConnectionError(`no broker reachable (tried ${candidates.map((c) => `${c.host}:${c.port}`).join(', ')})`, { cause: last });
  }

  /**
   * A connection to a broker used only for `channel`, like the Java client's separate coordinator connection:
   * requests the broker parks (JoinGroup) do not hold up fetches, and heartbeats do not wait behind fetches.
   */
  async channelConnection(nodeId: number, channel: string): Promise<BrokerConnection> {
    this.checkOpen();
    let node = this.metadataNow.brokers.get(nodeId);
    if (node === undefined) node = (await this.refreshMetadata([])).brokers.get(nodeId);
    if (node === undefined) throw new KafkaConnectionError(`broker ${nodeId} is not in the cluster metadata`);
    return this.connection(node.host, node.port, `${channel}@`);
  }

  async controllerConnection(): Promise<BrokerConnection> {
    let id = this.metadataNow.controllerId;
    if (id < 0 || !this.metadataNow.brokers.has(id)) id = (await this.refreshMetadata([])).controllerId;
    if (id < 0) throw new KafkaProtocolError(ErrorCode.NOT_CONTROLLER, 'the cluster has no controller');
    return this.nodeConnection(id);
  }

  async connectionFor(target: Target): Promise<BrokerConnection> {
    if (target.kind === 'node') return this.nodeConnection(target.nodeId);
    if (target.kind === 'controller') return this.controllerConnection();
    return this.leastLoadedConnection();
  }

  /**
   * Fetches metadata: `topics` null for every topic, [] for brokers only, else those topics (merged into the
   * cache).
   */
  async refreshMetadata(topics: readonly string[] | null = null): Promise<ClusterMetadata> {
    this.checkOpen();
    const request = (version: number): MetadataRequest => ({
      // v0 has no null: an empty list meant every topic, so brokers-only is not expressible there.
      topics: topics === null ? (version === 0 ? [] : null) : topics.map((name) => ({ name })),
      allowAutoTopicCreation: this.allowAutoTopicCreation,
    });
    const key = topics === null ? '*' : [...topics].sort().join('\u0000');
    const running = this.refreshing.get(key);
    if (running !== undefined) return running;
    const run = withRetries(async () => {
      const conn = await this.leastLoadedConnection();
      return ClusterMetadata.fromResponse(await conn.send(ApiKey.Metadata, request));
    }, this.options).then((fresh) => {
      this.metadataNow = this.metadataNow.mergedWith(fresh, topics === null);
      this.metadataAt = Date.now();
      return this.metadataNow;
    });
    this.refreshing.set(key, run);
    run.finally(() => this.refreshing.delete(key)).catch(() => {});
    return run;
  }

  /** Whether the cached metadata is older than metadata.max.age.ms. */
  get metadataExpired(): boolean {
    return Date.now() - this.metadataAt > this.options.metadataMaxAgeMs;
  }

  /**
   * Sends one request to a target, retrying retriable failures (connection loss, timeouts, stale leadership
   * answered as a top-level error) with backoff and a metadata refresh in between.
   */
  async request<K extends ApiKey>(
    target: Target | (() => Target),
    apiKey: K,
    build: ApiMessages[K]['request'] | ((version: number) => ApiMessages[K]['request']),
    opts?: RequestOptions,
  ): Promise<ApiMessages[K]['response']> {
    return withRetries(
      async () => {
        const conn = await this.connectionFor(typeof target === 'function' ? target() : target);
        return conn.send(apiKey, build, opts);
      },
      this.options,
      async (err) => {
        if (needsMetadataRefresh(err)) await this.refreshMetadata([]).catch(() => {});
      },
    );
  }

  async close(): Promise<void> {
    this.closed = true;
    const all = [...this.byAddress.values(), ...this.byChannel.values()];
    this.byAddress.clear();
    this.byChannel.clear();
    this.byNode.clear();
    await Promise.all(all.map((p) => p.then((c) => c.close(), () => {})));
  }
}
