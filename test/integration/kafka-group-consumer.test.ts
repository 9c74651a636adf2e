// Our group consumer against a real broker of ours: members splitting a topic's partitions and rebalancing as
// members join and leave, committed offsets picked up by the next member, pattern subscriptions, and our group
// running beside (and mixed with) kafkajs consumers.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaAdmin, KafkaGroupConsumer, KafkaProducer, type ConsumerRecord, type GroupConsumerOptions, type PartitionRef } from '../../src/kafka/client/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';
import { waitFor } from '../support/kafka-broker-process.js';
import { kcatAvailable } from '../support/kcat.js';
import { spawn } from 'node:child_process';

let kafka: OurKafka;
let admin: KafkaAdmin;
let producer: KafkaProducer;
const open: KafkaGroupConsumer[] = [];

before(async () => {
  kafka = await startOurKafka(21, ['num.partitions=1']);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, lingerMs: 1 });
  await admin.createTopics([
    { name: 'split', numPartitions: 6, replicationFactor: 1 },
    { name: 'resume', numPartitions: 2, replicationFactor: 1 },
    { name: 'pat-a', numPartitions: 1, replicationFactor: 1 },
    { name: 'pat-b', numPartitions: 1, replicationFactor: 1 },
    { name: 'other', numPartitions: 1, replicationFactor: 1 },
    { name: 'ours', numPartitions: 3, replicationFactor: 1 },
    { name: 'theirs', numPartitions: 3, replicationFactor: 1 },
    { name: 'mixed', numPartitions: 4, replicationFactor: 1 },
    { name: 'coop', numPartitions: 4, replicationFactor: 1 },
  ]);
});

after(async () => {
  await Promise.all(open.map((c) => c.close().catch(() => {})));
  await producer?.close();
  await admin?.close();
  await kafka?.stop();
});

function member(groupId: string, extra: Partial<GroupConsumerOptions> = {}): KafkaGroupConsumer {
  const c = new KafkaGroupConsumer({ bootstrapServers: kafka.bootstrap, groupId, retryBackoffMs: 20, heartbeatIntervalMs: 100, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 15_000, autoOffsetReset: 'earliest', ...extra });
  open.push(c);
  return c;
}

const keys = (list: readonly PartitionRef[]) => list.map((p) => `${p.topic}-${p.partition}`).sort();

/** Polls every member in a loop of its own (a join waits for the others to rejoin) until `done` holds. */
async function pollUntil(members: KafkaGroupConsumer[], what: string, done: () => boolean, sink?: Map<KafkaGroupConsumer, ConsumerRecord[]>): Promise<void> {
  let stop = false;
  const loops = members.map(async (m) => {
    while (!stop) {
      const records = await m.poll(50);
      if (sink) sink.set(m, [...(sink.get(m) ?? []), ...records]);
    }
  });
  try {
    await waitFor(what, () => done(), 30_000);
  } finally {
    stop = true;
    await Promise.all(loops);
  }
}

test('three members split six partitions, rebalance on join and on leave', async () => {
  const [a, b, c] = [member('g-split'), member('g-split'), member('g-split')];
  a.subscribe(['split']);
  await pollUntil([a], 'a owns all six', () => a.assignment().length === 6);
  b.subscribe(['split']);
  c.subscribe(['split']);
  const all = [a, b, c];
  await pollUntil(all, 'three members with two each', () => all.every((m) => m.assignment().length === 2 && m.generationId === a.generationId));
  assert.deepEqual(keys(all.flatMap((m) => m.assignment())), ['split-0', 'split-1', 'split-2', 'split-3', 'split-4', 'split-5']);
  // range: members in member-id order get contiguous ranges
  const ordered = [...all].sort((x, y) => (x.memberId < y.memberId ? -1 : 1));
  assert.deepEqual(ordered.map((m) => keys(m.assignment())), [['split-0', 'split-1'], ['split-2', 'split-3'], ['split-4', 'split-5']]);
  await c.close();
  await pollUntil([a, b], 'two members with three each', () => a.assignment().length === 3 && b.assignment().length === 3 && a.generationId === b.generationId);
  assert.deepEqual(keys([...a.assignment(), ...b.assignment()]), ['split-0', 'split-1', 'split-2', 'split-3', 'split-4', 'split-5']);
  const described = (await admin.describeGroups(['g-split']))[0];
  assert.equal(described.state, 'Stable');
  assert.equal(described.protocol, 'range');
  assert.deepEqual(described.members.map((m) => m.memberId).sort(), [a.memberId, b.memberId].sort());
});

