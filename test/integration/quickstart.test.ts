// `zkafka quickstart` as a user runs it, on free ports in a temp dir: a 3+3 cluster in the foreground (nodes, configs,
// `cluster status`, a second start refused, a taken port named) stopped by SIGINT with every process gone and every
// port free; then a second start on the same directory with --detach (its data and my-topic reused), used by kcat,
// kafkajs and Apache's zkCli, `cluster status`
// after kill -9 of a broker and of a ZooKeeper follower, and `cluster stop`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { isAlive } from '../../src/cli/daemon.js';
import { connectKafkaZk } from '../../src/cluster/kafka-readiness.js';
import type { ClusterLayout } from '../../src/cluster/layout.js';
import { zooKeeperMode } from '../../src/cluster/readiness.js';
import { freePortRuns, isPortFree } from '../support/ports.js';
import { runTool, type ToolRun } from '../support/run-tool.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { apacheZooKeeperAvailable, runZkCli } from '../support/apache-zk.js';
import kafkajs from 'kafkajs';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const ENV = { ...process.env, NO_COLOR: '1' };
/** The template's lines after its server.N lines (comments, commented-out keys), kept in every node's zoo.cfg. */
const ZOO_TEMPLATE_TAIL = readFileSync(fileURLToPath(new URL('../../../templates/zoo.cfg', import.meta.url)), 'utf8')
  .replace(/\n$/, '')
  .split('\n')
  .slice(9);

/** One zkafka command run to its end (the cluster commands take absolute --dir paths, so any cwd will do). */
const run = (args: readonly string[]): Promise<ToolRun> => runTool(args[0]!, args.slice(1));

/** Every pid a cluster directory records, for the clean-up of a failed test. */
function recordedPids(dir: string): number[] {
  const layoutFile = join(dir, 'cluster.json');
  if (!existsSync(layoutFile)) return [];
  const layout = JSON.parse(readFileSync(layoutFile, 'utf8')) as ClusterLayout;
  const files = [...layout.zookeepers.map((z) => join(z.dataDir, 'zookeeper_server.pid')), ...layout.brokers.map((b) => join(b.home, 'kafkaServer.pid'))];
  return files.filter(existsSync).map((f) => Number(readFileSync(f, 'utf8')));
}

const TABLE_ROW = /^│ (zookeeper|kafka)\s+│ (\d)\s+│ (127\.0\.0\.1:\d+)\s+│ (\w+)\s+│ (\d+)\s+│$/gm;

function tableRows(stdout: string) {
  return [...stdout.matchAll(TABLE_ROW)].map((m) => ({ kind: m[1]!, id: Number(m[2]), address: m[3]!, role: m[4]!, pid: Number(m[5]) }));
}

