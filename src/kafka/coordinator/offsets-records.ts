// Keys and values Kafka 2.8 keeps in __consumer_offsets (OffsetCommitKey v0/v1, GroupMetadataKey v2,
// OffsetCommitValue v0-v3, GroupMetadataValue v0-v3). Each is an int16 version followed by classic
// (non-flexible) fields: int16-length strings (-1 = null), int32-length bytes, int32-count arrays.
// Hand-written because the four structs are tiny and fixed; the wire-message generator serves the
// flexible request/response schemas.

export interface OffsetCommitKey {
  type: 'offset';
  /** 0 or 1; Kafka 2.8 writes 1. Both have the same layout. */
  version: number;
  group: string;
  topic: string;
  partition: number;
}

export interface GroupMetadataKey {
  type: 'group';
  version: 2;
  group: string;
}

export type OffsetsRecordKey = OffsetCommitKey | GroupMetadataKey;

export interface OffsetCommitValue {
  /** 0-3; 2.8 writes 3, or 1 when the commit carried an explicit expire timestamp. */
  version: number;
  offset: bigint;
  /** -1 when none (and always -1 below version 3). */
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: bigint;
  /** -1 when none (only version 1 stores it). */
  expireTimestampMs: bigint;
}

export interface GroupMemberValue {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  subscription: Uint8Array;
  assignment: Uint8Array;
}

export interface GroupMetadataValue {
  /** 0-3; 2.8 writes 3. */
  version: number;
  protocolType: string;
  generation: number;
  protocol: string | null;
  leader: string | null;
  /** -1 when none (and always -1 below version 2). */
  currentStateTimestampMs: bigint;
  members: GroupMemberValue[];
}

export class OffsetsRecordError extends Error {
  override name = 'OffsetsRecordError';
}

class Writer {
  private readonly parts: Buffer[] = [];
  int16(v: number): this {
    const b = Buffer.alloc(2);
    b.writeInt16BE(v);
    this.parts.push(b);
    return this;
  }
  int32(v: number): this {
    const b = Buffer.alloc(4);
    b.writeInt32BE(v);
    this.parts.push(b);
    return this;
  }
  int64(v: bigint): this {
    const b = Buffer.alloc(8);
    b.writeBigInt64BE(v);
    this.parts.push(b);
    return this;
  }
  string(v: string | null): this {
    if (v === null) return this.int16(-1);
    const bytes = Buffer.from(v, 'utf8');
    if (bytes.length > 0x7fff) throw new OffsetsRecordError(`string of ${bytes.length} bytes exceeds 32767`);
    this.int16(bytes.length);
    this.parts.push(bytes);
    return this;
  }
  bytes(v: Uint8Array): this {
    this.int32(v.length);
    this.parts.push(Buffer.from(v.buffer, v.byteOffset, v.length));
    return this;
  }
  done(): Buffer {
    return Buffer.concat(this.parts);
  }
}

