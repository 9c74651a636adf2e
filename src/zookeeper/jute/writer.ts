/** Appends jute primitives to a growing buffer. */
export class JuteWriter {
  buf: Buffer;
  pos = 0;
  /** Over `buf`: DataView's setters are builtins, where Buffer's bigint writers split the value in JavaScript. */
  private view: DataView;

  constructor(initialBytes = 256) {
    this.buf = Buffer.allocUnsafe(initialBytes);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.length);
  }

  private ensure(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    let size = this.buf.length * 2;
    while (size < this.pos + n) size *= 2;
    const next = Buffer.allocUnsafe(size);
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
    this.view = new DataView(next.buffer, next.byteOffset, next.length);
  }

  int(v: number): void {
    this.ensure(4);
    this.view.setInt32(this.pos, v | 0);
    this.pos += 4;
  }

  /** Wraps to 64 bits (ToBigInt64), as BigInt.asIntN(64, v) does. */
  long(v: bigint): void {
    this.ensure(8);
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  byte(v: number): void {
    this.ensure(1);
    this.pos = this.buf.writeInt8(v, this.pos);
  }

  boolean(v: boolean): void {
    this.ensure(1);
    this.buf[this.pos++] = v ? 1 : 0;
  }

  buffer(v: Buffer | Uint8Array | null | undefined): void {
    if (v == null) return this.int(-1);
    this.int(v.length);
    this.ensure(v.length);
    this.buf.set(v, this.pos);
    this.pos += v.length;
  }

  ustring(v: string | null | undefined): void {
    if (v == null) return this.int(-1);
    const len = Buffer.byteLength(v, 'utf8');
    this.int(len);
    this.ensure(len);
    this.pos += this.buf.write(v, this.pos, len, 'utf8');
  }

  raw(bytes: Uint8Array): void {
    this.ensure(bytes.length);
    this.buf.set(bytes, this.pos);
    this.pos += bytes.length;
  }

  /** Reserves a 4-byte length prefix; call endFrame(mark) once the frame body is written. */
  beginFrame(): number {
    const mark = this.pos;
    this.int(0);
    return mark;
  }

  endFrame(mark: number): void {
    this.buf.writeInt32BE(this.pos - mark - 4, mark);
  }

  /** The bytes written so far (a view, valid until the next write). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  reset(): void {
    this.pos = 0;
  }
}
