import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP, RECENT_TAIL_BYTES } from '../../../../src/kafka/storage/log.js';
import { OffsetOutOfRangeError } from '../../../../src/kafka/storage/errors.js';
import { buildBatch } from '../../../support/kafka-batches.js';
import { kafkaTempDir, listFiles, openTestLog, readSlice, testConfig } from '../../../support/kafka-log.js';

const T0 = 1_700_000_000_000;

test('leader appends get consecutive offsets in place and read back byte for byte', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 'orders-0'), testConfig());
  const a = buildBatch({ count: 3, baseOffset: 0 });
  const b = buildBatch({ count: 2, baseOffset: 0 });
  const ia = await log.appendAsLeader(a, 5);
  const ib = await log.appendAsLeader(b, 5);
  assert.deepEqual([ia.firstOffset, ia.lastOffset, ib.firstOffset, ib.lastOffset], [0, 2, 3, 4]);
  assert.equal(b.readBigInt64BE(0), 3n, 'baseOffset rewritten in the caller\'s buffer');
  assert.equal(b.readInt32BE(12), 5, 'partitionLeaderEpoch stamped');
  assert.equal(log.logEndOffset, 5);
  assert.deepEqual(log.leaderEpochCache.epochEntries(), [{ epoch: 5, startOffset: 0 }]);

  log.updateHighWatermark(5);
  const all = await log.read(0, { maxBytes: 1 << 20 });
  assert.ok(readSlice(all.slice!).equals(Buffer.concat([a, b])));
  const fromMiddle = await log.read(4, { maxBytes: 1 << 20 });
  assert.ok(readSlice(fromMiddle.slice!).equals(b), 'a fetch inside a batch starts at that batch');
  const bounded = await log.read(0, { maxBytes: 1 << 20, maxOffset: 3 });
  assert.ok(readSlice(bounded.slice!).equals(a), 'maxOffset (high watermark) stops before the batch at 3');
  const partial = await log.read(0, { maxBytes: 10 });
  assert.equal(partial.slice!.length, 10);
  assert.equal(partial.firstEntryIncomplete, true);
  const minOne = await log.read(0, { maxBytes: 10, minOneMessage: true });
  assert.equal(minOne.slice!.length, a.length);
  assert.equal((await log.read(5, { maxBytes: 100 })).slice, null, 'at the log end: nothing');
  await assert.rejects(log.read(6, { maxBytes: 100 }), OffsetOutOfRangeError);
  await log.close();
});

test('roll by size, by record time, by full index and by offset overflow', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const batch = buildBatch({ valueBytes: 100 });
  const bySize = await openTestLog(path.join(tmp.path, 'size-0'), testConfig({ segmentBytes: batch.length * 3 }));
  for (let i = 0; i < 7; i++) await bySize.log.appendAsLeader(buildBatch({ valueBytes: 100 }), 0);
  assert.deepEqual(bySize.log.logSegments().map((s) => [s.baseOffset, s.size]), [[0, batch.length * 3], [3, batch.length * 3], [6, batch.length]]);
  assert.deepEqual(listFiles(path.join(tmp.path, 'size-0')).filter((f) => f.endsWith('.log')), [
    '00000000000000000000.log', '00000000000000000003.log', '00000000000000000006.log',
  ]);
  // Rolled segments have trimmed indexes, the active one is pre-allocated.
  assert.equal(fs.statSync(path.join(tmp.path, 'size-0', '00000000000000000000.index')).size, 0);
  assert.equal(fs.statSync(path.join(tmp.path, 'size-0', '00000000000000000000.timeindex')).size, 12, 'the final time entry');
  assert.equal(fs.statSync(path.join(tmp.path, 'size-0', '00000000000000000006.index')).size, 1024 * 1024);

  const byTime = await openTestLog(path.join(tmp.path, 'time-0'), testConfig({ segmentMs: 1000 }));
  for (const ts of [T0, T0 + 500, T0 + 1000, T0 + 1001, T0 + 1500, T0 + 2002]) {
    await byTime.log.appendAsLeader(buildBatch({ firstTimestamp: ts }), 0);
  }
  assert.deepEqual(byTime.log.logSegments().map((s) => s.baseOffset), [0, 3, 5], 'rolls when maxTimestamp - first batch timestamp > segment.ms');

  const byIndex = await openTestLog(path.join(tmp.path, 'index-0'), testConfig({ maxIndexSizeBytes: 24, indexIntervalBytes: 0 }));
  for (let i = 0; i < 6; i++) await byIndex.log.appendAsLeader(buildBatch(), 0);
  // 24 bytes = 2 time-index slots, the last reserved for the roll entry: full after the entry the second append adds.
  assert.deepEqual(byIndex.log.logSegments().map((s) => s.baseOffset), [0, 2, 4]);

  const byOverflow = await openTestLog(path.join(tmp.path, 'overflow-0'), testConfig());
  await byOverflow.log.appendAsFollower(buildBatch({ baseOffset: 0 }));
  await byOverflow.log.appendAsFollower(buildBatch({ baseOffset: 2 ** 31 + 10 }));
  assert.deepEqual(byOverflow.log.logSegments().map((s) => s.baseOffset), [0, 2 ** 31 + 10]);
  for (const o of [bySize, byTime, byIndex, byOverflow]) await o.log.close();
});

