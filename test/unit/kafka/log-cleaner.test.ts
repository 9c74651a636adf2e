// Compaction of a log on disk: the latest record per key survives, offsets and untouched batches are kept as they
// were, tombstones go after delete.retention.ms, and the cleaned files survive a reopen.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildEndTxnMarker, buildRecordBatch, buildRecordBatchSync, Compression, RecordBatchView, readRecords, type RecordInput } from '../../../src/kafka/protocol/records/index.js';
import { applyAppendedBatches, ProducerStateManager } from '../../../src/kafka/broker/replica/producer-state.js';
import { loadProducerState } from '../../../src/kafka/broker/replica/producer-state-loader.js';
import { cleanableRange, cleanLog, dirtyRatio, type CompactionSettings } from '../../../src/kafka/storage/cleaner/log-cleaner.js';
import { LogCleanerManager } from '../../../src/kafka/storage/cleaner/cleaner-manager.js';
import { OffsetMap } from '../../../src/kafka/storage/cleaner/offset-map.js';
import { Throttler } from '../../../src/kafka/storage/cleaner/throttler.js';
import { LogDir } from '../../../src/kafka/storage/log-dir.js';
import { ManualScheduler } from '../../../src/kafka/storage/scheduler.js';
import { crc32c } from '../../support/kafka-batches.js';
import type { Log } from '../../../src/kafka/storage/log.js';
import { kafkaTempDir, listFiles, openTestLog, readStoredBatches, testConfig } from '../../support/kafka-log.js';

const SETTINGS: CompactionSettings = { deleteRetentionMs: 86_400_000, minCompactionLagMs: 0 };
const OPTIONS = { dedupeBufferBytes: 1024 * 1024, loadFactor: 0.9, nowMs: 1_700_000_000_000 };

async function append(log: Log, records: RecordInput[], compression: number = Compression.NONE): Promise<void> {
  await log.appendAsLeader(await buildRecordBatch(records, { compression, now: 1_700_000_000_000 }), 0);
  log.updateHighWatermark(log.logEndOffset);
}

/** Every record stored in the partition dir, as [offset, key, value]. */
async function storedRecords(dir: string): Promise<Array<[number, string, string | null]>> {
  const out: Array<[number, string, string | null]> = [];
  for (const batch of readStoredBatches(dir)) {
    for (const r of await readRecords(new RecordBatchView(batch.bytes, 0))) {
      out.push([r.offset, r.key!.toString(), r.value === null ? null : r.value.toString()]);
    }
  }
  return out;
}

/** Every stored batch as [base offset, last offset, data or control, record count]. */
function storedBatches(dir: string): Array<[number, number, string, number]> {
  return readStoredBatches(dir).map((b) => {
    const view = new RecordBatchView(b.bytes, 0);
    return [view.baseOffset, view.lastOffset, view.isControl ? 'control' : 'data', view.recordCount];
  });
}

test('the offset map keeps the latest offset per key in fixed memory, probing past hash collisions', () => {
  const map = new OffsetMap(24 * 8);
  assert.equal(map.capacity, 8);
  for (let i = 0; i < 7; i++) map.put(Buffer.from(`key-${i}`), i);
  map.put(Buffer.from('key-3'), 100);
  assert.equal(map.size, 7);
  assert.equal(map.get(Buffer.from('key-3')), 100);
  assert.equal(map.get(Buffer.from('key-6')), 6);
  assert.equal(map.get(Buffer.from('absent')), -1);
  assert.equal(map.latestOffset, 100);
  assert.equal(map.full, true, '8 slots at load factor 0.9 hold 7 keys');
});

