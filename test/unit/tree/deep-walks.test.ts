// Walks over the data tree on chains deeper than a recursive walk survives (a recursive count overflows Node's
// default stack at about 7,500 levels in a test process, 5,000 in the server). The tree keys nodes by their full
// paths, so a chain of n levels holds ~n² path bytes: 10,000 levels is ~100 MB, and 100,000 would be ~10 GB.
import assert from 'node:assert/strict';
import { before, describe, test } from 'node:test';
import { EventType, OpCode, WatcherType } from '../../../src/zookeeper/jute/constants.js';
import { OPEN_ACL_UNSAFE } from '../../../src/zookeeper/tree/acl.js';
import { DataTree } from '../../../src/zookeeper/tree/data-tree.js';
import { pathDepth, truncatePath } from '../../../src/zookeeper/tree/paths.js';
import { decodeTxn, encodeTxn, type TxnBody } from '../../../src/zookeeper/tree/txn.js';
import { WatchManager, type Watcher } from '../../../src/zookeeper/tree/watch-manager.js';

const DEPTH = 10_000;
const TOP = '/deep';

let zxid = 0n;
function apply(tree: DataTree, body: TxnBody): void {
  zxid++;
  tree.applyTxn({ hdr: { clientId: 1n, cxid: 0, zxid, time: 0n, type: body.type }, body });
}
function create(tree: DataTree, path: string, data: string | null = null): void {
  const bytes = data === null ? null : Buffer.from(data);
  apply(tree, { type: OpCode.create, record: { path, data: bytes, acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion: -1 } });
}
const statText = (tree: DataTree, path: string) => tree.get(`/zookeeper/quota${path}/zookeeper_stats`)!.data!.toString();

/** A watcher that records what it is sent. */
function recorder(): Watcher & { seen: string[] } {
  const seen: string[] = [];
  return { seen, process: (type, path) => void seen.push(`${type} ${path.length}`) };
}

describe(`a ${DEPTH}-level chain in a DataTree`, () => {
  const tree = new DataTree();
  /** paths[i] is the chain node i levels below TOP. */
  const paths: string[] = [];

  before(() => {
    let path = TOP;
    for (let level = 0; level < DEPTH; level++, path += '/d') {
      create(tree, path, level === DEPTH - 1 ? 'bottom' : null);
      paths.push(path);
    }
  });

  test('countDescendants and subtreeCounts walk the whole chain', () => {
    assert.equal(tree.countDescendants(TOP), DEPTH - 1);
    assert.equal(tree.countDescendants(paths[DEPTH / 2]!), DEPTH / 2 - 1);
    assert.equal(tree.countDescendants(paths[DEPTH - 1]!), 0);
    assert.equal(tree.countDescendants(`${TOP}/missing`), 0);
    // The root's answer is the node count less the root: the chain and /zookeeper, /zookeeper/quota, /zookeeper/config.
    assert.equal(tree.countDescendants('/'), DEPTH + 3);
    assert.deepEqual(tree.subtreeCounts(TOP), { count: DEPTH, bytes: 'bottom'.length });
    assert.deepEqual(tree.subtreeCounts(`${TOP}/missing`), { count: 0, bytes: 0 });
  });

  test('a quota on the top counts the chain, and writes at the bottom update it', () => {
    create(tree, `/zookeeper/quota${TOP}`);
    create(tree, `/zookeeper/quota${TOP}/zookeeper_limits`, 'count=-1,bytes=-1');
    create(tree, `/zookeeper/quota${TOP}/zookeeper_stats`, 'count=0,bytes=0');
    assert.equal(statText(tree, TOP), `count=${DEPTH},bytes=6`);
    const bottom = paths[DEPTH - 1]!;
    create(tree, `${bottom}/leaf`, 'abc');
    assert.equal(statText(tree, TOP), `count=${DEPTH + 1},bytes=9`);
    apply(tree, { type: OpCode.delete, record: { path: `${bottom}/leaf` } });
    assert.equal(statText(tree, TOP), `count=${DEPTH},bytes=6`);
    tree.rebuildQuotas();
    assert.equal(statText(tree, TOP), `count=${DEPTH},bytes=6`);
  });
});

