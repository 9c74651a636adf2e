// Transactional offset commits: TxnOffsetCommit checks and pending offsets, COMMIT/ABORT markers (live, while loading,
// and read back by a load), precedence against plain commits, and OffsetFetch require_stable.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { encodeConsumerSubscription } from '../../../../src/kafka/coordinator/consumer-subscription.js';
import { ErrorCode } from '../../../../src/kafka/coordinator/error-codes.js';
import type { OffsetsLogEntry } from '../../../../src/kafka/coordinator/offsets-records.js';
import type { OffsetFetchResponse, TxnOffsetCommitResponse } from '../../../../src/kafka/coordinator/types.js';
import { CoordinatorDriver, type AppendEffect } from '../../../support/coordinator-driver.js';

const G = 'group-a';
const P = 4000;
const codes = (r: TxnOffsetCommitResponse | undefined) => r!.topics.flatMap((t) => t.partitions.map((p) => `${t.name}-${p.partitionIndex}:${p.errorCode}`));
const answers = (d: CoordinatorDriver, tps: string[], requireStable: boolean, group = G) =>
  [...d.fetch(group, tps, requireStable)].map(([tp, p]) => `${tp}:${p.committedOffset}/${p.errorCode}`);

function consumerGroup(d: CoordinatorDriver, groupInstanceId: string | null = null): { memberId: string; generationId: number } {
  const protocols = [{ name: 'range', metadata: encodeConsumerSubscription(['t']) }];
  const j = groupInstanceId === null ? d.joinResponse(d.joinDynamic(G, { protocols })) : d.joinResponse(d.join(G, { protocols, groupInstanceId }));
  assert.equal(j.errorCode, ErrorCode.NONE);
  d.sync(G, j.generationId, j.memberId, [], { groupInstanceId });
  return { memberId: j.memberId, generationId: j.generationId };
}

