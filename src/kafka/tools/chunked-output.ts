// Tool output collected into large buffers and written a chunk at a time (one write per poll, not per record),
// waiting for 'drain' on a slow reader. A reader that goes away (EPIPE: `| head`) ends the output quietly: the
// tool sees `closed` and stops.
import type { Writable } from 'node:stream';

const CHUNK_BYTES = 256 * 1024;

export class ChunkedOutput {
  private buf = Buffer.allocUnsafe(CHUNK_BYTES);
  private pos = 0;
  private failed = false;

  constructor(private readonly stream: Writable) {
    stream.on('error', () => {
      this.failed = true;
    });
  }

  /** Whether the stream failed (its reader closed it). */
  get closed(): boolean {
    return this.failed || this.stream.destroyed;
  }

  private room(bytes: number): void {
    if (this.pos + bytes <= this.buf.length) return;
    this.handOff();
    if (bytes > this.buf.length) this.buf = Buffer.allocUnsafe(bytes);
  }

  /** Passes the filled part to the stream (without waiting) and starts a new buffer. */
  private handOff(): void {
    if (this.pos === 0) return;
    const chunk = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(Math.max(CHUNK_BYTES, this.buf.length));
    this.pos = 0;
    if (!this.failed) this.stream.write(chunk);
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Latin-1/ASCII text (numbers, fixed labels) without a UTF-8 pass. */
  ascii(text: string): void {
    this.room(text.length);
    this.pos += this.buf.write(text, this.pos, 'latin1');
  }

  utf8(text: string): void {
    this.room(Buffer.byteLength(text));
    this.pos += this.buf.write(text, this.pos, 'utf8');
  }

  /** Writes what is buffered and waits until the stream takes more (or failed). */
  async flush(): Promise<void> {
    this.handOff();
    if (this.failed || !this.stream.writableNeedDrain) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.stream.off('drain', done);
        this.stream.off('error', done);
        this.stream.off('close', done);
        resolve();
      };
      this.stream.on('drain', done);
      this.stream.on('error', done);
      this.stream.on('close', done);
    });
  }
}
