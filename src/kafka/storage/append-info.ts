// What the log needs to know about a blob of batches before appending it (Kafka's LogAppendInfo), read from the
// headers only; and the in-place offset assignment a leader does before the bytes go to disk.
import {
  batchProblem, checkFraming, emptyHeader, readBatchHeader, setBaseOffset, setPartitionLeaderEpoch, NO_TIMESTAMP,
  type BatchHeader, type Crc32cFn,
} from './batch-header.js';
import { LAST_OFFSET_DELTA_POS } from '../protocol/records/record-batch.js';
import { CorruptRecordError, StorageError } from './errors.js';

export interface AppendInfo {
  firstOffset: number;
  lastOffset: number;
  /** Largest batch maxTimestamp, NO_TIMESTAMP (-1) when no batch carries one. */
  maxTimestamp: number;
  /** Last offset of the batch holding maxTimestamp (Kafka's shallowOffsetOfMaxTimestamp). */
  offsetOfMaxTimestamp: number;
  batchCount: number;
  recordCount: number;
  sizeBytes: number;
}

export interface AnalyzeOptions {
  /** Checks each batch's CRC (follower appends, recovery); leaders get validated batches from the broker. */
  crc32c?: Crc32cFn;
  /** Largest single batch accepted. */
  maxBatchBytes: number;
  /** Called for each batch with a header object that is reused for the next one. */
  onBatch?: (pos: number, header: BatchHeader) => void;
}

const scratch = emptyHeader();

/** Walks the batches of `blob`, checking framing (and CRC when asked) and that offsets strictly increase. */
export function analyzeBatches(blob: Buffer, opts: AnalyzeOptions): AppendInfo {
  const info: AppendInfo = {
    firstOffset: -1, lastOffset: -1, maxTimestamp: NO_TIMESTAMP, offsetOfMaxTimestamp: -1, batchCount: 0, recordCount: 0,
    sizeBytes: blob.length,
  };
  let pos = 0;
  while (pos < blob.length) {
    const framing = checkFraming(blob, pos, blob.length - pos, opts.maxBatchBytes);
    if (framing.kind === 'incomplete') throw new CorruptRecordError(`batch at byte ${pos} runs past the end of the ${blob.length} bytes given`);
    if (framing.kind === 'corrupt') throw new CorruptRecordError(`batch at byte ${pos}: ${framing.reason}`);
    const h = readBatchHeader(blob, pos, scratch);
    if (opts.crc32c) {
      const problem = batchProblem(blob, pos, h, opts.crc32c);
      if (problem) throw new CorruptRecordError(`batch at byte ${pos}: ${problem}`);
    } else if (h.baseOffset < 0 || h.lastOffset < h.baseOffset) {
      throw new CorruptRecordError(`batch at byte ${pos}: invalid offsets ${h.baseOffset}..${h.lastOffset}`);
    }
    if (info.batchCount === 0) info.firstOffset = h.baseOffset;
    else if (h.baseOffset <= info.lastOffset) {
      throw new CorruptRecordError(`batch at byte ${pos}: offset ${h.baseOffset} does not follow ${info.lastOffset}`);
    }
    info.lastOffset = h.lastOffset;
    if (h.maxTimestamp > info.maxTimestamp) {
      info.maxTimestamp = h.maxTimestamp;
      info.offsetOfMaxTimestamp = h.lastOffset;
    }
    info.batchCount++;
    info.recordCount += h.recordCount;
    opts.onBatch?.(pos, h);
    pos += framing.size;
  }
  if (info.batchCount === 0) throw new StorageError('INVALID_RECORD', 'no batch to append');
  return info;
}

/**
 * Gives the v2 batches of `blob` consecutive offsets from `firstOffset` (each batch keeps its lastOffsetDelta)
 * and, when `leaderEpoch` is given, stamps it as partitionLeaderEpoch. Neither field is covered by the CRC.
 * Returns the next offset after the blob.
 */
export function assignOffsets(blob: Buffer, firstOffset: number, maxBatchBytes: number, leaderEpoch?: number): number {
  let pos = 0;
  let next = firstOffset;
  while (pos < blob.length) {
    const framing = checkFraming(blob, pos, blob.length - pos, maxBatchBytes);
    if (framing.kind !== 'batch') throw new CorruptRecordError(`batch at byte ${pos}: ${framing.kind === 'corrupt' ? framing.reason : 'incomplete'}`);
    if (framing.magic !== 2) throw new StorageError('INVALID_RECORD', `batch at byte ${pos} has magic ${framing.magic}; only magic 2 is appended as leader`);
    const lastOffsetDelta = blob.readInt32BE(pos + LAST_OFFSET_DELTA_POS);
    if (lastOffsetDelta < 0) throw new CorruptRecordError(`batch at byte ${pos}: lastOffsetDelta ${lastOffsetDelta} is negative`);
    setBaseOffset(blob, pos, next);
    if (leaderEpoch !== undefined) setPartitionLeaderEpoch(blob, pos, leaderEpoch);
    next += lastOffsetDelta + 1;
    pos += framing.size;
  }
  return next;
}
