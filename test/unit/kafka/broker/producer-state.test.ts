import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { ProducerStateManager } from '../../../../src/kafka/broker/replica/producer-state.js';

const batch = (producerId: number, producerEpoch: number, baseSequence: number, count: number) => ({
  producerId, producerEpoch, baseSequence, lastSequence: baseSequence + count - 1,
});
const appended = (b: ReturnType<typeof batch>, firstOffset: number) => ({ ...b, firstOffset, lastOffset: firstOffset + b.lastSequence - b.baseSequence, maxTimestamp: 5 });

test('sequences: a new producer starts at 0, then each batch follows the last; gaps and repeats outside the cache are refused', () => {
  const s = new ProducerStateManager();
  assert.deepEqual(s.check(batch(1, 0, 3, 1)).kind, 'error');
  assert.equal((s.check(batch(1, 0, 3, 1)) as { errorCode: number }).errorCode, ErrorCode.UNKNOWN_PRODUCER_ID);
  assert.deepEqual(s.check(batch(1, 0, 0, 2)), { kind: 'append' });
  s.update(appended(batch(1, 0, 0, 2), 10), 0);
  assert.deepEqual(s.check(batch(1, 0, 2, 1)), { kind: 'append' });
  assert.equal((s.check(batch(1, 0, 3, 1)) as { errorCode: number }).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.deepEqual(s.lastState(1), { epoch: 0, lastSequence: 1 });
});

test('the last five batches are recognised as duplicates with their offsets; older ones are out of order', () => {
  const s = new ProducerStateManager();
  for (let i = 0; i < 7; i++) s.update(appended(batch(9, 2, i * 2, 2), 100 + i * 2), 0);
  assert.deepEqual(s.check(batch(9, 2, 12, 2)), { kind: 'duplicate', firstOffset: 112, lastOffset: 113, maxTimestamp: 5 });
  assert.deepEqual(s.check(batch(9, 2, 4, 2)), { kind: 'duplicate', firstOffset: 104, lastOffset: 105, maxTimestamp: 5 });
  assert.equal((s.check(batch(9, 2, 2, 2)) as { errorCode: number }).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  // Same first sequence but a different length is not the same batch.
  assert.equal(s.check(batch(9, 2, 12, 1)).kind, 'error');
});

test('epochs: an older epoch is fenced, a newer one must start at sequence 0, and then replaces the old state', () => {
  const s = new ProducerStateManager();
  s.update(appended(batch(3, 1, 0, 1), 0), 0);
  assert.equal((s.check(batch(3, 0, 1, 1)) as { errorCode: number }).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal((s.check(batch(3, 2, 5, 1)) as { errorCode: number }).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.deepEqual(s.check(batch(3, 2, 0, 1)), { kind: 'append' });
  s.update(appended(batch(3, 2, 0, 1), 1), 0);
  assert.deepEqual(s.lastState(3), { epoch: 2, lastSequence: 0 });
});

test('sequence numbers wrap from 2^31-1 to 0', () => {
  const s = new ProducerStateManager();
  s.update({ producerId: 5, producerEpoch: 0, baseSequence: 0x7ffffffe, lastSequence: 0x7fffffff, firstOffset: 0, lastOffset: 1, maxTimestamp: 0 }, 0);
  assert.deepEqual(s.check(batch(5, 0, 0, 1)), { kind: 'append' });
});

test('bounded: producers expire after producer.id.expiration.ms, and beyond the cap the least recently active go', () => {
  const s = new ProducerStateManager(1000, 3);
  for (let id = 1; id <= 4; id++) s.update(appended(batch(id, 0, 0, 1), id), id * 100);
  assert.equal(s.size, 3);
  assert.equal(s.lastState(1), null);
  s.update(appended(batch(2, 0, 1, 1), 10), 1500);
  assert.equal(s.removeExpired(1350), 1);
  assert.deepEqual([s.lastState(3), s.lastState(4)?.lastSequence, s.lastState(2)?.lastSequence], [null, 0, 1]);
});
