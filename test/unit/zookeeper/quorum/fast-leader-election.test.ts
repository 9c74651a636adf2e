import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FastLeaderElection, type ElectionOutput } from '../../../../src/zookeeper/quorum/election/fast-leader-election.js';
import { totalOrderPredicate } from '../../../../src/zookeeper/quorum/election/vote.js';
import { MajorityQuorumVerifier } from '../../../../src/zookeeper/quorum/quorum-verifier.js';
import { ServerState, type Notification } from '../../../../src/zookeeper/quorum/wire/election-messages.js';

const verifier = (voters: number, observers = 0) =>
  new MajorityQuorumVerifier([...Array.from({ length: voters }, (_, i) => ({ sid: BigInt(i + 1), type: 'participant' as const })), ...Array.from({ length: observers }, (_, i) => ({ sid: BigInt(voters + i + 1), type: 'observer' as const }))]);

/** Delivers every notification at once (in order) among running servers, and passes time in 10 ms steps. */
class Net {
  readonly nodes = new Map<bigint, FastLeaderElection>();
  readonly decided = new Map<bigint, Extract<ElectionOutput, { kind: 'decided' }>>();
  private queue: { from: bigint; to: bigint; n: Notification }[] = [];
  nowMs = 0;
  constructor(readonly v: MajorityQuorumVerifier) {}

  add(sid: bigint): FastLeaderElection {
    const e = new FastLeaderElection({ mySid: sid, verifier: this.v });
    this.nodes.set(sid, e);
    return e;
  }

  take(from: bigint, outs: ElectionOutput[]): void {
    for (const o of outs) {
      if (o.kind === 'send') this.queue.push({ from, to: o.to, n: o.notification });
      else if (o.kind === 'decided') this.decided.set(from, o);
    }
  }

  run(ms: number): void {
    for (const end = this.nowMs + ms; this.nowMs < end; this.nowMs += 10) {
      while (this.queue.length > 0) {
        const { from, to, n } = this.queue.shift()!;
        const e = this.nodes.get(to);
        if (e) this.take(to, e.receive(this.nowMs, from, n));
      }
      for (const [sid, e] of this.nodes) this.take(sid, e.tick(this.nowMs));
    }
  }
}

test('vote order: peer epoch, then zxid, then sid; non-voters never win', () => {
  const voter = (s: bigint) => s !== 9n;
  assert.equal(totalOrderPredicate(1n, 0n, 2n, 3n, 100n, 1n, voter), true);
  assert.equal(totalOrderPredicate(1n, 5n, 1n, 3n, 4n, 1n, voter), true);
  assert.equal(totalOrderPredicate(3n, 5n, 1n, 1n, 5n, 1n, voter), true);
  assert.equal(totalOrderPredicate(1n, 5n, 1n, 3n, 5n, 1n, voter), false);
  assert.equal(totalOrderPredicate(9n, 99n, 9n, 1n, 0n, 0n, voter), false);
});

test('three fresh servers starting together elect the highest sid after the finalize wait', () => {
  const net = new Net(verifier(3));
  for (const sid of [1n, 2n, 3n]) net.take(sid, net.add(sid).start(0, 0n, 0n));
  net.run(150);
  assert.equal(net.decided.size, 0, 'nobody decides before finalizeWait (200 ms) has passed unchallenged');
  net.run(200);
  const decisions = [...net.decided].sort(([a], [b]) => Number(a - b)).map(([sid, d]) => [sid, d.state, d.vote.leader]);
  assert.deepEqual(decisions, [[1n, ServerState.FOLLOWING, 3n], [2n, ServerState.FOLLOWING, 3n], [3n, ServerState.LEADING, 3n]]);
});

test('the most up-to-date server leads: epoch before zxid before sid', () => {
  const net = new Net(verifier(3));
  net.take(1n, net.add(1n).start(0, 0x200000005n, 2n));
  net.take(2n, net.add(2n).start(0, 0x200000009n, 2n));
  net.take(3n, net.add(3n).start(0, 0x1000000ffn, 1n));
  net.run(500);
  for (const d of net.decided.values()) assert.equal(d.vote.leader, 2n);
  assert.equal(net.decided.get(2n)?.state, ServerState.LEADING);
});

