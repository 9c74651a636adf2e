// The leader's replication decisions (Kafka 2.8's Replica.updateFetchState, Partition.isFollowerOutOfSync,
// isFollowerInSync and maybeIncrementLeaderHW), pure over the follower states the leader keeps: when a follower last
// caught up with the leader's log end, which followers fall out of the ISR after replica.lag.time.max.ms, which may
// join it, and the high watermark. Time comes in as numbers.

/** What the leader knows of one follower, from its fetches. */
export interface FollowerFetchState {
  /** The follower's fetch offset: everything before it is in its log. -1 until it fetched under this leader. */
  logEndOffset: number;
  /** When the follower last had everything the leader had (0: never under this leader). */
  lastCaughtUpTimeMs: number;
  /** The leader's log end offset at the follower's previous fetch. */
  lastFetchLeaderLogEndOffset: number;
  lastFetchTimeMs: number;
}

export const UNKNOWN_FOLLOWER: FollowerFetchState = { logEndOffset: -1, lastCaughtUpTimeMs: 0, lastFetchLeaderLogEndOffset: -1, lastFetchTimeMs: 0 };

/**
 * The state after a fetch from `fetchOffset` at `nowMs`: caught up now if it asked for the leader's log end, or caught
 * up as of its previous fetch if it now has everything the leader had then.
 */
export function afterFollowerFetch(prev: FollowerFetchState, fetchOffset: number, leaderLogEndOffset: number, nowMs: number): FollowerFetchState {
  let lastCaughtUpTimeMs = prev.lastCaughtUpTimeMs;
  if (fetchOffset >= leaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, nowMs);
  else if (fetchOffset >= prev.lastFetchLeaderLogEndOffset) lastCaughtUpTimeMs = Math.max(lastCaughtUpTimeMs, prev.lastFetchTimeMs);
  return { logEndOffset: fetchOffset, lastCaughtUpTimeMs, lastFetchLeaderLogEndOffset: leaderLogEndOffset, lastFetchTimeMs: nowMs };
}

/** A new leader's view of a follower: ISR members count as caught up now, the others never; log end unknown. */
export function followerOnLeadership(inIsr: boolean, leaderLogEndOffset: number, nowMs: number): FollowerFetchState {
  return { logEndOffset: -1, lastCaughtUpTimeMs: inIsr ? nowMs : 0, lastFetchLeaderLogEndOffset: leaderLogEndOffset, lastFetchTimeMs: nowMs };
}

/**
 * ISR members (other than the leader) to drop: their log end differs from the leader's and they have not caught up
 * for longer than `maxLagMs`. The leader itself is never dropped, so the ISR never empties.
 */
export function outOfSyncReplicas(
  isr: readonly number[],
  leaderId: number,
  leaderLogEndOffset: number,
  followers: ReadonlyMap<number, FollowerFetchState>,
  nowMs: number,
  maxLagMs: number,
): number[] {
  return isr.filter((id) => {
    if (id === leaderId) return false;
    const f = followers.get(id) ?? UNKNOWN_FOLLOWER;
    return f.logEndOffset !== leaderLogEndOffset && nowMs - f.lastCaughtUpTimeMs > maxLagMs;
  });
}

/** A follower outside the ISR joins once it has the high watermark and everything of the current leader epoch. */
export function canJoinIsr(follower: FollowerFetchState, highWatermark: number, leaderEpochStartOffset: number): boolean {
  return follower.logEndOffset >= 0 && follower.logEndOffset >= highWatermark && follower.logEndOffset >= leaderEpochStartOffset;
}

/**
 * The high watermark the leader may move to: the smallest log end offset over itself and every follower that is in
 * the maximal ISR or caught up within `maxLagMs`. Never below `current` (it only moves forward). `followers` holds
 * every replica but the leader; one that has not fetched under this leader (log end -1) holds the mark where it is.
 */
export function leaderHighWatermark(
  current: number,
  leaderLogEndOffset: number,
  maximalIsr: readonly number[],
  followers: ReadonlyMap<number, FollowerFetchState>,
  nowMs: number,
  maxLagMs: number,
): number {
  let hw = leaderLogEndOffset;
  for (const [id, f] of followers) {
    if (maximalIsr.includes(id) || nowMs - f.lastCaughtUpTimeMs <= maxLagMs) hw = Math.min(hw, f.logEndOffset);
  }
  return Math.max(current, hw);
}
