// A partition's fetched bytes become records: from the fetch position on, across formats and codecs, without
// control records, and under read_committed without aborted transactions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { buildEndTxnMarker, buildLegacyMessageSet, buildRecordBatch, Compression, recordBatches } from '../../../../src/kafka/protocol/records/index.js';
import { decodeFetchedRecords, forEachFetched } from '../../../../src/kafka/client/consumer/fetched-records.js';

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

// Kafka's consumer algorithm (Fetcher.nextFetchedRecord): per producer, from an aborted transaction's first offset
// until that producer's ABORT marker, its transactional batches are skipped; control batches are never returned.
const txn = (producerId: number, baseOffset: number, ...vs: string[]) =>
  buildRecordBatch(vs.map(rec), { baseOffset, producerId, producerEpoch: 0, baseSequence: baseOffset, isTransactional: true });
const end = (producerId: number, baseOffset: number, commit: boolean) =>
  buildEndTxnMarker({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, timestamp: 1000, baseOffset });

test('read_committed: interleaved producers, one producer aborting then committing, and idempotent batches of an aborting producer', async () => {
  const blob = Buffer.concat([
    await txn(1, 0, 'a1'),
    await txn(2, 1, 'b1'),
    await buildRecordBatch([rec('plain')], { baseOffset: 2 }),
    await txn(1, 3, 'a2', 'a3'),
    // Producer 1's idempotent (non-transactional) batch is not part of its transaction.
    await buildRecordBatch([rec('idem')], { baseOffset: 5, producerId: 1, producerEpoch: 0, baseSequence: 0 }),
    end(1, 6, false),
    await txn(2, 7, 'b2'),
    end(2, 8, true),
    await txn(1, 9, 'a4'),
    end(1, 10, true),
    await txn(3, 11, 'c1'),
    end(3, 12, false),
    await txn(3, 13, 'c2'),
    end(3, 14, false),
  ]);
  const aborted = [{ producerId: 3n, firstOffset: 13n }, { producerId: 1n, firstOffset: 0n }, { producerId: 3n, firstOffset: 11n }];
  const committed = await decodeFetchedRecords('t', 0, blob, 0n, true, aborted);
  assert.deepEqual(values(committed), ['1:b1', '2:plain', '5:idem', '7:b2', '9:a4']);
  assert.equal(committed.nextOffset, 15n);
  const uncommitted = await decodeFetchedRecords('t', 0, blob, 0n, false, aborted);
  assert.deepEqual(values(uncommitted), ['0:a1', '1:b1', '2:plain', '3:a2', '4:a3', '5:idem', '7:b2', '9:a4', '11:c1', '13:c2']);
  // Without an aborted list (as when nothing was aborted) every data record is returned; markers never are.
  assert.deepEqual(values(await decodeFetchedRecords('t', 0, blob, 0n, true, null)), values(uncommitted));
  assert.deepEqual(values(await decodeFetchedRecords('t', 0, blob, 0n, true, [])), values(uncommitted));
});

test('read_committed: a fetch starting inside an aborted transaction, and one ending before its ABORT marker', async () => {
  const blob = Buffer.concat([
    await txn(5, 0, 'x1', 'x2'),
    await txn(6, 2, 'y1'),
    await txn(5, 3, 'x3'),
    end(5, 4, false),
    end(6, 5, true),
    await buildRecordBatch([rec('after')], { baseOffset: 6 }),
  ]);
  // The broker lists the transactions that overlap the fetched range, whichever offset they began at.
  const aborted = [{ producerId: 5n, firstOffset: 0n }];
  assert.deepEqual(values(await decodeFetchedRecords('t', 0, blob, 1n, true, aborted)), ['2:y1', '6:after']);
  const batches = [...recordBatches(blob)];
  const beforeMarker = blob.subarray(0, batches[3]!.end - batches[3]!.sizeInBytes);
  const first = await decodeFetchedRecords('t', 0, beforeMarker, 0n, true, aborted);
  assert.deepEqual(values(first), ['2:y1']);
  assert.equal(first.nextOffset, 4n);
  // The next fetch starts at the marker: nothing of producer 5 is left to skip, and the commit marker is not returned.
  const rest = blob.subarray(beforeMarker.length);
  const second = await decodeFetchedRecords('t', 0, rest, 4n, true, aborted);
  assert.deepEqual(values(second), ['6:after']);
  assert.equal(second.nextOffset, 7n);
});

test('forEachFetched (the byte-level reader) leaves out aborted and control batches the same way', async () => {
  const blob = Buffer.concat([await txn(1, 0, 'a'), end(1, 1, false), await txn(2, 2, 'b'), end(2, 3, true)]);
  const seen: string[] = [];
  await forEachFetched(
    { topic: 't', partition: 0, records: blob, from: 0n, readCommitted: true, aborted: [{ producerId: 1n, firstOffset: 0n }] },
    (b) => void seen.push(`${b.baseOffset}x${b.count}`),
    () => assert.fail('no legacy records here'),
  );
  assert.deepEqual(seen, ['2x1']);
});
