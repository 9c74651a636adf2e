// The leader's ISR and high-watermark decisions and the follower's truncation point, as pure functions.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  afterFollowerFetch, canJoinIsr, followerOnLeadership, leaderHighWatermark, outOfSyncReplicas, UNKNOWN_FOLLOWER, type FollowerFetchState,
} from '../../../../src/kafka/broker/replica/isr-decisions.js';
import { truncationPoint, type EpochEndOffset } from '../../../../src/kafka/broker/replica/truncation.js';

const LAG = 30_000;

test('a follower is caught up when it asks for the leader log end, or has what the leader had at its previous fetch', () => {
  let f = followerOnLeadership(false, 10, 1000);
  assert.equal(f.lastCaughtUpTimeMs, 0);
  f = afterFollowerFetch(f, 5, 20, 2000);
  assert.equal(f.lastCaughtUpTimeMs, 0, 'behind both the leader end now and at its previous fetch');
  assert.equal(f.logEndOffset, 5);
  f = afterFollowerFetch(f, 20, 30, 3000);
  assert.equal(f.lastCaughtUpTimeMs, 2000, 'it has what the leader had at the previous fetch: caught up as of then');
  f = afterFollowerFetch(f, 30, 30, 4000);
  assert.equal(f.lastCaughtUpTimeMs, 4000, 'at the leader end: caught up now');
  f = afterFollowerFetch(f, 30, 35, 3500);
  assert.equal(f.lastCaughtUpTimeMs, 4000, 'never moves back');
});

test('ISR shrink: only followers behind the leader end and not caught up for longer than the lag limit; never the leader', () => {
  const followers = new Map<number, FollowerFetchState>([
    [2, { logEndOffset: 100, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: 100, lastFetchTimeMs: 0 }],
    [3, { logEndOffset: 90, lastCaughtUpTimeMs: 50_000, lastFetchLeaderLogEndOffset: 100, lastFetchTimeMs: 50_000 }],
    [4, { logEndOffset: 90, lastCaughtUpTimeMs: 10_000, lastFetchLeaderLogEndOffset: 100, lastFetchTimeMs: 50_000 }],
  ]);
  assert.deepEqual(outOfSyncReplicas([1, 2, 3, 4, 5], 1, 100, followers, 60_000, LAG), [4, 5], '2 is at the end, 3 caught up 10 s ago, 5 never fetched');
  assert.deepEqual(outOfSyncReplicas([1], 1, 100, new Map(), 1e9, LAG), [], 'a lone leader stays');
  assert.deepEqual(outOfSyncReplicas([1, 4], 1, 100, followers, 40_000, LAG), [], 'exactly at the limit is still in sync');
  assert.deepEqual(outOfSyncReplicas([1, 4], 1, 100, followers, 40_001, LAG), [4]);
});

test('ISR expand: a follower joins at or past the high watermark and the start of the leader epoch', () => {
  const at = (logEndOffset: number): FollowerFetchState => ({ ...UNKNOWN_FOLLOWER, logEndOffset });
  assert.equal(canJoinIsr(at(50), 50, 40), true);
  assert.equal(canJoinIsr(at(49), 50, 40), false, 'below the high watermark');
  assert.equal(canJoinIsr(at(50), 30, 60), false, 'below the leader epoch start');
  assert.equal(canJoinIsr(UNKNOWN_FOLLOWER, 0, 0), false, 'never fetched');
});

test('high watermark: smallest log end over the maximal ISR and recently caught-up followers; only forward', () => {
  const followers = new Map<number, FollowerFetchState>([
    [2, { logEndOffset: 80, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: 0, lastFetchTimeMs: 0 }],
    [3, { logEndOffset: 60, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: 0, lastFetchTimeMs: 0 }],
  ]);
  assert.equal(leaderHighWatermark(10, 100, [1, 2, 3], followers, 100_000, LAG), 60);
  assert.equal(leaderHighWatermark(10, 100, [1, 2], followers, 100_000, LAG), 80, '3 is out of the ISR and long behind');
  assert.equal(leaderHighWatermark(10, 100, [1], followers, 100_000, LAG), 100, 'a lone leader: its own log end');
  const recent = new Map(followers).set(3, { ...followers.get(3)!, lastCaughtUpTimeMs: 90_000 });
  assert.equal(leaderHighWatermark(10, 100, [1, 2], recent, 100_000, LAG), 60, 'a follower caught up recently counts though outside the ISR');
  assert.equal(leaderHighWatermark(70, 100, [1, 2, 3], followers, 100_000, LAG), 70, 'never backwards');
  const fresh = new Map(followers).set(2, followerOnLeadership(true, 100, 100_000));
  assert.equal(leaderHighWatermark(40, 100, [1, 2], fresh, 100_000, LAG), 40, 'an ISR member that has not fetched under this leader holds it');
});

/** A follower epoch cache as (epoch, startOffset) entries, answering endOffsetFor as LeaderEpochFileCache does. */
function cache(entries: Array<[number, number]>, logEndOffset: number): (epoch: number) => EpochEndOffset {
  return (requested) => {
    const last = entries.at(-1);
    if (requested === -1 || !last || requested > last[0]) return { epoch: -1, endOffset: -1 };
    if (requested === last[0]) return { epoch: requested, endOffset: logEndOffset };
    const higher = entries.find(([e]) => e > requested)!;
    const floor = entries.filter(([e]) => e <= requested).at(-1);
    return { epoch: floor ? floor[0] : requested, endOffset: higher[1] };
  };
}

test('truncation: the follower cuts back to where its epoch history and the leader\'s part', () => {
  // Both know epoch 1 (0..10); the follower then led epoch 3 and wrote 3 records nobody else has.
  assert.deepEqual(truncationPoint({ epoch: 1, endOffset: 10 }, cache([[1, 0], [3, 10]], 13), 13, 10), { offset: 10, done: true });
  // The leader answers with epoch 2 (10..12 in its log), which the follower never saw: back to the end of the
  // follower's epoch 1, then ask again with epoch 1.
  assert.deepEqual(truncationPoint({ epoch: 2, endOffset: 12 }, cache([[1, 0], [3, 10]], 13), 13, 10), { offset: 10, done: false });
  assert.deepEqual(truncationPoint({ epoch: 1, endOffset: 10 }, cache([[1, 0]], 10), 10, 10), { offset: 10, done: true });
  // Same epoch, the leader's ends earlier: truncate to the leader's end.
  assert.deepEqual(truncationPoint({ epoch: 3, endOffset: 25 }, cache([[1, 0], [3, 20]], 30), 30, 22), { offset: 25, done: true });
  // Same epoch, the follower's ends earlier: nothing to remove.
  assert.deepEqual(truncationPoint({ epoch: 3, endOffset: 40 }, cache([[1, 0], [3, 20]], 30), 30, 22), { offset: 30, done: true });
  // The leader knows no such epoch: fall back to the high watermark.
  assert.deepEqual(truncationPoint({ epoch: -1, endOffset: -1 }, cache([[5, 0]], 30), 30, 22), { offset: 22, done: true });
  // The leader's epoch is older than any the follower knows: as LeaderEpochFileCache answers, up to the follower's
  // first epoch start.
  assert.deepEqual(truncationPoint({ epoch: 1, endOffset: 7 }, cache([[4, 5]], 12), 12, 0), { offset: 5, done: true });
  // The follower tracks no epochs at all: the leader's end offset is the safe point.
  assert.deepEqual(truncationPoint({ epoch: 1, endOffset: 7 }, cache([], 12), 12, 0), { offset: 7, done: true });
});
