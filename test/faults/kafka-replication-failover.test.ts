// Replication and failover with three real broker processes on our ZooKeeper, used by unmodified kafkajs and kcat:
// replication-factor-3 topics whose followers fetch from the leader; acks=all answered only once the ISR has the
// records; a follower that stops fetching leaves the ISR through AlterIsr and comes back, with NOT_ENOUGH_REPLICAS
// before and after the append meanwhile; the leader killed with SIGKILL while clients produce with acks=all — a new
// leader from the ISR, no acknowledged record lost, the killed broker catching up, rejoining and getting its
// preferred leadership back (auto.leader.rebalance.enable); an unclean election after the whole ISR died, the old
// leader truncating the records nobody else has; the controller killed and another broker taking over. Replica logs
// are compared batch by batch on disk. ZKAFKA_KEEP_BROKER_OUTPUT=<dir> keeps every broker's output there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { buildBatch } from '../support/kafka-batches.js';
import { readStoredBatches } from '../support/kafka-log.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { kcat as runKcat, kcatAvailable } from '../support/kcat.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const { Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;

const BROKER_IDS = [1, 2, 3];
const SESSION_TIMEOUT_MS = 6000;
const LAG_TIME_MAX_MS = 2500;
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: SESSION_TIMEOUT_MS, replicaLagTimeMaxMs: LAG_TIME_MAX_MS }),
  'auto.leader.rebalance.enable=true',
  'leader.imbalance.check.interval.seconds=1',
];
const hasKcat = kcatAvailable;

let zkServer: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const brokers = new Map<number, { dir: string; port: number; process?: BrokerProcess }>();

const bootstrap = () => [...brokers.values()].map((b) => `127.0.0.1:${b.port}`);

/** Output of broker processes that have been replaced by a restart, for ZKAFKA_KEEP_BROKER_OUTPUT. */
const earlierOutput = new Map<number, string>();

