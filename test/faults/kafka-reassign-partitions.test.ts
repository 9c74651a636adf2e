// Partition reassignment and leader election with real processes: our ZooKeeper and four of our brokers, driven by
// bin/kafka-reassign-partitions.sh and bin/kafka-leader-election.sh. A busy replication-factor-3 topic (kafkajs
// producing a numbered sequence with acks=all, kcat — or a kafkajs consumer — reading throughout) gets a replica on
// the fourth broker and loses its leader's replica; --verify reports both done and clears the throttles; every
// acknowledged record is read once and in order, the new replica stores the leader's batches and the removed
// replicas' directories are gone. A reassignment to a broker that stops answering stays in progress (--list,
// --verify, --execute without --additional, --cancel); --zookeeper mode goes through /admin/reassign_partitions.
// Each tool's output is compared line for line with what Kafka 2.8 prints. ZKAFKA_KEEP_BROKER_OUTPUT=<dir> keeps every
// broker's output there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { ZkPaths, decodeConfigEntity } from '../../src/kafka/zk/zk-data.js';
import { connectZooKeeper, NoNodeError, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { readStoredBatches } from '../support/kafka-log.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { kcatAvailable } from '../support/kcat.js';
import { runShim, type ToolRun } from '../support/run-tool.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const { Kafka, logLevel } = kafkajs;

const BROKER_IDS = [1, 2, 3, 4];
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: 6000, replicaLagTimeMaxMs: 10000 }),
  'auto.leader.rebalance.enable=false',
];

let zkServer: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const brokers = new Map<number, { dir: string; port: number; process?: BrokerProcess }>();
let workDir: string;

