import type { ACL, Stat, StatPersisted } from '../jute/records.generated.js';
import { javaHashCapacity, javaHashSetOrder } from './java-hash-order.js';

export const CONTAINER_OWNER = -0x8000000000000000n;
const TTL_MASK = 0xff00000000000000n;
const TTL_VALUE_MASK = 0x000000ffffffffffn;
export const MAX_TTL_MS = 0xffffffffffn;

export type NodeKind = 'persistent' | 'ephemeral' | 'container' | 'ttl';

export function ttlOwner(ttlMs: bigint): bigint {
  return BigInt.asIntN(64, TTL_MASK | ttlMs);
}

export function kindOfOwner(owner: bigint): NodeKind {
  if (owner === 0n) return 'persistent';
  if (owner === CONTAINER_OWNER) return 'container';
  if ((BigInt.asUintN(64, owner) & TTL_MASK) === TTL_MASK) return 'ttl';
  return 'ephemeral';
}

export function ttlOfOwner(owner: bigint): bigint {
  return BigInt.asUintN(64, owner) & TTL_VALUE_MASK;
}

/**
 * A node's children by name. The values are the child nodes themselves, so walks follow references and build paths
 * as they descend instead of looking each one up by its full path. It also remembers the size Apache's HashSet grew
 * to (its iteration order depends on it) and that order, once asked for, until the next change.
 */
export class ChildMap extends Map<string, DataNode> {
  capacity = 8;
  order: string[] | null = null;
}

const NO_CHILDREN: readonly string[] = [];

/**
 * Data shorter than this is kept as a one-byte string, a character per byte: 16 bytes of header on the heap, moved
 * and compacted by the collector like any object. A Buffer costs a hundred bytes of objects, and a small copy lives in
 * one of Buffer's shared 8 KiB pool slabs, which it keeps alive with whatever else was cut from it (a busy server's
 * request buffers): about 1 KiB of memory per 100-byte node. At this size a Buffer copy has its own allocation.
 */
const STRING_DATA_MAX = 4096;

/** Long values as numbers when exact (a small integer costs nothing beyond its field, others 16 bytes), else bigints. */
type Long = number | bigint;
const MAX_EXACT = BigInt(Number.MAX_SAFE_INTEGER);
const MIN_EXACT = -MAX_EXACT;

function compact(v: bigint): Long {
  return v >= MIN_EXACT && v <= MAX_EXACT ? Number(v) : v;
}

function long(v: Long): bigint {
  return typeof v === 'bigint' ? v : BigInt(v);
}

const TWO_32 = 2 ** 32;

/** `v` as a big-endian 64-bit integer at `at`, with no bigint made for a number. */
function setLong(view: DataView, at: number, v: Long): void {
  if (typeof v === 'bigint') {
    view.setBigInt64(at, v);
    return;
  }
  const high = Math.floor(v / TWO_32);
  view.setInt32(at, high);
  view.setUint32(at + 4, v - high * TWO_32);
}

/** A node's own copy of data: never a view of a socket chunk or a file, nor a slice of a shared pool slab. */
function ownData(data: Uint8Array | null): string | Buffer | null {
  if (data === null) return null;
  if (data.length === 0) return '';
  if (data.length >= STRING_DATA_MAX) return Buffer.from(data);
  return (Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.length)).toString('latin1');
}

/**
 * One znode. `cversion` is the stored counter (child creations); clients see cversion*2 - numChildren. The stat's
 * longs and the data are kept compactly (see Long and STRING_DATA_MAX): a server holds millions of nodes; the
 * accessors give bigints and Buffers as the records and codecs take them.
 */
export class DataNode {
  /** null until the first child: most nodes are leaves. */
  children: ChildMap | null = null;
  /** This node's tree digest as TreeDigestLog last computed it (int32 bits); 0 = not known. */
  digest = 0;
  private bytes: string | Buffer | null;
  private cz: Long;
  private mz: Long;
  private ct: Long;
  private mt: Long;
  private pz: Long;

