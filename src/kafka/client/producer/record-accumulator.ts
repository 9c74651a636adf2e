// Records wait here, per partition, in batches: a batch is sent when it is full (batch.size), when it has waited
// linger.ms, or on flush. A failed batch goes back into the queue in the order it was first sent, ahead of
// everything newer, and while a partition has batches to retry they go one at a time.
//
// While a partition has a batch in flight, the batch behind it keeps taking records past batch.size, up to
// growLimitBytes (max.request.size), and goes when the one in flight is answered: batch.size would otherwise cap a
// partition at batch.size per round trip, and the broker's cost is per request as much as per byte. A batch that
// reaches growLimitBytes goes at once in another request, up to maxInFlight of the partition's batches at a time
// (the Java client's max.in.flight.requests.per.connection): a writer faster than one round trip per grown batch
// is not held to it. With more than one in flight, a batch that fails retriably can land behind the batches sent
// after it, as in the Java client, so a producer that needs strict order keeps maxInFlight at 1 (an idempotent
// one does). The head batch of an idle partition goes as soon as it reaches batch.size or lingered.
import type { WrittenHeader } from './batch-writer.js';
import { ProducerBatch, type RejectRecord, type ResolveRecord } from './producer-batch.js';

export interface AccumulatorOptions {
  batchSizeBytes: number;
  lingerMs: number;
  /** How far a batch may grow while its partition has no free slot (max.request.size). */
  growLimitBytes: number;
  /** Batches of one partition in flight at once (default 1). */
  maxInFlight?: number;
}

interface PartitionQueue {
  readonly topic: string;
  readonly partition: number;
  readonly batches: ProducerBatch[];
  inFlight: number;
  /** Some batch of the partition failed and is to be sent again: one batch at a time until that is done. */
  retrying: boolean;
  /** The send order the next batch taken gets. */
  nextOrder: number;
}

export class RecordAccumulator {
  /** topic → partition → queue. */
  private readonly queues = new Map<string, PartitionQueue[]>();
  private batchCount = 0;
  private readonly maxInFlight: number;
  private lastQueue: PartitionQueue | undefined;

  constructor(private readonly options: AccumulatorOptions) {
    this.maxInFlight = Math.max(1, options.maxInFlight ?? 1);
  }

  /** Whether another batch of the partition may go now. */
  private canSend(q: PartitionQueue): boolean {
    return q.retrying ? q.inFlight === 0 : q.inFlight < this.maxInFlight;
  }

  /** Whether `batch` may grow up to growLimitBytes: something goes before it. */
  private growing(q: PartitionQueue, batch: ProducerBatch): boolean {
    return q.inFlight > 0 || q.batches[0] !== batch;
  }

  /** Batches queued (not in flight). */
  get size(): number {
    return this.batchCount;
  }

  private queue(topic: string, partition: number): PartitionQueue {
    // A writer appends to one partition many times in a row: its queue is found without a map lookup.
    const last = this.lastQueue;
    if (last !== undefined && last.partition === partition && last.topic === topic) return last;
    let byPartition = this.queues.get(topic);
    if (byPartition === undefined) this.queues.set(topic, (byPartition = []));
    let q = byPartition[partition];
    if (q === undefined) byPartition[partition] = q = { topic, partition, batches: [], inFlight: 0, retrying: false, nextOrder: 0 };
    this.lastQueue = q;
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
    const limit = this.growing(q, batch) ? this.options.growLimitBytes : this.options.batchSizeBytes;
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
    /** The time, if the caller has read it; otherwise the clock is read only if a batch starts. */
    nowMs: number | undefined,
    resolve: ResolveRecord,
    reject: RejectRecord,
  ): ProducerBatch {
    const q = this.queue(topic, partition);
    const batch = this.batchFor(q, bytes, nowMs);
    batch.add(key, value, headers, bytes, timestamp, resolve, reject);
    this.added(q, batch);
    return batch;
  }

  /** append() for a record of only a value, bytes [start, end) of `source` (copied); `nowMs` is read when a batch starts. */
  appendValue(topic: string, partition: number, source: Buffer, start: number, end: number, bytes: number, timestamp: number, resolve: ResolveRecord, reject: RejectRecord): void {
    const q = this.queue(topic, partition);
    const batch = this.batchFor(q, bytes);
    batch.addValue(source, start, end, bytes, timestamp, resolve, reject);
    this.added(q, batch);
  }