test('1 and 2 start first: 2 leads; 3 joins later as a follower through the out-of-election votes', () => {
  const net = new Net(verifier(3));
  net.take(1n, net.add(1n).start(0, 0n, 0n));
  net.take(2n, net.add(2n).start(0, 0n, 0n));
  net.run(500);
  assert.equal(net.decided.get(2n)?.state, ServerState.LEADING);
  assert.equal(net.decided.get(1n)?.vote.leader, 2n);
  const three = net.add(3n);
  net.take(3n, three.start(net.nowMs, 0n, 0n));
  net.run(300);
  assert.equal(net.decided.get(3n)?.state, ServerState.FOLLOWING);
  assert.equal(net.decided.get(3n)?.vote.leader, 2n);
  assert.equal(three.logicalClock, net.decided.get(2n)!.vote.electionEpoch);
});

test('a follower\'s word alone does not make a leader: the leader itself must say LEADING', () => {
  const v = verifier(3);
  const e = new FastLeaderElection({ mySid: 3n, verifier: v });
  e.start(0, 0n, 0n);
  const following = (leader: bigint): Notification => ({ state: ServerState.FOLLOWING, leader, zxid: 0n, electionEpoch: 5n, peerEpoch: 0n, version: 2, config: Buffer.alloc(0) });
  assert.deepEqual(e.receive(10, 1n, following(2n)).filter((o) => o.kind === 'decided'), []);
  assert.deepEqual(e.receive(10, 1n, following(2n)).filter((o) => o.kind === 'decided'), []);
  const out = e.receive(20, 2n, { ...following(2n), state: ServerState.LEADING });
  const d = out.find((o) => o.kind === 'decided');
  assert.ok(d && d.kind === 'decided');
  assert.equal(d.vote.leader, 2n);
  assert.equal(e.logicalClock, 5n, 'adopts the ensemble\'s round');
});

test('a lagging LOOKING peer is sent my vote; a decided server answers lookers with its vote and state', () => {
  const v = verifier(3);
  const e = new FastLeaderElection({ mySid: 1n, verifier: v });
  e.start(0, 0n, 0n);
  e.start(1, 0n, 0n);
  const stale: Notification = { state: ServerState.LOOKING, leader: 2n, zxid: 0n, electionEpoch: 1n, peerEpoch: 0n, version: 2, config: Buffer.alloc(0) };
  const replies = e.receive(2, 2n, stale).filter((o) => o.kind === 'send' && o.to === 2n);
  assert.equal(replies.length, 1);
  assert.equal(replies[0]!.kind === 'send' && replies[0]!.notification.electionEpoch, 2n);
});

test('observers do not vote and are answered with the current vote', () => {
  const net = new Net(verifier(3, 1));
  for (const sid of [1n, 2n, 3n, 4n]) net.take(sid, net.add(sid).start(0, 0n, 0n));
  net.run(600);
  assert.equal(net.decided.get(4n)?.state, ServerState.OBSERVING);
  assert.equal(net.decided.get(4n)?.vote.leader, 3n);
  assert.equal(net.decided.get(3n)?.state, ServerState.LEADING);
});

test('alone, a server re-sends with a doubling interval capped at maxNotificationInterval', () => {
  const e = new FastLeaderElection({ mySid: 1n, verifier: verifier(3), maxNotificationIntervalMs: 1000 });
  e.peerConnected(2n);
  e.start(0, 0n, 0n);
  const resends: number[] = [];
  for (let t = 0; t <= 5000; t += 10) if (e.tick(t).some((o) => o.kind === 'send')) resends.push(t);
  assert.deepEqual(resends, [200, 600, 1400, 2400, 3400, 4400]);
  const lonely = new FastLeaderElection({ mySid: 1n, verifier: verifier(3) });
  lonely.start(0, 0n, 0n);
  assert.deepEqual(lonely.tick(200), [{ kind: 'connect-all' }]);
});

test('a better vote during the finalize wait reopens the election', () => {
  const e = new FastLeaderElection({ mySid: 2n, verifier: verifier(3) });
  e.start(0, 0n, 0n);
  const vote = (leader: bigint, from: bigint, zxid = 0n): [bigint, Notification] => [from, { state: ServerState.LOOKING, leader, zxid, electionEpoch: 1n, peerEpoch: 0n, version: 2, config: Buffer.alloc(0) }];
  e.receive(10, ...vote(2n, 1n));
  assert.equal(e.tick(100).length, 0);
  e.receive(150, ...vote(3n, 3n));
  assert.equal(e.currentVote().leader, 3n);
  assert.equal(e.tick(260).filter((o) => o.kind === 'decided').length, 0);
  e.receive(270, ...vote(3n, 1n));
  const d = e.tick(480).find((o) => o.kind === 'decided');
  assert.ok(d && d.kind === 'decided' && d.vote.leader === 3n && d.state === ServerState.FOLLOWING);
});
