// kafkajs's admin client against an in-process broker serving the group APIs (__consumer_offsets in real Logs, led
// by this broker; a static metadata until the ZooKeeper-fed cache lands): the offsets topic is created on the first
// FindCoordinator, then listGroups, describeGroups, fetchOffsets and deleteGroups over a group whose member joins
// with raw requests. setOffsets/resetOffsets (they run a kafkajs consumer) and a full consumer group run need Fetch,
// ListOffsets and Produce, which other parts of the broker serve: those tests are skipped, saying so, until the
// broker advertises them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol, Kafka, logLevel, type Admin } from 'kafkajs';
import { OFFSETS_TOPIC } from '../../src/kafka/broker/groups/offsets-batches.js';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode, type ApiMessages } from '../../src/kafka/protocol/index.js';
import { FrameSocket } from '../support/frame-socket.js';
import { startGroupBroker, type GroupBroker } from '../support/group-broker.js';

const TOPIC = 'orders';
let broker: GroupBroker;
let kafka: Kafka;
let admin: Admin;

before(async () => {
  broker = await startGroupBroker({ offsetsPartitions: 4, offsetsTopicExists: false, topics: { [TOPIC]: 3 } });
  kafka = new Kafka({ clientId: 'groups-test', brokers: [`127.0.0.1:${broker.port}`], logLevel: logLevel.NOTHING, retry: { retries: 8, initialRetryTime: 50, maxRetryTime: 500 } });
  admin = kafka.admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect();
  await broker?.close();
});

test('describeGroups creates __consumer_offsets through the TopicCreator, then describes an unknown group as Dead', async () => {
  const described = await admin.describeGroups(['nobody']);
  assert.deepEqual(described.groups.map((g) => [g.groupId, g.state, g.members.length]), [['nobody', 'Dead', 0]]);
  assert.deepEqual(broker.creations, [
    {
      name: OFFSETS_TOPIC,
      numPartitions: 4,
      replicationFactor: 1,
      assignments: new Map(),
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': '104857600', 'compression.type': 'producer' },
    },
  ]);
});

/** A consumer-protocol member joined and synced over raw requests, with offsets committed in its generation. */
async function rawMember(groupId: string, offsets: Record<number, bigint>): Promise<{ memberId: string; leave(): Promise<number> }> {
  const socket = await FrameSocket.open(broker.port);
  let correlationId = 1;
  const call = async <K extends ApiKey>(apiKey: K, apiVersion: number, request: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> => {
    const id = correlationId++;
    socket.send(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: id, clientId: 'raw-member' }, request)));
    assert.ok(await socket.waitForFrame(10_000), `no answer to api ${apiKey}`);
    return decodeResponse(apiKey, apiVersion, socket.take(), 4).body;
  };
  const metadata = AssignerProtocol.MemberMetadata.encode({ version: 1, topics: [TOPIC], userData: Buffer.alloc(0) });
  const join = (memberId: string) =>
    call(ApiKey.JoinGroup, 5, { groupId, sessionTimeoutMs: 30_000, rebalanceTimeoutMs: 30_000, memberId, groupInstanceId: null, protocolType: 'consumer', protocols: [{ name: 'RoundRobinAssigner', metadata }] });
  const first = await join('');
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await join(first.memberId);
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const assignment = AssignerProtocol.MemberAssignment.encode({ version: 1, assignment: { [TOPIC]: [0, 1, 2] }, userData: Buffer.alloc(0) });
  const synced = await call(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId: null, assignments: [{ memberId: joined.memberId, assignment }] });
  assert.equal(synced.errorCode, ErrorCode.NONE);
  const committed = await call(ApiKey.OffsetCommit, 5, {
    groupId, generationIdOrMemberEpoch: joined.generationId, memberId: joined.memberId,
    topics: [{ name: TOPIC, partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o, committedMetadata: null })) }],
  });
  assert.deepEqual(committed.topics[0]!.partitions.map((p) => p.errorCode), Object.keys(offsets).map(() => ErrorCode.NONE));
  return {
    memberId: joined.memberId,
    async leave() {
      const left = await call(ApiKey.LeaveGroup, 1, { groupId, memberId: joined.memberId });
      socket.destroy();
      return left.errorCode;
    },
  };
}

