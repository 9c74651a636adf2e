// Failover invariants with three real broker processes on our THREE-server ZooKeeper ensemble, checked with
// unmodified kafkajs: DeleteRecords on an rf=3 partition answered once every replica moved its log start offset
// (followers delete their segments too); an idempotent acks=all producer (min.insync.replicas=2) writing a numbered
// sequence while the partition leader, then the controller broker, then the ensemble's leader are SIGKILLed and
// restarted — every acknowledged record read back exactly once per partition, in order, nothing written twice — and an
// acks=1 run that reports what it lost; a consumer group whose coordinator broker is SIGKILLed (__consumer_offsets
// with replication factor 3) keeping its committed offsets; kafkajs producers and a consumer group through a
// partition leader change. Invariants only, never timings. ZKAFKA_KEEP_BROKER_OUTPUT=<dir> keeps the brokers' output;
// ZKAFKA_KAFKAJS_LOG=1 prints kafkajs's log.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { freePort } from '../support/ports.js';
import { Ensemble } from '../support/zk-ensemble.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const { Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;
type Producer = ReturnType<Kafka['producer']>;

const BROKER_IDS = [1, 2, 3];
const SESSION_TIMEOUT_MS = 8000;
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: SESSION_TIMEOUT_MS, replicaLagTimeMaxMs: 4000 }),
  'log.retention.check.interval.ms=300',
  'log.segment.delete.delay.ms=0',
];
/** Waits that span a broker's session expiry, an election and a restart on a loaded machine. */
const LONG_MS = 90_000;

let ensemble: Ensemble;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const brokers = new Map<number, { dir: string; port: number; process?: BrokerProcess }>();
const earlierOutput = new Map<number, string>();

const bootstrap = () => [...brokers.values()].map((b) => `127.0.0.1:${b.port}`);