test('a compaction pass keeps the latest record of each key, at its offset, and leaves the active segment alone', async () => {
  const tmp = kafkaTempDir();
  try {
    const dir = path.join(tmp.path, 'compacted-0');
    const { log, scheduler } = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'] }));
    // Segment 1: k0..k4 = v1 (uncompressed). Segment 2: k0, k1 = v2 (gzip). Segment 3: k2 = v3, k5 = v3 (one batch
    // that stays whole). Active segment: k0 = v4.
    await append(log, [0, 1, 2, 3, 4].map((k) => ({ key: `k${k}`, value: 'v1' })));
    await log.roll();
    await append(log, [{ key: 'k0', value: 'v2' }, { key: 'k1', value: 'v2' }], Compression.GZIP);
    await log.roll();
    await append(log, [{ key: 'k3', value: 'v3' }]);
    await append(log, [{ key: 'k5', value: 'v3' }, { key: 'k6', value: 'v3' }]);
    const wholeBatch = readStoredBatches(dir).at(-1)!.bytes;
    await log.roll();
    await append(log, [{ key: 'k0', value: 'v4' }]);
    const activeBase = log.activeSegment.baseOffset;

    const range = await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs);
    assert.deepEqual([range.firstDirtyOffset, range.firstUncleanableOffset], [0, activeBase]);
    assert.equal(dirtyRatio(range), 1);
    const stats = await cleanLog(log, range, SETTINGS, OPTIONS);
    assert.equal(stats.endOffset, activeBase);
    assert.equal(stats.recordsRead, 10);
    assert.deepEqual(await storedRecords(dir), [
      [2, 'k2', 'v1'], [4, 'k4', 'v1'], [5, 'k0', 'v2'], [6, 'k1', 'v2'], [7, 'k3', 'v3'], [8, 'k5', 'v3'], [9, 'k6', 'v3'], [10, 'k0', 'v4'],
    ]);
    const batches = readStoredBatches(dir);
    assert.ok(batches.some((b) => b.bytes.equals(wholeBatch)), 'a batch whose records all survive is copied byte for byte');
    assert.equal(new RecordBatchView(batches.find((b) => b.baseOffset === 5)!.bytes, 0).compression, Compression.GZIP, 'a rebuilt batch keeps its codec');
    assert.equal(log.logEndOffset, 11);
    assert.deepEqual(listFiles(dir).filter((f) => /\.(cleaned|swap)$/.test(f)), []);
    assert.ok(listFiles(dir).some((f) => f.endsWith('.log.deleted')), 'the replaced segments wait for file.delete.delay.ms');
    await scheduler.advance(60_000);

    // Reads after cleaning: from offset 0 the first batch returned starts at the first surviving offset.
    const read = await log.read(0, { maxBytes: 1 << 20 });
    assert.ok(read.slice);
    await log.close(true);
    const reopened = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'] }), { hadCleanShutdown: true, recoveryPoint: 11 });
    assert.equal(reopened.log.logEndOffset, 11);
    assert.deepEqual((await storedRecords(dir)).map((r) => r[0]), [2, 4, 5, 6, 7, 8, 9, 10]);
    await reopened.log.close();
  } finally {
    tmp.remove();
  }
});

test('tombstones stay until delete.retention.ms after the pass that reached them, then go', async () => {
  const tmp = kafkaTempDir();
  try {
    const dir = path.join(tmp.path, 'tomb-0');
    // Segments small enough that the cleaner cannot merge them: each stays its own group.
    const { log, scheduler } = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'], fileDeleteDelayMs: 0, segmentBytes: 200 }));
    await append(log, [{ key: 'a', value: '1' }, { key: 'b', value: '1' }]);
    await append(log, [{ key: 'a', value: null }]);
    await log.roll();
    await append(log, [{ key: 'c', value: '1' }]);
    await log.roll();
    let stats = await cleanLog(log, await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs), SETTINGS, OPTIONS);
    assert.deepEqual(await storedRecords(dir), [[1, 'b', '1'], [2, 'a', null], [3, 'c', '1']]);
    await scheduler.advance(1);

    // The segment holding the tombstone was last written more than delete.retention.ms before the newest cleaned
    // segment (Kafka's delete horizon): the next pass drops the tombstone.
    assert.deepEqual(listFiles(dir).filter((n) => n.endsWith('.log')).length, 3);
    const old = (Date.now() - 2 * SETTINGS.deleteRetentionMs) / 1000;
    fs.utimesSync(path.join(dir, '00000000000000000000.log'), old, old);
    await append(log, [{ key: 'd', value: '1' }]);
    await log.roll();
    const range = await cleanableRange(log, stats.endOffset, SETTINGS, OPTIONS.nowMs);
    assert.equal(range.firstDirtyOffset, 4);
    stats = await cleanLog(log, range, SETTINGS, OPTIONS);
    assert.deepEqual(await storedRecords(dir), [[1, 'b', '1'], [3, 'c', '1'], [4, 'd', '1']]);
    await log.close();
  } finally {
    tmp.remove();
  }
});

