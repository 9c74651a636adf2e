// Test-side helpers for Kafka storage: a table-driven CRC-32C and a builder of v2 record batches (header plus
// simple records) so storage tests do not depend on the record codec.

const CRC32C_TABLE = (() => {
  const table = new Uint32Array(256);
  for (let i = 0; i < 256; i++) {
    let c = i;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0x82f63b78 : c >>> 1;
    table[i] = c >>> 0;
  }
  return table;
})();

/** CRC-32C (Castagnoli) of buf[start, end). */
export function crc32c(buf: Buffer, start = 0, end = buf.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = CRC32C_TABLE[(crc ^ buf[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}

function zigzagVarint(value: number): number[] {
  let v = value >= 0 ? value * 2 : -value * 2 - 1;
  const out: number[] = [];
  while (v >= 0x80) {
    out.push((v % 0x80) | 0x80);
    v = Math.floor(v / 0x80);
  }
  out.push(v);
  return out;
}

export interface BatchSpec {
  baseOffset?: number;
  /** Records in the batch (offset deltas 0..count-1). */
  count?: number;
  /** Timestamp of the first record; record i gets firstTimestamp + i * timestampStepMs. */
  firstTimestamp?: number;
  timestampStepMs?: number;
  /** Value bytes of each record. */
  valueBytes?: number;
  partitionLeaderEpoch?: number;
  producerId?: number;
  /** Byte the values are filled with. */
  fill?: number;
}

/** A valid v2 batch (magic 2, no compression, CreateTime) with `count` records of `valueBytes` bytes each. */
export function buildBatch(spec: BatchSpec = {}): Buffer {
  const count = spec.count ?? 1;
  const first = spec.firstTimestamp ?? 1_700_000_000_000;
  const step = spec.timestampStepMs ?? 0;
  const value = Buffer.alloc(spec.valueBytes ?? 10, spec.fill ?? 0x61);
  const records: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const body = Buffer.from([
      0, // attributes
      ...zigzagVarint(i * step), // timestampDelta
      ...zigzagVarint(i), // offsetDelta
      ...zigzagVarint(-1), // null key
      ...zigzagVarint(value.length),
    ]);
    const tail = Buffer.from(zigzagVarint(0)); // no headers
    const length = body.length + value.length + tail.length;
    records.push(Buffer.from(zigzagVarint(length)), body, value, tail);
  }
  const recordBytes = Buffer.concat(records);
  const batch = Buffer.alloc(61 + recordBytes.length);
  batch.writeBigInt64BE(BigInt(spec.baseOffset ?? 0), 0);
  batch.writeInt32BE(batch.length - 12, 8);
  batch.writeInt32BE(spec.partitionLeaderEpoch ?? -1, 12);
  batch[16] = 2;
  batch.writeInt16BE(0, 21);
  batch.writeInt32BE(count - 1, 23);
  batch.writeBigInt64BE(BigInt(first), 27);
  batch.writeBigInt64BE(BigInt(first + (count - 1) * step), 35);
  batch.writeBigInt64BE(BigInt(spec.producerId ?? -1), 43);
  batch.writeInt16BE(-1, 51);
  batch.writeInt32BE(-1, 53);
  batch.writeInt32BE(count, 57);
  recordBytes.copy(batch, 61);
  batch.writeUInt32BE(crc32c(batch, 21, batch.length), 17);
  return batch;
}

/** Recomputes the CRC of the batch at `pos` after a test changed covered bytes. */
export function refreshCrc(buf: Buffer, pos = 0): void {
  const size = 12 + buf.readInt32BE(pos + 8);
  buf.writeUInt32BE(crc32c(buf, pos + 21, pos + size), pos + 17);
}
