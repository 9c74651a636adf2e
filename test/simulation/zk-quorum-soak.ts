// Many more seeds than the test runs: node dist/test/simulation/zk-quorum-soak.js [seedsPerShape=2000] [firstSeed=100000]
// Prints each failing seed (replay it with ZK_QUORUM_SEED / ZK_QUORUM_VOTERS and the test file) and a summary.
import { QuorumSimulation, SimulationFailure, type SimOptions } from './zk-quorum-sim.js';

const count = Number(process.argv[2] ?? 2000);
const first = Number(process.argv[3] ?? 100_000);
const shapes: SimOptions[] = [
  { voters: 3, faultSteps: 1200, healSteps: 400 },
  { voters: 5, observers: 1, faultSteps: 1200, healSteps: 400 },
];
let failures = 0;
for (const opts of shapes) {
  const totals = { establishments: 0, commits: 0, crashes: 0, snaps: 0, truncs: 0 };
  for (let seed = first; seed < first + count; seed++) {
    try {
      const sim = new QuorumSimulation(seed, opts).run();
      for (const k of Object.keys(totals) as (keyof typeof totals)[]) totals[k] += sim.stats[k];
    } catch (err) {
      if (!(err instanceof SimulationFailure)) throw err;
      failures++;
      console.log(`FAIL voters=${opts.voters} ${err.message}`);
    }
  }
  console.log(`voters=${opts.voters} observers=${opts.observers ?? 0}: ${count} seeds from ${first}`, JSON.stringify(totals));
}
console.log(failures === 0 ? 'all seeds passed' : `${failures} failing seeds`);
process.exitCode = failures === 0 ? 0 : 1;
