// Transactions end to end, with unmodified clients against three real broker processes on our ZooKeeper: kafkajs's
// transactional producer commits and aborts across partitions and sends a group's offsets inside a transaction;
// read_committed readers (a kafkajs consumer group, kcat/librdkafka, our console-consumer) see exactly the committed
// records in order, read_uncommitted readers see the aborted ones too, and the group's committed offsets are those of
// the committed transactions. A transaction the producer abandons is aborted by the coordinator once it times out,
// and a partition leader killed with SIGKILL mid-transaction loses nothing.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { BrokerProcesses, waitFor, waitForRegistrationGone, type BrokerProcess } from '../support/kafka-broker-process.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';
import { runToolBytes } from '../support/run-tool.js';

const { Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;

const BROKER_IDS = [1, 2, 3];
const TOPIC = 'txn-data';
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: 6000, replicaLagTimeMaxMs: 5000 }),
  'transaction.state.log.num.partitions=3',
  'transaction.state.log.replication.factor=3',
  'transaction.state.log.min.isr=2',
  'transaction.abort.timed.out.transaction.cleanup.interval.ms=500',
];

let zkServer: OurZk;
const processes = new BrokerProcesses();
const brokers = new Map<number, { dir: string; port: number; process?: BrokerProcess }>();
let client: Kafka;

const bootstrap = () => [...brokers.values()].map((b) => `127.0.0.1:${b.port}`);

