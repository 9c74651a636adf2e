// The tree digest of Apache's DigestCalculator (version 2) and the digest history the `hash` word prints. A node's
// digest is the CRC32 of its path, data and nine stat fields; the tree's is the sum over nodes, except those under
// /zookeeper/ (quota nodes change locally). It is kept up to date around each applied transaction by recomputing
// only the nodes the transaction changes, so every transaction costs a few CRCs, never a walk of the tree.
import { createRequire } from 'node:module';
import { OpCode } from '../../jute/constants.js';
import type { DataNode } from '../../tree/data-node.js';
import type { DataTree } from '../../tree/data-tree.js';
import { parentOf } from '../../tree/paths.js';
import type { Txn, TxnBody } from '../../tree/txn.js';

/** ZooKeeperServer's zookeeper.digestLog.interval and .limit defaults. */
const DIGEST_LOG_INTERVAL = 128n;
const DIGEST_LOG_LIMIT = 1024;

type Crc32 = (data: string | Uint8Array, value?: number) => number;

// zlib.crc32 arrived in Node 20.15; older 20.x get the table version. node:zlib is loaded at the first digest,
// not when the server starts.
let nativeCrc32: Crc32 | null | undefined;
let table: Int32Array | null = null;
const crc32: Crc32 = (data, value) => {
  if (nativeCrc32 === undefined) {
    const zlib = createRequire(import.meta.url)('node:zlib') as { crc32?: Crc32 };
    nativeCrc32 = zlib.crc32 ?? null;
  }
  return nativeCrc32 !== null ? nativeCrc32(data, value) : tableCrc32(data, value);
};

const tableCrc32: Crc32 = (data, value = 0) => {
  if (table === null) {
    table = new Int32Array(256);
    for (let n = 0; n < 256; n++) {
      let c = n;
      for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
      table[n] = c;
    }
  }
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let c = ~value;
  for (let i = 0; i < bytes.length; i++) c = table[(c ^ bytes[i]!) & 0xff]! ^ (c >>> 8);
  return ~c >>> 0;
};

const statBytes = new Uint8Array(60);
// DataView's setters are several times faster than Buffer's for bigints.
const stat = new DataView(statBytes.buffer);

/** DigestCalculator.calculateDigest(path, data, stat). "/" counts as "", as Apache keys the root. */
export function nodeDigest(path: string, node: DataNode): number {
  if (path.startsWith('/zookeeper/')) return 0;
  node.writeZxidsAndTimes(stat, 0);
  stat.setInt32(40, node.version);
  stat.setInt32(44, node.cversion);
  stat.setInt32(48, node.aversion);
  stat.setBigInt64(52, node.ephemeralOwner);
  let crc = crc32(path === '/' ? '' : path);
  if (node.data !== null && node.data.length > 0) crc = crc32(node.data, crc);
  return crc32(statBytes, crc);
}

/** The digest of the whole tree, as a Java long. */
export function treeDigest(tree: DataTree): bigint {
  let sum = 0n;
  for (const [path, node] of tree.nodes) sum += BigInt(nodeDigest(path, node));
  return BigInt.asIntN(64, sum);
}

export interface ZxidDigest {
  zxid: bigint;
  digest: bigint;
}

/** The running sum is kept as a number while it stays exact, and folded into the bigint past this. */
const MAX_EXACT_DELTA = 2 ** 52;

export class TreeDigestLog {
  /** Every 128th zxid with the tree's digest after it, the latest 1024. */
  readonly entries: ZxidDigest[] = [];
  private sum = 0n;
  /** Not yet folded into `sum`: node digests added and removed since. */
  private delta = 0;
  private started = false;
  /** Paths the current transaction changes (an array: Set.clear allocates a new table every time). */
  private touched: string[] = [];

  constructor(private readonly tree: DataTree) {}

  /**
   * Call right before the tree applies `txn`. The first call takes the digest of the tree as loaded. The nodes'
   * digests before the change are the ones cached on them: every change to a node goes through a transaction, and
   * afterApply refreshes the cache of every node a transaction touched.
   */
  beforeApply(txn: Txn): void {
    if (!this.started) {
      let sum = 0n;
      for (const [path, node] of this.tree.nodes) sum += BigInt(this.refresh(path, node));
      this.sum = BigInt.asIntN(64, sum);
      this.started = true;
    }
    this.touched.length = 0;
    this.collect(txn.hdr.clientId, txn.body);
    // Multis and closeSessions can name a path twice.
    const t = this.touched;
    if (t.length === 2 ? t[0] === t[1] : t.length > 2) this.touched = [...new Set(t)];
    for (const path of this.touched) {
      const node = this.tree.nodes.get(path);
      if (node) this.add(-(node.digest !== 0 ? node.digest >>> 0 : nodeDigest(path, node)));
    }
  }

  /** Call right after the tree applied `txn`. */
  afterApply(txn: Txn): void {
    for (const path of this.touched) {
      const node = this.tree.nodes.get(path);
      if (node) this.add(this.refresh(path, node));
    }
    this.touched.length = 0;
    if (txn.hdr.zxid % DIGEST_LOG_INTERVAL !== 0n) return;
    this.entries.push({ zxid: txn.hdr.zxid, digest: this.folded() });
    if (this.entries.length > DIGEST_LOG_LIMIT) this.entries.shift();
  }

  /** The tree was replaced (a learner loaded its leader's snapshot): start again from it, with no history. */
  reset(): void {
    this.started = false;
    this.sum = 0n;
    this.delta = 0;
    this.touched.length = 0;
    this.entries.length = 0;
  }

  get digest(): bigint {
    return this.started ? this.folded() : treeDigest(this.tree);
  }

  private refresh(path: string, node: DataNode): number {
    const d = nodeDigest(path, node);
    node.digest = d | 0;
    return d;
  }

  private add(d: number): void {
    const delta = this.delta + d;
    if (delta > MAX_EXACT_DELTA || delta < -MAX_EXACT_DELTA) {
      this.sum = BigInt.asIntN(64, this.sum + BigInt(delta));
      this.delta = 0;
    } else {
      this.delta = delta;
    }
  }

  private folded(): bigint {
    if (this.delta !== 0) {
      this.sum = BigInt.asIntN(64, this.sum + BigInt(this.delta));
      this.delta = 0;
    }
    return this.sum;
  }

  private touch(path: string | null | undefined): void {
    if (!path) return;
    this.touched.push(path, parentOf(path));
  }

  /**
   * The nodes a transaction can change: its paths, and for creates and deletes their parents (child lists,
   * cversion, pzxid). setData, setACL and reconfig change the node alone.
   */
  private collect(sessionId: bigint, body: TxnBody): void {
    switch (body.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
      case OpCode.delete:
      case OpCode.deleteContainer:
        this.touch(body.record.path);
        return;
      case OpCode.setData:
      case OpCode.reconfig:
      case OpCode.setACL:
        if (body.record.path) this.touched.push(body.record.path);
        return;
      case OpCode.closeSession:
        for (const p of body.record?.paths2Delete ?? this.tree.ephemerals.get(sessionId) ?? []) this.touch(p);
        return;
      case OpCode.multi:
        for (const sub of body.record.txns) this.collect(sessionId, sub);
    }
  }
}
