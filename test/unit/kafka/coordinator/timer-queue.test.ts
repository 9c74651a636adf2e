import assert from 'node:assert/strict';
import { test } from 'node:test';
import { TimerQueue } from '../../../../src/kafka/coordinator/timer-queue.js';
import { CoordinatorDriver } from '../../../support/coordinator-driver.js';

test('TimerQueue: earliest first, ties in the order set, re-setting replaces, clearing removes', () => {
  const q = new TimerQueue();
  q.set('b', 10);
  q.set('a', 10);
  q.set('c', 5);
  q.set('d', 7);
  q.set('d', 20);
  q.clear('c');
  assert.equal(q.nextDeadlineMs(), 10);
  assert.equal(q.popDue(9), null);
  assert.deepEqual([q.popDue(30), q.popDue(30), q.popDue(30), q.popDue(30)], ['b', 'a', 'd', null]);
  assert.equal(q.size, 0);
});

test('TimerQueue: re-setting one key many times keeps the heap bounded', () => {
  const q = new TimerQueue();
  q.set('other', 1_000_000);
  for (let i = 0; i < 10_000; i++) q.set('k', i);
  assert.equal(q.size, 2);
  assert.equal(q.nextDeadlineMs(), 9999);
  assert.ok((q as unknown as { heap: unknown[] }).heap.length <= 64 * 4 + 8);
});

test('the coordinator reports its earliest deadline as a timer effect when it changes', () => {
  const d = new CoordinatorDriver({ groupInitialRebalanceDelayMs: 3000 });
  const timers = () => d.allEffects.filter((e) => e.kind === 'timer').map((e) => (e as { deadlineMs: number | null }).deadlineMs);
  assert.deepEqual(timers(), [600_000], 'startup schedules the offset expiry check');
  d.join('g', { apiVersion: 3 });
  assert.deepEqual(timers(), [600_000, 3000], 'the initial rebalance delay');
});
