import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { createServer, type AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { isAlive } from '../../src/cli/daemon.js';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

interface Run {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 30_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [runJs, ...args], { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkafka ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-daemon-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const STARTED = /^zkafka ZooKeeper 3\.8\.0-compatible server started, standalone, listening on 127\.0\.0\.1:(\d+), dataDir .*\n/;

test('-daemon starts in the background, answers ruok, and zookeeper-server-stop <config> stops it', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=0\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=ruok\n`);
  const pidFile = join(dir, 'data', 'zookeeper_server.pid');
  let pid: number | undefined;
  t.after(() => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });

  const started = await run(['zookeeper-server-start', '-daemon', 'zoo.cfg'], dir, { ...process.env, LOG_DIR: join(dir, 'logs') });
  assert.equal(started.stderr, '');
  assert.equal(started.code, 0);
  const match = STARTED.exec(started.stdout);
  assert.ok(match, started.stdout);
  pid = Number(readFileSync(pidFile, 'utf8'));
  assert.match(started.stdout.split('\n')[1]!, new RegExp(`^running in the background as process ${pid}; output in .*zookeeper.out; pid file ${pidFile}$`));
  assert.ok(readFileSync(join(dir, 'logs', 'zookeeper.out'), 'utf8').includes(match[0]));
  assert.equal(await sendFourLetterWord('127.0.0.1', Number(match[1]), 'ruok', 15_000), 'imok');

  const again = await run(['zookeeper-server-start', '-daemon', 'zoo.cfg'], dir, { ...process.env, LOG_DIR: join(dir, 'logs2') });
  assert.equal(again.stderr, `zookeeper server already running as process ${pid} (${pidFile}).\n`);
  assert.equal(again.code, 1);

  const stopped = await run(['zookeeper-server-stop', 'zoo.cfg'], dir);
  assert.equal(stopped.stdout + stopped.stderr, '');
  assert.equal(stopped.code, 0);
  assert.equal(isAlive(pid), false);
  assert.equal(existsSync(pidFile), false);

  const none = await run(['zookeeper-server-stop', 'zoo.cfg'], dir);
  assert.equal(none.stdout, 'No zookeeper server to stop\n');
  assert.equal(none.code, 1);
});

// Node reports a NODE_EXTRA_CA_CERTS file it cannot load when it starts: the server process must not read it
// (src/cli/node-start-env.ts), while the zkafka process that spawns it, started by node directly, does.
test('-daemon starts the server without NODE_EXTRA_CA_CERTS', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=0\nclientPortAddress=127.0.0.1\n4lw.commands.whitelist=ruok\n`);
  const env = { ...process.env, LOG_DIR: join(dir, 'logs'), NODE_EXTRA_CA_CERTS: join(dir, 'missing.pem') };
  const started = await run(['zookeeper-server-start', '-daemon', 'zoo.cfg'], dir, env);
  assert.equal(started.code, 0, started.stderr);
  const pid = Number(readFileSync(join(dir, 'data', 'zookeeper_server.pid'), 'utf8'));
  t.after(() => {
    if (isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  assert.match(started.stderr, /Ignoring extra certs from .*missing\.pem/);
  const match = STARTED.exec(started.stdout);
  assert.ok(match, started.stdout);
  assert.equal(await sendFourLetterWord('127.0.0.1', Number(match[1]), 'ruok', 15_000), 'imok');
  const out = readFileSync(join(dir, 'logs', 'zookeeper.out'), 'utf8');
  assert.ok(out.includes(match[0]), out);
  assert.doesNotMatch(out, /extra certs/);
  assert.equal((await run(['zookeeper-server-stop', 'zoo.cfg'], dir)).code, 0);
});

test('-daemon reports a server that dies while starting, with the end of its output', async (t) => {
  const dir = workDir(t);
  const taken = createServer();
  await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
  t.after(() => taken.close());
  const port = (taken.address() as AddressInfo).port;
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=${port}\nclientPortAddress=127.0.0.1\n`);
  const result = await run(['zookeeper-server-start', '-daemon', 'zoo.cfg'], dir, { ...process.env, LOG_DIR: join(dir, 'logs') });
  assert.equal(result.code, 1);
  const lines = result.stderr.trimEnd().split('\n');
  assert.match(lines[0]!, /^zookeeper server exited \(1\) while starting; end of logs\/zookeeper.out:$/);
  assert.equal(lines[lines.length - 1], `zkafka: cannot start ZooKeeper server: listen EADDRINUSE: address already in use 127.0.0.1:${port}`);
  assert.equal(existsSync(join(dir, 'data', 'zookeeper_server.pid')), false);
});

test('foreground: SIGTERM closes the server and exits 0', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=0\nclientPortAddress=127.0.0.1\n`);
  const child = spawn(process.execPath, [runJs, 'zookeeper-server-start', 'zoo.cfg'], { cwd: dir, stdio: ['ignore', 'pipe', 'inherit'] });
  t.after(() => child.kill('SIGKILL'));
  let stdout = '';
  const exit = new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.on('exit', (code, signal) => resolve([code, signal])));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no started line within 20 s: ${stdout}`)), 20_000);
    child.stdout.on('data', (d: Buffer) => {
      stdout += d;
      if (/server started/.test(stdout)) {
        clearTimeout(timer);
        resolve();
      }
    });
  });
  child.kill('SIGTERM');
  assert.deepEqual(await exit, [0, null]);
});