class Reader {
  private pos = 0;
  constructor(private readonly buf: Uint8Array, private readonly what: string) {}
  private need(n: number): number {
    if (this.pos + n > this.buf.length) {
      throw new OffsetsRecordError(`${this.what}: truncated at byte ${this.pos} (need ${n} more of ${this.buf.length})`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }
  private view(): DataView {
    return new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }
  int16(): number {
    return this.view().getInt16(this.need(2));
  }
  int32(): number {
    return this.view().getInt32(this.need(4));
  }
  int64(): bigint {
    return this.view().getBigInt64(this.need(8));
  }
  nullableString(): string | null {
    const len = this.int16();
    if (len === -1) return null;
    if (len < 0) throw new OffsetsRecordError(`${this.what}: negative string length ${len}`);
    const at = this.need(len);
    return Buffer.from(this.buf.buffer, this.buf.byteOffset + at, len).toString('utf8');
  }
  string(field: string): string {
    const s = this.nullableString();
    if (s === null) throw new OffsetsRecordError(`${this.what}: ${field} is null but not nullable`);
    return s;
  }
  bytes(field: string): Uint8Array {
    const len = this.int32();
    if (len < 0) throw new OffsetsRecordError(`${this.what}: ${field} has length ${len}`);
    const at = this.need(len);
    // A plain copy: the record may outlive the (possibly pooled) buffer it was read from.
    return new Uint8Array(this.buf.subarray(at, at + len));
  }
  remaining(): number {
    return this.buf.length - this.pos;
  }
}

export function encodeOffsetCommitKey(group: string, topic: string, partition: number, version = 1): Buffer {
  if (version !== 0 && version !== 1) throw new OffsetsRecordError(`OffsetCommitKey version ${version} is not 0 or 1`);
  return new Writer().int16(version).string(group).string(topic).int32(partition).done();
}

export function encodeGroupMetadataKey(group: string): Buffer {
  return new Writer().int16(2).string(group).done();
}

/** Decodes either key type; the leading version tells which (0/1 offset commit, 2 group metadata). */
export function decodeOffsetsRecordKey(bytes: Uint8Array): OffsetsRecordKey {
  const r = new Reader(bytes, '__consumer_offsets key');
  const version = r.int16();
  if (version === 0 || version === 1) {
    return { type: 'offset', version, group: r.string('group'), topic: r.string('topic'), partition: r.int32() };
  }
  if (version === 2) return { type: 'group', version: 2, group: r.string('group') };
  throw new OffsetsRecordError(`__consumer_offsets key: unknown version ${version}`);
}

export function encodeOffsetCommitValue(v: Omit<OffsetCommitValue, 'version'>, version: number): Buffer {
  const w = new Writer().int16(version);
  switch (version) {
    case 0:
    case 2:
      return w.int64(v.offset).string(v.metadata).int64(v.commitTimestampMs).done();
    case 1:
      return w.int64(v.offset).string(v.metadata).int64(v.commitTimestampMs).int64(v.expireTimestampMs).done();
    case 3:
      return w.int64(v.offset).int32(v.leaderEpoch).string(v.metadata).int64(v.commitTimestampMs).done();
    default:
      throw new OffsetsRecordError(`OffsetCommitValue version ${version} is not 0-3`);
  }
}

/** The version Kafka 2.8 writes: 1 when an expire timestamp is present, else 3. */
export function offsetCommitValueVersionFor(expireTimestampMs: bigint): number {
  return expireTimestampMs >= 0n ? 1 : 3;
}

export function decodeOffsetCommitValue(bytes: Uint8Array): OffsetCommitValue {
  const r = new Reader(bytes, 'OffsetCommitValue');
  const version = r.int16();
  if (version < 0 || version > 3) throw new OffsetsRecordError(`OffsetCommitValue: unknown version ${version}`);
  const offset = r.int64();
  const leaderEpoch = version >= 3 ? r.int32() : -1;
  const metadata = r.string('metadata');
  const commitTimestampMs = r.int64();
  const expireTimestampMs = version === 1 ? r.int64() : -1n;
  return { version, offset, leaderEpoch, metadata, commitTimestampMs, expireTimestampMs };
}

export function encodeGroupMetadataValue(v: Omit<GroupMetadataValue, 'version'>, version = 3): Buffer {
  if (version < 0 || version > 3) throw new OffsetsRecordError(`GroupMetadataValue version ${version} is not 0-3`);
  const w = new Writer().int16(version).string(v.protocolType).int32(v.generation).string(v.protocol).string(v.leader);
  if (version >= 2) w.int64(v.currentStateTimestampMs);
  w.int32(v.members.length);
  for (const m of v.members) {
    w.string(m.memberId);
    if (version >= 3) w.string(m.groupInstanceId);
    w.string(m.clientId).string(m.clientHost);
    if (version >= 1) w.int32(m.rebalanceTimeoutMs);
    w.int32(m.sessionTimeoutMs).bytes(m.subscription).bytes(m.assignment);
  }
  return w.done();
}

export function decodeGroupMetadataValue(bytes: Uint8Array): GroupMetadataValue {
  const r = new Reader(bytes, 'GroupMetadataValue');
  const version = r.int16();
  if (version < 0 || version > 3) throw new OffsetsRecordError(`GroupMetadataValue: unknown version ${version}`);
  const protocolType = r.string('protocolType');
  const generation = r.int32();
  const protocol = r.nullableString();
  const leader = r.nullableString();
  const currentStateTimestampMs = version >= 2 ? r.int64() : -1n;
  const count = r.int32();
  if (count < 0) throw new OffsetsRecordError(`GroupMetadataValue: members count ${count}`);
  const members: GroupMemberValue[] = [];
  for (let i = 0; i < count; i++) {
    const memberId = r.string('memberId');
    const groupInstanceId = version >= 3 ? r.nullableString() : null;
    const clientId = r.string('clientId');
    const clientHost = r.string('clientHost');
    const rebalanceTimeout = version >= 1 ? r.int32() : null;
    const sessionTimeoutMs = r.int32();
    // v0 has no rebalance timeout; Kafka uses the session timeout in its place.
    const rebalanceTimeoutMs = rebalanceTimeout ?? sessionTimeoutMs;
    const subscription = r.bytes('subscription');
    const assignment = r.bytes('assignment');
    members.push({ memberId, groupInstanceId, clientId, clientHost, rebalanceTimeoutMs, sessionTimeoutMs, subscription, assignment });
  }
  return { version, protocolType, generation, protocol, leader, currentStateTimestampMs, members };
}

/** A decoded __consumer_offsets record; value null is a tombstone. */
export type OffsetsLogRecord =
  | { key: OffsetCommitKey; value: OffsetCommitValue | null }
  | { key: GroupMetadataKey; value: GroupMetadataValue | null };

export function decodeOffsetsLogRecord(key: Uint8Array, value: Uint8Array | null): OffsetsLogRecord {
  const k = decodeOffsetsRecordKey(key);
  if (k.type === 'offset') return { key: k, value: value === null ? null : decodeOffsetCommitValue(value) };
  return { key: k, value: value === null ? null : decodeGroupMetadataValue(value) };
}

/** A transaction marker (the record of a control batch) as a load reads it. */
export interface OffsetsTxnMarker {
  type: 'txn-marker';
  producerId: number;
  commit: boolean;
}

/**
 * What a load reads from a partition, in log order: records (with the producer id when their batch is
 * transactional: pending until that producer's marker) and transaction markers.
 */
export type OffsetsLogEntry = (OffsetsLogRecord & { producerId?: number }) | OffsetsTxnMarker;

export function isTxnMarker(entry: OffsetsLogEntry): entry is OffsetsTxnMarker {
  return 'type' in entry && entry.type === 'txn-marker';
}