test('a new member resumes from the offsets the previous one committed', async () => {
  for (let i = 0; i < 10; i++) await producer.send({ topic: 'resume', partition: i % 2, value: `v${i}` });
  const revoked: string[][] = [];
  const first = member('g-resume', { enableAutoCommit: false, rebalanceListener: { onPartitionsRevoked: (p) => void revoked.push(keys(p)) } });
  first.subscribe(['resume']);
  const seen: ConsumerRecord[] = [];
  await waitFor('six records', async () => {
    seen.push(...(await first.poll(100)));
    return seen.length >= 6;
  });
  // commit exactly three records of each partition
  await first.commit([{ topic: 'resume', partition: 0, offset: 3n }, { topic: 'resume', partition: 1, offset: 3n }]);
  assert.deepEqual([...(await first.committed([{ topic: 'resume', partition: 0 }, { topic: 'resume', partition: 1 }])).values()], [3n, 3n]);
  await first.close();
  // close revokes (calling back) and, without auto commit, commits nothing more
  assert.deepEqual(revoked, [['resume-0', 'resume-1']]);
  const second = member('g-resume');
  second.subscribe(['resume']);
  const rest: ConsumerRecord[] = [];
  await waitFor('the four uncommitted records', async () => {
    rest.push(...(await second.poll(100)));
    return rest.length >= 4;
  });
  assert.deepEqual(rest.map((r) => `${r.partition}:${r.offset}:${r.value}`).sort(), ['0:3:v6', '0:4:v8', '1:3:v7', '1:4:v9']);
  // auto commit on close
  await second.close();
  const offsets = await admin.listConsumerGroupOffsets('g-resume');
  assert.deepEqual(offsets.map((o) => [o.partition, o.offset]), [[0, 5n], [1, 5n]]);
});

test('a pattern subscription matches whole topic names', async () => {
  const c = member('g-pattern');
  c.subscribe(/pat-.*/);
  await pollUntil([c], 'both pat topics', () => c.assignment().length === 2);
  assert.deepEqual(keys(c.assignment()), ['pat-a-0', 'pat-b-0']);
  assert.deepEqual(c.subscribedTopics(), ['pat-a', 'pat-b']);
});

