// Options of `npm run bench:kafka` from argv (--name=value or --name value); --quick shrinks every phase.
import { parseArgs } from 'node:util';

export interface KafkaBenchOptions {
  /** Timed part of each produce/consume phase. */
  durationMs: number;
  /** Untimed lead-in of each produce/consume phase. */
  warmupMs: number;
  /** Alternating rounds of raw server and broker per shape; each side keeps its best. */
  rounds: number;
  batchKiB: number[];
  partitions: number[];
  /** Produce requests outstanding; 0 = chosen per request size. */
  inflight: number;
  fetchPartitionKiB: number;
  e2eRate: number;
  e2eMs: number;
  e2eWarmupMs: number;
  diskMs: number;
  startupRuns: number;
  /** Directory for a CPU profile of the broker; empty = none. */
  cpuProfDir: string;
  strict: boolean;
  /** The phases to run, in their fixed order; all by default. */
  phases: ReadonlySet<BenchPhase>;
  /** Repeats of the end-to-end pair (broker, then raw server), each reported. */
  e2eRepeats: number;
}

export const PHASES = ['produce', 'consume', 'e2e', 'startup', 'replication'] as const;
export type BenchPhase = (typeof PHASES)[number];

export const USAGE = `Usage: node dist/bench/kafka/bench-kafka.js [options]   (or npm run bench:kafka -- [options])
  --quick                 short phases (about a minute in all)
  --duration-ms N         timed part of each produce/consume round (default 800, quick 500)
  --warmup-ms N           untimed lead-in of each round (default 300, quick 200)
  --rounds N              alternating raw/broker rounds per shape, best kept (default 3, quick 1)
  --batch-kib a,b         batch sizes in KiB of 1 KiB records (default 16,256,1024; quick 16,1024)
  --partitions a,b        partitions per produce request / fetch (default 1,8)
  --inflight N            produce requests outstanding (default: 4 MiB worth, 5 to 64)
  --fetch-partition-kib N partition max bytes of each fetch (default 4096)
  --e2e-rate N            records/s of the end-to-end latency run (default 10000)
  --e2e-ms N              timed part of the end-to-end run (default 5000, quick 2000)
  --e2e-warmup-ms N       untimed lead-in of the end-to-end run (default 5000, quick 3000): the first seconds of a
                          new load run slower (heaps growing, code being optimized) and are not the steady state
  --startup-runs N        spawns of the broker and of a bare server (default 5, quick 3)
  --cpu-prof DIR          run the broker under node --cpu-prof, write the profile to DIR and print its hot spots
  --phases a,b            only these of ${PHASES.join(',')} (default all); consume without produce
                          first fills each topic, untimed
  --e2e-repeats N         end-to-end runs (broker, then raw floor) in turn, each printed (default 1)
  --strict                exit 1 when a target is missed`;

function int(name: string, value: string | undefined, fallback: number, min: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min) throw new Error(`--${name}: expected an integer ≥ ${min}, got '${value}'`);
  return n;
}

function ints(name: string, value: string | undefined, fallback: number[]): number[] {
  if (value === undefined) return fallback;
  return value.split(',').map((v) => int(name, v.trim(), 0, 1));
}

function phases(value: string | undefined): ReadonlySet<BenchPhase> {
  if (value === undefined) return new Set(PHASES);
  const names = value.split(',').map((v) => v.trim());
  for (const n of names) if (!(PHASES as readonly string[]).includes(n)) throw new Error(`--phases: unknown phase '${n}' (expected some of ${PHASES.join(',')})`);
  return new Set(names as BenchPhase[]);
}

export function parseKafkaBenchOptions(argv: string[]): KafkaBenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      quick: { type: 'boolean' },
      'duration-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      rounds: { type: 'string' },
      'batch-kib': { type: 'string' },
      partitions: { type: 'string' },
      inflight: { type: 'string' },
      'fetch-partition-kib': { type: 'string' },
      'e2e-rate': { type: 'string' },
      'e2e-ms': { type: 'string' },
      'e2e-warmup-ms': { type: 'string' },
      'startup-runs': { type: 'string' },
      'cpu-prof': { type: 'string' },
      strict: { type: 'boolean' },
      phases: { type: 'string' },
      'e2e-repeats': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const quick = values.quick ?? false;
  return {
    durationMs: int('duration-ms', values['duration-ms'], quick ? 500 : 800, 1),
    warmupMs: int('warmup-ms', values['warmup-ms'], quick ? 200 : 300, 0),
    rounds: int('rounds', values.rounds, quick ? 1 : 3, 1),
    batchKiB: ints('batch-kib', values['batch-kib'], quick ? [16, 1024] : [16, 256, 1024]),
    partitions: ints('partitions', values.partitions, [1, 8]),
    inflight: int('inflight', values.inflight, 0, 0),
    fetchPartitionKiB: int('fetch-partition-kib', values['fetch-partition-kib'], 4096, 1),
    e2eRate: int('e2e-rate', values['e2e-rate'], 10_000, 1),
    e2eMs: int('e2e-ms', values['e2e-ms'], quick ? 2000 : 5000, 1),
    e2eWarmupMs: int('e2e-warmup-ms', values['e2e-warmup-ms'], quick ? 3000 : 5000, 0),
    diskMs: quick ? 700 : 2000,
    startupRuns: int('startup-runs', values['startup-runs'], quick ? 3 : 5, 1),
    cpuProfDir: values['cpu-prof'] ?? '',
    strict: values.strict ?? false,
    phases: phases(values.phases),
    e2eRepeats: int('e2e-repeats', values['e2e-repeats'], 1, 1),
  };
}
