// How the raw servers store what they read, written as the broker writes its appends (log-segment.ts): at once on the
// event loop, or through libuv's thread pool at its place in the file, so that its copy runs beside the event loop.
// `stored` counts the bytes every write of which has finished.
import { writevAt, writevAtSync } from '../../src/kafka/storage/file-io.js';

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
    for (const b of bufs) this.appended += b.length;
    if (!inPool) {
      writevAtSync(this.fd, bufs, position);
      if (this.pending.length === 0) this.stored = this.appended;
      else this.pending.push({ end: this.appended, done: true });
      return;
    }
    const entry = { end: this.appended, done: false };
    this.pending.push(entry);
    writevAt(this.fd, bufs, position).then(() => {
      entry.done = true;
      while (this.pending.length > 0 && this.pending[0]!.done) this.stored = this.pending.shift()!.end;
      this.onStored();
    });
  }
}
