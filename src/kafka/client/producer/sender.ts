// Moves ready batches from the accumulator to partition leaders: one Produce request per leader with the batches
// for it, then each partition's answer settles its batch, or puts it back for a retry (retriable errors, until
// delivery.timeout.ms), refreshing metadata when leadership moved.
import { ErrorCode } from '../../protocol/errors.js';
import { ApiKey } from '../../protocol/schemas/index.js';
import type { ProduceResponse } from '../../protocol/schemas/produce.js';
import { isRetriable, KafkaClientError, kafkaError, KafkaUnsupportedApiError } from '../errors/index.js';
import { needsMetadataRefresh, type KafkaCluster } from '../cluster/kafka-cluster.js';
import { backoffMs } from '../cluster/retry.js';
import type { BufferMemory } from './buffer-memory.js';
import type { ProducerIdentity } from './idempotence.js';
import type { ProducerBatch } from './producer-batch.js';
import { produceRequest } from './produce-request.js';
import type { RecordAccumulator } from './record-accumulator.js';
import type { ProducerMetrics } from './producer-metrics.js';

/** Produce v3 is the first to carry v2 record batches (headers, producer ids). */
const MIN_PRODUCE_VERSION = 3;

export interface SenderOptions {
  /** 0, 1 or -1 (all). */
  acks: number;
  compression: number;
  requestTimeoutMs: number;
  deliveryTimeoutMs: number;
  maxRequestSizeBytes: number;
  retries: number;
  batchSizeBytes: number;
  metrics?: ProducerMetrics;
}

export class Sender {
  private scheduled = false;
  private timer: NodeJS.Timeout | undefined;
  private flushing = 0;
  private inFlight = 0;
  private idleWaiters: (() => void)[] = [];
  private refreshing = false;
  private releasing = 0;
  private releaseScheduled = false;

  constructor(
    private readonly cluster: KafkaCluster,
    private readonly accumulator: RecordAccumulator,
    private readonly memory: BufferMemory,
    private readonly identity: ProducerIdentity | undefined,
    private readonly options: SenderOptions,
  ) {}

  get idle(): boolean {
    return this.inFlight === 0 && this.accumulator.size === 0;
  }

