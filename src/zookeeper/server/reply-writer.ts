// Reply bytes on their way to one socket. Records are copied into a growing buffer, except a large data field
// inside a frame whose length is known before it is written: that goes to the socket as the node's own buffer
// (the tree replaces a node's data, never changes it in place), so a thousand queued replies carrying the
// same 1 MiB node hold that megabyte once, not a thousand times.
import { JuteWriter } from '../jute/writer.js';

/** Data fields at least this long are passed to the socket by reference (in known-length frames). */
export const BY_REFERENCE_MIN_BYTES = 16 * 1024;

export class ReplyWriter extends JuteWriter {
  private byReference = false;
  /** Bytes of the current known-length frame already handed to the sink. */
  private handedOver = 0;

  /** `sink` takes bytes that must reach the socket before anything written after them. */
  constructor(initialBytes: number, private readonly sink: (bytes: Buffer) => void) {
    super(initialBytes);
  }

  /**
   * Writes one frame whose body is exactly `bodyBytes` long: its length prefix is final before the body is
   * written, so the body may be split around large buffers. A body of another length is a bug in the size
   * computation and would corrupt the stream for every later reply: it throws.
   */
  knownLengthFrame(bodyBytes: number, writeBody: (w: JuteWriter) => void): void {
    this.int(bodyBytes);
    const start = this.pos;
    this.byReference = true;
    this.handedOver = -start;
    try {
      writeBody(this);
    } finally {
      this.byReference = false;
    }
    const written = this.handedOver + this.pos;
    if (written !== bodyBytes) throw new Error(`reply body is ${written} bytes, its length prefix says ${bodyBytes}`);
  }

  override buffer(v: Buffer | Uint8Array | null | undefined): void {
    if (!this.byReference || v == null || v.length < BY_REFERENCE_MIN_BYTES) return super.buffer(v);
    this.int(v.length);
    this.handedOver += this.pos + v.length;
    this.sink(Buffer.from(this.bytes()));
    this.reset();
    this.sink(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length));
  }
}
