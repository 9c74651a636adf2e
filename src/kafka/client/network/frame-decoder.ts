// Splits a byte stream into Kafka frames (int32 size, then that many bytes). A frame larger than the cap is an
// error before any of it is buffered, so a broker (or a stray peer) cannot make the client hold an unbounded reply.

export class FrameTooLargeError extends Error {}

export class FrameDecoder {
  private chunks: Buffer[] = [];
  private buffered = 0;

  constructor(private readonly maxFrameBytes: number) {}

  /** Adds bytes and returns the frames they complete (each without its size prefix). */
  push(chunk: Buffer): Buffer[] {
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    const frames: Buffer[] = [];
    for (;;) {
      if (this.buffered < 4) break;
      const head = this.peekSize();
      if (head < 0 || head > this.maxFrameBytes) {
        throw new FrameTooLargeError(`response of ${head} bytes is over the ${this.maxFrameBytes}-byte cap`);
      }
      if (this.buffered < 4 + head) break;
      const all = this.take(4 + head);
      frames.push(all.subarray(4));
    }
    return frames;
  }

  private peekSize(): number {
    const first = this.chunks[0];
    if (first.length >= 4) return first.readInt32BE(0);
    const joined = Buffer.concat(this.chunks);
    this.chunks = [joined];
    return joined.readInt32BE(0);
  }

  /** Removes and returns the first n buffered bytes (joined only when they span chunks). */
  private take(n: number): Buffer {
    this.buffered -= n;
    const first = this.chunks[0];
    if (first.length >= n) {
      if (first.length === n) this.chunks.shift();
      else this.chunks[0] = first.subarray(n);
      return first.subarray(0, n);
    }
    const out = Buffer.allocUnsafe(n);
    let pos = 0;
    while (pos < n) {
      const c = this.chunks[0];
      const part = Math.min(c.length, n - pos);
      c.copy(out, pos, 0, part);
      pos += part;
      if (part === c.length) this.chunks.shift();
      else this.chunks[0] = c.subarray(part);
    }
    return out;
  }
}
