// A consumer of assigned partitions (no group): each partition starts at a given offset or at auto.offset.reset,
// fetches go to partition leaders (one in flight per leader, the next one sent as soon as the previous answer is
// buffered), and poll() hands out buffered records. While a partition's answer is being handed out, the next one is
// fetched (double buffering keeps the wire busy), so buffered data stays within two answers per partition.
// Answers are kept as they arrived and decoded by poll() when their turn comes; pollFetched() hands them out whole
// instead, for a reader that works on the record bytes without an object per record; such a reader gives them back
// (releaseFetched) so that the connection reads a later response into the same memory.
import { ErrorCode } from '../../protocol/errors.js';
import { ApiKey } from '../../protocol/schemas/index.js';
import type { FetchResponse } from '../../protocol/schemas/fetch.js';
import { KafkaArgumentError, KafkaClosedError, kafkaError, isRetriable } from '../errors/index.js';
import type { ClientOptions } from '../cluster/client-options.js';
import { KafkaCluster, needsMetadataRefresh } from '../cluster/kafka-cluster.js';
import { listOffsetsAtLeaders, partitionKey } from '../cluster/leader-requests.js';
import { OffsetSpec } from '../admin/admin-requests.js';
import { decodeFetchedRecords, fetchedNextOffset, type ConsumerRecord, type FetchedChunk } from './fetched-records.js';
import { FetchMetrics, completeBatchBytes } from './fetch-metrics.js';
import type { MetricReading } from '../metrics/client-metrics.js';
import type { BrokerConnection } from '../network/broker-connection.js';
import { fetchRequest, IsolationLevel } from './fetch-request.js';

export type { ConsumerRecord, FetchedChunk } from './fetched-records.js';

export type OffsetResetPolicy = 'earliest' | 'latest' | 'none';

export interface ConsumerOptions extends ClientOptions {
  /** isolation.level (default read_uncommitted, as the Java consumer). */
  isolationLevel?: 'read_uncommitted' | 'read_committed';
  /** auto.offset.reset (default latest). */
  autoOffsetReset?: OffsetResetPolicy;
  fetchMinBytes?: number;
  fetchMaxBytes?: number;
  maxPartitionFetchBytes?: number;
  fetchMaxWaitMs?: number;
  maxPollRecords?: number;
  /** allow.auto.create.topics: whether the consumer's metadata requests may create a missing topic (default false). */
  allowAutoCreateTopics?: boolean;
}

export interface PartitionAssignment {
  topic: string;
  partition: number;
  /** Start here; 'earliest'/'latest' look it up; absent: auto.offset.reset. */
  offset?: bigint | 'earliest' | 'latest';
}

interface BufferedAnswer {
  fetched: FetchedChunk;
  /** Its records once poll() decoded it, handed out from `index` on. */
  records: ConsumerRecord[] | null;
  index: number;
  /** The response it came in, while its memory may be used again once all of its answers are given back. */
  lease: ResponseLease | null;
}

/** A fetch response whose answers were buffered: `holders` of them not given back yet. */
interface ResponseLease {
  conn: BrokerConnection;
  bytes: Buffer;
  holders: number;
}

interface PartitionState {
  topic: string;
  partition: number;
  /** Next offset poll() returns; null until known. */
  position: bigint | null;
  /** Next offset to fetch (ahead of position while records are buffered). */
  fetchPosition: bigint | null;
  reset: OffsetResetPolicy;
  /** The answer being handed out and the one fetched behind it. */
  head: BufferedAnswer | null;
  next: BufferedAnswer | null;
  highWatermark: bigint;
  error: Error | undefined;
  /** Bumped by seek/assign so an answer to an older fetch is dropped. */
  epoch: number;
}

