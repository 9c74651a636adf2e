// Where a follower truncates its log before fetching from a new leader (Kafka 2.8's
// AbstractFetcherThread.getOffsetTruncationState): the leader answered OffsetsForLeaderEpoch for the follower's latest
// epoch with the largest epoch it knows at or below it and where that epoch ends in its log. Everything from the
// point where the two histories diverge goes, so no two replicas hold different records at one offset. Pure.

export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEndOffset {
  epoch: number;
  endOffset: number;
}

export interface TruncationPoint {
  /** Truncate the log to this offset (a no-op when at or past its end). */
  offset: number;
  /** False: the follower lacked the leader's epoch and must ask again with its (now smaller) latest epoch. */
  done: boolean;
}

/**
 * @param leader the leader's answer for the follower's latest epoch
 * @param followerEndOffsetFor the follower's own endOffsetFor over its epoch cache (undefined answers as -1/-1)
 * @param logEndOffset the follower's log end offset
 * @param highWatermark the follower's high watermark (the fallback when the leader knows no such epoch)
 */
export function truncationPoint(
  leader: EpochEndOffset,
  followerEndOffsetFor: (epoch: number) => EpochEndOffset,
  logEndOffset: number,
  highWatermark: number,
): TruncationPoint {
  if (leader.endOffset === UNDEFINED_EPOCH_OFFSET) return { offset: Math.min(highWatermark, logEndOffset), done: true };
  if (leader.epoch === UNDEFINED_EPOCH) return { offset: Math.min(leader.endOffset, logEndOffset), done: true };
  const own = followerEndOffsetFor(leader.epoch);
  if (own.endOffset === UNDEFINED_EPOCH_OFFSET) {
    // The follower tracked no epoch that old: the leader's end of it is the safe point.
    return { offset: Math.min(leader.endOffset, logEndOffset), done: true };
  }
  if (own.epoch !== leader.epoch) {
    // The follower never saw the leader's epoch: cut back to the end of its own largest smaller one and ask again.
    return { offset: Math.min(own.endOffset, logEndOffset), done: false };
  }
  return { offset: Math.min(own.endOffset, leader.endOffset, logEndOffset), done: true };
}
