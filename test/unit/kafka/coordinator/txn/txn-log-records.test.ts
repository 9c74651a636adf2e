// __transaction_state records in Kafka 2.8's bytes: int16 version 0 then the classic TransactionLogKey /
// TransactionLogValue fields.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  decodeTxnLogKey, decodeTxnLogRecord, decodeTxnLogValue, encodeTxnLogKey, encodeTxnLogValue, TxnLogRecordError,
} from '../../../../../src/kafka/coordinator/txn/txn-log-records.js';
import { TransactionMetadata, txnLogValueOf } from '../../../../../src/kafka/coordinator/txn/txn-metadata.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('a key is version 0 and the transactional id as an int16-length string', () => {
  const key = encodeTxnLogKey('t1');
  assert.deepEqual(key, hex('0000 0002 7431'));
  assert.equal(decodeTxnLogKey(key), 't1');
});

test('an Ongoing value has its partitions grouped by topic; golden bytes', () => {
  const value = encodeTxnLogValue({
    producerId: 1000n, producerEpoch: 5, transactionTimeoutMs: 60000, transactionStatus: 1,
    transactionPartitions: [{ topic: 't', partitionIds: [0, 1] }],
    transactionLastUpdateTimestampMs: 2000n, transactionStartTimestampMs: 1500n,
  });
  assert.deepEqual(value, hex(`
    0000
    00000000000003e8 0005 0000ea60 01
    00000001 0001 74 00000002 00000000 00000001
    00000000000007d0 00000000000005dc`));
  assert.deepEqual(decodeTxnLogValue(value), {
    producerId: 1000n, producerEpoch: 5, transactionTimeoutMs: 60000, transactionStatus: 1,
    transactionPartitions: [{ topic: 't', partitionIds: [0, 1] }],
    transactionLastUpdateTimestampMs: 2000n, transactionStartTimestampMs: 1500n,
  });
});

test('an Empty state is written without a partition list (null array), and a tombstone decodes to no value', () => {
  const m = new TransactionMetadata('t1', 7n, -1n, -1, -1, 1000, 'Empty', [], -1, 10);
  const transit = m.prepareIncrementProducerEpoch(1000, undefined, 20);
  assert.notEqual(transit, 'fenced');
  const value = encodeTxnLogValue(txnLogValueOf(transit as Exclude<typeof transit, 'fenced'>));
  assert.deepEqual(value, hex('0000 0000000000000007 0000 000003e8 00 ffffffff 0000000000000014 ffffffffffffffff'));
  assert.deepEqual(decodeTxnLogRecord(encodeTxnLogKey('t1'), null), { transactionalId: 't1', value: null });
});

test('unknown versions are refused', () => {
  assert.throws(() => decodeTxnLogKey(hex('0001 0002 7431')), TxnLogRecordError);
  assert.throws(() => decodeTxnLogValue(hex('0001')), TxnLogRecordError);
});
