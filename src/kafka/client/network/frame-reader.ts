// Splits a connection's bytes into Kafka frames (int32 size, then that many bytes) while choosing where the socket
// reads them (net.Socket's `onread`). Small responses land in a receive buffer that is only ever filled forward, so
// a frame handed out stays a valid view of it; a response too large for what is left of that buffer gets a buffer
// of exactly its size and the reads go straight there, so a fetch response is never assembled from 64 KiB pieces.
// A size over the cap is an error before any of the frame is buffered. A large frame's owner may hand its buffer
// back (recycle) once nothing reads it any more: the next large frame is read into it, as a fresh buffer costs the
// kernel a page fault per 4 KiB it fills (a consumer reads a megabyte per fetch).
import { FrameTooLargeError } from './frame-decoder.js';

/** Size of a receive buffer for small responses. */
const RECEIVE_BYTES = 64 * 1024;
/** A receive buffer with less room than this left is replaced before the next read. */
const MIN_READ_BYTES = 4 * 1024;
/** A frame at least this large that does not fit in the receive buffer gets a buffer of its own. */
const LARGE_FRAME_BYTES = 16 * 1024;
/** Large frame buffers are allocated in multiples of this, so that the next frame of about the same size fits. */
const LARGE_FRAME_ROUNDING = 256 * 1024;
/** Recycled large frame buffers kept for the next frames. */
const SPARE_FRAMES = 4;

export class FrameReader {
  private rbuf = Buffer.allocUnsafe(RECEIVE_BYTES);
  /** rbuf[rstart, rend): bytes read and not yet handed out, from a frame boundary. */
  private rstart = 0;
  private rend = 0;
  /** A large frame (without its size prefix) being read into a buffer of its own, and how much of it is read. */
  private frame: Buffer | null = null;
  private frameFilled = 0;
  /** Buffers of large frames handed out and not recycled yet, and those recycled, ready for the next large frames. */
  private readonly lent = new WeakSet<ArrayBufferLike>();
  private readonly spare: ArrayBuffer[] = [];

  /**
   * @param onFrame called with each complete frame (without its size prefix), in order
   * @param receiveBytes size of the buffer small frames are read into (tests make it small)
   */
  constructor(
    private readonly maxFrameBytes: number,
    private readonly onFrame: (frame: Buffer) => void,
    private readonly receiveBytes = RECEIVE_BYTES,
  ) {
    if (receiveBytes !== RECEIVE_BYTES) this.rbuf = Buffer.allocUnsafe(receiveBytes);
  }

  /** The buffer the next read fills (up to its length). */
  buffer(): Buffer {
    if (this.frame !== null) return this.frame.subarray(this.frameFilled);
    if (this.rbuf.length - this.rend < Math.min(MIN_READ_BYTES, this.receiveBytes >> 1)) this.renew(Math.max(this.receiveBytes, this.started()));
    return this.rbuf.subarray(this.rend);
  }

  /** `n` bytes were read into the buffer last returned by buffer(); throws FrameTooLargeError on an oversized size. */
  read(n: number): void {
    if (this.frame !== null) {
      this.frameFilled += n;
      if (this.frameFilled < this.frame.length) return;
      const frame = this.frame;
      this.frame = null;
      this.onFrame(frame);
      return;
    }
    this.rend += n;
    this.split();
  }

  /** Hands out the whole frames in rbuf and prepares for the one cut off at its end. */
  private split(): void {
    for (;;) {
      const available = this.rend - this.rstart;
      if (available < 4) {
        if (this.rbuf.length - this.rstart < 4) this.renew(Math.max(this.receiveBytes, this.started()));
        return;
      }
      const size = this.rbuf.readInt32BE(this.rstart);
      if (size < 0 || size > this.maxFrameBytes) {
        throw new FrameTooLargeError(`response of ${size} bytes is over the ${this.maxFrameBytes}-byte cap`);
      }
      if (available >= 4 + size) {
        const start = this.rstart + 4;
        this.rstart = start + size;
        this.onFrame(this.rbuf.subarray(start, start + size));
        continue;
      }
      if (4 + size <= this.rbuf.length - this.rstart) return;
      if (size >= LARGE_FRAME_BYTES) {
        const frame = this.largeFrame(size);
        this.frameFilled = this.rbuf.copy(frame, 0, this.rstart + 4, this.rend);
        this.frame = frame;
        this.rstart = this.rend;
      } else {
        this.renew(Math.max(this.receiveBytes, 4 + size));
      }
      return;
    }
  }

  /**
   * The owner of a large frame handed out no longer reads it (nor anything that views its bytes): the next large
   * frames may be read into its buffer. Any other buffer (a small frame's, one recycled already) is left alone.
   */
  recycle(frame: Uint8Array): void {
    const memory = frame.buffer;
    if (!this.lent.has(memory)) return;
    this.lent.delete(memory);
    if (this.spare.length < SPARE_FRAMES) this.spare.push(memory as ArrayBuffer);
  }

  /** A buffer of exactly `size` bytes for a large frame: a recycled one when one is large enough. */
  private largeFrame(size: number): Buffer {
    const i = this.spare.findIndex((m) => m.byteLength >= size);
    const memory = i >= 0 ? this.spare.splice(i, 1)[0]! : Buffer.allocUnsafe(Math.ceil(size / LARGE_FRAME_ROUNDING) * LARGE_FRAME_ROUNDING).buffer;
    this.lent.add(memory);
    return Buffer.from(memory, 0, size);
  }

  /** Bytes of the frame cut off at the end of rbuf (all of it once its size is known). */
  private started(): number {
    return this.rend - this.rstart >= 4 ? 4 + this.rbuf.readInt32BE(this.rstart) : 4;
  }

  /** Moves the unread bytes to a fresh receive buffer (the old one stays valid for the frames handed out of it). */
  private renew(size: number): void {
    const next = Buffer.allocUnsafe(size);
    const kept = this.rbuf.copy(next, 0, this.rstart, this.rend);
    this.rbuf = next;
    this.rstart = 0;
    this.rend = kept;
  }
}
