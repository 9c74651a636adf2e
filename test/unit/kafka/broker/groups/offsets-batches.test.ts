// The batches the coordinator writes to __consumer_offsets and how a load reads them back: records before the fetch
// offset and a partial batch at the end of a read are left out, records of transactional batches carry their
// producer id and control batches become markers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { decodeOffsetsBatches, encodeOffsetsBatch } from '../../../../../src/kafka/broker/groups/offsets-batches.js';
import {
  decodeOffsetsLogRecord,
  encodeGroupMetadataKey,
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
} from '../../../../../src/kafka/coordinator/offsets-records.js';
import { buildEndTxnMarker, buildRecordBatchSync, readRecords, recordBatches } from '../../../../../src/kafka/protocol/records/index.js';

const commitValue = (offset: bigint) => encodeOffsetCommitValue({ offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 5n, expireTimestampMs: -1n }, 3);

function withBaseOffset(batch: Buffer, baseOffset: number): Buffer {
  batch.writeBigInt64BE(BigInt(baseOffset), 0);
  return batch;
}

test('one create-time batch per append, stamped with the append time, compressed as configured', async () => {
  const records = [
    { key: encodeOffsetCommitKey('g', 't', 0), value: commitValue(3n) },
    { key: encodeGroupMetadataKey('g'), value: null },
  ];
  for (const compression of [0, 1, 2, 3, 4]) {
    const batch = await encodeOffsetsBatch(records, 1_234_567, compression);
    const [view, ...rest] = [...recordBatches(batch)];
    assert.equal(rest.length, 0);
    assert.deepEqual([view!.compression, view!.timestampType, view!.isTransactional, view!.recordCount], [compression, 0, false, 2]);
    const read = await readRecords(view!);
    assert.deepEqual(read.map((r) => [r.timestamp, r.key, r.value]), records.map((r) => [1_234_567, r.key, r.value]));
  }
});

test('decoding starts at the fetch offset, tags transactional records, reads markers, and stops before a partial batch', async () => {
  const first = withBaseOffset(await encodeOffsetsBatch([
    { key: encodeOffsetCommitKey('g', 't', 0), value: commitValue(1n) },
    { key: encodeOffsetCommitKey('g', 't', 1), value: commitValue(2n) },
  ], 1, 0), 10);
  const transactional = buildRecordBatchSync([{ key: encodeOffsetCommitKey('g', 't', 2), value: commitValue(9n) }], { baseOffset: 12, isTransactional: true, producerId: 7, producerEpoch: 0, baseSequence: 0 });
  const marker = buildEndTxnMarker({ commit: true, coordinatorEpoch: 0, baseOffset: 13, partitionLeaderEpoch: 0, producerId: 7, producerEpoch: 0, timestamp: 1 });
  const last = withBaseOffset(await encodeOffsetsBatch([{ key: encodeOffsetCommitKey('g', 't', 0), value: null }], 1, 0), 14);
  const blob = Buffer.concat([first, transactional, marker, last]);

  const all = await decodeOffsetsBatches(blob, 11n);
  assert.equal(all.nextOffset, 15n);
  assert.deepEqual(all.records, [
    decodeOffsetsLogRecord(encodeOffsetCommitKey('g', 't', 1), commitValue(2n)),
    { ...decodeOffsetsLogRecord(encodeOffsetCommitKey('g', 't', 2), commitValue(9n)), producerId: 7 },
    { type: 'txn-marker', producerId: 7, commit: true },
    decodeOffsetsLogRecord(encodeOffsetCommitKey('g', 't', 0), null),
  ]);
  const aborted = buildEndTxnMarker({ commit: false, coordinatorEpoch: 0, baseOffset: 20, producerId: 9, producerEpoch: 3, timestamp: 1 });
  assert.deepEqual((await decodeOffsetsBatches(aborted, 0n)).records, [{ type: 'txn-marker', producerId: 9, commit: false }]);
  assert.deepEqual((await decodeOffsetsBatches(blob, 14n)).records, [decodeOffsetsLogRecord(encodeOffsetCommitKey('g', 't', 0), null)], 'a marker before the fetch offset is left out');

  const cut = await decodeOffsetsBatches(blob.subarray(0, blob.length - 5), 10n);
  assert.equal(cut.nextOffset, 14n);
  assert.equal(cut.records.length, 4);
  assert.deepEqual(await decodeOffsetsBatches(blob.subarray(0, 30), 10n), { records: [], nextOffset: 10n });
});

test("a TxnOffsetCommit's batch is the producer's transactional batch at base sequence 0, as Kafka writes it", async () => {
  const records = [{ key: encodeOffsetCommitKey('g', 't', 0), value: commitValue(3n) }];
  for (const compression of [0, 1]) {
    const [view] = [...recordBatches(await encodeOffsetsBatch(records, 99, compression, { producerId: 4000, producerEpoch: 7 }))];
    assert.deepEqual(
      [view!.isTransactional, view!.isControl, view!.producerId, view!.producerEpoch, view!.baseSequence, view!.compression],
      [true, false, 4000, 7, 0, compression],
    );
    const decoded = await decodeOffsetsBatches(withBaseOffset(view!.bytes(), 5), 0n);
    assert.deepEqual(decoded.records, [{ ...decodeOffsetsLogRecord(records[0]!.key, records[0]!.value), producerId: 4000 }]);
  }
});
