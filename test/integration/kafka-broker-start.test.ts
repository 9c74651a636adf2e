// The real binary: `bin/run.js kafka-server-start` as a process, reached by kafkajs, kcat and raw sockets. Each
// broker registers with our ZooKeeper server under a chroot of its own, so each forms a cluster of one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Kafka, logLevel } from 'kafkajs';
import { isAlive } from '../../src/cli/daemon.js';
import { ApiKey, encodeRequest } from '../../src/kafka/protocol/index.js';
import { FrameSocket } from '../support/frame-socket.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const STARTED = /^\[[\d-]+ [\d:,]+\] INFO \[KafkaServer id=(\d+)\] started \(kafka\.server\.KafkaServer\)$/m;
const AWAITING = /Awaiting socket connections on ([^\s]+):(\d+)\. \(kafka\.network\.Acceptor\)/;
const CLUSTER = /INFO Cluster ID = (\S+) \(kafka\.server\.KafkaServer\)/;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env, timeoutMs = 60_000): Promise<Run> {
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
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

interface Broker {
  child: ChildProcess;
  port: number;
  brokerId: number;
  clusterId: string;
  output: () => string;
  exit: Promise<number | null>;
}

let zk: OurZk;
const children = new Set<ChildProcess>();
const dirs: string[] = [];

function workDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-broker-'));
  dirs.push(dir);
  return dir;
}

function serverProperties(dir: string, lines: string[]): string {
  const file = join(dir, 'server.properties');
  writeFileSync(file, [`log.dirs=${join(dir, 'kafka-logs')}`, `zookeeper.connect=${zk.connectString}/${basename(dir)}`, ...lines, ''].join('\n'));
  return file;
}

/** Starts a foreground broker and waits for its started line. */
async function startBroker(dir: string, config: string): Promise<Broker> {
  const child = spawn(process.execPath, [runJs, 'kafka-server-start', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const deadline = Date.now() + 30_000;
  while (!STARTED.test(out)) {
    if (child.exitCode !== null || Date.now() > deadline) throw new Error(`broker did not start:\n${out}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  return {
    child,
    port: Number(AWAITING.exec(out)![2]),
    brokerId: Number(STARTED.exec(out)![1]),
    clusterId: CLUSTER.exec(out)![1]!,
    output: () => out,
    exit,
  };
}

async function stopBroker(broker: Broker): Promise<number | null> {
  broker.child.kill('SIGTERM');
  const code = await broker.exit;
  children.delete(broker.child);
  return code;
}

let dir: string;
let broker: Broker;

before(async () => {
  zk = await startOurZooKeeper();
  dir = workDir();
  broker = await startBroker(dir, serverProperties(dir, ['broker.id=4', 'listeners=PLAINTEXT://127.0.0.1:0', 'socket.request.max.bytes=65536', 'unknown.key=1']));
});

after(async () => {
  for (const child of children) child.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
  await zk?.stop();
});

function kafka(port: number, host = '127.0.0.1'): Kafka {
  return new Kafka({ clientId: 'zkafka-test', brokers: [`${host}:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 2 } });
}

test('start-up prints Kafka-style lines: starting, ZooKeeper session, cluster id, log dirs, listener, registration, election, started; unknown keys warn', () => {
  const lines = broker.output().trimEnd().split('\n');
  assert.equal(lines[0], `${join(dir, 'server.properties')}:6: The configuration 'unknown.key' was supplied but isn't a known config.`);
  const logDir = join(dir, 'kafka-logs');
  const connect = `${zk.connectString}/${basename(dir)}`;
  assert.deepEqual(
    lines.slice(1).map((l) => l.replace(/^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] /, '').replace(/in \d+ms/, 'in Nms').replace(/(broker epoch\): |4 -> )\d+/, '$1N')),
    [
      'INFO [KafkaServer id=4] starting (kafka.server.KafkaServer)',
      `INFO [KafkaServer id=4] Connecting to zookeeper on ${connect} (kafka.server.KafkaServer)`,
      `INFO [ZooKeeperClient Kafka server] Initializing a new session to ${connect}. (kafka.zookeeper.ZooKeeperClient)`,
      'INFO [ZooKeeperClient Kafka server] Connected. (kafka.zookeeper.ZooKeeperClient)',
      `INFO Cluster ID = ${broker.clusterId} (kafka.server.KafkaServer)`,
      `INFO Loading logs from log dirs ArrayBuffer(${logDir}) (kafka.log.LogManager)`,
      'INFO Loaded 0 logs in Nms. (kafka.log.LogManager)',
      `INFO Awaiting socket connections on 127.0.0.1:${broker.port}. (kafka.network.Acceptor)`,
      'INFO [SocketServer listenerType=ZK_BROKER, nodeId=4] Started data-plane acceptor and processor(s) for endpoint : ListenerName(PLAINTEXT) (kafka.network.SocketServer)',
      `INFO Registered broker 4 at path /brokers/ids/4 with addresses: PLAINTEXT://127.0.0.1:${broker.port}, czxid (broker epoch): N (kafka.zk.KafkaZkClient)`,
      'INFO [Controller id=4] 4 successfully elected as the controller. Epoch incremented to 1 and epoch zk version is now 1 (kafka.controller.KafkaController)',
      'INFO [Controller id=4] Registering handlers (kafka.controller.KafkaController)',
      'INFO [Controller id=4] Initialized broker epochs cache: 4 -> N (kafka.controller.KafkaController)',
      `INFO [KafkaServer id=4] Advertised endpoints: PLAINTEXT://127.0.0.1:${broker.port} (kafka.server.KafkaServer)`,
      'INFO [KafkaServer id=4] started (kafka.server.KafkaServer)',
    ],
  );
  assert.match(broker.clusterId, /^[A-Za-z0-9_-]{22}$/);
});

