// One batch of records for one partition, from its first append to its acknowledgement: the records, the promises
// to settle per record, the idempotent sequence once fixed, and the encoded bytes (kept for retries, so a retry
// sends exactly the bytes, sequence included, that the first attempt sent).
import type { RecordInput } from '../../protocol/records/index.js';

export interface RecordMetadata {
  topic: string;
  partition: number;
  /** -1 when unknown (acks=0, or a duplicate the broker had already written). */
  offset: bigint;
  /** The record's timestamp, or the broker's append time for LogAppendTime topics. */
  timestamp: number;
}

interface Delivery {
  timestamp: number;
  resolve: (md: RecordMetadata) => void;
  reject: (err: Error) => void;
}

/** Bytes a record adds to a batch, roughly: what batch.size and buffer.memory count. */
export function estimateRecordBytes(r: RecordInput): number {
  let n = 21 + (r.key?.length ?? 0) + (r.value?.length ?? 0);
  for (const h of r.headers ?? []) n += 2 + h.key.length + (h.value?.length ?? 0);
  return n;
}

export class ProducerBatch {
  readonly records: RecordInput[] = [];
  private readonly deliveries: Delivery[] = [];
  sizeBytes = 0;
  attempts = 0;
  /** Fixed when the batch is first sent by an idempotent producer. */
  baseSequence = -1;
  producerId = -1n;
  producerEpoch = -1;
  encoded: Buffer | undefined;
  /** Earliest time of the next attempt after a retriable failure. */
  retryAtMs = 0;
  closed = false;

  constructor(
    readonly topic: string,
    readonly partition: number,
    readonly createdMs: number,
  ) {}

  get recordCount(): number {
    return this.records.length;
  }

  add(record: RecordInput, bytes: number, timestamp: number, resolve: Delivery['resolve'], reject: Delivery['reject']): void {
    this.records.push(record);
    this.deliveries.push({ timestamp, resolve, reject });
    this.sizeBytes += bytes;
  }

  succeed(baseOffset: bigint, logAppendTimeMs: bigint): void {
    const appendTime = logAppendTimeMs >= 0n ? Number(logAppendTimeMs) : -1;
    this.deliveries.forEach((d, i) =>
      d.resolve({
        topic: this.topic,
        partition: this.partition,
        offset: baseOffset < 0n ? -1n : baseOffset + BigInt(i),
        timestamp: appendTime >= 0 ? appendTime : d.timestamp,
      }),
    );
  }

  fail(err: Error): void {
    for (const d of this.deliveries) d.reject(err);
  }
}
