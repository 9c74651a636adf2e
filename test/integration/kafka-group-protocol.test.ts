// The group coordinator's APIs through a real broker socket: the request bodies kafkajs recorded (FindCoordinator,
// JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch, DescribeGroups) sent as they are, each
// answer decoded at its version and re-encoded to the very bytes received, with the values Kafka 2.8 gives for a
// broker that has never seen these groups; then the versions kafkajs does not send, through our own encoder.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import {
  ApiKey,
  decodeMessage,
  decodeResponse,
  encodeRequest,
  encodeResponse,
  ErrorCode,
  REQUEST_SCHEMAS,
  type ApiMessages,
  type MessageSchema,
} from '../../src/kafka/protocol/index.js';
import { OFFSETS_TOPIC } from '../../src/kafka/broker/groups/offsets-batches.js';
import { partitionForGroup } from '../../src/kafka/coordinator/group-partition.js';
import { KAFKAJS_FIXTURES_DIR } from '../support/fixtures-dir.js';
import { FrameSocket } from '../support/frame-socket.js';
import { GROUP_BROKER_ID, startGroupBroker, type GroupBroker } from '../support/group-broker.js';

const skip = existsSync(KAFKAJS_FIXTURES_DIR) ? false : `kafkajs fixtures not found at ${KAFKAJS_FIXTURES_DIR}`;

let broker: GroupBroker;
let socket: FrameSocket;
let correlationId = 100;

before(async () => {
  broker = await startGroupBroker({ offsetsPartitions: 5, topics: { 'known-topic': 2 } });
  socket = await FrameSocket.open(broker.port);
  await waitUntilLoaded();
});

after(async () => {
  socket?.destroy();
  await broker?.close();
});

/** Sends a request frame whose body is given as bytes; returns the response frame (size prefix included). */
async function exchange(apiKey: number, apiVersion: number, body: Buffer): Promise<{ frame: Buffer; correlationId: number }> {
  const id = correlationId++;
  const clientId = Buffer.from('kafkajs');
  const header = Buffer.alloc(10 + clientId.length);
  header.writeInt16BE(apiKey, 0);
  header.writeInt16BE(apiVersion, 2);
  header.writeInt32BE(id, 4);
  header.writeInt16BE(clientId.length, 8);
  clientId.copy(header, 10);
  const size = Buffer.alloc(4);
  size.writeInt32BE(header.length + body.length);
  socket.send(Buffer.concat([size, header, body]));
  assert.ok(await socket.waitForFrame(10_000), `no answer to api ${apiKey} v${apiVersion}`);
  return { frame: socket.take(), correlationId: id };
}

/** Decodes the answer and checks it re-encodes to exactly the bytes received. */
function decodeWellFormed<K extends ApiKey>(apiKey: K, apiVersion: number, sent: { frame: Buffer; correlationId: number }): ApiMessages[K]['response'] {
  const { correlationId: answeredId, body } = decodeResponse(apiKey, apiVersion, sent.frame, 4);
  assert.equal(answeredId, sent.correlationId);
  assert.deepEqual(Buffer.concat(encodeResponse(apiKey, apiVersion, answeredId, body)), sent.frame, `api ${apiKey} v${apiVersion} answer is not canonical`);
  return body;
}

/** A request encoded by our codec (any version, flexible ones with header v2), answered and checked. */
async function call<K extends ApiKey>(apiKey: K, apiVersion: number, request: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
  const id = correlationId++;
  socket.send(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: id, clientId: 'kafkajs' }, request)));
  assert.ok(await socket.waitForFrame(10_000), `no answer to api ${apiKey} v${apiVersion}`);
  return decodeWellFormed(apiKey, apiVersion, { frame: socket.take(), correlationId: id });
}

