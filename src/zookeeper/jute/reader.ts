import { MarshallingError } from './errors.js';

/** Reads jute primitives from a slice of a buffer; any read past the end throws MarshallingError. */
export class JuteReader {
  pos: number;
  /** Made on the first long(): DataView's getter is a builtin, Buffer's readBigInt64BE builds the value in JavaScript. */
  private view: DataView | null = null;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
    /** Longest ustring/buffer accepted, as Java's "Unreasonable length" check. */
    readonly maxLength = 0xfffff * 2,
  ) {
    this.pos = start;
  }

  remaining(): number {
    return this.end - this.pos;
  }

  private need(n: number): number {
    const at = this.pos;
    if (at + n > this.end) throw new MarshallingError(`record truncated: need ${n} bytes at ${at - 0}, have ${this.end - at}`);
    this.pos = at + n;
    return at;
  }

  int(): number {
    return this.buf.readInt32BE(this.need(4));
  }

  long(): bigint {
    const at = this.need(8);
    const view = (this.view ??= new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length));
    return view.getBigInt64(at);
  }

  byte(): number {
    return this.buf.readInt8(this.need(1));
  }

  boolean(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  private length(): number {
    const len = this.int();
    if (len < -1 || len > this.maxLength) throw new MarshallingError(`unreasonable length ${len}`);
    return len;
  }

  buffer(): Buffer | null {
    const len = this.length();
    if (len === -1) return null;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  ustring(): string | null {
    const len = this.length();
    if (len === -1) return null;
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }
}