  constructor(
    data: Uint8Array | null,
    public acl: ACL[] | null,
    czxid: bigint,
    mzxid: bigint,
    ctime: bigint,
    mtime: bigint,
    public version: number,
    public cversion: number,
    public aversion: number,
    public ephemeralOwner: bigint,
    pzxid: bigint,
  ) {
    this.bytes = ownData(data);
    this.cz = compact(czxid);
    this.mz = mzxid === czxid ? this.cz : compact(mzxid);
    this.ct = compact(ctime);
    this.mt = mtime === ctime ? this.ct : compact(mtime);
    this.pz = pzxid === czxid ? this.cz : compact(pzxid);
  }

  static fromPersisted(data: Uint8Array | null, acl: ACL[] | null, s: StatPersisted): DataNode {
    return new DataNode(data, acl, s.czxid, s.mzxid, s.ctime, s.mtime, s.version, s.cversion, s.aversion, s.ephemeralOwner, s.pzxid);
  }

  /** The data, which callers must not change (large data is the node's own buffer). Setting it stores a copy. */
  get data(): Buffer | null {
    const b = this.bytes;
    return typeof b === 'string' ? Buffer.from(b, 'latin1') : b;
  }

  set data(data: Uint8Array | null) {
    this.bytes = ownData(data);
  }

  get dataLength(): number {
    const b = this.bytes;
    return b === null ? 0 : b.length;
  }

  get czxid(): bigint {
    return long(this.cz);
  }

  set czxid(v: bigint) {
    this.cz = compact(v);
  }

  get mzxid(): bigint {
    return long(this.mz);
  }

  set mzxid(v: bigint) {
    this.mz = compact(v);
  }

  get ctime(): bigint {
    return long(this.ct);
  }

  set ctime(v: bigint) {
    this.ct = compact(v);
  }

  get mtime(): bigint {
    return long(this.mt);
  }

  set mtime(v: bigint) {
    this.mt = compact(v);
  }

  get pzxid(): bigint {
    return long(this.pz);
  }

  set pzxid(v: bigint) {
    this.pz = compact(v);
  }

  /**
   * czxid, mzxid, pzxid, ctime and mtime as big-endian longs from `at`, 8 bytes each, in that order (the tree
   * digest's): what the getters give, without the five bigints they make.
   */
  writeZxidsAndTimes(view: DataView, at: number): void {
    setLong(view, at, this.cz);
    setLong(view, at + 8, this.mz);
    setLong(view, at + 16, this.pz);
    setLong(view, at + 24, this.ct);
    setLong(view, at + 32, this.mt);
  }

  get numChildren(): number {
    return this.children === null ? 0 : this.children.size;
  }

  getChild(name: string): DataNode | undefined {
    return this.children === null ? undefined : this.children.get(name);
  }

  /** Adds or replaces the child called name; true when the name is new. */
  addChild(name: string, child: DataNode): boolean {
    if (this.children === null) this.children = new ChildMap();
    const children = this.children;
    const size = children.size;
    children.set(name, child);
    if (children.size === size) return false;
    if (children.size > children.capacity * 0.75) children.capacity = javaHashCapacity(children.size);
    children.order = null;
    return true;
  }

  removeChild(name: string): boolean {
    const children = this.children;
    if (children === null || !children.delete(name)) return false;
    children.order = null;
    return true;
  }

  /** Children in the order Apache ZooKeeper lists them. The array is shared: callers must not change it. */
  childList(): readonly string[] {
    const children = this.children;
    if (children === null || children.size === 0) return NO_CHILDREN;
    return (children.order ??= javaHashSetOrder(children.keys(), children.capacity));
  }

  stat(): Stat {
    const owner = this.ephemeralOwner;
    const numChildren = this.numChildren;
    return {
      czxid: long(this.cz),
      mzxid: long(this.mz),
      ctime: long(this.ct),
      mtime: long(this.mt),
      version: this.version,
      cversion: (this.cversion * 2 - numChildren) | 0,
      aversion: this.aversion,
      ephemeralOwner: owner === 0n || kindOfOwner(owner) !== 'ephemeral' ? 0n : owner,
      dataLength: this.dataLength,
      numChildren,
      pzxid: long(this.pz),
    };
  }

  persistedStat(): StatPersisted {
    return {
      czxid: long(this.cz),
      mzxid: long(this.mz),
      ctime: long(this.ct),
      mtime: long(this.mt),
      version: this.version,
      cversion: this.cversion,
      aversion: this.aversion,
      ephemeralOwner: this.ephemeralOwner,
      pzxid: long(this.pz),
    };
  }
}