async function waitUntilLoaded(): Promise<void> {
  const deadline = Date.now() + 10_000;
  for (;;) {
    const answer = decodeWellFormed(ApiKey.ListGroups, 0, await exchange(ApiKey.ListGroups, 0, Buffer.alloc(0)));
    if (answer.errorCode === ErrorCode.NONE) return;
    assert.equal(answer.errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
    assert.ok(Date.now() < deadline, '__consumer_offsets never finished loading');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

function fixtureFiles(api: string): { file: string; version: number; body: Buffer }[] {
  if (skip) return [];
  return readdirSync(path.join(KAFKAJS_FIXTURES_DIR, api))
    .filter((f) => /^v\d+_request[^/]*\.json$/.test(f))
    .sort()
    .map((file) => ({
      file,
      version: Number(/^v(\d+)/.exec(file)![1]),
      body: Buffer.from((JSON.parse(readFileSync(path.join(KAFKAJS_FIXTURES_DIR, api, file), 'utf8')) as { data: number[] }).data),
    }));
}

function decodeRequestBody<K extends ApiKey>(apiKey: K, version: number, body: Buffer): ApiMessages[K]['request'] {
  return decodeMessage((REQUEST_SCHEMAS as Record<number, MessageSchema>)[apiKey]!, version, body);
}

test('FindCoordinator fixtures find this broker at its bound port', { skip }, async () => {
  for (const f of fixtureFiles('findCoordinator')) {
    const answer = decodeWellFormed(ApiKey.FindCoordinator, f.version, await exchange(ApiKey.FindCoordinator, f.version, f.body));
    assert.equal(answer.errorCode, ErrorCode.NONE, f.file);
    assert.deepEqual([answer.nodeId, answer.host, answer.port], [GROUP_BROKER_ID, '127.0.0.1', broker.port], f.file);
    if (f.version >= 1) assert.equal(answer.errorMessage, 'NONE');
  }
});

test('JoinGroup fixtures create one-member groups led by the new member', { skip }, async () => {
  const members = new Map<string, string>();
  for (const f of fixtureFiles('joinGroup').filter((x) => !x.file.includes('assigner'))) {
    const request = decodeRequestBody(ApiKey.JoinGroup, f.version, f.body);
    // Two fixtures share a group: the earlier member leaves first, else the join would wait for it to rejoin.
    const earlier = members.get(request.groupId);
    if (earlier !== undefined) assert.equal((await call(ApiKey.LeaveGroup, 1, { groupId: request.groupId, memberId: earlier })).errorCode, ErrorCode.NONE);
    const answer = decodeWellFormed(ApiKey.JoinGroup, f.version, await exchange(ApiKey.JoinGroup, f.version, f.body));
    assert.equal(answer.errorCode, ErrorCode.NONE, f.file);
    // A fresh group starts at generation 1; the shared one went through a rebalance to Empty when its member left.
    if (earlier === undefined) assert.equal(answer.generationId, 1, f.file);
    else assert.ok(answer.generationId > 1, f.file);
    assert.equal(answer.protocolName, request.protocols[0]!.name, f.file);
    assert.equal(answer.leader, answer.memberId, f.file);
    // Kafka's member ids: the client id, a dash and a UUID (or the group.instance.id for a static member).
    assert.match(answer.memberId, new RegExp(`^${request.groupInstanceId ?? 'kafkajs'}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$`), f.file);
    assert.deepEqual(answer.members.map((m) => [m.memberId, m.metadata]), [[answer.memberId, request.protocols[0]!.metadata]], f.file);
    members.set(request.groupId, answer.memberId);
  }
});

test('SyncGroup, Heartbeat and LeaveGroup fixtures of unknown groups answer UNKNOWN_MEMBER_ID', { skip }, async () => {
  for (const f of fixtureFiles('syncGroup')) {
    const answer = decodeWellFormed(ApiKey.SyncGroup, f.version, await exchange(ApiKey.SyncGroup, f.version, f.body));
    assert.equal(answer.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, f.file);
    assert.equal(answer.assignment.length, 0);
  }
  for (const f of fixtureFiles('heartbeat')) {
    const answer = decodeWellFormed(ApiKey.Heartbeat, f.version, await exchange(ApiKey.Heartbeat, f.version, f.body));
    assert.equal(answer.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, f.file);
  }
  for (const f of fixtureFiles('leaveGroup')) {
    const request = decodeRequestBody(ApiKey.LeaveGroup, f.version, f.body);
    const answer = decodeWellFormed(ApiKey.LeaveGroup, f.version, await exchange(ApiKey.LeaveGroup, f.version, f.body));
    if (f.version < 3) {
      assert.equal(answer.errorCode, ErrorCode.UNKNOWN_MEMBER_ID, f.file);
    } else {
      assert.equal(answer.errorCode, ErrorCode.NONE, f.file);
      assert.deepEqual(answer.members, request.members!.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId, errorCode: ErrorCode.UNKNOWN_MEMBER_ID })), f.file);
    }
  }
});

