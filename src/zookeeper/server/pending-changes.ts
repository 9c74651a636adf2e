// What the tree will look like once every prepared-but-not-applied transaction is applied (Apache's
// outstandingChanges), so prep validates each write against the state the writes before it will leave.
import type { ACL } from '../jute/records.generated.js';
import type { DataTree } from '../tree/data-tree.js';

export interface NodeRecord {
  zxid: bigint;
  path: string;
  /** false: a pending delete removes it. */
  exists: boolean;
  acl: ACL[] | null;
  version: number;
  aversion: number;
  /** Stored child-creation counter (sequence numbers come from it). */
  cversion: number;
  ephemeralOwner: bigint;
  numChildren: number;
}

export class PendingChanges {
  private readonly byPath = new Map<string, NodeRecord>();
  private readonly queue: NodeRecord[] = [];
  /** Records before this index are applied; the array is compacted now and then rather than shifted per txn. */
  private head = 0;

  constructor(private readonly tree: DataTree) {}

  get size(): number {
    return this.queue.length - this.head;
  }

  /** The node as it will be, or null if it will not exist. */
  get(path: string): NodeRecord | null {
    const pending = this.byPath.get(path);
    if (pending) return pending.exists ? pending : null;
    const node = this.tree.get(path);
    if (!node) return null;
    return {
      zxid: node.mzxid,
      path,
      exists: true,
      acl: node.acl,
      version: node.version,
      aversion: node.aversion,
      cversion: node.cversion,
      ephemeralOwner: node.ephemeralOwner,
      numChildren: node.numChildren,
    };
  }

  add(rec: NodeRecord): void {
    this.queue.push(rec);
    this.byPath.set(rec.path, rec);
  }

  /** Paths with a pending record (closeSession needs the pending ephemerals of a session). */
  *records(): Iterable<NodeRecord> {
    for (let i = this.head; i < this.queue.length; i++) yield this.queue[i];
  }

  /** Forgets records once the tree has applied their transaction. */
  applied(zxid: bigint): void {
    const q = this.queue;
    while (this.head < q.length && q[this.head].zxid <= zxid) {
      const rec = q[this.head++];
      if (this.byPath.get(rec.path) === rec) this.byPath.delete(rec.path);
    }
    if (this.head === q.length) {
      q.length = 0;
      this.head = 0;
    } else if (this.head >= 4096) {
      q.splice(0, this.head);
      this.head = 0;
    }
  }

  /** Drops the records of a failed multi, restoring what earlier pending writes said about those paths. */
  rollback(zxid: bigint): void {
    const touched = new Set<string>();
    for (let i = this.queue.length - 1; i >= this.head && this.queue[i].zxid === zxid; i--) {
      touched.add(this.queue[i].path);
      this.queue.pop();
    }
    for (const path of touched) {
      this.byPath.delete(path);
      for (let i = this.queue.length - 1; i >= this.head; i--) {
        if (this.queue[i].path === path) {
          this.byPath.set(path, this.queue[i]);
          break;
        }
      }
    }
  }
}
