// Loading a __consumer_offsets partition, stale epochs, and unloading on leadership loss.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../../../src/kafka/coordinator/error-codes.js';
import type { OffsetsLogRecord } from '../../../../src/kafka/coordinator/offsets-records.js';
import type { JoinGroupResponse } from '../../../../src/kafka/coordinator/types.js';
import { CoordinatorDriver } from '../../../support/coordinator-driver.js';

const offset = (group: string, topic: string, partition: number, value: bigint | null): OffsetsLogRecord => ({
  key: { type: 'offset', version: 1, group, topic, partition },
  value: value === null ? null : { version: 3, offset: value, leaderEpoch: 2, metadata: 'm', commitTimestampMs: 100n, expireTimestampMs: -1n },
});

const member = (memberId: string) => ({
  memberId,
  groupInstanceId: memberId === 'm2' ? 'inst' : null,
  clientId: 'c',
  clientHost: 'h',
  rebalanceTimeoutMs: 30_000,
  sessionTimeoutMs: 10_000,
  subscription: new Uint8Array([0]),
  assignment: new Uint8Array([1]),
});

const groupRecord = (group: string, generation: number, members: string[] | null): OffsetsLogRecord => ({
  key: { type: 'group', version: 2, group },
  value:
    members === null
      ? null
      : {
          version: 3,
          protocolType: 'consumer',
          generation,
          protocol: members.length ? 'range' : null,
          leader: members[0] ?? null,
          currentStateTimestampMs: 50n,
          members: members.map(member),
        },
});

test('load: last write wins, tombstones remove, offsets without metadata form Empty groups, members come back Stable', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  d.loadPartition(0, 3, [
    groupRecord('g1', 1, ['m1']),
    offset('g1', 't', 0, 1n),
    offset('g1', 't', 0, 2n),
    offset('g1', 't', 1, 5n),
    offset('g1', 't', 1, null),
    groupRecord('g1', 2, ['m1', 'm2']),
    groupRecord('gone', 4, []),
    offset('gone', 't', 0, 1n),
    groupRecord('gone', 4, null),
    offset('gone', 't', 0, null),
    offset('simple', 'u', 3, 9n),
    groupRecord('emptied', 7, []),
  ]);
  const g1 = d.c.groups.get('g1')!;
  assert.equal(g1.state, 'Stable');
  assert.equal(g1.generationId, 2);
  assert.equal(g1.leaderId, 'm1');
  assert.deepEqual([...g1.members.keys()], ['m1', 'm2']);
  assert.equal(g1.staticMembers.get('inst'), 'm2');
  assert.deepEqual(d.fetchAll('g1'), new Map([['t-0', 2n]]));
  assert.equal(d.c.groups.has('gone'), false);
  assert.equal(d.c.groups.get('simple')!.state, 'Empty');
  assert.equal(d.c.groups.get('simple')!.protocolType, null);
  assert.equal(d.c.groups.get('emptied')!.state, 'Empty');
  assert.equal(d.c.groups.get('emptied')!.currentStateTimestampMs, 50);
  // Loaded members must heartbeat: after the session timeout they are gone and the group rebalances.
  d.advance(5000);
  assert.equal(d.heartbeat('g1', 2, 'm1'), ErrorCode.NONE);
  assert.equal(d.heartbeat('g1', 2, 'other', 'inst'), ErrorCode.FENCED_INSTANCE_ID);
  d.advance(5000);
  assert.equal(g1.has('m2'), false);
  assert.equal(g1.state, 'PreparingRebalance');
});

test('a load for an older leader epoch is ignored; unload answers waiting members NOT_COORDINATOR and drops the groups', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  d.apply(d.c.beginLoad(0, 0, 5));
  d.apply(d.c.completeLoad(0, 0, 4, [offset('g', 't', 0, 1n)]));
  assert.equal(d.c.partitions.get(0)!.state, 'loading');
  d.apply(d.c.beginLoad(0, 0, 4));
  assert.equal(d.c.partitions.get(0)!.leaderEpoch, 5);
  d.apply(d.c.completeLoad(0, 0, 5, [offset('g', 't', 0, 1n)]));
  assert.deepEqual(d.fetchAll('g'), new Map([['t-0', 1n]]));

  const j = d.joinResponse(d.joinDynamic('h'));
  d.sync('h', 1, j.memberId, []);
  const waiting = d.joinDynamic('h', { clientId: 'late' });
  assert.equal(d.response(waiting), undefined);
  d.apply(d.c.unload(0, 0, 4));
  assert.ok(d.c.groups.has('h'), 'an unload for an older epoch is ignored');
  d.apply(d.c.unload(0, 0, 5));
  assert.equal(d.response<JoinGroupResponse>(waiting)!.errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(d.c.groups.size, 0);
  assert.equal(d.heartbeat('h', 1, j.memberId), ErrorCode.NOT_COORDINATOR);
  assert.equal(d.c.nextDeadlineMs(), 600_000, 'only the periodic expiry check remains scheduled');
});

test('a loaded group over group.max.size rebalances at once', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1, groupMaxSize: 1 }, { load: false });
  d.loadPartition(0, 0, [groupRecord('big', 4, ['m1', 'm3'])]);
  assert.equal(d.c.groups.get('big')!.state, 'PreparingRebalance');
  const id = d.join('big', { memberId: 'm1', protocols: [{ name: 'range', metadata: new Uint8Array([0]) }] });
  // With m1 waiting the group is full: m3's rejoin is refused and m3 removed, which completes the rebalance.
  assert.equal(d.joinResponse(d.join('big', { memberId: 'm3', protocols: [{ name: 'range', metadata: new Uint8Array([0]) }] })).errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  const r = d.joinResponse(id);
  assert.equal(r.generationId, 5);
  assert.deepEqual(r.members.map((m) => m.memberId), ['m1']);
});