test('OffsetCommit fixtures commit standalone offsets (and are refused for a generation the group never had); OffsetFetch reads them back', { skip }, async () => {
  const committed = new Map<string, bigint>();
  for (const f of fixtureFiles('offsetCommit')) {
    const request = decodeRequestBody(ApiKey.OffsetCommit, f.version, f.body);
    for (const t of request.topics) broker.metadata.addTopic(t.name, 1 + Math.max(...t.partitions.map((p) => p.partitionIndex)));
    const answer = decodeWellFormed(ApiKey.OffsetCommit, f.version, await exchange(ApiKey.OffsetCommit, f.version, f.body));
    const generation = f.version === 0 ? -1 : (request.generationIdOrMemberEpoch ?? -1);
    const expected = generation < 0 ? ErrorCode.NONE : ErrorCode.ILLEGAL_GENERATION;
    assert.deepEqual(
      answer.topics,
      request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: expected })) })),
      f.file,
    );
    if (expected === ErrorCode.NONE) for (const t of request.topics) for (const p of t.partitions) committed.set(`${request.groupId}/${t.name}/${p.partitionIndex}`, p.committedOffset);
  }
  assert.ok(committed.size > 0, 'no fixture committed anything');
  for (const [key, offset] of committed) {
    const [groupId, topic, partition] = key.split('/') as [string, string, string];
    const answer = await call(ApiKey.OffsetFetch, 1, { groupId, topics: [{ name: topic, partitionIndexes: [Number(partition)] }] });
    assert.deepEqual(
      answer.topics!.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])]),
      [[topic, [[Number(partition), offset, ErrorCode.NONE]]]],
    );
  }
  for (const f of fixtureFiles('offsetFetch')) {
    const request = decodeRequestBody(ApiKey.OffsetFetch, f.version, f.body);
    const answer = decodeWellFormed(ApiKey.OffsetFetch, f.version, await exchange(ApiKey.OffsetFetch, f.version, f.body));
    if (f.version >= 2) assert.equal(answer.errorCode, ErrorCode.NONE, f.file);
    assert.deepEqual(
      answer.topics!.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode])]),
      request.topics!.map((t) => [t.name, t.partitionIndexes.map((p) => [p, -1n, ErrorCode.NONE])]),
      f.file,
    );
  }
});

test('DescribeGroups fixtures of unknown groups answer them Dead', { skip }, async () => {
  for (const f of fixtureFiles('describeGroups')) {
    const request = decodeRequestBody(ApiKey.DescribeGroups, f.version, f.body);
    const answer = decodeWellFormed(ApiKey.DescribeGroups, f.version, await exchange(ApiKey.DescribeGroups, f.version, f.body));
    assert.deepEqual(
      answer.groups.map((g) => [g.groupId, g.errorCode, g.groupState, g.members.length]),
      request.groups.map((g) => [g, ErrorCode.NONE, 'Dead', 0]),
      f.file,
    );
  }
});

test('FindCoordinator v4 answers each batched key; transaction keys get COORDINATOR_NOT_AVAILABLE', async () => {
  const answer = await call(ApiKey.FindCoordinator, 4, { keyType: 0, coordinatorKeys: ['a', 'b'] });
  assert.deepEqual(answer.coordinators!.map((c) => [c.key, c.nodeId, c.host, c.port, c.errorCode, c.errorMessage]), [
    ['a', GROUP_BROKER_ID, '127.0.0.1', broker.port, 0, 'NONE'],
    ['b', GROUP_BROKER_ID, '127.0.0.1', broker.port, 0, 'NONE'],
  ]);
  const txn = await call(ApiKey.FindCoordinator, 3, { key: 'txn', keyType: 1 });
  assert.deepEqual([txn.errorCode, txn.nodeId, txn.host, txn.port], [ErrorCode.COORDINATOR_NOT_AVAILABLE, -1, '', -1]);
});

