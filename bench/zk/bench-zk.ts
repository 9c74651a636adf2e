// npm run bench:zk — our ZooKeeper server against Apache ZooKeeper 3.8 in the same run: start-up time,
// throughput and latency per op under a pipelined load, and peak resident memory.
import { mkdirSync, readdirSync, readFileSync } from 'node:fs';
import { availableParallelism, cpus, loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { runEnsembleBench } from './bench-ensemble.js';
import { APACHE_JVM_ARGS, apacheUnavailable, startApacheServer } from './apache-server.js';
import { formatProfileSummary, summariseProfile } from './cpu-profile-summary.js';
import { LoadGenerator } from './load-generator.js';
import { parseOptions, USAGE, type BenchOptions } from './options.js';
import { startOurServer } from './our-server.js';
import { cpuTimeMs, RssSampler } from './proc-stats.js';
import { readSyncCounters, syncDelta } from './sync-counters.js';
import { loadTable, resourceTable, syncTable, rssByPhase, startupLines, TARGETS, type ServerRun, type StartupRun, type Verdicts } from './report.js';
import { killAllStartedServers, launchServer, nodeFloorMs, STARTUP_POLL_MS, type BenchServer } from './server-process.js';
import { freePort } from '../../test/support/ports.js';
import { NODE_DATA_BYTES, PHASES, phaseInfo, type PhaseName } from './workload.js';

type Which = 'ours' | 'apache';
type StartupWhich = Which | 'compare' | 'floor';
const LABEL: Record<Which, string> = { ours: 'zkafka', apache: 'Apache ZooKeeper 3.8' };
const FLOOR_LABEL = '`node -e 0` (spawn → exit, environment as bin/zkafka gives node)';
const STUB_PHASE_MS = 2000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

function start(which: Which, opts: BenchOptions, profiled = false): Promise<BenchServer> {
  if (which === 'apache') return startApacheServer();
  return startOurServer(profiled && opts.cpuProfDir ? { cpuProfDir: opts.cpuProfDir } : {});
}

/**
 * Spawns, times to the first imok, reads RSS, stops; the servers take turns so drift hits both alike. With our
 * server, each round also times `node -e 0` (the floor of any Node program) and, given --compare-bin, another build.
 */
async function measureStartups(servers: Which[], opts: BenchOptions): Promise<Partial<Record<StartupWhich, StartupRun>>> {
  const runs: Partial<Record<StartupWhich, StartupRun>> = {};
  const order: StartupWhich[] = [...servers];
  if (servers.includes('ours')) {
    if (opts.compareBin) order.splice(order.indexOf('ours') + 1, 0, 'compare');
    order.push('floor');
  }
  for (let i = 0; i < opts.startupRuns; i++) {
    for (const which of order) {
      const label = which === 'floor' ? FLOOR_LABEL : which === 'compare' ? `zkafka at ${opts.compareBin}` : LABEL[which];
      const run = (runs[which] ??= { label, samplesMs: [], idleRssBytes: [] });
      if (which === 'floor') {
        run.samplesMs.push(await nodeFloorMs());
        continue;
      }
      const server = which === 'compare' ? await startOurServer({ bin: resolve(opts.compareBin) }) : await start(which, opts);
      run.samplesMs.push(server.startMs);
      run.idleRssBytes.push(server.rssBytes());
      await server.stop();
    }
  }
  return runs;
}

function generatorCpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

async function runLoad(which: Which, opts: BenchOptions, phases: PhaseName[]): Promise<ServerRun> {
  const server = await start(which, opts, true);
  log(`${LABEL[which]}: pid ${server.pid} on ${server.host}:${server.port}, up in ${Math.round(server.startMs)} ms`);
  const rss = new RssSampler(server.pid);
  const run: ServerRun = { label: LABEL[which], phases: new Map(), peakRssBytes: 0 };
  let gen: LoadGenerator | null = null;
  try {
    gen = await LoadGenerator.start({ host: server.host, port: server.port, sessions: opts.sessions, depth: opts.depth, workers: opts.workers, sessionTimeoutMs: opts.sessionTimeoutMs });
    const schedule: [PhaseName, number][] = [['setup', 10_000], ...(opts.warmupMs > 0 ? [['warmup', opts.warmupMs] as [PhaseName, number]] : []), ...phases.map((p) => [p, opts.durationMs] as [PhaseName, number])];
    for (const [name, durationMs] of schedule) {
      rss.mark();
      const sync0 = await readSyncCounters(server.host, server.port);
      const srv0 = cpuTimeMs(server.pid);
      const gen0 = generatorCpuMs();
      const result = await gen.runPhase(name, durationMs);
      const serverCpuMs = cpuTimeMs(server.pid) - srv0;
      const genCpuMs = generatorCpuMs() - gen0;
      const sync = syncDelta(sync0, await readSyncCounters(server.host, server.port));
      const phaseRun = { result, serverCpuMs, generatorCpuMs: genCpuMs, peakRssBytes: rss.mark(), sync };
      const total = result.ops.reduce((n, o) => n + o.count, 0);
      const errors = result.ops.reduce((n, o) => n + o.errors, 0);
      log(`  ${name.padEnd(8)} ${total.toLocaleString('en-US').padStart(9)} ops in ${Math.round(result.elapsedMs)} ms${errors ? `, ${errors} errors` : ''}`);
      if (errors > 0 && !phaseInfo(name).errorsExpected) {
        const first = result.ops.find((o) => o.errors > 0)!;
        throw new Error(`${LABEL[which]}: ${errors} errors in phase ${name} (first: ${first.op} → ${first.firstError})`);
      }
      if (phaseInfo(name).reported) run.phases.set(name, phaseRun);
    }
    await gen.close();
    gen = null;
  } finally {
    await gen?.terminate();
    run.peakRssBytes = rss.stop();
    await server.stop();
  }
  return run;
}

/** The generator against a stub that answers at once: the most it can push on this machine. */
async function measureGeneratorCeiling(opts: BenchOptions): Promise<{ opsPerSec: number; cpuPct: number; stubCpuPct: number }> {
  const port = await freePort('127.0.0.1');
  const stub = await launchServer({
    name: 'stub server',
    command: process.execPath,
    args: [fileURLToPath(new URL('./stub-server.js', import.meta.url)), String(port)],
    host: '127.0.0.1',
    port,
    startTimeoutMs: 10_000,
  });
  let gen: LoadGenerator | null = null;
  try {
    gen = await LoadGenerator.start({ host: stub.host, port: stub.port, sessions: opts.sessions, depth: opts.depth, workers: opts.workers, sessionTimeoutMs: opts.sessionTimeoutMs });
    await gen.runPhase('getData', 500);
    const stub0 = cpuTimeMs(stub.pid);
    const gen0 = generatorCpuMs();
    const r = await gen.runPhase('getData', STUB_PHASE_MS);
    const count = r.ops.reduce((n, o) => n + o.count, 0);
    const result = { opsPerSec: (count * 1000) / r.elapsedMs, cpuPct: (100 * (generatorCpuMs() - gen0)) / r.elapsedMs, stubCpuPct: (100 * (cpuTimeMs(stub.pid) - stub0)) / r.elapsedMs };
    await gen.close();
    gen = null;
    return result;
  } finally {
    await gen?.terminate();
    await stub.stop();
  }
}

function bestRate(run: ServerRun | null): number {
  let best = 0;
  for (const p of run?.phases.values() ?? []) {
    const total = p.result.ops.reduce((n, o) => n + o.count, 0);
    best = Math.max(best, (total * 1000) / p.result.elapsedMs);
  }
  return best;
}

function latestProfile(dir: string): string | null {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).sort();
  return files.length ? join(dir, files[files.length - 1]!) : null;
}

