// Seeded simulations of a consumer group against the coordinator, with invariant checkers after every
// step, exact replay of a seed, and a load/unload round trip of everything the coordinator appended.
// Replay one seed: KAFKA_GROUP_SEED=<seed> node --test dist/test/simulation/kafka-group.test.js
import assert from 'node:assert/strict';
import { test } from 'node:test';
import type { GroupCoordinator } from '../../src/kafka/coordinator/coordinator.js';
import { CoordinatorDriver } from '../support/coordinator-driver.js';
import { GroupSimulation, SimulationFailure } from './kafka-group-sim.js';

const onlySeed = process.env['KAFKA_GROUP_SEED'];
const SEEDS = onlySeed ? [Number(onlySeed)] : Array.from({ length: 40 }, (_, i) => 1000 + i);

function runSeed(seed: number, steps: number): GroupSimulation {
  const sim = new GroupSimulation(seed, { consumers: 5, steps, faults: true });
  try {
    sim.run(steps);
  } catch (err) {
    if (err instanceof SimulationFailure) {
      // The seed is in the message; rerun with KAFKA_GROUP_SEED to replay it exactly.
      console.error(`failing seed: ${seed} (replay: KAFKA_GROUP_SEED=${seed})`);
    }
    throw err;
  }
  return sim;
}

test('seeded simulations: one Stable generation at a time, disjoint complete assignments, monotonic commits, expired members gone', () => {
  let rebalances = 0;
  for (const seed of SEEDS) {
    const sim = runSeed(seed, 300);
    rebalances += sim.d.c.groups.get('sim-group')?.generationId ?? 0;
  }
  assert.ok(rebalances > SEEDS.length * 3, `the simulations exercised rebalances (${rebalances} generations)`);
});

test('a seed replays exactly', () => {
  const a = runSeed(77, 200);
  const b = runSeed(77, 200);
  assert.equal(a.digest(), b.digest());
  assert.equal(a.d.allEffects.length, b.d.allEffects.length);
  assert.notEqual(runSeed(78, 200).digest(), a.digest());
});

/** What the log can restore: groups (without transient rebalance state) and committed offsets. */
function persistedView(c: GroupCoordinator) {
  const out: Record<string, unknown> = {};
  for (const [id, g] of [...c.groups].sort(([a], [b]) => a.localeCompare(b))) {
    if (g.generationId === 0 && g.offsets.size === 0) continue; // never written: Kafka drops it at the next expiry check
    out[id] = {
      state: g.state,
      generation: g.generationId,
      protocolType: g.protocolType,
      protocolName: g.protocolName,
      leader: g.leaderId,
      // Stable groups were stored while CompletingRebalance; only Empty groups keep the stored timestamp.
      currentStateTimestampMs: g.is('Empty') && g.generationId > 0 ? g.currentStateTimestampMs : undefined,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        metadata: Buffer.from(g.memberMetadataFor(m, g.protocolName!)).toString('hex'),
        assignment: Buffer.from(m.assignment).toString('hex'),
      })),
      offsets: Object.fromEntries(
        [...g.offsets].sort(([a], [b]) => a.localeCompare(b)).map(([k, o]) => [k, [o.offset, o.leaderEpoch, o.metadata, o.commitTimestampMs, o.expireTimestampMs]]),
      ),
    };
  }
  return out;
}

test('load/unload round trip: the appended records rebuild the same groups and offsets', () => {
  for (const seed of SEEDS.slice(0, 15)) {
    const sim = runSeed(seed, 250);
    sim.quiesce();
    const live = sim.d.c;
    const before = persistedView(live);
    assert.ok(Object.keys(before).includes('sim-group'), `seed ${seed}: the group exists`);

    const fresh = new CoordinatorDriver(live.config, { load: false });
    fresh.nowMs = sim.d.nowMs;
    for (let p = 0; p < live.config.offsetsTopicNumPartitions; p++) fresh.loadPartition(p, 1, sim.d.records(p));
    assert.deepEqual(persistedView(fresh.c), before, `seed ${seed}: fresh coordinator`);

    // Leadership moves away and back to the same broker.
    const p = live.partitionFor('sim-group');
    sim.d.apply(live.unload(sim.d.nowMs, p, 1));
    assert.equal(live.groups.has('sim-group'), false);
    sim.d.loadPartition(p, 2, sim.d.records(p));
    assert.deepEqual(persistedView(live), before, `seed ${seed}: reloaded after unload`);
  }
});