test('nothing at or above the high watermark, or younger than min.compaction.lag.ms, is cleaned', async () => {
  const tmp = kafkaTempDir();
  try {
    const dir = path.join(tmp.path, 'lag-0');
    const { log } = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'] }));
    await append(log, [{ key: 'a', value: '1', timestamp: 1000 }]);
    await log.roll();
    await append(log, [{ key: 'a', value: '2', timestamp: OPTIONS.nowMs }]);
    await log.roll();
    await append(log, [{ key: 'a', value: '3' }]);
    const lagged = await cleanableRange(log, undefined, { ...SETTINGS, minCompactionLagMs: 60_000 }, OPTIONS.nowMs);
    assert.equal(lagged.firstUncleanableOffset, 1, 'the segment with a record newer than the lag stops the range');
    log.updateHighWatermark(1);
    const belowHw = await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs);
    assert.equal(belowHw.firstUncleanableOffset, 1);
    await cleanLog(log, belowHw, SETTINGS, OPTIONS);
    assert.deepEqual((await storedRecords(dir)).map((r) => r[0]), [0, 1, 2], 'the map held only offset 0, so nothing was redundant');
    await log.close();
  } finally {
    tmp.remove();
  }
});

test('an offset map too small for the dirty section cleans as far as it reaches and says where to go on', async () => {
  const tmp = kafkaTempDir();
  try {
    const dir = path.join(tmp.path, 'small-0');
    const { log } = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'] }));
    for (let round = 0; round < 3; round++) {
      await append(log, Array.from({ length: 50 }, (_, i) => ({ key: `r${round}-${i}`, value: 'x' })));
      await log.roll();
    }
    const range = await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs);
    const stats = await cleanLog(log, range, SETTINGS, { ...OPTIONS, dedupeBufferBytes: 24 * 80 });
    assert.equal(stats.mapEntries, 72, '80 slots at load factor 0.9');
    assert.equal(stats.endOffset, 50, 'the batch the map filled up in is left dirty for the next pass');
    assert.equal((await storedRecords(dir)).length, 150, 'distinct keys: nothing to drop');
    await log.close();
  } finally {
    tmp.remove();
  }
});