test('retention by time and by bytes deletes whole old segments below the high watermark only', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'events-0');
  const size = buildBatch({ valueBytes: 50 }).length;
  const opened = await openTestLog(dir, testConfig({ segmentBytes: size * 2, retentionMs: 60_000, fileDeleteDelayMs: 1000 }));
  const { log, scheduler } = opened;
  const now = scheduler.nowMs();
  for (let i = 0; i < 6; i++) await log.appendAsLeader(buildBatch({ valueBytes: 50, firstTimestamp: now - 120_000 + i * 10_000 }), 0);
  assert.equal(log.numberOfSegments, 3);
  assert.equal(await log.deleteOldSegments(), 0, 'nothing is below the high watermark yet');
  log.updateHighWatermark(6);
  // Segment timestamps (max): -110 s, -90 s, -70 s relative to now; all older than 60 s, but the last one holds
  // the log end: Kafka rolls first so one (empty) segment remains.
  assert.equal(await log.deleteOldSegments(), 3);
  assert.deepEqual(log.logSegments().map((s) => [s.baseOffset, s.size]), [[6, 0]]);
  assert.equal(log.logStartOffset, 6);
  assert.ok(listFiles(dir).includes('00000000000000000000.log.deleted'), 'renamed at once');
  await scheduler.advance(1000);
  assert.deepEqual(listFiles(dir).filter((f) => f.includes('.deleted')), [], 'removed after file.delete.delay.ms');
  await log.close();

  const bytesDir = path.join(tmp.path, 'bytes-0');
  const bytes = await openTestLog(bytesDir, testConfig({ segmentBytes: size * 2, retentionMs: -1, retentionBytes: size * 3 }));
  for (let i = 0; i < 7; i++) await bytes.log.appendAsLeader(buildBatch({ valueBytes: 50 }), 0);
  bytes.log.updateHighWatermark(7);
  // 7 batches in segments of 2,2,2,1: 7 - 3 = 4 batches over → the two oldest segments go.
  assert.equal(await bytes.log.deleteOldSegments(), 2);
  assert.deepEqual(bytes.log.logSegments().map((s) => s.baseOffset), [4, 6]);
  assert.equal(bytes.log.logStartOffset, 4);
  await bytes.log.close();
});

