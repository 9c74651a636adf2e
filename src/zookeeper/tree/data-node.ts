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

/** One znode. `cversion` is the stored counter (child creations); clients see cversion*2 - numChildren. */
export class DataNode {
  /** null until the first child: most nodes are leaves. */
  children: ChildMap | null = null;
  /** This node's tree digest as TreeDigestLog last computed it (int32 bits); 0 = not known. */
  digest = 0;

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
