// A compacted topic cleaned by a real broker process and read by unmodified clients: an idempotent kafkajs producer
// whose every record a later producer overwrites keeps its last batch in the log as an empty batch (so its sequence
// survives), a committed and an aborted kafkajs transaction leave their markers, and kcat (librdkafka), a kafkajs
// consumer and our console-consumer all read the cleaned partition to its end: the latest value of every key, the
// committed transaction's record, nothing of the aborted one.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel, type Producer } from 'kafkajs';
import { RecordBatchView } from '../../src/kafka/protocol/records/index.js';
import { BrokerProcesses, waitFor } from '../support/kafka-broker-process.js';
import { readStoredBatches } from '../support/kafka-log.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool } from '../support/run-tool.js';

const TOPIC = 'compacted';
const KEYS = ['k0', 'k1', 'k2', 'k3', 'k4'];
let zk: OurZk;
const processes = new BrokerProcesses();
let dir: string;
let bootstrap: string;
let kafka: Kafka;

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Where the cleaner says its next pass starts in the partition, or -1 before its first pass. */
function cleanedUpTo(): number {
  const file = join(dir, 'kafka-logs', 'cleaner-offset-checkpoint');
  if (!existsSync(file)) return -1;
  const line = readFileSync(file, 'utf8').split('\n').find((l) => l.startsWith(`${TOPIC} 0 `));
  return line === undefined ? -1 : Number(line.split(' ')[2]);
}

async function send(producer: Producer, messages: { key: string; value: string }[]): Promise<void> {
  await producer.send({ topic: TOPIC, acks: -1, messages });
}

before(async () => {
  zk = await startOurZooKeeper();
  dir = processes.workDir();
  const broker = processes.spawn(dir, [
    'broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=1',
    'transaction.state.log.num.partitions=1', 'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1',
    'group.initial.rebalance.delay.ms=0', 'log.cleaner.backoff.ms=50',
  ], 60_000);
  bootstrap = `127.0.0.1:${(await broker.started).port}`;
  const created = await runTool('kafka-topics', [
    '--bootstrap-server', bootstrap, '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1',
    '--config', 'cleanup.policy=compact', '--config', 'segment.ms=100', '--config', 'min.cleanable.dirty.ratio=0.01',
  ]);
  assert.equal(created.stdout, `Created topic ${TOPIC}.\n`, created.stderr);
  kafka = new Kafka({ clientId: 'compaction-test', brokers: [bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 1000 } });

  const first = kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
  await first.connect();
  await send(first, KEYS.map((key) => ({ key, value: 'first' })));
  await first.disconnect();

  const transactional = kafka.producer({ transactionalId: 'compaction-txn', idempotent: true, maxInFlightRequests: 1 });
  await transactional.connect();
  const committed = await transactional.transaction();
  await committed.send({ topic: TOPIC, acks: -1, messages: [{ key: 'committed', value: 'yes' }] });
  await committed.commit();
  const aborted = await transactional.transaction();
  await aborted.send({ topic: TOPIC, acks: -1, messages: [{ key: 'aborted', value: 'no' }] });
  await aborted.abort();
  await transactional.disconnect();

  const second = kafka.producer();
  await second.connect();
  await sleep(150); // segment.ms: the next append rolls
  await send(second, KEYS.map((key) => ({ key, value: 'second' })));
  await sleep(150);
  await send(second, [{ key: 'last', value: 'x' }]); // rolls again: everything before it may be cleaned
  await second.disconnect();
  const lastOffset = KEYS.length + 4 + KEYS.length; // first's batch, two transactions with their markers, second's batch
  await waitFor('a cleaning pass up to the last record', async () => cleanedUpTo() >= lastOffset, 60_000);
});

after(async () => {
  await processes.cleanup();
  await zk?.stop();
});

const EXPECTED = ['committed=yes', ...KEYS.map((k) => `${k}=second`), 'last=x'].sort();

test('the cleaned log keeps each producer\'s last batch, empty once none of its records is left; no aborted record', () => {
  const batches = readStoredBatches(join(dir, 'kafka-logs', `${TOPIC}-0`)).map((b) => new RecordBatchView(b.bytes, 0));
  const empty = batches.filter((v) => v.recordCount === 0).map((v) => [v.baseOffset, v.lastOffset, v.baseSequence, v.isTransactional]);
  assert.deepEqual(empty, [
    [0, KEYS.length - 1, 0, false], // the first producer's batch, every record overwritten
    [KEYS.length + 2, KEYS.length + 2, 1, true], // the aborted transaction's batch, the transactional producer's last
  ]);
  assert.deepEqual(batches.filter((v) => v.isControl).map((v) => v.baseOffset), [KEYS.length + 1, KEYS.length + 3],
    'both transaction markers are still there (newer than delete.retention.ms)');
});

test('kcat (librdkafka) reads the cleaned partition to its end', { skip: !kcatAvailable && 'kcat is not installed' }, async () => {
  const run = await kcat(['-C', '-b', bootstrap, '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%k=%s\\n', '-X', 'isolation.level=read_committed']);
  assert.equal(run.code, 0, run.stderr);
  assert.deepEqual(run.stdout.toString().split('\n').filter(Boolean).sort(), EXPECTED);
});

test('a kafkajs consumer reads the cleaned partition to its end', async () => {
  const consumer = kafka.consumer({ groupId: 'compaction-readers' });
  const seen: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(`${message.key}=${message.value}`) });
    await waitFor('every record read', async () => seen.length >= EXPECTED.length || undefined, 60_000);
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen.sort(), EXPECTED);
});

test('our console-consumer reads the cleaned partition to its end', async () => {
  const run = await runTool('console-consumer', [
    '--bootstrap-server', bootstrap, '--topic', TOPIC, '--from-beginning', '--max-messages', String(EXPECTED.length),
    '--isolation-level', 'read_committed', '--property', 'print.key=true', '--property', 'key.separator==',
  ]);
  assert.deepEqual(run.stdout.split('\n').filter(Boolean).sort(), EXPECTED, run.stderr);
  assert.match(run.stderr, new RegExp(`Processed a total of ${EXPECTED.length} messages`));
});
