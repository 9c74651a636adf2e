/**
 * Big-endian int64 fields (offsets, timestamps, producer ids) as JS numbers. Every value Kafka stores
 * there in practice is far below 2^53; reading does not allocate a bigint per field. A value outside the
 * safe range reads approximately (never throws), and writing one throws.
 */

const TWO_32 = 4294967296;

export function readInt64(buf: Buffer, pos: number): number {
  return buf.readInt32BE(pos) * TWO_32 + buf.readUInt32BE(pos + 4);
}

export function writeInt64(buf: Buffer, pos: number, value: number): number {
  if (!Number.isSafeInteger(value)) throw new RangeError(`int64 field needs a safe integer, got ${value}`);
  const hi = Math.floor(value / TWO_32);
  buf.writeInt32BE(hi, pos);
  buf.writeUInt32BE(value - hi * TWO_32, pos + 4);
  return pos + 8;
}