test('the cleaner manager cleans the dirtiest compacted log over its ratio and checkpoints where it stopped', async () => {
  const tmp = kafkaTempDir();
  const scheduler = new ManualScheduler(OPTIONS.nowMs);
  const dir = await LogDir.open({
    dir: tmp.path,
    clock: scheduler,
    scheduler,
    crc32c,
    configFor: (tp) => testConfig({ cleanupPolicy: tp.topic === 'plain' ? ['delete'] : ['compact'], minCleanableDirtyRatio: 0.6 }),
  });
  try {
    const manager = new LogCleanerManager([dir], { dedupeBufferBytes: 1 << 20, loadFactor: 0.9, backoffMs: 15_000, clock: scheduler, scheduler });
    const compacted = await dir.getOrCreateLog({ topic: 'kv', partition: 0 });
    const plain = await dir.getOrCreateLog({ topic: 'plain', partition: 0 });
    for (const log of [compacted, plain]) {
      for (let i = 0; i < 4; i++) await append(log, [{ key: 'same', value: String(i) }]);
      await log.roll();
    }
    const stats = await manager.cleanDirtiest();
    assert.equal(stats?.endOffset, 4);
    assert.equal(fs.readFileSync(path.join(tmp.path, 'cleaner-offset-checkpoint'), 'utf8'), '0\n1\nkv 0 4\n');
    assert.deepEqual((await storedRecords(path.join(tmp.path, 'kv-0'))).map((r) => r[2]), ['3']);
    assert.equal((await storedRecords(path.join(tmp.path, 'plain-0'))).length, 4, 'cleanup.policy=delete is not compacted');
    assert.equal(await manager.cleanDirtiest(), null, 'nothing dirty is left');

    // One new batch beside the one clean batch is a dirty ratio of 0.5, under 0.6; two more make it 0.75.
    await append(compacted, [{ key: 'same', value: '4' }]);
    await compacted.roll();
    assert.equal(await manager.cleanDirtiest(), null);
    await append(compacted, [{ key: 'same', value: '5' }]);
    await append(compacted, [{ key: 'same', value: '6' }]);
    await compacted.roll();
    assert.equal((await manager.cleanDirtiest())?.endOffset, 7);
    assert.deepEqual((await storedRecords(path.join(tmp.path, 'kv-0'))).map((r) => [r[0], r[2]]), [[6, '6']]);

    // Under the ratio but dirty for longer than max.compaction.lag.ms: cleaned anyway.
    const overdue = await dir.getOrCreateLog({ topic: 'overdue', partition: 0 });
    for (let i = 0; i < 3; i++) await append(overdue, [{ key: 'k', value: String(i) }]);
    await overdue.roll();
    await manager.cleanDirtiest();
    await append(overdue, [{ key: 'k', value: '3', timestamp: OPTIONS.nowMs - 10_000 }]);
    await overdue.roll();
    assert.equal(await manager.cleanDirtiest(), null, 'one dirty batch beside one clean one is under 0.6');
    Object.assign(overdue.ctx.config, { maxCompactionLagMs: 5_000 });
    assert.equal((await manager.cleanDirtiest())?.endOffset, 4);
    assert.deepEqual((await storedRecords(path.join(tmp.path, 'overdue-0'))).map((r) => r[2]), ['3']);
    await manager.stop();
  } finally {
    await dir.close();
    tmp.remove();
  }
});

test('the throttler sleeps once a check interval shows the rate above log.cleaner.io.max.bytes.per.second', async () => {
  let now = 0;
  const sleeps: number[] = [];
  const throttler = new Throttler({ bytesPerSecond: 1000, nowMs: () => now, sleep: async (ms) => { sleeps.push(ms); now += ms; } });
  now = 100;
  await throttler.maybeThrottle(100);
  assert.deepEqual(sleeps, [], 'inside the first 300 ms nothing is checked');
  now = 400;
  await throttler.maybeThrottle(400);
  assert.deepEqual(sleeps, [100], '500 bytes in 400 ms at 1000 B/s: 100 ms more');
  now = 900;
  await throttler.maybeThrottle(100);
  assert.deepEqual(sleeps, [100], '100 bytes in the next 400 ms are under the rate');
  assert.equal(throttler.sleptMs, 100);
  const unlimited = new Throttler({ bytesPerSecond: Number.MAX_VALUE, nowMs: () => now, sleep: async () => assert.fail('never sleeps') });
  now += 10_000;
  await unlimited.maybeThrottle(1e12);
  assert.equal(unlimited.unlimited, true);
});

