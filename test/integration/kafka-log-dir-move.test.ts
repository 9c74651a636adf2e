// Moving a partition between the log dirs of one real broker with kafka-reassign-partitions: --execute with a
// log_dirs entry sets the replica-alter-dir throttle and starts the move, producers are still accepted while it
// copies, --verify and DescribeLogDirs show the future replica, a kill -9 in the middle leaves the `-future` dir that
// the restarted broker resumes from, and once done the partition lives in the other dir only, every record readable
// in order (kafkajs, and kcat when installed). ZKAFKA_KEEP_BROKER_OUTPUT=<dir> keeps the broker's output there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { KafkaAdmin } from '../../src/kafka/client/admin/kafka-admin.js';
import { describeReplicaLogDirs } from '../../src/kafka/client/admin/admin-log-dirs.js';
import { BrokerProcesses, waitFor, waitForRegistrationGone, type BrokerProcess } from '../support/kafka-broker-process.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool, type ToolRun } from '../support/run-tool.js';

const { Kafka, logLevel } = kafkajs;
const TOPIC = 'moved';
const BEFORE = 1500;
const DURING = 200;
const AFTER = 20;

let zk: OurZk;
const processes = new BrokerProcesses();
let workDir: string;
let dirA: string;
let dirB: string;
let port: number;
let broker: BrokerProcess | undefined;
const outputs: string[] = [];

function startBroker(): BrokerProcess {
  const b = processes.spawn(workDir, [
    'broker.id=1', `listeners=PLAINTEXT://127.0.0.1:${port}`, `zookeeper.connect=${zk.connectString}`, `log.dirs=${dirA},${dirB}`,
    'offsets.topic.replication.factor=1', 'log.segment.delete.delay.ms=200', 'group.initial.rebalance.delay.ms=0', 'zookeeper.session.timeout.ms=4000',
  ], 60_000);
  return b;
}

before(async () => {
  zk = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  workDir = processes.workDir('zkafka-log-dir-move-');
  dirA = join(workDir, 'logs-a');
  dirB = join(workDir, 'logs-b');
  port = await freePort();
  broker = startBroker();
  await broker.started;
});

after(async () => {
  if (process.env.ZKAFKA_KEEP_BROKER_OUTPUT) writeFileSync(join(process.env.ZKAFKA_KEEP_BROKER_OUTPUT, 'log-dir-move-broker.log'), [...outputs, broker?.output() ?? ''].join('\n'));
  await processes.cleanup();
  await zk?.stop();
});

const bootstrap = () => `127.0.0.1:${port}`;
const kafka = (clientId: string) => new Kafka({ clientId, brokers: [bootstrap()], logLevel: logLevel.NOTHING, retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } });
const value = (i: number) => `record-${String(i).padStart(6, '0')}-${'x'.repeat(200)}`;
const partitionEntries = (dir: string) => readdirSync(dir).filter((n) => n === `${TOPIC}-0` || n.startsWith(`${TOPIC}-0.`)).sort();
const reassign = (args: string[]): Promise<ToolRun> => runTool('kafka-reassign-partitions', ['--bootstrap-server', bootstrap(), ...args], 120_000);

async function produceRange(from: number, to: number): Promise<void> {
  const producer = kafka(`producer-${from}`).producer({ allowAutoTopicCreation: false });
  await producer.connect();
  try {
    for (let i = from; i < to; i += 50) {
      const messages = [];
      for (let j = i; j < Math.min(to, i + 50); j++) messages.push({ value: value(j) });
      await producer.send({ topic: TOPIC, acks: -1, messages });
    }
  } finally {
    await producer.disconnect();
  }
}

async function futureReplica(): Promise<{ current: string | null; future: string | null; lag: bigint }> {
  const admin = new KafkaAdmin({ bootstrapServers: [bootstrap()], clientId: 'describe-log-dirs' });
  try {
    const info = (await describeReplicaLogDirs(admin.cluster, [{ topic: TOPIC, partition: 0, brokerId: 1 }])).get(`${TOPIC}-0-1`)!;
    return { current: info.currentReplicaLogDir, future: info.futureReplicaLogDir, lag: info.futureReplicaOffsetLag };
  } finally {
    await admin.close();
  }
}

