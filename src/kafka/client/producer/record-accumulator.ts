// Records wait here, per partition, in batches: a batch is sent when it is full (batch.size), when it has waited
// linger.ms, or on flush. A partition with a batch in flight is muted so its batches go one at a time, in order:
// a retried batch is re-sent before anything behind it, so retries never reorder a partition's records.
import type { RecordInput } from '../../protocol/records/index.js';
import { ProducerBatch, type RecordMetadata } from './producer-batch.js';

export interface AccumulatorOptions {
  batchSizeBytes: number;
  lingerMs: number;
}

const keyOf = (topic: string, partition: number) => `${partition}:${topic}`;

export class RecordAccumulator {
  private readonly queues = new Map<string, ProducerBatch[]>();
  private readonly muted = new Set<string>();
  private batchCount = 0;

  constructor(private readonly options: AccumulatorOptions) {}

  /** Batches queued (not in flight). */
  get size(): number {
    return this.batchCount;
  }

  /** Whether a record of `bytes` would have to start a new batch on this partition. */
  wouldStartNewBatch(topic: string, partition: number, bytes: number): boolean {
    const last = this.queues.get(keyOf(topic, partition))?.at(-1);
    return last === undefined || !this.fits(last, bytes);
  }

  private fits(batch: ProducerBatch, bytes: number): boolean {
    return !batch.closed && batch.attempts === 0 && batch.encoded === undefined && (batch.recordCount === 0 || batch.sizeBytes + bytes <= this.options.batchSizeBytes);
  }

  append(
    topic: string,
    partition: number,
    record: RecordInput,
    bytes: number,
    timestamp: number,
    nowMs: number,
    resolve: (md: RecordMetadata) => void,
    reject: (err: Error) => void,
  ): ProducerBatch {
    const key = keyOf(topic, partition);
    let queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, (queue = []));
    let batch = queue.at(-1);
    if (batch === undefined || !this.fits(batch, bytes)) {
      if (batch !== undefined) batch.closed = true;
      batch = new ProducerBatch(topic, partition, nowMs);
      queue.push(batch);
      this.batchCount++;
    }
    batch.add(record, bytes, timestamp, resolve, reject);
    if (batch.sizeBytes >= this.options.batchSizeBytes) batch.closed = true;
    return batch;
  }

  /** The first batch of each unmuted partition that may go now: full, lingered, retry due, or flushing. */
  ready(nowMs: number, flushing: boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const [key, queue] of this.queues) {
      const first = queue[0];
      if (first === undefined || this.muted.has(key)) continue;
      if (first.attempts > 0) {
        if (nowMs >= first.retryAtMs) out.push(first);
        continue;
      }
      if (flushing || first.closed || queue.length > 1 || nowMs - first.createdMs >= this.options.lingerMs) out.push(first);
    }
    return out;
  }

  /** Milliseconds until some queued batch becomes ready by time (linger or retry backoff), or undefined. */
  nextWakeupMs(nowMs: number): number | undefined {
    let min: number | undefined;
    for (const [key, queue] of this.queues) {
      const first = queue[0];
      if (first === undefined || this.muted.has(key)) continue;
      const at = first.attempts > 0 ? first.retryAtMs : first.createdMs + this.options.lingerMs;
      const wait = Math.max(0, at - nowMs);
      if (min === undefined || wait < min) min = wait;
    }
    return min;
  }

  /** Takes a ready batch out of its queue and mutes its partition until `unmute`. */
  take(batch: ProducerBatch): void {
    const key = keyOf(batch.topic, batch.partition);
    const queue = this.queues.get(key)!;
    queue.shift();
    if (queue.length === 0) this.queues.delete(key);
    batch.closed = true;
    this.batchCount--;
    this.muted.add(key);
  }

  /** Puts a batch that failed retriably back at the head of its partition's queue. */
  requeueFront(batch: ProducerBatch): void {
    const key = keyOf(batch.topic, batch.partition);
    let queue = this.queues.get(key);
    if (queue === undefined) this.queues.set(key, (queue = []));
    queue.unshift(batch);
    this.batchCount++;
  }

  unmute(batch: ProducerBatch): void {
    this.muted.delete(keyOf(batch.topic, batch.partition));
  }

  /** Removes and returns queued batches matching `pred` (expired ones, or all on abort). */
  removeWhere(pred: (b: ProducerBatch) => boolean): ProducerBatch[] {
    const removed: ProducerBatch[] = [];
    for (const [key, queue] of this.queues) {
      const keep = queue.filter((b) => !pred(b));
      if (keep.length === queue.length) continue;
      removed.push(...queue.filter(pred));
      if (keep.length === 0) this.queues.delete(key);
      else this.queues.set(key, keep);
    }
    this.batchCount -= removed.length;
    return removed;
  }
}
