// A node keeps its data and stat compactly; what comes out must be exactly what went in.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { DataNode } from '../../../src/zookeeper/tree/data-node.js';
import { DataTree } from '../../../src/zookeeper/tree/data-tree.js';
import { nodeDigest } from '../../../src/zookeeper/server/four-letter-words/tree-digest.js';

const node = (data: Uint8Array | null, czxid = 1n, ctime = 2n, owner = 0n) => new DataNode(data, null, czxid, czxid, ctime, ctime, 0, 0, 0, owner, czxid);

const everyByte = () => Buffer.from(Array.from({ length: 256 }, (_, i) => i));

test('data of every byte value, small and large, comes back byte for byte', () => {
  for (const data of [everyByte(), Buffer.concat(Array.from({ length: 40 }, everyByte))]) {
    const n = node(data);
    assert.deepEqual(n.data, data);
    assert.equal(n.dataLength, data.length);
  }
  assert.equal(node(null).data, null);
  assert.equal(node(null).dataLength, 0);
  assert.deepEqual(node(Buffer.alloc(0)).data, Buffer.alloc(0));
  // A Uint8Array that is not a Buffer, at an offset into its memory.
  const view = new Uint8Array(everyByte().buffer, 10, 20);
  assert.deepEqual(node(view).data, Buffer.from(view));
});

test('a node keeps its own copy: the request buffer can change without changing it', () => {
  for (const size of [100, 10_000]) {
    const chunk = Buffer.alloc(size + 20, 7);
    const n = node(chunk.subarray(10, 10 + size));
    chunk.fill(9);
    assert.deepEqual(n.data, Buffer.alloc(size, 7));
    const replacement = Buffer.alloc(size, 3);
    n.data = replacement;
    replacement.fill(4);
    assert.deepEqual(n.data, Buffer.alloc(size, 3));
  }
});

test('stat longs keep all 64 bits: session ids, zxids of late epochs, negative values', () => {
  const big = 0x7fffffffffffffffn;
  const owner = 0x1000002a3b4c5d6en;
  const n = new DataNode(null, null, big, (1n << 53n) + 1n, -5n, 1_765_000_000_000n, 1, 2, 3, owner, -big - 1n);
  assert.deepEqual(n.persistedStat(), {
    czxid: big, mzxid: (1n << 53n) + 1n, ctime: -5n, mtime: 1_765_000_000_000n, version: 1, cversion: 2, aversion: 3, ephemeralOwner: owner, pzxid: -big - 1n,
  });
  const s = n.stat();
  assert.equal(s.czxid, big);
  assert.equal(s.ephemeralOwner, owner);
  n.mzxid = 0x500000001n;
  n.pzxid = 7n;
  assert.equal(n.mzxid, 0x500000001n);
  assert.equal(n.stat().pzxid, 7n);
});

test('the tree stores what a create and a setData carried, and digests the bytes, not their text', () => {
  const tree = new DataTree();
  const data = everyByte();
  const hdr = (zxid: bigint) => ({ clientId: 1n, cxid: 1, zxid, time: 1_765_000_000_123n, type: OpCode.create });
  tree.applyTxn({ hdr: hdr(1n), body: { type: OpCode.create, record: { path: '/n', data, acl: null, ephemeral: false, parentCVersion: -1 } } });
  assert.deepEqual(tree.get('/n')!.data, data);
  const same = new DataNode(Buffer.from(data), null, 1n, 1n, 1_765_000_000_123n, 1_765_000_000_123n, 0, 0, 0, 0n, 1n);
  assert.equal(nodeDigest('/n', tree.get('/n')!), nodeDigest('/n', same));
  const other = Buffer.from(data);
  other[200] = 0x41;
  same.data = other;
  assert.notEqual(nodeDigest('/n', tree.get('/n')!), nodeDigest('/n', same));
  tree.applyTxn({ hdr: { ...hdr(2n), type: OpCode.setData }, body: { type: OpCode.setData, record: { path: '/n', data: other, version: 1 } } });
  assert.deepEqual(tree.get('/n')!.data, other);
  assert.equal(tree.get('/n')!.mzxid, 2n);
  assert.equal(tree.get('/n')!.czxid, 1n);
});

test('writeZxidsAndTimes writes the five longs the getters give, numbers and bigints alike', () => {
  const values = [0n, 1n, 0xffffffffn, 0x100000000n, 0x1_0000_0001_2345n, -1n, -5n, -0x100000001n, 1_765_000_000_123n, (1n << 53n) - 1n, 1n << 53n, (1n << 63n) - 1n, -(1n << 63n)];
  for (let i = 0; i < values.length; i++) {
    const [cz, mz, ct, mt, pz] = [0, 1, 2, 3, 4].map((k) => values[(i + k) % values.length]!);
    const n = new DataNode(null, null, cz, mz, ct, mt, 0, 0, 0, 0n, pz);
    const view = new DataView(new ArrayBuffer(44));
    n.writeZxidsAndTimes(view, 4);
    assert.deepEqual([0, 1, 2, 3, 4].map((k) => view.getBigInt64(4 + 8 * k)), [n.czxid, n.mzxid, n.pzxid, n.ctime, n.mtime], `values from ${i}`);
  }
});