test('a partition moves to the other log dir under produce load, through a kill -9, and stays readable', async () => {
  const created = await runTool('kafka-topics', ['--bootstrap-server', bootstrap(), '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1', '--config', 'segment.bytes=65536']);
  assert.equal(created.stdout, `Created topic ${TOPIC}.\n`, created.stderr);
  await produceRange(0, BEFORE);
  const [from, to] = partitionEntries(dirA).includes(`${TOPIC}-0`) ? [dirA, dirB] : [dirB, dirA];
  assert.deepEqual(partitionEntries(to), []);

  const plan = join(workDir, 'plan.json');
  writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: TOPIC, partition: 0, replicas: [1], log_dirs: [to] }] }));
  const executed = await reassign(['--reassignment-json-file', plan, '--execute', '--replica-alter-log-dirs-throttle', '20000']);
  assert.deepEqual({ code: executed.code, stdout: executed.stdout }, {
    code: 0,
    stdout: [
      'Current partition replica assignment',
      '',
      `{"version":1,"partitions":[{"topic":"${TOPIC}","partition":0,"replicas":[1],"log_dirs":["any"]}]}`,
      '',
      'Save this to use as the --reassignment-json-file option during rollback',
      'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.',
      'The replica-alter-dir throttle limit was set to 20000 B/s',
      `Successfully started partition reassignment for ${TOPIC}-0`,
      `Successfully started log directory move for: ${TOPIC}-0-1`,
      '',
    ].join('\n'),
  }, executed.stderr);

  // Producers are accepted while the copy runs (paced at 20 kB/s, it needs far longer than this).
  await produceRange(BEFORE, BEFORE + DURING);
  const moving = await futureReplica();
  assert.equal(moving.current, from);
  assert.equal(moving.future, to);
  assert.ok(moving.lag > 0n, `the future replica lags (${moving.lag})`);
  const verifying = await reassign(['--reassignment-json-file', plan, '--verify']);
  assert.equal(verifying.stdout, `Status of partition reassignment:\nReassignment of partition ${TOPIC}-0 is complete.\nReassignment of replica ${TOPIC}-0-1 is still in progress.\n`, verifying.stderr);

  await waitFor('some of the copy done', async () => (await futureReplica()).lag < BigInt(BEFORE + DURING), 60_000);
  await processes.kill9(broker!);
  outputs.push(broker!.output());
  const left = partitionEntries(to);
  assert.equal(left.length, 1);
  assert.match(left[0]!, new RegExp(`^${TOPIC}-0\\.[0-9a-f]{32}-future$`));
  assert.deepEqual(partitionEntries(from), [`${TOPIC}-0`]);

  // The killed broker's registration goes with its session.
  await waitForRegistrationGone(zk.connectString, 1);
  broker = startBroker();
  await broker.started;
  // The restarted broker resumes the move from the -future log; lifting the throttle lets it finish.
  const lifted = await runTool('kafka-configs', ['--bootstrap-server', bootstrap(), '--alter', '--entity-type', 'brokers', '--entity-name', '1', '--add-config', 'replica.alter.log.dirs.io.max.bytes.per.second=100000000']);
  assert.equal(lifted.code, 0, lifted.stdout + lifted.stderr);
  const done = await waitFor('the move to complete', async () => {
    const run = await reassign(['--reassignment-json-file', plan, '--verify']);
    return run.stdout.includes('completed successfully') ? run : undefined;
  }, 120_000);
  assert.equal(done.stdout, [
    'Status of partition reassignment:',
    `Reassignment of partition ${TOPIC}-0 is complete.`,
    `Reassignment of replica ${TOPIC}-0-1 completed successfully.`,
    'Clearing broker-level throttles on broker 1',
    `Clearing topic-level throttles on topic ${TOPIC}`,
    '',
  ].join('\n'));
  assert.deepEqual(partitionEntries(to), [`${TOPIC}-0`]);
  await waitFor('the old copy deleted', () => partitionEntries(from).length === 0, 30_000);
  assert.deepEqual(await futureReplica(), { current: to, future: null, lag: -1n });

  await produceRange(BEFORE + DURING, BEFORE + DURING + AFTER);
  const total = BEFORE + DURING + AFTER;
  const expected = Array.from({ length: total }, (_, i) => value(i));
  const consumer = kafka('reader').consumer({ groupId: 'log-dir-move-reader' });
  await consumer.connect();
  const seen: string[] = [];
  try {
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('every record consumed', () => seen.length >= total, 60_000);
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen, expected);
  if (kcatAvailable) {
    const read = await kcat(['-C', '-b', bootstrap(), '-t', TOPIC, '-p', '0', '-o', 'beginning', '-e', '-q', '-f', '%s\n']);
    assert.equal(read.code, 0, read.stderr);
    assert.deepEqual(read.stdout.toString().split('\n').slice(0, -1), expected);
  }
});

