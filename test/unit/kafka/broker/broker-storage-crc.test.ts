// The broker hands its log dirs the native record-batch CRC-32C: batches checked with it agree with the test
// support's independent table-driven CRC, and one flipped bit is caught.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { recordBatchCrc32c } from '../../../../src/kafka/broker/broker-storage.js';
import { batchProblem, emptyHeader, readBatchHeader } from '../../../../src/kafka/storage/batch-header.js';
import { buildBatch } from '../../../support/kafka-batches.js';

test('CRC-32C check value of "123456789" is e3069283', () => {
  const buf = Buffer.from('xx123456789yy');
  assert.equal(recordBatchCrc32c(buf, 2, 11) >>> 0, 0xe3069283);
});

test('a batch of 300 records passes the broker CRC check and fails it with one bit flipped', () => {
  const batch = buildBatch({ count: 300, valueBytes: 100 });
  const header = readBatchHeader(batch, 0, emptyHeader());
  assert.equal(batchProblem(batch, 0, header, recordBatchCrc32c), null);
  batch[batch.length - 5] ^= 0x10;
  assert.match(batchProblem(batch, 0, header, recordBatchCrc32c) ?? '', /^CRC-32C [0-9a-f]+ does not match the stored/);
});