test('a consumer group through the flexible versions: join (MEMBER_ID_REQUIRED first), sync, commit, fetch batched, list by state, delete offsets and the group', async () => {
  const groupId = 'flexible-group';
  const first = await call(ApiKey.JoinGroup, 7, {
    groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: '', groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('x') }],
  });
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  const joined = await call(ApiKey.JoinGroup, 7, {
    groupId, sessionTimeoutMs: 10_000, rebalanceTimeoutMs: 10_000, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer',
    protocols: [{ name: 'range', metadata: Buffer.from('x') }],
  });
  assert.deepEqual([joined.errorCode, joined.generationId, joined.protocolType, joined.protocolName, joined.leader], [0, 1, 'consumer', 'range', first.memberId]);
  const synced = await call(ApiKey.SyncGroup, 5, {
    groupId, generationId: 1, memberId: first.memberId, groupInstanceId: null, protocolType: 'consumer', protocolName: 'range',
    assignments: [{ memberId: first.memberId, assignment: Buffer.from('a') }],
  });
  assert.deepEqual([synced.errorCode, synced.protocolType, synced.protocolName, synced.assignment], [0, 'consumer', 'range', Buffer.from('a')]);
  assert.equal((await call(ApiKey.Heartbeat, 4, { groupId, generationId: 1, memberId: first.memberId, groupInstanceId: null })).errorCode, 0);

  const commit = await call(ApiKey.OffsetCommit, 8, {
    groupId, generationIdOrMemberEpoch: 1, memberId: first.memberId, groupInstanceId: null,
    topics: [
      { name: 'known-topic', partitions: [{ partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: 3, committedMetadata: 'meta' }] },
      { name: 'missing-topic', partitions: [{ partitionIndex: 0, committedOffset: 1n, committedLeaderEpoch: -1, committedMetadata: null }] },
    ],
  });
  assert.deepEqual(commit.topics.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.errorCode])]), [
    ['known-topic', [[1, 0]]],
    ['missing-topic', [[0, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
  ]);
  const fetched = await call(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: null }, { groupId: '', topics: null }], requireStable: true });
  assert.deepEqual(fetched.groups, [
    { groupId, errorCode: 0, topics: [{ name: 'known-topic', partitions: [{ partitionIndex: 1, committedOffset: 11n, committedLeaderEpoch: 3, metadata: 'meta', errorCode: 0 }] }] },
    { groupId: '', errorCode: 0, topics: [] },
  ]);

  const stable = await call(ApiKey.ListGroups, 4, { statesFilter: ['Stable'] });
  assert.deepEqual(stable.groups.filter((g) => g.groupId === groupId).map((g) => [g.protocolType, g.groupState]), [['consumer', 'Stable']]);
  assert.deepEqual((await call(ApiKey.ListGroups, 4, { statesFilter: ['Dead'] })).groups, []);
  const described = await call(ApiKey.DescribeGroups, 5, { groups: [groupId], includeAuthorizedOperations: true });
  assert.deepEqual(described.groups.map((g) => [g.groupState, g.protocolType, g.protocolData, g.authorizedOperations, g.members.map((m) => [m.memberId, m.clientId, m.clientHost])]), [
    ['Stable', 'consumer', 'range', 328, [[first.memberId, 'kafkajs', '/127.0.0.1']]],
  ]);

  // Offsets of a subscribed topic cannot be deleted while the group consumes it... unless nobody subscribes: 'x' is
  // not a consumer subscription, so the group subscribes to nothing and the offset goes.
  const deleted = await call(ApiKey.OffsetDelete, 0, { groupId, topics: [{ name: 'known-topic', partitions: [{ partitionIndex: 1 }] }, { name: 'missing-topic', partitions: [{ partitionIndex: 0 }] }] });
  assert.equal(deleted.errorCode, 0);
  assert.deepEqual(deleted.topics.map((t) => [t.name, t.partitions.map((p) => p.errorCode)]), [['known-topic', [ErrorCode.NONE]], ['missing-topic', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]]);

  const nonEmpty = await call(ApiKey.DeleteGroups, 2, { groupsNames: [groupId] });
  assert.deepEqual(nonEmpty.results, [{ groupId, errorCode: ErrorCode.NON_EMPTY_GROUP }]);
  const left = await call(ApiKey.LeaveGroup, 4, { groupId, members: [{ memberId: first.memberId, groupInstanceId: null }] });
  assert.deepEqual([left.errorCode, left.members], [0, [{ memberId: first.memberId, groupInstanceId: null, errorCode: 0 }]]);
  const gone = await call(ApiKey.DeleteGroups, 2, { groupsNames: [groupId, 'never-existed'] });
  // Kafka answers the failures first, then the deleted groups.
  assert.deepEqual(gone.results, [{ groupId: 'never-existed', errorCode: ErrorCode.GROUP_ID_NOT_FOUND }, { groupId, errorCode: 0 }]);
});

