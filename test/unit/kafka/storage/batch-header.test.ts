import assert from 'node:assert/strict';
import { test } from 'node:test';
import { crc32 } from 'node:zlib';
import { analyzeBatches, assignOffsets } from '../../../../src/kafka/storage/append-info.js';
import { batchProblem, checkFraming, emptyHeader, readBatchHeader } from '../../../../src/kafka/storage/batch-header.js';
import { CorruptRecordError } from '../../../../src/kafka/storage/errors.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';

test('the test CRC-32C has the standard check value', () => {
  assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
});

test('v2 header fields are read at their fixed offsets', () => {
  const batch = buildBatch({ baseOffset: 2 ** 40 + 7, count: 3, firstTimestamp: 1000, timestampStepMs: 5, producerId: 42, partitionLeaderEpoch: 9 });
  const h = readBatchHeader(batch, 0, emptyHeader());
  assert.deepEqual(
    [h.baseOffset, h.lastOffset, h.sizeBytes, h.magic, h.partitionLeaderEpoch, h.lastOffsetDelta, h.baseTimestamp, h.maxTimestamp, h.producerId, h.recordCount],
    [2 ** 40 + 7, 2 ** 40 + 9, batch.length, 2, 9, 2, 1000, 1010, 42, 3],
  );
  assert.equal(batchProblem(batch, 0, h, crc32c), null);
  batch[70]! ^= 1;
  assert.match(batchProblem(batch, 0, readBatchHeader(batch, 0, emptyHeader()), crc32c)!, /CRC-32C/);
});

test('framing: incomplete, too small, unknown magic, too large', () => {
  const batch = buildBatch();
  assert.deepEqual(checkFraming(batch, 0, batch.length, 1 << 20), { kind: 'batch', size: batch.length, magic: 2 });
  assert.equal(checkFraming(batch, 0, batch.length - 1, 1 << 20).kind, 'incomplete');
  assert.equal(checkFraming(batch, 0, 11, 1 << 20).kind, 'incomplete');
  assert.equal(checkFraming(batch, 0, batch.length, batch.length - 1).kind, 'corrupt');
  const small = Buffer.from(batch);
  small.writeInt32BE(13, 8);
  assert.match((checkFraming(small, 0, small.length, 1 << 20) as { reason: string }).reason, /less than the minimum 14/);
  const magic = Buffer.from(batch);
  magic[16] = 3;
  assert.match((checkFraming(magic, 0, magic.length, 1 << 20) as { reason: string }).reason, /unknown magic 3/);
});

test('legacy magic 1 entries frame and check their CRC-32', () => {
  // offset 5, size, crc, magic 1, attributes 0, timestamp 77, null key, value "hi"
  const message = Buffer.concat([Buffer.from([1, 0]), Buffer.alloc(8), Buffer.from([0xff, 0xff, 0xff, 0xff, 0, 0, 0, 2]), Buffer.from('hi')]);
  message.writeBigInt64BE(77n, 2);
  const entry = Buffer.alloc(12 + 4 + message.length);
  entry.writeBigInt64BE(5n, 0);
  entry.writeInt32BE(4 + message.length, 8);
  entry.writeUInt32BE(crc32(message), 12);
  message.copy(entry, 16);
  assert.deepEqual(checkFraming(entry, 0, entry.length, 1 << 20), { kind: 'batch', size: entry.length, magic: 1 });
  const h = readBatchHeader(entry, 0, emptyHeader());
  assert.deepEqual([h.baseOffset, h.lastOffset, h.maxTimestamp, h.magic], [5, 5, 77, 1]);
  assert.equal(batchProblem(entry, 0, h, crc32c), null);
  entry[entry.length - 1]! ^= 1;
  assert.match(batchProblem(entry, 0, h, crc32c)!, /CRC-32 /);
});

test('offsets assigned in place keep the CRC valid; analysis rejects overlapping offsets', () => {
  const blob = Buffer.concat([buildBatch({ count: 2 }), buildBatch({ count: 3 })]);
  assert.equal(assignOffsets(blob, 100, 1 << 20, 4), 105);
  const info = analyzeBatches(blob, { crc32c, maxBatchBytes: 1 << 20 });
  assert.deepEqual([info.firstOffset, info.lastOffset, info.batchCount, info.recordCount], [100, 104, 2, 5]);
  const overlapping = Buffer.concat([buildBatch({ baseOffset: 10, count: 2 }), buildBatch({ baseOffset: 11 })]);
  assert.throws(() => analyzeBatches(overlapping, { maxBatchBytes: 1 << 20 }), CorruptRecordError);
  assert.throws(() => analyzeBatches(blob.subarray(0, blob.length - 1), { maxBatchBytes: 1 << 20 }), /runs past the end/);
});
