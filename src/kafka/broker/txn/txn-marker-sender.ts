// Kafka 2.8's TransactionMarkerChannelManager: writes a completed transaction's markers with WriteTxnMarkers to the
// current leader of each of its partitions (this broker included, over its own listener), batching what is queued for
// one broker into one request, one request in flight per broker. v1 is sent, v0 to a peer that advertises only
// that. Partitions answered NOT_LEADER_OR_FOLLOWER, UNKNOWN_TOPIC_OR_PARTITION, REQUEST_TIMED_OUT (and the other
// retriable errors), a lost connection, or a peer that does not serve WriteTxnMarkers are tried again after a backoff,
// routed anew from the metadata then; partitions of a deleted topic are dropped; INVALID_PRODUCER_EPOCH or
// TRANSACTION_COORDINATOR_FENCED stop the transaction's completion here.
import { ApiKey, ErrorCode, errorInfo } from '../../protocol/index.js';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../protocol/schemas/write-txn-markers.js';
import type { TopicPartition } from '../../coordinator/txn/txn-metadata.js';
import type { TxnMarker } from '../../coordinator/txn/txn-types.js';
import type { Scheduler } from '../../storage/scheduler.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';

export const TXN_MARKER_LOGGER = 'kafka.coordinator.transaction.TransactionMarkerChannelManager';
/** Wait before a partition is routed again after a retriable answer or an unknown leader. */
export const MARKER_RETRY_BACKOFF_MS = 100;
/** Wait before a broker that failed (no connection, WriteTxnMarkers not served) is tried again. */
export const MARKER_BROKER_BACKOFF_MS = 1000;

/** A connection to one broker, as BrokerNetworkClient is. */
export interface MarkerChannel {
  send(apiKey: ApiKey, apiVersion: number, body: unknown): Promise<unknown>;
  close(): void;
}

export interface MarkerSenderOptions {
  metadata: BrokerMetadata;
  interBrokerListenerName: string;
  /** A channel to the broker at host:port. */
  connect(brokerId: number, host: string, port: number): MarkerChannel;
  scheduler: Scheduler;
  log: BrokerLog;
  /** The markers of these partitions are written (or their topic is gone). */
  onWritten(transactionalId: string, coordinatorEpoch: number, partitions: TopicPartition[]): void;
  onFenced(transactionalId: string, coordinatorEpoch: number, errorName: string): void;
}

interface Queued {
  marker: TxnMarker;
  generation: number;
  partitions: TopicPartition[];
}

interface Channel {
  host: string;
  port: number;
  channel: MarkerChannel;
  /** WriteTxnMarkers version to send; null: the peer does not serve it; undefined: not asked yet. */
  version?: number | null;
}

const RETRIABLE = new Set<number>([
  ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, ErrorCode.NOT_LEADER_OR_FOLLOWER, ErrorCode.NOT_ENOUGH_REPLICAS,
  ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND, ErrorCode.REQUEST_TIMED_OUT, ErrorCode.KAFKA_STORAGE_ERROR,
]);
const FENCED = new Set<number>([ErrorCode.INVALID_PRODUCER_EPOCH, ErrorCode.TRANSACTION_COORDINATOR_FENCED]);
/** The partition's log cannot hold markers: the producer could not have written to it either, so it is done. */
const NOT_NEEDED = new Set<number>([ErrorCode.UNSUPPORTED_FOR_MESSAGE_FORMAT, ErrorCode.UNSUPPORTED_VERSION]);

export class TxnMarkerSender {
  private readonly queues = new Map<number, Queued[]>();
  private readonly sending = new Set<number>();
  private readonly channels = new Map<number, Channel>();
  /** The live send of each transactional id; cancelled or superseded sends are skipped. */
  private readonly live = new Map<string, { generation: number; txnPartition: number }>();
  private readonly timers = new Set<() => void>();
  /** The failure last logged per broker, so a broker failing the same way is logged once until it recovers. */
  private readonly lastFailure = new Map<number, string>();
  private nextGeneration = 1;
  private stopped = false;

  constructor(private readonly opts: MarkerSenderOptions) {}

  /** Starts writing a transaction's markers (TransactionMarkerChannelManager.addTxnMarkersToBrokerQueue). */
  add(marker: TxnMarker): void {
    const generation = this.nextGeneration++;
    this.live.set(marker.transactionalId, { generation, txnPartition: marker.txnPartition });
    this.route({ marker, generation, partitions: marker.partitions });
  }

