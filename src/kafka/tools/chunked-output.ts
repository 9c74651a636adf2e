// Tool output collected into large buffers and written a chunk at a time (one write per poll, not per record),
// waiting for 'drain' on a slow reader. A reader that goes away (EPIPE: `| head`) ends the output quietly: the
// tool sees `closed` and stops. Over a file descriptor's stream (stdout), whose writes keep no reference to a chunk
// once written, the buffers are used again: fresh large buffers cost the kernel a page fault per 4 KiB.
import type { Writable } from 'node:stream';
import { copyBytes } from '../protocol/records/byte-copy.js';

const CHUNK_BYTES = 1024 * 1024;
const SPARE_BUFFERS = 4;

export class ChunkedOutput {
  private buf: Buffer = Buffer.allocUnsafe(CHUNK_BYTES);
  private view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  private pos = 0;
  private failed = false;
  private readonly spare: Buffer[] = [];

  /** `reuseBuffers`: the stream writes to a descriptor and drops each chunk once written. */
  constructor(
    private readonly stream: Writable,
    private readonly reuseBuffers = false,
  ) {
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
    if (bytes > this.buf.length) {
      this.buf = Buffer.allocUnsafe(bytes);
      this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    }
  }

  /** Passes the filled part to the stream (without waiting) and starts a new buffer. */
  private handOff(): void {
    if (this.pos === 0) return;
    const full = this.buf;
    const chunk = full.subarray(0, this.pos);
    this.buf = this.spare.pop() ?? Buffer.allocUnsafe(Math.max(CHUNK_BYTES, full.length));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
    if (this.failed) return;
    if (!this.reuseBuffers) this.stream.write(chunk);
    else this.stream.write(chunk, () => {
      if (this.spare.length < SPARE_BUFFERS && full.length === CHUNK_BYTES) this.spare.push(full);
    });
  }

  bytes(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** Bytes start..end of `data`. */
  range(data: Buffer, start: number, end: number): void {
    const n = end - start;
    this.room(n);
    copyBytes(data, start, end, this.buf, this.view, this.pos);
    this.pos += n;
  }

  byte(b: number): void {
    if (this.pos === this.buf.length) this.room(1);
    this.buf[this.pos++] = b;
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
