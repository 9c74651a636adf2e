// TxnOffsetCommit (key 28) against a real broker of ours: the group checks of v3 (generation, member id,
// group.instance.id), the shapes of v0-v3, and the whole path with WriteTxnMarkers (key 27): offsets pending (OffsetFetch v7 require_stable answers UNSTABLE_OFFSET_COMMIT) until the COMMIT marker makes
// them committed or the ABORT marker drops them.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { OFFSETS_TOPIC } from '../../src/kafka/broker/groups/offsets-batches.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

const TOPIC = 'txn-orders';
let kafka: OurKafka;
let admin: KafkaAdmin;
let raw: RawKafkaClient;
let producerId: bigint;

before(async () => {
  kafka = await startOurKafka(61, ['offsets.topic.num.partitions=1']);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  await admin.createTopics([{ name: TOPIC, numPartitions: 2, replicationFactor: 1 }]);
  raw = await RawKafkaClient.connect(kafka.port);
  // FindCoordinator creates __consumer_offsets; wait until its only partition is led and loaded here.
  const deadline = Date.now() + 30_000;
  for (;;) {
    const found = await raw.request(ApiKey.FindCoordinator, 3, { key: 'probe', keyType: 0 });
    if (found.errorCode === ErrorCode.NONE) {
      const fetched = await raw.request(ApiKey.OffsetFetch, 7, { groupId: 'probe', topics: null, requireStable: true });
      if (fetched.errorCode === ErrorCode.NONE) break;
    }
    assert.ok(Date.now() < deadline, `the group coordinator did not become available (${found.errorCode})`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  const init = await raw.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(init.errorCode, ErrorCode.NONE);
  producerId = init.producerId;
});

after(async () => {
  raw?.close();
  await admin?.close();
  await kafka?.stop();
});

const txnCommit = (version: number, groupId: string, offsets: Record<number, bigint>, group: { generationId?: number; memberId?: string; groupInstanceId?: string | null } = {}, topic = TOPIC) =>
  raw.request(ApiKey.TxnOffsetCommit, version, {
    transactionalId: 'txn-app',
    groupId,
    producerId,
    producerEpoch: 0,
    generationId: group.generationId ?? -1,
    memberId: group.memberId ?? '',
    groupInstanceId: group.groupInstanceId ?? null,
    topics: [{ name: topic, partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o, committedLeaderEpoch: 4, committedMetadata: 'txn' })) }],
  });

const codes = (r: { topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[] }) =>
  r.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));

async function stableOffsets(groupId: string, requireStable: boolean): Promise<string[]> {
  const r = await raw.request(ApiKey.OffsetFetch, 7, { groupId, topics: [{ name: TOPIC, partitionIndexes: [0, 1] }], requireStable });
  assert.equal(r.errorCode, ErrorCode.NONE);
  return r.topics![0]!.partitions.map((p) => `${p.partitionIndex}:${p.committedOffset}/${p.errorCode}`);
}

/** A one-member group (static when groupInstanceId is given), Stable after SyncGroup. */
async function joinGroup(groupId: string, groupInstanceId: string | null): Promise<{ memberId: string; generationId: number }> {
  const request = { groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId, protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] };
  let joined = await raw.request(ApiKey.JoinGroup, 5, request);
  if (joined.errorCode === ErrorCode.MEMBER_ID_REQUIRED) joined = await raw.request(ApiKey.JoinGroup, 5, { ...request, memberId: joined.memberId });
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const synced = await raw.request(ApiKey.SyncGroup, 3, { groupId, generationId: joined.generationId, memberId: joined.memberId, groupInstanceId, assignments: [] });
  assert.equal(synced.errorCode, ErrorCode.NONE);
  return { memberId: joined.memberId, generationId: joined.generationId };
}

test('ApiVersions advertises TxnOffsetCommit 0-3', () => {
  const range = kafka.server.dispatcher.versionTable().find((r) => r.apiKey === ApiKey.TxnOffsetCommit);
  assert.deepEqual([range?.minVersion, range?.maxVersion], [0, 3]);
});

test('TxnOffsetCommit v3 checks generation, member id and group.instance.id of a live group; unknown partitions and an empty group id are refused', async () => {
  const groupId = 'txn-checked';
  const { memberId, generationId } = await joinGroup(groupId, 'instance-1');
  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 1n }, { memberId: 'not-a-member', generationId })), [`${TOPIC}-0:${ErrorCode.UNKNOWN_MEMBER_ID}`]);
  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 1n }, { memberId, generationId: generationId + 5 })), [`${TOPIC}-0:${ErrorCode.ILLEGAL_GENERATION}`]);
  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 1n }, { memberId: 'someone-else', generationId, groupInstanceId: 'instance-1' })), [`${TOPIC}-0:${ErrorCode.FENCED_INSTANCE_ID}`]);
  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 1n }, {}, 'no-such-topic')), [`no-such-topic-0:${ErrorCode.UNKNOWN_TOPIC_OR_PARTITION}`]);
  assert.deepEqual(codes(await txnCommit(3, '', { 0: 1n })), [`${TOPIC}-0:${ErrorCode.INVALID_GROUP_ID}`]);
  assert.deepEqual(codes(await txnCommit(0, '', { 0: 1n, 1: 1n })), [`${TOPIC}-0:${ErrorCode.INVALID_GROUP_ID}`, `${TOPIC}-1:${ErrorCode.INVALID_GROUP_ID}`]);
  // The checks passed, nothing is pending for these partitions.
  assert.deepEqual(await stableOffsets(groupId, true), ['0:-1/0', '1:-1/0']);
});

test('TxnOffsetCommit v3 offsets stay pending until the COMMIT marker; an ABORT marker drops them', async () => {
  const groupId = 'txn-app-group';
  const { memberId, generationId } = await joinGroup(groupId, null);
  const plain = await raw.request(ApiKey.OffsetCommit, 8, { groupId, generationIdOrMemberEpoch: generationId, memberId, groupInstanceId: null, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, committedOffset: 3n, committedLeaderEpoch: -1, committedMetadata: '' }] }] });
  assert.deepEqual(codes(plain), [`${TOPIC}-0:0`]);
  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 10n, 1: 11n }, { memberId, generationId })), [`${TOPIC}-0:0`, `${TOPIC}-1:0`]);
  assert.deepEqual(await stableOffsets(groupId, true), [`0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, `1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`]);
  assert.deepEqual(await stableOffsets(groupId, false), ['0:3/0', '1:-1/0']);

  const marker = async (producerEpoch: number, commit: boolean) => {
    const r = await raw.request(ApiKey.WriteTxnMarkers, 1, {
      markers: [{ producerId, producerEpoch, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: OFFSETS_TOPIC, partitionIndexes: [0] }] }],
    });
    assert.deepEqual(r.markers.flatMap((m) => m.topics.flatMap((x) => x.partitions.map((p) => p.errorCode))), [ErrorCode.NONE]);
  };
  await marker(0, true);
  assert.deepEqual(await stableOffsets(groupId, true), ['0:10/0', '1:11/0']);

  assert.deepEqual(codes(await txnCommit(3, groupId, { 0: 20n })), [`${TOPIC}-0:0`]);
  assert.deepEqual(await stableOffsets(groupId, true), [`0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, '1:11/0']);
  await marker(0, false);
  assert.deepEqual(await stableOffsets(groupId, true), ['0:10/0', '1:11/0']);
});
