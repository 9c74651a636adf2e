// ZAB leader and learner state machines, driven by hand: transcripts of the messages they exchange, and the rules
// on epochs, sync modes, quorums, ordering, limits and time.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { MajorityQuorumVerifier } from '../../../../src/zookeeper/quorum/quorum-verifier.js';
import { PacketType } from '../../../../src/zookeeper/quorum/wire/packet-types.js';
import type { Txn, ZabMessage } from '../../../../src/zookeeper/quorum/wire/zab-messages.js';
import { ZabLeader } from '../../../../src/zookeeper/quorum/zab/leader.js';
import { ZabLearner } from '../../../../src/zookeeper/quorum/zab/learner.js';
import { DEFAULT_ZAB_LIMITS, PersistIds, type DurableState, type ZabLimits, type ZabOutput } from '../../../../src/zookeeper/quorum/zab/types.js';
import { zxidHex } from '../../../../src/zookeeper/quorum/zxid.js';

const txn = (zxid: bigint, text = `t${zxid.toString(16)}`): Txn => ({ zxid, data: Buffer.from(text) });
const disk = (log: Txn[] = [], epoch = 0, snapshotZxid = 0n): DurableState => ({ acceptedEpoch: epoch, currentEpoch: epoch, snapshotZxid, log });
const members = (voters: number, observers = 0) =>
  new MajorityQuorumVerifier([...Array.from({ length: voters }, (_, i) => ({ sid: BigInt(i + 1), type: 'participant' as const })), ...Array.from({ length: observers }, (_, i) => ({ sid: BigInt(voters + i + 1), type: 'observer' as const }))]);

function describe(m: ZabMessage): string {
  const name = PacketType[m.type];
  if ('txn' in m) return `${name} ${zxidHex(m.txn.zxid)}`;
  if (m.type === PacketType.ACKEPOCH) return `${name} ${zxidHex(m.lastZxid)} ${m.currentEpoch}`;
  if (m.type === PacketType.LEADERINFO) return `${name} ${m.newEpoch}`;
  if (m.type === PacketType.FOLLOWERINFO || m.type === PacketType.OBSERVERINFO) return `${name} ${m.acceptedEpoch}`;
  if ('zxid' in m) return `${name} ${zxidHex(m.zxid)}`;
  return name;
}

/** A leader and its learners exchanging messages synchronously; persists complete when flushed. */
class Ensemble {
  readonly ids = new Map<bigint, PersistIds>();
  readonly transcript: string[] = [];
  readonly applied = new Map<bigint, bigint[]>();
  readonly stopped = new Map<bigint, string>();
  private readonly pending: { sid: bigint; id: number }[] = [];
  leader!: ZabLeader;
  readonly learners = new Map<bigint, ZabLearner>();

  constructor(readonly v: MajorityQuorumVerifier, readonly limits: ZabLimits = { ...DEFAULT_ZAB_LIMITS }) {}

  private idsFor(sid: bigint): PersistIds {
    let ids = this.ids.get(sid);
    if (!ids) this.ids.set(sid, (ids = new PersistIds()));
    return ids;
  }

  startLeader(sid: bigint, durable: DurableState, appliedZxid = durable.snapshotZxid): void {
    this.leader = new ZabLeader({ mySid: sid, verifier: this.v, limits: this.limits, durable, appliedZxid, persistIds: this.idsFor(sid) });
    this.take(sid, this.leader.start());
  }

  join(sid: bigint, durable: DurableState, observer = false): ZabLearner {
    const l = new ZabLearner({ mySid: sid, leaderSid: this.leader.mySid, observer, limits: this.limits, durable, persistIds: this.idsFor(sid) });
    this.learners.set(sid, l);
    this.take(sid, l.connected());
    return l;
  }

  take(sid: bigint, outs: ZabOutput[]): void {
    for (const o of outs) {
      switch (o.kind) {
        case 'send': {
          this.transcript.push(`${sid}->${o.to} ${describe(o.message)}`);
          const m = o.message.type === PacketType.SNAP ? { ...o.message, snapshot: 'tree' } : o.message;
          if (o.to === this.leader.mySid) this.take(o.to, this.leader.receive(sid, m));
          else {
            const l = this.learners.get(o.to);
            if (l) this.take(o.to, l.receive(sid, m));
          }
          break;
        }
        case 'persist':
          this.pending.push({ sid, id: o.id });
          break;
        case 'apply':
          this.applied.set(sid, [...(this.applied.get(sid) ?? []), o.txn.zxid]);
          break;
        case 'stopped':
          this.stopped.set(sid, o.reason);
          break;
        case 'disconnect':
          this.transcript.push(`${sid} drops ${o.sid}`);
          break;
        default:
          this.transcript.push(`${sid} ${o.kind}`);
      }
    }
  }

