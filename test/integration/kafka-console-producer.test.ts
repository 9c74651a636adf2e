// console-producer and kafka-producer-perf-test as processes (bin/run.js) against a broker process of ours
// registered in our ZooKeeper: what they write is read back by kafkajs, kcat and our consumer; records written
// by kafkajs and kcat are read identically by our assign-mode consumer.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, Partitioners, CompressionTypes, type Producer as JsProducer } from 'kafkajs';
import { KafkaAdmin, KafkaConsumer, type ConsumerRecord } from '../../src/kafka/client/index.js';
import { BrokerProcesses, RUN_JS } from '../support/kafka-broker-process.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

let zk: OurZk;
const brokers = new BrokerProcesses();
let bootstrap = '';
let admin: KafkaAdmin;
let workDir = '';
const kafkajs = () => new Kafka({ clientId: 'console-producer-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 } });

before(async () => {
  zk = await startOurZooKeeper();
  workDir = brokers.workDir('zkafka-console-producer-');
  const broker = brokers.spawn(workDir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'auto.create.topics.enable=false', 'num.partitions=1', 'offsets.topic.replication.factor=1']);
  const { port } = await broker.started;
  bootstrap = `127.0.0.1:${port}`;
  admin = new KafkaAdmin({ bootstrapServers: bootstrap, retryBackoffMs: 50 });
});

after(async () => {
  await admin?.close();
  await brokers.cleanup();
  await zk?.stop();
});

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function runTool(args: readonly string[], input = ''): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
    child.stdin.end(input);
  });
}

