import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { OPEN_ACL_UNSAFE } from '../../../src/zookeeper/tree/acl.js';
import { DataTree } from '../../../src/zookeeper/tree/data-tree.js';
import { formatStats, parseStats } from '../../../src/zookeeper/tree/quota.js';
import type { TxnBody } from '../../../src/zookeeper/tree/txn.js';

let zxid = 0n;
function apply(tree: DataTree, body: TxnBody): void {
  zxid++;
  tree.applyTxn({ hdr: { clientId: 1n, cxid: 0, zxid, time: 0n, type: body.type }, body });
}
function create(tree: DataTree, path: string, data: string): void {
  apply(tree, { type: OpCode.create, record: { path, data: Buffer.from(data), acl: OPEN_ACL_UNSAFE, ephemeral: false, parentCVersion: -1 } });
}
const statText = (tree: DataTree, path: string) => tree.get(`/zookeeper/quota${path}/zookeeper_stats`)!.data!.toString();

test('stats node follows creates, deletes and setData under a quota path', () => {
  const tree = new DataTree();
  create(tree, '/app', 'abc');
  create(tree, '/app/x', '12345');
  // what zkCli setquota creates
  create(tree, '/zookeeper/quota/app', '');
  create(tree, '/zookeeper/quota/app/zookeeper_limits', 'count=10,bytes=-1');
  create(tree, '/zookeeper/quota/app/zookeeper_stats', 'count=0,bytes=0');
  assert.equal(statText(tree, '/app'), 'count=2,bytes=8');
  create(tree, '/app/y', 'zz');
  assert.equal(statText(tree, '/app'), 'count=3,bytes=10');
  apply(tree, { type: OpCode.setData, record: { path: '/app/x', data: Buffer.from('1'), version: 1 } });
  assert.equal(statText(tree, '/app'), 'count=3,bytes=6');
  apply(tree, { type: OpCode.delete, record: { path: '/app/y' } });
  assert.equal(statText(tree, '/app'), 'count=2,bytes=4');
  create(tree, '/other', 'q');
  assert.equal(statText(tree, '/app'), 'count=2,bytes=4');
  // without the limits node the path has no quota any more
  apply(tree, { type: OpCode.delete, record: { path: '/zookeeper/quota/app/zookeeper_limits' } });
  create(tree, '/app/z', 'zzzz');
  assert.equal(statText(tree, '/app'), 'count=2,bytes=4');
});

test('StatsTrack text: count and bytes first, newer keys after "=;" sorted', () => {
  assert.equal(formatStats(parseStats('count=1,bytes=2')), 'count=1,bytes=2');
  assert.equal(formatStats(new Map([['count', 1], ['bytes', 2], ['countHardLimit', 5], ['byteHardLimit', -1]])), 'count=1,bytes=2=;byteHardLimit=-1;countHardLimit=5;');
  assert.deepEqual([...parseStats('count=1,bytes=2=;byteHardLimit=-1;countHardLimit=5;')], [['count', 1], ['bytes', 2], ['byteHardLimit', -1], ['countHardLimit', 5]]);
});