test('kafkajs connects (ApiVersions v2, Metadata) and describeCluster returns our broker id and cluster id', async () => {
  const admin = kafka(broker.port).admin();
  await admin.connect();
  try {
    const cluster = await admin.describeCluster();
    assert.deepEqual(cluster, { brokers: [{ nodeId: 4, host: '127.0.0.1', port: broker.port }], controller: 4, clusterId: broker.clusterId });
  } finally {
    await admin.disconnect();
  }
});

const kcat = spawnSync('kcat', ['-V']).status === 0;

test('kcat -L lists our broker; with api.version.request=true its ApiVersions v3 is answered at v3', { skip: kcat ? false : 'kcat is not installed' }, () => {
  const listed = spawnSync('kcat', ['-L', '-b', `127.0.0.1:${broker.port}`, '-m', '10'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(listed.status, 0, listed.stderr);
  assert.match(listed.stdout, new RegExp(`^ 1 brokers:\\n  broker 4 at 127\\.0\\.0\\.1:${broker.port} \\(controller\\)\\n 0 topics:$`, 'm'));
  const debug = spawnSync('kcat', ['-L', '-b', `127.0.0.1:${broker.port}`, '-m', '10', '-X', 'api.version.request=true', '-d', 'protocol'], { encoding: 'utf8', timeout: 30_000 });
  assert.equal(debug.status, 0, debug.stderr);
  assert.match(debug.stderr, /Sent ApiVersionRequest \(v3,/);
  assert.match(debug.stderr, /Received ApiVersionResponse \(v3,/);
  assert.doesNotMatch(debug.stderr, /ApiVersionRequest failed|Broker does not support ApiVersionRequest/);
});

test('malformed and oversize frames close only their own connection; kafkajs keeps working', async () => {
  const admin = kafka(broker.port).admin();
  await admin.connect();
  try {
    const oversize = Buffer.alloc(4);
    oversize.writeInt32BE(65537);
    for (const bytes of [oversize, Buffer.from('GET / HTTP/1.1\r\n\r\n'), Buffer.from('0000000a0063000000000001ffff', 'hex'), Buffer.from('0000000600120000', 'hex')]) {
      const s = await FrameSocket.open(broker.port);
      s.send(bytes);
      if (bytes.length === 8) s.end(); // truncated frame: the client gives up half-way
      assert.ok(await s.waitForClose(15_000), `not closed after ${bytes.toString('hex')}`);
      assert.equal(s.queued.length, 0);
    }
    assert.equal((await admin.describeCluster()).clusterId, broker.clusterId);
  } finally {
    await admin.disconnect();
  }
  assert.match(broker.output(), /WARN \[SocketServer listenerType=ZK_BROKER, nodeId=4\] Unexpected error from \/127\.0\.0\.1:\d+; closing connection: Invalid receive \(size = 65537 larger than 65536\)/);
  assert.match(broker.output(), /ERROR \[SocketServer listenerType=ZK_BROKER, nodeId=4\] Closing socket for \S+ because of error: Unknown API key 99 \(kafka\.network\.Processor\)/);
});

function ipv6Loopback(): Promise<boolean> {
  return FrameSocket.open(1, '::1', 2000).then(
    () => true,
    (err: NodeJS.ErrnoException) => err.code === 'ECONNREFUSED',
  );
}

test('an empty listener host accepts clients on 127.0.0.1 and ::1, so localhost works whichever it resolves to', async (t) => {
  const d = workDir();
  const b = await startBroker(d, serverProperties(d, ['broker.id=5', 'listeners=PLAINTEXT://:0', 'advertised.listeners=PLAINTEXT://localhost:0']));
  t.after(() => stopBroker(b));
  const hosts = ['127.0.0.1', ...((await ipv6Loopback()) ? ['::1'] : [])];
  if (hosts.length === 1) t.diagnostic('no IPv6 loopback on this machine: ::1 not tried');
  for (const host of hosts) {
    const s = await FrameSocket.open(b.port, host);
    s.send(Buffer.concat(encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: 9, clientId: null }, {})));
    assert.ok(await s.waitForFrame(10_000), host);
    assert.equal(s.take().readInt32BE(4), 9);
    s.end();
  }
  const admin = kafka(b.port, 'localhost').admin();
  await admin.connect();
  try {
    assert.deepEqual((await admin.describeCluster()).brokers, [{ nodeId: 5, host: 'localhost', port: b.port }]);
  } finally {
    await admin.disconnect();
  }
});

test('a second broker on the same log dir fails with a clear message and exit 1', async () => {
  const other = workDir();
  const config = join(other, 'server.properties');
  writeFileSync(config, readFileSync(join(dir, 'server.properties'), 'utf8').replace('broker.id=4', 'broker.id=4\nlisteners=PLAINTEXT://127.0.0.1:0'));
  const result = await run(['kafka-server-start', config], other);
  assert.equal(result.code, 1);
  assert.equal(
    result.stderr.split('\n').filter((l) => l.startsWith('zkafka:')).join('\n'),
    `zkafka: cannot start Kafka server: ${join(dir, 'kafka-logs', '.lock')}: the log dir is in use by process ${broker.child.pid}`,
  );
  assert.match(result.stdout, /ERROR \[KafkaServer id=4\] Fatal error during KafkaServer startup\. Prepare to shutdown: /);
});

test('config errors are one line with exit 2; no arguments print the usage with exit 1', async () => {
  const d = workDir();
  const bad = serverProperties(d, ['broker.id=four']);
  const result = await run(['kafka-server-start', bad], d);
  assert.equal(result.code, 2);
  assert.equal(result.stderr.trimEnd().split('\n').length, 1, result.stderr);
  assert.match(result.stderr, /^.*server\.properties:3: broker\.id/);
  const override = await run(['kafka-server-start', serverProperties(d, []), '--override', 'listeners=nonsense'], d);
  assert.equal(override.code, 2);
  assert.match(override.stderr, /^--override: listeners/);
  const usage = await run(['kafka-server-start'], d);
  assert.equal(usage.code, 1);
  assert.equal(usage.stderr, 'USAGE: zkafka kafka-server-start [-daemon] server.properties [--override property=value]*\n');
});

test('-daemon runs in the background with output in $LOG_DIR/kafkaServer.out; kafka-server-stop <config> stops it', async (t) => {
  const d = workDir();
  const config = serverProperties(d, ['broker.id=6', 'listeners=PLAINTEXT://127.0.0.1:0']);
  const env = { ...process.env, LOG_DIR: join(d, 'logs') };
  let pid: number | undefined;
  t.after(() => {
    if (pid !== undefined && isAlive(pid)) process.kill(pid, 'SIGKILL');
  });
  const started = await run(['kafka-server-start', '-daemon', config, '--override', 'broker.id=7'], d, env);
  assert.equal(started.stderr, '');
  assert.equal(started.code, 0);
  const pidFile = join(d, 'logs', 'kafkaServer.pid');
  pid = Number(readFileSync(pidFile, 'utf8'));
  const lines = started.stdout.trimEnd().split('\n');
  assert.match(lines[0]!, /\] INFO \[KafkaServer id=7\] started \(kafka\.server\.KafkaServer\)$/);
  assert.equal(lines[1], `running in the background as process ${pid}; output in logs/kafkaServer.out; pid file ${pidFile}`);
  const out = readFileSync(join(d, 'logs', 'kafkaServer.out'), 'utf8');
  const port = Number(AWAITING.exec(out)![2]);
  const admin = kafka(port).admin();
  await admin.connect();
  assert.equal((await admin.describeCluster()).controller, 7);
  await admin.disconnect();

  const stopped = await run(['kafka-server-stop', config], d, env);
  assert.equal(stopped.stdout + stopped.stderr, '');
  assert.equal(stopped.code, 0);
  assert.equal(isAlive(pid), false);
  assert.equal(existsSync(pidFile), false);
  assert.match(readFileSync(join(d, 'logs', 'kafkaServer.out'), 'utf8'), /INFO \[KafkaServer id=7\] shut down completed \(kafka\.server\.KafkaServer\)\n$/);

  const none = await run(['kafka-server-stop', config], d, env);
  assert.equal(none.stdout, 'No kafka server to stop\n');
  assert.equal(none.code, 1);
});

test('foreground SIGTERM shuts down cleanly: exit 0, logs closed with the clean-shutdown marker, lock released', async () => {
  const d = workDir();
  const b = await startBroker(d, serverProperties(d, ['broker.id=8', 'listeners=PLAINTEXT://127.0.0.1:0']));
  assert.equal(await stopBroker(b), 0);
  assert.match(b.output(), /INFO \[KafkaServer id=8\] shutting down \(kafka\.server\.KafkaServer\)\n.*INFO \[KafkaServer id=8\] shut down completed/s);
  assert.ok(existsSync(join(d, 'kafka-logs', '.kafka_cleanshutdown')));
  assert.equal(existsSync(join(d, 'kafka-logs', '.lock')), false);
});