async function startBroker(id: number): Promise<void> {
  const b = brokers.get(id)!;
  b.process = processes.spawn(b.dir, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${b.port}`, `zookeeper.connect=${zkServer.connectString}`, ...COMMON], 60_000);
  await b.process.started;
}

// Retries for about 30 s. When the killed broker also coordinates the transaction, the commit waits for that broker's
// ZooKeeper session (6 s) to expire and a new coordinator to take the transaction; in one run the commit still met the
// dead broker's refused connection after 12 retries (about 10 s).
function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap(), logLevel: logLevel.NOTHING, retry: { retries: 32, initialRetryTime: 100, maxRetryTime: 1000 } });
}

/** Every record of a partition as kcat prints its value, under the given isolation level (librdkafka's default is read_committed). */
async function kcatValues(partition: number, isolation: 'read_committed' | 'read_uncommitted'): Promise<string[]> {
  const run = await kcat(['-b', bootstrap().join(','), '-C', '-t', TOPIC, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-X', `isolation.level=${isolation}`, '-f', '%s\\n']);
  assert.equal(run.code, 0, run.stderr);
  return run.stdout.toString().split('\n').filter((l) => l !== '');
}

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  for (const id of BROKER_IDS) brokers.set(id, { dir: processes.workDir('zkafka-txn-'), port: await freePort() });
  await Promise.all(BROKER_IDS.map(startBroker));
  client = kafka('txn-admin');
  const admin = client.admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: TOPIC, numPartitions: 3, replicationFactor: 3 }, { topic: 'source', numPartitions: 1, replicationFactor: 3 }], waitForLeaders: true });
  // __consumer_offsets is created by the first group lookup; until its leaders have taken their partitions the group
  // coordinator answers NOT_COORDINATOR, which kafkajs's sendOffsets retries only for a moment. The transactions below
  // start once the group's coordinator answers.
  await waitFor('the coordinator of txn-group', async () => {
    try {
      await admin.fetchOffsets({ groupId: 'txn-group', topics: ['source'] });
      return true;
    } catch {
      return false;
    }
  }, 30_000);
  await admin.disconnect();
});

after(async () => {
  await processes.cleanup();
  await zkServer?.stop();
});

const committed = (tag: string) => [0, 1, 2].map((p) => ({ partition: p, value: `${tag}-${p}` }));

test('kafkajs commits and aborts transactions; read_committed readers see only what was committed', async () => {
  const producer = kafka('txn-producer').producer({ transactionalId: 'txn-e2e', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const run = async (tag: string, commit: boolean, offset?: string) => {
    const txn = await producer.transaction();
    await txn.send({ topic: TOPIC, messages: committed(tag).map((m) => ({ partition: m.partition, value: m.value })) });
    if (offset !== undefined) await txn.sendOffsets({ consumerGroupId: 'txn-group', topics: [{ topic: 'source', partitions: [{ partition: 0, offset }] }] });
    await (commit ? txn.commit() : txn.abort());
  };
  await run('c1', true);
  await run('a1', false, '99');
  await run('c2', true, '42');
  await run('a2', false, '77');
  await producer.disconnect();

  const admin = client.admin();
  await admin.connect();
  const offsets = await admin.fetchOffsets({ groupId: 'txn-group', topics: ['source'] });
  await admin.disconnect();
  assert.deepEqual(offsets[0]!.partitions.map((p) => [p.partition, p.offset]), [[0, '42']]);

  if (kcatAvailable) {
    for (const p of [0, 1, 2]) {
      assert.deepEqual(await kcatValues(p, 'read_committed'), [`c1-${p}`, `c2-${p}`]);
      assert.deepEqual(await kcatValues(p, 'read_uncommitted'), [`c1-${p}`, `a1-${p}`, `c2-${p}`, `a2-${p}`]);
    }
  }

  // A kafkajs consumer group reads committed data only (read_committed is its default).
  const consumer = kafka('txn-consumer').consumer({ groupId: 'txn-readers' });
  await consumer.connect();
  await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
  const seen = new Map<number, string[]>([[0, []], [1, []], [2, []]]);
  let total = 0;
  await consumer.run({ eachMessage: async ({ partition, message }) => { seen.get(partition)!.push(message.value!.toString()); total++; } });
  await waitFor('the consumer group to read every committed record', () => total >= 6, 30_000);
  await consumer.disconnect();
  for (const p of [0, 1, 2]) assert.deepEqual(seen.get(p), [`c1-${p}`, `c2-${p}`]);

  // Our console-consumer: read_committed filters, read_uncommitted (Kafka's default) does not; markers never print.
  const base = ['console-consumer', '--bootstrap-server', bootstrap()[0]!, '--topic', TOPIC, '--partition', '1', '--offset', 'earliest', '--timeout-ms', '5000'];
  const rc = await runToolBytes([...base, '--max-messages', '2', '--isolation-level', 'read_committed']);
  assert.equal(rc.stdout.toString(), 'c1-1\nc2-1\n');
  const ru = await runToolBytes([...base, '--max-messages', '4']);
  assert.equal(ru.stdout.toString(), 'c1-1\na1-1\nc2-1\na2-1\n');
});

test('an abandoned transaction is aborted when it times out, and holds back read_committed readers until then', async () => {
  const abandoned = kafka('txn-abandoned').producer({ transactionalId: 'txn-abandoned', idempotent: true, maxInFlightRequests: 1, transactionTimeout: 10_000 });
  await abandoned.connect();
  const open = await abandoned.transaction();
  await open.send({ topic: TOPIC, messages: [{ partition: 2, value: 'lost-2' }] });
  await abandoned.disconnect();

  const other = kafka('txn-other').producer({ transactionalId: 'txn-other', idempotent: true, maxInFlightRequests: 1 });
  await other.connect();
  const txn = await other.transaction();
  await txn.send({ topic: TOPIC, messages: [{ partition: 2, value: 'after-2' }] });
  await txn.commit();
  await other.disconnect();

  if (!kcatAvailable) return;
  // The open transaction pins the last stable offset: its records and everything after stay invisible...
  assert.deepEqual(await kcatValues(2, 'read_committed'), ['c1-2', 'c2-2']);
  // ...until the coordinator aborts it, when the later commit shows and the abandoned record never does.
  await waitFor('the timed-out transaction to be aborted', async () => (await kcatValues(2, 'read_committed')).includes('after-2'), 30_000);
  assert.deepEqual(await kcatValues(2, 'read_committed'), ['c1-2', 'c2-2', 'after-2']);
  assert.deepEqual(await kcatValues(2, 'read_uncommitted'), ['c1-2', 'a1-2', 'c2-2', 'a2-2', 'lost-2', 'after-2']);
});

test('a partition leader killed with SIGKILL mid-transaction: the commit completes and nothing is lost', async () => {
  const admin = client.admin();
  await admin.connect();
  const meta = await admin.fetchTopicMetadata({ topics: [TOPIC] });
  await admin.disconnect();
  const leader0 = meta.topics[0]!.partitions.find((p) => p.partitionId === 0)!.leader;

  const producer = kafka('txn-kill').producer({ transactionalId: 'txn-kill', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const txn = await producer.transaction();
  await txn.send({ topic: TOPIC, messages: committed('k').map((m) => ({ partition: m.partition, value: m.value })) });
  const victim = brokers.get(leader0)!;
  victim.process!.child.kill('SIGKILL');
  await waitFor('the killed broker to exit', () => victim.process!.child.exitCode !== null || victim.process!.child.signalCode !== null);
  await txn.commit();
  await producer.disconnect();
  // As with Kafka, a broker restarted before its old session expired finds its registration taken and exits.
  await waitForRegistrationGone(zkServer.connectString, leader0);
  await startBroker(leader0);

  if (!kcatAvailable) return;
  for (const p of [0, 1, 2]) {
    await waitFor(`partition ${p} to show the committed transaction`, async () => (await kcatValues(p, 'read_committed')).includes(`k-${p}`), 30_000);
    assert.deepEqual(await kcatValues(p, 'read_committed'), [`c1-${p}`, `c2-${p}`, ...(p === 2 ? ['after-2'] : []), `k-${p}`]);
  }
});
