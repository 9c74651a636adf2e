// JoinGroup / SyncGroup / Heartbeat / LeaveGroup against Kafka 2.8's state machine and error codes.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ErrorCode } from '../../../../src/kafka/coordinator/error-codes.js';
import { GroupMetadata, IllegalGroupTransition, type GroupState } from '../../../../src/kafka/coordinator/group.js';
import type { JoinGroupResponse, LeaveGroupResponse } from '../../../../src/kafka/coordinator/types.js';
import { CoordinatorDriver } from '../../../support/coordinator-driver.js';

const G = 'group-a';
const state = (d: CoordinatorDriver, g = G) => d.c.groups.get(g)?.state;

/** One dynamic member joined and synced: generation 1, Stable. */
function stableWithOne(d: CoordinatorDriver): string {
  const j = d.joinResponse(d.joinDynamic(G));
  assert.equal(j.errorCode, 0);
  const s = d.syncResponse(d.sync(G, j.generationId, j.memberId, [{ memberId: j.memberId, assignment: Buffer.from('A') }]));
  assert.equal(s.errorCode, 0);
  return j.memberId;
}

test('state transitions: exactly the ones Kafka allows', () => {
  const states: GroupState[] = ['Empty', 'PreparingRebalance', 'CompletingRebalance', 'Stable', 'Dead'];
  const allowed = new Set([
    'Empty>PreparingRebalance',
    'Empty>Dead',
    'PreparingRebalance>Empty',
    'PreparingRebalance>CompletingRebalance',
    'PreparingRebalance>Dead',
    'CompletingRebalance>PreparingRebalance',
    'CompletingRebalance>Stable',
    'CompletingRebalance>Dead',
    'Stable>PreparingRebalance',
    'Stable>Dead',
    'Dead>Dead',
  ]);
  for (const from of states) {
    for (const to of states) {
      const g = new GroupMetadata('g', 0);
      g.state = from;
      if (allowed.has(`${from}>${to}`)) {
        g.transitionTo(to, 7);
        assert.equal(g.state, to);
        assert.equal(g.currentStateTimestampMs, 7);
      } else {
        assert.throws(() => g.transitionTo(to, 7), IllegalGroupTransition, `${from} -> ${to}`);
      }
    }
  }
});

test('JoinGroup v4+: MEMBER_ID_REQUIRED with clientId-uuid, then the rejoin forms generation 1 and the leader syncs', () => {
  const d = new CoordinatorDriver();
  const first = d.joinResponse(d.join(G, { apiVersion: 4, clientId: 'app' }));
  assert.equal(first.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  assert.equal(first.memberId, 'app-uuid1');
  assert.equal(first.generationId, -1);
  assert.equal(state(d), 'Empty');
  const j = d.joinResponse(d.join(G, { apiVersion: 4, clientId: 'app', memberId: 'app-uuid1' }));
  assert.deepEqual(
    { ...j, members: j.members.map((m) => m.memberId) },
    { api: 'JoinGroup', errorCode: 0, generationId: 1, protocolType: 'consumer', protocolName: 'range', leader: 'app-uuid1', memberId: 'app-uuid1', members: ['app-uuid1'] },
  );
  assert.equal(state(d), 'CompletingRebalance');
  // Older versions join at once.
  const old = d.joinResponse(d.join('other', { apiVersion: 3 }));
  assert.equal(old.errorCode, 0);
  const s = d.syncResponse(d.sync(G, 1, 'app-uuid1', [{ memberId: 'app-uuid1', assignment: Buffer.from('A') }]));
  assert.equal(s.errorCode, 0);
  assert.deepEqual(Buffer.from(s.assignment), Buffer.from('A'));
  assert.equal(s.protocolName, 'range');
  assert.equal(state(d), 'Stable');
  // The assignment was persisted before it was handed out.
  const recs = d.records(d.c.partitionFor(G)).filter((r) => r.key.type === 'group' && r.key.group === G);
  const last = recs.at(-1)!.value as { generation: number; members: { memberId: string; assignment: Uint8Array }[] };
  assert.equal(last.generation, 1);
  assert.deepEqual(Buffer.from(last.members[0]!.assignment), Buffer.from('A'));
});

test('a second member triggers a rebalance: REBALANCE_IN_PROGRESS heartbeats, follower sync waits for the leader', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const jb = d.joinDynamic(G, { clientId: 'b' });
  assert.equal(d.response(jb), undefined, 'B waits for A to rejoin');
  assert.equal(state(d), 'PreparingRebalance');
  assert.equal(d.heartbeat(G, 1, a), ErrorCode.REBALANCE_IN_PROGRESS);
  const ja = d.join(G, { memberId: a });
  const ra = d.joinResponse(ja);
  const rb = d.joinResponse(jb);
  assert.equal(ra.generationId, 2);
  assert.equal(ra.leader, a);
  assert.equal(ra.members.length, 2);
  assert.equal(rb.members.length, 0, 'followers get no member list');
  assert.equal(rb.leader, a);
  // CompletingRebalance: heartbeats are fine, commits are not, a follower's sync waits.
  assert.equal(d.heartbeat(G, 2, rb.memberId), ErrorCode.NONE);
  assert.equal(d.heartbeat(G, 1, rb.memberId), ErrorCode.ILLEGAL_GENERATION);
  const sb = d.sync(G, 2, rb.memberId);
  assert.equal(d.response(sb), undefined);
  const sa = d.sync(G, 2, a, [
    { memberId: a, assignment: Buffer.from('pa') },
    { memberId: rb.memberId, assignment: Buffer.from('pb') },
  ]);
  assert.deepEqual(Buffer.from(d.syncResponse(sb).assignment), Buffer.from('pb'));
  assert.deepEqual(Buffer.from(d.syncResponse(sa).assignment), Buffer.from('pa'));
  assert.equal(state(d), 'Stable');
  // A late sync in Stable gets the stored assignment.
  assert.deepEqual(Buffer.from(d.syncResponse(d.sync(G, 2, rb.memberId)).assignment), Buffer.from('pb'));
});