test('listGroups, describeGroups and fetchOffsets see a consumer group and its commits', async () => {
  const member = await rawMember('billing', { 0: 12n, 2: 40n });
  const offsets = await admin.fetchOffsets({ groupId: 'billing', topics: [TOPIC] });
  assert.deepEqual(offsets, [
    {
      topic: TOPIC,
      partitions: [
        { partition: 0, offset: '12', metadata: null },
        { partition: 1, offset: '-1', metadata: null },
        { partition: 2, offset: '40', metadata: null },
      ],
    },
  ]);
  assert.deepEqual((await admin.listGroups()).groups, [{ groupId: 'billing', protocolType: 'consumer' }]);
  const [described] = (await admin.describeGroups(['billing'])).groups;
  assert.deepEqual([described!.state, described!.protocolType, described!.protocol], ['Stable', 'consumer', 'RoundRobinAssigner']);
  assert.deepEqual(described!.members.map((m) => [m.memberId, m.clientId, m.clientHost]), [[member.memberId, 'raw-member', '/127.0.0.1']]);
  assert.deepEqual(AssignerProtocol.MemberAssignment.decode(described!.members[0]!.memberAssignment)?.assignment, { [TOPIC]: [0, 1, 2] });
  // A group with a member cannot be deleted; once it left, it can.
  await assert.rejects(admin.deleteGroups(['billing']), (err: Error & { groups?: { errorCode: number }[] }) => err.groups?.[0]?.errorCode === ErrorCode.NON_EMPTY_GROUP);
  assert.equal(await member.leave(), ErrorCode.NONE);
  assert.deepEqual((await admin.describeGroups(['billing'])).groups.map((g) => [g.state, g.members.length]), [['Empty', 0]]);
});

test('setOffsets of an empty group', async () => {
  await admin.setOffsets({ groupId: 'billing', topic: TOPIC, partitions: [{ partition: 1, offset: '7' }] });
  assert.equal((await admin.fetchOffsets({ groupId: 'billing', topics: [TOPIC] }))[0]!.partitions[1]!.offset, '7');
});

test('deleteGroups removes the group and its offsets', async () => {
  const deleted = await admin.deleteGroups(['billing']);
  assert.deepEqual(deleted, [{ groupId: 'billing', errorCode: ErrorCode.NONE }]);
  assert.deepEqual((await admin.listGroups()).groups, []);
  const offsets = await admin.fetchOffsets({ groupId: 'billing', topics: [TOPIC] });
  assert.deepEqual(offsets[0]!.partitions.map((p) => p.offset), ['-1', '-1', '-1']);
});

test('a kafkajs consumer group consumes, commits and rebalances', async () => {
  const producer = kafka.producer();
  await producer.connect();
  try {
    await producer.send({ topic: TOPIC, messages: Array.from({ length: 30 }, (_, i) => ({ key: `k${i}`, value: `v${i}` })) });
  } finally {
    await producer.disconnect();
  }
  const seen = new Set<string>();
  const consumers = [kafka.consumer({ groupId: 'readers' }), kafka.consumer({ groupId: 'readers' })];
  try {
    for (const c of consumers) {
      await c.connect();
      await c.subscribe({ topic: TOPIC, fromBeginning: true });
      await c.run({ eachMessage: async ({ message }) => void seen.add(message.value!.toString()) });
    }
    const deadline = Date.now() + 30_000;
    while (seen.size < 30) {
      assert.ok(Date.now() < deadline, `consumed ${seen.size} of 30 messages`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const described = await admin.describeGroups(['readers']);
    assert.equal(described.groups[0]!.state, 'Stable');
    assert.equal(described.groups[0]!.members.length, 2);
  } finally {
    for (const c of consumers) await c.disconnect();
  }
  const offsets = await admin.fetchOffsets({ groupId: 'readers', topics: [TOPIC] });
  const total = offsets[0]!.partitions.reduce((sum, p) => sum + Number(p.offset), 0);
  assert.equal(total, 30);
});