test('TxnOffsetCommit v0-v3 write pending offsets: OffsetFetch v7 require_stable answers UNSTABLE_OFFSET_COMMIT until the marker', async () => {
  const groupId = 'txn-wire-group';
  const partition = partitionForGroup(groupId, 5);
  const before = broker.partitions.appendCalls.length;
  const commit = (version: number, offset: bigint, topic = 'known-topic') =>
    call(ApiKey.TxnOffsetCommit, version, {
      transactionalId: 'txn-1', groupId, producerId: 7000n, producerEpoch: 1, generationId: -1, memberId: '', groupInstanceId: null,
      topics: [{ name: topic, partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: 2, committedMetadata: null }] }],
    });
  for (const version of [0, 1, 2, 3]) {
    assert.deepEqual((await commit(version, BigInt(10 + version))).topics, [{ name: 'known-topic', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }], `v${version}`);
  }
  assert.deepEqual((await commit(3, 1n, 'missing-topic')).topics, [{ name: 'missing-topic', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION }] }]);
  assert.deepEqual(broker.partitions.appendCalls.slice(before).map((c) => [c.topic, c.partition, c.origin]), Array(4).fill([OFFSETS_TOPIC, partition, 'coordinator']));
  const fetch = (requireStable: boolean) => call(ApiKey.OffsetFetch, 7, { groupId, topics: [{ name: 'known-topic', partitionIndexes: [0] }], requireStable });
  assert.deepEqual((await fetch(true)).topics, [{ name: 'known-topic', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }] }]);
  assert.deepEqual((await fetch(false)).topics, [{ name: 'known-topic', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: 0 }] }]);
});

test('FindCoordinator answers COORDINATOR_NOT_AVAILABLE while __consumer_offsets is missing, asking for its creation each time none is in flight', async () => {
  const lone = await startGroupBroker({ offsetsTopicExists: false, offsetsPartitions: 7, creationResult: ErrorCode.INVALID_REPLICATION_FACTOR });
  const raw = await FrameSocket.open(lone.port);
  try {
    for (let i = 0; i < 2; i++) {
      const id = 500 + i;
      raw.send(Buffer.concat(encodeRequest({ apiKey: ApiKey.FindCoordinator, apiVersion: 2, correlationId: id, clientId: 'c' }, { key: 'g', keyType: 0 })));
      assert.ok(await raw.waitForFrame(10_000));
      const answer = decodeWellFormed(ApiKey.FindCoordinator, 2, { frame: raw.take(), correlationId: id });
      assert.deepEqual([answer.errorCode, answer.errorMessage, answer.nodeId, answer.host, answer.port], [
        ErrorCode.COORDINATOR_NOT_AVAILABLE, 'The coordinator is not available.', -1, '', -1,
      ]);
    }
    assert.ok(lone.creations.length >= 1 && lone.creations.length <= 2);
    assert.deepEqual(lone.creations.map((c) => [c.name, c.numPartitions, c.replicationFactor, c.configs['cleanup.policy']]), lone.creations.map(() => ['__consumer_offsets', 7, 1, 'compact']));
  } finally {
    raw.destroy();
    await lone.close();
  }
});