async function createTopic(name: string, numPartitions: number): Promise<void> {
  await admin.createTopics([{ name, numPartitions, replicationFactor: 1 }]);
  for (const deadline = Date.now() + 10_000; ; ) {
    const [t] = await admin.describeTopics([name]).catch(() => [undefined]);
    if (t !== undefined && t.partitions.length === numPartitions && t.partitions.every((p) => p.leader === 1)) return;
    if (Date.now() > deadline) throw new Error(`topic ${name} has no leaders`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Every record of the topic's partitions through our consumer, as `partition|key|value|headers`, in offset order per partition. */
async function ourRecords(topic: string, partitions: number, count: number): Promise<string[]> {
  const consumer = new KafkaConsumer({ bootstrapServers: bootstrap, autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 });
  try {
    consumer.assign(Array.from({ length: partitions }, (_, partition) => ({ topic, partition })));
    const got: ConsumerRecord[] = [];
    for (const deadline = Date.now() + 20_000; got.length < count && Date.now() < deadline; ) got.push(...(await consumer.poll(200)));
    return got.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset)).map(line);
  } finally {
    await consumer.close();
  }
}

const line = (r: { partition: number; key: Buffer | null; value: Buffer | null; headers: { key: string; value: Buffer | null }[] }) =>
  `${r.partition}|${r.key === null ? '<null>' : r.key.toString()}|${r.value === null ? '<null>' : r.value.toString()}|${r.headers.map((h) => `${h.key}=${h.value === null ? '<null>' : h.value.toString()}`).join(',')}`;

async function kafkajsRecords(topic: string, count: number): Promise<string[]> {
  const consumer = kafkajs().consumer({ groupId: `read-${topic}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    const got: { partition: number; offset: bigint; text: string }[] = [];
    await consumer.run({
      eachMessage: async ({ partition, message }) => {
        const headers = Object.entries(message.headers ?? {}).map(([key, value]) => ({ key, value: value === undefined ? null : Buffer.from(value as Buffer) }));
        got.push({ partition, offset: BigInt(message.offset), text: line({ partition, key: message.key, value: message.value, headers }) });
      },
    });
    for (const deadline = Date.now() + 30_000; got.length < count && Date.now() < deadline; ) await new Promise((r) => setTimeout(r, 20));
    return got.sort((a, b) => a.partition - b.partition || Number(a.offset - b.offset)).map((g) => g.text);
  } finally {
    await consumer.disconnect();
  }
}

/** kcat's view: partition|key|value|headers (kcat prints headers as k=v,k=v). */
async function kcatRecords(topic: string): Promise<string[]> {
  const r = await kcat(['-b', bootstrap, '-C', '-t', topic, '-e', '-q', '-Z', '-f', '%p|%k|%s|%h\\n']);
  assert.equal(r.code, 0, r.stderr);
  const lines = r.stdout.toString().split('\n').filter((l) => l !== '');
  // kcat consumes partitions one after another; order within a partition is by offset.
  return lines.map((l) => l.replace(/\|NULL\|/g, '|<null>|')).sort((a, b) => Number(a.split('|')[0]) - Number(b.split('|')[0]));
}

/** The partition kafkajs's Java-compatible partitioner gives a key on a topic of `partitions` partitions. */
function javaPartition(topic: string, key: string, partitions: number): number {
  const partitioner = Partitioners.JavaCompatiblePartitioner();
  const partitionMetadata = Array.from({ length: partitions }, (_, partitionId) => ({ partitionId, leader: 1, replicas: [1], isr: [1], partitionErrorCode: 0 }));
  return partitioner({ topic, partitionMetadata, message: { key, value: '' } });
}

test('keyed lines with headers: kafkajs, kcat and our consumer read the same records, keys on their Java partitions', async () => {
  await createTopic('cp-keys', 3);
  const input = Array.from({ length: 30 }, (_, i) => `source:cli,n:${i}\tkey-${i % 7}\tvalue ${i}`).join('\n') + '\n';
  const run = await runTool(['console-producer', '--bootstrap-server', bootstrap, '--topic', 'cp-keys', '--property', 'parse.key=true', '--property', 'parse.headers=true'], input);
  assert.equal(run.code, 0, run.stderr);
  assert.equal(run.stdout, '', 'no prompt when stdin is a pipe');
  const expected = Array.from({ length: 30 }, (_, i) => ({ p: javaPartition('cp-keys', `key-${i % 7}`, 3), text: `key-${i % 7}|value ${i}|source=cli,n=${i}` }))
    .sort((a, b) => a.p - b.p)
    .map((e) => `${e.p}|${e.text}`);
  // Stable sort: per partition, send order is offset order.
  assert.deepEqual(await ourRecords('cp-keys', 3, 30), expected);
  assert.deepEqual(await kafkajsRecords('cp-keys', 30), expected);
  if (kcatAvailable) assert.deepEqual(await kcatRecords('cp-keys'), expected);
});

test('reader properties: key.separator, headers separators, null.marker and ignore.error', async () => {
  await createTopic('cp-props', 1);
  const input = ['h1=a;h2=NUL##k1##v1', 'h1=b##NUL##v2', 'NUL##k3##NUL', 'no separators here'].join('\n');
  const run = await runTool(
    ['console-producer', '--bootstrap-server', bootstrap, '--topic', 'cp-props', '--property', 'parse.key=true', '--property', 'key.separator=##', '--property', 'parse.headers=true',
      '--property', 'headers.delimiter=##', '--property', 'headers.separator=;', '--property', 'headers.key.separator==', '--property', 'null.marker=NUL', '--property', 'ignore.error=true'],
    input,
  );
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(await ourRecords('cp-props', 1, 4), ['0|k1|v1|h1=a,h2=<null>', '0|<null>|v2|h1=b', '0|k3|<null>|', '0|<null>|no separators here|']);
});

test('a line without its key separator ends the tool with Kafka\'s message and exit code 1', async () => {
  await createTopic('cp-nokey', 1);
  const run = await runTool(['console-producer', '--bootstrap-server', bootstrap, '--topic', 'cp-nokey', '--property', 'parse.key=true'], 'k\tv\nnokey\n');
  assert.equal(run.code, 1);
  assert.equal(run.stderr, 'org.apache.kafka.common.KafkaException: No key found on line 2: nokey\n');
  assert.deepEqual(await ourRecords('cp-nokey', 1, 1), ['0|k|v|'], 'the line before it was sent');
});

test('--sync and every compression codec: values arrive in order, read by kcat and our consumer', async () => {
  for (const codec of ['none', 'gzip', 'snappy', 'lz4', 'zstd', '']) {
    const topic = `cp-codec-${codec || 'bare'}`;
    await createTopic(topic, 1);
    const values = Array.from({ length: 200 }, (_, i) => `${codec} line ${i} ${'x'.repeat(i % 50)}`);
    const args = ['kafka-console-producer', '--broker-list', bootstrap, '--topic', topic, '--compression-codec', ...(codec ? [codec] : [])];
    // --sync waits for each record's answer, and a record waits linger.ms (--timeout, 1000 by default) as in Kafka.
    if (codec === 'gzip') args.push('--sync', '--timeout', '5');
    const run = await runTool(args, values.join('\n') + '\n');
    assert.equal(run.code, 0, `${codec}: ${run.stderr}`);
    const expected = values.map((v) => `0|<null>|${v}|`);
    assert.deepEqual(await ourRecords(topic, 1, 200), expected, codec);
    if (kcatAvailable) assert.deepEqual(await kcatRecords(topic), expected, codec);
  }
});

test('a topic that cannot be produced to (auto-create off): each record is reported and the exit code is 1', async () => {
  const run = await runTool(['console-producer', '--bootstrap-server', bootstrap, '--topic', 'cp-missing', '--max-block-ms', '500'], 'lost\n');
  assert.equal(run.code, 1);
  assert.match(
    run.stderr,
    /^\[\d{4}-\d\d-\d\d \d\d:\d\d:\d\d,\d{3}\] ERROR Error when sending message to topic cp-missing with key: null, value: 4 bytes with error: \(org\.apache\.kafka\.clients\.producer\.internals\.ErrorLoggingCallback\)\norg\.apache\.kafka\.common\.errors\.TimeoutException: Topic cp-missing not present in metadata after 500 ms\.\n$/,
  );
});

test('option errors: Kafka\'s one-line message, the usage table, exit code 1; --version', async () => {
  const missing = await runTool(['console-producer', '--bootstrap-server', bootstrap]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /^Missing required argument "\[topic\]"\nThis tool helps to read data from standard input and publish it to Kafka\.\nOption +Description +\n------ +----------- +\n/);
  const unknown = await runTool(['console-producer', '--bootstrap-server', bootstrap, '--topic', 't', '--nope']);
  assert.equal(unknown.code, 1);
  assert.match(unknown.stderr, /^nope is not a recognized option\n/);
  const badCodec = await runTool(['console-producer', '--bootstrap-server', bootstrap, '--topic', 't', '--compression-codec', 'brotli']);
  assert.equal(badCodec.code, 1);
  assert.equal(badCodec.stderr, 'org.apache.kafka.common.config.ConfigException: Invalid value brotli for configuration compression.type: String must be one of: none, gzip, snappy, lz4, zstd\n');
  const version = await runTool(['console-producer', '--version']);
  assert.equal(version.code, 0);
  assert.match(version.stdout, /^2\.8\.2 /);
});

test('records written by kafkajs and by kcat are read by our assign-mode consumer as they read them back', async () => {
  await createTopic('cp-foreign', 2);
  const producer: JsProducer = kafkajs().producer({ createPartitioner: Partitioners.JavaCompatiblePartitioner });
  await producer.connect();
  try {
    await producer.send({
      topic: 'cp-foreign',
      compression: CompressionTypes.GZIP,
      messages: Array.from({ length: 20 }, (_, i) => ({ key: `js-${i % 5}`, value: `from kafkajs ${i}`, headers: { origin: 'kafkajs', i: String(i) } })),
    });
  } finally {
    await producer.disconnect();
  }
  let count = 20;
  if (kcatAvailable) {
    const r = await kcat(['-b', bootstrap, '-P', '-t', 'cp-foreign', '-p', '1', '-K', ':', '-H', 'origin=kcat', '-z', 'lz4'], Array.from({ length: 10 }, (_, i) => `kc-${i}:from kcat ${i}`).join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    count += 10;
  }
  const ours = await ourRecords('cp-foreign', 2, count);
  const sentByKafkajs = Array.from({ length: 20 }, (_, i) => ({ p: javaPartition('cp-foreign', `js-${i % 5}`, 2), text: `js-${i % 5}|from kafkajs ${i}|origin=kafkajs,i=${i}` }))
    .sort((a, b) => a.p - b.p)
    .map((e) => `${e.p}|${e.text}`);
  assert.deepEqual(ours.filter((l) => l.includes('from kafkajs')), sentByKafkajs);
  if (kcatAvailable) assert.deepEqual(ours, await kcatRecords('cp-foreign'));
  if (kcatAvailable) assert.deepEqual(ours.filter((l) => l.includes('from kcat')), Array.from({ length: 10 }, (_, i) => `1|kc-${i}|from kcat ${i}|origin=kcat`));
});

test('kafka-producer-perf-test prints Kafka\'s total line (and reads payload files)', async () => {
  await createTopic('perf', 1);
  const run = await runTool(['kafka-producer-perf-test', '--topic', 'perf', '--num-records', '3000', '--record-size', '100', '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1']);
  assert.equal(run.code, 0, run.stderr);
  const total = /^3000 records sent, \d+\.\d{6} records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d{2} ms avg latency, \d+\.\d{2} ms max latency, \d+ ms 50th, \d+ ms 95th, \d+ ms 99th, \d+ ms 99\.9th\.\n$/m;
  assert.match(run.stdout, total);
  const window = /^\d+ records sent, \d+\.\d records\/sec \(\d+\.\d{2} MB\/sec\), \d+\.\d ms avg latency, \d+\.\d ms max latency\.$/;
  for (const l of run.stdout.trimEnd().split('\n').slice(0, -1)) assert.match(l, window);
  const values = (await ourRecords('perf', 1, 3000)).map((l) => l.split('|')[2]!);
  assert.equal(values.length, 3000);
  assert.ok(values.every((v) => /^[A-Z]{100}$/.test(v)));

  const payloads = join(workDir, 'payloads.txt');
  writeFileSync(payloads, 'alpha;beta;gamma');
  const fromFile = await runTool(['kafka-producer-perf-test', '--topic', 'perf', '--num-records', '50', '--payload-file', payloads, '--payload-delimiter', ';', '--throughput', '1000', '--producer-props', `bootstrap.servers=${bootstrap}`]);
  assert.equal(fromFile.code, 0, fromFile.stderr);
  assert.match(fromFile.stdout, /^Reading payloads from: .*payloads\.txt\nNumber of messages read: 3\n50 records sent, /);
  const missing = await runTool(['kafka-producer-perf-test', '--topic', 'perf', '--num-records', '5', '--throughput', '-1', '--producer-props', `bootstrap.servers=${bootstrap}`]);
  assert.equal(missing.code, 1);
  assert.match(missing.stderr, /\nproducer-performance: error: one of the arguments --record-size --payload-file is required\n$/);
});
