// The simulation's checkers can fail: with one ZAB or election rule deliberately broken, some seed must trip them.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { FastLeaderElection } from '../../src/zookeeper/quorum/election/fast-leader-election.js';
import { ZabLeader } from '../../src/zookeeper/quorum/zab/leader.js';
import { ZabLearner } from '../../src/zookeeper/quorum/zab/learner.js';
import { QuorumSimulation, SimulationFailure, type SimOptions } from './zk-quorum-sim.js';

const OPTS: SimOptions = { voters: 3, faultSteps: 1200, healSteps: 400 };

/** Runs seeds with `method` of `proto` replaced until a checker fails; returns the first failure. */
function firstFailure(proto: object, method: string, replacement: (original: Function) => Function, maxSeeds: number): { seed: number; message: string } | null {
  const target = proto as Record<string, Function>;
  const original = target[method]!;
  assert.equal(typeof original, 'function', `${method} exists`);
  target[method] = replacement(original);
  try {
    for (let seed = 1; seed <= maxSeeds; seed++) {
      try {
        new QuorumSimulation(seed, OPTS).run();
      } catch (err) {
        if (err instanceof SimulationFailure) return { seed, message: err.message };
        throw err;
      }
    }
    return null;
  } finally {
    target[method] = original;
  }
}

test('committing on the leader\'s own ack alone (no quorum) is caught', () => {
  const f = firstFailure(ZabLeader.prototype, 'ackFrom', (original) => function (this: { mySid: bigint; verifier: { voters: Set<bigint> } }, sid: bigint, zxid: bigint, out: unknown) {
    if (sid !== this.mySid) return original.call(this, sid, zxid, out);
    for (const voter of this.verifier.voters) original.call(this, voter, zxid, out);
  }, 100);
  assert.ok(f, 'some seed fails');
  assert.match(f.message, /committed|applies|liveness/);
  console.log(`caught at seed ${f.seed}: ${f.message}`);
});

test('electing by sid alone, ignoring epoch and zxid order, is caught', () => {
  const f = firstFailure(FastLeaderElection.prototype, 'beats', () => function (this: { verifier: { isVoter(s: bigint): boolean } }, n: { leader: bigint }, cur: { leader: bigint }) {
    return this.verifier.isVoter(n.leader) && n.leader > cur.leader;
  }, 100);
  assert.ok(f, 'some seed fails');
  console.log(`caught at seed ${f.seed}: ${f.message}`);
});

test('a follower acking a proposal before it is fsynced is caught', () => {
  const f = firstFailure(ZabLearner.prototype, 'persist', (original) => function (this: { leaderSid: bigint; observer: boolean }, ops: unknown, then: { kind: string; zxid?: bigint }, out: unknown[]) {
    if (then.kind !== 'ack') return original.call(this, ops, then, out);
    original.call(this, ops, { kind: 'none' }, out);
    if (!this.observer) out.push({ kind: 'send', to: this.leaderSid, message: { type: 3, zxid: then.zxid } });
  }, 600);
  assert.ok(f, 'some seed fails');
  console.log(`caught at seed ${f.seed}: ${f.message}`);
});

test('a leader that reuses the highest accepted epoch instead of moving past it is caught (the ensemble stops making progress)', () => {
  type Self = { newEpoch: number | null };
  const f = firstFailure(ZabLeader.prototype, 'contributeEpoch', (original) => function (this: Self, sid: bigint, acceptedEpoch: number, out: { kind: string; ops?: { op: string; epoch?: number }[] }[]) {
    const before = this.newEpoch;
    original.call(this, sid, acceptedEpoch, out);
    if (before === null && this.newEpoch !== null && this.newEpoch > 1) {
      this.newEpoch -= 1;
      const persist = out[out.length - 1]!;
      if (persist.ops?.[0]?.op === 'accepted-epoch') persist.ops[0].epoch = this.newEpoch;
    }
  }, 100);
  assert.ok(f, 'some seed fails');
  console.log(`caught at seed ${f.seed}: ${f.message}`);
});
