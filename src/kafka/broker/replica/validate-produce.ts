// What the leader checks in a Produce request's records before they reach the log (Kafka's
// ProduceRequest.validateRecords, Log.analyzeAndValidateRecords and LogValidator): framing, one v2 batch per
// request from v3, sizes against max.message.bytes and segment.bytes, CRC, the batch's own counts, every record's
// structure, and timestamps. Legacy message sets (Produce v0-2) are up-converted; a topic whose compression.type is
// not `producer` gets its codec; LogAppendTime topics get the broker's clock stamped in. Batches otherwise stay the
// bytes that arrived.
import { ErrorCode } from '../../protocol/index.js';
import {
  BatchScanner, buildRecordBatch, Compression, decodeRecords, invalid, MAGIC_V2, RecordBatchView, RecordCursor,
  RecordReader, readEndTxnMarker, recordsData, TimestampType, upConvert, unsupportedCompression,
} from '../../protocol/records/index.js';
import { targetCodec, type PartitionConfig } from './partition-config.js';
import { ReplicaError } from './replica-errors.js';

/** The first Produce version whose records must be one v2 batch, and the first allowed to use zstd. */
const FIRST_V2_ONLY_VERSION = 3;
const FIRST_ZSTD_VERSION = 7;

export interface ValidatedBatch {
  /** Where the batch starts in the validated blob. */
  position: number;
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  lastOffsetDelta: number;
  maxTimestamp: number;
  isTransactional: boolean;
  /** A control batch's transaction marker (coordinator appends only). */
  marker: { commit: boolean; coordinatorEpoch: number } | null;
}

/** Who sends the records: a client's Produce, or a coordinator of this broker (control batches, no sequences). */
export type ValidationOrigin = 'client' | 'coordinator';

export interface ValidatedRecords {
  /** v2 batches with base offset 0, ready for the log to assign offsets. */
  blob: Buffer;
  batches: ValidatedBatch[];
  recordCount: number;
}

/** How far a batch may inflate: Kafka bounds it only by memory; we allow a generous multiple of max.message.bytes. */
function decompressedLimit(maxMessageBytes: number): number {
  return Math.max(maxMessageBytes * 16, 64 * 1024 * 1024);
}

function tooLarge(size: number, max: number): ReplicaError {
  return new ReplicaError(ErrorCode.MESSAGE_TOO_LARGE, `The request included a message of ${size} bytes, larger than max.message.bytes ${max}`);
}

export async function validateProduceRecords(
  records: Buffer | null, apiVersion: number, config: PartitionConfig, nowMs: number, origin: ValidationOrigin = 'client',
): Promise<ValidatedRecords> {
  if (records === null || records.length === 0) throw invalid(`Produce requests with version ${apiVersion} must have at least one record batch`);
  const maxBytes = config.log.maxMessageBytes;
  const scanner = new BatchScanner(records);
  const positions: number[] = [];
  let firstMagic = -1;
  while (scanner.next()) {
    if (firstMagic === -1) firstMagic = scanner.magic;
    else if (scanner.magic !== firstMagic) throw invalid(`record batch magic ${scanner.magic} differs from the first batch's ${firstMagic}`);
    if (scanner.batchSize > maxBytes) throw tooLarge(scanner.batchSize, maxBytes);
    positions.push(scanner.batchStart);
  }
  if (positions.length === 0) throw invalid(`Produce requests with version ${apiVersion} must have at least one record batch`);
  if (apiVersion >= FIRST_V2_ONLY_VERSION) {
    if (firstMagic !== MAGIC_V2) throw invalid(`Produce requests with version ${apiVersion} are only allowed to contain record batches with magic version 2`);
    if (positions.length > 1) throw invalid(`Produce requests with version ${apiVersion} are only allowed to contain exactly one record batch`);
  }
  // As Kafka, a partial batch after the last whole one is dropped.
  let blob = scanner.partialTailBytes > 0 ? records.subarray(0, records.length - scanner.partialTailBytes) : records;
  const logAppendTime = config.messageTimestampType === 'LogAppendTime';
  const codec = targetCodec(config.compressionType);
  if (firstMagic !== MAGIC_V2) {
    const converted = await upConvert(blob, {
      baseOffset: 0,
      timestampType: logAppendTime ? TimestampType.LOG_APPEND_TIME : TimestampType.CREATE_TIME,
      logAppendTime: logAppendTime ? nowMs : undefined,
      compression: codec ?? undefined,
      maxBytes,
    });
    if (converted.batch.length > maxBytes) throw tooLarge(converted.batch.length, maxBytes);
    blob = converted.batch;
    positions.length = 0;
    positions.push(0);
  }
  const parts: Buffer[] = [];
  const batches: ValidatedBatch[] = [];
  let recordCount = 0;
  let position = 0;
  for (const start of positions) {
    let batch = new RecordBatchView(blob, start);
    if (batch.compression === Compression.ZSTD && apiVersion < FIRST_ZSTD_VERSION) {
      throw unsupportedCompression(`Produce requests with version ${apiVersion} are not allowed to use ZStandard compression`);
    }
    // As Kafka: the CRC first, so damaged bytes are CORRUPT_MESSAGE whatever their fields say.
    batch.ensureValid();
    checkBatch(batch, origin);
    // An uncompressed batch's records are checked where they are, without waiting on a promise.
    checkRecords(batch, batch.compression === Compression.NONE ? batch.recordsBytes() : await recordsData(batch, { maxBytes: decompressedLimit(maxBytes) }), config, nowMs);
    let bytes = batch.bytes();
    const marker = batch.isControl ? readEndTxnMarker(bytes) : null;
    if (batch.isControl && (marker === null || batch.compression !== Compression.NONE || !batch.hasProducerId)) {
      throw invalid('A control batch must hold one uncompressed COMMIT or ABORT marker of a producer');
    }
    // Kafka leaves control batches as they are whatever the topic's compression.type.
    if (codec !== null && batch.compression !== codec && !batch.isControl) {
      bytes = await recompress(batch, codec, maxBytes);
      batch = new RecordBatchView(bytes, 0);
    }
    if (logAppendTime) batch.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, nowMs);
    batches.push({
      position,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      lastSequence: batch.lastSequence,
      lastOffsetDelta: batch.lastOffsetDelta,
      maxTimestamp: batch.maxTimestamp,
      isTransactional: batch.isTransactional,
      marker,
    });
    recordCount += batch.recordCount;
    parts.push(bytes);
    position += bytes.length;
  }
  const out = parts.length === 1 ? parts[0]! : Buffer.concat(parts);
  if (out.length > config.log.segmentBytes) {
    throw new ReplicaError(ErrorCode.RECORD_LIST_TOO_LARGE, `Message batch size is ${out.length} bytes which exceeds the maximum configured segment size of ${config.log.segmentBytes}.`);
  }
  return { blob: out, batches, recordCount };
}

