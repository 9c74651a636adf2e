// Key → latest offset for one cleaning pass, in a fixed amount of memory as Kafka's SkimpyOffsetMap: each slot is
// the MD5 of the key (16 bytes) and an int64 offset, found by linear probing from the hash. Two keys with the same
// MD5 would share a slot; Kafka accepts that, and so do we. Memory is allocated once and never grows: the
// cleaner stops adding segments when the map reaches its load factor.
import { createHash } from 'node:crypto';

const HASH_BYTES = 16;
export const OFFSET_MAP_SLOT_BYTES = HASH_BYTES + 8;

export class OffsetMap {
  private readonly slots: Buffer;
  private readonly slotCount: number;
  private entries = 0;
  /** The offset most recently put (Kafka: latestOffset), -1 before any. */
  private latest = -1;

  /** `memoryBytes` is rounded down to whole slots; at least one slot. */
  constructor(memoryBytes: number, private readonly loadFactor = 0.9) {
    this.slotCount = Math.max(1, Math.floor(memoryBytes / OFFSET_MAP_SLOT_BYTES));
    this.slots = Buffer.alloc(this.slotCount * OFFSET_MAP_SLOT_BYTES);
  }

  get size(): number {
    return this.entries;
  }

  get capacity(): number {
    return this.slotCount;
  }

  get latestOffset(): number {
    return this.latest;
  }

  /** True when one more distinct key would pass the load factor. */
  get full(): boolean {
    return this.entries + 1 > this.slotCount * this.loadFactor;
  }

  clear(): void {
    this.slots.fill(0);
    this.entries = 0;
    this.latest = -1;
  }

  /** Records `offset` as the latest for `key` (offsets are put in increasing order). */
  put(key: Buffer, offset: number): void {
    const hash = md5(key);
    const slot = this.find(hash);
    const at = slot * OFFSET_MAP_SLOT_BYTES;
    if (this.isEmpty(at)) {
      if (this.entries >= this.slotCount) throw new RangeError('offset map is full');
      hash.copy(this.slots, at);
      this.entries++;
    }
    this.slots.writeBigInt64BE(BigInt(offset), at + HASH_BYTES);
    this.latest = offset;
  }

  /** The latest offset put for `key`, or -1. */
  get(key: Buffer): number {
    const hash = md5(key);
    const at = this.find(hash) * OFFSET_MAP_SLOT_BYTES;
    return this.isEmpty(at) ? -1 : Number(this.slots.readBigInt64BE(at + HASH_BYTES));
  }

  /** The slot holding `hash`, or the empty slot where it would go. */
  private find(hash: Buffer): number {
    let slot = hash.readUInt32BE(0) % this.slotCount;
    for (let probes = 0; probes < this.slotCount; probes++) {
      const at = slot * OFFSET_MAP_SLOT_BYTES;
      if (this.isEmpty(at) || hash.compare(this.slots, at, at + HASH_BYTES) === 0) return slot;
      slot = slot + 1 === this.slotCount ? 0 : slot + 1;
    }
    throw new RangeError('offset map is full');
  }

  /** A slot is empty when its offset is 0 and its hash is all zeros (no MD5 output is 16 zero bytes in practice). */
  private isEmpty(at: number): boolean {
    for (let i = 0; i < HASH_BYTES; i += 4) if (this.slots.readUInt32BE(at + i) !== 0) return false;
    return true;
  }
}

function md5(key: Buffer): Buffer {
  return createHash('md5').update(key).digest();
}
