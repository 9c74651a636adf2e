// When to take the next snapshot, randomised as SyncRequestProcessor does so that the servers of an ensemble do
// not all snapshot at once. Apache snapshots once logCount > snapCount/2 + randRoll, randRoll in [0, snapCount/2),
// and once logSize > snapSizeInBytes/2 + randSize, randSize in [0, snapSizeInBytes/2).

/** Txns logged since the last snapshot at which to snapshot: in [snapCount/2 + 1, snapCount] (integer halves). */
export function randomSnapThreshold(snapCount: number, random: () => number): number {
  const half = Math.trunc(snapCount / 2);
  const roll = half > 0 ? Math.min(half - 1, Math.floor(random() * half)) : 0;
  return half + roll + 1;
}

/** Log bytes since the last snapshot at which to snapshot, or Infinity when the size limit is off (<= 0). */
export function randomSnapSizeThresholdBytes(snapSizeLimitBytes: number, random: () => number): number {
  if (snapSizeLimitBytes <= 0) return Infinity;
  const half = Math.trunc(snapSizeLimitBytes / 2);
  const roll = half > 0 ? Math.min(half - 1, Math.floor(random() * half)) : 0;
  return half + roll + 1;
}

/**
 * SyncRequestProcessor.shouldSnapshot: after each logged txn, snapshot once more than snapCount/2 + randRoll txns
 * were logged, or the log files written since the last snapshot (preallocation included, as
 * FileTxnLog.getTotalLogSize counts them) hold more than snapSizeLimit/2 + randSize bytes. Both thresholds are
 * drawn again at every snapshot.
 */
export class SnapshotTrigger {
  private txns = 0;
  private countThreshold = 0;
  private sizeThresholdBytes = 0;

  constructor(
    private readonly snapCount: number,
    private readonly snapSizeLimitBytes: number,
    private readonly random: () => number = Math.random,
  ) {
    this.reset();
  }

  /** The txn count and log size at which the next snapshot is due. */
  get thresholds(): { txns: number; logBytes: number } {
    return { txns: this.countThreshold, logBytes: this.sizeThresholdBytes };
  }

  /** Counts one logged txn; true when a snapshot is due (the caller then rolls the log and calls reset()). */
  onTxnLogged(totalLogBytes: number): boolean {
    this.txns++;
    return this.txns >= this.countThreshold || totalLogBytes >= this.sizeThresholdBytes;
  }

  reset(): void {
    this.txns = 0;
    this.countThreshold = randomSnapThreshold(this.snapCount, this.random);
    this.sizeThresholdBytes = randomSnapSizeThresholdBytes(this.snapSizeLimitBytes, this.random);
  }
}
