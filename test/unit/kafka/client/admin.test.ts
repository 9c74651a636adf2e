// The admin client's routing, per-item errors and retries, observed on the in-memory broker.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../../src/kafka/protocol/index.js';
import { InvalidPartitionsError, KafkaAdmin, KafkaProducer, TopicAlreadyExistsError, UnknownTopicOrPartitionError } from '../../../../src/kafka/client/index.js';
import { FakeKafka } from '../../../support/fake-kafka.js';

let fake: FakeKafka;
let admin: KafkaAdmin;

before(async () => {
  fake = await FakeKafka.start(3);
  admin = new KafkaAdmin({ bootstrapServers: fake.bootstrap, retryBackoffMs: 5 });
});
after(async () => {
  await admin.close();
  await fake.stop();
});
beforeEach(() => {
  fake.intercept = undefined;
  fake.requests.length = 0;
});

test('createTopics retries the topics the broker answered NOT_CONTROLLER, after refreshing metadata', async () => {
  let first = true;
  fake.intercept = (apiKey) => {
    if (apiKey !== ApiKey.CreateTopics || !first) return undefined;
    first = false;
    return (r) => ({ ...r, topics: r.topics.map((t: any) => (t.name === 'b' ? { ...t, errorCode: 41 } : t)) });
  };
  // The fake created 'b' before its answer was replaced: the retry then meets TOPIC_ALREADY_EXISTS, as a real
  // client would after a controller move; only 'b' is sent again.
  await assert.rejects(admin.createTopics([{ name: 'a', numPartitions: 2 }, { name: 'b' }]), TopicAlreadyExistsError);
  const creates = fake.requests.filter((r) => r.apiKey === ApiKey.CreateTopics).map((r) => r.body.topics.map((t: any) => t.name));
  assert.deepEqual(creates, [['a', 'b'], ['b']]);
  assert.ok(fake.requests.some((r) => r.apiKey === ApiKey.Metadata));
  assert.deepEqual(await admin.listTopics(), ['a', 'b']);
});

test('describeTopics, createPartitions and deleteTopics, with typed errors for the broker\'s refusals', async () => {
  const [a] = await admin.describeTopics(['a']);
  assert.deepEqual(a.partitions.map((p) => [p.partition, p.leader, p.replicas, p.isr]), [[0, 3, [3], [3]], [1, 3, [3], [3]]]);
  await assert.rejects(admin.describeTopics(['zz']), UnknownTopicOrPartitionError);
  await admin.createPartitions([{ topic: 'a', count: 4 }]);
  assert.equal((await admin.describeTopics(['a']))[0].partitions.length, 4);
  await assert.rejects(admin.createPartitions([{ topic: 'a', count: 2 }]), (err: Error) => err instanceof InvalidPartitionsError && /higher than the requested 2/.test(err.message));
  await admin.deleteTopics(['b']);
  assert.deepEqual(await admin.listTopics(), ['a']);
  await assert.rejects(admin.deleteTopics(['b']), UnknownTopicOrPartitionError);
});

test('listOffsets and deleteRecords go to partition leaders', async () => {
  const producer = new KafkaProducer({ bootstrapServers: fake.bootstrap });
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
});

test('group offsets: alter, list, delete at the coordinator; listGroups asks every broker', async () => {
  await admin.alterConsumerGroupOffsets('g', [{ topic: 'a', partition: 0, offset: 5n }, { topic: 'a', partition: 1, offset: 9n }]);
  assert.deepEqual((await admin.listConsumerGroupOffsets('g')).map((o) => [o.topic, o.partition, o.offset]), [['a', 0, 5n], ['a', 1, 9n]]);
  await admin.deleteConsumerGroupOffsets('g', [{ topic: 'a', partitions: [0] }]);
  assert.deepEqual((await admin.listConsumerGroupOffsets('g')).map((o) => o.partition), [1]);
  assert.deepEqual((await admin.listGroups()).map((g) => g.groupId), ['g']);
  const commit = fake.requests.find((r) => r.apiKey === ApiKey.OffsetCommit)!;
  assert.equal(commit.body.generationIdOrMemberEpoch, -1);
  assert.equal(commit.body.memberId, '');
  assert.equal(fake.requests.filter((r) => r.apiKey === ApiKey.FindCoordinator).length, 1, 'the coordinator is looked up once and cached');
});
