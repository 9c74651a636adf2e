// zkcli's walks over subtrees deeper than a recursive walk (or JSON.stringify) survives: ls -R's DFS over a client,
// and tree / tree --json / find / du over a subtree already read.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { NoNodeError, type ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { visitSubTreeDFS } from '../../../src/zookeeper/shell/commands/tree-walk.js';
import { diskUsage } from '../../../src/zookeeper/shell/extras/du-command.js';
import { findMatches } from '../../../src/zookeeper/shell/extras/find-command.js';
import type { SubtreeNode } from '../../../src/zookeeper/shell/extras/subtree.js';
import { treeJsonText, treeLines } from '../../../src/zookeeper/shell/extras/tree-command.js';

const DEPTH = 100_000;

function node(path: string, dataLength: number, children: SubtreeNode[] | null): SubtreeNode {
  return { path, name: path === '/' ? '/' : path.slice(path.lastIndexOf('/') + 1), dataLength, numChildren: children?.length ?? 0, ephemeralOwner: 0n, children };
}

/** A chain DEPTH levels deep; node i is named n<i> and has path /n<i> (full paths would take ~DEPTH² bytes). */
function chain(): SubtreeNode {
  let bottom = node(`/n${DEPTH - 1}`, 1, []);
  for (let i = DEPTH - 2; i >= 0; i--) bottom = node(`/n${i}`, 1, [bottom]);
  return bottom;
}

/** The ZooKeeperClient calls visitSubTreeDFS makes, over a map of path → children. */
function fakeClient(children: Map<string, string[]>, listed: string[] = []): ZooKeeperClient {
  const has = (path: string) => {
    if (!children.has(path)) throw new NoNodeError(path);
  };
  return {
    getData: async (path: string) => (has(path), { data: null, stat: {} }),
    getChildren: async (path: string) => (has(path), listed.push(path), [...children.get(path)!]),
  } as unknown as ZooKeeperClient;
}

test('tree, tree --json, find and du on a 100,000-level subtree', () => {
  const root = chain();
  const { lines, totals } = treeLines(root);
  assert.equal(lines.length, DEPTH);
  assert.deepEqual(totals, { nodes: DEPTH, dataBytes: DEPTH });
  assert.equal(lines[0], '/n0  [1 B, 1 child]');
  assert.equal(lines[DEPTH - 1], `${'    '.repeat(DEPTH - 2)}└── n${DEPTH - 1}  [1 B, 0 children]`);

  const json = JSON.parse(treeJsonText(root)) as { path: string; children: unknown[] };
  let depth = 1;
  for (let at = json; at.children.length > 0; at = at.children[0] as typeof json) depth++;
  assert.equal(depth, DEPTH);

  assert.deepEqual(findMatches(root, /^n9999\d$/), Array.from({ length: 10 }, (_, i) => `/n9999${i}`));
  assert.deepEqual(diskUsage(root), { path: '/n0', dataBytes: DEPTH, nodes: DEPTH });
});

test('tree --json is the text JSON.stringify gives for a shallow tree, depth limit included', () => {
  const root = node('/', 0, [node('/a', 3, [node('/a/x', 1, null)]), node('/b"q', 0, [])]);
  const expected = {
    path: '/', dataLength: 0, numChildren: 2,
    children: [
      { path: '/a', dataLength: 3, numChildren: 1, children: [{ path: '/a/x', dataLength: 1, numChildren: 0 }] },
      { path: '/b"q', dataLength: 0, numChildren: 0, children: [] },
    ],
  };
  assert.equal(treeJsonText(root), JSON.stringify(expected));
  assert.deepEqual(findMatches(root, /./), ['/a', '/a/x', '/b"q']);
});

test('visitSubTreeDFS visits in ZKUtil order: a node, its sorted children, then each child\'s subtree', async () => {
  const tree = new Map<string, string[]>([
    ['/r', ['b', 'a']],
    ['/r/a', ['y', 'x']],
    ['/r/a/x', []],
    ['/r/a/y', ['z']],
    ['/r/a/y/z', []],
    ['/r/b', ['c']],
    // /r/b/c is listed but gone by the time the walk reaches it: skipped.
  ]);
  const visited: string[] = [];
  const listed: string[] = [];
  await visitSubTreeDFS(fakeClient(tree, listed), '/r', undefined, (p) => void visited.push(p));
  assert.deepEqual(visited, ['/r', '/r/a', '/r/b', '/r/a/x', '/r/a/y', '/r/a/y/z', '/r/b/c']);
  assert.deepEqual(listed, ['/r', '/r/a', '/r/a/x', '/r/a/y', '/r/a/y/z', '/r/b']);
});

test('visitSubTreeDFS walks a 5,000-level chain', async () => {
  const tree = new Map<string, string[]>();
  let path = '/c';
  for (let i = 0; i < 5_000; i++, path += '/d') tree.set(path, i === 4_999 ? [] : ['d']);
  let visits = 0;
  await visitSubTreeDFS(fakeClient(tree), '/c', undefined, () => void visits++);
  assert.equal(visits, 5_000);
});
