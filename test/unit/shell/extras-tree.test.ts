import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { connectZooKeeper, type ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { duCommand } from '../../../src/zookeeper/shell/extras/du-command.js';
import { findCommand } from '../../../src/zookeeper/shell/extras/find-command.js';
import { EXTRA_COMMANDS } from '../../../src/zookeeper/shell/extras/index.js';
import { treeCommand } from '../../../src/zookeeper/shell/extras/tree-command.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';
import { recordingContext, runLikeShell } from './extras-context.js';

// /app holds 16 data bytes in 7 nodes; w10 sorts between w1 and w2, as zkCli's ls sorts.
const NODES: [string, string | null][] = [
  ['/app', 'hello'],
  ['/app/config', '{"a":1}'],
  ['/app/workers', null],
  ['/app/workers/w2', ''],
  ['/app/workers/w1', 'x'],
  ['/app/workers/w10', 'abc'],
  ['/app/zeta', null],
];

describe('tree, find and du against our server', () => {
  let zk: OurZk;
  let client: ZooKeeperClient;

  before(async () => {
    zk = await startOurZooKeeper();
    client = await connectZooKeeper(zk.connectString, { waitForConnectedMs: 10_000 });
    for (const [path, data] of NODES) await client.create(path, data);
  });

  after(async () => {
    await client?.close();
    await zk?.stop();
  });

  async function run(command: typeof treeCommand, args: string[], json = false) {
    const ctx = recordingContext(client, { json });
    const code = await runLikeShell(command, args, ctx);
    return { code, stdout: ctx.stdout(), stderr: ctx.stderr() };
  }

  test('the registry lists the extras', () => {
    assert.deepEqual(
      EXTRA_COMMANDS.map((c) => `${c.name} ${c.usage}`),
      ['browse [path]', 'tree [-d depth] [path]', 'find path pattern', 'du path'],
    );
  });

  test('tree draws the subtree with sizes and child counts', async () => {
    assert.deepEqual(await run(treeCommand, ['/app']), {
      code: 0,
      stderr: '',
      stdout: [
        '/app  [5 B, 3 children]',
        '├── config  [7 B, 0 children]',
        '├── workers  [0 B, 3 children]',
        '│   ├── w1  [1 B, 0 children]',
        '│   ├── w10  [3 B, 0 children]',
        '│   └── w2  [0 B, 0 children]',
        '└── zeta  [0 B, 0 children]',
        '',
        '7 nodes, 16 B of data',
        '',
      ].join('\n'),
    });
  });

  test('tree -d limits the depth; counts still show what lies below', async () => {
    const { code, stdout } = await run(treeCommand, ['-d', '1', '/app']);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      ['/app  [5 B, 3 children]', '├── config  [7 B, 0 children]', '├── workers  [0 B, 3 children]', '└── zeta  [0 B, 0 children]', '', '4 nodes, 12 B of data', ''].join(
        '\n',
      ),
    );
    assert.equal((await run(treeCommand, ['/app/workers', '-d', '0'])).stdout, '/app/workers  [0 B, 3 children]\n\n1 node, 0 B of data\n');
  });

  test('tree of the root includes /zookeeper', async () => {
    const { code, stdout } = await run(treeCommand, ['-d', '1']);
    assert.equal(code, 0);
    assert.match(stdout, /^\/  \[0 B, 2 children\]\n├── app  \[5 B, 3 children\]\n└── zookeeper  \[0 B, \d+ children?\]\n\n3 nodes, 5 B of data\n$/);
  });

  test('tree --output json nests the nodes', async () => {
    const { code, stdout } = await run(treeCommand, ['/app/workers'], true);
    assert.equal(code, 0);
    assert.equal(
      stdout,
      '{"path":"/app/workers","dataLength":0,"numChildren":3,"children":[' +
        '{"path":"/app/workers/w1","dataLength":1,"numChildren":0,"children":[]},' +
        '{"path":"/app/workers/w10","dataLength":3,"numChildren":0,"children":[]},' +
        '{"path":"/app/workers/w2","dataLength":0,"numChildren":0,"children":[]}]}\n',
    );
    const limited = await run(treeCommand, ['-d', '0', '/app/workers'], true);
    assert.equal(limited.stdout, '{"path":"/app/workers","dataLength":0,"numChildren":3}\n');
  });

  test('find prints the paths whose node name matches, depth first', async () => {
    assert.deepEqual(await run(findCommand, ['/app', 'w1*']), { code: 0, stdout: '/app/workers/w1\n/app/workers/w10\n', stderr: '' });
    assert.equal((await run(findCommand, ['/app', '*']).then((r) => r.stdout)), '/app/config\n/app/workers\n/app/workers/w1\n/app/workers/w10\n/app/workers/w2\n/app/zeta\n');
    assert.equal((await run(findCommand, ['/app', 'w?'])).stdout, '/app/workers/w1\n/app/workers/w2\n');
    assert.equal((await run(findCommand, ['/app', '[cz]*'])).stdout, '/app/config\n/app/zeta\n');
    assert.equal((await run(findCommand, ['/app', '[!w]*'])).stdout, '/app/config\n/app/zeta\n');
    assert.deepEqual(await run(findCommand, ['/app', 'nothing']), { code: 0, stdout: '', stderr: '' });
    // The start node itself is not a match, as in zk-shell.
    assert.equal((await run(findCommand, ['/app', 'app'])).stdout, '');
  });

  test('find --output json is an array of paths', async () => {
    assert.equal((await run(findCommand, ['/app', 'w*'], true)).stdout, '["/app/workers","/app/workers/w1","/app/workers/w10","/app/workers/w2"]\n');
    assert.equal((await run(findCommand, ['/app', 'none'], true)).stdout, '[]\n');
  });

  test('du prints the data bytes of the subtree', async () => {
    assert.deepEqual(await run(duCommand, ['/app']), { code: 0, stdout: '16\n', stderr: '' });
    assert.equal((await run(duCommand, ['/app/workers'])).stdout, '4\n');
    assert.equal((await run(duCommand, ['/app/zeta'])).stdout, '0\n');
    assert.equal((await run(duCommand, ['/app'], true)).stdout, '{"path":"/app","dataBytes":16,"nodes":7}\n');
  });

  test('errors as zkCli words them, usage on bad arguments', async () => {
    assert.deepEqual(await run(treeCommand, ['/missing']), { code: 1, stdout: '', stderr: 'Node does not exist: /missing\n' });
    assert.deepEqual(await run(findCommand, ['/missing', '*']), { code: 1, stdout: '', stderr: 'Node does not exist: /missing\n' });
    assert.deepEqual(await run(duCommand, ['/missing']), { code: 1, stdout: '', stderr: 'Node does not exist: /missing\n' });
    assert.deepEqual(await run(duCommand, ['app']), { code: 1, stdout: '', stderr: 'Path must start with / character\n' });
    assert.deepEqual(await run(duCommand, []), { code: 1, stdout: '', stderr: 'du path\n' });
    assert.deepEqual(await run(findCommand, ['/app']), { code: 1, stdout: '', stderr: 'find path pattern\n' });
    assert.deepEqual(await run(findCommand, ['/app', '[ab']), { code: 1, stdout: '', stderr: 'Unclosed [ in pattern: [ab\n' });
    assert.deepEqual(await run(treeCommand, ['-d', 'x', '/app']), { code: 1, stdout: '', stderr: 'tree [-d depth] [path]\n' });
    assert.deepEqual(await run(treeCommand, ['/a', '/b']), { code: 1, stdout: '', stderr: 'tree [-d depth] [path]\n' });
  });

  test('without a connection: Not connected', async () => {
    const ctx = recordingContext(null);
    assert.equal(await runLikeShell(duCommand, ['/app'], ctx), 1);
    assert.equal(ctx.stderr(), 'Not connected\n');
  });
});
