/**
 * Walks the concatenated batches of a records blob: a Produce request's records field, a Fetch
 * response's records, or a slice of a log segment. Each step reads only the 12-byte offset/size prefix
 * and the magic byte, so it allocates nothing. A last batch cut short (Fetch responses end wherever
 * max_bytes ran out) ends the walk and is reported in `partialTailBytes`, as clients skip it.
 */
import { corrupt } from './errors.js';
import { BATCH_HEADER_BYTES, LENGTH_POS, LOG_OVERHEAD, MAGIC_POS, MAGIC_V0, MAGIC_V2, RecordBatchView } from './record-batch.js';

/** Smallest legal size field: a v0 message with null key and value (crc, magic, attributes, two lengths). */
export const MIN_LEGACY_MESSAGE_BYTES = 14;

export class BatchScanner {
  /** Where the current batch starts; valid after next() returned true. */
  batchStart = -1;
  /** Bytes of the current batch, offset/size prefix included. */
  batchSize = 0;
  magic = -1;
  /** Bytes left after the last complete batch once next() returned false (0 when the blob ended cleanly). */
  partialTailBytes = 0;
  private position: number;

  /** `maxBatchBytes` bounds a single batch (a log's max.message.bytes); larger is corrupt. */
  constructor(
    private readonly blob: Buffer,
    start = 0,
    private readonly end = blob.length,
    private readonly maxBatchBytes = 0x7fffffff,
  ) {
    this.position = start;
  }

  next(): boolean {
    const remaining = this.end - this.position;
    if (remaining < LOG_OVERHEAD) return this.stop(remaining);
    const start = this.position;
    const sizeField = this.blob.readInt32BE(start + LENGTH_POS);
    if (sizeField < MIN_LEGACY_MESSAGE_BYTES) {
      throw corrupt(`record size ${sizeField} at byte ${start} is less than the minimum record overhead (${MIN_LEGACY_MESSAGE_BYTES})`);
    }
    if (sizeField > this.maxBatchBytes) {
      throw corrupt(`record batch of ${sizeField} bytes at byte ${start} is larger than the limit of ${this.maxBatchBytes}`);
    }
    const size = sizeField + LOG_OVERHEAD;
    if (remaining < size) return this.stop(remaining);
    const magic = this.blob.readInt8(start + MAGIC_POS);
    if (magic < MAGIC_V0 || magic > MAGIC_V2) throw corrupt(`unknown record format magic ${magic} at byte ${start}`);
    if (magic === MAGIC_V2 && size < BATCH_HEADER_BYTES) {
      throw corrupt(`record batch at byte ${start} is ${size} bytes, less than the ${BATCH_HEADER_BYTES}-byte header`);
    }
    this.batchStart = start;
    this.batchSize = size;
    this.magic = magic;
    this.position = start + size;
    return true;
  }

  private stop(remaining: number): false {
    this.partialTailBytes = remaining;
    this.batchStart = -1;
    this.batchSize = 0;
    this.magic = -1;
    return false;
  }
}

/**
 * One view per v2 batch (re-pointed, not reallocated, when `reuseView` is set). Legacy entries are
 * rejected: callers that may meet magic 0/1 use BatchScanner and legacy-records.ts.
 */
export function* recordBatches(blob: Buffer, options: { reuseView?: boolean; maxBatchBytes?: number } = {}): Generator<RecordBatchView> {
  const scanner = new BatchScanner(blob, 0, blob.length, options.maxBatchBytes);
  let shared: RecordBatchView | undefined;
  while (scanner.next()) {
    if (scanner.magic !== MAGIC_V2) throw corrupt(`expected a v2 record batch at byte ${scanner.batchStart}, found magic ${scanner.magic}`);
    if (options.reuseView) {
      shared = shared === undefined ? new RecordBatchView(blob, scanner.batchStart) : shared.reset(blob, scanner.batchStart);
      yield shared;
    } else {
      yield new RecordBatchView(blob, scanner.batchStart);
    }
  }
}
