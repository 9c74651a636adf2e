// OffsetCommit / OffsetFetch / OffsetDelete / expiry / ListGroups / DescribeGroups / DeleteGroups.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeConsumerSubscription } from '../../../../src/kafka/coordinator/consumer-subscription.js';
import { ErrorCode } from '../../../../src/kafka/coordinator/error-codes.js';
import type {
  DeleteGroupsResponse,
  DescribeGroupsResponse,
  ListGroupsResponse,
  OffsetCommitResponse,
  OffsetDeleteResponse,
  OffsetFetchResponse,
} from '../../../../src/kafka/coordinator/types.js';
import { CoordinatorDriver } from '../../../support/coordinator-driver.js';

const G = 'group-a';
const codes = (r: OffsetCommitResponse | undefined) => r!.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));

function consumerGroup(d: CoordinatorDriver, topics = ['orders'], sessionTimeoutMs = 10_000): string {
  const protocols = [{ name: 'range', metadata: encodeConsumerSubscription(topics) }];
  const j = d.joinResponse(d.joinDynamic(G, { protocols, sessionTimeoutMs }));
  d.sync(G, j.generationId, j.memberId, []);
  return j.memberId;
}

test('a simple commit (generation -1) creates an offsets-only group and is answered only after the append completes', () => {
  const d = new CoordinatorDriver();
  d.nowMs = 5000;
  d.holdAppends = true;
  const id = d.commit(G, -1, '', { 'orders-0': 42n, 'orders-1': 7n }, { metadata: 'meta' });
  assert.equal(d.response(id), undefined);
  assert.equal(d.heldAppends.length, 1);
  assert.equal(d.fetchAll(G).size, 0, 'not visible before the append completes');
  d.completeHeld();
  assert.deepEqual(codes(d.response(id)), ['orders-0:0', 'orders-1:0']);
  assert.deepEqual(d.fetchAll(G), new Map([['orders-0', 42n], ['orders-1', 7n]]));
  const recs = d.records(d.c.partitionFor(G));
  assert.deepEqual(recs[0], {
    key: { type: 'offset', version: 1, group: G, topic: 'orders', partition: 0 },
    value: { version: 3, offset: 42n, leaderEpoch: -1, metadata: 'meta', commitTimestampMs: 5000n, expireTimestampMs: -1n },
  });
  assert.equal(d.c.groups.get(G)!.state, 'Empty');
  assert.equal(d.c.groups.get(G)!.generationId, 0);
});

test('OffsetCommit v2-v4 retention writes a v1 value with expire = now + retention; metadata over the limit is refused per partition', () => {
  const d = new CoordinatorDriver({ offsetMetadataMaxBytes: 3 });
  d.nowMs = 1000;
  const ok = d.commit(G, -1, '', { 't-0': 1n }, { retentionTimeMs: 500, metadata: 'abc' });
  assert.deepEqual(codes(d.response(ok)), ['t-0:0']);
  assert.deepEqual(d.records(d.c.partitionFor(G))[0]!.value, { version: 1, offset: 1n, leaderEpoch: -1, metadata: 'abc', commitTimestampMs: 1000n, expireTimestampMs: 1500n });
  const big = d.commit(G, -1, '', { 't-0': 2n }, { metadata: 'abcd' });
  assert.deepEqual(codes(d.response(big)), [`t-0:${ErrorCode.OFFSET_METADATA_TOO_LARGE}`]);
  assert.equal(d.records(d.c.partitionFor(G)).length, 1, 'nothing appended');
  // 'é' is 2 bytes in UTF-8: 'aé' is 3 bytes and fits.
  assert.deepEqual(codes(d.response(d.commit(G, -1, '', { 't-0': 3n }, { metadata: 'aé' }))), ['t-0:0']);
});

test('group commits: member and generation checks, REBALANCE_IN_PROGRESS while completing, ILLEGAL_GENERATION for unknown groups', () => {
  const d = new CoordinatorDriver();
  assert.deepEqual(codes(d.response(d.commit('nope', 1, 'm', { 't-0': 1n }))), [`t-0:${ErrorCode.ILLEGAL_GENERATION}`]);
  const a = consumerGroup(d);
  assert.deepEqual(codes(d.response(d.commit(G, 1, a, { 't-0': 1n }))), ['t-0:0']);
  assert.deepEqual(codes(d.response(d.commit(G, 1, 'x', { 't-0': 1n }))), [`t-0:${ErrorCode.UNKNOWN_MEMBER_ID}`]);
  assert.deepEqual(codes(d.response(d.commit(G, 0, a, { 't-0': 1n }))), [`t-0:${ErrorCode.ILLEGAL_GENERATION}`]);
  assert.deepEqual(codes(d.response(d.commit(G, -1, '', { 't-0': 1n }))), [`t-0:${ErrorCode.UNKNOWN_MEMBER_ID}`], 'simple commits need an Empty group');
  d.joinDynamic(G, { clientId: 'b' });
  assert.deepEqual(codes(d.response(d.commit(G, 1, a, { 't-0': 2n }))), ['t-0:0'], 'allowed while preparing');
  d.join(G, { memberId: a, protocols: [{ name: 'range', metadata: encodeConsumerSubscription(['orders']) }] });
  assert.equal(d.c.groups.get(G)!.state, 'CompletingRebalance');
  assert.deepEqual(codes(d.response(d.commit(G, 2, a, { 't-0': 3n }))), [`t-0:${ErrorCode.REBALANCE_IN_PROGRESS}`]);
  assert.equal(d.fetchAll(G).get('t-0'), 2n);
});

