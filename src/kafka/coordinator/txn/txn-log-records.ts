// The records Kafka 2.8 keeps in __transaction_state (TransactionLog): key = int16 version 0 + TransactionLogKey,
// value = int16 version 0 + TransactionLogValue (specs/kafka/storage), classic non-flexible encoding; a null value
// is the tombstone of an expired transactional id.
import { decodeMessage, encodeMessage, KafkaReader, type MessageSchema } from '../../protocol/index.js';

export const TRANSACTION_STATE_TOPIC = '__transaction_state';
const KEY_VERSION = 0;
const VALUE_VERSION = 0;

const TransactionLogKeySchema: MessageSchema = {
  name: 'TransactionLogKey',
  type: 'data',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [{ name: 'transactionalId', type: 'string', versions: '0' }],
};

const TransactionLogValueSchema: MessageSchema = {
  name: 'TransactionLogValue',
  type: 'data',
  validVersions: '0',
  flexibleVersions: 'none',
  fields: [
    { name: 'producerId', type: 'int64', versions: '0' },
    { name: 'producerEpoch', type: 'int16', versions: '0' },
    { name: 'transactionTimeoutMs', type: 'int32', versions: '0' },
    { name: 'transactionStatus', type: 'int8', versions: '0' },
    {
      name: 'transactionPartitions', type: '[]PartitionsSchema', versions: '0', nullableVersions: '0',
      fields: [
        { name: 'topic', type: 'string', versions: '0' },
        { name: 'partitionIds', type: '[]int32', versions: '0' },
      ],
    },
    { name: 'transactionLastUpdateTimestampMs', type: 'int64', versions: '0' },
    { name: 'transactionStartTimestampMs', type: 'int64', versions: '0' },
  ],
};

export interface TxnLogPartitions {
  topic: string;
  partitionIds: number[];
}

export interface TxnLogValue {
  producerId: bigint;
  producerEpoch: number;
  transactionTimeoutMs: number;
  /** TransactionState id: Empty 0, Ongoing 1, PrepareCommit 2, PrepareAbort 3, CompleteCommit 4, CompleteAbort 5, Dead 6, PrepareEpochFence 7. */
  transactionStatus: number;
  /** Null for Empty (Kafka writes no partition list then). */
  transactionPartitions: TxnLogPartitions[] | null;
  transactionLastUpdateTimestampMs: bigint;
  transactionStartTimestampMs: bigint;
}

export interface TxnLogRecord {
  transactionalId: string;
  /** Null: the transactional id was expired (tombstone). */
  value: TxnLogValue | null;
}

export class TxnLogRecordError extends Error {
  override readonly name = 'TxnLogRecordError';
}

function versioned(version: number, body: Buffer): Buffer {
  const out = Buffer.alloc(2 + body.length);
  out.writeInt16BE(version, 0);
  body.copy(out, 2);
  return out;
}

function versionOf(buf: Uint8Array, what: string): { version: number; buf: Buffer } {
  const b = Buffer.isBuffer(buf) ? buf : Buffer.from(buf.buffer, buf.byteOffset, buf.byteLength);
  if (b.length < 2) throw new TxnLogRecordError(`${what} of ${b.length} bytes has no version`);
  return { version: new KafkaReader(b, 0, 2).int16(), buf: b };
}

export function encodeTxnLogKey(transactionalId: string): Buffer {
  return versioned(KEY_VERSION, encodeMessage(TransactionLogKeySchema, 0, { transactionalId }));
}

export function encodeTxnLogValue(value: TxnLogValue): Buffer {
  return versioned(VALUE_VERSION, encodeMessage(TransactionLogValueSchema, 0, value));
}

export function decodeTxnLogKey(key: Uint8Array): string {
  const { version, buf } = versionOf(key, 'transaction log key');
  if (version !== KEY_VERSION) throw new TxnLogRecordError(`Unknown version ${version} from the transaction log message key`);
  return decodeMessage<{ transactionalId: string }>(TransactionLogKeySchema, 0, buf, 2).transactionalId;
}

export function decodeTxnLogValue(value: Uint8Array): TxnLogValue {
  const { version, buf } = versionOf(value, 'transaction log value');
  if (version !== VALUE_VERSION) throw new TxnLogRecordError(`Unknown version ${version} from the transaction log message value`);
  return decodeMessage<TxnLogValue>(TransactionLogValueSchema, 0, buf, 2);
}

export function decodeTxnLogRecord(key: Uint8Array, value: Uint8Array | null): TxnLogRecord {
  return { transactionalId: decodeTxnLogKey(key), value: value === null ? null : decodeTxnLogValue(value) };
}
