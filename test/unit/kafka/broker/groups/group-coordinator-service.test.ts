// The group coordinator run by the broker adapter over real Logs: what it writes to __consumer_offsets, loading and
// unloading on leadership changes, offset expiry with tombstones, compression, commit timeouts and delayed joins.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { GroupCoordinatorService, type GroupServiceConfig } from '../../../../../src/kafka/broker/groups/group-coordinator-service.js';
import { decodeOffsetsBatches, OFFSETS_TOPIC } from '../../../../../src/kafka/broker/groups/offsets-batches.js';
import type { GroupCoordinator } from '../../../../../src/kafka/coordinator/coordinator.js';
import { isTxnMarker, type OffsetsLogEntry, type OffsetsLogRecord } from '../../../../../src/kafka/coordinator/offsets-records.js';
import type {
  CoordinatorResponse,
  DescribeGroupsResponse,
  Effect,
  HeartbeatResponse,
  JoinGroupResponse,
  ListGroupsResponse,
  OffsetCommitResponse,
  OffsetFetchResponse,
  SyncGroupResponse,
  TxnOffsetCommitResponse,
} from '../../../../../src/kafka/coordinator/types.js';
import { ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { recordBatches } from '../../../../../src/kafka/protocol/records/index.js';
import { ManualScheduler } from '../../../../../src/kafka/storage/scheduler.js';
import { TEST_CONFIG } from '../../../../support/coordinator-driver.js';
import { kafkaTempDir, readSlice } from '../../../../support/kafka-log.js';
import { LogBackedPartitions } from '../../../../support/log-partitions.js';

const CONFIG: GroupServiceConfig = {
  ...TEST_CONFIG,
  offsetsTopicNumPartitions: 1,
  offsetsRetentionMs: 60_000,
  offsetsRetentionCheckIntervalMs: 10_000,
  offsetsTopicCompressionCodec: 0,
  offsetsCommitRequiredAcks: -1,
  offsetsCommitTimeoutMs: 5_000,
  offsetsLoadBufferSizeBytes: 64,
};

const dirs: { remove(): void }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const d of dirs) d.remove();
});

interface Rig {
  partitions: LogBackedPartitions;
  clock: ManualScheduler;
  service: GroupCoordinatorService;
  logLines: string[];
}

function rig(config: Partial<GroupServiceConfig> = {}, dir?: string): Rig {
  const path = dir ?? (() => {
    const d = kafkaTempDir('groups-');
    dirs.push(d);
    return d.path;
  })();
  const partitions = new LogBackedPartitions(path);
  const clock = new ManualScheduler(1_700_000_000_000);
  const logLines: string[] = [];
  let uuid = 0;
  const service = new GroupCoordinatorService({
    config: { ...CONFIG, ...config },
    partitions,
    clock,
    scheduler: clock,
    log: (level, message) => logLines.push(`${level} ${message}`),
    brokerId: 1,
    newUuid: () => `uuid-${++uuid}`,
  });
  cleanups.push(() => service.shutdown(), () => partitions.close());
  return { partitions, clock, service, logLines };
}

async function lead(r: Rig, epoch: number): Promise<void> {
  await r.partitions.lead(OFFSETS_TOPIC, 0, epoch);
  await r.service.settled();
}