test('a TxnOffsetCommit is written as the producer\'s transactional batch, answered once written, and pending until the COMMIT marker', () => {
  const d = new CoordinatorDriver();
  d.nowMs = 7000;
  assert.deepEqual(codes(d.response(d.commit(G, -1, '', { 't-0': 5n }))), ['t-0:0']);
  d.holdAppends = true;
  const id = d.txnCommit(G, P, { 't-0': 10n, 't-1': 11n }, { producerEpoch: 3 });
  assert.equal(d.response(id), undefined);
  const append = d.heldAppends[0] as AppendEffect;
  assert.deepEqual([append.partition, append.acks, append.producer], [d.c.partitionFor(G), 'all', { producerId: P, producerEpoch: 3 }]);
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), [`t-0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, `t-1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`]);
  d.completeHeld();
  d.holdAppends = false;
  assert.deepEqual(codes(d.response(id)), ['t-0:0', 't-1:0']);
  assert.deepEqual(d.records(d.c.partitionFor(G)).at(-1), {
    key: { type: 'offset', version: 1, group: G, topic: 't', partition: 1 },
    value: { version: 3, offset: 11n, leaderEpoch: 3, metadata: 'txn', commitTimestampMs: 7000n, expireTimestampMs: -1n },
  });
  // Still pending: require_stable answers UNSTABLE_OFFSET_COMMIT per partition, otherwise the last committed offset.
  assert.deepEqual(answers(d, ['t-0', 't-1', 't-2'], true), [`t-0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, `t-1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, 't-2:-1/0']);
  assert.deepEqual(answers(d, ['t-0', 't-1'], false), ['t-0:5/0', 't-1:-1/0']);
  assert.deepEqual(d.fetchAll(G), new Map([['t-0', 5n]]));
  const all = d.newRequestId();
  d.apply(d.c.fetchOffsets(d.nowMs, all, [{ groupId: G, topics: null }], true));
  assert.deepEqual(d.response<OffsetFetchResponse>(all)!.groups[0]!.topics, [
    { name: 't', partitions: [{ partitionIndex: 0, committedOffset: -1n, committedLeaderEpoch: -1, metadata: '', errorCode: ErrorCode.UNSTABLE_OFFSET_COMMIT }] },
  ]);

  d.marker(d.c.partitionFor(G) + 1, P, true);
  d.marker(d.c.partitionFor(G), P + 1, true);
  assert.deepEqual(answers(d, ['t-0'], true), [`t-0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`], 'markers of other partitions or producers change nothing');
  d.marker(d.c.partitionFor(G), P, true);
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), ['t-0:10/0', 't-1:11/0']);
  assert.equal(d.fetch(G, ['t-1'], false).get('t-1')!.committedLeaderEpoch, 3);
  assert.equal(d.c.groups.get(G)!.pendingTxnOffsetCommits.size, 0);
});

test('an ABORT marker drops the pending offsets; the committed ones stay', () => {
  const d = new CoordinatorDriver();
  d.commit(G, -1, '', { 't-0': 5n });
  d.txnCommit(G, P, { 't-0': 10n, 't-1': 11n });
  d.txnCommit(G, P + 1, { 't-1': 20n });
  d.marker(d.c.partitionFor(G), P, false);
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), ['t-0:5/0', `t-1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`], 'the other producer still has t-1 pending');
  d.marker(d.c.partitionFor(G), P + 1, true);
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), ['t-0:5/0', 't-1:20/0']);
});

test('precedence: a plain commit written after the transaction\'s record wins over it at COMMIT; one written before is replaced', () => {
  const d = new CoordinatorDriver();
  d.commit(G, -1, '', { 't-0': 1n, 't-1': 1n });
  d.txnCommit(G, P, { 't-0': 10n, 't-1': 10n });
  d.commit(G, -1, '', { 't-1': 2n });
  assert.deepEqual(answers(d, ['t-0', 't-1'], false), ['t-0:1/0', 't-1:2/0']);
  d.marker(d.c.partitionFor(G), P, true);
  assert.deepEqual(answers(d, ['t-0', 't-1'], false), ['t-0:10/0', 't-1:2/0']);
  // A later transaction of the same producer, committed, replaces both.
  d.txnCommit(G, P, { 't-0': 30n, 't-1': 30n });
  d.txnCommit(G, P, { 't-1': 31n });
  d.marker(d.c.partitionFor(G), P, true);
  assert.deepEqual(answers(d, ['t-0', 't-1'], false), ['t-0:30/0', 't-1:31/0']);
});

test('group checks: generation, member id and group.instance.id are enforced when set; the group is created when absent', () => {
  const d = new CoordinatorDriver();
  // Absent group with no member: created (Empty) and the offsets pending.
  assert.deepEqual(codes(d.response(d.txnCommit('fresh', P, { 't-0': 1n }))), ['t-0:0']);
  assert.equal(d.c.groups.get('fresh')!.state, 'Empty');
  const { memberId, generationId } = consumerGroup(d, 'inst-1');
  const tc = (opts: Parameters<CoordinatorDriver['txnCommit']>[3]) => codes(d.response(d.txnCommit(G, P, { 't-0': 1n }, opts)));
  assert.deepEqual(tc({ memberId: 'nobody', generationId }), [`t-0:${ErrorCode.UNKNOWN_MEMBER_ID}`]);
  assert.deepEqual(tc({ memberId, generationId: generationId + 1 }), [`t-0:${ErrorCode.ILLEGAL_GENERATION}`]);
  assert.deepEqual(tc({ memberId: 'other', generationId, groupInstanceId: 'inst-1' }), [`t-0:${ErrorCode.FENCED_INSTANCE_ID}`]);
  assert.deepEqual(tc({ memberId, generationId, groupInstanceId: 'inst-1' }), ['t-0:0']);
  assert.deepEqual(tc({}), ['t-0:0'], 'below v3 neither member nor generation is checked');
  assert.deepEqual(tc({ generationId }), ['t-0:0']);
  assert.deepEqual(codes(d.response(d.txnCommit('', P, { 't-0': 1n }))), [`t-0:${ErrorCode.INVALID_GROUP_ID}`]);
  assert.deepEqual(codes(d.response(d.txnCommit(G, P, { 't-0': 1n }, { metadata: 'x'.repeat(5000) }))), [`t-0:${ErrorCode.OFFSET_METADATA_TOO_LARGE}`]);

  const notOwned = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  assert.deepEqual(codes(notOwned.response(notOwned.txnCommit(G, P, { 't-0': 1n }))), [`t-0:${ErrorCode.NOT_COORDINATOR}`]);
  notOwned.apply(notOwned.c.beginLoad(0, 0, 1));
  assert.deepEqual(codes(notOwned.response(notOwned.txnCommit(G, P, { 't-0': 1n }))), [`t-0:${ErrorCode.COORDINATOR_LOAD_IN_PROGRESS}`]);
});

test('a failed append answers the mapped error and leaves nothing pending', () => {
  const d = new CoordinatorDriver();
  d.holdAppends = true;
  const id = d.txnCommit(G, P, { 't-0': 1n });
  d.completeHeld(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.deepEqual(codes(d.response(id)), [`t-0:${ErrorCode.NOT_COORDINATOR}`]);
  assert.deepEqual(answers(d, ['t-0'], true), ['t-0:-1/0']);
  assert.equal(d.c.groups.get(G)!.pendingTxnOffsetCommits.size, 0);
  // A marker arriving for a commit whose record was never acknowledged does not apply it.
  const id2 = d.txnCommit(G, P, { 't-0': 2n });
  d.marker(d.c.partitionFor(G), P, true);
  d.completeHeld();
  assert.deepEqual(codes(d.response(id2)), ['t-0:0']);
  assert.deepEqual(answers(d, ['t-0'], true), ['t-0:-1/0']);
});

test('deleting the offsets of a partition drops its pending transactional offset too', () => {
  const d = new CoordinatorDriver();
  d.txnCommit(G, P, { 't-0': 1n, 't-1': 1n });
  const id = d.newRequestId();
  d.apply(d.c.deleteOffsets(d.nowMs, id, { groupId: G, topics: [{ name: 't', partitions: [0] }] }));
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), ['t-0:-1/0', `t-1:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`]);
  d.marker(d.c.partitionFor(G), P, true);
  assert.deepEqual(answers(d, ['t-0', 't-1'], true), ['t-0:-1/0', 't-1:1/0']);
});

const off = (group: string, partition: number, offset: bigint | null, producerId?: number): OffsetsLogEntry => ({
  key: { type: 'offset', version: 1, group, topic: 't', partition },
  value: offset === null ? null : { version: 3, offset, leaderEpoch: -1, metadata: '', commitTimestampMs: 1n, expireTimestampMs: -1n },
  ...(producerId === undefined ? {} : { producerId }),
});
const marker = (producerId: number, commit: boolean): OffsetsLogEntry => ({ type: 'txn-marker', producerId, commit });

test('load: transactional offsets wait for their marker; COMMIT applies them unless a later plain commit exists, ABORT drops them', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  d.loadPartition(0, 1, [
    off('g', 0, 1n),
    off('g', 1, 1n),
    off('g', 0, 10n, 1),
    off('g', 1, 10n, 1),
    off('g', 1, 2n),
    off('g', 2, 10n, 2),
    off('g', 3, 10n, 1),
    off('g', 3, null, 1),
    marker(1, true),
    marker(2, false),
    off('g', 0, 20n, 3),
    off('h', 0, 7n, 3),
    off('g', 2, 30n, 4),
    marker(4, true),
    off('g', 2, 31n),
  ]);
  const g = d.c.groups.get('g')!;
  assert.deepEqual([...g.offsets].map(([k, o]) => `${k}=${o.offset}`).sort(), ['0:t=10', '1:t=2', '2:t=31']);
  assert.deepEqual([...g.pendingTxnOffsetCommits.keys()], [3], 'producer 3 is still open at the log end');
  assert.deepEqual(answers(d, ['t-0', 't-2'], true, 'g'), [`t-0:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`, 't-2:31/0']);
  assert.equal(d.c.groups.get('h')!.state, 'Empty', 'a group with only pending offsets is loaded');
  assert.equal(d.c.groups.get('h')!.offsets.size, 0);
  // The open transaction is completed by a live marker after the load.
  d.marker(0, 3, true);
  assert.deepEqual(answers(d, ['t-0', 't-2'], true, 'g'), ['t-0:20/0', 't-2:31/0']);
  assert.equal(d.c.groups.get('h')!.offsets.get('0:t')!.offset, 7n);
});

test('markers written while the partition loads are applied once it is loaded', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  d.apply(d.c.beginLoad(0, 0, 1));
  d.apply(d.c.txnMarkerWritten(0, 0, 5, true));
  d.apply(d.c.txnMarkerWritten(0, 0, 6, false));
  d.apply(d.c.completeLoad(0, 0, 1, [off('g', 0, 3n, 5), off('g', 1, 4n, 6), off('g', 2, 5n, 7)]));
  const g = d.c.groups.get('g')!;
  assert.deepEqual([...g.offsets].map(([k, o]) => `${k}=${o.offset}`), ['0:t=3']);
  assert.deepEqual([...g.pendingTxnOffsetCommits.keys()], [7]);
  // Not owned: nothing is kept for later.
  d.apply(d.c.unload(0, 0, 1));
  d.apply(d.c.txnMarkerWritten(0, 0, 7, true));
  assert.equal(d.c.deferredTxnMarkers.size, 0);
});

test('what a coordinator wrote reloads to the same state: committed, aborted and open transactions', () => {
  const d = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 });
  d.commit(G, -1, '', { 't-0': 1n });
  d.txnCommit(G, 1, { 't-0': 10n });
  d.commit(G, -1, '', { 't-1': 2n });
  d.txnCommit(G, 1, { 't-1': 10n });
  d.marker(0, 1, true);
  d.txnCommit(G, 2, { 't-0': 20n });
  d.marker(0, 2, false);
  d.txnCommit(G, 3, { 't-2': 30n });
  const before = answers(d, ['t-0', 't-1', 't-2'], true);
  assert.deepEqual(before, ['t-0:10/0', 't-1:10/0', `t-2:-1/${ErrorCode.UNSTABLE_OFFSET_COMMIT}`]);
  const reloaded = new CoordinatorDriver({ offsetsTopicNumPartitions: 1 }, { load: false });
  reloaded.loadPartition(0, 1, d.entries.get(0)!);
  assert.deepEqual(answers(reloaded, ['t-0', 't-1', 't-2'], true), before);
  reloaded.marker(0, 3, true);
  assert.deepEqual(answers(reloaded, ['t-2'], true), ['t-2:30/0']);
});