  /** Completes every pending write (repeatedly: completions may issue more). */
  flush(): void {
    while (this.pending.length > 0) {
      const { sid, id } = this.pending.shift()!;
      const m = sid === this.leader.mySid ? this.leader : this.learners.get(sid)!;
      this.take(sid, m.persisted(id));
    }
  }

  propose(text: string): bigint {
    const r = this.leader.propose(() => Buffer.from(text));
    assert.ok(r);
    this.take(this.leader.mySid, r.out);
    return r.zxid;
  }
}

test('transcript: a fresh three-server ensemble agrees on epoch 1, syncs by DIFF, then commits a proposal', () => {
  const e = new Ensemble(members(3));
  e.startLeader(3n, disk());
  e.join(1n, disk());
  e.flush();
  e.join(2n, disk());
  e.flush();
  e.propose('create /a');
  e.flush();
  assert.deepEqual(e.transcript, [
    '1->3 FOLLOWERINFO 0',
    '3->1 LEADERINFO 1',
    '1->3 ACKEPOCH 0x0 0',
    '3->1 DIFF 0x0',
    '3->1 NEWLEADER 0x100000000',
    '1->3 ACK 0x100000000',
    '3 serving',
    '3->1 UPTODATE',
    '1 serving',
    '1->3 ACK 0x100000000',
    '2->3 FOLLOWERINFO 0',
    '3->2 LEADERINFO 1',
    '2->3 ACKEPOCH 0x0 0',
    '3->2 DIFF 0x0',
    '3->2 NEWLEADER 0x100000000',
    '2->3 ACK 0x100000000',
    '3->2 UPTODATE',
    '2 serving',
    '2->3 ACK 0x100000000',
    '3->1 PROPOSAL 0x100000001',
    '3->2 PROPOSAL 0x100000001',
    '1->3 ACK 0x100000001',
    // Two followers are a quorum of three: the commit does not wait for the leader's own write.
    '2->3 ACK 0x100000001',
    '3->1 COMMIT 0x100000001',
    '3->2 COMMIT 0x100000001',
  ]);
  for (const sid of [1n, 2n, 3n]) assert.deepEqual(e.applied.get(sid), [0x100000001n]);
});

test('a commit needs a quorum of acks and waits for every earlier proposal', () => {
  const e = new Ensemble(members(5));
  e.startLeader(1n, disk());
  for (const sid of [2n, 3n, 4n, 5n]) e.join(sid, disk());
  e.flush();
  e.transcript.length = 0;
  const a = e.propose('a');
  const b = e.propose('b');
  // Only the leader's own log write completes: 1 of 5.
  const leaderWrites = (e as unknown as { pending: { sid: bigint; id: number }[] }).pending;
  const mine = leaderWrites.filter((w) => w.sid === 1n);
  for (const w of mine) e.take(1n, e.leader.persisted(w.id));
  leaderWrites.splice(0, leaderWrites.length, ...leaderWrites.filter((w) => w.sid !== 1n));
  assert.equal(e.leader.lastCommitted, 0n);
  // Followers ack b (but not a): nothing commits, b waits for a.
  for (const sid of [2n, 3n]) e.take(sid, [{ kind: 'send', to: 1n, message: { type: PacketType.ACK, zxid: b } }]);
  assert.equal(e.leader.lastCommitted, 0n);
  e.take(2n, [{ kind: 'send', to: 1n, message: { type: PacketType.ACK, zxid: a } }]);
  assert.equal(e.leader.lastCommitted, 0n, 'leader and 2 are not a quorum of 5');
  e.take(3n, [{ kind: 'send', to: 1n, message: { type: PacketType.ACK, zxid: a } }]);
  assert.equal(e.leader.lastCommitted, b, 'a and then b commit in order');
  assert.deepEqual(e.applied.get(1n), [a, b]);
});

