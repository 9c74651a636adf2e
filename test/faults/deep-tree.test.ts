// A chain of znodes thousands of levels deep, against one server process: every walk a client can make over it
// (descendant counts, quota stats, the four-letter words, recursive watches, snapshots written and loaded on
// restart, recursive deletes by the client library and by zkcli) must answer, and the process must stay up.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { connect } from 'node:net';
import { test } from 'node:test';
import { connectZooKeeper, type WatchedEvent, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { apacheZooKeeperAvailable, startApacheZooKeeper, type ApacheZk } from '../support/apache-zk.js';
import { RUN_JS, startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';

/** Levels of the chain, its top included. Node's default stack overflows a recursive walk at a few thousand. */
const DEPTH = 5000;
const TOP = '/deep';
const ZKCLI_TIMEOUT_MS = 60_000;

/** The chain node `level` levels down from the top (level 0 is the top). */
function chainPath(level: number): string {
  return TOP + '/d'.repeat(level);
}
const BOTTOM = chainPath(DEPTH - 1);

/** Our zkcli as a user runs it, the commands fed on stdin. */
function zkcli(port: number, commands: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, 'zkcli', '-server', `127.0.0.1:${port}`], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkcli ${commands.join('; ')}: no exit within ${ZKCLI_TIMEOUT_MS} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, ZKCLI_TIMEOUT_MS);
    child.once('exit', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
    child.stdin.end(commands.map((c) => `${c}\n`).join(''));
  });
}

/**
 * Sends a four-letter word and reads the answer until the server closes. The socket stays open for writing: the
 * server drops a lazily loaded word's answer (mntr, dump, ...) when the client half-closes before it is ready.
 */
function fourLetter(server: ServerProcess, word: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = connect({ host: '127.0.0.1', port: server.port });
    let text = '';
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`no answer to ${word} within 10 s`));
    }, 10_000);
    socket.setEncoding('utf8').on('data', (s: string) => (text += s));
    socket.on('connect', () => socket.write(word));
    socket.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(text);
    });
  });
}

async function assertAlive(server: ServerProcess, after: string): Promise<void> {
  assert.ok(server.isRunning(), `server exited after ${after}\nstderr:\n${server.stderr().slice(-2000)}`);
  assert.equal(await fourLetter(server, 'ruok'), 'imok', `ruok after ${after}`);
}

/** listquota's limits line for TOP after `setquota -n <DEPTH * 2>`, as zkCli 3.8 prints it. */
const QUOTA_LINE = `Output quota for ${TOP} count=${DEPTH * 2},bytes=-1=;byteHardLimit=-1;countHardLimit=-1`;

/** listquota's two StatsTrack lines for TOP in zkcli's output. */
function quotaLines(stdout: string): string[] {
  return stdout.split('\n').filter((l) => l.startsWith('Output '));
}

async function listQuota(server: ServerProcess): Promise<string[]> {
  return quotaLines((await zkcli(server.port, [`listquota ${TOP}`])).stdout);
}

