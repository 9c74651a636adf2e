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

/** One znode. `cversion` is the stored counter (child creations); clients see cversion*2 - numChildren. */
export class DataNode {
  children: Set<string> | null = null;
  /** This node's tree digest as TreeDigestLog last computed it (int32 bits); 0 = not known. */
  digest = 0;
  private childCapacity = 8;
  private orderCache: string[] | null = null;

  constructor(
    public data: Buffer | null,
    public acl: ACL[] | null,
    public czxid: bigint,
    public mzxid: bigint,
    public ctime: bigint,
    public mtime: bigint,
    public version: number,
    public cversion: number,
    public aversion: number,
    public ephemeralOwner: bigint,
    public pzxid: bigint,
  ) {}

  static fromPersisted(data: Buffer | null, acl: ACL[] | null, s: StatPersisted): DataNode {
    return new DataNode(data, acl, s.czxid, s.mzxid, s.ctime, s.mtime, s.version, s.cversion, s.aversion, s.ephemeralOwner, s.pzxid);
  }

  get numChildren(): number {
    return this.children === null ? 0 : this.children.size;
  }

  addChild(name: string): boolean {
    if (this.children === null) this.children = new Set();
    if (this.children.has(name)) return false;
    this.children.add(name);
    this.childCapacity = Math.max(this.childCapacity, javaHashCapacity(this.children.size));
    this.orderCache = null;
    return true;
  }

  removeChild(name: string): boolean {
    if (this.children === null || !this.children.delete(name)) return false;
    this.orderCache = null;
    return true;
  }

  /** Children in the order Apache ZooKeeper lists them. */
  childList(): string[] {
    if (this.children === null || this.children.size === 0) return [];
    if (this.orderCache === null) this.orderCache = javaHashSetOrder(this.children, this.childCapacity);
    return this.orderCache;
  }

  get dataLength(): number {
    return this.data === null ? 0 : this.data.length;
  }

  stat(): Stat {
    const owner = this.ephemeralOwner;
    return {
      czxid: this.czxid,
      mzxid: this.mzxid,
      ctime: this.ctime,
      mtime: this.mtime,
      version: this.version,
      cversion: (this.cversion * 2 - this.numChildren) | 0,
      aversion: this.aversion,
      ephemeralOwner: owner === 0n || kindOfOwner(owner) !== 'ephemeral' ? 0n : owner,
      dataLength: this.dataLength,
      numChildren: this.numChildren,
      pzxid: this.pzxid,
    };
  }

  persistedStat(): StatPersisted {
    return {
      czxid: this.czxid,
      mzxid: this.mzxid,
      ctime: this.ctime,
      mtime: this.mtime,
      version: this.version,
      cversion: this.cversion,
      aversion: this.aversion,
      ephemeralOwner: this.ephemeralOwner,
      pzxid: this.pzxid,
    };
  }
}
