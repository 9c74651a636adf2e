// Records wait here, per partition, in batches: a batch is sent when it is full (batch.size), when it has waited
// linger.ms, or on flush. A partition with a batch in flight is muted so its batches go one at a time, in order:
// a retried batch is re-sent before anything behind it, so retries never reorder a partition's records.
//
// A batch that cannot go next (its partition has a batch in flight, or batches queued ahead of it) keeps taking
// records past batch.size, up to growLimitBytes: with one batch in flight per partition, batch.size would otherwise
// cap a partition at batch.size per round trip, and those records would wait anyway. The batch at the head of an
// idle partition, which goes as soon as it is full or lingered, keeps to batch.size.
import type { WrittenHeader } from './batch-writer.js';
import { ProducerBatch, type RejectRecord, type ResolveRecord } from './producer-batch.js';

export interface AccumulatorOptions {
  batchSizeBytes: number;
  lingerMs: number;
  /** How far a batch may grow while its partition has a batch in flight (max.request.size). */
  growLimitBytes: number;
}

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly batches: ProducerBatch[];
  muted: boolean;
}

export class RecordAccumulator {
  /** topic → partition → queue. */
  private readonly queues = new Map<string, PartitionQueue[]>();
  private batchCount = 0;

  constructor(private readonly options: AccumulatorOptions) {}

  /** Batches queued (not in flight). */
  get size(): number {
    return this.batchCount;
  }

  private queue(topic: string, partition: number): PartitionQueue {
    let byPartition = this.queues.get(topic);
    if (byPartition === undefined) this.queues.set(topic, (byPartition = []));
    let q = byPartition[partition];
    if (q === undefined) byPartition[partition] = q = { topic, partition, batches: [], muted: false };
    return q;
  }

  private *all(): Generator<PartitionQueue> {
    for (const byPartition of this.queues.values()) for (const q of byPartition) if (q !== undefined) yield q;
  }

  /** Whether a record of `bytes` would have to start a new batch on this partition. */
  wouldStartNewBatch(topic: string, partition: number, bytes: number): boolean {
    const q = this.queues.get(topic)?.[partition];
    const last = q?.batches.at(-1);
    return q === undefined || last === undefined || !this.fits(q, last, bytes);
  }

  private fits(q: PartitionQueue, batch: ProducerBatch, bytes: number): boolean {
    if (batch.closed || batch.attempts > 0 || batch.encoded !== undefined) return false;
    if (batch.recordCount === 0) return true;
    const behind = q.muted || q.batches[0] !== batch;
    const limit = behind ? this.options.growLimitBytes : this.options.batchSizeBytes;
    return batch.sizeBytes + bytes <= limit;
  }

  append(
    topic: string,
    partition: number,
    key: Buffer | null,
    value: Buffer | null,
    headers: readonly WrittenHeader[] | undefined,
    bytes: number,
    timestamp: number,
    nowMs: number,
    resolve: ResolveRecord,
    reject: RejectRecord,
  ): ProducerBatch {
    const q = this.queue(topic, partition);
    let batch = q.batches.at(-1);
    if (batch === undefined || !this.fits(q, batch, bytes)) {
      if (batch !== undefined) batch.closed = true;
      const behind = q.muted || q.batches.length > 0;
      // A batch that may grow gets its whole allowance at once (untouched pages of it cost nothing) rather than
      // being copied at every doubling.
      batch = new ProducerBatch(topic, partition, nowMs, behind ? this.options.growLimitBytes : this.options.batchSizeBytes);
      q.batches.push(batch);
      this.batchCount++;
    }
    batch.add(key, value, headers, bytes, timestamp, resolve, reject);
    if (batch.sizeBytes >= (q.muted || q.batches[0] !== batch ? this.options.growLimitBytes : this.options.batchSizeBytes)) batch.closed = true;
    return batch;
  }

  /** The first batch of each unmuted partition that may go now: full, lingered, retry due, or flushing. */
  ready(nowMs: number, flushing: boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const q of this.all()) {
      const first = q.batches[0];
      if (first === undefined || q.muted) continue;
      if (first.attempts > 0) {
        if (nowMs >= first.retryAtMs) out.push(first);
        continue;
      }
      if (flushing || first.closed || first.sizeBytes >= this.options.batchSizeBytes || q.batches.length > 1 || nowMs - first.createdMs >= this.options.lingerMs) out.push(first);
    }
    return out;
  }

  /** Milliseconds until some queued batch becomes ready by time (linger or retry backoff), or undefined. */
  nextWakeupMs(nowMs: number): number | undefined {
    let min: number | undefined;
    for (const q of this.all()) {
      const first = q.batches[0];
      if (first === undefined || q.muted) continue;
      const at = first.attempts > 0 ? first.retryAtMs : first.createdMs + this.options.lingerMs;
      const wait = Math.max(0, at - nowMs);
      if (min === undefined || wait < min) min = wait;
    }
    return min;
  }

  /** Takes a ready batch out of its queue and mutes its partition until `unmute`. */
  take(batch: ProducerBatch): void {
    const q = this.queue(batch.topic, batch.partition);
    q.batches.shift();
    batch.closed = true;
    this.batchCount--;
    q.muted = true;
  }

  /** Puts batches that failed retriably (in their order) back at the head of their partition's queue. */
  requeueFront(batch: ProducerBatch, ...more: ProducerBatch[]): void {
    const q = this.queue(batch.topic, batch.partition);
    q.batches.unshift(batch, ...more);
    this.batchCount += 1 + more.length;
  }

  unmute(batch: ProducerBatch): void {
    const q = this.queues.get(batch.topic)?.[batch.partition];
    if (q === undefined) return;
    q.muted = false;
    // A head batch that grew while it waited goes as it is; the batch after it starts over.
    const head = q.batches[0];
    if (head !== undefined && head.sizeBytes >= this.options.batchSizeBytes) head.closed = true;
  }

  /** Removes and returns queued batches matching `pred` (expired ones, or all on abort). */
  removeWhere(pred: (b: ProducerBatch) => boolean): ProducerBatch[] {
    const removed: ProducerBatch[] = [];
    for (const q of this.all()) {
      if (!q.batches.some(pred)) continue;
      const keep = q.batches.filter((b) => !pred(b));
      removed.push(...q.batches.filter(pred));
      q.batches.length = 0;
      q.batches.push(...keep);
    }
    this.batchCount -= removed.length;
    return removed;
  }
}