test('DeleteRecords raises the log start offset up to the high watermark; retention then drops whole segments', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const size = buildBatch().length;
  const { log } = await openTestLog(path.join(tmp.path, 't-0'), testConfig({ segmentBytes: size * 2, retentionMs: -1 }));
  for (let i = 0; i < 5; i++) await log.appendAsLeader(buildBatch(), 1);
  log.updateHighWatermark(4);
  await assert.rejects(log.deleteRecordsTo(5), OffsetOutOfRangeError);
  assert.equal(await log.deleteRecordsTo(3), 3);
  await assert.rejects(log.read(2, { maxBytes: 100 }), OffsetOutOfRangeError);
  assert.equal((await log.fetchOffsetByTimestamp(EARLIEST_TIMESTAMP))!.offset, 3);
  assert.equal(await log.deleteOldSegments(), 1, 'segment [0,2) is wholly below 3');
  assert.deepEqual(log.logSegments().map((s) => s.baseOffset), [2, 4]);
  assert.deepEqual(log.leaderEpochCache.epochEntries(), [{ epoch: 1, startOffset: 3 }]);
  await log.close();
});

test('offsets by timestamp: earliest, latest, max timestamp and first batch at or after a time', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 't-0'), testConfig({ indexIntervalBytes: 50 }));
  const stamps = [100, 300, 200, 400, 500];
  for (const ts of stamps) await log.appendAsLeader(buildBatch({ count: 2, firstTimestamp: T0 + ts }), 0);
  assert.deepEqual(await log.fetchOffsetByTimestamp(LATEST_TIMESTAMP), { timestamp: -1, offset: 10, leaderEpoch: 0 });
  assert.deepEqual(await log.fetchOffsetByTimestamp(MAX_TIMESTAMP), { timestamp: T0 + 500, offset: 9, leaderEpoch: 0 });
  assert.deepEqual(await log.fetchOffsetByTimestamp(T0 + 250), { timestamp: T0 + 300, offset: 2, leaderEpoch: 0 });
  assert.deepEqual(await log.fetchOffsetByTimestamp(T0 + 350), { timestamp: T0 + 400, offset: 6, leaderEpoch: 0 });
  assert.equal(await log.fetchOffsetByTimestamp(T0 + 501), null);
  await log.close();
});

test('flush.messages fsyncs and advances the recovery point; truncateTo cuts whole batches', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 't-0'), testConfig({ flushIntervalMessages: 4 }));
  await log.appendAsLeader(buildBatch({ count: 3 }), 0);
  assert.equal(log.recoveryPoint, 0);
  await log.appendAsLeader(buildBatch({ count: 1 }), 1);
  assert.equal(log.recoveryPoint, 4);
  await log.appendAsLeader(buildBatch({ count: 2 }), 2);
  assert.deepEqual(log.leaderEpochCache.epochEntries().map((e) => [e.epoch, e.startOffset]), [[0, 0], [1, 3], [2, 4]]);
  assert.equal(await log.truncateTo(5), true);
  assert.equal(log.logEndOffset, 4, 'the batch holding 5 goes whole');
  assert.deepEqual(log.leaderEpochCache.epochEntries().map((e) => [e.epoch, e.startOffset]), [[0, 0], [1, 3]]);
  const again = await log.appendAsLeader(buildBatch(), 3);
  assert.equal(again.firstOffset, 4);
  await log.close();
});

test('an I/O error fails the log: later operations get KAFKA_STORAGE_ERROR instead of writing past it', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 'io-0'), testConfig());
  await log.appendAsLeader(buildBatch(), 0);
  fs.closeSync(log.activeSegment.fd);
  await assert.rejects(log.appendAsLeader(buildBatch(), 0), (err: NodeJS.ErrnoException) => err.code === 'EBADF');
  assert.equal(log.failedWith?.message.includes('EBADF'), true);
  await assert.rejects(log.appendAsLeader(buildBatch(), 0), (err: Error & { code: string }) => err.code === 'KAFKA_STORAGE_ERROR');
  await assert.rejects(log.read(0, { maxBytes: 100 }), /the log failed/);
});

