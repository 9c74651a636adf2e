// Random access to the bytes of a log file through one bounded window, so that files of any size (logs past
// 2 GiB included) are read with a fixed amount of memory. The window moves forward as it is asked for later
// bytes, keeping what it already holds of the requested range and reading only the rest.
import * as fs from 'node:fs';

export interface ByteSource {
  readonly length: number;
  /** The largest n that view() accepts. */
  readonly maxView: number;
  /** Bytes [at, at + n) (within length, n <= maxView), valid until the next call. */
  view(at: number, n: number): Buffer;
}

export class BufferSource implements ByteSource {
  readonly length: number;
  readonly maxView: number;

  constructor(private readonly buf: Buffer) {
    this.length = buf.length;
    this.maxView = buf.length;
  }

  view(at: number, n: number): Buffer {
    return this.buf.subarray(at, at + n);
  }
}

export class FileWindowSource implements ByteSource {
  readonly length: number;
  private readonly buf: Buffer;
  /** File offset of buf[0]. */
  private start = 0;
  /** Bytes of buf holding file data. */
  private filled = 0;

  constructor(
    private readonly fd: number,
    readonly maxView: number,
  ) {
    this.length = fs.fstatSync(fd).size;
    this.buf = Buffer.allocUnsafe(maxView);
  }

  view(at: number, n: number): Buffer {
    if (n > this.maxView || at < 0 || at + n > this.length) throw new RangeError(`view of ${n} bytes at ${at} is out of range`);
    if (at < this.start || at + n > this.start + this.filled) this.moveTo(at);
    const from = at - this.start;
    return this.buf.subarray(from, from + n);
  }

  /** Starts the window at `at`, carrying over the part of the old window at or after it. */
  private moveTo(at: number): void {
    const oldEnd = this.start + this.filled;
    let kept = 0;
    if (at >= this.start && at < oldEnd) {
      kept = oldEnd - at;
      this.buf.copy(this.buf, 0, at - this.start, this.filled);
    }
    this.start = at;
    this.filled = kept;
    const want = Math.min(this.buf.length, this.length - at);
    while (this.filled < want) {
      const n = fs.readSync(this.fd, this.buf, this.filled, want - this.filled, at + this.filled);
      if (n <= 0) throw new Error(`unexpected end of file at offset ${at + this.filled} of ${this.length}`);
      this.filled += n;
    }
  }
}

/** Opens `file` read-only as a windowed source, runs `use`, and closes it. */
export function withFileSource<T>(file: string, maxView: number, use: (src: ByteSource) => T): T {
  const fd = fs.openSync(file, 'r');
  try {
    return use(new FileWindowSource(fd, maxView));
  } finally {
    fs.closeSync(fd);
  }
}
