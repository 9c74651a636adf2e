// Lines of an input read in large blocks: each line handed on is a view of the block it was read into (no copy,
// no string; the producer copies it into its batch), one block is read into again and again, a line cut by the
// block's end moves to its front, and a handler that returns a promise (the producer's buffer is full) holds the
// reading until it settles.
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
 * before the lines of each block with the time it was read. A line is a view of the read buffer, valid until
 * `onLine` returns (or its promise settles): the buffer is read into again once its lines are handled.
 */
export function forEachLine(source: ByteSource, onLine: (line: Buffer) => void | Promise<void>, onBlock?: () => void): Promise<void> {
  return forEachLineSpan(source, (block, start, end) => onLine(block.subarray(start, end)), onBlock);
}

/** forEachLine() handing on each line as bytes [start, end) of the read buffer: no object per line. */
export async function forEachLineSpan(source: ByteSource, onLine: (block: Buffer, start: number, end: number) => void | Promise<void>, onBlock?: () => void): Promise<void> {
  let block = Buffer.allocUnsafe(BLOCK_BYTES);
  let filled = 0;
  let lineStart = 0;
  for (;;) {
    if (lineStart > 0) {
      // Every whole line is handled: keep the cut one at the front and read behind it.
      block.copyWithin(0, lineStart, filled);
      filled -= lineStart;
      lineStart = 0;
    }
    if (filled === block.length) {
      const bigger = Buffer.allocUnsafe(block.length * 2);
      block.copy(bigger, 0, 0, filled);
      block = bigger;
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
      const waiting = onLine(block, lineStart, end);
      lineStart = scanFrom = nl + 1;
      if (waiting !== undefined) await waiting;
    }
  }
  if (lineStart < filled) {
    onBlock?.();
    const waiting = onLine(block, lineStart, filled);
    if (waiting !== undefined) await waiting;
  }
}