async function main(): Promise<number> {
  let opts: BenchOptions | null;
  try {
    opts = parseOptions(process.argv.slice(2), process.env);
  } catch (err) {
    log(`bench-zk: ${(err as Error).message}\n${USAGE}`);
    return 2;
  }
  if (!opts) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  // Every other phase works on the nodes the create phase makes, and delete removes them last.
  const phases = PHASES.filter((p) => p.reported && (opts!.phases.includes(p.name) || p.name === 'create')).map((p) => p.name);
  const servers = [...opts.servers];
  const whyNoApache = servers.includes('apache') ? apacheUnavailable() : null;
  if (whyNoApache) {
    log(`bench-zk: Apache ZooKeeper left out: ${whyNoApache}`);
    servers.splice(servers.indexOf('apache'), 1);
  }
  if (opts.cpuProfDir) {
    opts.cpuProfDir = resolve(opts.cpuProfDir);
    mkdirSync(opts.cpuProfDir, { recursive: true });
  }
  const began = Date.now();
  process.stdout.write(
    `ZooKeeper benchmark: node ${process.version}, ${availableParallelism()} CPUs (${cpus()[0]?.model ?? '?'}), loopback, load average ${loadavg()[0]!.toFixed(2)} at start\n` +
      `load: ${opts.sessions} sessions × ${opts.depth} in flight over ${opts.workers} generator threads; ${opts.durationMs} ms per phase after ${opts.warmupMs} ms warm-up; ${NODE_DATA_BYTES}-byte nodes\n` +
      `servers: zkafka as \`node bin/run.js zookeeper-server-start zoo.cfg\`; Apache ZooKeeper 3.8 from Debian's jars with ${APACHE_JVM_ARGS.join(' ')} (zkServer.sh's default heap); both: tickTime=2000, 127.0.0.1 only, maxClientCnxns=0, 4lw *, a fresh temp dataDir\n` +
      `phases: ${phases.map((p) => `${p} (${phaseInfo(p).description})`).join('; ')}\n\n`,
  );

  if (opts.ensembleOnly) {
    const v: Verdicts = { lines: 0, failed: 0 };
    const text = await runEnsembleBench(opts, servers, v);
    process.stdout.write(`${text}\nverdict: ${v.lines - v.failed} of ${v.lines} target lines pass; total run ${((Date.now() - began) / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(2)} at the end\n`);
    return opts.strict && v.failed > 0 ? 1 : 0;
  }

  if (opts.startupRuns > 0) log(`start-up: ${opts.startupRuns} spawns per server, alternating, \`ruok\` every ${STARTUP_POLL_MS} ms until \`imok\``);
  const startups = await measureStartups(servers, opts);
  if (opts.startupOnly) {
    const v: Verdicts = { lines: 0, failed: 0 };
    const out = [resourceTable({ startup: startups.ours ?? null, run: null }, { startup: startups.apache ?? null, run: null }, v), ''];
    out.push(...startupLines(startups));
    out.push(`verdict: ${v.lines - v.failed} of ${v.lines} target lines pass; total run ${((Date.now() - began) / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(2)} at the end`);
    process.stdout.write(`${out.join('\n')}\n`);
    return opts.strict && v.failed > 0 ? 1 : 0;
  }

  log('generator ceiling: against a stub server that answers at once');
  const ceiling = await measureGeneratorCeiling(opts);

  const loads: Partial<Record<Which, ServerRun>> = {};
  for (const which of servers) {
    log(`load on ${LABEL[which]}`);
    loads[which] = await runLoad(which, opts, phases);
  }

  const v: Verdicts = { lines: 0, failed: 0 };
  const out: string[] = [];
  out.push(loadTable(loads.ours ?? null, loads.apache ?? null, phases, v), '');
  out.push(syncTable(loads.ours ?? null, loads.apache ?? null, phases), '');
  out.push(resourceTable({ startup: startups.ours ?? null, run: loads.ours ?? null }, { startup: startups.apache ?? null, run: loads.apache ?? null }, v), '');
  out.push(...startupLines(startups));
  for (const which of servers) if (loads[which]) out.push(`peak RSS by phase, ${rssByPhase(loads[which]!)}`);
  const best = Math.max(bestRate(loads.ours ?? null), bestRate(loads.apache ?? null));
  out.push(
    `generator ceiling (stub server, getData): ${Math.round(ceiling.opsPerSec).toLocaleString('en-US')} ops/s at ${Math.round(ceiling.cpuPct)}% generator CPU, ` +
      `${Math.round(ceiling.stubCpuPct)}% stub CPU; ${(ceiling.opsPerSec / best).toFixed(1)}× the fastest server phase (${Math.round(best).toLocaleString('en-US')} ops/s)` +
      (ceiling.opsPerSec < 1.5 * best ? ' — TOO CLOSE: the generator may be the limit' : ''),
  );
  if (opts.ensemble) out.push(await runEnsembleBench(opts, servers, v), '');
  out.push(
    `targets: throughput ≥ ${TARGETS.throughputMin.toFixed(1)}× Apache, p99 ≤ ${TARGETS.p99Max.toFixed(1)}× Apache, start-up ≤ ${TARGETS.startupMax}× Apache, peak RSS ≤ ${TARGETS.rssMax}× Apache; ` +
      `CPU columns are % of one core over the phase (srv = server process, gen = this process); ratios are zkafka / Apache`,
  );
  out.push(`verdict: ${v.lines - v.failed} of ${v.lines} target lines pass; total run ${((Date.now() - began) / 1000).toFixed(1)} s; load average ${loadavg()[0]!.toFixed(2)} at the end`);
  process.stdout.write(`${out.join('\n')}\n`);

  if (opts.cpuProfDir && loads.ours) {
    const file = latestProfile(opts.cpuProfDir);
    if (file) {
      const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')), 25);
      process.stdout.write(`\nCPU profile of zkafka under load: ${file}\n${formatProfileSummary(summary)}\n`);
    } else {
      log(`bench-zk: no .cpuprofile appeared in ${opts.cpuProfDir}`);
    }
  }
  return opts.strict && v.failed > 0 ? 1 : 0;
}

let interrupted = false;
for (const signal of ['SIGINT', 'SIGTERM'] as const) {
  process.on(signal, () => {
    if (interrupted) return;
    interrupted = true;
    log(`bench-zk: ${signal}, stopping the servers`);
    void killAllStartedServers().finally(() => process.exit(130));
  });
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    log(`bench-zk: ${err.stack ?? err.message}`);
    void killAllStartedServers().finally(() => process.exit(1));
  },
);