  /** Runs a send pass soon (after the current tick, so appends in the same tick share batches). */
  wakeup(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => {
      this.scheduled = false;
      this.run();
    });
  }

  /** Sends everything queued now, without waiting for linger.ms, and resolves when all of it is settled. */
  async flush(): Promise<void> {
    this.flushing++;
    try {
      this.wakeup();
      while (!this.idle) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
    } finally {
      this.flushing--;
    }
  }

  /** Fails every queued batch (close without waiting). */
  abort(err: Error): void {
    for (const b of this.accumulator.removeWhere(() => true)) this.complete(b, () => b.fail(err));
  }

  private run(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    const now = Date.now();
    const expired = this.accumulator.removeWhere((b) => now - b.createdMs >= this.options.deliveryTimeoutMs);
    for (const b of expired) {
      this.complete(b, () => b.fail(kafkaError(ErrorCode.REQUEST_TIMED_OUT, `${b.recordCount} record(s) for ${b.topic}-${b.partition}: ${now - b.createdMs} ms have passed since batch creation (delivery.timeout.ms ${this.options.deliveryTimeoutMs})`)));
    }
    const byLeader = new Map<number, ProducerBatch[]>();
    let leaderMissing = false;
    for (const batch of this.accumulator.ready(now, this.flushing > 0)) {
      const leader = this.cluster.metadata.leaderOf(batch.topic, batch.partition);
      if (leader < 0) {
        leaderMissing = true;
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      const bytes = list.reduce((n, b) => n + b.sizeBytes, 0);
      if (list.length > 0 && bytes + batch.sizeBytes > this.options.maxRequestSizeBytes) continue;
      list.push(batch);
      byLeader.set(leader, list);
    }
    if (leaderMissing) this.refreshMetadata();
    for (const [leader, batches] of byLeader) {
      for (const b of batches) this.accumulator.take(b);
      this.inFlight++;
      this.send(leader, batches).finally(() => {
        this.inFlight--;
        this.wakeup();
        this.notifyIdle();
      });
    }
    const wait = this.accumulator.nextWakeupMs(Date.now());
    if (wait !== undefined && byLeader.size === 0 && !leaderMissing) this.timer = setTimeout(() => this.wakeup(), Math.max(1, wait));
    else if (wait !== undefined) this.timer = setTimeout(() => this.wakeup(), Math.max(1, Math.min(wait, this.cluster.options.retryBackoffMs)));
  }

  private notifyIdle(): void {
    if (!this.idle) return;
    for (const w of this.idleWaiters.splice(0)) w();
  }

  private refreshMetadata(): void {
    if (this.refreshing) return;
    this.refreshing = true;
    const topics = [...new Set(this.accumulator.ready(Date.now(), true).map((b) => b.topic))];
    this.cluster
      .refreshMetadata(topics)
      .catch(() => {})
      .finally(() => {
        // Leaders still missing after the answer are asked for again only after retry.backoff.ms.
        setTimeout(() => {
          this.refreshing = false;
          this.wakeup();
        }, this.cluster.options.retryBackoffMs);
      });
  }

  private async encode(batch: ProducerBatch): Promise<Buffer> {
    if (batch.encoded !== undefined) return batch.encoded;
    if (this.identity !== undefined) {
      await this.identity.ensure(this.cluster);
      batch.producerId = this.identity.producerId;
      batch.producerEpoch = this.identity.producerEpoch;
      batch.baseSequence = this.identity.takeSequence(batch.topic, batch.partition, batch.recordCount);
    }
    batch.encoded = await batch.seal({
      compression: this.options.compression,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
    });
    return batch.encoded;
  }

  private async send(leader: number, batches: ProducerBatch[]): Promise<void> {
    let response: ProduceResponse | undefined;
    for (const b of batches) b.attempts++;
    try {
      const conn = await this.cluster.nodeConnection(leader);
      const version = conn.versionFor(ApiKey.Produce);
      if (version < MIN_PRODUCE_VERSION) throw new KafkaUnsupportedApiError(`the broker's Produce versions end at ${version}; record batches need v${MIN_PRODUCE_VERSION}`);
      const encoded = await Promise.all(batches.map((b) => this.encode(b)));
      const body = produceRequest(
        this.options.acks,
        this.options.requestTimeoutMs,
        batches.map((b, i) => ({ topic: b.topic, partition: b.partition, records: encoded[i] })),
      );
      const acksZero = this.options.acks === 0;
      const sentMs = Date.now();
      this.options.metrics?.requestSent(batches, encoded, this.options.compression !== 0, sentMs);
      response = await conn.send(ApiKey.Produce, body, { version, expectResponse: !acksZero });
      if (!acksZero) this.options.metrics?.responseReceived(Date.now() - sentMs, Date.now());
      if (acksZero) {
        for (const b of batches) this.complete(b, () => b.succeed(-1n, -1n));
        return;
      }
    } catch (err) {
      for (const b of batches) this.failed(b, err as Error);
      if (needsMetadataRefresh(err)) this.refreshMetadata();
      return;
    }
    const answers = new Map<string, ProduceResponse['responses'][number]['partitionResponses'][number]>();
    for (const t of response!.responses) for (const p of t.partitionResponses) answers.set(`${p.index}:${t.name}`, p);
    let stale = false;
    for (const b of batches) {
      const p = answers.get(`${b.partition}:${b.topic}`);
      if (p === undefined) {
        this.failed(b, new KafkaClientError(`the Produce response has no answer for ${b.topic}-${b.partition}`, false));
      } else if (p.errorCode === 0) {
        this.complete(b, () => {
          b.succeed(p.baseOffset, p.logAppendTimeMs ?? -1n);
          b.recycle();
        });
      } else if ((p.errorCode === ErrorCode.MESSAGE_TOO_LARGE || p.errorCode === ErrorCode.RECORD_LIST_TOO_LARGE) && b.recordCount > 1) {
        // Too large for the topic's max.message.bytes (a batch that grew behind an in-flight one can be): sent
        // again in batch.size pieces, as the Java client splits a batch on MESSAGE_TOO_LARGE. An idempotent
        // producer has one batch of a partition in flight, so the sequences it took are the partition's last.
        if (b.baseSequence >= 0) this.identity?.rewindSequence(b.topic, b.partition, b.baseSequence);
        const pieces = b.split(this.options.batchSizeBytes, Date.now());
        this.accumulator.requeueFront(pieces[0]!, ...pieces.slice(1));
        this.accumulator.unmute(b);
      } else if (p.errorCode === ErrorCode.DUPLICATE_SEQUENCE_NUMBER) {
        // The broker already has this batch (an earlier attempt was written but its answer was lost).
        this.complete(b, () => b.succeed(-1n, -1n));
      } else {
        const err = kafkaError(p.errorCode, p.errorMessage, `${b.topic}-${b.partition}`);
        stale ||= needsMetadataRefresh(err);
        if (p.errorCode === ErrorCode.UNKNOWN_PRODUCER_ID || p.errorCode === ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER) this.identity?.resetIfCurrent(b.producerId);
        this.failed(b, err);
      }
    }
    if (stale) this.refreshMetadata();
  }

  /** A failed attempt: back in the queue for another if the error is retriable and time remains, else settled. */
  private failed(batch: ProducerBatch, err: Error): void {
    const now = Date.now();
    if (isRetriable(err) && batch.attempts <= this.options.retries && now - batch.createdMs < this.options.deliveryTimeoutMs) {
      batch.retryAtMs = now + backoffMs(batch.attempts - 1, this.cluster.retry);
      this.accumulator.requeueFront(batch);
      this.accumulator.unmute(batch);
      this.options.metrics?.batchRetried(batch, now);
      return;
    }
    this.options.metrics?.batchFailed(batch, now);
    this.complete(batch, () => batch.fail(err));
  }

  private complete(batch: ProducerBatch, settle: () => void): void {
    this.accumulator.unmute(batch);
    this.releaseSoon(batch.sizeBytes);
    settle();
    this.notifyIdle();
  }

  /**
   * Frees buffer memory after the next send pass: a writer waiting for space resumes only once the partition's
   * next batch is on the wire, so the broker works on it while the writer fills the freed space.
   */
  private releaseSoon(bytes: number): void {
    this.releasing += bytes;
    if (this.releaseScheduled) return;
    this.releaseScheduled = true;
    this.wakeup();
    setImmediate(() => {
      this.releaseScheduled = false;
      const freed = this.releasing;
      this.releasing = 0;
      this.memory.release(freed);
    });
  }

  stop(): void {
    clearTimeout(this.timer);
  }
}
