// The leader's check of a follower's last fetched epoch (Fetch v12+), over Kafka 2.8's cases: no epoch sent, a fetch
// that continues the leader's log, an epoch the leader's log ends earlier, an epoch the leader never had, and the
// out-of-range answers.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { divergingEpoch } from '../../../../src/kafka/broker/replica/diverging-epoch.js';
import { ReplicaError } from '../../../../src/kafka/broker/replica/replica-errors.js';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { LeaderEpochCache } from '../../../../src/kafka/storage/leader-epoch-cache.js';
import { kafkaTempDir } from '../../../support/kafka-log.js';

/** The leader's endOffsetFor over a real epoch cache holding `entries` (epoch, start offset), its log ending at `leo`. */
async function leaderEpochs(entries: Array<[number, number]>, leo: number) {
  const tmp = kafkaTempDir('diverging-epoch-');
  const cache = await LeaderEpochCache.load(tmp.path);
  for (const [epoch, start] of entries) await cache.assign(epoch, start);
  return { endOffsetFor: (epoch: number) => cache.endOffsetFor(epoch, leo), remove: () => tmp.remove() };
}

test('a fetch that continues the leader\'s log, or names no epoch, is not diverging', async () => {
  const leader = await leaderEpochs([[0, 0], [2, 10], [4, 20]], 30);
  try {
    assert.equal(divergingEpoch(-1, 25, leader.endOffsetFor, 0), null, 'no epoch sent: no check');
    assert.equal(divergingEpoch(4, 30, leader.endOffsetFor, 0), null, 'the current epoch at the log end');
    assert.equal(divergingEpoch(4, 25, leader.endOffsetFor, 0), null);
    assert.equal(divergingEpoch(2, 20, leader.endOffsetFor, 0), null, 'epoch 2 ends at 20 in the leader\'s log too');
    assert.equal(divergingEpoch(2, 15, leader.endOffsetFor, 0), null, 'a follower still inside epoch 2');
  } finally {
    leader.remove();
  }
});

test('an epoch ending earlier in the leader\'s log, or one the leader never had, diverges at the leader\'s end of it', async () => {
  const leader = await leaderEpochs([[0, 0], [2, 10], [4, 20]], 30);
  try {
    // The follower kept writing epoch 2 past 20 (it led it longer than the leader knows).
    assert.deepEqual(divergingEpoch(2, 23, leader.endOffsetFor, 0), { epoch: 2, endOffset: 20 });
    // The follower led epoch 3 alone: the leader's largest epoch below it is 2, ending at 20.
    assert.deepEqual(divergingEpoch(3, 22, leader.endOffsetFor, 0), { epoch: 2, endOffset: 20 });
    assert.deepEqual(divergingEpoch(3, 20, leader.endOffsetFor, 0), { epoch: 2, endOffset: 20 }, 'a smaller epoch diverges even at the same offset');
    assert.deepEqual(divergingEpoch(1, 12, leader.endOffsetFor, 0), { epoch: 0, endOffset: 10 });
  } finally {
    leader.remove();
  }
});

test('an epoch the leader cannot place, or an offset below its log start, is OFFSET_OUT_OF_RANGE', async () => {
  const empty = await leaderEpochs([], 0);
  const leader = await leaderEpochs([[3, 40], [5, 50]], 60);
  const outOfRange = (err: unknown) => err instanceof ReplicaError && err.errorCode === ErrorCode.OFFSET_OUT_OF_RANGE;
  try {
    assert.throws(() => divergingEpoch(2, 5, empty.endOffsetFor, 0), outOfRange, 'the leader tracks no epochs');
    assert.throws(() => divergingEpoch(6, 65, leader.endOffsetFor, 40), outOfRange, 'an epoch newer than any the leader knows');
    assert.throws(() => divergingEpoch(5, 30, leader.endOffsetFor, 40), outOfRange, 'below the log start, whatever the epochs say');
    // Older than the leader's first epoch: Kafka's cache answers the first epoch's start, which the follower is past.
    assert.deepEqual(divergingEpoch(1, 45, leader.endOffsetFor, 40), { epoch: 1, endOffset: 40 });
  } finally {
    empty.remove();
    leader.remove();
  }
});
