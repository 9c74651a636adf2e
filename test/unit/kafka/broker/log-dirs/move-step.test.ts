import assert from 'node:assert/strict';
import { test } from 'node:test';
import { CopyPacer, nextMoveStep } from '../../../../../src/kafka/broker/log-dirs/move-step.js';

const current = (logStartOffset: number, logEndOffset: number, endOffsetForFutureEpoch: number | null = null) => ({ logStartOffset, logEndOffset, endOffsetForFutureEpoch });
const future = (logStartOffset: number, logEndOffset: number) => ({ logStartOffset, logEndOffset });

test('the future log copies from its end until it reaches the current log end, then the logs swap', () => {
  assert.deepEqual(nextMoveStep(current(0, 100), future(0, 0)), { kind: 'copy-from', offset: 0 });
  assert.deepEqual(nextMoveStep(current(0, 100), future(0, 60)), { kind: 'copy-from', offset: 60 });
  assert.deepEqual(nextMoveStep(current(0, 100), future(0, 100)), { kind: 'swap' });
  assert.deepEqual(nextMoveStep(current(0, 0), future(0, 0)), { kind: 'swap' }, 'an empty log moves at once');
  assert.deepEqual(nextMoveStep(current(40, 100, 100), future(0, 100)), { kind: 'swap' }, 'log start differences are settled at the swap');
});

test('a current log whose start passed the future log end (retention, DeleteRecords) restarts the copy there', () => {
  assert.deepEqual(nextMoveStep(current(50, 100), future(0, 0)), { kind: 'restart-at', offset: 50 });
  assert.deepEqual(nextMoveStep(current(50, 100), future(0, 30)), { kind: 'restart-at', offset: 50 });
  assert.deepEqual(nextMoveStep(current(50, 100), future(0, 50)), { kind: 'copy-from', offset: 50 });
});

test('a current log truncated below the future log (a follower that diverged) truncates the future log', () => {
  assert.deepEqual(nextMoveStep(current(0, 40), future(0, 60)), { kind: 'truncate-to', offset: 40 });
  // Same length, but the current log has other records past offset 45 (a later epoch started there).
  assert.deepEqual(nextMoveStep(current(0, 60, 45), future(0, 60)), { kind: 'truncate-to', offset: 45 });
  assert.deepEqual(nextMoveStep(current(0, 60, 45), future(0, 45)), { kind: 'copy-from', offset: 45 });
  // Truncated below where the future log starts: everything is copied again.
  assert.deepEqual(nextMoveStep(current(0, 10), future(20, 30)), { kind: 'restart-at', offset: 0 });
});

test('the pacer keeps the average copy rate at the limit and never waits without one', () => {
  const pacer = new CopyPacer();
  assert.equal(pacer.delayMs(1000), 0);
  pacer.copied(500, 1000, 1000);
  assert.equal(pacer.delayMs(1000), 500);
  assert.equal(pacer.delayMs(1200), 300);
  pacer.copied(1000, 1500, 1000);
  assert.equal(pacer.delayMs(1500), 1000, 'the second chunk is paced after the first');
  pacer.copied(10_000_000, 5000, Number.POSITIVE_INFINITY);
  assert.equal(pacer.delayMs(5000), 0);
  assert.equal(CopyPacer.chunkBytes(1 << 20, Number.POSITIVE_INFINITY), 1 << 20);
  assert.equal(CopyPacer.chunkBytes(1 << 20, 2048), 2048);
  assert.equal(CopyPacer.chunkBytes(1000, 1 << 30), 1000);
});
