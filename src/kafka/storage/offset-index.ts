// `.index`: 8-byte entries (int32 offset relative to the segment base, int32 file position), strictly
// increasing offsets. An entry (o, p) means every batch holding an offset ≥ o starts at or after p.
import { IndexFile } from './index-file.js';

export const OFFSET_INDEX_ENTRY_BYTES = 8;

export interface OffsetPosition {
  offset: number;
  position: number;
}

export class OffsetIndex extends IndexFile {
  private constructor(file: string, fd: number, baseOffset: number) {
    super(file, fd, baseOffset, OFFSET_INDEX_ENTRY_BYTES);
  }

  /** Opens `file`, creating it pre-allocated to `maxIndexSizeBytes` when `create` or missing. */
  static async open(file: string, baseOffset: number, maxIndexSizeBytes: number, create = false): Promise<OffsetIndex> {
    return IndexFile.openIndex(file, maxIndexSizeBytes, create, (fd) => new OffsetIndex(file, fd, baseOffset));
  }

  private relativeOffsetAt = (slot: number): number => this.mirror.readInt32BE(slot * OFFSET_INDEX_ENTRY_BYTES);

  entry(slot: number): OffsetPosition {
    const pos = slot * OFFSET_INDEX_ENTRY_BYTES;
    return { offset: this.baseOffset + this.mirror.readInt32BE(pos), position: this.mirror.readInt32BE(pos + 4) };
  }

  /** Offset of the last entry, the base offset when empty (needs the entries loaded). */
  get lastOffset(): number {
    return this.entryCount === 0 ? this.baseOffset : this.baseOffset + this.relativeOffsetAt(this.entryCount - 1);
  }

  /** The entry with the greatest offset ≤ target; (base, 0) when there is none. Needs the entries loaded. */
  lookup(targetOffset: number): OffsetPosition {
    const slot = this.largestLowerBoundSlot(targetOffset - this.baseOffset, this.relativeOffsetAt);
    return slot < 0 ? { offset: this.baseOffset, position: 0 } : this.entry(slot);
  }

  /** Appends (offset, position); offsets must strictly increase and the index must not be full. */
  append(offset: number, position: number): void {
    if (this.isFull()) throw new Error(`${this.file}: index is full (${this.entryCount} entries)`);
    if (this.entryCount > 0 && offset <= this.lastOffset) {
      throw new Error(`${this.file}: offset ${offset} is not larger than the last indexed offset ${this.lastOffset}`);
    }
    const pos = this.slotForAppend();
    this.mirror.writeInt32BE(offset - this.baseOffset, pos);
    this.mirror.writeInt32BE(position, pos + 4);
    this.commitEntry();
  }

  /** Removes the entries whose offset is ≥ `offset`. Needs the entries loaded. */
  truncateTo(offset: number): void {
    const slot = this.largestLowerBoundSlot(offset - this.baseOffset, this.relativeOffsetAt);
    const keep = slot < 0 ? 0 : this.relativeOffsetAt(slot) + this.baseOffset === offset ? slot : slot + 1;
    this.truncateToEntries(keep);
  }

  /** Kafka's sanityCheck, with the last entry read from disk: whole entries, last entry not before the base. */
  async sanityProblem(fileBytes: number, logBytes: number): Promise<string | null> {
    if (fileBytes % OFFSET_INDEX_ENTRY_BYTES !== 0) return `length ${fileBytes} is not a multiple of ${OFFSET_INDEX_ENTRY_BYTES}`;
    const last = await this.readLastEntry();
    if (!last) return null;
    const rel = last.readInt32BE(0);
    const position = last.readInt32BE(4);
    if (rel < 0) return `last entry has offset ${this.baseOffset + rel}, below the base offset ${this.baseOffset}`;
    if (position < 0 || position > logBytes) return `last entry points at position ${position}, outside the ${logBytes}-byte log`;
    return null;
  }
}