async function waitFor(check: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!check()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

test(`a ${DEPTH}-level chain: counts, quotas, 4lw, watches, snapshots and deletes leave the server up`, { timeout: 120_000 }, async () => {
  const dir = tempDir('zk-deep-');
  // A small snapCount: the chain's creates alone write several snapshots of the growing chain.
  const configFile = writeConfig(dir.path, { dataDir: dir.path, clientPort: 0, snapCount: 1000, '4lw.commands.whitelist': '*' });
  let server: ServerProcess | null = null;
  let client: ZooKeeperClient | null = null;
  try {
    server = await startServerProcess(configFile);
    client = await connectZooKeeper(`127.0.0.1:${server.port}`);
    // mkdirp pipelines one create per level.
    await client.mkdirp(BOTTOM);
    await assertAlive(server, 'building the chain');

    assert.equal(await client.getAllChildrenNumber(TOP), DEPTH - 1);
    assert.equal(await client.getAllChildrenNumber(chainPath(DEPTH / 2)), DEPTH / 2 - 1);
    await assertAlive(server, 'getAllChildrenNumber');

    const quota = await zkcli(server.port, [`setquota -n ${DEPTH * 2} ${TOP}`, `listquota ${TOP}`]);
    assert.equal(quota.code, 0, `setquota: ${quota.stderr}`);
    assert.deepEqual(quotaLines(quota.stdout), [QUOTA_LINE, `Output stat for ${TOP} count=${DEPTH},bytes=0`]);
    await assertAlive(server, 'setquota');

    // A recursive watch on the top sees a change at the bottom.
    const events: WatchedEvent[] = [];
    await client.addWatch(TOP, 'PersistentRecursive', (e) => events.push(e));
    await client.setData(BOTTOM, Buffer.from('x'));
    await client.create(`${BOTTOM}/e`, null, undefined, 'EPHEMERAL');
    await waitFor(() => events.length >= 2, 'the recursive watch events');
    assert.deepEqual(events.map((e) => `${e.type} ${e.path}`), [`NodeDataChanged ${BOTTOM}`, `NodeCreated ${BOTTOM}/e`]);
    await assertAlive(server, 'the recursive watch');

    const dump = await fourLetter(server, 'dump');
    assert.ok(dump.split('\n').includes(`\t${BOTTOM}/e`), 'dump lists the ephemeral at the bottom of the chain');
    const hash = await fourLetter(server, 'hash');
    assert.match(hash, /^([0-9a-f]+: -?\d+\n)+$/);
    await assertAlive(server, 'dump and hash');
    await client.delete(`${BOTTOM}/e`);
    await client.close();
    client = null;

    // Restart twice: the first recovery replays the log over the last snapshot of the growing chain and writes a
    // snapshot of the whole chain at start-up; the second loads that snapshot alone. Each rebuilds the quota stats.
    for (const round of [1, 2]) {
      await server.stop();
      server = await startServerProcess(configFile);
      const replayed = Number(/Recovered snapshot 0x[0-9a-f]+ and (\d+) txns/.exec(server.stdout())?.[1]);
      if (round === 2) assert.ok(replayed < DEPTH / 10, `the chain comes from the snapshot, not ${replayed} replayed txns`);
      client = await connectZooKeeper(`127.0.0.1:${server.port}`);
      assert.equal(await client.getAllChildrenNumber(TOP), DEPTH - 1, `getAllChildrenNumber after restart ${round}`);
      assert.equal((await client.getData(BOTTOM)).data?.toString(), 'x');
      await client.close();
      client = null;
      assert.deepEqual(await listQuota(server), [QUOTA_LINE, `Output stat for ${TOP} count=${DEPTH},bytes=1`]);
      await assertAlive(server, `restart ${round}`);
    }

    // The lower half through the client library, the rest through zkcli's deleteall.
    client = await connectZooKeeper(`127.0.0.1:${server.port}`);
    await client.removeRecursive(chainPath(DEPTH / 2));
    assert.equal(await client.getAllChildrenNumber(TOP), DEPTH / 2 - 1);
    await assertAlive(server, 'removeRecursive');
    const deleteall = await zkcli(server.port, [`deleteall ${TOP}`, `listquota ${TOP}`]);
    assert.equal(deleteall.code, 0, `deleteall: ${deleteall.stderr}`);
    assert.doesNotMatch(deleteall.stderr, /Failed to delete/);
    assert.deepEqual(quotaLines(deleteall.stdout), [QUOTA_LINE, `Output stat for ${TOP} count=0,bytes=0`]);
    assert.equal(await client.exists(TOP), null);
    await assertAlive(server, 'deleteall');
  } finally {
    await client?.close().catch(() => {});
    await server?.stop();
    dir.remove();
  }
});

test(`Apache ZooKeeper 3.8 counts the same descendants in a ${DEPTH}-level chain`, { skip: apacheZooKeeperAvailable() ?? false, timeout: 120_000 }, async () => {
  let apache: ApacheZk | null = null;
  let client: ZooKeeperClient | null = null;
  try {
    apache = await startApacheZooKeeper();
    client = await connectZooKeeper(apache.connectString);
    await client.mkdirp(BOTTOM);
    assert.equal(await client.getAllChildrenNumber(TOP), DEPTH - 1);
    assert.equal(await client.getAllChildrenNumber(chainPath(DEPTH / 2)), DEPTH / 2 - 1);
  } finally {
    await client?.close().catch(() => {});
    await apache?.stop();
  }
});
