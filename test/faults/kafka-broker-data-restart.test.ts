// Records survive a broker restart and a kill -9 of the broker process: the clean shutdown writes the high watermark
// checkpoint and the clean-shutdown marker; after kill -9 the log is recovered (a torn tail cut off) and the
// partition's leader brings the high watermark back to its log end, so consumers see every acknowledged record.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { waitForRegistrationGone } from '../support/kafka-broker-process.js';

const main = fileURLToPath(new URL('../support/data-broker-main.js', import.meta.url));
const skip = kcatAvailable ? false : 'kcat is not installed';
const TOPICS = [{ name: 'durable', partitions: 1 }];

interface BrokerProcess {
  child: ChildProcess;
  port: number;
  exited: Promise<number | null>;
  stderr: () => string;
}

const children = new Set<ChildProcess>();
const logDir = mkdtempSync(join(tmpdir(), 'zkafka-restart-'));

let zk: OurZk | undefined;

after(async () => {
  for (const c of children) c.kill('SIGKILL');
  rmSync(logDir, { recursive: true, force: true });
  await zk?.stop();
});

async function startProcess(leaderEpoch: number): Promise<BrokerProcess> {
  const properties = ['replica.high.watermark.checkpoint.interval.ms=50', 'zookeeper.session.timeout.ms=4000'];
  zk ??= await startOurZooKeeper();
  const child = spawn(process.execPath, [main, JSON.stringify({ topics: TOPICS, zkConnect: zk.connectString, logDir, leaderEpoch, properties })], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => {
    children.delete(child);
    resolve(code);
  }));
  const deadline = Date.now() + 30_000;
  while (!/LISTENING (\d+)/.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`broker process did not start:\n${err}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return { child, port: Number(/LISTENING (\d+)/.exec(out)![1]), exited, stderr: () => err };
}

async function produce(port: number, values: string[]): Promise<void> {
  const r = await kcat(['-b', `127.0.0.1:${port}`, '-P', '-t', 'durable', '-p', '0', '-X', 'acks=all', '-X', 'linger.ms=5'], values.join('\n') + '\n');
  assert.equal(r.code, 0, r.stderr);
}

async function consumeAll(port: number): Promise<string[]> {
  const r = await kcat(['-b', `127.0.0.1:${port}`, '-C', '-t', 'durable', '-p', '0', '-e', '-q', '-f', '%o:%s\n']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString().split('\n').filter((l) => l !== '');
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

const values = (from: number, to: number) => Array.from({ length: to - from }, (_, i) => `record-${from + i}`);
const listed = (from: number, to: number) => values(from, to).map((v, i) => `${from + i}:${v}`);
const partitionDir = join(logDir, 'durable-0');

test('a clean restart keeps every record and the high watermark checkpoint; a kill -9 loses no acknowledged record', { skip }, async () => {
  const first = await startProcess(0);
  await produce(first.port, values(0, 50));
  first.child.kill('SIGTERM');
  assert.equal(await first.exited, 0, first.stderr());
  assert.match(readFileSync(join(logDir, 'replication-offset-checkpoint'), 'utf8'), /^0\n1\ndurable 0 50\n$/);
  assert.equal(existsSync(join(logDir, '.kafka_cleanshutdown')), true);

  const second = await startProcess(1);
  assert.deepEqual(await consumeAll(second.port), listed(0, 50));
  await produce(second.port, values(50, 80));
  // The high watermark checkpoint is written on a timer too, not only at shutdown.
  await waitFor(() => readFileSync(join(logDir, 'replication-offset-checkpoint'), 'utf8') === '0\n1\ndurable 0 80\n', 'the checkpoint to reach 80');
  second.child.kill('SIGKILL');
  await second.exited;
  assert.equal(existsSync(join(logDir, '.kafka_cleanshutdown')), false);
  // As with Kafka, the restarted broker can register only once the killed one's session has expired.
  await waitForRegistrationGone(zk!.connectString, 1);
  // A write torn by the crash: half a batch header after the last whole batch.
  appendFileSync(join(partitionDir, '00000000000000000000.log'), Buffer.from('00000000000000500000004b000000', 'hex'));

  const third = await startProcess(2);
  assert.deepEqual(await consumeAll(third.port), listed(0, 80));
  await produce(third.port, ['after-crash']);
  assert.deepEqual((await consumeAll(third.port)).slice(-2), ['79:record-79', '80:after-crash']);
  assert.match(third.stderr(), /\[durable-0\] Recovery of .*00000000000000000000\.log: .*; truncated 15 bytes/);
  third.child.kill('SIGTERM');
  assert.equal(await third.exited, 0, third.stderr());
  assert.match(readFileSync(join(partitionDir, 'leader-epoch-checkpoint'), 'utf8'), /^0\n3\n0 0\n1 50\n2 80\n$/);
});
