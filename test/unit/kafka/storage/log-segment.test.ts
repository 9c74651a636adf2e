import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { LogSegment } from '../../../../src/kafka/storage/log-segment.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';
import { kafkaTempDir, readSlice, testConfig } from '../../../support/kafka-log.js';

const T0 = 1_700_000_000_000;
const BASE = 1000;
/** Timestamps of offsets 1000..1010; 1005 and 1009 move the maximum. */
const STAMPS = [0, 10, 20, 30, 40, 100, 60, 70, 80, 200, 300].map((d) => T0 + d);

function entries(bytes: Buffer, size: number): number[][] {
  const out: number[][] = [];
  for (let p = 0; p < bytes.length; p += size) {
    out.push(size === 8 ? [bytes.readInt32BE(p), bytes.readInt32BE(p + 4)] : [Number(bytes.readBigInt64BE(p)) - T0, bytes.readInt32BE(p + 8)]);
  }
  return out;
}

async function writeSegment(dir: string): Promise<{ segment: LogSegment; batches: Buffer[] }> {
  const config = testConfig({ indexIntervalBytes: 250, maxIndexSizeBytes: 4096 });
  const segment = await LogSegment.create(dir, BASE, { config, nowMs: T0, rollJitterMs: 0 });
  const batches: Buffer[] = [];
  for (let i = 0; i < STAMPS.length; i++) {
    const batch = buildBatch({ baseOffset: BASE + i, firstTimestamp: STAMPS[i], valueBytes: 32 });
    assert.equal(batch.length, 100);
    batches.push(batch);
    await segment.append(BASE + i, STAMPS[i]!, BASE + i, batch);
  }
  return { segment, batches };
}

test('sparse index entries every index.interval.bytes: exact .index and .timeindex bytes', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { segment } = await writeSegment(tmp.path);
  const indexFile = path.join(tmp.path, '00000000000000001000.index');
  const timeFile = path.join(tmp.path, '00000000000000001000.timeindex');
  assert.equal(fs.statSync(indexFile).size, 4096, 'pre-allocated while active');
  assert.equal(fs.statSync(timeFile).size, 4092, 'rounded down to whole 12-byte entries');
  await segment.close();
  // More than 250 bytes since the last entry before appends 3, 6 and 9: entry (last offset, start position).
  assert.deepEqual(entries(fs.readFileSync(indexFile), 8), [[3, 300], [6, 600], [9, 900]]);
  // (max timestamp so far, its offset) at the same appends when it grew, plus the final entry on close.
  assert.deepEqual(entries(fs.readFileSync(timeFile), 12), [[30, 3], [100, 5], [200, 9], [300, 10]]);
  assert.equal(
    fs.readFileSync(indexFile).toString('hex'),
    '00000003' + '0000012c' + '00000006' + '00000258' + '00000009' + '00000384',
  );
});

test('lookups: offset to position, timestamp to offset, fetch slices', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { segment, batches } = await writeSegment(tmp.path);
  assert.deepEqual(segment.offsetIndex.lookup(1005), { offset: 1003, position: 300 });
  assert.deepEqual(segment.offsetIndex.lookup(999), { offset: 1000, position: 0 });
  assert.deepEqual(segment.offsetIndex.lookup(5000), { offset: 1009, position: 900 });
  assert.deepEqual(await segment.translateOffset(1005), { offset: 1005, position: 500, size: 100 });
  assert.equal(await segment.translateOffset(1011), null);
  assert.deepEqual(segment.timeIndex.lookup(T0 + 150), { timestamp: T0 + 100, offset: 1005 });
  assert.deepEqual(segment.timeIndex.lookup(T0 - 1), { timestamp: -1, offset: 1000 });
  assert.deepEqual(await segment.findOffsetByTimestamp(T0 + 55, BASE, 1 << 20), { timestamp: T0 + 100, offset: 1005 });
  assert.deepEqual(await segment.findOffsetByTimestamp(T0 + 250, BASE, 1 << 20), { timestamp: T0 + 300, offset: 1010 });
  const fetch = (await segment.read(1002, 250))!;
  assert.deepEqual([fetch.slice.position, fetch.slice.length, fetch.firstEntryIncomplete], [200, 250, false]);
  assert.ok(readSlice(fetch.slice).equals(Buffer.concat(batches.slice(2)).subarray(0, 250)));
  assert.equal(await segment.readNextOffset(), 1011);
  await segment.close();
});

