import assert from 'node:assert/strict';
import { test } from 'node:test';
import { deleteBatches, MAX_DELETE_BATCH_BYTES, type Op } from '../../../src/zookeeper/client/index.js';

const pathsOf = (batches: Op[][]) => batches.map((ops) => ops.map((op) => (op as { path: string }).path));

test('deleteBatches: leaves first, cut every batchSize deletes as ZKUtil.deleteInBatch cuts them', () => {
  const bfs = ['/r', '/r/a', '/r/b', '/r/a/x', '/r/a/y'];
  assert.deepEqual(pathsOf([...deleteBatches(bfs, 2)]), [['/r/a/y', '/r/a/x'], ['/r/b', '/r/a'], ['/r']]);
  assert.deepEqual(pathsOf([...deleteBatches(bfs, 1000)]), [['/r/a/y', '/r/a/x', '/r/b', '/r/a', '/r']]);
  // Apache never reaches a batch size of 0 and sends everything in one multi.
  assert.deepEqual(pathsOf([...deleteBatches(bfs, 0)]), [['/r/a/y', '/r/a/x', '/r/b', '/r/a', '/r']]);
  assert.ok([...deleteBatches(bfs, 1)].every((ops) => ops.length === 1 && ops[0]!.type === 'delete'));
});

test('deleteBatches: long paths are cut before a multi passes the byte budget', () => {
  // A chain 5,000 levels deep: its paths average 5 KB, so 1,000 of them would be a 5 MB multi.
  const chain: string[] = [];
  for (let path = '/deep'; chain.length < 5000; path += '/d') chain.push(path);
  const batches = [...deleteBatches(chain, 1000)];
  assert.deepEqual(batches.flat().map((op) => (op as { path: string }).path), [...chain].reverse());
  for (const ops of batches) {
    const bytes = ops.reduce((n, op) => n + 17 + Buffer.byteLength((op as { path: string }).path), 0);
    assert.ok(bytes <= MAX_DELETE_BATCH_BYTES, `a batch of ${bytes} bytes`);
  }
  assert.ok(batches.length > 20, `${batches.length} batches`);
  // A single path over the budget still goes, alone.
  const huge = '/' + 'x'.repeat(MAX_DELETE_BATCH_BYTES);
  assert.deepEqual(pathsOf([...deleteBatches(['/a', huge, '/b'], 1000)]), [['/b'], [huge], ['/a']]);
});
