// Seeded simulations of 3- and 5-server ensembles running Fast Leader Election and ZAB together under message loss,
// delay, duplication, reordering, partitions, broken quorum connections, crashes and restarts.
// Replay one seed: ZK_QUORUM_SEED=<seed> [ZK_QUORUM_VOTERS=3|5] node --test dist/test/simulation/zk-quorum.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { QuorumSimulation, SimulationFailure, type SimOptions } from './zk-quorum-sim.js';

const onlySeed = process.env['ZK_QUORUM_SEED'];
const onlyVoters = process.env['ZK_QUORUM_VOTERS'];

export function runSeed(seed: number, opts: SimOptions): QuorumSimulation {
  const sim = new QuorumSimulation(seed, opts);
  try {
    return sim.run();
  } catch (err) {
    if (err instanceof SimulationFailure) console.error(`failing seed: ${seed} voters=${opts.voters} (replay: ZK_QUORUM_SEED=${seed} ZK_QUORUM_VOTERS=${opts.voters})`);
    throw err;
  }
}

const THREE: SimOptions = { voters: 3, faultSteps: 1200, healSteps: 400 };
const FIVE: SimOptions = { voters: 5, observers: 1, faultSteps: 1200, healSteps: 400 };

function seeds(n: number, base: number): number[] {
  return onlySeed ? [Number(onlySeed)] : Array.from({ length: n }, (_, i) => base + i);
}

for (const [name, opts, count, base] of [['3 servers', THREE, 150, 1000], ['5 servers and an observer', FIVE, 100, 5000]] as const) {
  if (onlyVoters && Number(onlyVoters) !== opts.voters) continue;
  test(`${name}: one leader per epoch, committed history never lost or reordered, applied histories are prefixes, the ensemble recovers once healed`, () => {
    const totals = { establishments: 0, commits: 0, crashes: 0, snaps: 0, truncs: 0, diffs: 0, maxEpoch: 0 };
    for (const seed of seeds(count, base)) {
      const sim = runSeed(seed, opts);
      totals.establishments += sim.stats.establishments;
      totals.commits += sim.stats.commits;
      totals.crashes += sim.stats.crashes;
      totals.snaps += sim.stats.snaps;
      totals.truncs += sim.stats.truncs;
      totals.diffs += sim.stats.diffs;
      totals.maxEpoch = Math.max(totals.maxEpoch, sim.maxEpoch());
    }
    if (onlySeed) return;
    // The schedules really exercised re-elections, crashes and every sync mode.
    assert.ok(totals.establishments > count * 2, `leaders established: ${totals.establishments}`);
    assert.ok(totals.crashes > count, `crashes: ${totals.crashes}`);
    assert.ok(totals.snaps > 0 && totals.truncs > 0 && totals.diffs > 0, `sync modes: ${JSON.stringify(totals)}`);
    assert.ok(totals.commits > count * 20, `commits: ${totals.commits}`);
  });
}

test('a seed replays exactly', () => {
  const a = new QuorumSimulation(4242, THREE).run();
  const b = new QuorumSimulation(4242, THREE).run();
  assert.equal(a.digest(), b.digest());
  assert.deepEqual(a.committed.map((t) => t.zxid), b.committed.map((t) => t.zxid));
});

test('dynamic reconfiguration: servers added and removed in random schedules, one config per version, committed reconfigs never lost', () => {
  const RECONFIG: SimOptions = { voters: 3, faultSteps: 1200, healSteps: 400, reconfig: { spares: 2 } };
  const totals = { reconfigs: 0, activations: 0, commits: 0, crashes: 0 };
  let lastReconfigs = 0;
  for (const seed of seeds(60, 9000)) {
    const sim = runSeed(seed, RECONFIG);
    totals.reconfigs += sim.stats.reconfigs;
    totals.activations += sim.stats.activations;
    totals.commits += sim.stats.commits;
    totals.crashes += sim.stats.crashes;
    if (sim.lastReconfig) lastReconfigs++;
  }
  if (onlySeed) return;
  assert.ok(totals.reconfigs > 60 && lastReconfigs > 30, `reconfigs: ${JSON.stringify(totals)}, seeds with a committed one: ${lastReconfigs}`);
  assert.ok(totals.crashes > 60 && totals.commits > 60 * 20, JSON.stringify(totals));
});