test('nested quotas: a change counts toward the deepest quota above it, and a removed quota stops counting', () => {
  const tree = new DataTree();
  for (const p of ['/a', '/a/b', '/a/b/c', '/a/b/c/d', '/a/b/c/d/e', '/a/x']) create(tree, p);
  for (const q of ['/a', '/a/b/c']) {
    let at = '/zookeeper/quota';
    for (const name of q.split('/').slice(1)) create(tree, (at += `/${name}`));
    create(tree, `${at}/zookeeper_limits`, 'count=-1,bytes=-1');
    create(tree, `${at}/zookeeper_stats`, 'count=0,bytes=0');
  }
  assert.equal(tree.quotas.maxPrefix('/a/b/c/d/e'), '/a/b/c');
  assert.equal(tree.quotas.maxPrefix('/a/b/c'), '/a/b/c');
  assert.equal(tree.quotas.maxPrefix('/a/b'), '/a');
  assert.equal(tree.quotas.maxPrefix('/a/x/y/z/w/v'), '/a');
  assert.equal(tree.quotas.maxPrefix('/q/r/s/t'), null);
  create(tree, '/a/b/c/d/e/f', 'xy');
  assert.equal(statText(tree, '/a/b/c'), 'count=4,bytes=2');
  create(tree, '/a/x/y', 'z');
  assert.equal(statText(tree, '/a'), 'count=7,bytes=1');
  apply(tree, { type: OpCode.delete, record: { path: '/zookeeper/quota/a/b/c/zookeeper_limits' } });
  assert.equal(tree.quotas.maxPrefix('/a/b/c/d/e/f'), '/a');
  create(tree, '/a/b/c/d/g', 'w');
  assert.equal(statText(tree, '/a'), 'count=8,bytes=2');
  assert.equal(statText(tree, '/a/b/c'), 'count=4,bytes=2');
});

test('pathDepth and truncatePath', () => {
  assert.deepEqual(['/', '/a', '/a/b', '/a/bc/d'].map(pathDepth), [0, 1, 2, 3]);
  assert.equal(truncatePath('/a/b/c', 0), '/');
  assert.equal(truncatePath('/a/b/c', 1), '/a');
  assert.equal(truncatePath('/a/b/c', 2), '/a/b');
  assert.equal(truncatePath('/a/b/c', 3), '/a/b/c');
  assert.equal(truncatePath('/a/b/c', 9), '/a/b/c');
  assert.equal(truncatePath('/', 2), '/');
});

describe('recursive watches fire for changes any depth below them', () => {
  // Only strings here: a path 100,000 levels deep is 200 KB.
  const deepPath = '/w' + '/d'.repeat(100_000);

  test('a recursive watch near the root sees a change 100,000 levels down', () => {
    const watches = new WatchManager();
    const w = recorder();
    watches.add('recursive', '/w', w);
    assert.equal(watches.trigger(deepPath, EventType.NodeDataChanged), 1);
    assert.equal(watches.trigger(deepPath, EventType.NodeChildrenChanged), 0);
    assert.equal(watches.trigger('/other/d', EventType.NodeDataChanged), 0);
    assert.deepEqual(w.seen, [`${EventType.NodeDataChanged} ${deepPath.length}`]);
  });

  test('watches at several depths, on the root, and after the deepest is removed', () => {
    const path = '/w' + '/d'.repeat(5_000);
    const watches = new WatchManager();
    const [top, mid, root, sibling] = [recorder(), recorder(), recorder(), recorder()];
    const midPath = truncatePath(path, 2_500);
    watches.add('recursive', '/w', top);
    watches.add('recursive', midPath, mid);
    watches.add('recursive', '/', root);
    watches.add('recursive', `${midPath}/e`, sibling);
    // A one-shot data watch on an ancestor does not fire for a descendant's change.
    const oneShot = recorder();
    watches.add('data', truncatePath(path, 3_000), oneShot);
    assert.equal(watches.trigger(path, EventType.NodeDataChanged), 3);
    assert.deepEqual([top.seen.length, mid.seen.length, root.seen.length, sibling.seen.length, oneShot.seen.length], [1, 1, 1, 0, 0]);
    // The watch on the path itself fires as a recursive one too.
    assert.equal(watches.trigger(midPath, EventType.NodeDeleted), 3);
    assert.ok(watches.remove(WatcherType.Any, `${midPath}/e`, sibling));
    assert.ok(watches.remove(WatcherType.Any, midPath, mid));
    assert.equal(watches.trigger(path, EventType.NodeCreated), 2);
    assert.deepEqual([top.seen.length, mid.seen.length, root.seen.length], [3, 2, 3]);
    watches.removeWatcher(top);
    watches.removeWatcher(root);
    // No recursive watch left: the one-shot watch on the ancestor fires for that path alone.
    assert.equal(watches.trigger(path, EventType.NodeDataChanged), 0);
    assert.equal(watches.trigger(truncatePath(path, 3_000), EventType.NodeDataChanged), 1);
  });
});

test('a multi txn nested in a multi txn is refused when read', () => {
  const hdr = { clientId: 1n, cxid: 1, zxid: 1n, time: 0n, type: OpCode.multi };
  const single: TxnBody = { type: OpCode.delete, record: { path: '/a' } };
  const flat = decodeTxn(encodeTxn({ hdr, body: { type: OpCode.multi, record: { txns: [single] } } }));
  assert.deepEqual(flat.body, { type: OpCode.multi, record: { txns: [single] } });
  const nested: TxnBody = { type: OpCode.multi, record: { txns: [{ type: OpCode.multi, record: { txns: [single] } }] } };
  assert.throws(() => decodeTxn(encodeTxn({ hdr, body: nested })), /multi txn inside a multi txn/);
});
