// The in-memory znode tree. It changes only through applyTxn, so live traffic, log replay and (later) a follower's
// catch-up share one code path. Replay over a fuzzy snapshot is idempotent: errors are reported, never thrown.
import { Err, EventType, OpCode } from '../jute/constants.js';
import type { ACL, Stat, TxnHeader } from '../jute/records.generated.js';
import { AclInterner, READ_ACL_UNSAFE } from './acl.js';
import { CONTAINER_OWNER, DataNode, kindOfOwner, ttlOwner } from './data-node.js';
import { nameOf, parentOf } from './paths.js';
import { PreorderWalk } from './preorder-walk.js';
import { QuotaTracker } from './quota.js';
import type { Txn, TxnBody } from './txn.js';
import { WatchManager } from './watch-manager.js';

export interface TxnResult {
  type: number;
  err: number;
  path?: string;
  stat?: Stat;
  multi?: TxnResult[];
}

export const ZOOKEEPER_PATH = '/zookeeper';
export const QUOTA_PATH = '/zookeeper/quota';
export const CONFIG_PATH = '/zookeeper/config';

export class DataTree {
  readonly nodes = new Map<string, DataNode>();
  readonly ephemerals = new Map<bigint, Set<string>>();
  readonly containers = new Set<string>();
  readonly ttls = new Set<string>();
  readonly watches = new WatchManager();
  readonly acls = new AclInterner();
  readonly quotas = new QuotaTracker(this);
  lastProcessedZxid = 0n;
  approximateDataSize = 0;

  constructor() {
    // Apache gives these nodes no ACL list (ACL key -1, read as world:anyone:cdrwa), and snapshots keep it so.
    const root = new DataNode(Buffer.alloc(0), null, 0n, 0n, 0n, 0n, 0, 0, 0, 0n, 0n);
    this.nodes.set('/', root);
    // Apache keeps the root under "" and under the alias "/", whose key counts in approximate_data_size.
    this.approximateDataSize += 1;
    this.addSystemNode(ZOOKEEPER_PATH, null);
    this.addSystemNode(QUOTA_PATH, null);
    // Apache sets the config node's ACL with setACL(path, READ_ACL_UNSAFE, -1), which leaves aversion at -1.
    this.addSystemNode(CONFIG_PATH, READ_ACL_UNSAFE, -1);
  }

  private addSystemNode(path: string, acl: ACL[] | null, aversion = 0): void {
    const node = new DataNode(Buffer.alloc(0), acl, 0n, 0n, 0n, 0n, 0, 0, aversion, 0n, 0n);
    this.nodes.set(path, node);
    this.nodes.get(parentOf(path))!.addChild(nameOf(path), node);
    this.approximateDataSize += path.length;
  }

  /**
   * ZKDatabase.initConfigInZKDatabase: the active quorum config becomes the data of /zookeeper/config outside any
   * transaction (version -1, mzxid = the config's version), and its data watches fire.
   */
  setConfigData(data: Buffer, configVersion: bigint, timeMs: bigint): void {
    const node = this.nodes.get(CONFIG_PATH);
    if (!node) return;
    this.approximateDataSize += data.length - node.dataLength;
    node.data = data;
    node.version = -1;
    node.mzxid = configVersion;
    node.mtime = timeMs;
    this.watches.trigger(CONFIG_PATH, EventType.NodeDataChanged);
  }

  /** Removes every node (before loading a snapshot). */
  clear(): void {
    this.nodes.clear();
    this.ephemerals.clear();
    this.containers.clear();
    this.ttls.clear();
    this.approximateDataSize = 0;
  }

  /** Adds a node read from a snapshot (pre-order, so the parent is already there). */
  loadNode(path: string, node: DataNode): void {
    const key = path === '' ? '/' : path;
    node.acl = this.acls.intern(node.acl);
    this.nodes.set(key, node);
    if (key !== '/') this.nodes.get(parentOf(key))?.addChild(nameOf(key), node);
    this.track(key, node);
    this.approximateDataSize += key.length + node.dataLength;
  }

