// Walks the batches of a .log file with bounded positional reads: a window of `chunkBytes` is read at a time and
// batch headers are taken from it; a whole batch is only brought into memory when asked (CRC checks), and then
// never more than `maxBatchBytes`. A 2 GiB segment is scanned with a 64 KiB buffer.
import { BATCH_HEADER_BYTES } from '../protocol/records/record-batch.js';
import { checkFraming } from './batch-header.js';
import { readAt, readAtSync } from './file-io.js';

/** Window for recovery, which reads every byte. */
export const DEFAULT_CHUNK_BYTES = 64 * 1024;
/** Window for lookups, which scan headers from an index entry (index.interval.bytes apart by default). */
export const LOOKUP_CHUNK_BYTES = 8 * 1024;

export type ReadBatch =
  /** The batch starts at buf[at]; its header (or, when asked, all of it) is in buf. */
  | { kind: 'batch'; buf: Buffer; at: number; size: number; magic: number }
  | { kind: 'end' }
  /** The file ends inside the batch. */
  | { kind: 'incomplete' }
  | { kind: 'corrupt'; reason: string };

const END: ReadBatch = { kind: 'end' };
const INCOMPLETE: ReadBatch = { kind: 'incomplete' };

export class FileBatchReader {
  private buf: Buffer;
  private windowStart = 0;
  private windowBytes = 0;

  /** Reads `fd` up to `endPosition` (the log's committed size, so appends in flight are never seen). */
  constructor(
    private readonly fd: number,
    private readonly endPosition: number,
    private readonly maxBatchBytes: number,
    chunkBytes = DEFAULT_CHUNK_BYTES,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** The batch at `position` (which must be a batch boundary), with all its bytes in memory when `whole`. */
  async at(position: number, whole: boolean): Promise<ReadBatch> {
    const available = this.endPosition - position;
    if (available <= 0) return END;
    if (!(await this.ensure(position, Math.min(available, BATCH_HEADER_BYTES)))) return INCOMPLETE;
    const at = position - this.windowStart;
    const framing = checkFraming(this.buf, at, available, this.maxBatchBytes);
    if (framing.kind !== 'batch') return framing.kind === 'incomplete' ? INCOMPLETE : framing;
    if (whole && !(await this.ensure(position, framing.size))) return INCOMPLETE;
    return { kind: 'batch', buf: this.buf, at: position - this.windowStart, size: framing.size, magic: framing.magic };
  }

  /** Makes buf hold file bytes [position, position + bytes); false when the file is shorter than that. */
  private async ensure(position: number, bytes: number): Promise<boolean> {
    if (position >= this.windowStart && position + bytes <= this.windowStart + this.windowBytes) return true;
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
    const want = Math.min(this.buf.length, this.endPosition - position);
    // A lookup's window (a fetch's search from an index entry) is read at once: the thread pool's round trip
    // costs more than copying 8 KiB, and it sat in every fetch's latency.
    const n = want <= LOOKUP_CHUNK_BYTES ? readAtSync(this.fd, this.buf, 0, want, position) : await readAt(this.fd, this.buf, 0, want, position);
    this.windowStart = position;
    this.windowBytes = n;
    return n >= bytes;
  }
}
