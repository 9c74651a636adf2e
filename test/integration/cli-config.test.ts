import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const startSh = fileURLToPath(new URL('../../../bin/zookeeper-server-start.sh', import.meta.url));

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(command: string, args: string[], cwd: string, timeoutMs = 20_000): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish within ${timeoutMs} ms`));
    }, timeoutMs);
    child.on('error', reject);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

function workDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-cli-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

test('a bad value: one line naming file, line and key; exit 2', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=2181\ntickTime=abc\n`);
  const result = await run(process.execPath, [runJs, 'zookeeper-server-start', 'zoo.cfg'], dir);
  assert.equal(result.stderr, "zoo.cfg:3: tickTime: expected a positive integer, got 'abc'\n");
  assert.equal(result.stdout, '');
  assert.equal(result.code, 2);
});

test('a missing config file: exit 2', async (t) => {
  const dir = workDir(t);
  const result = await run(process.execPath, [runJs, 'zookeeper-server-start', 'missing.cfg'], dir);
  assert.equal(result.stderr, 'missing.cfg: cannot read config file: ENOENT\n');
  assert.equal(result.code, 2);
});

test('-daemon is read as one option, and config errors come before any process is started', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), 'clientPort=2181\n');
  const result = await run(startSh, ['-daemon', 'zoo.cfg'], dir);
  assert.equal(result.stderr, 'zoo.cfg: dataDir: expected a directory path, got nothing\n');
  assert.equal(result.code, 2);
});

test('an unknown key: a warning line on stderr', async (t) => {
  const dir = workDir(t);
  // a dataDir below a plain file stops the command right after the warnings, before any server starts
  writeFileSync(join(dir, 'file'), '');
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/file/data\nclientPort=2181\nfrobnicate=yes\n`);
  const result = await run(process.execPath, [runJs, 'zookeeper-server-start', 'zoo.cfg'], dir);
  assert.equal(
    result.stderr,
    `zoo.cfg:3: unknown key frobnicate (ignored)\nzoo.cfg:1: dataDir: expected a writable directory, got '${dir}/file/data' (ENOTDIR)\n`,
  );
  assert.equal(result.code, 2);
});

test('the documented three-server zoo.cfg starts a replicated server, which needs dataDir/myid', async (t) => {
  const dir = workDir(t);
  const template = readFileSync(fileURLToPath(new URL('../../../templates/zoo.cfg', import.meta.url)), 'utf8');
  writeFileSync(join(dir, 'zoo.cfg'), template.replace('dataDir=/tmp/zookeeper', `dataDir=${dir}/data`));
  const result = await run(process.execPath, [runJs, 'zookeeper-server-start', 'zoo.cfg'], dir);
  assert.equal(result.stderr, `zkafka: cannot start ZooKeeper server: ${dir}/data/myid file is missing\n`);
  assert.equal(result.code, 1);
});

test('no config: the Kafka script usage line, exit 1', async (t) => {
  const dir = workDir(t);
  const result = await run(startSh, [], dir);
  assert.equal(result.stderr, `USAGE: ${startSh} [-daemon] zookeeper.properties\n`);
  assert.equal(result.code, 1);
});

test('zookeeper-server-stop with a config whose server is not running', async (t) => {
  const dir = workDir(t);
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=2181\n`);
  const result = await run(process.execPath, [runJs, 'zookeeper-server-stop', 'zoo.cfg'], dir);
  assert.equal(result.stdout, 'No zookeeper server to stop\n');
  assert.equal(result.code, 1);
});