test('a failed append maps NOT_LEADER_OR_FOLLOWER to NOT_COORDINATOR and MESSAGE_TOO_LARGE to INVALID_COMMIT_OFFSET_SIZE', () => {
  const d = new CoordinatorDriver();
  d.holdAppends = true;
  const a = d.commit(G, -1, '', { 't-0': 1n });
  d.completeHeld(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.deepEqual(codes(d.response(a)), [`t-0:${ErrorCode.NOT_COORDINATOR}`]);
  const b = d.commit(G, -1, '', { 't-0': 1n });
  d.completeHeld(ErrorCode.MESSAGE_TOO_LARGE);
  assert.deepEqual(codes(d.response(b)), [`t-0:${ErrorCode.INVALID_COMMIT_OFFSET_SIZE}`]);
  assert.equal(d.fetchAll(G).size, 0);
});

test('OffsetFetch: named partitions, unknown ones -1, require_stable sees pending commits, v8 several groups', () => {
  const d = new CoordinatorDriver({}, { load: false });
  d.loadPartition(d.c.partitionFor(G), 0);
  d.commit(G, -1, '', { 't-0': 5n });
  d.holdAppends = true;
  d.commit(G, -1, '', { 't-1': 6n });
  let other = 'other';
  while (d.c.partitionFor(other) === d.c.partitionFor(G)) other += 'x';
  const id = d.newRequestId();
  d.apply(
    d.c.fetchOffsets(d.nowMs, id, [
      { groupId: G, topics: [{ name: 't', partitionIndexes: [0, 1, 2] }] },
      { groupId: other, topics: null },
      { groupId: 'unknown-here', topics: [{ name: 't', partitionIndexes: [0] }] },
    ], true),
  );
  const r = d.response<OffsetFetchResponse>(id)!;
  assert.deepEqual(
    r.groups[0]!.topics[0]!.partitions.map((p) => [p.partitionIndex, p.committedOffset, p.errorCode]),
    [[0, 5n, 0], [1, -1n, ErrorCode.UNSTABLE_OFFSET_COMMIT], [2, -1n, 0]],
  );
  assert.equal(r.groups[1]!.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.ok([ErrorCode.NONE, ErrorCode.NOT_COORDINATOR].includes(r.groups[2]!.errorCode as 0 | 16));
  d.completeHeld();
  assert.deepEqual(d.fetchAll(G), new Map([['t-0', 5n], ['t-1', 6n]]));
});

test('OffsetDelete: GROUP_SUBSCRIBED_TO_TOPIC for consumed topics, tombstones for the rest, GROUP_ID_NOT_FOUND', () => {
  const d = new CoordinatorDriver();
  const a = consumerGroup(d, ['orders']);
  d.commit(G, 1, a, { 'orders-0': 1n, 'audit-0': 2n });
  const id = d.newRequestId();
  d.apply(d.c.deleteOffsets(d.nowMs, id, { groupId: G, topics: [{ name: 'orders', partitions: [0] }, { name: 'audit', partitions: [0] }] }));
  const r = d.response<OffsetDeleteResponse>(id)!;
  assert.equal(r.errorCode, 0);
  assert.deepEqual(r.topics.map((t) => [t.name, t.partitions[0]!.errorCode]), [['orders', ErrorCode.GROUP_SUBSCRIBED_TO_TOPIC], ['audit', 0]]);
  assert.deepEqual(d.fetchAll(G), new Map([['orders-0', 1n]]));
  const last = d.records(d.c.partitionFor(G)).at(-1)!;
  assert.deepEqual(last, { key: { type: 'offset', version: 1, group: G, topic: 'audit', partition: 0 }, value: null });
  const id2 = d.newRequestId();
  d.apply(d.c.deleteOffsets(d.nowMs, id2, { groupId: 'missing', topics: [] }));
  assert.equal(d.response<OffsetDeleteResponse>(id2)!.errorCode, ErrorCode.GROUP_ID_NOT_FOUND);
});

test('expiry, offsets-only group: by commit time; the group disappears without a group tombstone', () => {
  const d = new CoordinatorDriver({ offsetsRetentionMs: 1_000_000, offsetsRetentionCheckIntervalMs: 100_000 });
  d.commit(G, -1, '', { 't-0': 1n });
  d.advance(900_000);
  d.commit(G, -1, '', { 't-1': 1n });
  d.advance(100_000); // check at 1,000,000: t-0 is exactly retention old
  assert.deepEqual([...d.fetchAll(G).keys()], ['t-1']);
  d.advance(900_000);
  assert.equal(d.c.groups.has(G), false);
  const recs = d.records(d.c.partitionFor(G));
  assert.deepEqual(recs.filter((r) => r.value === null).map((r) => r.key.type), ['offset', 'offset']);
});

test('expiry, consumer group: subscribed topics never expire while members exist; once Empty the clock starts when it emptied', () => {
  const d = new CoordinatorDriver({ offsetsRetentionMs: 1_000_000, offsetsRetentionCheckIntervalMs: 100_000 });
  const a = consumerGroup(d, ['orders'], 1_000_000);
  d.commit(G, 1, a, { 'orders-0': 1n, 'old-0': 1n });
  for (let t = 0; t < 15; t++) {
    d.advance(100_000);
    d.heartbeat(G, 1, a);
  }
  assert.deepEqual([...d.fetchAll(G).keys()], ['orders-0'], 'the unsubscribed topic expired by commit time');
  d.leave(G, [{ memberId: a, groupInstanceId: null }]);
  const emptiedAt = d.c.groups.get(G)!.currentStateTimestampMs!;
  assert.equal(d.c.groups.get(G)!.state, 'Empty');
  d.advance(emptiedAt + 1_000_000 - d.nowMs - 1);
  assert.equal(d.fetchAll(G).size, 1);
  d.advance(200_000);
  assert.equal(d.c.groups.has(G), false);
  const last = d.records(d.c.partitionFor(G)).slice(-2);
  assert.deepEqual(last.map((r) => [r.key.type, r.value]), [['offset', null], ['group', null]]);
});

test('DeleteGroups: NON_EMPTY_GROUP, GROUP_ID_NOT_FOUND, and offset plus group tombstones for an Empty group', () => {
  const d = new CoordinatorDriver();
  const a = consumerGroup(d);
  d.commit(G, 1, a, { 'orders-0': 9n });
  const del = (...ids: string[]) => {
    const id = d.newRequestId();
    d.apply(d.c.deleteGroups(d.nowMs, id, ids));
    return Object.fromEntries(d.response<DeleteGroupsResponse>(id)!.results.map((r) => [r.groupId, r.errorCode]));
  };
  assert.deepEqual(del(G, 'missing'), { [G]: ErrorCode.NON_EMPTY_GROUP, missing: ErrorCode.GROUP_ID_NOT_FOUND });
  d.leave(G, [{ memberId: a, groupInstanceId: null }]);
  assert.deepEqual(del(G), { [G]: 0 });
  assert.equal(d.c.groups.has(G), false);
  assert.deepEqual(d.records(d.c.partitionFor(G)).slice(-2).map((r) => [r.key.type, r.value]), [['offset', null], ['group', null]]);
  assert.deepEqual(del(G), { [G]: ErrorCode.GROUP_ID_NOT_FOUND });
});

test('ListGroups with a state filter and DescribeGroups (metadata only when Stable, Dead for unknown groups)', () => {
  const d = new CoordinatorDriver();
  const a = consumerGroup(d);
  d.commit('simple', -1, '', { 't-0': 1n });
  const list = (states: string[] | null) => {
    const id = d.newRequestId();
    d.apply(d.c.listGroups(d.nowMs, id, states));
    return d.response<ListGroupsResponse>(id)!.groups.map((g) => `${g.groupId}/${g.protocolType}/${g.groupState}`).sort();
  };
  assert.deepEqual(list(null), [`${G}/consumer/Stable`, 'simple//Empty']);
  assert.deepEqual(list(['Empty']), ['simple//Empty']);
  assert.deepEqual(list(['stable']), [], 'state names match exactly');
  const id = d.newRequestId();
  d.apply(d.c.describeGroups(d.nowMs, id, [G, 'ghost', '']));
  const [g, ghost, empty] = d.response<DescribeGroupsResponse>(id)!.groups;
  assert.equal(g!.groupState, 'Stable');
  assert.equal(g!.protocolData, 'range');
  assert.equal(g!.members[0]!.memberId, a);
  assert.deepEqual(Buffer.from(g!.members[0]!.memberMetadata), encodeConsumerSubscription(['orders']));
  assert.deepEqual([ghost!.errorCode, ghost!.groupState, ghost!.members.length], [0, 'Dead', 0]);
  assert.equal(empty!.errorCode, ErrorCode.NONE, 'the empty group id is valid for DescribeGroups');
  d.joinDynamic(G, { clientId: 'b', protocols: [{ name: 'range', metadata: encodeConsumerSubscription(['orders']) }] });
  const id2 = d.newRequestId();
  d.apply(d.c.describeGroups(d.nowMs, id2, [G]));
  const prep = d.response<DescribeGroupsResponse>(id2)!.groups[0]!;
  assert.equal(prep.groupState, 'PreparingRebalance');
  assert.equal(prep.protocolData, '');
  assert.equal(prep.members[0]!.memberMetadata.length, 0);
});
