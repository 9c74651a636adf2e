// Producer state snapshots: the exact bytes of Kafka 2.8's `<offset>.snapshot` format, rejection of unusable files,
// when the log writes and deletes them, and how a partition's state is loaded from them.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { loadProducerState } from '../../../../src/kafka/broker/replica/producer-state-loader.js';
import { ProducerStateManager } from '../../../../src/kafka/broker/replica/producer-state.js';
import { buildRecordBatchSync } from '../../../../src/kafka/protocol/records/index.js';
import {
  CorruptSnapshotError, decodeProducerSnapshot, encodeProducerSnapshot, listSnapshotOffsets, readProducerSnapshot, writeProducerSnapshot,
  type ProducerSnapshotEntry,
} from '../../../../src/kafka/storage/producer-snapshot.js';
import { crc32c } from '../../../support/kafka-batches.js';
import { kafkaTempDir, listFiles, openTestLog, testConfig } from '../../../support/kafka-log.js';

const NOW = Date.now();

/** Big-endian fields written one by one, as the format's description lists them. */
function be(...fields: Array<[bits: 16 | 32 | 64, value: number | bigint]>): Buffer {
  return Buffer.concat(fields.map(([bits, value]) => {
    const b = Buffer.alloc(bits / 8);
    if (bits === 16) b.writeInt16BE(Number(value));
    else if (bits === 32) b.writeInt32BE(Number(value));
    else b.writeBigInt64BE(BigInt(value));
    return b;
  }));
}

const ENTRIES: ProducerSnapshotEntry[] = [
  { producerId: 1_234_567_890_123, producerEpoch: 5, lastSequence: 41, lastOffset: 1000, offsetDelta: 3, timestamp: 1_765_000_000_123, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
  { producerId: 7, producerEpoch: 0, lastSequence: 0, lastOffset: 0, offsetDelta: 0, timestamp: 1, coordinatorEpoch: 2, currentTxnFirstOffset: 5 },
];

test('golden: version 1, CRC-32C of everything after the CRC field, count, 46-byte entries', () => {
  const body = Buffer.concat([
    be([32, 2]),
    be([64, 1_234_567_890_123n], [16, 5], [32, 41], [64, 1000], [32, 3], [64, 1_765_000_000_123n], [32, -1], [64, -1]),
    be([64, 7], [16, 0], [32, 0], [64, 0], [32, 0], [64, 1], [32, 2], [64, 5]),
  ]);
  const crc = Buffer.alloc(4);
  crc.writeUInt32BE(crc32c(body, 0, body.length));
  const expected = Buffer.concat([be([16, 1]), crc, body]);
  assert.equal(expected.length, 2 + 4 + 4 + 2 * 46);
  assert.equal(crc32c(Buffer.from('123456789'), 0, 9), 0xe3069283, 'the CRC is CRC-32C');
  assert.deepEqual(encodeProducerSnapshot(ENTRIES).toString('hex'), expected.toString('hex'));
  assert.deepEqual(decodeProducerSnapshot(expected), ENTRIES);
  // An empty state is the 10-byte header alone.
  assert.equal(encodeProducerSnapshot([]).toString('hex'), `0001${crc32c(Buffer.alloc(4), 0, 4).toString(16).padStart(8, '0')}00000000`);
});

test('a wrong version, a CRC mismatch or a torn file is refused', () => {
  const good = encodeProducerSnapshot(ENTRIES);
  const badVersion = Buffer.from(good);
  badVersion.writeInt16BE(2, 0);
  assert.throws(() => decodeProducerSnapshot(badVersion), /version 2/);
  const flipped = Buffer.from(good);
  flipped[30] = flipped[30]! ^ 1;
  assert.throws(() => decodeProducerSnapshot(flipped), CorruptSnapshotError);
  assert.throws(() => decodeProducerSnapshot(good.subarray(0, good.length - 1)), CorruptSnapshotError);
  assert.throws(() => decodeProducerSnapshot(good.subarray(0, 5)), CorruptSnapshotError);
});

const idempotent = (baseSequence: number, count = 1, producerId = 42, producerEpoch = 1) =>
  buildRecordBatchSync(Array.from({ length: count }, (_, i) => ({ value: `v${baseSequence + i}`.padEnd(80, '.') })), { producerId, producerEpoch, baseSequence, now: NOW });

test('the log snapshots its producer state at every roll and at a clean close; retention deletes a segment\'s snapshot with it', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'idem-0');
  const size = idempotent(0).length;
  const { log, scheduler } = await openTestLog(dir, testConfig({ segmentBytes: size * 2, fileDeleteDelayMs: 1000 }));
  const state = new ProducerStateManager();
  await loadProducerState(log, state, NOW);
  assert.deepEqual(listSnapshotOffsets(dir), [], 'an empty log needs no snapshot');
  for (let seq = 0; seq < 5; seq++) {
    const info = await log.appendAsLeader(idempotent(seq), 0);
    state.update({ producerId: 42, producerEpoch: 1, baseSequence: seq, lastSequence: seq, firstOffset: info.firstOffset, lastOffset: info.lastOffset, maxTimestamp: NOW }, NOW);
  }
  // Segments [0,1] [2,3] [4]: snapshots at the rolls, each holding the state before the segment.
  assert.deepEqual(listSnapshotOffsets(dir), [2, 4]);
  assert.deepEqual(await readProducerSnapshot(dir, 4), [
    { producerId: 42, producerEpoch: 1, lastSequence: 3, lastOffset: 3, offsetDelta: 0, timestamp: NOW, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
  ]);

  log.updateHighWatermark(5);
  await log.deleteRecordsTo(4);
  assert.equal(await log.deleteOldSegments(), 2);
  assert.deepEqual(listSnapshotOffsets(dir), [4]);
  assert.ok(listFiles(dir).includes('00000000000000000002.snapshot.deleted'));
  await scheduler.advance(1000);
  assert.ok(!listFiles(dir).some((f) => f.endsWith('.deleted')));

  await log.close(true);
  assert.deepEqual(listSnapshotOffsets(dir), [4, 5]);
  assert.deepEqual((await readProducerSnapshot(dir, 5)).map((e) => [e.producerId, e.lastSequence, e.lastOffset]), [[42, 4, 4]]);
});

