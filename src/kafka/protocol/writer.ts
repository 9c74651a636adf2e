import { KafkaEncodeError } from './decode-error.js';
import { writeUnsignedVarint } from './varint.js';

/** Byte fields at least this long are kept by reference in the chunk list instead of copied. */
const BY_REFERENCE_BYTES = 4096;
/** Strings up to this many UTF-16 units are tried on the ASCII fast path. */
const SHORT_STRING = 64;

/**
 * Appends Kafka primitives. Small values go into a growable scratch buffer; large byte fields
 * (record batches) are kept by reference, so a Produce request or Fetch response is a short list of
 * chunks (toChunks(), for writev/cork) and a 1 MiB record blob is never copied by the codec.
 */
export class KafkaWriter {
  private buf: Buffer;
  private view: DataView;
  pos = 0;
  /** Start of the part of `buf` not yet moved into `chunks`. */
  private flushed = 0;
  private readonly chunks: Buffer[] = [];
  private chunkBytes = 0;

  constructor(initialBytes = 512) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  /** Bytes written so far. */
  get length(): number {
    return this.chunkBytes + this.pos - this.flushed;
  }

  /**
   * Makes room for n more bytes. A full buffer is never copied: its written part becomes a chunk and
   * writing continues in a fresh buffer twice the size, so growth costs no memcpy until toBuffer().
   */
  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    if (this.pos > this.flushed) {
      this.chunks.push(this.buf.subarray(this.flushed, this.pos));
      this.chunkBytes += this.pos - this.flushed;
    }
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, n, 512));
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
    this.pos = 0;
    this.flushed = 0;
  }

  int8(v: number): void {
    this.ensure(1);
    this.view.setInt8(this.pos++, v);
  }

  bool(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  int16(v: number): void {
    this.ensure(2);
    this.view.setInt16(this.pos, v);
    this.pos += 2;
  }

  uint16(v: number): void {
    this.ensure(2);
    this.view.setUint16(this.pos, v);
    this.pos += 2;
  }

  int32(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  uint32(v: number): void {
    this.ensure(4);
    this.view.setUint32(this.pos, v);
    this.pos += 4;
  }

  /** Takes a bigint; a safe-integer number is accepted too (offsets and timestamps built by hand). */
  int64(v: bigint | number): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, typeof v === 'bigint' ? v : BigInt(v));
    this.pos += 8;
  }

  float64(v: number): void {
    this.ensure(8);
    this.view.setFloat64(this.pos, v);
    this.pos += 8;
  }

  uuid(v: string): void {
    this.ensure(16);
    const n = this.buf.write(v, this.pos, 16, 'base64url');
    if (n !== 16 || v.length !== 22) throw new KafkaEncodeError(`not a Kafka uuid (22 base64url characters): '${v}'`);
    this.pos += 16;
  }

  uvarint(v: number): void {
    this.ensure(5);
    this.pos = writeUnsignedVarint(this.buf, this.pos, v);
  }

  private stringBody(v: string, compact: boolean): void {
    if (v.length <= SHORT_STRING && this.asciiBody(v, compact)) return;
    const len = Buffer.byteLength(v, 'utf8');
    if (len > 0x7fff) throw new KafkaEncodeError(`string of ${len} bytes exceeds 32767`);
    if (compact) this.uvarint(len + 1);
    else this.int16(len);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }

  /** Short ASCII strings (topic names, hosts, ids) byte by byte: cheaper than a native utf8 write. */
  private asciiBody(v: string, compact: boolean): boolean {
    const n = v.length;
    for (let i = 0; i < n; i++) if (v.charCodeAt(i) > 0x7f) return false;
    if (compact) this.uvarint(n + 1);
    else this.int16(n);
    this.ensure(n);
    const buf = this.buf;
    let pos = this.pos;
    for (let i = 0; i < n; i++) buf[pos++] = v.charCodeAt(i);
    this.pos = pos;
    return true;
  }

  string(v: string): void {
    if (v == null) throw new KafkaEncodeError('non-nullable string is null');
    this.stringBody(v, false);
  }

  nullableString(v: string | null): void {
    if (v == null) this.int16(-1);
    else this.stringBody(v, false);
  }

  compactString(v: string): void {
    if (v == null) throw new KafkaEncodeError('non-nullable string is null');
    this.stringBody(v, true);
  }

  compactNullableString(v: string | null): void {
    if (v == null) this.uvarint(0);
    else this.stringBody(v, true);
  }

  private bytesBody(v: Uint8Array, compact: boolean): void {
    if (compact) this.uvarint(v.length + 1);
    else this.int32(v.length);
    this.raw(v);
  }

  bytes(v: Uint8Array): void {
    if (v == null) throw new KafkaEncodeError('non-nullable bytes are null');
    this.bytesBody(v, false);
  }

  nullableBytes(v: Uint8Array | null): void {
    if (v == null) this.int32(-1);
    else this.bytesBody(v, false);
  }

  compactBytes(v: Uint8Array): void {
    if (v == null) throw new KafkaEncodeError('non-nullable bytes are null');
    this.bytesBody(v, true);
  }

  compactNullableBytes(v: Uint8Array | null): void {
    if (v == null) this.uvarint(0);
    else this.bytesBody(v, true);
  }

  /** An array's length prefix; null only where the caller checked the field is nullable. */
  arrayLength(compact: boolean, n: number): void {
    if (compact) this.uvarint(n + 1);
    else this.int32(n);
  }

  raw(v: Uint8Array): void {
    if (v.length >= BY_REFERENCE_BYTES) {
      if (this.pos > this.flushed) {
        this.chunks.push(this.buf.subarray(this.flushed, this.pos));
        this.chunkBytes += this.pos - this.flushed;
        this.flushed = this.pos;
      }
      this.chunks.push(Buffer.isBuffer(v) ? v : Buffer.from(v.buffer, v.byteOffset, v.length));
      this.chunkBytes += v.length;
      return;
    }
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  /** The bytes written, as a list of buffers (views: valid until the next write). */
  toChunks(): Buffer[] {
    if (this.pos === this.flushed) return this.chunks.slice();
    return [...this.chunks, this.buf.subarray(this.flushed, this.pos)];
  }

  /** The bytes written as one buffer (a view when everything fit in the first buffer, else one copy). */
  toBuffer(): Buffer {
    if (this.chunks.length === 0) return this.buf.subarray(0, this.pos);
    return Buffer.concat(this.toChunks(), this.length);
  }
}
