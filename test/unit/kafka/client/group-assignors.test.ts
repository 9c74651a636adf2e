// The consumer protocol's subscription/assignment bytes (ours read by kafkajs, kafkajs's read by us) and the
// assignors' results for the cases the Java client documents.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignerProtocol } from 'kafkajs';
import {
  CooperativeStickyAssignor,
  decodeAssignment,
  decodeSubscription,
  encodeAssignment,
  encodeSubscription,
  KafkajsRoundRobinAssignor,
  RangeAssignor,
  RoundRobinAssignor,
  type GroupMemberSubscription,
} from '../../../../src/kafka/client/index.js';

const member = (memberId: string, topics: string[], groupInstanceId: string | null = null): GroupMemberSubscription => ({
  memberId,
  groupInstanceId,
  subscription: { topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null },
});

const flat = (m: Map<string, { partitions: { topic: string; partitions: number[] }[] }>) =>
  Object.fromEntries([...m].map(([id, a]) => [id, a.partitions.flatMap((t) => t.partitions.map((p) => `${t.topic}-${p}`))]));

test('subscription bytes: v1 ours, read back and by kafkajs; kafkajs v0 read by us', () => {
  const ours = encodeSubscription({ topics: ['a', 'b'], userData: Buffer.from('u') }, 1);
  assert.deepEqual(ours, Buffer.from([0, 1, 0, 0, 0, 2, 0, 1, 0x61, 0, 1, 0x62, 0, 0, 0, 1, 0x75, 0, 0, 0, 0]));
  assert.deepEqual(decodeSubscription(ours).topics, ['a', 'b']);
  assert.deepEqual(AssignerProtocol.MemberMetadata.decode(ours)!.topics, ['a', 'b']);
  const theirs = AssignerProtocol.MemberMetadata.encode({ version: 0, topics: ['x'], userData: Buffer.alloc(0) });
  assert.deepEqual(decodeSubscription(theirs), { topics: ['x'], userData: Buffer.alloc(0), ownedPartitions: [], generationId: -1, rackId: null });
});

test('assignment bytes: ours read by kafkajs, kafkajs read by us, empty is empty', () => {
  const ours = encodeAssignment({ partitions: [{ topic: 't', partitions: [0, 2] }], userData: null }, 0);
  assert.deepEqual(AssignerProtocol.MemberAssignment.decode(ours)!.assignment, { t: [0, 2] });
  const theirs = AssignerProtocol.MemberAssignment.encode({ version: 0, assignment: { t: [1] }, userData: Buffer.alloc(0) });
  assert.deepEqual(decodeAssignment(theirs).partitions, [{ topic: 't', partitions: [1] }]);
  assert.deepEqual(decodeAssignment(Buffer.alloc(0)), { partitions: [], userData: null });
  // a newer version than we know: the fields we know are read
  const v5 = Buffer.concat([Buffer.from([0, 5]), ours.subarray(2), Buffer.from([1, 2, 3])]);
  assert.deepEqual(decodeAssignment(v5).partitions, [{ topic: 't', partitions: [0, 2] }]);
});

test('range: contiguous ranges per topic, the first members get the extra partitions', () => {
  const members = [member('c', ['t1', 't2']), member('a', ['t1', 't2']), member('b', ['t1'])];
  const out = flat(new RangeAssignor().assign(members, new Map([['t1', 7], ['t2', 3]])));
  assert.deepEqual(out, { c: ['t1-5', 't1-6', 't2-2'], a: ['t1-0', 't1-1', 't1-2', 't2-0', 't2-1'], b: ['t1-3', 't1-4'] });
});

test('range orders static members by group.instance.id before member ids', () => {
  const members = [member('m1', ['t'], 'z'), member('m2', ['t'], 'y'), member('m0', ['t'])];
  assert.deepEqual(flat(new RangeAssignor().assign(members, new Map([['t', 3]]))), { m1: ['t-1'], m2: ['t-0'], m0: ['t-2'] });
});

test('roundrobin: one circle over all partitions, skipping members not subscribed (the Java javadoc example)', () => {
  const members = [member('C2', ['t0', 't1', 't2']), member('C0', ['t0']), member('C1', ['t0', 't1'])];
  const out = flat(new RoundRobinAssignor().assign(members, new Map([['t0', 1], ['t1', 2], ['t2', 3]])));
  assert.deepEqual(out, { C2: ['t1-1', 't2-0', 't2-1', 't2-2'], C0: ['t0-0'], C1: ['t1-0'] });
});

test("kafkajs's RoundRobinAssigner: partition p of each topic to member p mod n", () => {
  const members = [member('b', ['t']), member('a', ['t'])];
  assert.deepEqual(flat(new KafkajsRoundRobinAssignor().assign(members, new Map([['t', 5]]))), { b: ['t-1', 't-3'], a: ['t-0', 't-2', 't-4'] });
});

test('cooperative-sticky: balanced, owners keep what they can, moves happen over two rounds', () => {
  const owning = (id: string, owned: number[]): GroupMemberSubscription => ({ ...member(id, ['t']), subscription: { ...member(id, ['t']).subscription, ownedPartitions: owned.length ? [{ topic: 't', partitions: owned }] : [] } });
  const counts = new Map([['t', 6]]);
  const a = new CooperativeStickyAssignor();
  assert.deepEqual(flat(a.assign([owning('a', []), owning('b', []), owning('c', [])], counts)), { a: ['t-0', 't-3'], b: ['t-1', 't-4'], c: ['t-2', 't-5'] });
  // c joins a group where a owns four partitions: nothing moves to c yet, a keeps two of its four
  const first = flat(a.assign([owning('a', [0, 1, 2, 3]), owning('b', [4, 5]), owning('c', [])], counts));
  assert.deepEqual(first, { a: ['t-2', 't-3'], b: ['t-4', 't-5'], c: [] });
  // a revoked 0 and 1 and rejoined: now they go to c
  assert.deepEqual(flat(a.assign([owning('a', [2, 3]), owning('b', [4, 5]), owning('c', [])], counts)), { a: ['t-2', 't-3'], b: ['t-4', 't-5'], c: ['t-0', 't-1'] });
  // an owner that left: its partitions are free at once
  assert.deepEqual(flat(a.assign([owning('a', [0, 1, 2]), owning('c', [])], counts)), { a: ['t-0', 't-1', 't-2'], c: ['t-3', 't-4', 't-5'] });
});