async function startBroker(id: number): Promise<void> {
  const b = brokers.get(id)!;
  if (b.process) earlierOutput.set(id, (earlierOutput.get(id) ?? '') + b.process.output());
  b.process = processes.spawn(b.dir, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${b.port}`, `zookeeper.connect=${zkServer.connectString}`, ...COMMON], 60_000);
  await b.process.started;
}

function alive(id: number): boolean {
  const p = brokers.get(id)!.process;
  return p !== undefined && p.child.exitCode === null && p.child.signalCode === null;
}

function kafka(clientId: string): Kafka {
  return new Kafka({ clientId, brokers: bootstrap(), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
}

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  for (const id of BROKER_IDS) brokers.set(id, { dir: processes.workDir('zkafka-replication-'), port: await freePort() });
  await Promise.all(BROKER_IDS.map(startBroker));
});

after(async () => {
  if (process.env.ZKAFKA_KEEP_BROKER_OUTPUT) {
    for (const [id, b] of brokers) writeFileSync(join(process.env.ZKAFKA_KEEP_BROKER_OUTPUT, `broker-${id}.log`), (earlierOutput.get(id) ?? '') + (b.process?.output() ?? ''));
  }
  await processes.cleanup();
  await zk?.close();
  await zkServer?.stop();
});

async function kcat(args: string[], input = '', timeoutMs = 60_000): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = await runKcat(['-b', bootstrap().join(','), ...args], input, timeoutMs);
  return { code: run.code, stdout: run.stdout.toString(), stderr: run.stderr };
}

/** Every value in the partition, read by kcat from the beginning to the end. */
async function consumeValues(topic: string, partition = 0): Promise<string[]> {
  const r = await kcat(['-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-e', '-q', '-f', '%s\\n']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.split('\n').filter((l) => l !== '');
}

/** One batch of `count` records whose values are `value` (one character) repeated, sent straight to `brokerId`. */
async function produceTo(brokerId: number, topic: string, value: string, count = 1, acks = -1): Promise<number> {
  const client = new BrokerNetworkClient('127.0.0.1', brokers.get(brokerId)!.port, 'direct-producer', 30_000);
  try {
    const r = await client.send(ApiKey.Produce, 8, {
      transactionalId: null, acks, timeoutMs: 20_000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ count, valueBytes: 3, fill: value.charCodeAt(0) }) }] }],
    });
    return r.responses[0]!.partitionResponses[0]!.errorCode;
  } finally {
    client.close();
  }
}

async function partitionState(topic: string, partition = 0) {
  const s = await kafkaZk.getPartitionState(topic, partition);
  assert.ok(s, `${topic}-${partition} has a state znode`);
  return s;
}

async function createTopic(topic: string, partitions: number, configEntries: { name: string; value: string }[] = []): Promise<void> {
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, 30_000);
  const admin = kafka('admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  for (let p = 0; p < partitions; p++) await waitFor(`${topic}-${p} in sync on three brokers`, async () => (await partitionState(topic, p)).state.isr.length === 3);
}

/** The batches of a partition on one broker, as stored: (base offset, bytes) in log order. */
function storedBatches(brokerId: number, topic: string, partition: number): string[] {
  const dir = join(brokers.get(brokerId)!.dir, 'kafka-logs', `${topic}-${partition}`);
  if (!existsSync(dir)) return [];
  return readStoredBatches(dir).map((b) => `${b.baseOffset}:${b.bytes.toString('base64')}`);
}

/** Waits until every replica of the partition stores the same batches, offset by offset; returns how many. */
async function replicasIdentical(topic: string, partition = 0): Promise<number> {
  let last = '';
  try {
    return await waitFor(`identical replica logs of ${topic}-${partition}`, () => {
      const logs = BROKER_IDS.map((id) => storedBatches(id, topic, partition));
      last = logs.map((l, i) => `broker ${BROKER_IDS[i]}: ${l.length} batches, last at ${l.at(-1)?.split(':')[0]}`).join('; ');
      return logs.every((l) => l.length > 0 && l.length === logs[0]!.length && l.every((b, i) => b === logs[0]![i])) ? logs[0]!.length : undefined;
    }, 30_000);
  } catch (err) {
    throw new Error(`${(err as Error).message} (${last})`);
  }
}

test('an rf=3 topic: acks=all from kafkajs and kcat is answered once the ISR has the records; every replica stores the same batches', async () => {
  const topic = 'replicated';
  await createTopic(topic, 3);
  const producer = kafka('rep-producer').producer();
  await producer.connect();
  const sent: string[] = [];
  try {
    for (let i = 0; i < 20; i++) {
      const messages = Array.from({ length: 5 }, (_, j) => ({ value: `js-${i * 5 + j}`, partition: (i * 5 + j) % 3 }));
      await producer.send({ topic, acks: -1, messages });
      sent.push(...messages.map((m) => m.value));
    }
  } finally {
    await producer.disconnect();
  }
  if (hasKcat) {
    const lines = Array.from({ length: 30 }, (_, i) => `kcat-${i}`);
    const r = await kcat(['-P', '-t', topic, '-p', '1', '-X', 'acks=all'], lines.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    sent.push(...lines);
  }
  for (let p = 0; p < 3; p++) {
    const batches = await replicasIdentical(topic, p);
    assert.ok(batches > 0);
    // The followers hold the leader's batches byte for byte, so each replica's high watermark covers them all.
    const s = await partitionState(topic, p);
    assert.deepEqual([...s.state.isr].sort(), BROKER_IDS);
  }
  if (hasKcat) {
    const read = (await Promise.all([0, 1, 2].map((p) => consumeValues(topic, p)))).flat();
    assert.deepEqual(read.sort(), [...sent].sort(), 'every record read once');
  }
});

test('a follower that stops fetching leaves the ISR through AlterIsr after replica.lag.time.max.ms and rejoins once caught up; acks=all below min.insync.replicas is refused', async () => {
  const topic = 'lagging';
  await createTopic(topic, 1, [{ name: 'min.insync.replicas', value: '3' }]);
  const before = await partitionState(topic);
  const leader = before.state.leader;
  // Not the controller: a stopped controller answers no AlterIsr, and its session would expire instead.
  const controller = await kafkaZk.getControllerId();
  const follower = before.state.isr.find((id) => id !== leader && id !== controller)!;
  // Produce straight to the leader: a client that refreshes metadata might ask the stopped broker and hang.
  const produce = (value: string) => produceTo(leader, topic, value);
  const stopped = brokers.get(follower)!.process!.child;
  try {
    // The leader takes the ISR the controller confirmed a moment after ZooKeeper shows it; until then it refuses.
    await waitFor('the leader accepting acks=all with three in sync', async () => (await produce('a')) === ErrorCode.NONE);
    stopped.kill('SIGSTOP');
    // The write reaches the leader but the stopped follower never fetches it: once the leader drops the follower the
    // high watermark passes it, and the answer says the ISR became too small.
    assert.equal(await produce('b'), ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND);
    const shrunk = await waitFor('the ISR without the stopped follower', async () => {
      const s = await partitionState(topic);
      return s.state.isr.includes(follower) ? undefined : s;
    });
    assert.equal(shrunk.state.leader, leader);
    assert.equal(shrunk.state.leaderEpoch, before.state.leaderEpoch, 'a leader-initiated ISR change keeps the leader epoch');
    assert.ok(shrunk.zkVersion > before.zkVersion);
    assert.match(brokers.get(leader)!.process!.output(), new RegExp(`Shrinking ISR of ${topic}-0 from`));
    assert.equal(await produce('c'), ErrorCode.NOT_ENOUGH_REPLICAS, 'refused before the append');
  } finally {
    stopped.kill('SIGCONT');
  }
  await waitFor('the follower back in the ISR', async () => (await partitionState(topic)).state.isr.includes(follower), 30_000);
  await waitFor('the leader accepting acks=all again', async () => (await produce('d')) === ErrorCode.NONE);
  await replicasIdentical(topic);
  if (hasKcat) assert.deepEqual(await consumeValues(topic), ['aaa', 'bbb', 'ddd'], 'appended though answered with an error; the write refused before the append is not there');
});

test('SIGKILL of the leader while kafkajs and kcat produce with acks=all: a new leader from the ISR, no acknowledged record lost, the killed broker truncates, catches up and rejoins', { skip: hasKcat ? false : 'kcat is not installed' }, async (t) => {
  const topic = 'failover';
  await createTopic(topic, 1);
  const before = await partitionState(topic);
  const oldLeader = before.state.leader;
  const acked = new Set<string>();
  const producer = kafka('failover-producer').producer({ retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  let producing = true;
  let seq = 0;
  let failures = 0;
  let electedEpoch = -1;
  const loop = (async () => {
    while (producing) {
      const value = `v-${seq++}`;
      try {
        await producer.send({ topic, acks: -1, timeout: 5000, messages: [{ value }] });
        acked.add(value);
      } catch {
        failures++;
      }
    }
  })();
  try {
    await waitFor('records acknowledged before the kill', () => acked.size >= 50);
    await processes.kill9(brokers.get(oldLeader)!.process!);
    const killedAt = acked.size;
    const killedMs = Date.now();
    const elected = await waitFor('a new leader', async () => {
      const s = await partitionState(topic);
      return s.state.leader !== oldLeader && s.state.leader >= 0 ? s : undefined;
    }, 30_000);
    t.diagnostic(`new leader ${elected.state.leader} in the state znode ${Date.now() - killedMs} ms after the kill (session timeout ${SESSION_TIMEOUT_MS} ms)`);
    assert.ok(before.state.isr.includes(elected.state.leader), 'the new leader comes from the ISR');
    assert.ok(elected.state.leaderEpoch > before.state.leaderEpoch, 'the leader epoch was bumped');
    electedEpoch = elected.state.leaderEpoch;
    assert.ok(!elected.state.isr.includes(oldLeader), 'the dead broker left the ISR');
    await waitFor('kafkajs acknowledged records after the failover', () => acked.size >= killedAt + 50, 60_000);
    const lines = Array.from({ length: 20 }, (_, i) => `kcat-after-${i}`);
    const r = await kcat(['-P', '-t', topic, '-p', '0', '-X', 'acks=all'], lines.join('\n') + '\n');
    assert.equal(r.code, 0, r.stderr);
    for (const l of lines) acked.add(l);
  } finally {
    producing = false;
    await loop;
    await producer.disconnect();
  }
  const read = await consumeValues(topic);
  const missing = [...acked].filter((v) => !read.includes(v));
  assert.deepEqual(missing, [], `every acknowledged record is there (${acked.size} acknowledged, ${failures} sends failed)`);
  t.diagnostic(`${acked.size} records acknowledged, ${failures} sends failed, ${read.length} records read`);

  await startBroker(oldLeader);
  await waitFor('the restarted broker back in the ISR', async () => (await partitionState(topic)).state.isr.includes(oldLeader), 60_000);
  const batches = await replicasIdentical(topic);
  assert.ok(batches > 0);
  // auto.leader.rebalance.enable: the controller's periodic check hands leadership back to the preferred replica.
  const back = await waitFor('leadership back on the preferred replica', async () => {
    const s = await partitionState(topic);
    return s.state.leader === oldLeader ? s : undefined;
  }, 30_000);
  assert.ok(back.state.leaderEpoch > electedEpoch);
  t.diagnostic(`restarted broker: ${/Truncated failover-0 from \d+ to \d+/.exec(brokers.get(oldLeader)!.process!.output())?.[0] ?? 'no truncation needed'}; ${batches} identical batches on three brokers`);
  assert.deepEqual((await consumeValues(topic)).sort(), read.sort(), 'the restarted broker changed nothing the others serve');
});

test('unclean election after the whole ISR died: a replica that missed records leads, and the old leader truncates them away on the new leader\'s diverging_epoch when it returns', async (t) => {
  const topic = 'diverging';
  const [leader, first, second] = BROKER_IDS as [number, number, number];
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, 30_000);
  const admin = kafka('admin-diverge').admin();
  await admin.connect();
  try {
    await admin.createTopics({
      topics: [{
        topic,
        replicaAssignment: [{ partition: 0, replicas: [leader, first, second] }],
        configEntries: [{ name: 'min.insync.replicas', value: '1' }, { name: 'unclean.leader.election.enable', value: 'true' }],
      }],
      waitForLeaders: true,
    });
  } finally {
    await admin.disconnect();
  }
  await waitFor('three replicas in sync', async () => (await partitionState(topic)).state.isr.length === 3);
  assert.equal(await produceTo(leader, topic, 'c', 5), ErrorCode.NONE);
  // Both followers die; the controller takes them out of the ISR, and the leader alone takes three more records.
  await processes.kill9(brokers.get(first)!.process!);
  await processes.kill9(brokers.get(second)!.process!);
  const alone = await waitFor('the leader alone in the ISR', async () => {
    const s = await partitionState(topic);
    return s.state.isr.length === 1 ? s : undefined;
  }, 30_000);
  assert.deepEqual(alone.state.isr, [leader]);
  await waitFor('the leader accepting acks=all alone', async () => (await produceTo(leader, topic, 'l', 3)) === ErrorCode.NONE);
  await processes.kill9(brokers.get(leader)!.process!);
  // The last ISR member is gone: only an unclean election (the topic allows it) gives the partition a leader.
  await startBroker(first);
  const unclean = await waitFor('an unclean leader', async () => {
    const s = await partitionState(topic);
    return s.state.leader === first ? s : undefined;
  }, 60_000);
  assert.deepEqual(unclean.state.isr, [first]);
  await waitFor('the unclean leader accepting writes', async () => (await produceTo(first, topic, 'n', 4, 1)) === ErrorCode.NONE);
  await startBroker(second);
  await startBroker(leader);
  await waitFor('all three back in the ISR', async () => (await partitionState(topic)).state.isr.length === 3, 60_000);
  await replicasIdentical(topic);
  const truncated = /Truncated diverging-0 from (\d+) to (\d+)/.exec(brokers.get(leader)!.process!.output());
  assert.ok(truncated, 'the old leader truncated');
  assert.deepEqual([Number(truncated[1]), Number(truncated[2])], [8, 5], 'its three records the others never had, and nothing more');
  t.diagnostic(truncated[0]);
  const checkpoint = readFileSync(join(brokers.get(leader)!.dir, 'kafka-logs', `${topic}-0`, 'leader-epoch-checkpoint'), 'utf8');
  assert.match(checkpoint, /^0\n(\d+)\n(\d+ \d+\n)+$/, 'Kafka\'s checkpoint format: version, count, "epoch startOffset" lines');
  const entries = checkpoint.trim().split('\n').slice(2);
  assert.equal(Number(checkpoint.split('\n')[1]), entries.length);
  assert.ok(entries.includes(`${unclean.state.leaderEpoch} 5`), `the unclean leader's epoch starts at 5:\n${checkpoint}`);
  assert.ok(!entries.includes(`${alone.state.leaderEpoch} 5`), `the epoch of the removed records is gone:\n${checkpoint}`);
  if (hasKcat) assert.deepEqual(await consumeValues(topic), [...Array<string>(5).fill('ccc'), ...Array<string>(4).fill('nnn')]);
});