test('sync modes: DIFF for a lagging learner, TRUNC for an unreplicated tail, SNAP beyond the in-memory window', () => {
  const history = [1, 2, 3, 4, 5].map((c) => txn(0x100000000n + BigInt(c)));
  const e = new Ensemble(members(5), { ...DEFAULT_ZAB_LIMITS, committedLogMax: 2 });
  e.startLeader(1n, disk(history, 1), 0x100000002n);
  e.join(2n, disk(history.slice(0, 3), 1));
  e.join(3n, disk(history.slice(0, 2), 1));
  e.flush();
  const sent = (to: bigint) => e.transcript.filter((l) => l.startsWith(`1->${to} `) && !l.includes('INFO')).map((l) => l.slice(5));
  assert.deepEqual(sent(2n), ['DIFF 0x100000005', 'PROPOSAL 0x100000004', 'COMMIT 0x100000004', 'PROPOSAL 0x100000005', 'COMMIT 0x100000005', 'NEWLEADER 0x200000000', 'UPTODATE']);
  // Learner 3 is exactly at the start of the leader's in-memory window (its applied 0x100000002): still a DIFF.
  assert.deepEqual(sent(3n).slice(0, 2), ['DIFF 0x100000005', 'PROPOSAL 0x100000003']);
  // Establish, then commit enough to push old history out of the window; a learner from before it gets SNAP.
  for (let i = 0; i < 4; i++) e.propose(`n${i}`);
  e.flush();
  e.join(4n, disk(history.slice(0, 1), 1));
  e.flush();
  assert.equal(sent(4n)[0], `SNAP ${zxidHex(e.leader.lastCommitted)}`);
  // A learner holding an old epoch-1 leader's unreplicated tail, joining a leader that established epoch 2 without
  // it, is truncated (a learner with the leader's own epoch and more transactions would be refused as ahead).
  const t = new Ensemble(members(3));
  t.startLeader(1n, disk(history.slice(0, 3), 2));
  t.join(2n, disk(history, 1));
  t.flush();
  assert.deepEqual(t.transcript.filter((l) => l.startsWith('1->2 ') && !l.includes('INFO')).map((l) => l.slice(5)), ['TRUNC 0x100000003', 'NEWLEADER 0x300000000', 'UPTODATE']);
  assert.deepEqual(t.applied.get(2n), history.slice(0, 3).map((x) => x.zxid));
});

test('epochs: the new epoch moves past every accepted epoch; a learner refuses a smaller one and a leader refuses a learner ahead of it', () => {
  const e = new Ensemble(members(3));
  e.startLeader(1n, { ...disk(), acceptedEpoch: 3 });
  e.join(2n, { ...disk(), acceptedEpoch: 6 });
  e.flush();
  assert.equal(e.leader.newEpoch, 7);
  const late = e.join(3n, { ...disk(), acceptedEpoch: 9 });
  e.flush();
  assert.equal(late.stage, 'stopped');
  assert.match(e.stopped.get(3n)!, /less than accepted epoch 9/);

  const ahead = new Ensemble(members(3));
  ahead.startLeader(1n, disk([txn(0x200000001n)], 2));
  ahead.join(2n, disk([txn(0x200000001n), txn(0x200000002n)], 2));
  ahead.flush();
  assert.ok(ahead.transcript.includes('1 drops 2'), 'a follower ahead of the leader is refused');
  assert.equal(ahead.leader.established, false);
});

test('an accepted epoch is persisted before ACKEPOCH, and the current epoch before acking NEWLEADER', () => {
  const e = new Ensemble(members(3));
  e.startLeader(1n, disk());
  const l = e.join(2n, disk());
  e.flush();
  assert.equal(l.stage, 'serving');
  const f = new ZabLearner({ mySid: 2n, leaderSid: 1n, observer: false, limits: DEFAULT_ZAB_LIMITS, durable: disk(), persistIds: new PersistIds() });
  f.connected();
  const out = f.receive(1n, { type: PacketType.LEADERINFO, newEpoch: 1, protocolVersion: 0x10000 });
  assert.deepEqual(out.map((o) => o.kind), ['persist'], 'nothing is sent before the epoch is on disk');
  const p = out[0]!;
  assert.ok(p.kind === 'persist');
  assert.deepEqual(f.persisted(p.id).map((o) => o.kind === 'send' && describe(o.message)), ['ACKEPOCH 0x0 0']);
  f.receive(1n, { type: PacketType.DIFF, zxid: 0n });
  const nl = f.receive(1n, { type: PacketType.NEWLEADER, zxid: 0x100000000n, config: Buffer.alloc(0) });
  assert.deepEqual(nl.map((o) => o.kind), ['persist']);
  assert.ok(nl[0]!.kind === 'persist');
  assert.deepEqual(nl[0]!.ops, [{ op: 'current-epoch', epoch: 1 }]);
});