async function startBroker(id: number): Promise<void> {
  const b = brokers.get(id)!;
  if (b.process) earlierOutput.set(id, (earlierOutput.get(id) ?? '') + b.process.output());
  b.process = processes.spawn(b.dir, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${b.port}`, `zookeeper.connect=${ensemble.connectString}`, ...COMMON], LONG_MS);
  await b.process.started;
}

async function killBroker(id: number): Promise<void> {
  await processes.kill9(brokers.get(id)!.process!);
}

/** kafkajs with generous retries; `defaults`: kafkajs's own retry settings (a consumer group crashes and rejoins after them). */
function kafka(clientId: string, defaults = false): Kafka {
  const logs = process.env.ZKAFKA_KAFKAJS_LOG ? logLevel.INFO : logLevel.NOTHING;
  return new Kafka({ clientId, brokers: bootstrap(), logLevel: logs, ...(defaults ? {} : { retry: { retries: 30, initialRetryTime: 100, maxRetryTime: 1000 } }) });
}

before(async () => {
  ensemble = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }]);
  ensemble.startAll();
  await ensemble.settled(60_000);
  zk = await connectZooKeeper(ensemble.connectString, { sessionTimeoutMs: 10_000 });
  kafkaZk = new KafkaZkClient(zk);
  for (const id of BROKER_IDS) brokers.set(id, { dir: processes.workDir('zkafka-ensemble-failover-'), port: await freePort() });
  await Promise.all(BROKER_IDS.map(startBroker));
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, LONG_MS);
});

after(async () => {
  if (process.env.ZKAFKA_KEEP_BROKER_OUTPUT) {
    for (const [id, b] of brokers) writeFileSync(join(process.env.ZKAFKA_KEEP_BROKER_OUTPUT, `broker-${id}.log`), (earlierOutput.get(id) ?? '') + (b.process?.output() ?? ''));
  }
  await processes.cleanup();
  await zk?.close();
  await ensemble?.close();
});

async function partitionState(topic: string, partition = 0) {
  const s = await kafkaZk.getPartitionState(topic, partition);
  if (!s) throw new Error(`${topic}-${partition} has no state znode`);
  return s;
}

async function allInSync(topic: string, partitions: number): Promise<void> {
  for (let p = 0; p < partitions; p++) await waitFor(`${topic}-${p} in sync on three brokers`, async () => (await partitionState(topic, p)).state.isr.length === 3, LONG_MS);
}

async function createTopic(topic: string, partitions: number, configEntries: { name: string; value: string }[] = []): Promise<void> {
  const admin = kafka('admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3, configEntries }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  await allInSync(topic, partitions);
}

/** Waits until the partition has a live leader other than `old`; returns it. */
function newLeader(topic: string, partition: number, old: number): Promise<number> {
  return waitFor(`a new leader of ${topic}-${partition}`, async () => {
    const s = await partitionState(topic, partition);
    return s.state.leader !== old && s.state.leader >= 0 ? s.state.leader : undefined;
  }, LONG_MS);
}

/** Every record of the topic as stored, by partition and offset, read by a kafkajs consumer up to each high watermark. */
async function readAll(topic: string): Promise<Map<number, Map<number, string>>> {
  const admin = kafka('reader-admin').admin();
  await admin.connect();
  const ends = await admin.fetchTopicOffsets(topic).finally(() => admin.disconnect());
  const out = new Map<number, Map<number, string>>(ends.map((e) => [e.partition, new Map()]));
  const consumer = kafka('reader').consumer({ groupId: `reader-${topic}-${process.pid}-${Date.now()}` });
  await consumer.connect();
  try {
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void out.get(partition)!.set(Number(message.offset), message.value?.toString() ?? '') });
    await waitFor(`every record of ${topic} read`, () => ends.every((e) => Number(e.high) === 0 || out.get(e.partition)!.has(Number(e.high) - 1)), LONG_MS);
  } finally {
    await consumer.disconnect();
  }
  return out;
}

/** A loop sending `prefix-N` one record at a time to partition N % partitions; what each send acknowledged, by partition. */
function produceLoop(producer: Producer, topic: string, partitions: number, prefix: string, acks: number) {
  const acked = new Map<number, string[]>(Array.from({ length: partitions }, (_, p) => [p, []]));
  let running = true;
  let seq = 0;
  let failures = 0;
  const done = (async () => {
    while (running) {
      const n = seq++;
      const partition = n % partitions;
      const value = `${prefix}-${n}`;
      try {
        await producer.send({ topic, acks, timeout: 10_000, messages: [{ value, partition }] });
        acked.get(partition)!.push(value);
      } catch {
        failures++;
      }
    }
  })();
  return {
    acked,
    get count() {
      return [...acked.values()].reduce((n, l) => n + l.length, 0);
    },
    get failures() {
      return failures;
    },
    /** Waits until `more` further records were acknowledged. */
    async progress(what: string, more = 20): Promise<void> {
      const target = this.count + more;
      await waitFor(`${more} more acknowledged records ${what}`, () => this.count >= target, LONG_MS);
    },
    async stop(): Promise<void> {
      running = false;
      await done;
    },
  };
}

const seqOf = (value: string) => Number(value.slice(value.lastIndexOf('-') + 1));

/** The partition's high watermark, as kafkajs's admin reads it. */
async function partitionEnd(topic: string): Promise<number> {
  const admin = kafka('end-admin').admin();
  await admin.connect();
  try {
    return Number((await admin.fetchTopicOffsets(topic))[0]!.high);
  } finally {
    await admin.disconnect();
  }
}

/** The base offsets of a replica's segments (the .log files of the partition directory), ascending. */
function segmentBases(brokerId: number, topic: string, partition: number): number[] {
  const dir = join(brokers.get(brokerId)!.dir, 'kafka-logs', `${topic}-${partition}`);
  if (!existsSync(dir)) return [];
  return readdirSync(dir).filter((f) => /^\d{20}\.log$/.test(f)).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);
}

test('DeleteRecords on an rf=3 partition is answered once every replica moved its log start offset (REQUEST_TIMED_OUT while a follower is stopped); the followers delete their segments too', async () => {
  const topic = 'delete-records';
  await createTopic(topic, 1, [{ name: 'segment.bytes', value: '1024' }]);
  const producer = kafka('delete-producer').producer();
  await producer.connect();
  try {
    for (let i = 0; i < 40; i++) await producer.send({ topic, acks: -1, messages: Array.from({ length: 5 }, (_, j) => ({ value: `record-${i * 5 + j}-${'x'.repeat(40)}` })) });
  } finally {
    await producer.disconnect();
  }
  const state = await partitionState(topic);
  const leader = state.state.leader;
  const followers = BROKER_IDS.filter((id) => id !== leader);
  // Every replica holds every record: the followers fetched up to the leader's log end.
  await waitFor('the followers holding every segment', () => followers.every((id) => segmentBases(id, topic, 0).length === segmentBases(leader, topic, 0).length));
  const before = segmentBases(leader, topic, 0);
  assert.ok(before.length >= 4, `several segments (${before.join(',')})`);
  const target = before[before.length - 2]! + 1;

  const client = new BrokerNetworkClient('127.0.0.1', brokers.get(leader)!.port, 'delete-records', 60_000);
  const deleteTo = async (offset: bigint, timeoutMs: number) => {
    const r = await client.send(ApiKey.DeleteRecords, 2, { timeoutMs, topics: [{ name: topic, partitions: [{ partitionIndex: 0, offset }] }] });
    return r.topics[0]!.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: p.lowWatermark, errorCode: p.errorCode }));
  };
  try {
    assert.deepEqual(await deleteTo(BigInt(target), 30_000), [{ partitionIndex: 0, lowWatermark: BigInt(target), errorCode: ErrorCode.NONE }]);
    // A follower that does not fetch keeps the low watermark where it was: the answer times out with it.
    const stopped = brokers.get(followers[0]!)!.process!.child;
    stopped.kill('SIGSTOP');
    try {
      assert.deepEqual(await deleteTo(-1n, 1500), [{ partitionIndex: 0, lowWatermark: BigInt(target), errorCode: ErrorCode.REQUEST_TIMED_OUT }]);
    } finally {
      stopped.kill('SIGCONT');
    }
    const end = BigInt(await partitionEnd(topic));
    assert.deepEqual(await deleteTo(-1n, 30_000), [{ partitionIndex: 0, lowWatermark: end, errorCode: ErrorCode.NONE }], 'once it fetches again');
  } finally {
    client.close();
  }
  // Only the segment holding the new log start offset (the log end: the active one) stays, on every replica.
  const kept = before.slice(-1);
  for (const id of BROKER_IDS) await waitFor(`broker ${id} without the deleted segments`, () => segmentBases(id, topic, 0).join(',') === kept.join(','), LONG_MS);
  const admin = kafka('delete-admin').admin();
  await admin.connect();
  try {
    const [offsets] = await admin.fetchTopicOffsets(topic);
    assert.equal(offsets!.low, offsets!.high, 'every record deleted');
  } finally {
    await admin.disconnect();
  }
});

test('acks=all, idempotence, min.insync.replicas=2 on the ensemble: SIGKILL of the partition leader, then the controller broker, then the ZooKeeper leader; every acknowledged record read exactly once per partition, in order', async (t) => {
  const topic = 'exactly-once';
  const partitions = 2;
  await createTopic(topic, partitions, [{ name: 'min.insync.replicas', value: '2' }]);
  const producer = kafka('idempotent').producer({ idempotent: true, maxInFlightRequests: 1, retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  const run = produceLoop(producer, topic, partitions, 'seq', -1);
  try {
    await run.progress('before the first kill', 30);

    const leader = (await partitionState(topic, 0)).state.leader;
    await killBroker(leader);
    t.diagnostic(`killed broker ${leader}, leader of ${topic}-0`);
    await newLeader(topic, 0, leader);
    await run.progress('after the leader died');
    await startBroker(leader);
    await allInSync(topic, partitions);
    await run.progress('after the old leader came back');

    const controller = await waitFor('a controller', async () => (await kafkaZk.getControllerId()) ?? undefined, LONG_MS);
    await killBroker(controller);
    t.diagnostic(`killed broker ${controller}, the controller`);
    await waitFor('a new controller', async () => {
      const id = await kafkaZk.getControllerId();
      return id !== null && id !== controller;
    }, LONG_MS);
    await run.progress('after the controller died');
    await startBroker(controller);
    await allInSync(topic, partitions);
    await run.progress('after the controller broker came back');

    const zkLeader = await ensemble.settled(LONG_MS);
    await zkLeader.kill9();
    t.diagnostic(`killed ZooKeeper server ${zkLeader.sid}, the ensemble's leader`);
    await ensemble.settled(LONG_MS);
    await run.progress('after the ZooKeeper leader died');
    zkLeader.start();
    await ensemble.settled(LONG_MS);
    await run.progress('after the ZooKeeper server came back');
  } finally {
    await run.stop();
    await producer.disconnect();
  }
  const stored = await readAll(topic);
  for (let p = 0; p < partitions; p++) {
    const values = [...stored.get(p)!.entries()].sort((a, b) => a[0] - b[0]).map(([, v]) => v);
    assert.equal(new Set(values).size, values.length, `${topic}-${p}: no record written twice`);
    const seqs = values.map(seqOf);
    assert.ok(seqs.every((s, i) => i === 0 || s > seqs[i - 1]!), `${topic}-${p}: records in the order they were sent`);
    const present = new Set(values);
    assert.deepEqual(run.acked.get(p)!.filter((v) => !present.has(v)), [], `${topic}-${p}: every acknowledged record is there`);
  }
  t.diagnostic(`${run.count} records acknowledged, ${run.failures} sends failed`);
});

