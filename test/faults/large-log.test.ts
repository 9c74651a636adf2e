// A txn log larger than 2 GiB (the most a single file read can return) must not stop a restart, and reading
// it must not take memory in proportion to it. Two realistic shapes: a log whose preallocated zero tail reaches
// past 2 GiB (sparse), and a log with more than 2 GiB of real entries. Each runs a real server process on the
// data dir and checks the data it serves; the big files are deleted afterwards.
import assert from 'node:assert/strict';
import { statSync, truncateSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import type { Stat } from '../../src/zookeeper/jute/records.generated.js';
import { appendSetDataLog, bigValue, peakRssBytes } from './big-log.js';
import { RawZkClient, createBody } from './raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';
import { logFiles } from './txn-log-file.js';

const GiB = 1024 ** 3;
const MiB = 1024 ** 2;
const NODES = 20;
/** Recovery reads gigabytes: generous, for a shared machine. */
const START_TIMEOUT_MS = 240_000;

/** Starts a server on a fresh dataDir, creates /big and /t/n0..n19, and stops it; returns its zoo.cfg and version-2 dir. */
async function seed(dir: string): Promise<{ configFile: string; versionDir: string }> {
  const dataDir = join(dir, 'data');
  const configFile = writeConfig(dir, { dataDir, clientPort: 0, clientPortAddress: '127.0.0.1' });
  const server = await startServerProcess(configFile);
  try {
    const client = await RawZkClient.connect(server.port);
    assert.equal((await client.request(OpCode.create, createBody('/big', Buffer.from('v0')))).header.err, 0);
    assert.equal((await client.request(OpCode.create, createBody('/t', null))).header.err, 0);
    for (let i = 0; i < NODES; i++) assert.equal((await client.request(OpCode.create, createBody(`/t/n${i}`, Buffer.from(`value ${i}`)))).header.err, 0);
    await client.closeSession();
  } finally {
    assert.equal((await server.stop()).code, 0, server.stderr());
  }
  return { configFile, versionDir: join(dataDir, 'version-2') };
}

async function expectNodes(port: number): Promise<void> {
  const client = await RawZkClient.connect(port);
  try {
    for (let i = 0; i < NODES; i++) {
      const r = await client.request(OpCode.getData, { path: `/t/n${i}`, watch: false });
      assert.equal(r.header.err, 0, `/t/n${i} is missing`);
      assert.equal((r.body as { data: Buffer }).data.toString(), `value ${i}`);
    }
  } finally {
    await client.closeSession();
  }
}

test('a log whose preallocated zero tail reaches past 2 GiB: the server restarts with every write, the tail left as padding', { timeout: 600_000 }, async (t) => {
  const dir = tempDir('zk-sparse-log-');
  const servers: ServerProcess[] = [];
  t.after(async () => {
    for (const s of servers) await s.kill9();
    dir.remove();
  });
  const { configFile, versionDir } = await seed(dir.path);
  const files = logFiles(versionDir);
  const last = files[files.length - 1]!;
  const size = 2 * GiB + 64 * MiB;
  // Apache preallocates with zeros; a sparse extension is the same bytes without the disk space.
  truncateSync(last, size);

  const server = await startServerProcess(configFile, START_TIMEOUT_MS);
  servers.push(server);
  t.diagnostic(`start-up ${Math.round(server.startupMs)} ms; ${/Recovered .*/.exec(server.stdout())?.[0] ?? ''}`);
  await expectNodes(server.port);
  assert.doesNotMatch(server.stdout(), /Truncated/);
  assert.equal((await server.stop()).code, 0, server.stderr());
  assert.equal(statSync(last).size, size, 'zeros after the last entry are padding, not a torn write');
});

test('a log with more than 2 GiB of entries replays on restart, in memory far below its size', { timeout: 900_000 }, async (t) => {
  const dir = tempDir('zk-big-log-');
  const servers: ServerProcess[] = [];
  t.after(async () => {
    for (const s of servers) await s.kill9();
    dir.remove();
  });
  const { configFile, versionDir } = await seed(dir.path);
  const valueBytes = 1_000_000;
  const versions = 2200;
  const file = await appendSetDataLog(versionDir, '/big', versions, valueBytes);
  const size = statSync(file).size;
  assert.ok(size > 2 * GiB + 4 * MiB, `log of ${size} bytes`);

  const server = await startServerProcess(configFile, START_TIMEOUT_MS);
  servers.push(server);
  const peakBytes = peakRssBytes(server.pid);
  t.diagnostic(`log ${(size / MiB).toFixed(0)} MiB: start-up ${Math.round(server.startupMs)} ms, peak RSS ${(peakBytes / MiB).toFixed(0)} MiB`);
  const replayed = Number(/Recovered snapshot 0x[0-9a-f]+ and (\d+) txns/.exec(server.stdout())?.[1]);
  assert.ok(replayed >= versions, `${replayed} txns replayed:\n${server.stdout()}`);
  assert.ok(peakBytes < 512 * MiB, `peak RSS ${peakBytes} bytes while recovering a log of ${size} bytes`);
  await expectNodes(server.port);
  const client = await RawZkClient.connect(server.port);
  const r = await client.request(OpCode.getData, { path: '/big', watch: false });
  assert.equal(r.header.err, 0);
  const { data, stat } = r.body as { data: Buffer; stat: Stat };
  assert.equal(stat.version, versions);
  assert.ok(data.equals(bigValue(versions, valueBytes)), 'the last value written is the one served');
  await client.closeSession();
  assert.equal((await server.stop()).code, 0, server.stderr());
});