test('our group and a kafkajs group on other topics at the same time', async () => {
  for (let i = 0; i < 30; i++) {
    await producer.send({ topic: 'ours', partition: i % 3, value: `o${i}` });
    await producer.send({ topic: 'theirs', partition: i % 3, value: `t${i}` });
  }
  const js = new Kafka({ clientId: 'js', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
  const jsConsumer = js.consumer({ groupId: 'g-js', heartbeatInterval: 100 });
  await jsConsumer.connect();
  await jsConsumer.subscribe({ topics: ['theirs'], fromBeginning: true });
  const theirs: string[] = [];
  await jsConsumer.run({ eachMessage: async ({ message }) => void theirs.push(String(message.value)) });
  try {
    const [a, b] = [member('g-ours'), member('g-ours')];
    a.subscribe(['ours']);
    b.subscribe(['ours']);
    const sink = new Map<KafkaGroupConsumer, ConsumerRecord[]>();
    const count = () => [...sink.values()].reduce((n, l) => n + l.length, 0);
    const settled = () => a.generationId === b.generationId && keys([...a.assignment(), ...b.assignment()]).join() === 'ours-0,ours-1,ours-2';
    await pollUntil([a, b], 'all 30 of ours, in a settled group', () => count() >= 30 && new Set(theirs).size >= 30 && settled(), sink);
    // at least once: a rebalance may hand out a record again, never lose one
    assert.deepEqual([...new Set([...sink.values()].flat().map((r) => String(r.value)))].sort(), Array.from({ length: 30 }, (_, i) => `o${i}`).sort());
    assert.deepEqual([...new Set(theirs)].sort(), Array.from({ length: 30 }, (_, i) => `t${i}`).sort());
  } finally {
    await jsConsumer.disconnect();
  }
});

test('a mixed group: our member and a kafkajs member share a topic with kafkajs round robin', async () => {
  for (let i = 0; i < 40; i++) await producer.send({ topic: 'mixed', partition: i % 4, value: `m${i}` });
  const js = new Kafka({ clientId: 'js-mixed', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 50 } });
  const jsConsumer = js.consumer({ groupId: 'g-mixed', heartbeatInterval: 100, sessionTimeout: 6000, rebalanceTimeout: 10000 });
  await jsConsumer.connect();
  await jsConsumer.subscribe({ topics: ['mixed'], fromBeginning: true });
  const theirs: string[] = [];
  await jsConsumer.run({ eachMessage: async ({ message }) => void theirs.push(String(message.value)) });
  try {
    const ours = member('g-mixed', { assignors: ['RoundRobinAssigner'], rebalanceTimeoutMs: 10000 });
    ours.subscribe(['mixed']);
    const sink = new Map<KafkaGroupConsumer, ConsumerRecord[]>();
    await pollUntil([ours], 'two partitions for our member', () => ours.assignment().length === 2, sink);
    const described = (await admin.describeGroups(['g-mixed']))[0];
    assert.equal(described.members.length, 2);
    assert.equal(described.protocol, 'RoundRobinAssigner');
    await pollUntil([ours], 'every record consumed once the group settled', () => {
      const mine = (sink.get(ours) ?? []).filter((r) => ours.assignment().some((p) => p.partition === r.partition));
      return new Set([...mine.map((r) => String(r.value)), ...theirs]).size === 40;
    }, sink);
  } finally {
    await jsConsumer.disconnect();
  }
});

test('a cooperative-sticky group of librdkafka (kcat -G) and ours: kcat revokes two partitions incrementally for our member', { skip: kcatAvailable ? false : 'kcat is not installed' }, async () => {
  const k = spawn('kcat', ['-b', kafka.bootstrap, '-G', 'g-coop', '-X', 'partition.assignment.strategy=cooperative-sticky', '-o', 'beginning', 'coop'], { stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  k.stderr.on('data', (d: Buffer) => (log += d));
  try {
    await waitFor('kcat owns the four partitions', async () => {
      const [g] = await admin.describeGroups(['g-coop']);
      return g!.state === 'Stable' && g!.members.length === 1;
    });
    const ours = member('g-coop', { assignors: ['cooperative-sticky'] });
    ours.subscribe(['coop']);
    await pollUntil([ours], 'two partitions each', () => ours.assignment().length === 2 && /incremental revoke of 2 partition/.test(log));
    const [g] = await admin.describeGroups(['g-coop']);
    assert.equal(g!.protocol, 'cooperative-sticky');
    assert.equal(g!.members.length, 2);
  } finally {
    k.kill('SIGTERM');
    await new Promise((r) => k.on('close', r));
  }
});

test('cooperative-sticky among our members: an even split', async () => {
  const [a, b] = [member('g-coop-ours', { assignors: ['cooperative-sticky', 'range'] }), member('g-coop-ours', { assignors: ['cooperative-sticky'] })];
  a.subscribe(['coop']);
  b.subscribe(['coop']);
  await pollUntil([a, b], 'two each', () => a.assignment().length === 2 && b.assignment().length === 2);
  assert.deepEqual(keys([...a.assignment(), ...b.assignment()]), ['coop-0', 'coop-1', 'coop-2', 'coop-3']);
});
