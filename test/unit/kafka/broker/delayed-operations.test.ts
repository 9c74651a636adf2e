import { test } from 'node:test';
import assert from 'node:assert/strict';
import { DelayedOperations } from '../../../../src/kafka/broker/replica/delayed-operations.js';

function op(ready: () => boolean) {
  const log: string[] = [];
  return { log, op: { tryComplete: () => (ready() ? (log.push('done'), true) : false), onExpire: () => log.push('expired') } };
}

test('an operation completes when a key it watches is checked and its condition holds; other keys leave it waiting', () => {
  const d = new DelayedOperations('test', 10);
  let ready = false;
  const a = op(() => ready);
  assert.equal(d.watch(a.op, ['t-0', 't-1'], 60_000), true);
  assert.equal(d.waiting, 1);
  ready = true;
  assert.equal(d.checkAndComplete('other-0'), 0);
  assert.equal(d.checkAndComplete('t-1'), 1);
  assert.equal(d.checkAndComplete('t-0'), 0);
  assert.deepEqual([a.log, d.waiting], [['done'], 0]);
});

test('bounded: past maxWaiting nothing is parked; shutdown expires everything once and parks no more', () => {
  const d = new DelayedOperations('test', 2);
  const ops = [op(() => false), op(() => false), op(() => false)];
  assert.deepEqual(ops.map((o) => d.watch(o.op, ['k'], 60_000)), [true, true, false]);
  d.expireAll();
  d.expireAll();
  assert.deepEqual(ops.map((o) => o.log), [['expired'], ['expired'], []]);
  assert.equal(d.watch(op(() => false).op, ['k'], 60_000), false);
});

test('a condition already true when parked completes at once', () => {
  const d = new DelayedOperations('test', 2);
  const a = op(() => true);
  assert.equal(d.watch(a.op, ['k'], 60_000), true);
  assert.deepEqual([a.log, d.waiting], [['done'], 0]);
});
