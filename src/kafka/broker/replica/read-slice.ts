// Brings a log read's file slice into memory for the response. The slice is already bounded by the fetch's byte
// limits (or one batch, at most max.message.bytes), so this is one positional read of that size. Small slices
// (a consumer at the log's end) are read at once: a round trip through the thread pool costs more than the copy.
// So are recent slices when the caller asks (`syncRecent`, a follower's fetch): the bytes a follower fetches were
// just appended and sit in the page cache, and a follower's fetch is a step of the leader→follower→leader cycle that
// acks=all produces wait on, where the thread pool's round trip (two wake-ups on a busy machine) cost milliseconds.
// Large ones are read into a buffer from the broker's pool, which the connection returns once the socket has taken
// the response (a buffer never returned, as when the reader is not a connection, is left to the garbage collector).
import { readAt, readAtSync } from '../../storage/file-io.js';
import type { FileSlice } from '../../storage/log-segment.js';
import { brokerBufferPool } from '../buffer-pool.js';

const SYNC_READ_MAX_BYTES = 64 * 1024;

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
    : await readAt(slice.fd, buf, 0, slice.length, slice.position);
  return n === slice.length ? buf : buf.subarray(0, n);
}