test('a compaction pass passes every byte it reads and writes through the throttle', async () => {
  const tmp = kafkaTempDir();
  try {
    const { log } = await openTestLog(path.join(tmp.path, 'kv-0'), testConfig({ cleanupPolicy: ['compact'] }));
    for (let i = 0; i < 6; i++) await append(log, [{ key: `k${i % 2}`, value: String(i).repeat(100) }]);
    await log.roll();
    const throttled: number[] = [];
    const stats = await cleanLog(log, await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs), SETTINGS, {
      ...OPTIONS, throttle: async (bytes) => void throttled.push(bytes),
    });
    assert.equal(stats.recordsRetained, 2);
    assert.equal(throttled.reduce((a, b) => a + b, 0), stats.bytesRead + stats.bytesWritten);
    assert.equal(throttled.length, 6 + 6 + 2, 'each batch read to map the keys, read again to copy, and each one written');
    await log.close();
  } finally {
    tmp.remove();
  }
});

test('log.cleaner.threads cleaners take different logs at once, each with its share of the dedupe buffer; 0 cleans nothing', async () => {
  const tmp = kafkaTempDir();
  const scheduler = new ManualScheduler(OPTIONS.nowMs);
  const dir = await LogDir.open({ dir: tmp.path, clock: scheduler, scheduler, crc32c, configFor: () => testConfig({ cleanupPolicy: ['compact'] }) });
  try {
    for (const topic of ['a', 'b']) {
      const log = await dir.getOrCreateLog({ topic, partition: 0 });
      for (let i = 0; i < 4; i++) await append(log, [{ key: 'same', value: String(i) }]);
      await log.roll();
    }
    const idle = new LogCleanerManager([dir], { dedupeBufferBytes: 4 << 20, threads: 0, loadFactor: 0.9, backoffMs: 1000, clock: scheduler, scheduler });
    idle.start();
    await scheduler.advance(10_000);
    assert.ok(!fs.existsSync(path.join(tmp.path, 'cleaner-offset-checkpoint')), 'no cleaner thread, no cleaning');
    await idle.stop();

    const manager = new LogCleanerManager([dir], { dedupeBufferBytes: 4 << 20, threads: 2, loadFactor: 0.9, backoffMs: 1000, clock: scheduler, scheduler });
    assert.equal(manager.dedupeBufferBytesPerCleaner, 2 << 20);
    const [first, second] = await Promise.all([manager.cleanDirtiest(0), manager.cleanDirtiest(1)]);
    assert.deepEqual([first?.endOffset, second?.endOffset], [4, 4]);
    assert.equal(fs.readFileSync(path.join(tmp.path, 'cleaner-offset-checkpoint'), 'utf8').split('\n').slice(2).sort().join(','), ',a 0 4,b 0 4');
    for (const topic of ['a', 'b']) assert.deepEqual((await storedRecords(path.join(tmp.path, `${topic}-0`))).map((r) => r[2]), ['3']);
    await manager.stop();
  } finally {
    await dir.close();
    tmp.remove();
  }
});

test('stopping the cleaners wakes one sleeping in the throttle: its pass gives up and leaves the log as it was', async () => {
  const tmp = kafkaTempDir();
  const scheduler = new ManualScheduler(OPTIONS.nowMs);
  const dir = await LogDir.open({ dir: tmp.path, clock: scheduler, scheduler, crc32c, configFor: () => testConfig({ cleanupPolicy: ['compact'] }) });
  try {
    const log = await dir.getOrCreateLog({ topic: 'slow', partition: 0 });
    for (let i = 0; i < 4; i++) await append(log, [{ key: 'same', value: String(i).repeat(1000) }]);
    await log.roll();
    // One byte a second: past the first check interval the pass sleeps for hours.
    const manager = new LogCleanerManager([dir], { dedupeBufferBytes: 4 << 20, ioMaxBytesPerSecond: 1, loadFactor: 0.9, backoffMs: 1000, clock: scheduler, scheduler });
    const pass = manager.cleanDirtiest();
    await scheduler.advance(1000);
    // Whether the pass is asleep by now or not, it ends without cleaning: a later throttle call throws too.
    await manager.stop();
    assert.equal(await pass, null);
    assert.deepEqual((await storedRecords(path.join(tmp.path, 'slow-0'))).map((r) => r[2]?.[0]), ['0', '1', '2', '3']);
    assert.ok(!listFiles(path.join(tmp.path, 'slow-0')).some((f) => f.includes('.cleaned')));
  } finally {
    await dir.close();
    tmp.remove();
  }
});