test('a replica reassigned to another broker with a log dir named ends up in that dir there', async () => {
  const dir2 = processes.workDir('zkafka-log-dir-move-2-');
  const [c, d] = [join(dir2, 'logs-c'), join(dir2, 'logs-d')];
  const second = processes.spawn(dir2, [
    'broker.id=2', 'listeners=PLAINTEXT://127.0.0.1:0', `zookeeper.connect=${zk.connectString}`, `log.dirs=${c},${d}`,
    'offsets.topic.replication.factor=1', 'log.segment.delete.delay.ms=200', 'zookeeper.session.timeout.ms=4000',
  ], 60_000);
  await second.started;
  const topic = 'arriving';
  const created = await runTool('kafka-topics', ['--bootstrap-server', bootstrap(), '--create', '--topic', topic, '--replica-assignment', '1']);
  assert.equal(created.stdout, `Created topic ${topic}.\n`, created.stderr);
  const producer = kafka('arriving-producer').producer({ allowAutoTopicCreation: false });
  await producer.connect();
  const values = Array.from({ length: 300 }, (_, i) => `arriving-${i}`);
  for (let i = 0; i < values.length; i += 50) await producer.send({ topic, acks: -1, messages: values.slice(i, i + 50).map((value) => ({ value })) });
  await producer.disconnect();

  // Both dirs of broker 2 are empty: left to itself it would create the replica in the first one (c).
  const plan = join(dir2, 'arriving.json');
  writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic, partition: 0, replicas: [2], log_dirs: [d] }] }));
  const executed = await reassign(['--reassignment-json-file', plan, '--execute']);
  assert.equal(executed.code, 0, executed.stdout + executed.stderr);
  assert.ok(executed.stdout.endsWith(`Successfully started partition reassignment for ${topic}-0\nSuccessfully started log directory move for: ${topic}-0-2\n`), executed.stdout);
  const done = await waitFor('the reassignment and the dir move to complete', async () => {
    const run = await reassign(['--reassignment-json-file', plan, '--verify']);
    return run.stdout.includes(`Reassignment of partition ${topic}-0 is complete.\nReassignment of replica ${topic}-0-2 completed successfully.\n`) ? run : undefined;
  }, 120_000);
  assert.match(done.stdout, /Clearing broker-level throttles on brokers (1,2|2,1)\nClearing topic-level throttles on topic arriving\n$/);
  const there = (dir: string) => readdirSync(dir).filter((n) => n.startsWith(`${topic}-0`));
  assert.deepEqual(there(d), [`${topic}-0`]);
  await waitFor('nothing of it left in the other dir', () => there(c).length === 0, 30_000);
  const read = await runTool('kafka-console-consumer', ['--bootstrap-server', bootstrap(), '--topic', topic, '--from-beginning', '--max-messages', String(values.length), '--timeout-ms', '60000']);
  assert.deepEqual(read.stdout.split('\n').slice(0, -1), values, read.stderr);
});