test('quickstart: a 3+3 cluster, status, SIGINT, a second start with --detach, kill -9, cluster stop', async (t) => {
  const root = mkdtempSync(join(tmpdir(), 'zkafka-quickstart-'));
  const dir = join(root, 'cluster');
  const children: ChildProcess[] = [];
  t.after(() => {
    for (const c of children) if (c.exitCode === null) c.kill('SIGKILL');
    for (const pid of recordedPids(dir)) if (isAlive(pid)) process.kill(pid, 'SIGKILL');
    rmSync(root, { recursive: true, force: true });
  });
  // Four bases of three consecutive ports each: client, quorum, election, broker.
  const [zkBase, quorumBase, electionBase, brokerBase] = await freePortRuns(4, 3, 100);
  const portFlags = ['--zookeeper-port', String(zkBase), '--quorum-port', String(quorumBase), '--election-port', String(electionBase), '--broker-port', String(brokerBase)];
  const allPorts = [zkBase!, quorumBase!, electionBase!, brokerBase!].flatMap((b) => [b, b + 1, b + 2]);
  const zkConnect = [0, 1, 2].map((i) => `127.0.0.1:${zkBase! + i}`).join(',');

  // Foreground: started by the test, stopped by SIGINT.
  const child = spawn(process.execPath, [runJs, 'quickstart', '--dir', dir, ...portFlags], { cwd: root, env: ENV, stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  let stdout = '';
  let stderr = '';
  child.stdout!.on('data', (d: Buffer) => (stdout += d));
  child.stderr!.on('data', (d: Buffer) => (stderr += d));
  const exited = new Promise<number | null>((resolve) => child.on('close', (code) => resolve(code)));
  await new Promise<void>((resolve, reject) => {
    const check = () => {
      if (/Ctrl-C stops the cluster/.test(stdout)) resolve();
    };
    child.stdout!.on('data', check);
    void exited.then((code) => reject(new Error(`quickstart exited (${code}) before the cluster was ready\n${stdout}\n${stderr}`)));
  });

  const rows = tableRows(stdout);
  assert.deepEqual(rows.map((r) => `${r.kind} ${r.id} ${r.address}`), [
    ...[1, 2, 3].map((i) => `zookeeper ${i} 127.0.0.1:${zkBase! + i - 1}`),
    ...[1, 2, 3].map((i) => `kafka ${i} 127.0.0.1:${brokerBase! + i - 1}`),
  ]);
  assert.deepEqual(rows.slice(0, 3).map((r) => r.role).sort(), ['follower', 'follower', 'leader']);
  assert.deepEqual(rows.slice(3).map((r) => r.role).sort(), ['broker', 'broker', 'controller']);
  for (const r of rows) assert.ok(isAlive(r.pid), `${r.kind} ${r.id} runs as ${r.pid}`);
  assert.match(stdout, /^cluster ready in \d+\.\d\d s; data and logs in .*cluster$/m);
  assert.ok(stdout.includes(`/kafka-console-producer.sh --bootstrap-server 127.0.0.1:${brokerBase} --topic my-topic\n`));
  assert.ok(stdout.includes(`/kafka-console-consumer.sh --bootstrap-server 127.0.0.1:${brokerBase} --topic my-topic --from-beginning\n`));
  assert.ok(stdout.includes(`/kafka-topics.sh --describe --zookeeper ${zkConnect} --topic my-topic\n`));
  assert.ok(stdout.includes(`/zkCli.sh -server 127.0.0.1:${zkBase} ls /brokers/ids\n`));
  assert.match(stderr, /^my-topic created: replication factor 3, every replica in sync \(\d+\.\d\d s\)$/m);

  // The files it wrote from the templates.
  assert.equal(readFileSync(join(dir, 'zk2', 'data', 'myid'), 'utf8'), '2\n');
  assert.equal(
    readFileSync(join(dir, 'zk2', 'zoo.cfg'), 'utf8'),
    [
      '# A three-server ZooKeeper ensemble. Each machine also needs <dataDir>/myid holding its server number.',
      'tickTime=2000',
      `dataDir=${join(dir, 'zk2', 'data')}`,
      `clientPort=${zkBase! + 1}`,
      'initLimit=5',
      'syncLimit=2',
      ...[0, 1, 2].map((i) => `server.${i + 1}=127.0.0.1:${quorumBase! + i}:${electionBase! + i}`),
      ...ZOO_TEMPLATE_TAIL,
      'clientPortAddress=127.0.0.1',
      '4lw.commands.whitelist=srvr,stat,mntr,ruok,conf,isro',
      'admin.enableServer=false',
      '',
    ].join('\n'),
  );
  const props = readFileSync(join(dir, 'kafka3', 'server.properties'), 'utf8').split('\n');
  for (const line of ['broker.id=3', `zookeeper.connect=${zkConnect}`, `log.dirs=${join(dir, 'kafka3', 'data')}`, `listeners=PLAINTEXT://127.0.0.1:${brokerBase! + 2}`, 'offsets.topic.replication.factor=3']) {
    assert.ok(props.includes(line), `server.properties has ${line}`);
  }
  assert.equal(props[0], 'broker.id=3');

  // The topic as the documentation creates it: one partition, three replicas, all in sync.
  const kafkaZk = await connectKafkaZk(zkConnect, 10_000);
  const assignment = await kafkaZk.getTopicAssignment('my-topic');
  const state = await kafkaZk.getPartitionState('my-topic', 0);
  await kafkaZk.zk.close();
  assert.deepEqual([...assignment!.partitions.keys()], [0]);
  assert.deepEqual([...assignment!.partitions.get(0)!.replicas].sort(), [1, 2, 3]);
  assert.deepEqual([...state!.state.isr].sort(), [1, 2, 3]);

  const healthy = await run(['cluster', 'status', '--dir', dir]);
  assert.equal(healthy.code, 0, healthy.stdout + healthy.stderr);
  assert.match(healthy.stdout, /Partitions: 1 topic\(s\), 1 partition\(s\), none under-replicated or offline\nhealthy\n$/);
  const byConnect = await run(['cluster', 'status', '--zookeeper', zkConnect]);
  assert.equal(byConnect.code, 0, byConnect.stdout + byConnect.stderr);

  // A second start on the running directory, and one on another directory whose ports are taken.
  const again = await run(['quickstart', '--dir', dir, ...portFlags]);
  assert.equal(again.code, 1);
  assert.match(again.stderr, /^a cluster from .* is already running: zookeeper 1 \(process \d+\), /);
  const clash = await run(['quickstart', '--dir', join(root, 'other'), ...portFlags]);
  assert.equal(clash.code, 1);
  assert.equal(clash.stderr.split('\n')[0], `port ${zkBase} on 127.0.0.1 (zookeeper 1 client port) is already in use: stop what uses it, or pick other ports (--zookeeper-port, --quorum-port, --election-port, --broker-port)`);

  child.kill('SIGINT');
  assert.equal(await exited, 0, stderr);
  const stops = stderr.split('\n').filter((l) => / \(process \d+\) stopped$/.test(l)).map((l) => l.replace(/ \(process.*/, ''));
  assert.equal(stops.length, 6, stderr);
  assert.deepEqual(stops.slice(0, 3).sort(), ['broker 1', 'broker 2', 'broker 3']);
  const controllerRow = rows.find((r) => r.role === 'controller')!;
  assert.equal(stops[2], `broker ${controllerRow.id}`, 'the controller stops last of the brokers');
  assert.deepEqual(stops.slice(3), ['zookeeper 1', 'zookeeper 2', 'zookeeper 3']);
  for (const r of rows) assert.equal(isAlive(r.pid), false, `${r.kind} ${r.id} (${r.pid}) is gone`);
  assert.deepEqual(await Promise.all(allPorts.map((port) => isPortFree(port))), allPorts.map(() => true), 'every port is free again');
  assert.deepEqual(recordedPids(dir), []);

  // The same directory again, in the background: its data (and my-topic) is reused.
  const detached = await run(['quickstart', '--dir', dir, '--detach']);
  assert.equal(detached.code, 0, detached.stdout + detached.stderr);
  assert.match(detached.stderr, /^Restarting 3 ZooKeeper server\(s\) and 3 broker\(s\) in /m);
  assert.match(detached.stderr, /^my-topic exists: replication factor 3, every replica in sync/m);
  assert.match(detached.stdout, /stop them with: zkafka cluster stop --dir /);
  const pids = tableRows(detached.stdout);
  assert.equal(pids.length, 6);
  for (const r of pids) assert.ok(isAlive(r.pid));

  await unmodifiedClientsUseTheCluster(t, zkConnect, brokerBase!);

  // kill -9 a broker that neither leads my-topic nor is the controller: down, and my-topic under-replicated.
  const zk = await connectKafkaZk(zkConnect, 10_000);
  const leader = (await zk.getPartitionState('my-topic', 0))!.state.leader;
  const controller = await zk.getControllerId();
  await zk.zk.close();
  const victim = pids.find((r) => r.kind === 'kafka' && r.id !== leader && r.id !== controller)!;
  process.kill(victim.pid, 'SIGKILL');
  const brokerDown = await run(['cluster', 'status', '--dir', dir]);
  assert.equal(brokerDown.code, 8 + 16, brokerDown.stdout);
  assert.match(brokerDown.stdout, new RegExp(`│ ${victim.id}  │ 127\\.0\\.0\\.1:${brokerBase! + victim.id - 1} │ (down|not registered)`));
  assert.match(brokerDown.stdout, /│ my-topic │ 0\s+│ \d\s+│ [123],[123],[123]\s+│ [\d,]+\s+│ under-replicated │/);
  assert.match(brokerDown.stdout, /\nunhealthy: a broker is down, partitions are under-replicated\n$/);

  // kill -9 a ZooKeeper follower: the ensemble keeps its quorum; the member shows as down.
  let zkVictim = pids.find((r) => r.kind === 'zookeeper')!;
  for (const r of pids.filter((p) => p.kind === 'zookeeper')) {
    if ((await zooKeeperMode({ host: '127.0.0.1', clientPort: Number(r.address.split(':')[1]) })) === 'follower') {
      zkVictim = r;
      break;
    }
  }
  process.kill(zkVictim.pid, 'SIGKILL');
  const zkDown = await run(['cluster', 'status', '--dir', dir]);
  assert.equal(zkDown.code, 4 + 8 + 16, zkDown.stdout);
  assert.match(zkDown.stdout, new RegExp(`│ ${zkVictim.id}  │ ${zkVictim.address.replace(/\./g, '\\.')} │ down`));
  assert.match(zkDown.stdout, /\nunhealthy: a ZooKeeper member is down, a broker is down, partitions are under-replicated\n$/);

  const stopped = await run(['cluster', 'stop', '--dir', dir]);
  assert.equal(stopped.code, 0, stopped.stdout + stopped.stderr);
  assert.equal(stopped.stdout.split('\n').filter((l) => l.endsWith(' stopped')).length, 4, stopped.stdout);
  for (const r of pids) assert.equal(isAlive(r.pid), false, `${r.kind} ${r.id} (${r.pid}) is gone`);
  assert.deepEqual(await Promise.all(allPorts.map((port) => isPortFree(port))), allPorts.map(() => true), 'every port is free again');
  const none = await run(['cluster', 'stop', '--dir', dir]);
  assert.equal(none.code, 1);
  assert.equal(none.stdout, `No cluster running from ${dir}\n`);
});

/**
 * Third-party clients against the cluster quickstart started: kcat (librdkafka) sees the three brokers and my-topic's
 * three in-sync replicas and produces with acks=all, so does kafkajs, kcat reads every record back from the beginning
 * (no consumer group, so no __consumer_offsets partitions to go offline in the kill -9 checks that follow), and
 * Apache's own zkCli lists the registered brokers through the ensemble.
 */
async function unmodifiedClientsUseTheCluster(t: { diagnostic(message: string): void }, zkConnect: string, brokerBase: number): Promise<void> {
  const bootstrap = [0, 1, 2].map((i) => `127.0.0.1:${brokerBase + i}`).join(',');
  const producer = new kafkajs.Kafka({ clientId: 'quickstart-test', brokers: bootstrap.split(','), logLevel: kafkajs.logLevel.NOTHING }).producer();
  await producer.connect();
  try {
    await producer.send({ topic: 'my-topic', acks: -1, messages: [{ key: 'kafkajs', value: 'third' }] });
  } finally {
    await producer.disconnect();
  }
  if (kcatAvailable) {
    const metadata = await kcat(['-b', bootstrap, '-L', '-t', 'my-topic']);
    assert.equal(metadata.code, 0, metadata.stderr);
    const text = metadata.stdout.toString();
    assert.match(text, / 3 brokers:\n/);
    for (let i = 0; i < 3; i++) assert.match(text, new RegExp(`broker ${i + 1} at 127\\.0\\.0\\.1:${brokerBase + i}`));
    assert.match(text, /topic "my-topic" with 1 partitions:\n\s+partition 0, leader [123], replicas: [123],[123],[123], isrs: [123],[123],[123]\n/);
    const produced = await kcat(['-b', bootstrap, '-P', '-t', 'my-topic', '-X', 'acks=all', '-K', ':'], 'kcat:fourth\nkcat:fifth\n');
    assert.equal(produced.code, 0, produced.stderr);
    const consumed = await kcat(['-b', bootstrap, '-C', '-t', 'my-topic', '-o', 'beginning', '-e', '-f', '%k=%s\n']);
    assert.equal(consumed.code, 0, consumed.stderr);
    assert.equal(consumed.stdout.toString(), 'kafkajs=third\nkcat=fourth\nkcat=fifth\n');
  } else {
    t.diagnostic('kcat is not installed: the librdkafka checks are skipped');
  }

  const noApache = apacheZooKeeperAvailable();
  if (noApache) {
    t.diagnostic(`Apache zkCli check skipped: ${noApache}`);
    return;
  }
  const ls = await runZkCli(zkConnect, ['ls', '/brokers/ids']);
  assert.equal(ls.code, 0, ls.stderr);
  assert.equal(ls.stdout.trim().split('\n').at(-1), '[1, 2, 3]');
}
