import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { ProducerStateManager } from '../../../../src/kafka/broker/replica/producer-state.js';

const txnBatch = (producerId: number, epoch: number, seq: number, firstOffset: number, count = 1) => ({
  producerId, producerEpoch: epoch, baseSequence: seq, lastSequence: seq + count - 1, firstOffset, lastOffset: firstOffset + count - 1,
  maxTimestamp: 1, isTransactional: true,
});
const marker = (producerId: number, epoch: number, offset: number, commit: boolean, coordinatorEpoch = 0) => ({
  producerId, producerEpoch: epoch, coordinatorEpoch, commit, offset, timestamp: 2,
});

test('a transactional batch opens the transaction, later ones extend it, a marker ends it', () => {
  const s = new ProducerStateManager();
  s.update(txnBatch(1, 0, 0, 10, 2), 0);
  s.update(txnBatch(1, 0, 2, 12), 0);
  assert.deepEqual(s.txnState(1), { currentTxnFirstOffset: 10, coordinatorEpoch: -1 });
  assert.deepEqual(s.ongoingTxnFirstOffsets(), [10]);
  assert.equal(s.endTxn(marker(1, 0, 13, true, 4), 0), null, 'a COMMIT has no .txnindex entry');
  assert.deepEqual(s.txnState(1), { currentTxnFirstOffset: -1, coordinatorEpoch: 4 });
  assert.deepEqual(s.ongoingTxnFirstOffsets(), []);
  // The next transactional batch opens a new one.
  s.update(txnBatch(1, 0, 3, 14), 0);
  assert.equal(s.txnState(1)?.currentTxnFirstOffset, 14);
});

test('an ABORT gives the entry with the last stable offset: the first open transaction of another producer, else the next offset', () => {
  const s = new ProducerStateManager();
  s.update(txnBatch(1, 0, 0, 0), 0);
  s.update(txnBatch(2, 0, 0, 1), 0);
  s.update(txnBatch(1, 0, 1, 2), 0);
  assert.deepEqual(s.endTxn(marker(1, 0, 3, false), 0), { producerId: 1, firstOffset: 0, lastOffset: 3, lastStableOffset: 1 });
  assert.deepEqual(s.endTxn(marker(2, 0, 4, false), 0), { producerId: 2, firstOffset: 1, lastOffset: 4, lastStableOffset: 5 });
  // A marker with no transaction open ends an empty one at its own offset.
  assert.deepEqual(s.endTxn(marker(3, 0, 5, false), 0), { producerId: 3, firstOffset: 5, lastOffset: 5, lastStableOffset: 6 });
});

test('first unstable offset: open transactions, then completed ones until the high watermark passes their marker', () => {
  const s = new ProducerStateManager();
  assert.equal(s.firstUnstableOffset(0), null);
  s.update(txnBatch(1, 0, 0, 5), 0);
  s.update(txnBatch(2, 0, 0, 7), 0);
  assert.equal(s.firstUnstableOffset(6), 5);
  s.endTxn(marker(1, 0, 8, true), 0);
  assert.equal(s.firstUnstableOffset(8), 5, 'the marker at 8 is not below the high watermark yet');
  assert.equal(s.firstUnstableOffset(9), 7, 'replicated: only producer 2 is open');
  s.endTxn(marker(2, 0, 9, false), 0);
  assert.equal(s.firstUnstableOffset(9), 7);
  assert.equal(s.firstUnstableOffset(10), null);
  // Idempotent, non-transactional batches never make anything unstable.
  s.update({ ...txnBatch(4, 0, 0, 10), isTransactional: false }, 0);
  assert.equal(s.firstUnstableOffset(11), null);
});

test('fencing: an older producer epoch is INVALID_PRODUCER_EPOCH, an older coordinator epoch TRANSACTION_COORDINATOR_FENCED', () => {
  const s = new ProducerStateManager();
  s.update(txnBatch(1, 3, 0, 0), 0);
  assert.deepEqual(s.checkMarker(1, 3, 0), { kind: 'append' });
  assert.equal((s.checkMarker(1, 2, 0) as { errorCode: number }).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  s.endTxn(marker(1, 3, 1, false, 5), 0);
  assert.equal((s.checkMarker(1, 3, 4) as { errorCode: number }).errorCode, ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  assert.deepEqual(s.checkMarker(1, 4, 5), { kind: 'append' });
  // A marker with a newer epoch (the coordinator bumped it when aborting) moves the producer to it.
  s.endTxn(marker(1, 4, 2, false, 6), 0);
  assert.equal(s.lastState(1)?.epoch, 4);
  assert.equal((s.check({ producerId: 1, producerEpoch: 3, baseSequence: 1, lastSequence: 1, isTransactional: true }) as { errorCode: number }).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
});

test('origins: a coordinator appends with sequence -1 and opens the transaction; a non-transactional write inside one is refused', () => {
  const s = new ProducerStateManager();
  const offsets = { producerId: 9, producerEpoch: 1, baseSequence: -1, lastSequence: -1, isTransactional: true };
  assert.equal(s.check(offsets, 'client').kind, 'error');
  assert.deepEqual(s.check(offsets, 'coordinator'), { kind: 'append' });
  s.update({ ...offsets, firstOffset: 40, lastOffset: 40, maxTimestamp: 3 }, 0);
  assert.equal(s.txnState(9)?.currentTxnFirstOffset, 40);
  assert.equal((s.check({ ...offsets, isTransactional: false }, 'coordinator') as { errorCode: number }).errorCode, ErrorCode.INVALID_TXN_STATE);
  assert.equal((s.check({ ...offsets, producerEpoch: 0 }, 'coordinator') as { errorCode: number }).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
});

test('snapshots keep the open transaction and coordinator epoch; loading one restores the open transactions; expiry spares them', () => {
  const s = new ProducerStateManager(1000);
  s.update(txnBatch(1, 2, 0, 30, 3), 0);
  s.update(txnBatch(2, 0, 0, 10), 0);
  s.endTxn(marker(2, 0, 11, true, 7), 0);
  const entries = s.snapshotEntries();
  assert.deepEqual(entries.find((e) => e.producerId === 1), {
    producerId: 1, producerEpoch: 2, lastSequence: 2, lastOffset: 32, offsetDelta: 2, timestamp: 1, coordinatorEpoch: -1, currentTxnFirstOffset: 30,
  });
  assert.equal(entries.find((e) => e.producerId === 2)?.coordinatorEpoch, 7);
  const loaded = new ProducerStateManager(1000);
  loaded.loadSnapshot(entries, 0);
  assert.deepEqual(loaded.ongoingTxnFirstOffsets(), [30]);
  assert.equal(loaded.firstUnstableOffset(100), 30);
  assert.equal((loaded.checkMarker(2, 0, 6) as { errorCode: number }).errorCode, ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  assert.equal(loaded.removeExpired(5000), 1, 'producer 2 expires; producer 1 is in a transaction');
  assert.equal(loaded.txnState(1)?.currentTxnFirstOffset, 30);
});