/** A compacted log in a temporary dir for `body`, removed after it. */
async function withCompactedLog(name: string, body: (log: Log, dir: string) => Promise<void>): Promise<void> {
  const tmp = kafkaTempDir();
  try {
    const dir = path.join(tmp.path, `${name}-0`);
    const { log } = await openTestLog(dir, testConfig({ cleanupPolicy: ['compact'] }));
    await body(log, dir);
    await log.close();
  } finally {
    tmp.remove();
  }
}

/** Appends as a leader whose producer state follows the log, the high watermark at the log end. */
async function producerStateWriter(log: Log): Promise<(batch: Buffer) => Promise<void>> {
  const state = new ProducerStateManager();
  await loadProducerState(log, state, OPTIONS.nowMs);
  return async (batch) => {
    await log.appendAsLeader(batch, 0, (blob) => applyAppendedBatches(state, blob, OPTIONS.nowMs));
    log.updateHighWatermark(log.logEndOffset);
  };
}

const txnBatch = (producerId: number, value: string, baseSequence = 0) =>
  buildRecordBatchSync([{ key: 'k', value }], { producerId, producerEpoch: 0, baseSequence, isTransactional: true, now: OPTIONS.nowMs });
const txnMarker = (producerId: number, commit: boolean) => buildEndTxnMarker({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, timestamp: OPTIONS.nowMs });

test('transactions: nothing from the last stable offset on is cleaned, aborted records go, markers and the .txnindex stay before the horizon', async () => {
  await withCompactedLog('txn', async (log, dir) => {
    const put = await producerStateWriter(log);
    const txn = (producerId: number, value: string) => txnBatch(producerId, value);
    const marker = txnMarker;
    await put(txn(1, 'committed')); // 0
    await put(marker(1, true)); // 1
    await put(txn(2, 'aborted')); // 2
    await put(marker(2, false)); // 3
    await log.roll();
    await put(txn(3, 'open')); // 4: its transaction stays open
    await log.roll();
    await put(buildRecordBatchSync([{ key: 'other', value: 'x' }], { now: OPTIONS.nowMs })); // 5
    assert.equal(log.lastStableOffset, 4);

    const range = await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs);
    assert.equal(range.firstUncleanableOffset, 4, 'the open transaction stops the cleaning');
    await cleanLog(log, range, SETTINGS, OPTIONS);
    assert.deepEqual(storedBatches(dir), [[0, 0, 'data', 1], [1, 1, 'control', 1], [2, 2, 'data', 0], [3, 3, 'control', 1], [4, 4, 'data', 1], [5, 5, 'data', 1]],
      "the aborted record went, its batch kept empty as producer 2's last; both markers stayed (newer than the delete horizon)");
    const empty = new RecordBatchView(readStoredBatches(dir)[2]!.bytes, 0);
    assert.deepEqual([empty.producerId, empty.producerEpoch, empty.baseSequence, empty.lastOffset, empty.isTransactional, empty.sizeInBytes], [2, 0, 0, 2, true, 61]);
    assert.equal(empty.buffer.readUInt32BE(17), crc32c(empty.buffer.subarray(21)), 'a valid CRC');
    assert.equal(fs.readFileSync(path.join(dir, '00000000000000000000.txnindex')).toString('hex'),
      '0000' + [2, 2, 3, 4].map((n) => n.toString(16).padStart(16, '0')).join(''), "the cleaned segment keeps the aborted transaction's entry");
  });
});