export class KafkaConsumer {
  readonly cluster: KafkaCluster;
  private readonly isolationLevel: number;
  private readonly reset: OffsetResetPolicy;
  private readonly fetchSettings: { minBytes: number; maxBytes: number; maxWaitMs: number; partitionMaxBytes: number; maxPollRecords: number };
  private readonly partitions = new Map<string, PartitionState>();
  private readonly fetching = new Set<number>();
  /** Leaders whose last fetch failed, and until when not to fetch from them again (retry.backoff.ms). */
  private readonly backoffUntil = new Map<number, number>();
  private resolving = false;
  private nextLeaderRefreshAt = 0;
  private wake: (() => void) | undefined;
  private notified = false;
  private closed = false;
  private wokenUp = false;
  private nextPollStart = 0;
  private readonly fetchMetrics: FetchMetrics;
  /** Answers handed out whole by pollFetched(), until given back with releaseFetched(). */
  private readonly lent = new WeakMap<FetchedChunk, ResponseLease>();

  constructor(options: ConsumerOptions) {
    this.cluster = new KafkaCluster(options, options.allowAutoCreateTopics ?? false);
    this.isolationLevel = options.isolationLevel === 'read_committed' ? IsolationLevel.READ_COMMITTED : IsolationLevel.READ_UNCOMMITTED;
    this.reset = options.autoOffsetReset ?? 'latest';
    if (!['earliest', 'latest', 'none'].includes(this.reset)) throw new KafkaArgumentError(`autoOffsetReset must be earliest, latest or none, got ${this.reset}`);
    this.fetchSettings = {
      minBytes: options.fetchMinBytes ?? 1,
      maxBytes: options.fetchMaxBytes ?? 52_428_800,
      maxWaitMs: options.fetchMaxWaitMs ?? 500,
      partitionMaxBytes: options.maxPartitionFetchBytes ?? 1_048_576,
      maxPollRecords: options.maxPollRecords ?? 500,
    };
    this.fetchMetrics = new FetchMetrics(this.cluster.options.clientId);
  }

  /** The metrics this consumer measures, as Kafka names them (KafkaConsumer.metrics), read now. */
  metrics(): MetricReading[] {
    return this.fetchMetrics.snapshot();
  }

  connect(): Promise<unknown> {
    return this.cluster.connect();
  }

  /** Replaces the assignment. */
  assign(list: readonly PartitionAssignment[]): void {
    this.partitions.clear();
    for (const a of list) {
      if (!Number.isInteger(a.partition) || a.partition < 0) throw new KafkaArgumentError(`bad partition ${a.partition} of ${a.topic}`);
      const state: PartitionState = { topic: a.topic, partition: a.partition, position: null, fetchPosition: null, reset: this.reset, head: null, next: null, highWatermark: -1n, error: undefined, epoch: 0 };
      this.partitions.set(partitionKey(a), state);
      this.place(state, a.offset);
    }
  }

  assignment(): { topic: string; partition: number }[] {
    return [...this.partitions.values()].map((p) => ({ topic: p.topic, partition: p.partition }));
  }

  /** Moves a partition's position (records buffered past the old one are dropped). */
  seek(topic: string, partition: number, offset: bigint | 'earliest' | 'latest'): void {
    const state = this.partitions.get(partitionKey({ topic, partition }));
    if (state === undefined) throw new KafkaArgumentError(`${topic}-${partition} is not assigned`);
    this.place(state, offset);
  }

  private place(state: PartitionState, offset: bigint | 'earliest' | 'latest' | undefined): void {
    state.epoch++;
    state.head = null;
    state.next = null;
    state.error = undefined;
    if (typeof offset === 'bigint') {
      if (offset < 0n) throw new KafkaArgumentError(`offset ${offset} is negative`);
      state.position = state.fetchPosition = offset;
    } else {
      state.position = state.fetchPosition = null;
      state.reset = offset ?? this.reset;
    }
  }

  position(topic: string, partition: number): bigint | null {
    return this.partitions.get(partitionKey({ topic, partition }))?.position ?? null;
  }

  /** The high watermark from the last fetch of the partition (-1 before one). */
  highWatermark(topic: string, partition: number): bigint {
    return this.partitions.get(partitionKey({ topic, partition }))?.highWatermark ?? -1n;
  }