  private track(path: string, node: DataNode): void {
    const owner = node.ephemeralOwner;
    if (owner === 0n) return;
    switch (kindOfOwner(owner)) {
      case 'container': this.containers.add(path); break;
      case 'ttl': this.ttls.add(path); break;
      default: {
        let set = this.ephemerals.get(owner);
        if (!set) this.ephemerals.set(owner, (set = new Set()));
        set.add(path);
      }
    }
  }

  private untrack(path: string, owner: bigint): void {
    if (owner === 0n) return;
    switch (kindOfOwner(owner)) {
      case 'container': this.containers.delete(path); break;
      case 'ttl': this.ttls.delete(path); break;
      default: {
        const set = this.ephemerals.get(owner);
        if (set) {
          set.delete(path);
          if (set.size === 0) this.ephemerals.delete(owner);
        }
      }
    }
  }

  get(path: string): DataNode | undefined {
    return this.nodes.get(path);
  }

  /** Node count as Apache reports it (it counts the root under both "" and "/"). */
  get nodeCount(): number {
    return this.nodes.size + 1;
  }

  ephemeralCount(): number {
    let n = 0;
    for (const set of this.ephemerals.values()) n += set.size;
    return n;
  }

  applyTxn(txn: Txn): TxnResult {
    const res = this.applyBody(txn.hdr, txn.body);
    if (txn.hdr.zxid > this.lastProcessedZxid) this.lastProcessedZxid = txn.hdr.zxid;
    return res;
  }

  private applyBody(hdr: TxnHeader, body: TxnBody): TxnResult {
    const { zxid, time } = hdr;
    const type = body.type;
    switch (body.type) {
      case OpCode.create:
      case OpCode.create2: {
        const r = body.record;
        return this.createNode(type, r.path!, r.data, r.acl, r.ephemeral ? hdr.clientId : 0n, r.parentCVersion, zxid, time);
      }
      case OpCode.createContainer: {
        const r = body.record;
        return this.createNode(type, r.path!, r.data, r.acl, CONTAINER_OWNER, r.parentCVersion, zxid, time);
      }
      case OpCode.createTTL: {
        const r = body.record;
        return this.createNode(type, r.path!, r.data, r.acl, ttlOwner(r.ttl), r.parentCVersion, zxid, time);
      }
      case OpCode.delete:
      case OpCode.deleteContainer:
        return { type, err: this.deleteNode(body.record.path!, zxid), path: body.record.path! };
      case OpCode.setData:
      case OpCode.reconfig: {
        const r = body.record;
        const node = this.nodes.get(r.path!);
        if (!node) return { type, err: Err.NONODE, path: r.path! };
        const bytesDiff = (r.data?.length ?? 0) - node.dataLength;
        this.approximateDataSize += bytesDiff;
        node.data = r.data;
        this.quotas.onSetData(r.path!, bytesDiff);
        node.version = r.version;
        node.mzxid = zxid;
        node.mtime = time;
        this.watches.trigger(r.path!, EventType.NodeDataChanged);
        return { type, err: 0, path: r.path!, stat: node.stat() };
      }
      case OpCode.setACL: {
        const r = body.record;
        const node = this.nodes.get(r.path!);
        if (!node) return { type, err: Err.NONODE, path: r.path! };
        node.acl = this.acls.intern(r.acl);
        node.aversion = r.version;
        return { type, err: 0, path: r.path!, stat: node.stat() };
      }
      case OpCode.closeSession: {
        const paths = body.record?.paths2Delete ?? [...(this.ephemerals.get(hdr.clientId) ?? [])];
        for (const p of paths) if (p !== null) this.deleteNode(p, zxid);
        this.ephemerals.delete(hdr.clientId);
        return { type, err: 0 };
      }
      case OpCode.error:
        return { type, err: body.record.err };
      case OpCode.multi: {
        const subs = body.record.txns;
        const failed = subs.some((s) => s.type === OpCode.error);
        const results: TxnResult[] = [];
        let postFailed = false;
        for (const sub of subs) {
          if (sub.type === OpCode.error) {
            postFailed = true;
            results.push({ type: OpCode.error, err: sub.record.err });
          } else if (failed) {
            results.push({ type: OpCode.error, err: postFailed ? Err.RUNTIMEINCONSISTENCY : 0 });
          } else {
            results.push(this.applyBody(hdr, sub));
          }
        }
        return { type, err: 0, multi: results };
      }
      case OpCode.check:
      case OpCode.createSession:
        return { type, err: 0 };
    }
  }