/** Kafka's LogValidator.validateBatch for a v2 batch: a coordinator's may be a control batch and carry no sequence. */
function checkBatch(batch: RecordBatchView, origin: ValidationOrigin): void {
  if (batch.baseOffset !== 0) throw invalid(`The baseOffset of the record batch in the append should be 0, but it is ${batch.baseOffset}`);
  if (batch.lastOffsetDelta < 0) throw invalid(`Batch has an invalid offset range: [0, ${batch.lastOffsetDelta}]`);
  const count = batch.recordCount;
  if (count <= 0) throw invalid(`Invalid record count ${count}`);
  if (count !== batch.lastOffsetDelta + 1) throw invalid(`Inconsistent batch offset range [0, ${batch.lastOffsetDelta}] and count of records ${count}`);
  if (batch.isControl && origin === 'client') throw invalid('Clients are not allowed to write control records');
  if (batch.hasProducerId && batch.baseSequence < 0 && origin === 'client') throw invalid(`Invalid sequence number ${batch.baseSequence} in record batch with producerId ${batch.producerId}`);
}

/**
 * Walks every record of `data`, the batch's records area (a compressed batch inflated within decompressedLimit): the structure must parse, offset deltas of a compressed batch must count 0, 1, 2, ... (Kafka rewrites
 * those that do not; we refuse them), and CreateTime timestamps must be within message.timestamp.difference.max.ms.
 */
function checkRecords(batch: RecordBatchView, data: Buffer, config: PartitionConfig, nowMs: number): void {
  const reader = new RecordReader(data, batch.recordCount);
  const record = new RecordCursor();
  const compressed = batch.compression !== Compression.NONE;
  const checkTime = batch.timestampType === TimestampType.CREATE_TIME && config.messageTimestampType === 'CreateTime';
  const maxDiff = config.messageTimestampDifferenceMaxMs;
  const base = batch.baseTimestamp;
  let expected = 0;
  while (reader.next(record)) {
    if (compressed && record.offsetDelta !== expected) throw invalid(`Inner record has offset delta ${record.offsetDelta}, expected ${expected}`);
    if (record.offsetDelta > batch.lastOffsetDelta) throw invalid(`Record offset delta ${record.offsetDelta} is beyond the batch's last offset delta ${batch.lastOffsetDelta}`);
    expected++;
    if (checkTime && Math.abs(base + record.timestampDelta - nowMs) > maxDiff) {
      throw new ReplicaError(ErrorCode.INVALID_TIMESTAMP, `Timestamp ${base + record.timestampDelta} of a record is out of range: more than ${maxDiff} ms from the broker's time ${nowMs}`);
    }
  }
}

async function recompress(batch: RecordBatchView, codec: number, maxBytes: number): Promise<Buffer> {
  const data = await recordsData(batch, { maxBytes: decompressedLimit(maxBytes) });
  const records = decodeRecords(batch, data);
  const baseOffset = batch.baseOffset;
  const rebuilt = await buildRecordBatch(
    records.map((r) => ({ key: r.key, value: r.value, headers: r.headers, timestamp: r.timestamp, offsetDelta: r.offset - baseOffset })),
    {
      baseOffset: 0,
      compression: codec,
      timestampType: batch.timestampType,
      producerId: batch.producerId,
      producerEpoch: batch.producerEpoch,
      baseSequence: batch.baseSequence,
      isTransactional: batch.isTransactional,
      now: batch.maxTimestamp,
    },
  );
  if (rebuilt.length > maxBytes) throw tooLarge(rebuilt.length, maxBytes);
  return rebuilt;
}
