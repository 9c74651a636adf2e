// How the raw servers store what they read, written as the broker writes its appends (log-segment.ts): at once on the
// event loop, or through libuv's thread pool at its place in the file, so that its copy runs beside the event loop.
// `stored` counts the bytes every write of which has finished.
import { writev, writevSync } from 'node:fs';

export class RawAppender {
  /** Bytes appended so far; the file position of the next append. */
  private appended = 0;
  stored = 0;
  /** Writes not yet counted in `stored`, in the order they were issued. */
  private readonly pending: { end: number; done: boolean }[] = [];

  /** `onStored` is called whenever `stored` grows through a pool write finishing. */
  constructor(
    private readonly fd: number,
    private readonly onStored: () => void,
  ) {}

  get appendedBytes(): number {
    return this.appended;
  }

  /** Appends `bufs` back to back, in one write; they must not change until `stored` has passed them. */
  append(bufs: Buffer[], inPool: boolean): void {
    const position = this.appended;
    const bytes = bufs.reduce((n, b) => n + b.length, 0);
    this.appended += bytes;
    if (!inPool) {
      writeAll(bufs, position, (rest, at) => writevSync(this.fd, rest, at));
      if (this.pending.length === 0) this.stored = this.appended;
      else this.pending.push({ end: this.appended, done: true });
      return;
    }
    const entry = { end: this.appended, done: false };
    this.pending.push(entry);
    const writeFrom = (rest: Buffer[], at: number) => {
      writev(this.fd, rest, at, (err, n) => {
        if (err) throw err;
        const left = after(rest, n);
        if (left.length > 0) return writeFrom(left, at + n);
        entry.done = true;
        while (this.pending.length > 0 && this.pending[0]!.done) this.stored = this.pending.shift()!.end;
        this.onStored();
      });
    };
    writeFrom(bufs, position);
  }
}

/** What of `bufs` is left after its first `n` bytes. */
function after(bufs: Buffer[], n: number): Buffer[] {
  const left: Buffer[] = [];
  for (const b of bufs) {
    if (n >= b.length) n -= b.length;
    else {
      left.push(n > 0 ? b.subarray(n) : b);
      n = 0;
    }
  }
  return left;
}

function writeAll(bufs: Buffer[], position: number, write: (bufs: Buffer[], at: number) => number): void {
  for (let rest = bufs, at = position; rest.length > 0; ) {
    const n = write(rest, at);
    rest = after(rest, n);
    at += n;
  }
}