test('reopened segment passes the sanity check; recovery rebuilds identical indexes; truncation cuts at a batch', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { segment } = await writeSegment(tmp.path);
  await segment.close();
  const indexBefore = fs.readFileSync(path.join(tmp.path, '00000000000000001000.index'));
  const timeBefore = fs.readFileSync(path.join(tmp.path, '00000000000000001000.timeindex'));
  const config = testConfig({ indexIntervalBytes: 250, maxIndexSizeBytes: 4096 });
  const { segment: reopened, indexMissing } = await LogSegment.open(tmp.path, BASE, { config, nowMs: T0, rollJitterMs: 0 });
  assert.equal(indexMissing, false);
  assert.equal(await reopened.sanityProblem(), null);
  assert.equal(reopened.maxTimestamp, T0 + 300);
  const result = await reopened.recover({ crc32c, maxBatchBytes: 1 << 20 });
  assert.deepEqual(result, { truncatedBytes: 0, problem: null });
  await reopened.close();
  assert.ok(fs.readFileSync(path.join(tmp.path, '00000000000000001000.index')).equals(indexBefore));
  assert.ok(fs.readFileSync(path.join(tmp.path, '00000000000000001000.timeindex')).equals(timeBefore));

  const { segment: again } = await LogSegment.open(tmp.path, BASE, { config, nowMs: T0, rollJitterMs: 0 });
  assert.equal(await again.truncateTo(1006), 500);
  assert.equal(again.size, 600);
  assert.equal(await again.readNextOffset(), 1006);
  assert.deepEqual(again.offsetIndex.lookup(1009), { offset: 1003, position: 300 }, 'entries at or after 1006 are gone');
  assert.equal(again.maxTimestamp, T0 + 100);
  await again.close();
});

test('deferred appends: one write later in the turn (index entries with it), read at once by whoever reads the file, and waited for', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const config = testConfig({ indexIntervalBytes: 250, maxIndexSizeBytes: 4096 });
  const segment = await LogSegment.create(tmp.path, BASE, { config, nowMs: T0, rollJitterMs: 0 });
  t.after(() => segment.close());
  const logFile = path.join(tmp.path, '00000000000000001000.log');
  const indexFile = path.join(tmp.path, '00000000000000001000.index');
  const batches = STAMPS.slice(0, 4).map((s, i) => buildBatch({ baseOffset: BASE + i, firstTimestamp: s, valueBytes: 32 }));
  for (const [i, b] of batches.entries()) segment.appendSync(BASE + i, STAMPS[i]!, BASE + i, b, true);
  // Counted at once, not in the file yet; the entry for the fourth append is in memory only.
  assert.equal(segment.size, 400);
  assert.equal(fs.statSync(logFile).size, 0);
  assert.deepEqual(segment.offsetIndex.lookup(1003), { offset: 1003, position: 300 });
  assert.deepEqual(entries(fs.readFileSync(indexFile).subarray(0, 8), 8), [[0, 0]]);
  await segment.whenWritten();
  assert.deepEqual(fs.readFileSync(logFile), Buffer.concat(batches));
  assert.deepEqual(entries(fs.readFileSync(indexFile).subarray(0, 8), 8), [[3, 300]]);

  // A read before the turn ends finds the bytes: it writes them first.
  const more = buildBatch({ baseOffset: BASE + 4, firstTimestamp: STAMPS[4], valueBytes: 32 });
  segment.appendSync(BASE + 4, STAMPS[4]!, BASE + 4, more, true);
  const read = await segment.read(BASE + 4, 1000);
  assert.ok(read);
  assert.deepEqual(await readSlice(read.slice), more);
  assert.equal(fs.statSync(logFile).size, 500);
  await segment.whenWritten();

  // An append that is not deferred goes after the deferred ones, in order.
  const deferred = buildBatch({ baseOffset: BASE + 5, firstTimestamp: STAMPS[5], valueBytes: 32 });
  const direct = buildBatch({ baseOffset: BASE + 6, firstTimestamp: STAMPS[6], valueBytes: 32 });
  segment.appendSync(BASE + 5, STAMPS[5]!, BASE + 5, deferred, true);
  await segment.append(BASE + 6, STAMPS[6]!, BASE + 6, direct);
  assert.deepEqual(fs.readFileSync(logFile).subarray(500), Buffer.concat([deferred, direct]));
});