const bootstrap = () => [...brokers.values()].map((b) => `127.0.0.1:${b.port}`).join(',');

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  workDir = processes.workDir('zkafka-reassign-files-');
  for (const id of BROKER_IDS) brokers.set(id, { dir: processes.workDir('zkafka-reassign-'), port: await freePort() });
  await Promise.all(
    BROKER_IDS.map(async (id) => {
      const b = brokers.get(id)!;
      b.process = processes.spawn(b.dir, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${b.port}`, `zookeeper.connect=${zkServer.connectString}`, ...COMMON], 60_000);
      await b.process.started;
    }),
  );
  await waitFor('four brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 4, 60_000);
});

after(async () => {
  if (process.env.ZKAFKA_KEEP_BROKER_OUTPUT) {
    for (const [id, b] of brokers) writeFileSync(join(process.env.ZKAFKA_KEEP_BROKER_OUTPUT, `broker-${id}.log`), b.process?.output() ?? '');
  }
  for (const b of brokers.values()) if (b.process?.child.signalCode === null) b.process.child.kill('SIGCONT');
  await processes.cleanup();
  await zk?.close();
  await zkServer?.stop();
});

function kafka(clientId: string) {
  return new Kafka({ clientId, brokers: bootstrap().split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
}

async function createTopic(topic: string, assignment: number[][]): Promise<void> {
  const admin = kafka('admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, replicaAssignment: assignment.map((replicas, partition) => ({ partition, replicas })) }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  for (let p = 0; p < assignment.length; p++) {
    await waitFor(`${topic}-${p} in sync`, async () => (await kafkaZk.getPartitionState(topic, p))?.state.isr.length === assignment[p]!.length, 60_000);
  }
}

function jsonFile(name: string, doc: unknown): string {
  const path = join(workDir, name);
  writeFileSync(path, typeof doc === 'string' ? doc : JSON.stringify(doc));
  return path;
}

const reassign = (args: string[]): Promise<ToolRun> => runShim('kafka-reassign-partitions.sh', args, 120_000);
const elect = (args: string[], servers = bootstrap()): Promise<ToolRun> => runShim('kafka-leader-election.sh', ['--bootstrap-server', servers, ...args], 120_000);

function assertRun(run: ToolRun, code: number, stdout: string, stderr = ''): void {
  assert.deepEqual({ code: run.code, stdout: run.stdout, stderr: run.stderr }, { code, stdout, stderr });
}

const plan = (partitions: { topic: string; partition: number; replicas: number[] }[]) => ({ version: 1, partitions });
const asJson = (partitions: { topic: string; partition: number; replicas: number[] }[]) =>
  JSON.stringify({ version: 1, partitions: partitions.map((p) => ({ ...p, log_dirs: p.replicas.map(() => 'any') })) });

/** The batches of a partition on one broker, as stored: base offset and bytes, in log order. */
function storedBatches(brokerId: number, topic: string, partition: number): string[] {
  const dir = join(brokers.get(brokerId)!.dir, 'kafka-logs', `${topic}-${partition}`);
  if (!existsSync(dir)) return [];
  return readStoredBatches(dir).map((b) => `${b.baseOffset}:${b.bytes.toString('base64')}`);
}

/** Any directory of the partition on the broker, live or renamed for deletion. */
function partitionDirs(brokerId: number, topic: string, partition: number): string[] {
  const logs = join(brokers.get(brokerId)!.dir, 'kafka-logs');
  return readdirSync(logs).filter((d) => d === `${topic}-${partition}` || d.startsWith(`${topic}-${partition}.`));
}

async function configOf(entity: 'topics' | 'brokers', name: string): Promise<Record<string, string>> {
  try {
    return decodeConfigEntity((await zk.getData(ZkPaths.configEntity(entity, name))).data ?? Buffer.alloc(0));
  } catch (err) {
    if (err instanceof NoNodeError) return {};
    throw err;
  }
}

/** A consumer reading every partition of `topic` from the beginning until stopped: kcat when installed, else kafkajs. */
function startConsumer(topic: string): { read(): Map<number, string[]>; stop(): Promise<void> } {
  const read = new Map<number, string[]>();
  const add = (partition: number, value: string) => read.set(partition, [...(read.get(partition) ?? []), value]);
  if (kcatAvailable) {
    const child = spawn('kcat', ['-C', '-b', bootstrap(), '-t', topic, '-o', 'beginning', '-u', '-q', '-f', '%p %s\\n'], { stdio: ['ignore', 'pipe', 'pipe'] });
    let pending = '';
    child.stdout.on('data', (d: Buffer) => {
      pending += d.toString();
      const lines = pending.split('\n');
      pending = lines.pop()!;
      for (const line of lines) {
        const [p, v] = line.split(' ');
        add(Number(p), v!);
      }
    });
    const exited = new Promise<void>((resolve) => child.on('close', () => resolve()));
    return { read: () => read, stop: async () => (child.kill('SIGTERM'), await exited) };
  }
  const consumer = kafka('reassign-consumer').consumer({ groupId: 'reassign-reader' });
  const running = (async () => {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => {
        add(partition, message.value!.toString());
      } });
  })();
  return { read: () => read, stop: async () => (await running, await consumer.disconnect()) };
}

test('a busy rf=3 topic gets a replica on a fourth broker and loses its leader on another: no acknowledged record lost or repeated, the new replica holds the leader\'s batches, the removed ones are deleted', async () => {
  const topic = 'busy';
  await createTopic(topic, [[1, 2, 3], [2, 3, 1]]);
  const producer = kafka('busy-producer').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  const acked = new Map<number, string[]>([[0, []], [1, []]]);
  let stop = false;
  let failures = 0;
  // Ten numbered records per send, the partitions taking turns; a send is acknowledged (or not) as a whole.
  const producing = (async () => {
    for (let i = 0; !stop; i += 10) {
      const partition = (i / 10) % 2;
      const values = Array.from({ length: 10 }, (_, j) => `n-${i + j}`);
      try {
        await producer.send({ topic, acks: -1, messages: values.map((value) => ({ value, partition })) });
        acked.get(partition)!.push(...values);
      } catch {
        failures++;
      }
    }
  })();
  const consumer = startConsumer(topic);
  const ackedCount = () => acked.get(0)!.length + acked.get(1)!.length;
  try {
    await waitFor('records flowing', () => ackedCount() >= 300, 120_000);
    const target = [
      { topic, partition: 0, replicas: [1, 2, 4] },
      { topic, partition: 1, replicas: [3, 1, 4] },
    ];
    const file = jsonFile('busy.json', plan(target));
    const executed = await reassign(['--bootstrap-server', bootstrap(), '--reassignment-json-file', file, '--execute', '--throttle', '50000000']);
    assertRun(
      executed,
      0,
      'Current partition replica assignment\n\n' +
        `${asJson([{ topic, partition: 0, replicas: [1, 2, 3] }, { topic, partition: 1, replicas: [2, 3, 1] }])}\n\n` +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Warning: You must run --verify periodically, until the reassignment completes, to ensure the throttle is removed.\n' +
        'The inter-broker throttle limit was set to 50000000 B/s\n' +
        'Successfully started partition reassignments for busy-0,busy-1\n',
    );
    // The throttles as Kafka sets them: sources on the leader side, new replicas on the follower side, rates on every broker involved.
    assert.deepEqual(await configOf('topics', topic), { 'leader.replication.throttled.replicas': '0:1,0:2,0:3,1:1,1:2,1:3', 'follower.replication.throttled.replicas': '0:4,1:4' });
    for (const id of BROKER_IDS) assert.deepEqual(await configOf('brokers', String(id)), { 'leader.replication.throttled.rate': '50000000', 'follower.replication.throttled.rate': '50000000' });

    const verified = await waitFor(
      'the reassignment to complete',
      async () => {
        const run = await reassign(['--bootstrap-server', bootstrap(), '--reassignment-json-file', file, '--verify']);
        // Also while the controller has finished but the broker answering Metadata has not yet had its UpdateMetadata:
        // the tool then reports the old replica set, as Kafka's does.
        return run.stdout.includes('still in progress') || run.stdout.includes('There is no active reassignment') ? undefined : run;
      },
      120_000,
    );
    assertRun(
      verified,
      0,
      'Status of partition reassignment:\n' +
        'Reassignment of partition busy-0 is complete.\n' +
        'Reassignment of partition busy-1 is complete.\n' +
        '\n' +
        'Clearing broker-level throttles on brokers 1,2,3,4\n' +
        'Clearing topic-level throttles on topic busy\n',
    );
    assert.deepEqual(await configOf('topics', topic), {});
    for (const id of BROKER_IDS) assert.deepEqual(await configOf('brokers', String(id)), {});
    const s0 = (await kafkaZk.getPartitionState(topic, 0))!.state;
    const s1 = (await kafkaZk.getPartitionState(topic, 1))!.state;
    assert.equal(s0.leader, 1, 'busy-0 keeps its leader');
    assert.equal(s1.leader, 3, 'busy-1 leadership moved off broker 2 to the first target replica');
    assert.deepEqual([...s0.isr].sort(), [1, 2, 4]);
    assert.deepEqual([...s1.isr].sort(), [1, 3, 4]);
    const assignment = (await kafkaZk.getTopicAssignment(topic))!.partitions;
    assert.deepEqual([...assignment].map(([p, a]) => [p, a.replicas, a.addingReplicas, a.removingReplicas]), [[0, [1, 2, 4], [], []], [1, [3, 1, 4], [], []]]);

    const before = ackedCount();
    await waitFor('more records after the move', () => ackedCount() >= before + 300, 120_000);
  } finally {
    stop = true;
    await producing;
    await producer.disconnect();
  }
  try {
    for (const p of [0, 1]) {
      const want = acked.get(p)!;
      await waitFor(`busy-${p} read to the last acknowledged record`, () => (consumer.read().get(p) ?? []).includes(want.at(-1)!), 60_000);
      const ackedSet = new Set(want);
      const got = (consumer.read().get(p) ?? []).filter((v) => ackedSet.has(v));
      assert.deepEqual(got, want, `busy-${p}: every acknowledged record once, in order (${failures} sends failed)`);
    }
  } finally {
    await consumer.stop();
  }
  for (const [p, leader, added, removed] of [[0, 1, 4, 3], [1, 3, 4, 2]] as const) {
    await waitFor(`busy-${p}: broker ${added} stores the leader's batches`, () => {
      const lead = storedBatches(leader, topic, p);
      const copy = storedBatches(added, topic, p);
      return lead.length > 0 && lead.length === copy.length && lead.every((b, i) => b === copy[i]);
    }, 60_000);
    await waitFor(`busy-${p}: broker ${removed} deleted its replica`, () => partitionDirs(removed, topic, p).length === 0, 60_000);
  }
});