test('acks=1 through a SIGKILL of the partition leader: reports how many acknowledged records were lost', async (t) => {
  const topic = 'acks-one';
  await createTopic(topic, 1, [{ name: 'min.insync.replicas', value: '1' }]);
  const producer = kafka('acks-one').producer({ retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  const run = produceLoop(producer, topic, 1, 'one', 1);
  const leader = (await partitionState(topic)).state.leader;
  try {
    await run.progress('before the kill', 50);
    await killBroker(leader);
    await newLeader(topic, 0, leader);
    await run.progress('after the leader died', 50);
  } finally {
    await run.stop();
    await producer.disconnect();
  }
  await startBroker(leader);
  await allInSync(topic, 1);
  const present = new Set(readAllValues(await readAll(topic)));
  const lost = run.acked.get(0)!.filter((v) => !present.has(v));
  t.diagnostic(`acks=1: ${lost.length} of ${run.count} acknowledged records lost when the leader was killed (${run.failures} sends failed)${lost.length > 0 ? `: ${lost[0]} to ${lost.at(-1)}` : ''}`);
  assert.ok(present.size > 0);
});

function readAllValues(stored: Map<number, Map<number, string>>): string[] {
  return [...stored.values()].flatMap((m) => [...m.values()]);
}

/** The group's coordinator as a broker answers FindCoordinator. */
async function coordinatorOf(groupId: string): Promise<number> {
  return waitFor(`the coordinator of ${groupId}`, async () => {
    for (const id of BROKER_IDS) {
      const client = new BrokerNetworkClient('127.0.0.1', brokers.get(id)!.port, 'find-coordinator', 5000);
      try {
        const r = await client.send(ApiKey.FindCoordinator, 1, { key: groupId, keyType: 0 });
        if (r.errorCode === ErrorCode.NONE) return r.nodeId;
      } catch {
        // a dead broker: ask the next
      } finally {
        client.close();
      }
    }
    return undefined;
  }, LONG_MS);
}

test('offsets.topic.replication.factor=3: a kafkajs consumer group keeps its committed offsets when its coordinator broker is SIGKILLed, and resumes without re-reading committed records', async (t) => {
  const topic = 'group-failover';
  const groupId = 'failover-group';
  await createTopic(topic, 2);
  const producer = kafka('group-producer').producer({ retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } });
  await producer.connect();
  const send = async (from: number, count: number) => {
    for (let i = from; i < from + count; i++) await producer.send({ topic, acks: -1, messages: [{ value: `g-${i}`, partition: i % 2 }] });
  };
  const seen: Array<{ partition: number; offset: number; value: string }> = [];
  let killed: number | undefined;
  const consumer = kafka('group-consumer', true).consumer({ groupId });
  const admin = kafka('group-admin').admin();
  await admin.connect();
  const committed = async () => new Map((await admin.fetchOffsets({ groupId, topics: [topic] }))[0]!.partitions.map((p) => [p.partition, Number(p.offset)]));
  try {
    await consumer.connect();
    await consumer.subscribe({ topic, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ partition, message }) => void seen.push({ partition, offset: Number(message.offset), value: message.value!.toString() }) });
    await send(0, 20);
    await waitFor('the first 20 records consumed and committed', async () => {
      const c = await committed();
      return seen.length >= 20 && c.get(0) === 10 && c.get(1) === 10;
    }, LONG_MS);
    const before = await committed();
    const coordinator = await coordinatorOf(groupId);
    const seenAtKill = seen.length;
    await killBroker(coordinator);
    killed = coordinator;
    t.diagnostic(`killed broker ${coordinator}, the group's coordinator`);
    await send(20, 20);
    await waitFor('all 40 records consumed', () => new Set(seen.map((s) => s.value)).size === 40, LONG_MS);
    const after = await coordinatorOf(groupId);
    assert.notEqual(after, coordinator, 'a new coordinator');
    const reread = seen.slice(seenAtKill).filter((s) => s.offset < before.get(s.partition)!);
    assert.deepEqual(reread, [], 'no committed record consumed again');
    let last = '';
    await waitFor('the new records committed at the new coordinator', async () => {
      const c = await committed();
      last = JSON.stringify([...c]);
      return c.get(0) === 20 && c.get(1) === 20;
    }, LONG_MS).catch((err: Error) => {
      throw new Error(`${err.message}; last committed ${last}`);
    });
  } finally {
    await consumer.disconnect();
    await producer.disconnect();
    await admin.disconnect();
    if (killed !== undefined) await startBroker(killed);
  }
  await allInSync(topic, 2);
});