  cancel(transactionalId: string): void {
    this.live.delete(transactionalId);
  }

  cancelTxnPartition(txnPartition: number): void {
    for (const [id, l] of this.live) if (l.txnPartition === txnPartition) this.live.delete(id);
  }

  /** Sends in progress or queued (tests). */
  pendingCount(): number {
    return this.live.size;
  }

  shutdown(): void {
    this.stopped = true;
    for (const cancel of this.timers) cancel();
    this.timers.clear();
    for (const c of this.channels.values()) c.channel.close();
    this.channels.clear();
    this.queues.clear();
  }

  private isLive(q: Queued): boolean {
    return !this.stopped && this.live.get(q.marker.transactionalId)?.generation === q.generation;
  }

  private later(delayMs: number, task: () => void): void {
    if (this.stopped) return;
    const cancel = this.opts.scheduler.schedule('txn-marker-retry', () => {
      this.timers.delete(cancel);
      task();
    }, delayMs);
    this.timers.add(cancel);
  }

  private route(q: Queued): void {
    if (!this.isLive(q)) return;
    const { metadata, interBrokerListenerName } = this.opts;
    const alive = metadata.aliveBrokers(interBrokerListenerName);
    const byBroker = new Map<number, TopicPartition[]>();
    const gone: TopicPartition[] = [];
    const leaderless: TopicPartition[] = [];
    for (const tp of q.partitions) {
      const p = metadata.topic(tp.topic)?.partitions.find((x) => x.partition === tp.partition);
      if (p === undefined) {
        gone.push(tp);
        continue;
      }
      if (p.leaderId < 0 || !alive.some((b) => b.id === p.leaderId)) {
        leaderless.push(tp);
        continue;
      }
      const list = byBroker.get(p.leaderId) ?? [];
      list.push(tp);
      byBroker.set(p.leaderId, list);
    }
    const { transactionalId, coordinatorEpoch } = q.marker;
    if (leaderless.length > 0) this.later(MARKER_RETRY_BACKOFF_MS, () => this.route({ ...q, partitions: leaderless }));
    for (const [brokerId, partitions] of byBroker) {
      const queue = this.queues.get(brokerId) ?? [];
      queue.push({ ...q, partitions });
      this.queues.set(brokerId, queue);
      void this.drain(brokerId);
    }
    if (gone.length > 0) {
      this.opts.log('INFO', `Couldn't find leader endpoint for partitions ${gone.map(name).join(', ')} while trying to send transaction markers for ${transactionalId}, these partitions are likely deleted already and hence can be skipped`, TXN_MARKER_LOGGER);
      this.opts.onWritten(transactionalId, coordinatorEpoch, gone);
    }
  }

  private async drain(brokerId: number): Promise<void> {
    if (this.sending.has(brokerId)) return;
    this.sending.add(brokerId);
    try {
      for (;;) {
        const batch = (this.queues.get(brokerId) ?? []).filter((q) => this.isLive(q));
        this.queues.delete(brokerId);
        if (batch.length === 0 || this.stopped) return;
        await this.sendBatch(brokerId, batch);
      }
    } catch (err) {
      this.opts.log('ERROR', `Error sending transaction markers to broker ${brokerId}: ${(err as Error)?.stack ?? String(err)}`, TXN_MARKER_LOGGER);
    } finally {
      this.sending.delete(brokerId);
    }
  }

  private channelFor(brokerId: number): Channel | undefined {
    const endpoint = this.opts.metadata.aliveBrokers(this.opts.interBrokerListenerName).find((b) => b.id === brokerId);
    if (endpoint === undefined) return undefined;
    const host = endpoint.host || 'localhost';
    let c = this.channels.get(brokerId);
    if (c !== undefined && (c.host !== host || c.port !== endpoint.port)) {
      c.channel.close();
      c = undefined;
    }
    if (c === undefined) {
      c = { host, port: endpoint.port, channel: this.opts.connect(brokerId, host, endpoint.port) };
      this.channels.set(brokerId, c);
    }
    return c;
  }

  private retryBroker(batch: readonly Queued[], why: string, brokerId: number): void {
    if (this.lastFailure.get(brokerId) !== why) {
      this.lastFailure.set(brokerId, why);
      this.opts.log('WARN', `Sending transaction markers to broker ${brokerId} failed (${why}); retrying every ${MARKER_BROKER_BACKOFF_MS} ms`, TXN_MARKER_LOGGER);
    }
    this.later(MARKER_BROKER_BACKOFF_MS, () => batch.forEach((q) => this.route(q)));
  }

