// The tree digest of Apache's DigestCalculator (version 2) and the digest history the `hash` word prints. A node's
// digest is the CRC32 of its path, data and nine stat fields; the tree's is the sum over nodes, except those under
// /zookeeper/ (quota nodes change locally). It is kept up to date around each applied transaction by recomputing
// only the nodes the transaction can touch, so every transaction costs a few CRCs, never a walk of the tree.
import * as zlib from 'node:zlib';
import { OpCode } from '../../jute/constants.js';
import type { DataNode } from '../../tree/data-node.js';
import type { DataTree } from '../../tree/data-tree.js';
import { parentOf } from '../../tree/paths.js';
import type { Txn, TxnBody } from '../../tree/txn.js';

/** ZooKeeperServer's zookeeper.digestLog.interval and .limit defaults. */
const DIGEST_LOG_INTERVAL = 128n;
const DIGEST_LOG_LIMIT = 1024;

type Crc32 = (data: string | Uint8Array, value?: number) => number;

// zlib.crc32 arrived in Node 20.15; older 20.x get the table version.
const nativeCrc32 = (zlib as unknown as { crc32?: Crc32 }).crc32;
let table: Int32Array | null = null;
const crc32: Crc32 = nativeCrc32 ?? ((data, value = 0) => {
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
});

const statBytes = new Uint8Array(60);
// DataView's setters are several times faster than Buffer's for bigints.
const stat = new DataView(statBytes.buffer);

/** DigestCalculator.calculateDigest(path, data, stat). "/" counts as "", as Apache keys the root. */
export function nodeDigest(path: string, node: DataNode): number {
  if (path.startsWith('/zookeeper/')) return 0;
  stat.setBigInt64(0, node.czxid);
  stat.setBigInt64(8, node.mzxid);
  stat.setBigInt64(16, node.pzxid);
  stat.setBigInt64(24, node.ctime);
  stat.setBigInt64(32, node.mtime);
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

export class TreeDigestLog {
  /** Every 128th zxid with the tree's digest after it, the latest 1024. */
  readonly entries: ZxidDigest[] = [];
  private sum = 0n;
  private started = false;
  private touched: string[] = [];

  constructor(private readonly tree: DataTree) {}

  /** Call right before the tree applies `txn`. The first call takes the digest of the tree as loaded. */
  beforeApply(txn: Txn): void {
    if (!this.started) {
      this.sum = treeDigest(this.tree);
      this.started = true;
    }
    const paths = new Set<string>();
    this.collect(txn.hdr.clientId, txn.body, paths);
    this.touched = [...paths];
    this.sum -= this.digestOf(this.touched);
  }

  /** Call right after the tree applied `txn`. */
  afterApply(txn: Txn): void {
    this.sum = BigInt.asIntN(64, this.sum + this.digestOf(this.touched));
    this.touched = [];
    if (txn.hdr.zxid % DIGEST_LOG_INTERVAL !== 0n) return;
    this.entries.push({ zxid: txn.hdr.zxid, digest: this.sum });
    if (this.entries.length > DIGEST_LOG_LIMIT) this.entries.shift();
  }

  get digest(): bigint {
    return this.started ? this.sum : treeDigest(this.tree);
  }

  private digestOf(paths: string[]): bigint {
    let sum = 0;
    for (const path of paths) {
      const node = this.tree.nodes.get(path);
      if (node) sum += nodeDigest(path, node);
    }
    return BigInt(sum);
  }

  /** The nodes a transaction can change: its paths and their parents (child lists, cversion, pzxid). */
  private collect(sessionId: bigint, body: TxnBody, out: Set<string>): void {
    const add = (path: string | null | undefined) => {
      if (!path) return;
      out.add(path);
      out.add(parentOf(path));
    };
    switch (body.type) {
      case OpCode.create:
      case OpCode.create2:
      case OpCode.createContainer:
      case OpCode.createTTL:
      case OpCode.delete:
      case OpCode.deleteContainer:
      case OpCode.setData:
      case OpCode.reconfig:
      case OpCode.setACL:
        add(body.record.path);
        return;
      case OpCode.closeSession:
        for (const p of body.record?.paths2Delete ?? this.tree.ephemerals.get(sessionId) ?? []) add(p);
        return;
      case OpCode.multi:
        for (const sub of body.record.txns) this.collect(sessionId, sub, out);
    }
  }
}