test('kafkajs producers and a consumer group through a partition leader change (SIGKILL and restart of the leader broker): every produced record consumed', async (t) => {
  const topic = 'leader-change';
  await createTopic(topic, 2);
  const consumed = new Set<string>();
  const consumer = kafka('lc-consumer', true).consumer({ groupId: 'leader-change-group' });
  const producers = [kafka('lc-producer-a').producer({ retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } }), kafka('lc-producer-b').producer({ retry: { retries: 100, initialRetryTime: 100, maxRetryTime: 1000 } })];
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  await consumer.run({ eachMessage: async ({ message }) => void consumed.add(message.value!.toString()) });
  for (const p of producers) await p.connect();
  const runs = producers.map((p, i) => produceLoop(p, topic, 2, `lc${i}`, -1));
  const acked = () => runs.flatMap((r) => [...r.acked.values()].flat());
  try {
    await Promise.all(runs.map((r) => r.progress('before the kill')));
    const leader = (await partitionState(topic, 0)).state.leader;
    await killBroker(leader);
    t.diagnostic(`killed broker ${leader}, leader of ${topic}-0`);
    await newLeader(topic, 0, leader);
    await Promise.all(runs.map((r) => r.progress('after the leader died')));
    await startBroker(leader);
    await allInSync(topic, 2);
    await Promise.all(runs.map((r) => r.progress('after the leader came back')));
  } finally {
    for (const r of runs) await r.stop();
    for (const p of producers) await p.disconnect();
  }
  try {
    await waitFor('every acknowledged record consumed', () => acked().every((v) => consumed.has(v)), LONG_MS);
  } catch (err) {
    throw new Error(`${(err as Error).message}: missing ${acked().filter((v) => !consumed.has(v)).slice(0, 20).join(', ')}`);
  } finally {
    await consumer.disconnect();
  }
  t.diagnostic(`${acked().length} records acknowledged and consumed; ${runs.reduce((n, r) => n + r.failures, 0)} sends failed`);
});
