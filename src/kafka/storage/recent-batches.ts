// Where the last batches appended to a segment start, kept in memory: a consumer or follower at the log's end asks for
// the batch after the one it has, and the high watermark sits on a batch boundary near the end, so most lookups of a
// busy log are for one of the last few batches. Found here, a lookup reads no file (otherwise: an index entry, then
// headers read from the file forward of it — two positional reads per fetch). Holds only what was appended since the
// segment was opened; forgotten whenever the segment is cut (truncation, recovery).
import { batchSizeAt, readOffset } from './batch-header.js';
import { LAST_OFFSET_DELTA_POS, MAGIC_POS } from '../protocol/records/record-batch.js';

const CAPACITY = 16;
const MIN_HEADER_BYTES = LAST_OFFSET_DELTA_POS + 4;

export interface RecentBatch {
  /** Last offset of the batch. */
  offset: number;
  position: number;
  size: number;
}

export class RecentBatches {
  private readonly base = new Array<number>(CAPACITY).fill(0);
  private readonly last = new Array<number>(CAPACITY).fill(-1);
  private readonly position = new Array<number>(CAPACITY).fill(0);
  private readonly size = new Array<number>(CAPACITY).fill(0);
  private next = 0;
  private count = 0;

  /** Records the batches of `blob`, just written at file position `at`. */
  add(blob: Buffer, at: number): void {
    for (let pos = 0; pos + MIN_HEADER_BYTES <= blob.length; ) {
      const size = batchSizeAt(blob, pos);
      if (size <= 0 || pos + size > blob.length) return;
      const base = readOffset(blob, pos);
      const i = this.next;
      this.base[i] = base;
      this.last[i] = blob[pos + MAGIC_POS] === 2 ? base + blob.readInt32BE(pos + LAST_OFFSET_DELTA_POS) : base;
      this.position[i] = at + pos;
      this.size[i] = size;
      this.next = (i + 1) % CAPACITY;
      if (this.count < CAPACITY) this.count++;
      pos += size;
    }
  }

  /** The batch holding `offset`, if it is one of the recent ones and starts at or after `minPosition`. */
  find(offset: number, minPosition: number): RecentBatch | null {
    for (let k = 1; k <= this.count; k++) {
      const i = (this.next - k + CAPACITY) % CAPACITY;
      if (this.base[i]! <= offset && offset <= this.last[i]!) {
        return this.position[i]! >= minPosition ? { offset: this.last[i]!, position: this.position[i]!, size: this.size[i]! } : null;
      }
      // Older batches hold smaller offsets.
      if (this.last[i]! < offset) return null;
    }
    return null;
  }

  clear(): void {
    this.count = 0;
    this.next = 0;
  }
}
