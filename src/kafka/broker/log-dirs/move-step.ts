// What a replica's move between log dirs does next (Kafka's ReplicaAlterLogDirsThread, with the current log as its
// "leader"): the future log follows the current one until both end at the same offset, then the two are swapped.
// Pure: the task in log-dir-mover.ts reads the logs, asks, and does the step.

export interface CurrentLogView {
  logStartOffset: number;
  logEndOffset: number;
  /**
   * Where the current log's records of the future log's latest leader epoch end (OffsetsForLeaderEpoch against the
   * current log); null when the future log has no epoch yet.
   */
  endOffsetForFutureEpoch: number | null;
}

export interface FutureLogView {
  logStartOffset: number;
  logEndOffset: number;
}

export type MoveStep =
  /** The current log no longer has what the future log needs next: start the future log over at `offset`. */
  | { kind: 'restart-at'; offset: number }
  /** The current log was truncated (a follower's divergence) below what the future log holds. */
  | { kind: 'truncate-to'; offset: number }
  | { kind: 'copy-from'; offset: number }
  | { kind: 'swap' };

export function nextMoveStep(current: CurrentLogView, future: FutureLogView): MoveStep {
  if (future.logEndOffset < current.logStartOffset || future.logStartOffset > current.logEndOffset) {
    return { kind: 'restart-at', offset: current.logStartOffset };
  }
  const validEnd = Math.min(current.logEndOffset, current.endOffsetForFutureEpoch ?? current.logEndOffset);
  if (future.logEndOffset > validEnd) {
    // Below the future log's start the copy has to begin again from the current log's start.
    return validEnd < future.logStartOffset ? { kind: 'restart-at', offset: current.logStartOffset } : { kind: 'truncate-to', offset: validEnd };
  }
  if (future.logEndOffset === current.logEndOffset) return { kind: 'swap' };
  return { kind: 'copy-from', offset: future.logEndOffset };
}

/**
 * replica.alter.log.dirs.io.max.bytes.per.second as a pacing cursor: each copied chunk moves the time the next one
 * may start by its size over the rate, so the average rate stays at or below the limit. A limit of Infinity (the
 * config unset) never waits. Pure over the times it is given.
 */
export class CopyPacer {
  private nextAllowedMs = 0;

  /** How long to wait before the next chunk. */
  delayMs(nowMs: number): number {
    return Math.max(0, this.nextAllowedMs - nowMs);
  }

  /** `bytes` were copied at `nowMs` under a limit of `bytesPerSecond`. */
  copied(bytes: number, nowMs: number, bytesPerSecond: number): void {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) {
      this.nextAllowedMs = nowMs;
      return;
    }
    this.nextAllowedMs = Math.max(this.nextAllowedMs, nowMs) + (bytes * 1000) / bytesPerSecond;
  }

  /** The largest chunk worth reading at once: a second's worth under a limit, else `maxBytes`. */
  static chunkBytes(maxBytes: number, bytesPerSecond: number): number {
    if (!Number.isFinite(bytesPerSecond) || bytesPerSecond <= 0) return maxBytes;
    return Math.max(1, Math.min(maxBytes, Math.floor(bytesPerSecond)));
  }
}