  private createNode(
    type: number, path: string, data: Buffer | null, acl: ACL[] | null, owner: bigint, parentCVersion: number, zxid: bigint, time: bigint,
  ): TxnResult {
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    if (!parent) return { type, err: Err.NONODE, path };
    const name = nameOf(path);
    if (parent.getChild(name) !== undefined) return { type, err: Err.NODEEXISTS, path };
    if (parentCVersion === -1) parentCVersion = parent.cversion + 1;
    if (parentCVersion > parent.cversion) {
      parent.cversion = parentCVersion;
      parent.pzxid = zxid;
    }
    const node = new DataNode(data, this.acls.intern(acl), zxid, zxid, time, time, 0, 0, 0, owner, zxid);
    parent.addChild(name, node);
    this.nodes.set(path, node);
    this.track(path, node);
    this.approximateDataSize += path.length + node.dataLength;
    this.quotas.onCreate(path, parentPath, name, node.dataLength);
    this.watches.trigger(path, EventType.NodeCreated);
    this.watches.trigger(parentPath, EventType.NodeChildrenChanged);
    return { type, err: 0, path, stat: node.stat() };
  }

  private deleteNode(path: string, zxid: bigint): number {
    const node = this.nodes.get(path);
    if (!node || path === '/') return Err.NONODE;
    const parentPath = parentOf(path);
    const parent = this.nodes.get(parentPath);
    if (!parent) return Err.NONODE;
    this.nodes.delete(path);
    parent.removeChild(nameOf(path));
    if (zxid > parent.pzxid) parent.pzxid = zxid;
    this.untrack(path, node.ephemeralOwner);
    this.approximateDataSize -= path.length + node.dataLength;
    this.quotas.onDelete(path, parentPath, nameOf(path), node.dataLength);
    this.watches.trigger(path, EventType.NodeDeleted);
    this.watches.trigger(parentPath, EventType.NodeChildrenChanged);
    return 0;
  }

  /**
   * Nodes and data bytes of the subtree at path, itself included (quota stats). A walk with an explicit stack of
   * nodes: a chain as deep as clients care to make it must not exhaust the call stack.
   */
  subtreeCounts(path: string): { count: number; bytes: number } {
    let count = 0;
    let bytes = 0;
    const top = this.nodes.get(path);
    if (!top) return { count, bytes };
    const stack: DataNode[] = [top];
    while (stack.length > 0) {
      const node = stack.pop()!;
      count++;
      bytes += node.dataLength;
      if (node.children !== null) for (const child of node.children.values()) stack.push(child);
    }
    return { count, bytes };
  }

  /** Call once after loading a snapshot: quota paths are derived state. */
  rebuildQuotas(): void {
    this.quotas.rebuild(this.nodes.keys());
  }

  /** All descendants of path (not counting it), as getAllChildrenNumber reports; iterative, like subtreeCounts. */
  countDescendants(path: string): number {
    if (path === '/') return this.nodes.size - 1;
    const top = this.nodes.get(path);
    if (!top) return 0;
    let n = 0;
    const stack: DataNode[] = [top];
    while (stack.length > 0) {
      const children = stack.pop()!.children;
      if (children === null) continue;
      n += children.size;
      for (const child of children.values()) stack.push(child);
    }
    return n;
  }

  /** Every node's ACL list, in no particular order (a snapshot's ACL map). */
  *aclLists(): Iterable<ACL[] | null> {
    for (const node of this.nodes.values()) yield node.acl;
  }

  /** The nodes in pre-order with their paths, for snapshots (see PreorderWalk). */
  walk(): PreorderWalk {
    return new PreorderWalk(this.nodes.get('/')!);
  }
}
