// Brings a log read's file slice into memory for the response. The slice is already bounded by the fetch's byte
// limits (or one batch, at most max.message.bytes), so this is one positional read of that size. Small slices
// (a consumer at the log's end) are read at once: a round trip through the thread pool costs more than the copy.
// So are recent slices when the caller asks (`syncRecent`, a follower's fetch): the bytes a follower fetches were
// just appended and sit in the page cache, and a follower's fetch is a step of the leader→follower→leader cycle that
// acks=all produces wait on, where the thread pool's round trip (two wake-ups on a busy machine) cost milliseconds.
// Large ones are read into a buffer from the broker's pool, which the connection returns once the socket has taken
// the response (a buffer never returned, as when the reader is not a connection, is left to the garbage collector).
// Past a MiB they are read in parallel parts, a part per pool thread: the copy out of the page cache is most of what
// a large fetch costs the broker, and one thread's copy leaves the other cores idle while the connection waits.
import { readAt, readAtSync } from '../../storage/file-io.js';
import type { FileSlice } from '../../storage/log-segment.js';
import { brokerBufferPool } from '../buffer-pool.js';

const SYNC_READ_MAX_BYTES = 64 * 1024;
const PART_MIN_BYTES = 1024 * 1024;
const MAX_PARTS = 4;

export async function readSlice(slice: FileSlice | null, syncRecent = false): Promise<Buffer | null> {
  if (slice === null || slice.length === 0) return null;
  if (slice.length <= SYNC_READ_MAX_BYTES) {
    const buf = Buffer.allocUnsafe(slice.length);
    const n = readAtSync(slice.fd, buf, 0, slice.length, slice.position);
    return n === slice.length ? buf : buf.subarray(0, n);
  }
  const buf = brokerBufferPool.acquire(slice.length);
  const n = syncRecent && slice.recent
    ? readAtSync(slice.fd, buf, 0, slice.length, slice.position)
    : await readInParts(slice.fd, buf, slice.length, slice.position);
  return n === slice.length ? buf : buf.subarray(0, n);
}

/** Reads `length` bytes at `position` into buf; the count of contiguous bytes read from the start. */
async function readInParts(fd: number, buf: Buffer, length: number, position: number): Promise<number> {
  const parts = Math.min(MAX_PARTS, Math.floor(length / PART_MIN_BYTES));
  if (parts <= 1) return readAt(fd, buf, 0, length, position);
  const partBytes = Math.ceil(length / parts);
  const reads: Promise<number>[] = [];
  for (let from = 0; from < length; from += partBytes) reads.push(readAt(fd, buf, from, Math.min(partBytes, length - from), position + from));
  const counts = await Promise.all(reads);
  let n = 0;
  for (const count of counts) {
    n += count;
    if (count < partBytes) break;
  }
  return n;
}