/** Waits (bounded) for a promise that settles through the event loop (appends on disk). */
async function settle<T>(p: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} not answered within 5 s`)), 5000)));
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

function call<R extends CoordinatorResponse>(r: Rig, fn: (c: GroupCoordinator, now: number, id: number) => Effect[]): Promise<R> {
  return r.service.request<R>(fn);
}

const join = (r: Rig, groupId: string, memberId = '', apiVersion = 3) =>
  call<JoinGroupResponse>(r, (c, now, id) =>
    c.joinGroup(now, id, {
      apiVersion,
      groupId,
      sessionTimeoutMs: 10_000,
      rebalanceTimeoutMs: 10_000,
      memberId,
      groupInstanceId: null,
      protocolType: 'consumer',
      protocols: [{ name: 'range', metadata: Buffer.from('sub') }],
      clientId: 'client-1',
      clientHost: '/127.0.0.1',
    }),
  );

const commit = (r: Rig, groupId: string, generationId: number, memberId: string, offset: bigint) =>
  call<OffsetCommitResponse>(r, (c, now, id) =>
    c.commitOffsets(now, id, {
      apiVersion: 8,
      groupId,
      generationId,
      memberId,
      groupInstanceId: null,
      retentionTimeMs: -1,
      topics: [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: offset, committedLeaderEpoch: -1, commitTimestampMs: -1, committedMetadata: 'm' }] }],
    }),
  );

const fetchOffsets = (r: Rig, groupId: string) => call<OffsetFetchResponse>(r, (c, now, id) => c.fetchOffsets(now, id, [{ groupId, topics: null }], false));

async function storedEntries(r: Rig): Promise<OffsetsLogEntry[]> {
  const log = r.partitions.log(OFFSETS_TOPIC, 0)!;
  const read = await log.read(0, { maxBytes: 1 << 20 });
  return read.slice ? (await decodeOffsetsBatches(readSlice(read.slice), 0n)).records : [];
}

async function storedRecords(r: Rig): Promise<OffsetsLogRecord[]> {
  return (await storedEntries(r)).filter((e): e is OffsetsLogRecord => !isTxnMarker(e));
}

async function stableGroup(r: Rig, groupId: string): Promise<{ memberId: string; generationId: number }> {
  const joining = join(r, groupId);
  // The first join completes from the coordinator's timer (group.initial.rebalance.delay.ms, here 0).
  await r.clock.advance(0);
  const joined = await settle(joining, 'JoinGroup');
  assert.equal(joined.errorCode, ErrorCode.NONE);
  const synced = await settle(
    call<SyncGroupResponse>(r, (c, now, id) =>
      c.syncGroup(now, id, {
        apiVersion: 3,
        groupId,
        generationId: joined.generationId,
        memberId: joined.memberId,
        groupInstanceId: null,
        protocolType: null,
        protocolName: null,
        assignments: [{ memberId: joined.memberId, assignment: Buffer.from('assigned') }],
      }),
    ),
    'SyncGroup',
  );
  assert.equal(synced.errorCode, ErrorCode.NONE);
  assert.deepEqual(Buffer.from(synced.assignment), Buffer.from('assigned'));
  return { memberId: joined.memberId, generationId: joined.generationId };
}

test('before this broker leads the group partition every group API answers NOT_COORDINATOR', async () => {
  const r = rig();
  assert.equal((await join(r, 'g')).errorCode, ErrorCode.NOT_COORDINATOR);
  const hb = await call<HeartbeatResponse>(r, (c, now, id) => c.heartbeat(now, id, { groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null }));
  assert.equal(hb.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal((await fetchOffsets(r, 'g')).groups[0]!.errorCode, ErrorCode.NOT_COORDINATOR);
});

test('while the partition loads groups answer COORDINATOR_LOAD_IN_PROGRESS, then the loaded state', async () => {
  const r = rig();
  await r.partitions.lead(OFFSETS_TOPIC, 0, 0);
  // The load reads the log asynchronously: the coordinator is loading until it is done.
  assert.equal((await fetchOffsets(r, 'g')).groups[0]!.errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  const list = await call<ListGroupsResponse>(r, (c, now, id) => c.listGroups(now, id, null));
  assert.equal(list.errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  await r.service.settled();
  assert.equal((await fetchOffsets(r, 'g')).groups[0]!.errorCode, ErrorCode.NONE);
  assert.ok(r.logLines.includes('INFO [GroupMetadataManager brokerId=1] Scheduling loading of offsets and group metadata from __consumer_offsets-0 for epoch 0'));
  // The manual clock stands still: no time passes while loading.
  assert.ok(r.logLines.includes('INFO [GroupMetadataManager brokerId=1] Finished loading offsets and group metadata from __consumer_offsets-0 in 0 milliseconds, of which 0 milliseconds was spent in the scheduler.'));
});

test('group metadata and commits are appended with acks -1 and reloaded from the log after a leadership change', async () => {
  const r = rig();
  await lead(r, 0);
  const { memberId, generationId } = await stableGroup(r, 'payments');
  const committed = await settle(commit(r, 'payments', generationId, memberId, 42n), 'OffsetCommit');
  assert.deepEqual(committed.topics, [{ name: 'orders', partitions: [{ partitionIndex: 0, errorCode: ErrorCode.NONE }] }]);
  assert.ok(r.partitions.appendCalls.length >= 2);
  assert.ok(r.partitions.appendCalls.every((c) => c.topic === OFFSETS_TOPIC && c.partition === 0 && c.requiredAcks === -1));

  const records = await storedRecords(r);
  const groupRecords = records.filter((x) => x.key.type === 'group');
  const last = groupRecords.at(-1)!;
  assert.equal(last.key.group, 'payments');
  assert.ok(last.value !== null && 'members' in last.value);
  assert.equal(last.value.generation, generationId);
  assert.equal(last.value.protocol, 'range');
  assert.deepEqual(last.value.members.map((m) => [m.memberId, m.clientId, m.clientHost, Buffer.from(m.assignment).toString()]), [[memberId, 'client-1', '/127.0.0.1', 'assigned']]);
  const offsetRecord = records.find((x) => x.key.type === 'offset');
  assert.deepEqual(offsetRecord?.key, { type: 'offset', version: 1, group: 'payments', topic: 'orders', partition: 0 });
  assert.ok(offsetRecord.value !== null && 'offset' in offsetRecord.value);
  assert.equal(offsetRecord.value.offset, 42n);
  assert.equal(offsetRecord.value.metadata, 'm');
  assert.equal(offsetRecord.value.commitTimestampMs, BigInt(r.clock.nowMs()));

  // Leadership moves away: the groups are dropped.
  r.partitions.resign(OFFSETS_TOPIC, 0, 1);
  assert.equal((await fetchOffsets(r, 'payments')).groups[0]!.errorCode, ErrorCode.NOT_COORDINATOR);
  // It comes back at a later epoch: the state is read back from the log.
  await lead(r, 2);
  const fetched = await fetchOffsets(r, 'payments');
  assert.deepEqual(fetched.groups[0]!.topics, [{ name: 'orders', partitions: [{ partitionIndex: 0, committedOffset: 42n, committedLeaderEpoch: -1, metadata: 'm', errorCode: 0 }] }]);
  const described = await call<DescribeGroupsResponse>(r, (c, now, id) => c.describeGroups(now, id, ['payments']));
  assert.equal(described.groups[0]!.groupState, 'Stable');
  assert.deepEqual(described.groups[0]!.members.map((m) => m.memberId), [memberId]);
  const hb = await call<HeartbeatResponse>(r, (c, now, id) => c.heartbeat(now, id, { groupId: 'payments', generationId, memberId, groupInstanceId: null }));
  assert.equal(hb.errorCode, ErrorCode.NONE);
});

test('a second coordinator over the same log dir (another broker after a restart) loads the state, in reads bounded by the load buffer', async () => {
  const d = kafkaTempDir('groups-');
  dirs.push(d);
  const first = rig({}, d.path);
  await lead(first, 0);
  for (let i = 0; i < 5; i++) {
    const done = await settle(commit(first, `standalone-${i}`, -1, '', BigInt(100 + i)), 'OffsetCommit');
    assert.equal(done.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  }
  first.service.shutdown();
  await first.partitions.close();

  const second = rig({}, d.path);
  await lead(second, 1);
  // Each read asks for at most offsets.load.buffer.size bytes (64 here: one batch per read) and goes on to the end.
  assert.deepEqual(second.partitions.readCalls.map((c) => [c.fetchOffset, c.maxBytes]), [0n, 1n, 2n, 3n, 4n, 5n].map((o) => [o, 64]));
  for (let i = 0; i < 5; i++) {
    const fetched = await fetchOffsets(second, `standalone-${i}`);
    assert.equal(fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset, BigInt(100 + i));
  }
  const list = await call<ListGroupsResponse>(second, (c, now, id) => c.listGroups(now, id, null));
  assert.deepEqual(list.groups.map((g) => g.groupId).sort(), [0, 1, 2, 3, 4].map((i) => `standalone-${i}`));
});

test('a broker made leader while its high watermark trails its log end (a follower\'s view) loads every commit its log holds', async () => {
  const d = kafkaTempDir('groups-');
  dirs.push(d);
  const first = rig({}, d.path);
  await lead(first, 0);
  for (let i = 0; i < 3; i++) {
    const done = await settle(commit(first, `trailing-${i}`, -1, '', BigInt(200 + i)), 'OffsetCommit');
    assert.equal(done.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
  }
  first.service.shutdown();
  await first.partitions.close();

  const second = rig({}, d.path);
  await second.partitions.lead(OFFSETS_TOPIC, 0, 1, 1);
  await second.service.settled();
  assert.equal(second.partitions.log(OFFSETS_TOPIC, 0)!.highWatermark, 1);
  for (let i = 0; i < 3; i++) {
    const fetched = await fetchOffsets(second, `trailing-${i}`);
    assert.equal(fetched.groups[0]!.topics[0]!.partitions[0]!.committedOffset, BigInt(200 + i));
  }
});

test('offsets expire after offsets.retention.ms: tombstones are appended and survive a reload', async () => {
  const r = rig();
  await lead(r, 0);
  await settle(commit(r, 'old', -1, '', 7n), 'OffsetCommit');
  await r.clock.advance(CONFIG.offsetsRetentionMs - 1);
  assert.equal((await fetchOffsets(r, 'old')).groups[0]!.topics[0]!.partitions[0]!.committedOffset, 7n);
  await r.clock.advance(CONFIG.offsetsRetentionCheckIntervalMs);
  assert.deepEqual((await fetchOffsets(r, 'old')).groups[0]!.topics, []);
  // The tombstone append is not awaited by the coordinator: wait for it to reach the log.
  const deadline = Date.now() + 5000;
  let records = await storedRecords(r);
  while (!records.some((x) => x.key.type === 'offset' && x.value === null)) {
    assert.ok(Date.now() < deadline, 'no tombstone was appended');
    await new Promise((resolve) => setImmediate(resolve));
    records = await storedRecords(r);
  }
  const tombstone = records.find((x) => x.key.type === 'offset' && x.value === null)!;
  assert.deepEqual(tombstone.key, { type: 'offset', version: 1, group: 'old', topic: 'orders', partition: 0 });
  r.partitions.resign(OFFSETS_TOPIC, 0, 1);
  await lead(r, 2);
  assert.deepEqual((await fetchOffsets(r, 'old')).groups[0]!.topics, []);
});

test('offsets.topic.compression.codec compresses the stored batches, and they load back', async () => {
  const r = rig({ offsetsTopicCompressionCodec: 1 });
  await lead(r, 0);
  await settle(commit(r, 'gz', -1, '', 9n), 'OffsetCommit');
  const log = r.partitions.log(OFFSETS_TOPIC, 0)!;
  const read = await log.read(0, { maxBytes: 1 << 20 });
  const batches = [...recordBatches(readSlice(read.slice!))];
  assert.deepEqual(batches.map((b) => b.compression), [1]);
  r.partitions.resign(OFFSETS_TOPIC, 0, 1);
  await lead(r, 2);
  assert.equal((await fetchOffsets(r, 'gz')).groups[0]!.topics[0]!.partitions[0]!.committedOffset, 9n);
});

test('a commit not acknowledged within offsets.commit.timeout.ms is answered REQUEST_TIMED_OUT', async () => {
  const r = rig();
  await lead(r, 0);
  r.partitions.holdAppends = true;
  const pending = commit(r, 'slow', -1, '', 1n);
  const deadline = Date.now() + 5000;
  while (r.partitions.appendCalls.length === 0) {
    assert.ok(Date.now() < deadline, 'the commit was never appended');
    await new Promise((resolve) => setImmediate(resolve));
  }
  assert.equal(r.service.waitingCount(), 1);
  await r.clock.advance(CONFIG.offsetsCommitTimeoutMs);
  const answer = await settle(pending, 'OffsetCommit');
  assert.equal(answer.topics[0]!.partitions[0]!.errorCode, ErrorCode.REQUEST_TIMED_OUT);
  r.partitions.releaseHeld();
});

test('a delayed join is answered from the timer while other groups are served meanwhile', async () => {
  const r = rig({ groupInitialRebalanceDelayMs: 3000 });
  await lead(r, 0);
  let answered: JoinGroupResponse | undefined;
  const joining = join(r, 'slow-group', '', 3).then((x) => (answered = x));
  await settle(commit(r, 'other', -1, '', 5n), 'OffsetCommit of another group');
  assert.equal((await fetchOffsets(r, 'other')).groups[0]!.topics[0]!.partitions[0]!.committedOffset, 5n);
  assert.equal(answered, undefined);
  await r.clock.advance(3000);
  await settle(joining, 'JoinGroup');
  assert.equal(answered!.errorCode, ErrorCode.NONE);
  assert.equal(answered!.generationId, 1);
  assert.equal(answered!.leader, answered!.memberId);
});

test('shutdown closes the connections of requests still waiting', async () => {
  const r = rig({ groupInitialRebalanceDelayMs: 3000 });
  await lead(r, 0);
  const joining = join(r, 'waiting', '', 3);
  r.service.shutdown();
  await assert.rejects(joining, { name: 'CloseConnection' });
  await assert.rejects(fetchOffsets(r, 'waiting'), { name: 'CloseConnection' });
});

const txnCommit = (r: Rig, groupId: string, producerId: number, offsets: Record<number, bigint>) =>
  call<TxnOffsetCommitResponse>(r, (c, now, id) =>
    c.txnCommitOffsets(now, id, {
      groupId,
      producerId,
      producerEpoch: 2,
      generationId: -1,
      memberId: '',
      groupInstanceId: null,
      topics: [{ name: 'orders', partitions: Object.entries(offsets).map(([p, o]) => ({ partitionIndex: Number(p), committedOffset: o, committedLeaderEpoch: -1, committedMetadata: null })) }],
    }),
  );

const stableFetch = async (r: Rig, groupId: string) => {
  const answer = await call<OffsetFetchResponse>(r, (c, now, id) => c.fetchOffsets(now, id, [{ groupId, topics: [{ name: 'orders', partitionIndexes: [0, 1, 2] }] }], true));
  return answer.groups[0]!.topics[0]!.partitions.map((p) => `${p.partitionIndex}:${p.committedOffset}/${p.errorCode}`);
};

test('transactional commits: the producer\'s batch as a coordinator append, markers through the listener, and a reload that keeps them', async () => {
  const r = rig();
  await lead(r, 0);
  await settle(commit(r, 'tx', -1, '', 5n), 'OffsetCommit');
  const written = await settle(txnCommit(r, 'tx', 4000, { 0: 10n, 1: 11n }), 'TxnOffsetCommit');
  assert.deepEqual(written.topics[0]!.partitions.map((p) => p.errorCode), [0, 0]);
  assert.ok(r.partitions.appendCalls.every((c) => c.origin === 'coordinator'), 'every coordinator append is a coordinator append');
  const log = r.partitions.log(OFFSETS_TOPIC, 0)!;
  const batches = [...recordBatches(readSlice((await log.read(0, { maxBytes: 1 << 20 })).slice!))];
  assert.deepEqual(batches.map((b) => [b.isTransactional, b.producerId, b.producerEpoch, b.baseSequence]), [[false, -1, -1, -1], [true, 4000, 2, 0]]);
  assert.deepEqual(await stableFetch(r, 'tx'), [`0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, `1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, '2:-1/0']);

  // Markers of other topics are ignored; the COMMIT on __consumer_offsets-0 makes the offsets committed.
  r.service.onTxnMarkerWritten('orders', 0, 4000, 2, false);
  assert.deepEqual(await stableFetch(r, 'tx'), [`0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, `1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, '2:-1/0']);
  await r.partitions.appendMarker(OFFSETS_TOPIC, 0, 4000, 2, true);
  r.service.onTxnMarkerWritten(OFFSETS_TOPIC, 0, 4000, 2, true);
  assert.deepEqual(await stableFetch(r, 'tx'), ['0:10/0', '1:11/0', '2:-1/0']);

  // An aborted transaction and one still open at the log end.
  await settle(txnCommit(r, 'tx', 4001, { 0: 20n }), 'TxnOffsetCommit');
  await r.partitions.appendMarker(OFFSETS_TOPIC, 0, 4001, 2, false);
  r.service.onTxnMarkerWritten(OFFSETS_TOPIC, 0, 4001, 2, false);
  await settle(txnCommit(r, 'tx', 4002, { 2: 30n }), 'TxnOffsetCommit');
  const before = await stableFetch(r, 'tx');
  assert.deepEqual(before, ['0:10/0', '1:11/0', `2:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`]);

  r.partitions.resign(OFFSETS_TOPIC, 0, 1);
  await lead(r, 2);
  assert.deepEqual(await stableFetch(r, 'tx'), before, 'the reload reads the markers and keeps the open transaction pending');
  await r.partitions.appendMarker(OFFSETS_TOPIC, 0, 4002, 2, true);
  r.service.onTxnMarkerWritten(OFFSETS_TOPIC, 0, 4002, 2, true);
  assert.deepEqual(await stableFetch(r, 'tx'), ['0:10/0', '1:11/0', '2:30/0']);
  r.partitions.resign(OFFSETS_TOPIC, 0, 3);
  await lead(r, 4);
  assert.deepEqual(await stableFetch(r, 'tx'), ['0:10/0', '1:11/0', '2:30/0']);
});