test('SIGKILL of the controller: another broker takes /controller, moves the dead broker\'s leaderships and serves new topics', { skip: hasKcat ? false : 'kcat is not installed' }, async () => {
  const controller = await waitFor('a controller', async () => (await kafkaZk.getControllerId()) ?? undefined);
  const topic = 'after-controller';
  await createTopic(topic, 3);
  await processes.kill9(brokers.get(controller)!.process!);
  const next = await waitFor('a new controller', async () => {
    const id = await kafkaZk.getControllerId();
    return id !== null && id !== controller ? id : undefined;
  }, 30_000);
  assert.ok(alive(next));
  for (let p = 0; p < 3; p++) {
    await waitFor(`${topic}-${p} led by a live broker`, async () => {
      const s = await partitionState(topic, p);
      return s.state.leader !== controller && s.state.leader >= 0 && !s.state.isr.includes(controller);
    }, 30_000);
  }
  const r = await kcat(['-P', '-t', topic, '-p', '2', '-X', 'acks=all'], 'x\ny\n');
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(await consumeValues(topic, 2), ['x', 'y']);
  const admin = kafka('admin-after').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: 'created-by-new-controller', numPartitions: 1, replicationFactor: 2 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  await startBroker(controller);
  for (let p = 0; p < 3; p++) await waitFor(`${topic}-${p} in sync on three brokers again`, async () => (await partitionState(topic, p)).state.isr.length === 3, 60_000);
  assert.ok((await replicasIdentical(topic, 2)) >= 1);
});
