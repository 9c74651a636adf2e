// Vectors are children lists Apache ZooKeeper 3.8.0 returned in the recorded exchanges.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { DataNode } from '../../../src/zookeeper/tree/data-node.js';
import { javaHashSetOrder, javaStringHash } from '../../../src/zookeeper/tree/java-hash-order.js';

// Expected hashes printed by Java 17's String.hashCode().
test('String.hashCode as Java computes it', () => {
  assert.equal(javaStringHash(''), 0);
  assert.equal(javaStringHash('zookeeper'), 1600681804);
  assert.equal(javaStringHash('eseq-0000000005'), -366831656);
  assert.equal(javaStringHash('hello'), 99162322);
});

test('children come back in java.util.HashSet order', () => {
  assert.deepEqual(javaHashSetOrder(['quota', 'config'], 8), ['config', 'quota']);
  assert.deepEqual(javaHashSetOrder(['zookeeper', 'p'], 8), ['p', 'zookeeper']);
  assert.deepEqual(javaHashSetOrder(['eph', 'seq-0000000004', 'eseq-0000000005', 'acl'], 8), ['eseq-0000000005', 'seq-0000000004', 'acl', 'eph']);
  const created = ['e', 's-0000000001', 'es-0000000002', 'cont', 'ttl', 'ttls-0000000005', 'c2', 'c2es-0000000007', 'c2cont', 'c2ttl'];
  assert.deepEqual(javaHashSetOrder(created, 16).slice(0, 8), ['es-0000000002', 'e', 'c2ttl', 'c2es-0000000007', 's-0000000001', 'cont', 'ttl', 'c2cont']);
});

const leaf = () => new DataNode(null, null, 0n, 0n, 0n, 0n, 0, 0, 0, 0n, 0n);

test('a node keeps the table size it grew to after children are removed', () => {
  // 'i' (hash 105) and 'a' (hash 97) share bucket 1 of an 8-slot table, so there insertion order decides ('i' first);
  // in a 16-slot table 'i' moves to bucket 9 and 'a' comes first.
  assert.deepEqual(javaHashSetOrder(['i', 'a'], 8), ['i', 'a']);
  assert.deepEqual(javaHashSetOrder(['i', 'a'], 16), ['a', 'i']);
  const n = new DataNode(null, null, 0n, 0n, 0n, 0n, 0, 0, 0, 0n, 0n);
  // Seven children grow the table to 16 slots (more than 3/4 of 8); Java's HashSet never shrinks it back.
  for (const c of ['i', 'b', 'c', 'd', 'e', 'f', 'a']) n.addChild(c, leaf());
  for (const c of ['b', 'c', 'd', 'e', 'f']) n.removeChild(c);
  assert.deepEqual(n.childList(), ['a', 'i']);
  assert.equal(n.numChildren, 2);
});
