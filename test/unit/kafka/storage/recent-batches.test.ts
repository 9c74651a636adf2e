import assert from 'node:assert/strict';
import { test } from 'node:test';
import { LogSegment } from '../../../../src/kafka/storage/log-segment.js';
import { RecentBatches } from '../../../../src/kafka/storage/recent-batches.js';
import { buildBatch } from '../../../support/kafka-batches.js';
import { kafkaTempDir, testConfig } from '../../../support/kafka-log.js';

const T0 = 1_700_000_000_000;
const BASE = 500;

/** Every offset's location as a segment opened afresh finds it (index, then headers read from the file). */
async function fromFile(dir: string, upTo: number): Promise<(unknown | null)[]> {
  const { segment } = await LogSegment.open(dir, BASE, { config: testConfig({ indexIntervalBytes: 300 }), nowMs: T0, rollJitterMs: 0 });
  try {
    const out: (unknown | null)[] = [];
    for (let o = BASE - 2; o <= upTo; o++) out.push(await segment.translateOffset(o));
    out.push(await segment.translateOffset(BASE + 3, 1_000_000));
    return out;
  } finally {
    await segment.close();
  }
}

async function lookups(segment: LogSegment, upTo: number): Promise<(unknown | null)[]> {
  const out: (unknown | null)[] = [];
  for (let o = BASE - 2; o <= upTo; o++) out.push(await segment.translateOffset(o));
  out.push(await segment.translateOffset(BASE + 3, 1_000_000));
  return out;
}

test('lookups of recently appended batches agree with the file, across multi-batch appends, gaps and truncation', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const segment = await LogSegment.create(tmp.path, BASE, { config: testConfig({ indexIntervalBytes: 300 }), nowMs: T0, rollJitterMs: 0 });
  let next = BASE;
  const appendBatches = async (counts: number[], gap = 0) => {
    const batches = counts.map((count) => {
      const b = buildBatch({ baseOffset: next, count, firstTimestamp: T0, valueBytes: 40 });
      next += count + gap;
      return b;
    });
    await segment.append(next - 1 - gap, T0, next - 1 - gap, Buffer.concat(batches));
  };
  // Single batches, a chunk of several, batches with gaps between their offsets (as a compacted log has).
  for (let i = 0; i < 6; i++) await appendBatches([1 + (i % 3)]);
  await appendBatches([2, 1, 4, 3]);
  await appendBatches([2, 2], 3);
  for (let i = 0; i < 20; i++) await appendBatches([i % 2 === 0 ? 1 : 5]);
  await segment.flush();
  assert.deepEqual(await lookups(segment, next + 2), await fromFile(tmp.path, next + 2));

  // Cut in the middle, then append batches of other sizes over the cut part: nothing remembered from before the cut
  // may answer.
  const cutAt = BASE + 40;
  const oldNext = next;
  await segment.truncateTo(cutAt);
  await segment.flush();
  assert.deepEqual(await lookups(segment, oldNext), await fromFile(tmp.path, oldNext));
  next = await segment.readNextOffset();
  assert.ok(next <= cutAt && next > BASE);
  for (let i = 0; i < 10; i++) await appendBatches([3]);
  await segment.flush();
  assert.deepEqual(await lookups(segment, next + 2), await fromFile(tmp.path, next + 2));
  await segment.close();
});

test('recent batches: the batch holding an offset, none before a starting position, none once cleared', () => {
  const recent = new RecentBatches();
  const a = buildBatch({ baseOffset: 10, count: 3 });
  const b = buildBatch({ baseOffset: 13, count: 2 });
  recent.add(Buffer.concat([a, b]), 1000);
  assert.deepEqual(recent.find(11, 0), { offset: 12, position: 1000, size: a.length });
  assert.deepEqual(recent.find(13, 0), { offset: 14, position: 1000 + a.length, size: b.length });
  assert.equal(recent.find(15, 0), null);
  assert.equal(recent.find(9, 0), null);
  assert.equal(recent.find(11, 1001), null);
  recent.clear();
  assert.equal(recent.find(13, 0), null);
});

test('recent batches: only the last few are kept', () => {
  const recent = new RecentBatches();
  for (let i = 0; i < 40; i++) recent.add(buildBatch({ baseOffset: i }), i * 100);
  assert.equal(recent.find(3, 0), null);
  assert.deepEqual(recent.find(39, 0)?.position, 3900);
  assert.deepEqual(recent.find(30, 0)?.position, 3000);
});