  /** The partition's last batch when the record fits in it, else a new one behind it. */
  private batchFor(q: PartitionQueue, bytes: number, nowMs?: number): ProducerBatch {
    let batch = q.batches[q.batches.length - 1];
    if (batch === undefined || !this.fits(q, batch, bytes)) {
      if (batch !== undefined) batch.closed = true;
      const behind = q.inFlight > 0 || q.batches.length > 0;
      // A batch that may grow gets its whole allowance at once (untouched pages of it cost nothing) rather than
      // being copied at every doubling.
      batch = new ProducerBatch(q.topic, q.partition, nowMs ?? Date.now(), behind ? this.options.growLimitBytes : this.options.batchSizeBytes);
      q.batches.push(batch);
      this.batchCount++;
    }
    return batch;
  }

  private added(q: PartitionQueue, batch: ProducerBatch): void {
    if (batch.sizeBytes >= (this.growing(q, batch) ? this.options.growLimitBytes : this.options.batchSizeBytes)) batch.closed = true;
  }

  /** The first batch of each partition with a free slot that may go now: full, lingered, retry due, or flushing. */
  ready(nowMs: number, flushing: boolean): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    for (const q of this.all()) {
      const first = q.batches[0];
      if (first === undefined || !this.canSend(q)) continue;
      if (first.attempts > 0) {
        if (nowMs >= first.retryAtMs) out.push(first);
        continue;
      }
      // Behind a batch in flight, only a batch grown full goes (or everything, on flush).
      if (q.inFlight > 0 ? flushing || first.closed || q.batches.length > 1 : flushing || first.closed || first.sizeBytes >= this.options.batchSizeBytes || q.batches.length > 1 || nowMs - first.createdMs >= this.options.lingerMs) out.push(first);
    }
    return out;
  }

  /** Milliseconds until some queued batch becomes ready by time (linger or retry backoff), or undefined. */
  nextWakeupMs(nowMs: number): number | undefined {
    let min: number | undefined;
    for (const q of this.all()) {
      const first = q.batches[0];
      // A partition with a batch in flight is woken by its answer, not by time (unless a retry is due).
      if (first === undefined || !this.canSend(q) || (q.inFlight > 0 && first.attempts === 0)) continue;
      const at = first.attempts > 0 ? first.retryAtMs : first.createdMs + this.options.lingerMs;
      const wait = Math.max(0, at - nowMs);
      if (min === undefined || wait < min) min = wait;
    }
    return min;
  }

  /** Takes a ready batch out of its queue; it holds one of its partition's in-flight slots until `unmute`. */
  take(batch: ProducerBatch): void {
    const q = this.queue(batch.topic, batch.partition);
    q.batches.shift();
    batch.closed = true;
    if (batch.sendOrder < 0) batch.sendOrder = q.nextOrder++;
    this.batchCount--;
    q.inFlight++;
  }

  /**
   * Puts a batch that failed retriably back into its partition's queue (or the pieces it was split into, in their
   * order, which inherit its send order): behind the batches to retry that were sent before it, ahead of the rest.
   */
  requeueFront(batch: ProducerBatch, ...more: ProducerBatch[]): void {
    const q = this.queue(batch.topic, batch.partition);
    const order = batch.sendOrder;
    for (const m of more) m.sendOrder = order;
    let at = 0;
    while (at < q.batches.length && q.batches[at]!.sendOrder >= 0 && q.batches[at]!.sendOrder < order) at++;
    q.batches.splice(at, 0, batch, ...more);
    this.batchCount += 1 + more.length;
    q.retrying = true;
  }

  /** The batch's attempt is over (settled or put back): its in-flight slot is free. */
  unmute(batch: ProducerBatch): void {
    const q = this.queues.get(batch.topic)?.[batch.partition];
    if (q === undefined) return;
    q.inFlight = Math.max(0, q.inFlight - 1);
    if (q.retrying && q.inFlight === 0 && !(q.batches[0]?.attempts)) q.retrying = false;
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