test('a reassignment to a broker that stopped answering stays in progress: --list, --verify, --execute without --additional, --cancel; an unclean election with no live replica fails', async (t) => {
  const topic = 'stuck';
  await createTopic(topic, [[1, 2]]);
  const controller = await kafkaZk.getControllerId();
  const frozen = [4, 3].find((id) => id !== controller)!;
  await createTopic('lonely', [[frozen]]);
  const others = BROKER_IDS.filter((id) => id !== frozen);
  const frozenProcess = brokers.get(frozen)!.process!;
  const file = jsonFile('stuck.json', plan([{ topic, partition: 0, replicas: [1, frozen] }]));
  const bs = others.map((id) => `127.0.0.1:${brokers.get(id)!.port}`).join(',');
  frozenProcess.child.kill('SIGSTOP');
  try {
    const executed = await reassign(['--bootstrap-server', bs, '--reassignment-json-file', file, '--execute']);
    if (executed.stdout.includes('Unknown broker id')) {
      t.skip(`broker ${frozen}'s session expired before the tool ran (zookeeper.session.timeout.ms=6000)`);
      return;
    }
    assertRun(
      executed,
      0,
      `Current partition replica assignment\n\n${asJson([{ topic, partition: 0, replicas: [1, 2] }])}\n\n` +
        'Save this to use as the --reassignment-json-file option during rollback\n' +
        'Successfully started partition reassignment for stuck-0\n',
    );
    assertRun(await reassign(['--bootstrap-server', bs, '--list']), 0, `Current partition reassignments:\nstuck-0: replicas: 1,${frozen},2. adding: ${frozen}. removing: 2.\n`);
    assertRun(await reassign(['--bootstrap-server', bs, '--reassignment-json-file', file, '--verify']), 0, 'Status of partition reassignment:\nReassignment of partition stuck-0 is still in progress.\n\n');
    assertRun(
      await reassign(['--bootstrap-server', bs, '--reassignment-json-file', file, '--execute']),
      1,
      'Cannot execute because there is an existing partition assignment.  Use --additional to override this and create a new partition assignment in addition to the existing one. The --additional flag can also be used to change the throttle by resubmitting the current reassignment.\n',
    );
    assertRun(
      await reassign(['--bootstrap-server', bs, '--reassignment-json-file', file, '--cancel', '--preserve-throttles']),
      0,
      'Successfully cancelled partition reassignment for: stuck-0\nNone of the specified partition moves are active.\n',
    );
    assertRun(await reassign(['--bootstrap-server', bs, '--list']), 0, 'No partition reassignments found.\n');
    assertRun(
      await reassign(['--bootstrap-server', bs, '--reassignment-json-file', file, '--cancel', '--preserve-throttles']),
      0,
      'None of the specified partition reassignments are active.\nNone of the specified partition moves are active.\n',
    );
    const a = (await kafkaZk.getTopicAssignment(topic))!.partitions.get(0)!;
    assert.deepEqual([a.replicas, a.addingReplicas, a.removingReplicas], [[1, 2], [], []]);
    // Once its session has expired, lonely-0 (one replica, on the stopped broker) has no leader and no live replica.
    await waitFor('lonely-0 without a leader', async () => (await kafkaZk.getPartitionState('lonely', 0))?.state.leader === -1, 60_000);
    assertRun(
      await elect(['--election-type', 'unclean', '--topic', 'lonely', '--partition', '0'], bs),
      1,
      'Error completing leader election (UNCLEAN) for partition: lonely-0: org.apache.kafka.common.errors.EligibleLeadersNotAvailableException: Failed to elect leader for partition lonely-0 under strategy OfflinePartitionLeaderElectionStrategy(true)\n',
      'Exception in thread "main" kafka.common.AdminCommandFailedException: 1 replica(s) could not be elected\n',
    );
  } finally {
    frozenProcess.child.kill('SIGCONT');
  }
  await waitFor(`broker ${frozen} registered again`, async () => (await kafkaZk.getBrokerIds()).includes(frozen), 60_000);
});