test('loading starts from the newest readable snapshot and replays only the batches after it', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'load-0');
  const config = testConfig({ segmentBytes: idempotent(0, 2).length });
  const first = await openTestLog(dir, config);
  for (let seq = 0; seq < 6; seq += 2) await first.log.appendAsLeader(idempotent(seq, 2), 0);
  await first.log.close(true);
  assert.deepEqual(first.log.logSegments().map((s) => s.baseOffset), [0, 2, 4]);
  // A producer known only from the snapshot proves it was read: its batches are not in the log.
  await writeProducerSnapshot(dir, 2, [
    { producerId: 42, producerEpoch: 1, lastSequence: 1, lastOffset: 1, offsetDelta: 1, timestamp: NOW, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
    { producerId: 99, producerEpoch: 3, lastSequence: 17, lastOffset: 1, offsetDelta: 0, timestamp: NOW, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
    { producerId: 100, producerEpoch: 0, lastSequence: 5, lastOffset: 0, offsetDelta: 0, timestamp: NOW - 8 * 24 * 3600_000, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
  ]);
  fs.writeFileSync(path.join(dir, '00000000000000000004.snapshot'), Buffer.from('torn'));
  fs.writeFileSync(path.join(dir, '00000000000000000009.snapshot'), encodeProducerSnapshot([]));

  const { log } = await openTestLog(dir, config, { hadCleanShutdown: true });
  const state = new ProducerStateManager();
  const load = await loadProducerState(log, state, NOW);
  // 9 is past the log end, 4 does not decode: both deleted; the state starts at 2 and replays the two batches after it.
  assert.deepEqual(load, { snapshotOffset: 2, replayedBatches: 2, deletedSnapshots: 2 });
  assert.deepEqual(state.lastState(42), { epoch: 1, lastSequence: 5 });
  assert.deepEqual(state.lastState(99), { epoch: 3, lastSequence: 17 });
  assert.equal(state.lastState(100), null, 'an entry older than transactional.id.expiration.ms is dropped');
  // The last batch of each producer is recognised as a duplicate, and the batches replayed after the snapshot.
  assert.deepEqual(state.check({ producerId: 99, producerEpoch: 3, baseSequence: 17, lastSequence: 17 }), { kind: 'duplicate', firstOffset: 1, lastOffset: 1, maxTimestamp: NOW });
  assert.equal(state.check({ producerId: 42, producerEpoch: 1, baseSequence: 4, lastSequence: 5 }).kind, 'duplicate');
  assert.equal(state.check({ producerId: 42, producerEpoch: 1, baseSequence: 2, lastSequence: 3 }).kind, 'duplicate');
  assert.equal(state.check({ producerId: 42, producerEpoch: 1, baseSequence: 6, lastSequence: 6 }).kind, 'append');
  assert.deepEqual(listSnapshotOffsets(dir), [2, 6], 'the loaded state is snapshotted at the log end');
  await log.close(true);
});

test('a log without snapshots (written before them) has all its batches replayed', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'old-0');
  const first = await openTestLog(dir, testConfig());
  for (let seq = 0; seq < 4; seq++) await first.log.appendAsLeader(idempotent(seq), 0);
  await first.log.close(true);
  assert.deepEqual(listSnapshotOffsets(dir), [], 'no state attached, so none written');
  const { log } = await openTestLog(dir, testConfig(), { hadCleanShutdown: true });
  const state = new ProducerStateManager();
  assert.deepEqual(await loadProducerState(log, state, NOW), { snapshotOffset: null, replayedBatches: 4, deletedSnapshots: 0 });
  assert.equal(state.check({ producerId: 42, producerEpoch: 1, baseSequence: 0, lastSequence: 0 }).kind, 'duplicate');
  assert.deepEqual(listSnapshotOffsets(dir), [4]);
  await log.close(true);
});

test('truncation deletes the snapshots above the new log end', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'trunc-0');
  const size = idempotent(0).length;
  const { log } = await openTestLog(dir, testConfig({ segmentBytes: size }));
  await loadProducerState(log, new ProducerStateManager(), NOW);
  for (let seq = 0; seq < 4; seq++) await log.appendAsLeader(idempotent(seq), 0);
  assert.deepEqual(listSnapshotOffsets(dir), [1, 2, 3]);
  await log.truncateTo(2);
  assert.deepEqual(listSnapshotOffsets(dir), [1, 2]);
  await log.truncateFullyAndStartAt(10);
  assert.deepEqual(listSnapshotOffsets(dir), []);
  await log.close(true);
});
