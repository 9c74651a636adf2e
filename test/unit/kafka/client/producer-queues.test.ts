// The record accumulator (batch.size, linger.ms, muting while in flight, retry at the head) and buffer.memory.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { RecordAccumulator } from '../../../../src/kafka/client/producer/record-accumulator.js';
import { BufferMemory } from '../../../../src/kafka/client/producer/buffer-memory.js';
import { KafkaArgumentError, KafkaBlockTimeoutError } from '../../../../src/kafka/client/errors/index.js';

const noop = () => {};
const rec = (v: string) => [null, Buffer.from(v), undefined] as const;

test('a batch fills up to batch.size, then the next record starts a new one', () => {
  const acc = new RecordAccumulator({ batchSizeBytes: 100, lingerMs: 1000, growLimitBytes: 1000 });
  const a = acc.append('t', 0, ...rec('x'.repeat(40)), 60, 1, 0, noop, noop);
  assert.equal(acc.wouldStartNewBatch('t', 0, 40), false);
  const b = acc.append('t', 0, ...rec('x'.repeat(20)), 40, 1, 0, noop, noop);
  assert.equal(a, b);
  assert.equal(acc.wouldStartNewBatch('t', 0, 1), true);
  const c = acc.append('t', 0, ...rec('y'), 30, 1, 0, noop, noop);
  assert.notEqual(c, a);
  assert.equal(acc.size, 2);
  // The full batch is ready at once; the second waits for linger.ms unless flushing.
  assert.deepEqual(acc.ready(0, false), [a]);
  acc.take(a);
  assert.deepEqual(acc.ready(999, false), [], 'partition muted while its batch is in flight');
  acc.unmute(a);
  assert.deepEqual(acc.ready(999, false), []);
  assert.deepEqual(acc.ready(999, true), [c]);
  assert.deepEqual(acc.ready(1000, false), [c]);
  assert.equal(acc.nextWakeupMs(400), 600);
});

test('a record larger than batch.size gets a batch of its own', () => {
  const acc = new RecordAccumulator({ batchSizeBytes: 10, lingerMs: 0, growLimitBytes: 1000 });
  const a = acc.append('t', 0, ...rec('big'), 50, 1, 0, noop, noop);
  const b = acc.append('t', 0, ...rec('big'), 50, 1, 0, noop, noop);
  assert.notEqual(a, b);
  assert.equal(a.recordCount, 1);
});

test('a batch that failed retriably goes back ahead of newer batches and waits for its backoff', () => {
  const acc = new RecordAccumulator({ batchSizeBytes: 100, lingerMs: 0, growLimitBytes: 1000 });
  const first = acc.append('t', 0, ...rec('1'), 10, 1, 0, noop, noop);
  acc.take(first);
  const second = acc.append('t', 0, ...rec('2'), 10, 1, 0, noop, noop);
  first.attempts = 1;
  first.retryAtMs = 50;
  acc.requeueFront(first);
  acc.unmute(first);
  assert.deepEqual(acc.ready(10, true), [], 'the retried head blocks the partition until its backoff ends');
  assert.deepEqual(acc.ready(50, false), [first]);
  acc.take(first);
  acc.unmute(first);
  assert.deepEqual(acc.ready(50, false), [second]);
});

test('while its partition has a batch in flight, the newest batch grows past batch.size up to the grow limit', () => {
  const acc = new RecordAccumulator({ batchSizeBytes: 100, lingerMs: 1000, growLimitBytes: 250 });
  const first = acc.append('t', 0, ...rec('a'), 100, 1, 0, noop, noop);
  acc.take(first);
  const grown = acc.append('t', 0, ...rec('b'), 100, 1, 0, noop, noop);
  assert.equal(acc.append('t', 0, ...rec('c'), 100, 1, 0, noop, noop), grown);
  const next = acc.append('t', 0, ...rec('d'), 60, 1, 0, noop, noop);
  assert.notEqual(next, grown, 'the grow limit starts a new batch');
  assert.equal(grown.recordCount, 2);
  acc.unmute(first);
  assert.deepEqual(acc.ready(0, false), [grown], 'the grown batch goes first, at once');
  acc.take(grown);
  acc.unmute(grown);
  assert.equal(acc.append('t', 0, ...rec('e'), 40, 1, 0, noop, noop), next);
  assert.notEqual(acc.append('t', 0, ...rec('f'), 10, 1, 0, noop, noop), next, 'unmuted, batch.size applies again');
});

test('buffer.memory: a reservation waits for released bytes, first come first served, and gives up after max.block.ms', async () => {
  const mem = new BufferMemory(100);
  await mem.reserve(80, 0);
  const order: string[] = [];
  const big = mem.reserve(60, 5000).then(() => order.push('big'));
  const small = mem.reserve(10, 5000).then(() => order.push('small'));
  assert.equal(mem.waiting, 2, 'the small one queues behind the big one even though it would fit');
  mem.release(50);
  await Promise.all([big, small]);
  assert.deepEqual(order, ['big', 'small']);
  assert.equal(mem.usedBytes, 100);
  await assert.rejects(mem.reserve(1, 20), KafkaBlockTimeoutError);
  assert.equal(mem.waiting, 0);
  await assert.rejects(mem.reserve(101, 1000), KafkaArgumentError);
});