test('out of order traffic makes a learner drop back to election', () => {
  const e = new Ensemble(members(3));
  e.startLeader(1n, disk());
  const l = e.join(2n, disk());
  e.flush();
  e.take(2n, l.receive(1n, { type: PacketType.COMMIT, zxid: 0x100000009n }));
  assert.match(e.stopped.get(2n)!, /not the next logged proposal/);
  const g = new Ensemble(members(3));
  g.startLeader(1n, disk());
  const m = g.join(2n, disk());
  g.flush();
  g.take(2n, m.receive(1n, { type: PacketType.PROPOSAL, txn: txn(0x100000002n) }));
  assert.match(g.stopped.get(2n)!, /got zxid/);
});

test('the zxid counter rolling over makes the leader step down', () => {
  const e = new Ensemble(members(3), { ...DEFAULT_ZAB_LIMITS, zxidCounterLimit: 3 });
  e.startLeader(1n, disk());
  e.join(2n, disk());
  e.flush();
  e.propose('a');
  e.propose('b');
  const r = e.leader.propose(() => Buffer.from('c'));
  assert.ok(r);
  assert.equal(r.zxid, -1n);
  assert.ok(r.out.some((o) => o.kind === 'stopped' && /rolled over/.test(o.reason)));
});

test('sync is answered once everything proposed before it is committed; observers get INFORM', () => {
  const e = new Ensemble(members(3, 1));
  e.startLeader(1n, disk());
  e.join(2n, disk());
  e.join(4n, disk(), true);
  e.flush();
  e.transcript.length = 0;
  e.propose('a');
  e.take(1n, e.leader.sync(2n));
  assert.ok(!e.transcript.includes('1->2 SYNC'));
  e.flush();
  assert.ok(e.transcript.indexOf('1->2 SYNC') > e.transcript.indexOf('1->2 COMMIT 0x100000001'));
  assert.ok(e.transcript.includes('1->4 INFORM 0x100000001'));
  assert.ok(!e.transcript.some((l) => l.startsWith('1->4 PROPOSAL')));
  assert.deepEqual(e.applied.get(4n), [0x100000001n]);
});

test('limits in ticks: a silent learner is dropped after syncLimit, and the leader without a quorum steps down', () => {
  const e = new Ensemble(members(3), { ...DEFAULT_ZAB_LIMITS, syncLimitTicks: 2 });
  e.startLeader(1n, disk());
  e.join(2n, disk());
  e.flush();
  e.learners.delete(2n); // 2 goes silent
  for (let i = 0; i < 2; i++) e.take(1n, e.leader.tick());
  assert.equal(e.stopped.has(1n), false);
  e.take(1n, e.leader.tick());
  assert.ok(e.transcript.includes('1 drops 2'));
  assert.match(e.stopped.get(1n)!, /not sufficient followers synced/);
  const f = new Ensemble(members(3), { ...DEFAULT_ZAB_LIMITS, initLimitTicks: 3 });
  f.startLeader(1n, disk());
  for (let i = 0; i < 4; i++) f.take(1n, f.leader.tick());
  assert.match(f.stopped.get(1n)!, /timeout while waiting/);
});

test('a learner is pinged only once it is up to date: not while the leader waits for its ACKEPOCH or its NEWLEADER ack', () => {
  const e = new Ensemble(members(3));
  e.startLeader(1n, disk());
  e.join(2n, disk());
  e.flush();
  // Server 3's FOLLOWERINFO reaches the established leader; its ACKEPOCH is slow to come.
  e.transcript.length = 0;
  e.take(1n, e.leader.receive(3n, { type: PacketType.FOLLOWERINFO, acceptedEpoch: 0, sid: 3n, protocolVersion: 0x10000, configVersion: 0n }));
  e.take(1n, e.leader.tick());
  assert.deepEqual(e.transcript, ['1->3 LEADERINFO 1', '1->2 PING 0x0', '2->1 PING 0x0']);
  e.transcript.length = 0;
  e.take(1n, e.leader.receive(3n, { type: PacketType.ACKEPOCH, currentEpoch: 0, lastZxid: 0n }));
  e.take(1n, e.leader.tick());
  assert.deepEqual(e.transcript, ['1->3 DIFF 0x0', '1->3 NEWLEADER 0x100000000', '1->2 PING 0x0', '2->1 PING 0x0']);
  e.transcript.length = 0;
  e.take(1n, e.leader.receive(3n, { type: PacketType.ACK, zxid: 0x100000000n }));
  e.take(1n, e.leader.tick());
  assert.deepEqual(e.transcript, ['1->3 UPTODATE', '1->2 PING 0x0', '2->1 PING 0x0', '1->3 PING 0x0']);
});
