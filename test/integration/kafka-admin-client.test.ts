// The admin client's routing, per-item errors and retries, observed on a broker process of ours through a recording
// proxy (the broker advertises the proxy, so every connection passes it; a rewrite stands in for a controller move).
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { InvalidPartitionsError, KafkaAdmin, KafkaProducer, TopicAlreadyExistsError, UnknownTopicOrPartitionError } from '../../src/kafka/client/index.js';
import { BrokerProcesses, waitFor } from '../support/kafka-broker-process.js';
import { KafkaProxy } from '../support/kafka-proxy.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const AWAITING = /Awaiting socket connections on [^\s]+:(\d+)\./;

let zk: OurZk;
const processes = new BrokerProcesses();
let proxy: KafkaProxy;
let admin: KafkaAdmin;

before(async () => {
  zk = await startOurZooKeeper();
  let output = () => '';
  proxy = await KafkaProxy.start(() => waitFor('the broker\'s port', () => Number(AWAITING.exec(output())?.[1] ?? 0) || undefined, 60_000));
  const broker = processes.spawn(processes.workDir(), [
    'broker.id=3',
    `zookeeper.connect=${zk.connectString}`,
    `advertised.listeners=PLAINTEXT://127.0.0.1:${proxy.port}`,
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
  ]);
  output = broker.output;
  await broker.started;
  admin = new KafkaAdmin({ bootstrapServers: `127.0.0.1:${proxy.port}`, retryBackoffMs: 5 });
});
after(async () => {
  await admin?.close();
  await proxy?.stop();
  await processes.cleanup();
  await zk?.stop();
});
beforeEach(() => {
  proxy.rewrite = undefined;
  proxy.exchanges.length = 0;
});

test('createTopics retries the topics the broker answered NOT_CONTROLLER, after refreshing metadata', async () => {
  let first = true;
  proxy.rewrite = (apiKey, _version, _request, response) => {
    if (apiKey !== ApiKey.CreateTopics || !first) return undefined;
    first = false;
    return { ...response, topics: response.topics.map((t: any) => (t.name === 'b' ? { ...t, errorCode: 41, errorMessage: null } : t)) };
  };
  // The broker created 'b' before its answer was replaced: the retry then meets TOPIC_ALREADY_EXISTS, as a real
  // client would after a controller move; only 'b' is sent again.
  await assert.rejects(admin.createTopics([{ name: 'a', numPartitions: 2 }, { name: 'b' }]), TopicAlreadyExistsError);
  const creates = proxy.requests(ApiKey.CreateTopics).map((r) => r.body.topics.map((t: any) => t.name));
  assert.deepEqual(creates, [['a', 'b'], ['b']]);
  const metadataIndex = proxy.exchanges.findIndex((e) => e.apiKey === ApiKey.Metadata && proxy.exchanges.indexOf(proxy.requests(ApiKey.CreateTopics)[0]!) < proxy.exchanges.indexOf(e));
  assert.ok(metadataIndex >= 0 && metadataIndex < proxy.exchanges.indexOf(proxy.requests(ApiKey.CreateTopics)[1]!), 'metadata is refreshed before the retry');
  assert.deepEqual(await admin.listTopics(), ['a', 'b']);
});

test('describeTopics, createPartitions and deleteTopics, with typed errors for the broker\'s refusals', async () => {
  const [a] = await admin.describeTopics(['a']);
  assert.deepEqual(a!.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]), [[0, 3, [3], [3]], [1, 3, [3], [3]]]);
  await assert.rejects(admin.describeTopics(['zz']), UnknownTopicOrPartitionError);
  await admin.createPartitions([{ topic: 'a', count: 4 }]);
  await waitFor('the new partitions', async () => (await admin.describeTopics(['a']))[0]!.partitions.length === 4, 30_000);
  await assert.rejects(admin.createPartitions([{ topic: 'a', count: 2 }]), (err: Error) => err instanceof InvalidPartitionsError && /higher than the requested 2/.test(err.message));
  await admin.deleteTopics(['b']);
  await waitFor('b gone', async () => (await admin.listTopics()).join() === 'a', 30_000);
  await assert.rejects(admin.deleteTopics(['b']), UnknownTopicOrPartitionError);
});

test('listOffsets and deleteRecords go to partition leaders', async () => {
  const producer = new KafkaProducer({ bootstrapServers: `127.0.0.1:${proxy.port}` });
  try {
    for (let i = 0; i < 3; i++) await producer.send({ topic: 'a', partition: 1, value: String(i) });
  } finally {
    await producer.close();
  }
  const offsets = await admin.listOffsets([
    { topic: 'a', partition: 1, spec: 'earliest' },
    { topic: 'a', partition: 0, spec: 'latest' },
  ]);
  assert.equal(offsets.get('a-1')!.offset, 0n);
  assert.equal(offsets.get('a-0')!.offset, 0n);
  assert.equal((await admin.listOffsets([{ topic: 'a', partition: 1, spec: 'latest' }])).get('a-1')!.offset, 3n);
  assert.equal((await admin.deleteRecords([{ topic: 'a', partition: 1, offset: 2n }])).get('a-1'), 2n);
  assert.ok(proxy.requests(ApiKey.DeleteRecords).length >= 1 && proxy.requests(ApiKey.ListOffsets).length >= 2);
});

test('group offsets: alter, list, delete at the coordinator; listGroups asks every broker', async () => {
  await admin.alterConsumerGroupOffsets('g', [{ topic: 'a', partition: 0, offset: 5n }, { topic: 'a', partition: 1, offset: 9n }]);
  assert.deepEqual((await admin.listConsumerGroupOffsets('g')).map((o) => [o.topic, o.partition, o.offset]), [['a', 0, 5n], ['a', 1, 9n]]);
  await admin.deleteConsumerGroupOffsets('g', [{ topic: 'a', partitions: [0] }]);
  assert.deepEqual((await admin.listConsumerGroupOffsets('g')).map((o) => o.partition), [1]);
  assert.deepEqual((await admin.listGroups()).map((g) => g.groupId), ['g']);
  const commit = proxy.requests(ApiKey.OffsetCommit).find((r) => r.response?.topics.every((t: any) => t.partitions.every((p: any) => p.errorCode === 0)))!;
  assert.equal(commit.body.generationIdOrMemberEpoch, -1);
  assert.equal(commit.body.memberId, '');
  // While __consumer_offsets is being created the coordinator may not be known yet; once found it is cached.
  const finds = proxy.requests(ApiKey.FindCoordinator);
  const answered = (r: any) => (r.coordinators?.length > 0 ? r.coordinators.every((c: any) => c.errorCode === 0) : r.errorCode === 0);
  const found = finds.findIndex((f) => f.response !== undefined && answered(f.response));
  assert.ok(found >= 0);
  assert.equal(finds.length - 1, found, 'the coordinator is looked up until found, then cached');
  assert.equal(proxy.requests(ApiKey.ListGroups).length, 1, 'one broker, asked once');
});
