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
