import { KafkaDecodeError } from './decode-error.js';
import { readUnsignedVarint } from './varint.js';

const EMPTY = Buffer.alloc(0);

/**
 * Reads Kafka primitives in place from buf[pos, end). Every read is bounds-checked and throws
 * KafkaDecodeError; a length prefix is checked against the bytes left before anything is allocated.
 * Byte fields (bytes, records) are subarrays of the input: no copy.
 */
export class KafkaReader {
  pos: number;
  /** DataView for multi-byte reads: its getters are builtins the JIT inlines; Buffer's readers are JavaScript. */
  private readonly view: DataView;

  constructor(
    readonly buf: Buffer,
    start = 0,
    readonly end = buf.length,
  ) {
    if (start < 0 || end > buf.length || start > end) throw new RangeError(`bad reader bounds ${start}..${end} of ${buf.length}`);
    this.pos = start;
    this.view = new DataView(buf.buffer, buf.byteOffset, buf.length);
  }

  remaining(): number {
    return this.end - this.pos;
  }

  fail(message: string, at = this.pos): never {
    throw new KafkaDecodeError(message, at);
  }

  /** Advances past n bytes and returns where they start. */
  need(n: number): number {
    const at = this.pos;
    if (n > this.end - at) this.fail(`truncated: need ${n} bytes at ${at}, have ${this.end - at}`);
    this.pos = at + n;
    return at;
  }

  int8(): number {
    return this.view.getInt8(this.need(1));
  }

  bool(): boolean {
    return this.buf[this.need(1)] !== 0;
  }

  int16(): number {
    return this.view.getInt16(this.need(2));
  }

  uint16(): number {
    return this.view.getUint16(this.need(2));
  }

  int32(): number {
    return this.view.getInt32(this.need(4));
  }

  uint32(): number {
    return this.view.getUint32(this.need(4));
  }

  int64(): bigint {
    return this.view.getBigInt64(this.need(8));
  }

  float64(): number {
    return this.view.getFloat64(this.need(8));
  }

  /** Kafka's Uuid as its string form: unpadded base64url of the 16 bytes. */
  uuid(): string {
    const at = this.need(16);
    return this.buf.toString('base64url', at, at + 16);
  }

  uvarint(): number {
    return readUnsignedVarint(this.buf, this, this.end);
  }

  // Length prefixes: int16 for strings, int32 for bytes/arrays, unsigned varint (length + 1) when compact.
  // Each returns -1 for null (and the caller rejects it where the field is not nullable).

  private stringLength(compact: boolean): number {
    const at = this.pos;
    const len = compact ? this.uvarint() - 1 : this.int16();
    if (len < -1) this.fail(`negative string length ${len}`, at);
    if (len > 0x7fff) this.fail(`string length ${len} exceeds 32767`, at);
    return len;
  }

  private bytesLength(compact: boolean): number {
    const at = this.pos;
    const len = compact ? this.uvarint() - 1 : this.int32();
    if (len < -1) this.fail(`negative bytes length ${len}`, at);
    return len;
  }

  private text(len: number): string {
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }

  private slice(len: number): Buffer {
    if (len === 0) return EMPTY;
    const at = this.need(len);
    return this.buf.subarray(at, at + len);
  }

  string(): string {
    const len = this.stringLength(false);
    if (len < 0) this.fail('non-nullable string is null', this.pos - 2);
    return this.text(len);
  }

  nullableString(): string | null {
    const len = this.stringLength(false);
    return len < 0 ? null : this.text(len);
  }

  compactString(): string {
    const at = this.pos;
    const len = this.stringLength(true);
    if (len < 0) this.fail('non-nullable compact string is null', at);
    return this.text(len);
  }

  compactNullableString(): string | null {
    const len = this.stringLength(true);
    return len < 0 ? null : this.text(len);
  }

  bytes(): Buffer {
    const len = this.bytesLength(false);
    if (len < 0) this.fail('non-nullable bytes are null', this.pos - 4);
    return this.slice(len);
  }

  nullableBytes(): Buffer | null {
    const len = this.bytesLength(false);
    return len < 0 ? null : this.slice(len);
  }

  compactBytes(): Buffer {
    const at = this.pos;
    const len = this.bytesLength(true);
    if (len < 0) this.fail('non-nullable compact bytes are null', at);
    return this.slice(len);
  }

  compactNullableBytes(): Buffer | null {
    const len = this.bytesLength(true);
    return len < 0 ? null : this.slice(len);
  }

  /**
   * An array's element count, or -1 for a null array (only when nullable). As Kafka's generated code,
   * a count larger than the bytes left is an error: every element takes at least one byte.
   */
  arrayLength(compact: boolean, nullable: boolean): number {
    const at = this.pos;
    const n = compact ? this.uvarint() - 1 : this.int32();
    if (n < 0) {
      if (n === -1 && nullable) return -1;
      this.fail(n === -1 ? 'non-nullable array is null' : `negative array length ${n}`, at);
    }
    if (n > this.end - this.pos) this.fail(`array of ${n} elements but only ${this.end - this.pos} bytes remain`, at);
    return n;
  }

  /** A nullable struct's presence byte (Kafka writes -1 for null, 1 for present). */
  present(): boolean {
    return this.int8() >= 0;
  }

  raw(n: number): Buffer {
    return this.slice(n);
  }
}