test('leader assignment missing a member stores an empty assignment for it; a failed store resets and rebalances', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const jb = d.joinDynamic(G, { clientId: 'b' });
  d.join(G, { memberId: a });
  const b = d.joinResponse(jb).memberId;
  d.holdAppends = true;
  const sb = d.sync(G, 2, b);
  const sa = d.sync(G, 2, a, [{ memberId: a, assignment: Buffer.from('x') }]);
  d.completeHeld(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal(d.syncResponse(sa).errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(d.syncResponse(sb).errorCode, ErrorCode.NOT_COORDINATOR);
  assert.equal(state(d), 'PreparingRebalance');
  d.holdAppends = false;
  const ja = d.join(G, { memberId: a });
  const jb2 = d.join(G, { memberId: b, clientId: 'b' });
  assert.equal(d.joinResponse(ja).generationId, 3);
  const sb2 = d.sync(G, 3, b);
  d.sync(G, 3, a, [{ memberId: a, assignment: Buffer.from('x') }]);
  assert.equal(d.syncResponse(sb2).assignment.length, 0);
  assert.equal(d.joinResponse(jb2).errorCode, 0);
});

test('Heartbeat errors: UNKNOWN_MEMBER_ID, ILLEGAL_GENERATION, INVALID_GROUP_ID, NOT_COORDINATOR, blind NONE while loading', () => {
  const d = new CoordinatorDriver({}, { load: false });
  assert.equal(d.heartbeat(G, 1, 'x'), ErrorCode.NOT_COORDINATOR);
  d.apply(d.c.beginLoad(0, d.c.partitionFor(G), 1));
  assert.equal(d.heartbeat(G, 1, 'x'), ErrorCode.NONE);
  assert.equal(d.joinResponse(d.join(G)).errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  assert.equal(d.syncResponse(d.sync(G, 1, 'x')).errorCode, ErrorCode.REBALANCE_IN_PROGRESS);
  d.apply(d.c.completeLoad(0, d.c.partitionFor(G), 1, []));
  assert.equal(d.heartbeat('', 1, 'x'), ErrorCode.INVALID_GROUP_ID);
  assert.equal(d.heartbeat(G, 1, 'x'), ErrorCode.UNKNOWN_MEMBER_ID);
  const a = stableWithOne(d);
  assert.equal(d.heartbeat(G, 1, a), ErrorCode.NONE);
  assert.equal(d.heartbeat(G, 7, a), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(d.heartbeat(G, 1, 'nobody'), ErrorCode.UNKNOWN_MEMBER_ID);
});

test('JoinGroup validation: session timeout bounds, protocol type and common protocol, unknown member id', () => {
  const d = new CoordinatorDriver();
  assert.equal(d.joinResponse(d.join(G, { sessionTimeoutMs: 5999 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal(d.joinResponse(d.join(G, { sessionTimeoutMs: 1_800_001 })).errorCode, ErrorCode.INVALID_SESSION_TIMEOUT);
  assert.equal(d.joinResponse(d.join(G, { protocolType: '' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(d.joinResponse(d.join(G, { protocols: [] })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(d.joinResponse(d.join('nope', { memberId: 'ghost' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  stableWithOne(d);
  assert.equal(d.joinResponse(d.join(G, { protocolType: 'connect' })).errorCode, ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(
    d.joinResponse(d.join(G, { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] })).errorCode,
    ErrorCode.INCONSISTENT_GROUP_PROTOCOL,
  );
  assert.equal(d.joinResponse(d.join(G, { memberId: 'ghost' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(d.joinResponse(d.join('', {})).errorCode, ErrorCode.INVALID_GROUP_ID);
});

test('protocol selection: each member votes for its first choice among protocols all members support', () => {
  const d = new CoordinatorDriver({ groupInitialRebalanceDelayMs: 1000 });
  const p = (...names: string[]) => names.map((name) => ({ name, metadata: Buffer.from(name) }));
  const ids = [
    d.join(G, { apiVersion: 3, protocols: p('sticky', 'range', 'roundrobin') }),
    d.join(G, { apiVersion: 3, protocols: p('roundrobin', 'range') }),
    d.join(G, { apiVersion: 3, protocols: p('roundrobin', 'sticky', 'range') }),
  ];
  d.advance(1000); // members 2 and 3 arrived during the delay: wait once more
  assert.equal(d.response(ids[0]!), undefined);
  d.advance(1000);
  const r = ids.map((id) => d.joinResponse(id));
  // sticky is not supported by member 2; candidates are range and roundrobin; votes: range 1, roundrobin 2.
  assert.deepEqual(r.map((x) => x.protocolName), ['roundrobin', 'roundrobin', 'roundrobin']);
  const leader = r.find((x) => x.memberId === x.leader)!;
  assert.deepEqual(leader.members.map((m) => Buffer.from(m.metadata).toString()), ['roundrobin', 'roundrobin', 'roundrobin']);
});

test('group.initial.rebalance.delay.ms: the first rebalance waits, extends per new member, never past the rebalance timeout', () => {
  const d = new CoordinatorDriver({ groupInitialRebalanceDelayMs: 3000 });
  const a = d.join(G, { apiVersion: 3, rebalanceTimeoutMs: 10_000 });
  d.advance(2000);
  const b = d.join(G, { apiVersion: 3, rebalanceTimeoutMs: 10_000 });
  d.advance(999);
  assert.equal(d.response(a), undefined);
  d.advance(1); // t=3000: a member arrived during the delay, so wait another 3000
  assert.equal(d.response(a), undefined);
  d.advance(2999);
  assert.equal(d.response(b), undefined);
  d.advance(1); // t=6000
  assert.equal(d.joinResponse(a).generationId, 1);
  assert.equal(d.joinResponse(b).generationId, 1);

  // Members arriving continuously: total wait is capped by the rebalance timeout (3000 + 3000 + 3000 + 1000).
  const d2 = new CoordinatorDriver({ groupInitialRebalanceDelayMs: 3000 });
  const first = d2.join(G, { apiVersion: 3, rebalanceTimeoutMs: 10_000 });
  for (let t = 0; t < 12; t++) {
    d2.advance(1000);
    d2.join(G, { apiVersion: 3, rebalanceTimeoutMs: 10_000 });
    if (d2.response(first)) {
      assert.equal(d2.nowMs, 10_000);
      break;
    }
  }
  assert.equal(d2.joinResponse(first).errorCode, 0);
});

test('session timeout removes a silent member and rebalances the rest; rebalance timeout drops members that do not rejoin', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const jb = d.joinDynamic(G, { clientId: 'b', sessionTimeoutMs: 6000 });
  d.join(G, { memberId: a });
  const b = d.joinResponse(jb).memberId;
  const sb = d.sync(G, 2, b);
  d.sync(G, 2, a, [{ memberId: a, assignment: Buffer.from('x') }]);
  assert.equal(d.syncResponse(sb).errorCode, 0);
  // a keeps heartbeating, b goes silent.
  for (let i = 0; i < 3; i++) {
    d.advance(1500);
    assert.equal(d.heartbeat(G, 2, a), 0);
  }
  d.advance(1499);
  assert.equal(d.c.groups.get(G)!.has(b), true);
  d.advance(1);
  assert.equal(d.heartbeat(G, 2, a), ErrorCode.REBALANCE_IN_PROGRESS);
  assert.equal(d.c.groups.get(G)!.has(b), false, 'b expired after its 6000 ms session');
  assert.equal(state(d), 'PreparingRebalance');
  assert.equal(d.heartbeat(G, 2, b), ErrorCode.UNKNOWN_MEMBER_ID);
  const ja = d.join(G, { memberId: a });
  assert.equal(d.joinResponse(ja).generationId, 3);
  assert.equal(d.joinResponse(ja).members.length, 1);

  // Now a new member joins; a never rejoins: after a's rebalance timeout (30 s) a is dropped.
  d.sync(G, 3, a, []);
  const jc = d.joinDynamic(G, { clientId: 'c' });
  for (let i = 0; i < 30; i++) {
    d.advance(1000);
    if (d.response(jc)) break;
    d.heartbeat(G, 3, a);
  }
  const rc = d.joinResponse(jc);
  assert.equal(rc.generationId, 4);
  assert.equal(rc.leader, rc.memberId);
  assert.equal(d.c.groups.get(G)!.has(a), false);
});

test('a pending member that never rejoins expires after its session timeout', () => {
  const d = new CoordinatorDriver();
  const r = d.joinResponse(d.join(G, { sessionTimeoutMs: 6000 }));
  assert.equal(r.errorCode, ErrorCode.MEMBER_ID_REQUIRED);
  d.advance(6000);
  assert.equal(d.joinResponse(d.join(G, { memberId: r.memberId })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('group.max.size: GROUP_MAX_SIZE_REACHED for members beyond the limit', () => {
  const d = new CoordinatorDriver({ groupMaxSize: 1 });
  stableWithOne(d);
  const r = d.joinResponse(d.join(G, { apiVersion: 3 }));
  assert.equal(r.errorCode, ErrorCode.GROUP_MAX_SIZE_REACHED);
  assert.equal(r.memberId, '');
  assert.equal(d.c.groups.get(G)!.members.size, 1);
});

test('static membership: no MEMBER_ID_REQUIRED, rejoin with a new id keeps the generation, the old id is fenced', () => {
  const d = new CoordinatorDriver();
  const j = d.joinResponse(d.join(G, { groupInstanceId: 'inst-1', clientId: 'c1' }));
  assert.equal(j.errorCode, 0);
  assert.equal(j.memberId, 'inst-1-uuid1');
  const jb = d.joinDynamic(G, { clientId: 'b' });
  assert.equal(d.response(jb), undefined);
  d.join(G, { memberId: j.memberId, groupInstanceId: 'inst-1' });
  const b = d.joinResponse(jb).memberId;
  d.sync(G, 2, j.memberId, [{ memberId: j.memberId, assignment: Buffer.from('s') }, { memberId: b, assignment: Buffer.from('d') }], { groupInstanceId: 'inst-1' });
  assert.equal(state(d), 'Stable');
  // The static member restarts: same instance id, unknown member id.
  const before = d.log.get(d.c.partitionFor(G))!.length;
  const re = d.joinResponse(d.join(G, { groupInstanceId: 'inst-1', clientId: 'c1' }));
  assert.equal(re.errorCode, 0);
  assert.equal(re.generationId, 2);
  assert.equal(re.memberId, 'inst-1-uuid3');
  assert.equal(re.leader, j.memberId, 'the old leader id is returned so the new instance does not assign');
  assert.equal(state(d), 'Stable');
  assert.equal(d.log.get(d.c.partitionFor(G))!.length, before + 1, 'the new member id was persisted');
  assert.equal(d.heartbeat(G, 2, j.memberId, 'inst-1'), ErrorCode.FENCED_INSTANCE_ID);
  assert.equal(d.syncResponse(d.sync(G, 2, j.memberId, [], { groupInstanceId: 'inst-1' })).errorCode, ErrorCode.FENCED_INSTANCE_ID);
  assert.equal(d.joinResponse(d.join(G, { memberId: j.memberId, groupInstanceId: 'inst-1' })).errorCode, ErrorCode.FENCED_INSTANCE_ID);
  assert.equal(d.heartbeat(G, 2, re.memberId, 'inst-1'), ErrorCode.NONE);
  assert.deepEqual(Buffer.from(d.syncResponse(d.sync(G, 2, re.memberId, [], { groupInstanceId: 'inst-1' })).assignment), Buffer.from('s'));
  // An unknown instance id with a member id is UNKNOWN_MEMBER_ID.
  assert.equal(d.joinResponse(d.join(G, { memberId: b, groupInstanceId: 'inst-9' })).errorCode, ErrorCode.UNKNOWN_MEMBER_ID);
});

test('static member that misses a rebalance keeps its place; one whose session expires is removed', () => {
  const d = new CoordinatorDriver();
  const s = d.joinResponse(d.join(G, { groupInstanceId: 'i', sessionTimeoutMs: 20_000, rebalanceTimeoutMs: 5000 }));
  d.sync(G, 1, s.memberId, [], { groupInstanceId: 'i' });
  const jb = d.joinDynamic(G, { clientId: 'b', rebalanceTimeoutMs: 5000 });
  d.advance(5000);
  const rb = d.joinResponse(jb);
  assert.equal(rb.generationId, 2);
  assert.equal(rb.leader, rb.memberId, 'leadership moved to a member that rejoined');
  assert.equal(d.c.groups.get(G)!.has(s.memberId), true);
  d.sync(G, 2, rb.memberId, []);
  for (let i = 0; i < 25; i++) {
    d.advance(1000);
    d.heartbeat(G, d.c.groups.get(G)!.generationId, rb.memberId);
  }
  assert.equal(d.c.groups.get(G)!.has(s.memberId), false);
  assert.equal(d.c.groups.get(G)!.staticMembers.size, 0);
});

test('LeaveGroup v3 batch: per-member results, fenced and unknown members, the group ends Empty with its metadata stored', () => {
  const d = new CoordinatorDriver();
  const s = d.joinResponse(d.join(G, { groupInstanceId: 'i' }));
  const jb = d.joinDynamic(G, { clientId: 'b' });
  d.join(G, { memberId: s.memberId, groupInstanceId: 'i' });
  const b = d.joinResponse(jb).memberId;
  d.sync(G, 2, s.memberId, [], { groupInstanceId: 'i' });
  const r = d.response<LeaveGroupResponse>(
    d.leave(G, [
      { memberId: 'wrong', groupInstanceId: 'i' },
      { memberId: 'ghost', groupInstanceId: null },
      { memberId: b, groupInstanceId: null },
      { memberId: '', groupInstanceId: 'i' },
    ]),
  )!;
  assert.equal(r.errorCode, 0);
  assert.deepEqual(
    r.members.map((m) => m.errorCode),
    [ErrorCode.FENCED_INSTANCE_ID, ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.NONE, ErrorCode.NONE],
  );
  assert.equal(state(d), 'Empty');
  const g = d.c.groups.get(G)!;
  assert.equal(g.generationId, 3);
  const last = d.records(d.c.partitionFor(G)).at(-1)!;
  assert.equal(last.key.type, 'group');
  assert.deepEqual(last.value, { version: 3, protocolType: 'consumer', generation: 3, protocol: null, leader: null, currentStateTimestampMs: BigInt(g.currentStateTimestampMs!), members: [] });
  const none = d.response<LeaveGroupResponse>(d.leave('unknown-group', [{ memberId: 'x', groupInstanceId: null }]))!;
  assert.deepEqual(none.members.map((m) => m.errorCode), [ErrorCode.UNKNOWN_MEMBER_ID]);
});

test('a pending member leaving completes the rebalance that waited for it', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const pending = d.joinResponse(d.join(G, { clientId: 'p' })).memberId;
  d.join(G, { memberId: pending, clientId: 'p' });
  const pending2 = d.joinResponse(d.join(G, { clientId: 'q' })).memberId;
  const ja = d.join(G, { memberId: a });
  assert.equal(d.response(ja), undefined, 'waits for the pending member');
  d.leave(G, [{ memberId: pending2, groupInstanceId: null }]);
  assert.equal(d.joinResponse(ja).generationId, 2);
});

test('SyncGroup v5 protocol checks and generation/member errors', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const code = (id: number) => d.syncResponse(id).errorCode;
  assert.equal(code(d.sync(G, 1, a, [], { protocolType: 'connect' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(code(d.sync(G, 1, a, [], { protocolName: 'roundrobin' })), ErrorCode.INCONSISTENT_GROUP_PROTOCOL);
  assert.equal(code(d.sync(G, 1, a, [], { protocolType: 'consumer', protocolName: 'range' })), 0);
  assert.equal(code(d.sync(G, 2, a)), ErrorCode.ILLEGAL_GENERATION);
  assert.equal(code(d.sync(G, 1, 'x')), ErrorCode.UNKNOWN_MEMBER_ID);
  assert.equal(code(d.sync('nope', 1, 'x')), ErrorCode.UNKNOWN_MEMBER_ID);
  d.join(G, { memberId: a }); // the leader rejoining in Stable forces a rebalance, done at once (only member)
  assert.equal(d.c.groups.get(G)!.generationId, 2);
  d.join(G, { clientId: 'z', apiVersion: 3 });
  assert.equal(code(d.sync(G, 2, a)), ErrorCode.REBALANCE_IN_PROGRESS);
});

test('a follower rejoining with unchanged metadata in Stable gets the current generation; changed metadata rebalances', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const jb = d.joinDynamic(G, { clientId: 'b' });
  d.join(G, { memberId: a });
  const b = d.joinResponse(jb).memberId;
  d.sync(G, 2, a, []);
  const same = d.joinResponse(d.join(G, { memberId: b, clientId: 'b' }));
  assert.deepEqual([same.errorCode, same.generationId, same.leader, same.members.length], [0, 2, a, 0]);
  assert.equal(state(d), 'Stable');
  const changed = d.join(G, { memberId: b, clientId: 'b', protocols: [{ name: 'range', metadata: Buffer.from('new') }] });
  assert.equal(d.response(changed), undefined);
  assert.equal(state(d), 'PreparingRebalance');
});

test('a superseded JoinGroup from the same member is forgotten, never answered twice', () => {
  const d = new CoordinatorDriver();
  const a = stableWithOne(d);
  const jb = d.joinDynamic(G, { clientId: 'b' });
  d.join(G, { memberId: a });
  const b = d.joinResponse(jb).memberId;
  d.sync(G, 2, a, []);
  d.joinDynamic(G, { clientId: 'c' });
  const first = d.join(G, { memberId: a });
  const second = d.join(G, { memberId: a });
  assert.ok(d.forgotten.has(first));
  assert.equal(d.response(first), undefined);
  d.join(G, { memberId: b, clientId: 'b' });
  assert.equal(d.joinResponse(second).generationId, 3);
  assert.equal(d.response(first), undefined);
});

test('CompletingRebalance: a member repeating its JoinGroup gets the same generation again; a static rejoin forces a rebalance', () => {
  const d = new CoordinatorDriver();
  const s = d.joinResponse(d.join(G, { groupInstanceId: 'i' }));
  const jb = d.joinDynamic(G, { clientId: 'b' });
  d.join(G, { memberId: s.memberId, groupInstanceId: 'i' });
  const b = d.joinResponse(jb).memberId;
  assert.equal(state(d), 'CompletingRebalance');
  const again = d.joinResponse(d.join(G, { memberId: s.memberId, groupInstanceId: 'i' }));
  assert.deepEqual([again.errorCode, again.generationId, again.leader, again.members.length], [0, 2, s.memberId, 2]);
  const sb = d.sync(G, 2, b);
  const restart = d.join(G, { groupInstanceId: 'i' });
  assert.equal(state(d), 'PreparingRebalance');
  assert.equal(d.syncResponse(sb).errorCode, ErrorCode.REBALANCE_IN_PROGRESS, 'waiting syncs are sent back to rejoin');
  d.join(G, { memberId: b, clientId: 'b' });
  const r = d.joinResponse(restart);
  assert.equal(r.generationId, 3);
  assert.equal(r.memberId, 'i-uuid3');
});

test('JoinGroup v0 has no rebalance timeout: the session timeout is used', () => {
  const d = new CoordinatorDriver();
  const j = d.joinResponse(d.join(G, { apiVersion: 0, sessionTimeoutMs: 7000, rebalanceTimeoutMs: 99_999 }));
  assert.equal(d.c.groups.get(G)!.get(j.memberId).rebalanceTimeoutMs, 7000);
});