test('--zookeeper: --execute writes /admin/reassign_partitions, the controller moves the partition and removes the znode, --verify reports it done', async () => {
  const topic = 'zkmove';
  await createTopic(topic, [[1, 2]]);
  await waitFor('all four brokers registered', async () => (await kafkaZk.getBrokerIds()).length === 4, 60_000);
  const file = jsonFile('zkmove.json', plan([{ topic, partition: 0, replicas: [3, 4] }]));
  const executed = await reassign(['--zookeeper', zkServer.connectString, '--reassignment-json-file', file, '--execute']);
  assertRun(
    executed,
    0,
    'Warning: --zookeeper is deprecated, and will be removed in a future version of Kafka.\n' +
      `Current partition replica assignment\n\n${asJson([{ topic, partition: 0, replicas: [1, 2] }])}\n\n` +
      'Save this to use as the --reassignment-json-file option during rollback\n' +
      'Successfully started partition reassignment for zkmove-0\n',
  );
  await waitFor('/admin/reassign_partitions removed', async () => (await zk.exists(ZkPaths.reassignPartitions)) === null, 120_000);
  assertRun(
    await reassign(['--zookeeper', zkServer.connectString, '--reassignment-json-file', file, '--verify']),
    0,
    'Warning: --zookeeper is deprecated, and will be removed in a future version of Kafka.\n' +
      'Warning: because you are using the deprecated --zookeeper option, the results may be incomplete.  Use --bootstrap-server instead for more accurate results.\n' +
      'Status of partition reassignment:\n' +
      'Reassignment of partition zkmove-0 is complete.\n' +
      'Clearing broker-level throttles on brokers 1,2,3,4\n' +
      'Clearing topic-level throttles on topic zkmove\n',
  );
  const s = (await kafkaZk.getPartitionState(topic, 0))!.state;
  assert.equal(s.leader, 3);
  assert.deepEqual([...s.isr].sort(), [3, 4]);
});

