// `.timeindex`: 12-byte entries (int64 timestamp, int32 offset relative to the segment base). An entry (t, o)
// means the largest timestamp seen up to offset o is t; timestamps and offsets never decrease. The last slot is
// kept free for the entry written when the segment is rolled.
import { NO_TIMESTAMP, readInt64 } from './batch-header.js';
import { IndexFile } from './index-file.js';

export const TIME_INDEX_ENTRY_BYTES = 12;

export interface TimestampOffset {
  timestamp: number;
  offset: number;
}

export class TimeIndex extends IndexFile {
  private constructor(file: string, fd: number, baseOffset: number) {
    super(file, fd, baseOffset, TIME_INDEX_ENTRY_BYTES);
  }

  static async open(file: string, baseOffset: number, maxIndexSizeBytes: number, create = false): Promise<TimeIndex> {
    return IndexFile.openIndex(file, maxIndexSizeBytes, create, (fd) => new TimeIndex(file, fd, baseOffset));
  }

  override isFull(): boolean {
    return this.entryCount >= this.capacity - 1;
  }

  private timestampAt = (slot: number): number => readInt64(this.mirror, slot * TIME_INDEX_ENTRY_BYTES);
  private relativeOffsetAt = (slot: number): number => this.mirror.readInt32BE(slot * TIME_INDEX_ENTRY_BYTES + 8);

  entry(slot: number): TimestampOffset {
    return { timestamp: this.timestampAt(slot), offset: this.baseOffset + this.relativeOffsetAt(slot) };
  }

  /** The last entry; (-1, base) when empty. Needs the entries loaded. */
  lastEntry(): TimestampOffset {
    return this.entryCount === 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(this.entryCount - 1);
  }

  /** The last entry read from the file alone (no full load); (-1, base) when empty. */
  async lastEntryOnDisk(): Promise<TimestampOffset> {
    if (this.loaded) return this.lastEntry();
    const last = await this.readLastEntry();
    return last ? { timestamp: readInt64(last, 0), offset: this.baseOffset + last.readInt32BE(8) } : { timestamp: NO_TIMESTAMP, offset: this.baseOffset };
  }

  /** The entry with the greatest timestamp ≤ target; (-1, base) when there is none. Needs the entries loaded. */
  lookup(targetTimestamp: number): TimestampOffset {
    const slot = this.largestLowerBoundSlot(targetTimestamp, this.timestampAt);
    return slot < 0 ? { timestamp: NO_TIMESTAMP, offset: this.baseOffset } : this.entry(slot);
  }

  /**
   * Appends (timestamp, offset) when the timestamp is larger than the last one (Kafka's maybeAppend). `skipFullCheck`
   * is for the entry written on roll, which may take the reserved last slot.
   */
  maybeAppend(timestamp: number, offset: number, skipFullCheck = false): void {
    if (!skipFullCheck && this.isFull()) throw new Error(`${this.file}: time index is full (${this.entryCount} entries)`);
    const last = this.lastEntry();
    if (this.entryCount > 0 && offset < last.offset) {
      throw new Error(`${this.file}: offset ${offset} is before the last indexed offset ${last.offset}`);
    }
    if (this.entryCount > 0 && timestamp < last.timestamp) {
      throw new Error(`${this.file}: timestamp ${timestamp} is before the last indexed timestamp ${last.timestamp}`);
    }
    if (timestamp <= last.timestamp) return;
    if (this.entryCount >= this.capacity) return;
    const pos = this.slotForAppend();
    this.mirror.writeBigInt64BE(BigInt(timestamp), pos);
    this.mirror.writeInt32BE(offset - this.baseOffset, pos + 8);
    this.commitEntry();
  }

  /** Removes the entries whose offset is ≥ `offset`. Needs the entries loaded. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, this.relativeOffsetAt);
    const keep = slot < 0 ? 0 : this.relativeOffsetAt(slot) + this.baseOffset === offset ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  async sanityProblem(fileBytes: number): Promise<string | null> {
    if (fileBytes % TIME_INDEX_ENTRY_BYTES !== 0) return `length ${fileBytes} is not a multiple of ${TIME_INDEX_ENTRY_BYTES}`;
    const last = await this.readLastEntry();
    if (!last) return null;
    if (last.readInt32BE(8) < 0) return `last entry has an offset below the base offset ${this.baseOffset}`;
    return null;
  }
}
