/**
 * Down-conversion for Fetch v0-3 (magic 0 for v0-1, magic 1 for v2-3), as Kafka's RecordsUtil.downConvert:
 * - entries already at or below the target magic are copied unchanged;
 * - control batches are dropped (old clients know no transactions);
 * - every other batch is rebuilt with the same codec and timestamp type (LogAppendTime keeps the batch's
 *   maxTimestamp), headers dropped; from an uncompressed v2 batch, records before `firstOffset` (the fetch
 *   offset) are left out, since a v0/v1 entry holds one record and some clients count on it;
 * - a trailing partial batch is dropped.
 * zstd has no legacy form: a zstd batch fails with UNSUPPORTED_COMPRESSION_TYPE, the error Kafka returns
 * to Fetch < 10 on such data.
 */
import { BatchScanner } from './batch-scanner.js';
import type { DecompressOptions } from './compression/index.js';
import { unsupportedCompression } from './errors.js';
import { buildLegacyMessageSet, LegacyEntryView, type LegacyRecordInput, readLegacyRecords } from './legacy-records.js';
import { Compression, MAGIC_V2, RecordBatchView, TimestampType, type TimestampTypeValue } from './record-batch.js';
import { readRecords } from './record-reader.js';

export interface DownConvertOptions extends DecompressOptions {
  /** Records of uncompressed batches below this offset are dropped; default: keep all. */
  firstOffset?: number;
}

export async function downConvert(blob: Buffer, toMagic: 0 | 1, options: DownConvertOptions = {}): Promise<Buffer> {
  const firstOffset = options.firstOffset ?? -Infinity;
  const decompressOptions: DecompressOptions = { maxBytes: options.maxBytes };
  const parts: Buffer[] = [];
  const scanner = new BatchScanner(blob);
  while (scanner.next()) {
    if (scanner.magic <= toMagic) {
      parts.push(blob.subarray(scanner.batchStart, scanner.batchStart + scanner.batchSize));
      continue;
    }
    let records: LegacyRecordInput[];
    let compression: number;
    let timestampType: TimestampTypeValue;
    let logAppendTime: number | undefined;
    if (scanner.magic === MAGIC_V2) {
      const batch = new RecordBatchView(blob, scanner.batchStart);
      if (batch.isControl) continue;
      compression = batch.compression;
      if (compression === Compression.ZSTD) throw unsupportedCompression(`zstd batches cannot be down-converted to magic ${toMagic}`);
      batch.ensureValid();
      timestampType = batch.timestampType;
      if (timestampType === TimestampType.LOG_APPEND_TIME) logAppendTime = batch.maxTimestamp;
      records = await readRecords(batch, decompressOptions);
      if (compression === Compression.NONE) records = records.filter((r) => r.offset >= firstOffset);
    } else {
      const entry = new LegacyEntryView(blob, scanner.batchStart);
      compression = entry.compression;
      timestampType = entry.timestampType;
      if (timestampType === TimestampType.LOG_APPEND_TIME) logAppendTime = entry.timestamp;
      records = await readLegacyRecords(entry, decompressOptions);
    }
    if (records.length === 0) continue;
    parts.push(await buildLegacyMessageSet(records, { magic: toMagic, compression, timestampType, logAppendTime }));
  }
  return parts.length === 1 ? parts[0] : Buffer.concat(parts);
}