test('transaction markers go once no batch of their transaction is left and their segment is past the delete horizon', async () => {
  await withCompactedLog('markers', async (log, dir) => {
    const put = await producerStateWriter(log);
    const txn = (producerId: number, baseSequence: number, value: string) => txnBatch(producerId, value, baseSequence);
    const marker = txnMarker;
    await put(txn(1, 0, 'v1')); // 0
    await put(marker(1, true)); // 1
    await put(txn(2, 0, 'aborted')); // 2
    await put(marker(2, false)); // 3
    await log.roll();
    await put(txn(1, 1, 'v2')); // 4: producer 1's last data batch
    await put(marker(1, true)); // 5
    await put(txn(2, 1, 'v3')); // 6: the latest of key k
    await put(marker(2, true)); // 7
    await log.roll();
    await put(buildRecordBatchSync([{ key: 'other', value: 'x' }], { now: OPTIONS.nowMs })); // 8
    await log.roll();

    // Newer than the horizon: every marker stays; the batches met in this pass make their markers stay in any case.
    const first = await cleanLog(log, await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs), SETTINGS, OPTIONS);
    assert.deepEqual(storedBatches(dir), [
      [1, 1, 'control', 1], [3, 3, 'control', 1], [4, 4, 'data', 0], [5, 5, 'control', 1], [6, 6, 'data', 1], [7, 7, 'control', 1], [8, 8, 'data', 1],
    ], "v1 and the aborted record go; v2's batch stays empty, producer 1's last");
    assert.equal(fs.readFileSync(path.join(dir, '00000000000000000000.txnindex')).length, 34, 'the abort marker stays with its entry');

    // A later pass with the horizon behind every cleaned segment: the markers whose transactions have no batch left go.
    await put(buildRecordBatchSync([{ key: 'z', value: 'x' }], { now: OPTIONS.nowMs })); // 9
    await log.roll();
    const noRetention = { ...SETTINGS, deleteRetentionMs: 0 };
    await cleanLog(log, await cleanableRange(log, first.endOffset, noRetention, OPTIONS.nowMs), noRetention, OPTIONS);
    assert.deepEqual(storedBatches(dir), [[4, 4, 'data', 0], [5, 5, 'control', 1], [6, 6, 'data', 1], [7, 7, 'control', 1], [8, 8, 'data', 1], [9, 9, 'data', 1]],
      "the COMMIT at 1 and the ABORT at 3 went; the markers after batches still there stayed");
    assert.deepEqual(log.collectAbortedTxns(0, 10), [], "the ABORT marker's .txnindex entry went with it");
    // Read back from the cleaned log alone (no snapshot), producer 1's last sequence comes from the empty batch.
    for (const name of listFiles(dir).filter((n) => n.endsWith('.snapshot'))) fs.rmSync(path.join(dir, name));
    const reloaded = new ProducerStateManager();
    await loadProducerState(log, reloaded, OPTIONS.nowMs);
    assert.equal(reloaded.snapshotEntries().find((e) => e.producerId === 1)?.lastSequence, 1);
  });
});

test('a rebuilt batch keeps its last offset when its last record goes', async () => {
  await withCompactedLog('last', async (log, dir) => {
    await append(log, [{ key: 'a', value: '1' }, { key: 'b', value: '1' }]);
    await append(log, [{ key: 'b', value: '2' }]);
    await log.roll();
    await cleanLog(log, await cleanableRange(log, undefined, SETTINGS, OPTIONS.nowMs), SETTINGS, OPTIONS);
    assert.deepEqual(storedBatches(dir), [[0, 1, 'data', 1], [2, 2, 'data', 1]]);
    const rebuilt = new RecordBatchView(readStoredBatches(dir)[0]!.bytes, 0);
    assert.equal(rebuilt.buffer.readUInt32BE(17), crc32c(rebuilt.buffer.subarray(21)), 'a valid CRC');
  });
});
