// The snapshot walk over the live tree: Apache's pre-order (children in HashSet order, the root as ""), and a walk
// interleaved with transactions yields a fuzzy snapshot that log replay turns into exactly the live tree.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { parseSnapshot, serializeSnapshot, type SnapshotWalk } from '../../../src/zookeeper/storage/snapshot.js';
import { OPEN_ACL_UNSAFE, READ_ACL_UNSAFE } from '../../../src/zookeeper/tree/acl.js';
import { DataNode } from '../../../src/zookeeper/tree/data-node.js';
import { DataTree } from '../../../src/zookeeper/tree/data-tree.js';
import { joinPath, parentOf } from '../../../src/zookeeper/tree/paths.js';
import type { Txn, TxnBody } from '../../../src/zookeeper/tree/txn.js';

function txn(zxid: bigint, body: TxnBody): Txn {
  return { hdr: { clientId: 7n, cxid: 0, zxid, time: 1000n + zxid, type: body.type }, body };
}
const createBody = (path: string, data = 'v', acl = OPEN_ACL_UNSAFE): TxnBody =>
  ({ type: OpCode.create, record: { path, data: Buffer.from(data), acl, ephemeral: false, parentCVersion: -1 } });
const deleteBody = (path: string): TxnBody => ({ type: OpCode.delete, record: { path } });
const setDataBody = (path: string, data: string, version: number): TxnBody => ({ type: OpCode.setData, record: { path, data: Buffer.from(data), version } });
const setAclBody = (path: string, version: number, acl = READ_ACL_UNSAFE): TxnBody => ({ type: OpCode.setACL, record: { path, acl, version } });
/** An ACL list no node had when the snapshot started. */
const freshAcl = (k: number) => [{ perms: 31, id: { scheme: 'digest', id: `user${k}:hash` } }];

/** Pre-order by full-path lookups, children in childList() order: what the walk must reproduce. */
function referencePreorder(tree: DataTree): string[] {
  const out: string[] = [];
  const stack = ['/'];
  while (stack.length > 0) {
    const path = stack.pop()!;
    out.push(path === '/' ? '' : path);
    const kids = tree.get(path)!.childList();
    for (let i = kids.length - 1; i >= 0; i--) stack.push(joinPath(path, kids[i]!));
  }
  return out;
}

function walkPaths(tree: DataTree): string[] {
  const walk = tree.walk();
  const out: string[] = [];
  for (let node = walk.next(); node !== null; node = walk.next()) {
    assert.equal(node, tree.get(walk.path === '' ? '/' : walk.path), walk.path);
    out.push(walk.path);
  }
  return out;
}

/**
 * Every node as a comparable line: path, data, ACL, the persisted stat and the child names (sorted: the HashSet
 * order depends on how large a set once grew, which a restored tree need not repeat, in Apache as here).
 */
function dump(tree: DataTree): string[] {
  return [...tree.nodes.entries()].map(([path, n]) =>
    `${path} ${n.data?.toString('hex')} ${JSON.stringify(n.acl)} ${n.czxid} ${n.mzxid} ${n.ctime} ${n.mtime} ${n.version} ${n.cversion} ${n.aversion} ${n.ephemeralOwner} ${n.pzxid} [${[...n.childList()].sort().join(',')}]`).sort();
}

test('the walk lists every node in the pre-order of full-path lookups, with UTF-8 paths built as it descends', () => {
  const tree = new DataTree();
  let zxid = 0n;
  for (const p of ['/a', '/a/b', '/a/b/c', '/a/é', '/a/é/日本', '/z', '/a/b/d', '/m']) tree.applyTxn(txn(++zxid, createBody(p)));
  for (let i = 0; i < 40; i++) tree.applyTxn(txn(++zxid, createBody(`/m/n${i}`)));
  for (let i = 0; i < 40; i += 3) tree.applyTxn(txn(++zxid, deleteBody(`/m/n${i}`)));
  const expected = referencePreorder(tree);
  assert.equal(expected.length, tree.nodes.size);
  assert.deepEqual(walkPaths(tree), expected);
  assert.ok(expected.includes('/a/é/日本'));
});

test('a snapshot taken while transactions apply, replayed from its zxid, equals the live tree', () => {
  const live = new DataTree();
  let zxid = 0n;
  const log: Txn[] = [];
  const apply = (body: TxnBody) => {
    // As prep does: the parent's new cversion is in the txn, so replaying a create over the snapshot is idempotent.
    if (body.type === OpCode.create) body.record.parentCVersion = live.get(parentOf(body.record.path!))!.cversion + 1;
    const t = txn(++zxid, body);
    log.push(t);
    live.applyTxn(t);
  };
  for (let s = 0; s < 8; s++) {
    apply(createBody(`/s${s}`));
    for (let i = 0; i < 50; i++) apply(createBody(`/s${s}/n${i}`, `d${i}`));
  }
  const startZxid = zxid;
  // A deterministic mix applied between steps of both walks (the ACL map's and the nodes'): creates (some with an ACL
  // list no node had at the start, some with children, some under nodes the walk has passed), deletes of nodes before
  // and after the walk's position, data and ACL changes (some to new lists).
  let step = 0;
  const walkWithWrites = (): SnapshotWalk => {
    const inner = live.walk();
    return {
      get pathBytes() { return inner.pathBytes; },
      get pathLength() { return inner.pathLength; },
      skipChildren: () => inner.skipChildren(),
      next() {
        const k = step++;
        const s = k % 8;
        const i = k % 50;
        switch (k % 7) {
          case 0: apply(createBody(`/s${s}/x${k}`, 'new', k % 14 === 0 ? freshAcl(k) : k % 21 === 0 ? READ_ACL_UNSAFE : OPEN_ACL_UNSAFE)); break;
          case 1: if (live.get(`/s${s}/n${i}`)) apply(deleteBody(`/s${s}/n${i}`)); break;
          case 2: if (live.get(`/s${(s + 3) % 8}/n${i}`)) apply(setDataBody(`/s${(s + 3) % 8}/n${i}`, `u${k}`, k)); break;
          case 3: if (live.get(`/s${s}/n${(i + 7) % 50}`)) apply(setAclBody(`/s${s}/n${(i + 7) % 50}`, k, k % 2 ? freshAcl(k) : READ_ACL_UNSAFE)); break;
          case 4: apply(createBody(`/late${k}`, 'late', freshAcl(k))); break;
          case 5: if (live.get(`/late${k - 1}`)) apply(createBody(`/late${k - 1}/child`)); break;
          default: if (live.get(`/s${s}/x${k - 6}`)) apply(deleteBody(`/s${s}/x${k - 6}`));
        }
        return inner.next();
      },
    };
  };
  const bytes = Buffer.concat(serializeSnapshot({ zxid: startZxid, sessions: [], nodes: walkWithWrites }));
  assert.ok(zxid > startZxid + 100n, 'transactions ran during the walk');
  const snapshotted = parseSnapshot(bytes, 'snapshot.test').nodes;
  assert.ok(snapshotted.some((n) => n.stat.mzxid > startZxid), 'the snapshot is fuzzy');
  assert.ok(!snapshotted.some((n) => n.path.startsWith('/late')), 'nodes created since the start with an ACL list new since then are left out');

  const loaded = parseSnapshot(bytes, 'snapshot.test');
  const restored = new DataTree();
  restored.clear();
  for (const n of loaded.nodes) restored.loadNode(n.path, DataNode.fromPersisted(n.data, n.acl, n.stat));
  for (const t of log) if (t.hdr.zxid > startZxid) restored.applyTxn(t);
  assert.deepEqual(dump(restored), dump(live));
});
