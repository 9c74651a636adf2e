/**
 * Control batches: the transaction markers a coordinator writes (COMMIT/ABORT). One record, key =
 * int16 version 0 + int16 type, value = int16 version 0 + int32 coordinatorEpoch, in a batch with the
 * control and transactional bits, no compression, CreateTime, base sequence -1.
 */
import { RECORD_COUNT_POS, RECORDS_POS } from './record-batch.js';
import { buildRecordBatchSync } from './record-batch-builder.js';
import { RecordCursor, RecordReader } from './record-reader.js';

export const ControlRecordType = { ABORT: 0, COMMIT: 1 } as const;

export interface EndTxnMarkerOptions {
  producerId: number;
  producerEpoch: number;
  commit: boolean;
  coordinatorEpoch: number;
  timestamp: number;
  baseOffset?: number;
  partitionLeaderEpoch?: number;
}

export function buildEndTxnMarker(options: EndTxnMarkerOptions): Buffer {
  const key = Buffer.alloc(4);
  key.writeInt16BE(0, 0);
  key.writeInt16BE(options.commit ? ControlRecordType.COMMIT : ControlRecordType.ABORT, 2);
  const value = Buffer.alloc(6);
  value.writeInt16BE(0, 0);
  value.writeInt32BE(options.coordinatorEpoch, 2);
  return buildRecordBatchSync([{ key, value, timestamp: options.timestamp }], {
    baseOffset: options.baseOffset,
    partitionLeaderEpoch: options.partitionLeaderEpoch,
    producerId: options.producerId,
    producerEpoch: options.producerEpoch,
    isTransactional: true,
    isControl: true,
  });
}

/** Type of a control record from its key (-1 when the key is too short); readers ignore types they do not know. */
export function controlRecordType(key: Buffer | null): number {
  return key === null || key.length < 4 ? -1 : key.readInt16BE(2);
}

export interface EndTxnMarker {
  version: number;
  coordinatorEpoch: number;
}

export function parseEndTxnMarkerValue(value: Buffer | null): EndTxnMarker | undefined {
  if (value === null || value.length < 6) return undefined;
  return { version: value.readInt16BE(0), coordinatorEpoch: value.readInt32BE(2) };
}

/**
 * The transaction marker of a stored control batch (uncompressed, as every control batch is): its first record's
 * type and coordinator epoch. Null when the first record is no COMMIT/ABORT marker (readers skip unknown types).
 */
export function readEndTxnMarker(batch: Buffer, start = 0, size = batch.length - start): { commit: boolean; coordinatorEpoch: number } | null {
  const count = batch.readInt32BE(start + RECORD_COUNT_POS);
  if (count < 1) return null;
  const reader = new RecordReader(batch, count, start + RECORDS_POS, start + size);
  const r = new RecordCursor();
  if (!reader.next(r)) return null;
  const key = r.keyLength < 0 ? null : batch.subarray(r.keyStart, r.keyStart + r.keyLength);
  const type = controlRecordType(key);
  if (type !== ControlRecordType.ABORT && type !== ControlRecordType.COMMIT) return null;
  const marker = parseEndTxnMarkerValue(r.valueLength < 0 ? null : batch.subarray(r.valueStart, r.valueStart + r.valueLength));
  return { commit: type === ControlRecordType.COMMIT, coordinatorEpoch: marker?.coordinatorEpoch ?? -1 };
}
