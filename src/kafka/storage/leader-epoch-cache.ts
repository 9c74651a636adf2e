// The leader-epoch cache of a partition (Kafka's LeaderEpochFileCache) and its `leader-epoch-checkpoint` file:
// for each leader epoch the first offset written in it, increasing in both. Followers use endOffsetFor to find
// where their log diverges from the leader's; truncation keeps the cache in step with the log.
import * as path from 'node:path';
import { CheckpointWriter, parseNonNegative, readCheckpointFile } from './checkpoint-file.js';

export const LEADER_EPOCH_CHECKPOINT = 'leader-epoch-checkpoint';
export const UNDEFINED_EPOCH = -1;
export const UNDEFINED_EPOCH_OFFSET = -1;

export interface EpochEntry {
  epoch: number;
  startOffset: number;
}

function parseEntry(fields: string[]): EpochEntry | null {
  if (fields.length !== 2) return null;
  const epoch = parseNonNegative(fields[0]);
  const startOffset = parseNonNegative(fields[1]);
  return epoch === null || startOffset === null || epoch > 0x7fffffff ? null : { epoch, startOffset };
}

export class LeaderEpochCache {
  private entries: EpochEntry[];
  private readonly writer: CheckpointWriter;

  private constructor(readonly file: string, entries: EpochEntry[]) {
    this.entries = entries;
    this.writer = new CheckpointWriter(file);
  }

  /** Reads `<partitionDir>/leader-epoch-checkpoint` (missing = empty). Throws LogDirError on bad content. */
  static load(partitionDir: string): LeaderEpochCache {
    const file = path.join(partitionDir, LEADER_EPOCH_CHECKPOINT);
    const entries = readCheckpointFile(file, parseEntry);
    const cache = new LeaderEpochCache(file, []);
    for (const e of entries) cache.assignEntry(e);
    return cache;
  }

  epochEntries(): readonly EpochEntry[] {
    return this.entries;
  }

  latestEntry(): EpochEntry | null {
    return this.entries.at(-1) ?? null;
  }

  latestEpoch(): number | null {
    return this.latestEntry()?.epoch ?? null;
  }

  earliestEntry(): EpochEntry | null {
    return this.entries[0] ?? null;
  }

  /**
   * Records that `epoch` starts at `startOffset`. Entries that would break monotonicity (epoch ≥ the new one or
   * start ≥ the new start) are dropped first. Resolves once the file holds the change (at once when nothing changed).
   */
  assign(epoch: number, startOffset: number): Promise<void> {
    if (epoch < 0 || startOffset < 0) throw new RangeError(`invalid leader epoch entry (${epoch}, ${startOffset})`);
    return this.assignEntry({ epoch, startOffset }) ? this.flush() : Promise.resolve();
  }

  private assignEntry(entry: EpochEntry): boolean {
    const last = this.latestEntry();
    if (last && entry.epoch === last.epoch && entry.startOffset >= last.startOffset) return false;
    this.removeFromEnd((e) => e.epoch >= entry.epoch || e.startOffset >= entry.startOffset);
    this.entries.push(entry);
    return true;
  }

  /**
   * For a follower's OffsetsForLeaderEpoch: the largest epoch ≤ requested that this log knows, and the offset
   * where the next epoch starts (the log end offset for the latest epoch); (-1, -1) when requested is undefined
   * or newer than every known epoch.
   */
  endOffsetFor(requestedEpoch: number, logEndOffset: number): EpochEntry & { endOffset: number } {
    const undefinedResult = { epoch: UNDEFINED_EPOCH, startOffset: UNDEFINED_EPOCH_OFFSET, endOffset: UNDEFINED_EPOCH_OFFSET };
    if (requestedEpoch === UNDEFINED_EPOCH) return undefinedResult;
    const latest = this.latestEntry();
    if (latest && latest.epoch === requestedEpoch) return { epoch: requestedEpoch, startOffset: latest.startOffset, endOffset: logEndOffset };
    const higher = this.entries.find((e) => e.epoch > requestedEpoch);
    if (!higher) return undefinedResult;
    let floor: EpochEntry | undefined;
    for (const e of this.entries) if (e.epoch <= requestedEpoch) floor = e;
    return floor
      ? { epoch: floor.epoch, startOffset: floor.startOffset, endOffset: higher.startOffset }
      : { epoch: requestedEpoch, startOffset: UNDEFINED_EPOCH_OFFSET, endOffset: higher.startOffset };
  }

  /** Drops entries starting at or after `endOffset` (the log was truncated to it). */
  truncateFromEnd(endOffset: number): Promise<void> {
    const last = this.latestEntry();
    if (endOffset < 0 || !last || last.startOffset < endOffset) return Promise.resolve();
    this.removeFromEnd((e) => e.startOffset >= endOffset);
    return this.flush();
  }

  /**
   * The log now starts at `startOffset`: entries starting at or before it go, and the last of them comes back
   * starting at `startOffset`, so the epoch of the first remaining offset stays known.
   */
  truncateFromStart(startOffset: number): Promise<void> {
    if (startOffset < 0) return Promise.resolve();
    let removed = 0;
    while (removed < this.entries.length && this.entries[removed]!.startOffset <= startOffset) removed++;
    if (removed === 0) return Promise.resolve();
    const lastRemoved = this.entries[removed - 1]!;
    this.entries = [{ epoch: lastRemoved.epoch, startOffset }, ...this.entries.slice(removed)];
    return this.flush();
  }

  clearAndFlush(): Promise<void> {
    this.entries = [];
    return this.flush();
  }

  /** Writes the current entries (tmp + fsync + rename). */
  flush(): Promise<void> {
    return this.writer.write(() => this.entries.map((e) => `${e.epoch} ${e.startOffset}`));
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }

  private removeFromEnd(predicate: (e: EpochEntry) => boolean): void {
    let keep = this.entries.length;
    while (keep > 0 && predicate(this.entries[keep - 1]!)) keep--;
    this.entries.length = keep;
  }
}
