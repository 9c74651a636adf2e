// Benchmark options from argv (--name=value or --name value) with ZK_BENCH_* environment fallbacks.
import { availableParallelism } from 'node:os';
import { parseArgs } from 'node:util';
import { PHASES, type PhaseName } from './workload.js';

export interface BenchOptions {
  durationMs: number;
  warmupMs: number;
  sessions: number;
  depth: number;
  workers: number;
  startupRuns: number;
  sessionTimeoutMs: number;
  phases: PhaseName[];
  servers: ('ours' | 'apache')[];
  /** Directory for a CPU profile of our server under load; empty = no profile. */
  cpuProfDir: string;
  /** Exit 1 when any target line fails. */
  strict: boolean;
  /** Also compare three-server ensembles (load spread over the members, then a leader kill). */
  ensemble: boolean;
  /** Only the ensemble comparison. */
  ensembleOnly: boolean;
  /** Only the start-up comparison (no load phases). */
  startupOnly: boolean;
  /** Another build's bin/run.js, timed in turn with ours in the start-up comparison; empty = none. */
  compareBin: string;
}

export const USAGE = `Usage: node dist/bench/zk/bench-zk.js [options]   (or npm run bench:zk -- [options])
  --duration-ms N     length of each timed phase (env ZK_BENCH_DURATION_MS, default 3000)
  --warmup-ms N       unreported warm-up before the phases (ZK_BENCH_WARMUP_MS, default 1500)
  --sessions N        client sessions, one socket each (ZK_BENCH_SESSIONS, default 32)
  --depth N           requests in flight per session (ZK_BENCH_DEPTH, default 16)
  --workers N         load-generator threads (ZK_BENCH_WORKERS, default min(2, cores))
  --startup-runs N    spawn-to-imok samples per server (ZK_BENCH_STARTUP_RUNS, default 5)
  --phases a,b        subset of ${PHASES.filter((p) => p.reported).map((p) => p.name).join(',')} (ZK_BENCH_PHASES)
  --servers a,b       ours, apache or both (ZK_BENCH_SERVERS, default ours,apache)
  --cpu-prof DIR      run our server under node --cpu-prof, write the profile to DIR and print its hot spots (ZK_BENCH_CPU_PROF)
  --strict            exit 1 when a target is missed (ZK_BENCH_STRICT=1)
  --ensemble          also compare three-server ensembles: create/setData/reads spread over the members, then
                      SIGKILL the leader and time until a write succeeds again (ZK_BENCH_ENSEMBLE=1)
  --ensemble-only     the ensemble comparison alone (ZK_BENCH_ENSEMBLE=only)
  --startup-only      the start-up comparison alone: --startup-runs spawns of each server, no load (ZK_BENCH_STARTUP_ONLY=1)
  --compare-bin PATH  another build's bin/run.js, started in turn with ours in the start-up comparison, for an A/B of
                      two builds on a loaded machine (ZK_BENCH_COMPARE_BIN)`;

function int(name: string, value: string | undefined, fallback: number, min: number, max: number): number {
  if (value === undefined || value === '') return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n < min || n > max) throw new Error(`--${name}: expected an integer from ${min} to ${max}, got '${value}'`);
  return n;
}

function list<T extends string>(name: string, value: string | undefined, allowed: readonly T[], fallback: T[]): T[] {
  if (value === undefined || value === '') return fallback;
  const items = value.split(',').map((s) => s.trim()).filter(Boolean);
  for (const item of items) if (!allowed.includes(item as T)) throw new Error(`--${name}: '${item}' is not one of ${allowed.join(', ')}`);
  return allowed.filter((a) => items.includes(a));
}

export function parseOptions(argv: string[], env: NodeJS.ProcessEnv): BenchOptions | null {
  const { values } = parseArgs({
    args: argv,
    options: {
      'duration-ms': { type: 'string' },
      'warmup-ms': { type: 'string' },
      sessions: { type: 'string' },
      depth: { type: 'string' },
      workers: { type: 'string' },
      'startup-runs': { type: 'string' },
      phases: { type: 'string' },
      servers: { type: 'string' },
      'cpu-prof': { type: 'string' },
      strict: { type: 'boolean' },
      ensemble: { type: 'boolean' },
      'ensemble-only': { type: 'boolean' },
      'startup-only': { type: 'boolean' },
      'compare-bin': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) return null;
  const reported = PHASES.filter((p) => p.reported).map((p) => p.name);
  return {
    durationMs: int('duration-ms', values['duration-ms'] ?? env['ZK_BENCH_DURATION_MS'], 3000, 100, 600_000),
    warmupMs: int('warmup-ms', values['warmup-ms'] ?? env['ZK_BENCH_WARMUP_MS'], 1500, 0, 600_000),
    sessions: int('sessions', values.sessions ?? env['ZK_BENCH_SESSIONS'], 32, 1, 10_000),
    depth: int('depth', values.depth ?? env['ZK_BENCH_DEPTH'], 16, 1, 1024),
    workers: int('workers', values.workers ?? env['ZK_BENCH_WORKERS'], Math.min(2, availableParallelism()), 1, 64),
    startupRuns: int('startup-runs', values['startup-runs'] ?? env['ZK_BENCH_STARTUP_RUNS'], 5, 0, 50),
    sessionTimeoutMs: 40_000,
    phases: list('phases', values.phases ?? env['ZK_BENCH_PHASES'], reported, reported),
    servers: list('servers', values.servers ?? env['ZK_BENCH_SERVERS'], ['ours', 'apache'] as const, ['ours', 'apache']),
    cpuProfDir: values['cpu-prof'] ?? env['ZK_BENCH_CPU_PROF'] ?? '',
    strict: values.strict ?? env['ZK_BENCH_STRICT'] === '1',
    ensemble: values.ensemble ?? values['ensemble-only'] ?? (env['ZK_BENCH_ENSEMBLE'] === '1' || env['ZK_BENCH_ENSEMBLE'] === 'only'),
    ensembleOnly: values['ensemble-only'] ?? env['ZK_BENCH_ENSEMBLE'] === 'only',
    startupOnly: values['startup-only'] ?? env['ZK_BENCH_STARTUP_ONLY'] === '1',
    compareBin: values['compare-bin'] ?? env['ZK_BENCH_COMPARE_BIN'] ?? '',
  };
}
