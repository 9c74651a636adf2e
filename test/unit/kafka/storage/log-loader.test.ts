import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import { buildBatch } from '../../../support/kafka-batches.js';
import { kafkaTempDir, listFiles, openTestLog, readStoredBatches, testConfig, verifyIndexes } from '../../../support/kafka-log.js';

const size = buildBatch({ valueBytes: 50 }).length;
const config = testConfig({ segmentBytes: size * 3, indexIntervalBytes: 0 });

async function threeSegments(dir: string): Promise<void> {
  const { log } = await openTestLog(dir, config);
  for (let i = 0; i < 8; i++) await log.appendAsLeader(buildBatch({ valueBytes: 50, fill: i }), 0);
  assert.deepEqual(log.logSegments().map((s) => s.baseOffset), [0, 3, 6]);
  await log.close(true);
}

test('leftovers: .deleted, .cleaned, index .swap files and orphan indexes are removed at load', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'left-0');
  await threeSegments(dir);
  const before = listFiles(dir);
  for (const name of ['00000000000000000003.log.deleted', '00000000000000000003.index.deleted', '00000000000000000010.log.cleaned',
    '00000000000000000000.timeindex.swap', '00000000000000000042.index', '00000000000000000042.timeindex', 'partition.metadata.tmp']) {
    fs.writeFileSync(path.join(dir, name), 'x');
  }
  const { log } = await openTestLog(dir, config, { hadCleanShutdown: true });
  assert.deepEqual(listFiles(dir), before);
  assert.equal(log.logEndOffset, 8);
  await log.close();
});

test('a log .swap below the smallest .cleaned base is completed: it replaces the segments it covers', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'swap-0');
  await threeSegments(dir);
  const batches = readStoredBatches(dir);
  // What a cleaner would have produced for offsets 0..5 (here: every batch kept), mid-swap.
  const merged = Buffer.concat(batches.filter((b) => b.baseOffset < 6).map((b) => b.bytes));
  fs.writeFileSync(path.join(dir, '00000000000000000000.log.swap'), merged);
  fs.writeFileSync(path.join(dir, '00000000000000000000.index.swap'), Buffer.alloc(8));
  // The cleaned segment's aborted transactions (a .txnindex is not rebuilt from the segment alone) take the final name.
  const txnEntry = Buffer.concat([Buffer.from('0000', 'hex'), ...[9, 1, 4, 5].map((n) => Buffer.from(n.toString(16).padStart(16, '0'), 'hex'))]);
  fs.writeFileSync(path.join(dir, '00000000000000000000.txnindex.swap'), txnEntry);
  fs.writeFileSync(path.join(dir, '00000000000000000003.txnindex'), Buffer.alloc(34));
  const { log, report } = await openTestLog(dir, config, { hadCleanShutdown: true });
  assert.deepEqual(log.logSegments().map((s) => s.baseOffset), [0, 6]);
  assert.deepEqual(log.collectAbortedTxns(0, 8), [{ producerId: 9, firstOffset: 1, lastOffset: 4, lastStableOffset: 5 }]);
  assert.ok(fs.readFileSync(path.join(dir, '00000000000000000000.txnindex')).equals(txnEntry));
  assert.equal(log.logEndOffset, 8);
  assert.ok(fs.readFileSync(path.join(dir, '00000000000000000000.log')).equals(merged));
  assert.ok(report.problems.some((p) => p.includes('completed swap of segment 0')));
  assert.deepEqual(listFiles(dir).filter((f) => f.includes('.swap') || f.includes('.deleted') || f.startsWith('00000000000000000003')), []);
  await log.close();
  verifyIndexes(dir);

  const dir2 = path.join(tmp.path, 'swap-1');
  await threeSegments(dir2);
  fs.writeFileSync(path.join(dir2, '00000000000000000003.log.swap'), merged);
  fs.writeFileSync(path.join(dir2, '00000000000000000003.log.cleaned'), merged);
  const reopened = await openTestLog(dir2, config, { hadCleanShutdown: true });
  assert.deepEqual(reopened.log.logSegments().map((s) => s.baseOffset), [0, 3, 6], 'an incomplete split (.swap ≥ .cleaned) is dropped');
  assert.deepEqual(listFiles(dir2).filter((f) => f.includes('.swap') || f.includes('.cleaned')), []);
  await reopened.log.close();
});

test('log start offset above the log end: every segment goes and the log restarts at the log start offset', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const dir = path.join(tmp.path, 'ahead-0');
  await threeSegments(dir);
  const { log } = await openTestLog(dir, config, { hadCleanShutdown: true, logStartOffset: 20 });
  assert.deepEqual([log.logStartOffset, log.logEndOffset], [20, 20]);
  assert.deepEqual(listFiles(dir).filter((f) => f.endsWith('.log')), ['00000000000000000020.log']);
  assert.equal((await log.appendAsLeader(buildBatch(), 0)).firstOffset, 20);
  await log.close();
});

test('follower appends keep offsets, feed the epoch cache, refuse offsets below the end; full truncation restarts', async (t) => {
  const tmp = kafkaTempDir();
  t.after(() => tmp.remove());
  const { log } = await openTestLog(path.join(tmp.path, 'f-0'), config);
  const blob = Buffer.concat([
    buildBatch({ baseOffset: 0, count: 2, partitionLeaderEpoch: 1 }),
    buildBatch({ baseOffset: 2, partitionLeaderEpoch: 1 }),
    buildBatch({ baseOffset: 5, partitionLeaderEpoch: 3 }),
  ]);
  const info = await log.appendAsFollower(blob);
  assert.deepEqual([info.firstOffset, info.lastOffset, log.logEndOffset], [0, 5, 6]);
  assert.deepEqual(log.leaderEpochCache.epochEntries(), [{ epoch: 1, startOffset: 0 }, { epoch: 3, startOffset: 5 }]);
  assert.deepEqual(log.leaderEpochCache.endOffsetFor(1, log.logEndOffset), { epoch: 1, startOffset: 0, endOffset: 5 });
  await assert.rejects(log.appendAsFollower(buildBatch({ baseOffset: 4 })), /below the log end offset/);
  const corrupt = buildBatch({ baseOffset: 6 });
  corrupt[70]! ^= 1;
  await assert.rejects(log.appendAsFollower(corrupt), /CRC-32C/);
  await log.truncateFullyAndStartAt(100);
  assert.deepEqual([log.logStartOffset, log.logEndOffset, log.numberOfSegments], [100, 100, 1]);
  assert.deepEqual(log.leaderEpochCache.epochEntries(), []);
  await log.close();
});
