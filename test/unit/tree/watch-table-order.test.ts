// The data watch table as Apache ZooKeeper 3.8's WatchManager holds it, which wchs/wchc/wchp print: expected orders
// are the answers Apache 3.8 gave for the same watches (test/compat/watch-words-apache.test.ts runs both servers).
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { EventType } from '../../../src/zookeeper/jute/constants.js';
import { WatchTable, type Watcher } from '../../../src/zookeeper/tree/watch-manager.js';

const names = Array.from({ length: 30 }, (_, i) => `/w/${['node', 'x', 'watched', 'q'][i % 4]}${i * 7}`);

function watcher(): Watcher & { events: string[] } {
  const events: string[] = [];
  return { events, process: (type, path) => events.push(`${type} ${path}`) };
}

test('paths in java.util.HashMap order: 16 slots at first', () => {
  const table = new WatchTable();
  const a = watcher();
  for (const p of names.slice(0, 5)) table.add(p, a, 'standard');
  const apache = ['/w/node0', '/w/x7', '/w/q21', '/w/node28', '/w/watched14'];
  assert.deepEqual(table.pathsInJavaOrder(), apache);
  assert.deepEqual(table.pathsOfInJavaOrder(a), apache);
});

test('a watcher whose watches all fired stays, with no paths; the tables keep the size they grew to', () => {
  const table = new WatchTable();
  const a = watcher();
  for (const p of names) table.add(p, a, 'standard');
  for (const p of names) table.trigger(p, EventType.NodeDataChanged);
  assert.equal(a.events.length, names.length);
  assert.deepEqual([...table.watchers()], [a]);
  assert.equal(table.watcherCount(), 1);
  assert.equal(table.pathCount(), 0);
  assert.deepEqual(table.pathsOfInJavaOrder(a), []);

  // 30 paths grew both tables to 64 slots; in 16 or 32 these paths would come in another order.
  for (const p of [...names.slice(20, 24), names[2]!, '/w', names[9]!]) table.add(p, a, 'standard');
  const apache = ['/w/q161', '/w/x63', '/w/watched154', '/w/watched14', '/w/x147', '/w', '/w/node140'];
  assert.deepEqual(table.pathsInJavaOrder(), apache);
  assert.deepEqual(table.pathsOfInJavaOrder(a), apache);

  table.removeWatcher(a);
  assert.equal(table.watcherCount(), 0);
  assert.deepEqual([...table.watchersOf('/w')], []);
});