test('roll jitter: each segment rolls at segment.ms minus its own random jitter', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  // The test log's random source gives 0.5: jitter = 0.5 * min(segment.jitter.ms, segment.ms) = 400 ms.
  const { log } = await openTestLog(path.join(tmp.path, 'j-0'), testConfig({ segmentMs: 1000, segmentJitterMs: 800 }));
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 }), 0);
  await log.roll();
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 }), 0);
  assert.equal(log.activeSegment.rollJitterMs, 400);
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 600 }), 0);
  assert.equal(log.numberOfSegments, 2, '600 ms is not above 1000 - 400');
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 601 }), 0);
  assert.deepEqual(log.logSegments().map((s) => s.baseOffset), [0, 1, 3]);
  await log.close();
});

test('a timestamp search skips a matching segment that lies wholly below the log start offset', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const size = buildBatch().length;
  const { log } = await openTestLog(path.join(tmp.path, 'ts-0'), testConfig({ segmentBytes: size * 2, retentionMs: -1 }));
  for (const ts of [500, 600, 100, 700]) await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + ts }), 0);
  log.updateHighWatermark(4);
  await log.deleteRecordsTo(2);
  assert.deepEqual(await log.fetchOffsetByTimestamp(T0 + 550), { timestamp: T0 + 700, offset: 3, leaderEpoch: 0 });
  await log.close();
});

test('updateConfig: the open active segment rolls by the new segment.ms and segment.bytes; index settings apply from the next segment', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 'u-0'), testConfig({ indexIntervalBytes: 1 << 20 }));
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 }), 0);
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 5000 }), 0);
  assert.equal(log.numberOfSegments, 1);
  const old = log.updateConfig({ ...log.config, segmentMs: 1000, indexIntervalBytes: 0 });
  assert.equal(old.segmentMs, 7 * 24 * 3600_000);
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 5001 }), 0);
  assert.deepEqual(log.logSegments().map((s) => s.baseOffset), [0, 2], 'the segment older than the new segment.ms rolled');
  // The rolled segment kept its index interval (no entries); the new one indexes every batch.
  for (let i = 0; i < 2; i++) await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 5001 }), 0);
  assert.equal(fs.statSync(path.join(tmp.path, 'u-0', '00000000000000000000.index')).size, 0);
  const batch = buildBatch({ firstTimestamp: T0 + 5001 }).length;
  log.updateConfig({ ...log.config, segmentBytes: batch * 4 });
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 5001 }), 0);
  await log.appendAsLeader(buildBatch({ firstTimestamp: T0 + 5001 }), 0);
  assert.deepEqual(log.logSegments().map((s) => [s.baseOffset, s.size]), [[0, batch * 2], [2, batch * 4], [6, batch]]);
  assert.equal(fs.statSync(path.join(tmp.path, 'u-0', '00000000000000000002.index')).size, 3 * 8, 'every batch after the first indexed');
  assert.throws(() => log.updateConfig({ ...log.config, segmentBytes: 5 }), /segment\.bytes/);
  assert.equal(log.config.segmentBytes, batch * 4, 'a config the format cannot take is refused');
  await log.close();
});

test('a read starting among the last RECENT_TAIL_BYTES of the active segment is marked recent; older bytes are not', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const big = buildBatch({ valueBytes: 512 * 1024 });
  const perSegment = Math.ceil(RECENT_TAIL_BYTES / big.length) + 2;
  const { log } = await openTestLog(path.join(tmp.path, 'tail-0'), testConfig({ segmentBytes: big.length * perSegment }));
  // A rolled segment, then an active one holding more than RECENT_TAIL_BYTES.
  for (let i = 0; i < 2 * perSegment; i++) await log.appendAsLeader(buildBatch({ valueBytes: 512 * 1024 }), 0);
  assert.equal(log.logSegments().length, 2);
  const end = log.logEndOffset;
  const read = async (offset: number) => (await log.read(offset, { maxBytes: 1 << 19, minOneMessage: true })).slice!;
  assert.ok(!(await read(0)).recent, 'a rolled segment');
  assert.ok(!(await read(perSegment)).recent, 'the active segment\'s start, more than RECENT_TAIL_BYTES from its end');
  const last = await read(end - 1);
  assert.equal(last.recent, true, 'the active segment\'s last batch');
  assert.equal(last.length, big.length);
  await log.close();
});
