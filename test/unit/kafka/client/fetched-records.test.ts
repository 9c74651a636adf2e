// A partition's fetched bytes become records: from the fetch position on, across formats and codecs, without
// control records, and under read_committed without aborted transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEndTxnMarker, buildLegacyMessageSet, buildRecordBatch, Compression } from '../../../../src/kafka/protocol/records/index.js';
import { decodeFetchedRecords } from '../../../../src/kafka/client/consumer/fetched-records.js';

const rec = (v: string) => ({ key: null, value: Buffer.from(v), timestamp: 1000 });

/** A partition log: committed records 0-1, an aborted transaction (2-3, marker 4), a committed one (5-6, marker 7), 8. */
async function log(): Promise<Buffer> {
  return Buffer.concat([
    await buildRecordBatch([rec('a'), rec('b')], { baseOffset: 0, compression: Compression.GZIP }),
    await buildRecordBatch([rec('x1'), rec('x2')], { baseOffset: 2, producerId: 7, producerEpoch: 0, baseSequence: 0, isTransactional: true }),
    buildEndTxnMarker({ producerId: 7, producerEpoch: 0, commit: false, coordinatorEpoch: 0, timestamp: 1000, baseOffset: 4 }),
    await buildRecordBatch([rec('c1'), rec('c2')], { baseOffset: 5, producerId: 8, producerEpoch: 0, baseSequence: 0, isTransactional: true }),
    buildEndTxnMarker({ producerId: 8, producerEpoch: 0, commit: true, coordinatorEpoch: 0, timestamp: 1000, baseOffset: 7 }),
    await buildRecordBatch([rec('d')], { baseOffset: 8, compression: Compression.LZ4 }),
  ]);
}

const values = (r: { records: { offset: bigint; value: Buffer | null }[] }) => r.records.map((x) => `${x.offset}:${x.value}`);

test('read_uncommitted returns every data record and skips markers; read_committed drops the aborted transaction', async () => {
  const blob = await log();
  const aborted = [{ producerId: 7n, firstOffset: 2n }];
  const all = await decodeFetchedRecords('t', 0, blob, 0n, false, aborted);
  assert.deepEqual(values(all), ['0:a', '1:b', '2:x1', '3:x2', '5:c1', '6:c2', '8:d']);
  assert.equal(all.nextOffset, 9n);
  const committed = await decodeFetchedRecords('t', 0, blob, 0n, true, aborted);
  assert.deepEqual(values(committed), ['0:a', '1:b', '5:c1', '6:c2', '8:d']);
  assert.equal(committed.nextOffset, 9n);
});

test('records before the fetch position (inside a compressed batch) are skipped; a cut-off last batch is left for the next fetch', async () => {
  const blob = await log();
  const from1 = await decodeFetchedRecords('t', 0, blob, 1n, false, null);
  assert.deepEqual(values(from1).slice(0, 2), ['1:b', '2:x1']);
  const cut = blob.subarray(0, blob.length - 5);
  const partial = await decodeFetchedRecords('t', 0, cut, 0n, false, null);
  assert.deepEqual(values(partial).at(-1), '6:c2');
  assert.equal(partial.nextOffset, 8n, 'the marker at 7 was read; the cut batch at 8 is fetched again');
});

test('legacy message sets (magic 1) are read too', async () => {
  const blob = await buildLegacyMessageSet(
    [
      { offset: 10, key: null, value: Buffer.from('old1'), timestamp: 5 },
      { offset: 11, key: null, value: Buffer.from('old2'), timestamp: 6 },
    ],
    { magic: 1, compression: Compression.GZIP },
  );
  const r = await decodeFetchedRecords('t', 0, blob, 10n, false, null);
  assert.deepEqual(values(r), ['10:old1', '11:old2']);
  assert.equal(r.nextOffset, 12n);
});
