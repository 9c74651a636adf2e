/**
 * Up-conversion of a Produce v0-2 message set (magic 0/1) into one v2 batch, as Kafka 2.8's LogValidator
 * does when the topic's format is v2: every record gets the next offset from `baseOffset`, keeps its key,
 * value and timestamp (v0: none, -1), and the batch takes the topic's timestamp type and the target codec
 * (default: the codec the producer used). Checked on the way, with Kafka's error codes: CRCs of outer and
 * inner messages (CORRUPT_MESSAGE); one magic throughout, at most one entry when compressed, no nested
 * compression (INVALID_RECORD); no LogAppendTime set by the producer on an outer message (INVALID_TIMESTAMP);
 * no zstd below magic 2 (UNSUPPORTED_COMPRESSION_TYPE).
 */
import { BatchScanner } from './batch-scanner.js';
import type { DecompressOptions } from './compression/index.js';
import { corrupt, invalid, RecordsError, RecordsErrorCode, unsupportedCompression } from './errors.js';
import { LegacyEntryView, type LegacyRecord, readLegacyRecords } from './legacy-records.js';
import { Compression, MAGIC_V2, TimestampType, type TimestampTypeValue } from './record-batch.js';
import { buildRecordBatch } from './record-batch-builder.js';

export interface UpConvertOptions extends DecompressOptions {
  baseOffset: number;
  timestampType?: TimestampTypeValue;
  /** The broker's clock, used as maxTimestamp for LogAppendTime. */
  logAppendTime?: number;
  partitionLeaderEpoch?: number;
  /** Target codec; default: the producer's. */
  compression?: number;
}

export interface UpConverted {
  batch: Buffer;
  recordCount: number;
}

export async function upConvert(blob: Buffer, options: UpConvertOptions): Promise<UpConverted> {
  const scanner = new BatchScanner(blob);
  const records: LegacyRecord[] = [];
  let firstMagic = -1;
  let entries = 0;
  let sourceCompression: number = Compression.NONE;
  while (scanner.next()) {
    if (scanner.magic === MAGIC_V2) throw invalid('a legacy message set cannot contain a v2 record batch');
    if (firstMagic === -1) firstMagic = scanner.magic;
    else if (scanner.magic !== firstMagic) throw invalid(`message magic ${scanner.magic} differs from the first message's magic ${firstMagic}`);
    const entry = new LegacyEntryView(blob, scanner.batchStart);
    entry.ensureValid();
    // Checked before decompressing anything: a compressed set is exactly one wrapper, so at most one inflation.
    if (entries > 0 && (sourceCompression !== Compression.NONE || entry.compression !== Compression.NONE)) {
      throw invalid('compressed message set has more than one outer message');
    }
    if (entry.compression === Compression.ZSTD) throw unsupportedCompression('zstd needs the v2 record format (Produce v7)');
    if (entry.compression !== Compression.NONE) sourceCompression = entry.compression;
    if (entry.timestampType === TimestampType.LOG_APPEND_TIME) {
      throw new RecordsError('producers may not set the LogAppendTime timestamp type', RecordsErrorCode.INVALID_TIMESTAMP);
    }
    entries++;
    for (const record of await readLegacyRecords(entry, { maxBytes: options.maxBytes })) records.push(record);
  }
  if (scanner.partialTailBytes > 0) throw corrupt('message set ends in a partial message');
  if (entries === 0) throw invalid('message set has no messages');
  const batch = await buildRecordBatch(
    records.map((r, i) => ({ key: r.key, value: r.value, timestamp: r.timestamp, offsetDelta: i })),
    {
      baseOffset: options.baseOffset,
      partitionLeaderEpoch: options.partitionLeaderEpoch,
      compression: options.compression ?? sourceCompression,
      timestampType: options.timestampType,
      logAppendTime: options.logAppendTime,
      now: options.logAppendTime,
    },
  );
  return { batch, recordCount: records.length };
}