  private async sendBatch(brokerId: number, batch: Queued[]): Promise<void> {
    const c = this.channelFor(brokerId);
    if (c === undefined) {
      this.later(MARKER_RETRY_BACKOFF_MS, () => batch.forEach((q) => this.route(q)));
      return;
    }
    let response: WriteTxnMarkersResponse;
    try {
      if (c.version === undefined) c.version = await this.negotiate(c.channel);
      if (c.version === null) {
        c.version = undefined;
        this.retryBroker(batch, 'it does not serve WriteTxnMarkers', brokerId);
        return;
      }
      const request: WriteTxnMarkersRequest = {
        markers: batch.map((q) => ({
          producerId: q.marker.producerId,
          producerEpoch: q.marker.producerEpoch,
          transactionResult: q.marker.commit,
          coordinatorEpoch: q.marker.coordinatorEpoch,
          topics: [...groupByTopic(q.partitions)].map(([topic, partitionIndexes]) => ({ name: topic, partitionIndexes })),
        })),
      };
      response = (await c.channel.send(ApiKey.WriteTxnMarkers, c.version, request)) as WriteTxnMarkersResponse;
    } catch (err) {
      c.channel.close();
      if (this.channels.get(brokerId) === c) this.channels.delete(brokerId);
      this.retryBroker(batch, (err as Error)?.message ?? String(err), brokerId);
      return;
    }
    this.lastFailure.delete(brokerId);
    const used = new Set<number>();
    for (const q of batch) this.handleAnswer(q, response, used);
  }

  /** The WriteTxnMarkers version to send, or null when the peer does not serve the API. */
  private async negotiate(channel: MarkerChannel): Promise<number | null> {
    const versions = (await channel.send(ApiKey.ApiVersions, 0, {})) as { errorCode: number; apiKeys: { apiKey: number; minVersion: number; maxVersion: number }[] };
    const range = versions.apiKeys.find((k) => k.apiKey === ApiKey.WriteTxnMarkers);
    if (versions.errorCode !== ErrorCode.NONE || range === undefined || range.minVersion > 1) return null;
    return Math.min(1, range.maxVersion);
  }

  private handleAnswer(q: Queued, response: WriteTxnMarkersResponse, used: Set<number>): void {
    if (!this.isLive(q)) return;
    const { transactionalId, coordinatorEpoch } = q.marker;
    // Markers are answered in request order; one producer id appears once per request.
    const index = response.markers.findIndex((m, i) => !used.has(i) && m.producerId === q.marker.producerId);
    if (index >= 0) used.add(index);
    const errors = new Map<string, number>();
    for (const t of index >= 0 ? response.markers[index]!.topics : []) {
      for (const p of t.partitions) errors.set(`${t.name}-${p.partitionIndex}`, p.errorCode);
    }
    const done: TopicPartition[] = [];
    const retry: TopicPartition[] = [];
    let fenced: number | undefined;
    for (const tp of q.partitions) {
      const errorCode = errors.get(name(tp)) ?? ErrorCode.REQUEST_TIMED_OUT;
      if (errorCode === ErrorCode.NONE || NOT_NEEDED.has(errorCode)) done.push(tp);
      else if (FENCED.has(errorCode)) fenced = errorCode;
      else {
        const level = RETRIABLE.has(errorCode) ? 'INFO' : 'ERROR';
        this.opts.log(level, `Sending ${transactionalId}'s transaction marker for partition ${name(tp)} has failed with error ${errorInfo(errorCode).name}, retrying with current coordinator epoch ${coordinatorEpoch}`, TXN_MARKER_LOGGER);
        retry.push(tp);
      }
    }
    if (fenced !== undefined) {
      this.live.delete(transactionalId);
      this.opts.onFenced(transactionalId, coordinatorEpoch, errorInfo(fenced).name);
      return;
    }
    if (done.length > 0) this.opts.onWritten(transactionalId, coordinatorEpoch, done);
    if (retry.length > 0) this.later(MARKER_RETRY_BACKOFF_MS, () => this.route({ ...q, partitions: retry }));
  }
}

function name(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

function groupByTopic(partitions: readonly TopicPartition[]): Map<string, number[]> {
  const byTopic = new Map<string, number[]>();
  for (const tp of partitions) {
    const list = byTopic.get(tp.topic) ?? [];
    list.push(tp.partition);
    byTopic.set(tp.topic, list);
  }
  return byTopic;
}