test('--generate prints the current and a proposed assignment in Kafka\'s JSON; a replication factor above the broker list is an error', async () => {
  const topic = 'gen';
  await createTopic(topic, [[1], [2]]);
  const topics = jsonFile('topics.json', { version: 1, topics: [{ topic }] });
  // One broker in the list: every replica on it, whatever the random start.
  assertRun(
    await reassign(['--bootstrap-server', bootstrap(), '--topics-to-move-json-file', topics, '--broker-list', '4', '--generate']),
    0,
    `Current partition replica assignment\n${asJson([{ topic, partition: 0, replicas: [1] }, { topic, partition: 1, replicas: [2] }])}\n\n` +
      `Proposed partition reassignment configuration\n${asJson([{ topic, partition: 0, replicas: [4] }, { topic, partition: 1, replicas: [4] }])}\n`,
  );
  const zkRun = await reassign(['--zookeeper', zkServer.connectString, '--topics-to-move-json-file', topics, '--broker-list', '3,4', '--generate']);
  assert.equal(zkRun.code, 0);
  const proposed = JSON.parse(zkRun.stdout.split("\n")[5]!) as { partitions: { replicas: number[] }[] };
  // Rack-unaware round robin: the two partitions start on different brokers of the list.
  assert.deepEqual(proposed.partitions.map((p) => p.replicas[0]).sort(), [3, 4]);
  const rf2 = jsonFile('topics-rf2.json', { version: 1, topics: [{ topic: 'zkmove' }] });
  assertRun(
    await reassign(['--bootstrap-server', bootstrap(), '--topics-to-move-json-file', rf2, '--broker-list', '2', '--generate']),
    1,
    'Error: Replication factor: 2 larger than available brokers: 1.\norg.apache.kafka.common.errors.InvalidReplicationFactorException: Replication factor: 2 larger than available brokers: 1.\n',
  );
  assertRun(
    await reassign(['--bootstrap-server', bootstrap(), '--topics-to-move-json-file', topics, '--broker-list', '1,1', '--generate']),
    1,
    'Error: Broker list contains duplicate entries: 1\nkafka.common.AdminCommandFailedException: Broker list contains duplicate entries: 1\n',
  );
  const missing = jsonFile('missing.json', plan([{ topic, partition: 0, replicas: [9] }]));
  assertRun(
    await reassign(['--bootstrap-server', bootstrap(), '--reassignment-json-file', missing, '--execute']),
    1,
    'Error: Unknown broker id 9\nkafka.common.AdminCommandFailedException: Unknown broker id 9\n',
  );
});

