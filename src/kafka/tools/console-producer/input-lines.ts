// Lines of an input read in large blocks: each line handed on is a view of the block it was read into (no copy,
// no string), a line cut by a block's end is moved to the next block, and a handler that returns a promise
// (the producer's buffer is full) holds the reading until it settles.
import { read } from 'node:fs';
import type { Readable } from 'node:stream';

/** Reads up to `length` bytes into `buffer` at `offset`; 0 at the end of the input. */
export type ByteSource = (buffer: Buffer, offset: number, length: number) => Promise<number>;

const BLOCK_BYTES = 1 << 20;
const LF = 0x0a;
const CR = 0x0d;

/** A file descriptor (a pipe or a file): read() straight into the block. */
export function fdSource(fd: number): ByteSource {
  return (buffer, offset, length) =>
    new Promise((resolve, reject) => read(fd, buffer, offset, length, null, (err, n) => (err ? reject(err) : resolve(n))));
}

/** A stream (a terminal): its chunks copied into the block. */
export function streamSource(stream: Readable): ByteSource {
  const chunks = stream[Symbol.asyncIterator]() as AsyncIterator<Buffer>;
  let pending: Buffer | undefined;
  return async (buffer, offset, length) => {
    if (pending === undefined || pending.length === 0) {
      const next = await chunks.next();
      if (next.done) return 0;
      pending = typeof next.value === 'string' ? Buffer.from(next.value) : next.value;
    }
    const n = pending.copy(buffer, offset, 0, Math.min(length, pending.length));
    pending = pending.subarray(n);
    return n;
  };
}

/**
 * Calls `onLine` for every line (without its `\n` or `\r\n`), the last one even without a newline. `onBlock` runs
 * before the lines of each block with the time it was read.
 */
export async function forEachLine(source: ByteSource, onLine: (line: Buffer) => void | Promise<void>, onBlock?: () => void): Promise<void> {
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let filled = 0;
  let lineStart = 0;
  for (;;) {
    if (filled === block.length) {
      // Earlier lines may still be referenced by records waiting to be sent: start a new block, never overwrite.
      const partial = filled - lineStart;
      const next = Buffer.allocUnsafe(Math.max(BLOCK_BYTES, partial * 2));
      block.copy(next, 0, lineStart, filled);
      block = next;
      filled = partial;
      lineStart = 0;
    }
    const n = await source(block, filled, block.length - filled);
    if (n === 0) break;
    const data = block.subarray(0, filled + n);
    let scanFrom = filled;
    filled += n;
    onBlock?.();
    for (;;) {
      const nl = data.indexOf(LF, scanFrom);
      if (nl < 0) break;
      const end = nl > lineStart && data[nl - 1] === CR ? nl - 1 : nl;
      const waiting = onLine(data.subarray(lineStart, end));
      lineStart = scanFrom = nl + 1;
      if (waiting !== undefined) await waiting;
    }
  }
  if (lineStart < filled) {
    onBlock?.();
    const waiting = onLine(block.subarray(lineStart, filled));
    if (waiting !== undefined) await waiting;
  }
}
