// One batch of records for one partition, from its first append to its acknowledgement: the records (written into
// the batch's buffer as they arrive, see batch-writer.ts), the callbacks to settle per record, the idempotent
// sequence once fixed, and the sealed bytes (kept for retries, so a retry sends exactly the bytes, sequence
// included, that the first attempt sent).
import type { RecordInput } from '../../protocol/records/index.js';
import { BatchWriter, type BatchIdentity, type WrittenHeader, type WrittenRecord } from './batch-writer.js';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 when unknown (acks=0, or a duplicate the broker had already written). */
  offset: bigint;
  /** The record's timestamp, or the broker's append time for LogAppendTime topics. */
  timestamp: number;
}

/** Told the failed record (read back from the batch) too: a writer with one callback for many records can report it. */
export type RejectRecord = (err: Error, record: WrittenRecord) => void;
export type ResolveRecord = (md: RecordMetadata) => void;

/** Bytes a record adds to a batch, roughly: what batch.size and buffer.memory count. */
export function estimateRecordBytes(r: RecordInput): number {
  let n = 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  if (r.headers !== undefined) for (const h of r.headers) n += 2 + h.key.length + (h.value?.length ?? 0);
  return n;
}

/** Consecutive records with the same callbacks and timestamp: a writer with one callback for all records adds no object per record. */
interface Run {
  resolve: ResolveRecord;
  reject: RejectRecord;
  timestamp: number;
  count: number;
}

export class ProducerBatch {
  private readonly writer: BatchWriter;
  private readonly runs: Run[] = [];
  sizeBytes = 0;
  attempts = 0;
  /** Fixed when the batch is first sent by an idempotent producer. */
  baseSequence = -1;
  producerId = -1n;
  producerEpoch = -1;
  encoded: Buffer | undefined;
  /** Its place among the partition's batches in the order they were first sent; -1 before. */
  sendOrder = -1;
  /** Earliest time of the next attempt after a retriable failure. */
  retryAtMs = 0;
  closed = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
    initialBytes: number,
  ) {
    this.writer = new BatchWriter(initialBytes);
  }

  get recordCount(): number {
    return this.writer.count;
  }

  add(key: Buffer | null, value: Buffer | null, headers: readonly WrittenHeader[] | undefined, bytes: number, timestamp: number, resolve: ResolveRecord, reject: RejectRecord): void {
    this.writer.append(key, value, headers, timestamp);
    this.track(bytes, timestamp, resolve, reject);
  }

  /** add() for a record of only a value: bytes [start, end) of `source`, copied. */
  addValue(source: Buffer, start: number, end: number, bytes: number, timestamp: number, resolve: ResolveRecord, reject: RejectRecord): void {
    this.writer.appendValue(source, start, end, timestamp);
    this.track(bytes, timestamp, resolve, reject);
  }

  private track(bytes: number, timestamp: number, resolve: ResolveRecord, reject: RejectRecord): void {
    const last = this.runs.length === 0 ? undefined : this.runs[this.runs.length - 1]!;
    if (last !== undefined && last.resolve === resolve && last.reject === reject && last.timestamp === timestamp) last.count++;
    else this.runs.push({ resolve, reject, timestamp, count: 1 });
    this.sizeBytes += bytes;
  }

  seal(id: BatchIdentity): Promise<Buffer> {
    return this.writer.seal(id);
  }

  succeed(baseOffset: bigint, logAppendTimeMs: bigint): void {
    const appendTime = logAppendTimeMs >= 0n ? Number(logAppendTimeMs) : -1;
    let i = 0;
    for (const run of this.runs) {
      // A callback that takes no arguments (a writer that only counts) is not handed a metadata object per record.
      if (run.resolve.length === 0) {
        for (let n = 0; n < run.count; n++) (run.resolve as () => void)();
        i += run.count;
        continue;
      }
      for (let n = 0; n < run.count; n++, i++) {
        run.resolve({
          topic: this.topic,
          partition: this.partition,
          offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
          timestamp: appendTime >= 0 ? appendTime : run.timestamp,
        });
      }
    }
  }

  /** After success: the batch's buffer goes back to the pool (the request that carried it has its answer). */
  recycle(): void {
    this.encoded = undefined;
    this.writer.recycle();
  }

  /**
   * The same records, with their callbacks, in batches of at most `maxBytes` (by the batch.size count): for a
   * batch the broker found too large.
   */
  split(maxBytes: number, nowMs: number): ProducerBatch[] {
    const out: ProducerBatch[] = [];
    let current: ProducerBatch | undefined;
    const records = this.writer.records();
    for (const run of this.runs) {
      for (let n = 0; n < run.count; n++) {
        const r = records.next().value as WrittenRecord;
        let bytes = 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
        for (const h of r.headers) bytes += 2 + h.key.length + (h.value?.length ?? 0);
        if (current === undefined || (current.recordCount > 0 && current.sizeBytes + bytes > maxBytes)) {
          if (current !== undefined) current.closed = true;
          current = new ProducerBatch(this.topic, this.partition, Math.min(this.createdMs, nowMs), maxBytes);
          out.push(current);
        }
        current.add(r.key, r.value, r.headers, bytes, r.timestamp, run.resolve, run.reject);
      }
    }
    if (current !== undefined) current.closed = true;
    return out;
  }

  fail(err: Error): void {
    const records = this.writer.records();
    for (const run of this.runs) for (let n = 0; n < run.count; n++) run.reject(err, records.next().value as WrittenRecord);
  }
}