test('once this broker stops leading a group partition, each API answers NOT_COORDINATOR in its version shape', async () => {
  const groupId = 'moved-group';
  const partition = partitionForGroup(groupId, 5);
  broker.partitions.resign(OFFSETS_TOPIC, partition, 1);
  try {
    const v1 = await call(ApiKey.OffsetFetch, 1, { groupId, topics: [{ name: 'known-topic', partitionIndexes: [0, 1] }] });
    assert.deepEqual(v1.topics!.map((t) => [t.name, t.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.metadata, p.errorCode])]), [
      ['known-topic', [[0, -1n, '', ErrorCode.NOT_COORDINATOR], [1, -1n, '', ErrorCode.NOT_COORDINATOR]]],
    ]);
    const v3 = await call(ApiKey.OffsetFetch, 3, { groupId, topics: [{ name: 'known-topic', partitionIndexes: [0] }] });
    assert.deepEqual([v3.errorCode, v3.topics], [ErrorCode.NOT_COORDINATOR, []]);
    const v8 = await call(ApiKey.OffsetFetch, 8, { groups: [{ groupId, topics: null }], requireStable: false });
    assert.deepEqual(v8.groups!.map((g) => [g.groupId, g.errorCode, g.topics]), [[groupId, ErrorCode.NOT_COORDINATOR, []]]);
    const commit = await call(ApiKey.OffsetCommit, 2, {
      groupId, generationIdOrMemberEpoch: -1, memberId: '', retentionTimeMs: -1n,
      topics: [{ name: 'known-topic', partitions: [{ partitionIndex: 0, committedOffset: 5n, committedMetadata: null }] }],
    });
    assert.deepEqual(commit.topics[0]!.partitions, [{ partitionIndex: 0, errorCode: ErrorCode.NOT_COORDINATOR }]);
    const join = await call(ApiKey.JoinGroup, 0, { groupId, sessionTimeoutMs: 10_000, memberId: '', protocolType: 'consumer', protocols: [{ name: 'range', metadata: Buffer.alloc(0) }] });
    assert.deepEqual([join.errorCode, join.generationId, join.protocolName, join.leader, join.memberId, join.members], [ErrorCode.NOT_COORDINATOR, -1, '', '', '', []]);
    assert.equal((await call(ApiKey.Heartbeat, 0, { groupId, generationId: 1, memberId: 'm' })).errorCode, ErrorCode.NOT_COORDINATOR);
    assert.equal((await call(ApiKey.LeaveGroup, 0, { groupId, memberId: 'm' })).errorCode, ErrorCode.NOT_COORDINATOR);
    const described = await call(ApiKey.DescribeGroups, 0, { groups: [groupId] });
    assert.deepEqual(described.groups.map((g) => [g.groupId, g.errorCode, g.groupState]), [[groupId, ErrorCode.NOT_COORDINATOR, '']]);
    assert.deepEqual((await call(ApiKey.DeleteGroups, 0, { groupsNames: [groupId] })).results, [{ groupId, errorCode: ErrorCode.NOT_COORDINATOR }]);
  } finally {
    await broker.partitions.lead(OFFSETS_TOPIC, partition, 2);
    await waitUntilLoaded();
  }
});

test('ApiVersions advertises the group APIs with Kafka 2.8.2 ranges, and FindCoordinator v4, OffsetFetch v8', async () => {
  const answer = await call(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  const groupKeys = new Set<number>([8, 9, 10, 11, 12, 13, 14, 15, 16, 28, 42, 47]);
  assert.deepEqual(answer.apiKeys.filter((k) => groupKeys.has(k.apiKey)).map((k) => [k.apiKey, k.minVersion, k.maxVersion]), [
    [8, 0, 8], [9, 0, 8], [10, 0, 4], [11, 0, 7], [12, 0, 4], [13, 0, 4], [14, 0, 5], [15, 0, 5], [16, 0, 4], [28, 0, 3], [42, 0, 2], [47, 0, 0],
  ]);
});
