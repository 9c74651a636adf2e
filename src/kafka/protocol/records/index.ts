/** Kafka record batches (v2), legacy message sets (v0/v1), conversions between them, and compression. */
export * from './errors.js';
export * from './record-batch.js';
export { BatchScanner, recordBatches } from './batch-scanner.js';
export { RecordCursor, RecordReader, readRecords, decodeRecords, iterateRecords, openRecords, recordsData, readHeaders, type KafkaRecord, type RecordHeader } from './record-reader.js';
export { buildRecordBatch, buildRecordBatchSync, type RecordInput, type RecordBatchOptions, type RecordHeaderInput } from './record-batch-builder.js';
export { buildEndTxnMarker, controlRecordType, parseEndTxnMarkerValue, readEndTxnMarker, ControlRecordType } from './control-records.js';
export { LegacyEntryView, readLegacyRecords, buildLegacyMessageSet, type LegacyRecord, type LegacyRecordInput } from './legacy-records.js';
export { downConvert, type DownConvertOptions } from './down-convert.js';
export { upConvert, type UpConvertOptions, type UpConverted } from './up-convert.js';
export { crc32c, crc32, crc32cBackend } from './crc32c.js';
export { compress, decompress, getCodec, compressionName, DEFAULT_MAX_DECOMPRESSED_BYTES } from './compression/index.js';
