import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { setWatchesPackets, WatchRegistry } from '../../../src/zookeeper/client/watch-registry.js';
import type { WatchListener } from '../../../src/zookeeper/client/watched-event.js';

const l = (name: string): WatchListener => Object.assign(() => {}, { toString: () => name });
const names = (s: Set<WatchListener>) => [...s].map(String).sort();

test('one-shot watches fire once, per the event/table mapping', () => {
  const r = new WatchRegistry();
  const [a, b, c, d] = ['a', 'b', 'c', 'd'].map(l);
  r.add('data', '/x', a);
  r.add('data', '/x', a); // same listener twice: one entry
  r.add('exist', '/y', b);
  r.add('child', '/x', c);
  r.add('child', '/', d);
  assert.deepEqual(names(r.materialize('NodeDataChanged', '/x')), ['a']);
  assert.deepEqual(names(r.materialize('NodeDataChanged', '/x')), []);
  assert.deepEqual(names(r.materialize('NodeCreated', '/y')), ['b']);
  assert.deepEqual(names(r.materialize('NodeChildrenChanged', '/')), ['d']);
  r.add('data', '/x', a);
  assert.deepEqual(names(r.materialize('NodeDeleted', '/x')), ['a', 'c']);
  assert.ok(r.isEmpty());
});

test('persistent watches stay; recursive ones cover descendants but not NodeChildrenChanged', () => {
  const r = new WatchRegistry();
  const [p, rec, one] = ['p', 'rec', 'one'].map(l);
  r.add('persistent', '/a', p);
  r.add('persistentRecursive', '/a', rec);
  r.add('data', '/a/b', one);
  assert.deepEqual(names(r.materialize('NodeChildrenChanged', '/a')), ['p']);
  assert.deepEqual(names(r.materialize('NodeDataChanged', '/a')), ['p', 'rec']);
  assert.deepEqual(names(r.materialize('NodeCreated', '/a/b')), ['one', 'rec']);
  assert.deepEqual(names(r.materialize('NodeDeleted', '/a/b/c')), ['rec']);
  assert.deepEqual(names(r.materialize('NodeDeleted', '/ab')), []);
  r.add('persistentRecursive', '/', rec);
  assert.deepEqual(names(r.materialize('NodeDeleted', '/z')), ['rec']);
  assert.deepEqual(r.paths('persistentRecursive').sort(), ['/', '/a']);
});

test('contains/remove by type, with the removal event per table', () => {
  const r = new WatchRegistry();
  const [a, b, c] = ['a', 'b', 'c'].map(l);
  r.add('data', '/x', a);
  r.add('exist', '/x', b);
  r.add('child', '/x', a);
  r.add('persistent', '/x', c);
  assert.equal(r.contains('/x', a, 'Data'), true);
  assert.equal(r.contains('/x', c, 'Data'), false);
  assert.equal(r.contains('/x', null, 'Children'), true);
  assert.equal(r.contains('/y', null, 'Any'), false);
  const removed = r.remove('/x', a, 'Data');
  assert.deepEqual([...removed.keys()], ['DataWatchRemoved']);
  assert.deepEqual(names(removed.get('DataWatchRemoved')!), ['a']);
  assert.equal(r.contains('/x', a, 'Children'), true);
  const all = r.remove('/x', null, 'Any');
  assert.deepEqual(
    Object.fromEntries([...all].map(([k, v]) => [k, names(v)])),
    { DataWatchRemoved: ['b'], ChildWatchRemoved: ['a'], PersistentWatchRemoved: ['c'] },
  );
  assert.ok(r.isEmpty());
  assert.equal(r.remove('/x', null, 'Any').size, 0);
});

test('clear returns every listener once', () => {
  const r = new WatchRegistry();
  const [a, b] = ['a', 'b'].map(l);
  r.add('data', '/1', a);
  r.add('child', '/2', a);
  r.add('persistent', '/3', b);
  assert.deepEqual(names(r.clear()), ['a', 'b']);
  assert.ok(r.isEmpty());
});

test('setWatches packets: 101 without persistent paths, 105 with, split by path characters', () => {
  const none = { data: [], exist: [], child: [], persistent: [], persistentRecursive: [] };
  assert.deepEqual(setWatchesPackets(none, 5n), []);
  const simple = setWatchesPackets({ ...none, data: ['/a'], exist: ['/b'], child: ['/'] }, 7n);
  assert.equal(simple.length, 1);
  assert.equal(simple[0].opcode, OpCode.setWatches);
  assert.deepEqual(simple[0].record, {
    relativeZxid: 7n,
    dataWatches: ['/a'],
    existWatches: ['/b'],
    childWatches: ['/'],
    persistentWatches: [],
    persistentRecursiveWatches: [],
  });
  const paths = Array.from({ length: 10 }, (_, i) => `/node-${i}`); // 7 chars each
  const split = setWatchesPackets({ ...none, data: paths.slice(0, 6), persistentRecursive: paths.slice(6) }, 1n, 20);
  // 20 chars per batch: 3 paths (21 chars, the last one overshoots) per packet.
  assert.deepEqual(split.map((p) => p.opcode), [OpCode.setWatches, OpCode.setWatches, OpCode.setWatches2, OpCode.setWatches2]);
  assert.deepEqual(split.map((p) => [...p.record.dataWatches!, ...p.record.persistentRecursiveWatches!].length), [3, 3, 3, 1]);
  assert.deepEqual(split.flatMap((p) => [...p.record.dataWatches!, ...p.record.persistentRecursiveWatches!]), paths);
});