test('kafka-leader-election: preferred elections move leadership back to the first replica; already-preferred, unknown and unclean cases print Kafka\'s lines', async () => {
  const topic = 'elect';
  await createTopic(topic, [[1, 2, 3], [2, 3, 1]]);
  // Same replicas in another order: the reassignment completes at once, leaving broker 1 leading with 2 preferred.
  const file = jsonFile('reorder.json', plan([{ topic, partition: 0, replicas: [2, 1, 3] }]));
  assert.equal((await reassign(['--bootstrap-server', bootstrap(), '--reassignment-json-file', file, '--execute'])).code, 0);
  await waitFor('elect-0 reordered', async () => (await kafkaZk.getTopicAssignment(topic))!.partitions.get(0)!.replicas.join(',') === '2,1,3', 60_000);
  assert.equal((await kafkaZk.getPartitionState(topic, 0))!.state.leader, 1);
  assertRun(await elect(['--election-type', 'preferred', '--topic', topic, '--partition', '0']), 0, 'Successfully completed leader election (PREFERRED) for partitions elect-0\n');
  assert.equal((await kafkaZk.getPartitionState(topic, 0))!.state.leader, 2);
  const both = jsonFile('elect.json', { partitions: [{ topic, partition: 0 }, { topic, partition: 1 }] });
  assertRun(await elect(['--election-type', 'PREFERRED', '--path-to-json-file', both]), 0, 'Valid replica already elected for partitions elect-0, elect-1\n');
  assertRun(await elect(['--election-type', 'unclean', '--topic', topic, '--partition', '1']), 0, 'Valid replica already elected for partitions elect-1\n');
  assertRun(
    await elect(['--election-type', 'preferred', '--topic', topic, '--partition', '9']),
    1,
    'Error completing leader election (PREFERRED) for partition: elect-9: org.apache.kafka.common.errors.UnknownTopicOrPartitionException: The partition does not exist.\n',
    'Exception in thread "main" kafka.common.AdminCommandFailedException: 1 replica(s) could not be elected\n',
  );
  assertRun(await elect(['--election-type', 'preferred', '--topic', topic]), 1, '', 'Exception in thread "main" kafka.common.AdminCommandFailedException: Missing required option(s): partition\n');
  assertRun(
    await elect(['--election-type', 'preferred', '--topic', topic, '--partition', '0', '--all-topic-partitions']),
    1,
    '',
    'Exception in thread "main" kafka.common.AdminCommandFailedException: One and only one of the following options is required: topic, all-topic-partitions, path-to-json-file\n',
  );
});