  /** Records fetched since the last poll (at most maxPollRecords), waiting up to timeoutMs for some. */
  poll(timeoutMs = 1000): Promise<ConsumerRecord[]> {
    return this.pollWith(timeoutMs, async () => {
      await this.decodeHeads();
      return this.drain();
    });
  }

  /**
   * Whole fetched answers, one per partition that has one (each partition's position moves past its answer), waiting
   * up to timeoutMs for some. An answer's bytes stay valid while the caller holds it, or until it gives them back
   * with releaseFetched(); to stop inside one, seek() the partition to the first offset not used.
   */
  pollFetched(timeoutMs = 1000): Promise<FetchedChunk[]> {
    return this.pollWith(timeoutMs, async () => this.drainFetched());
  }

  /**
   * Answers from pollFetched() whose bytes (and anything viewing them) are no longer used: the memory of a response
   * all of whose answers are given back is used again for a later response.
   */
  releaseFetched(chunks: readonly FetchedChunk[]): void {
    for (const chunk of chunks) {
      const lease = this.lent.get(chunk);
      if (lease === undefined) continue;
      this.lent.delete(chunk);
      if (--lease.holders === 0) lease.conn.recycle(lease.bytes);
    }
  }

  private async pollWith<T>(timeoutMs: number, take: () => Promise<T[]>): Promise<T[]> {
    if (this.closed) throw new KafkaClosedError('the consumer');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      this.notified = false;
      const records = await take();
      if (records.length > 0) {
        this.pump();
        return records;
      }
      this.pump();
      const wait = deadline - Date.now();
      if (wait <= 0 || this.closed || this.wokenUp) {
        this.wokenUp = false;
        return [];
      }
      // An answer that came in while take() awaited decoding is looked at before waiting.
      if (this.notified) continue;
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, wait);
        this.wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      this.wake = undefined;
    }
  }

  private notify(): void {
    this.notified = true;
    this.wake?.();
  }

  /** Ends a poll() that is waiting for records (it returns what it has, possibly nothing). */
  wakeup(): void {
    this.wokenUp = true;
    this.notify();
  }

  /** Decodes the answer at the head of each partition, dropping answers without records. */
  private async decodeHeads(): Promise<void> {
    for (const s of this.partitions.values()) {
      while (s.head !== null && s.head.records === null) {
        const head = s.head;
        const epoch = s.epoch;
        const f = head.fetched;
        let records: ConsumerRecord[];
        try {
          records = (await decodeFetchedRecords(f.topic, f.partition, f.records, f.from, f.readCommitted, f.aborted)).records;
        } catch (err) {
          if (s.epoch === epoch && s.head === head) {
            s.error = err as Error;
            s.head = s.next = null;
            s.fetchPosition = s.position;
          }
          break;
        }
        if (s.epoch !== epoch || s.head !== head) break;
        if (records.length > 0) head.records = records;
        else this.moveToNextAnswer(s);
      }
    }
  }

  private moveToNextAnswer(s: PartitionState): void {
    s.position = s.head!.fetched.nextOffset;
    s.head = s.next;
    s.next = null;
  }

  /** Throws the partition's error, once, when it is its turn and nothing was taken yet. */
  private throwError(s: PartitionState, taken: number): void {
    if (s.error === undefined || taken > 0) return;
    const err = s.error;
    s.error = undefined;
    throw err;
  }

  /** Buffered records, round-robin over partitions; throws a partition's error when it is its turn. */
  private drain(): ConsumerRecord[] {
    const out: ConsumerRecord[] = [];
    const states = [...this.partitions.values()];
    for (let i = 0; i < states.length && out.length < this.fetchSettings.maxPollRecords; i++) {
      const s = states[(this.nextPollStart + i) % states.length];
      this.throwError(s, out.length);
      const head = s.head;
      if (head === null || head.records === null) continue;
      const buffered = head.records;
      const end = Math.min(buffered.length, head.index + this.fetchSettings.maxPollRecords - out.length);
      for (let k = head.index; k < end; k++) out.push(buffered[k]!);
      head.index = end;
      s.position = buffered[end - 1]!.offset + 1n;
      if (end === buffered.length) this.moveToNextAnswer(s);
    }
    this.nextPollStart++;
    return out;
  }

  /** Buffered answers, one per partition, round-robin; throws a partition's error when it is its turn. */
  private drainFetched(): FetchedChunk[] {
    const out: FetchedChunk[] = [];
    const states = [...this.partitions.values()];
    for (let i = 0; i < states.length; i++) {
      const s = states[(this.nextPollStart + i) % states.length];
      this.throwError(s, out.length);
      const head = s.head;
      if (head === null) continue;
      // Part of it may have gone out through poll(): the rest starts at the position.
      const chunk = head.index === 0 ? head.fetched : { ...head.fetched, from: s.position! };
      // Records poll() decoded view the response's bytes: then they are never used again.
      if (head.lease !== null && head.records === null) this.lent.set(chunk, head.lease);
      out.push(chunk);
      this.moveToNextAnswer(s);
    }
    this.nextPollStart++;
    return out;
  }

  /** Starts offset lookups and fetches that can go now. */
  private pump(): void {
    if (this.closed) return;
    if (!this.resolving && [...this.partitions.values()].some((s) => s.fetchPosition === null && s.error === undefined)) void this.resolvePositions();
    const byLeader = new Map<number, PartitionState[]>();
    for (const s of this.partitions.values()) {
      if (s.fetchPosition === null || s.next !== null || s.error !== undefined) continue;
      const leader = this.cluster.metadata.leaderOf(s.topic, s.partition);
      if (leader < 0) {
        this.refreshMetadataSoon(s.topic);
        continue;
      }
      if (this.fetching.has(leader) || (this.backoffUntil.get(leader) ?? 0) > Date.now()) continue;
      const list = byLeader.get(leader) ?? [];
      list.push(s);
      byLeader.set(leader, list);
    }
    for (const [leader, list] of byLeader) void this.fetchFrom(leader, list);
  }

  /** A metadata refresh for a partition without a leader, at most once per retry.backoff.ms. */
  private refreshMetadataSoon(topic: string): void {
    const now = Date.now();
    if (now < this.nextLeaderRefreshAt) return;
    this.nextLeaderRefreshAt = now + this.cluster.options.retryBackoffMs;
    void this.cluster.refreshMetadata([topic]).catch(() => {});
    setTimeout(() => this.notify(), this.cluster.options.retryBackoffMs).unref();
  }

  private async resolvePositions(): Promise<void> {
    this.resolving = true;
    try {
      const todo = [...this.partitions.values()].filter((s) => s.fetchPosition === null && s.error === undefined);
      const epochs = new Map(todo.map((s) => [s, s.epoch]));
      if (this.cluster.metadata.brokers.size === 0) await this.cluster.connect();
      const lookups = todo.filter((s) => s.reset !== 'none');
      for (const s of todo) if (s.reset === 'none') s.error = kafkaError(ErrorCode.OFFSET_OUT_OF_RANGE, `${partitionKey(s)} has no position and auto.offset.reset is none`);
      const answers = await listOffsetsAtLeaders(
        this.cluster,
        lookups.map((s) => ({ topic: s.topic, partition: s.partition, timestamp: s.reset === 'earliest' ? OffsetSpec.EARLIEST : OffsetSpec.LATEST })),
        this.isolationLevel,
      );
      for (const s of lookups) {
        if (s.epoch !== epochs.get(s)) continue;
        const a = answers.get(partitionKey(s))!;
        if (a.ok) s.position = s.fetchPosition = a.value.offset;
        else if (!isRetriable(a.error)) s.error = a.error;
      }
    } catch (err) {
      if (!isRetriable(err)) for (const s of this.partitions.values()) if (s.fetchPosition === null) s.error = err as Error;
    } finally {
      this.resolving = false;
      this.notify();
    }
  }

  private async fetchFrom(leader: number, list: PartitionState[]): Promise<void> {
    this.fetching.add(leader);
    const epochs = new Map(list.map((s) => [s, s.epoch]));
    let answered = false;
    try {
      const conn = await this.cluster.nodeConnection(leader);
      const version = conn.versionFor(ApiKey.Fetch);
      const settings = { ...this.fetchSettings, isolationLevel: this.isolationLevel };
      const parts = list.map((s) => ({ topic: s.topic, partition: s.partition, fetchOffset: s.fetchPosition!, partitionMaxBytes: this.fetchSettings.partitionMaxBytes }));
      const sentMs = Date.now();
      const response = await conn.send(ApiKey.Fetch, fetchRequest(settings, parts, version), {
        version,
        timeoutMs: this.cluster.options.requestTimeoutMs + settings.maxWaitMs,
      });
      const received = await this.handleFetch(response, list, epochs, conn);
      this.fetchMetrics.fetched(Date.now() - sentMs, received.bytes, received.records, Date.now());
      answered = true;
    } catch (err) {
      this.backoffUntil.set(leader, Date.now() + this.cluster.options.retryBackoffMs);
      setTimeout(() => this.notify(), this.cluster.options.retryBackoffMs).unref();
      if (needsMetadataRefresh(err)) await this.cluster.refreshMetadata([...new Set(list.map((s) => s.topic))]).catch(() => {});
      else if (!isRetriable(err)) for (const s of list) if (s.epoch === epochs.get(s)) s.error = err as Error;
    } finally {
      this.fetching.delete(leader);
      // The next fetch of a partition with room behind its answer goes now, not at the next poll: it is on its way
      // while the caller works through this answer.
      if (answered) this.pump();
      this.notify();
    }
  }

  /** Settles each partition's answer; returns the batch bytes and records the response brought. */
  private async handleFetch(response: FetchResponse, list: PartitionState[], epochs: Map<PartitionState, number>, conn: BrokerConnection): Promise<{ bytes: number; records: number }> {
    if (response.errorCode !== undefined && response.errorCode !== 0) throw kafkaError(response.errorCode, null, 'Fetch');
    const byKey = new Map(list.map((s) => [partitionKey(s), s]));
    const received = { bytes: 0, records: 0 };
    let stale = false;
    let lease: ResponseLease | null = null;
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const s = byKey.get(`${t.topic}-${p.partitionIndex}`);
        if (s === undefined || s.epoch !== epochs.get(s) || s.fetchPosition === null) continue;
        if (p.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE) {
          if (s.reset === 'none') s.error = kafkaError(p.errorCode, null, `${partitionKey(s)} at offset ${s.fetchPosition}`);
          else s.position = s.fetchPosition = null;
          continue;
        }
        if (p.errorCode !== 0) {
          const err = kafkaError(p.errorCode, null, partitionKey(s));
          if (needsMetadataRefresh(err) || err.retriable) stale = true;
          else s.error = err;
          continue;
        }
        s.highWatermark = p.highWatermark;
        const from = s.fetchPosition;
        const nextOffset = fetchedNextOffset(p.records, from);
        if (nextOffset === from) {
          if (s.head === null) s.position = from;
          continue;
        }
        s.fetchPosition = nextOffset;
        // Records are decoded when polled; the offsets a fetch covers count them (control records included).
        received.bytes += completeBatchBytes(p.records);
        received.records += Number(nextOffset - from);
        const fetched: FetchedChunk = {
          topic: s.topic, partition: s.partition, records: p.records!, from, nextOffset,
          readCommitted: this.isolationLevel === IsolationLevel.READ_COMMITTED, aborted: p.abortedTransactions,
        };
        lease ??= { conn, bytes: p.records!, holders: 0 };
        lease.holders++;
        const answer: BufferedAnswer = { fetched, records: null, index: 0, lease };
        if (s.head === null) s.head = answer;
        else s.next = answer;
      }
    }
    if (stale) await this.cluster.refreshMetadata([...new Set(list.map((s) => s.topic))]).catch(() => {});
    return received;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.notify();
    await this.cluster.close();
  }
}
