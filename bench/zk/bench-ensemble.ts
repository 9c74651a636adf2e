// The ensemble comparison of bench:zk: three of our servers against three Apache ZooKeeper 3.8 servers on
// loopback, the same pipelined load with its sessions spread over every member (writes forwarded to the leader,
// reads served locally), then the leader SIGKILLed and the time until a write succeeds again through a survivor.
import { connect } from 'node:net';
import { performance } from 'node:perf_hooks';
import { Ensemble, type Impl, type Member } from '../../test/support/zk-ensemble.js';
import { JuteWriter } from '../../src/zookeeper/jute/index.js';
import { LoadGenerator } from './load-generator.js';
import type { BenchOptions } from './options.js';
import { loadTable, table, type ServerRun, type Verdicts } from './report.js';
import { phaseInfo, type PhaseName } from './workload.js';
import { readConnectResponse, REPLY_HEADER_BYTES, writeConnect, writeCreate } from './zk-frames.js';

export const ENSEMBLE_TARGETS = { throughputMin: 1.5, p99Max: 1.0, recoveryMax: 1.0 };
/** Writes (create, then setData) and reads (getData and exists alternately). */
export const ENSEMBLE_PHASES: PhaseName[] = ['create', 'setData', 'reads'];
const LABEL: Record<Impl, string> = { ours: 'zkafka', apache: 'Apache ZooKeeper 3.8' };
const TICK_TIME_MS = 2000;
const SETTLE_TIMEOUT_MS = 90_000;
/** Bound on one recovery: election plus sync on a loaded machine. */
const RECOVERY_TIMEOUT_MS = 60_000;
const PROBE_TIMEOUT_MS = 5_000;
const PROBE_SESSION_TIMEOUT_MS = 4_000;
/** A new write attempt starts this often while the ensemble recovers (the resolution of the measure). */
const PROBE_INTERVAL_MS = 50;

export interface EnsembleRun {
  run: ServerRun;
  leaderSid: number;
  /** SIGKILL of the leader → first write acknowledged through a surviving member, ms; NaN when it never came. */
  recoveryMs: number;
  newLeaderSid: number | null;
}

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * One attempt over a raw socket (a client library could choke on what a server sends while it steps down): a fresh
 * session, itself a replicated write, then a create; true once the create is answered without error.
 */
function probeWrite(port: number, path: string): Promise<boolean> {
  return new Promise((resolve) => {
    const w = new JuteWriter(1024);
    const socket = connect({ host: '127.0.0.1', port, noDelay: true });
    let rx = Buffer.alloc(0);
    let connected = false;
    const finish = (ok: boolean) => {
      clearTimeout(timer);
      socket.destroy();
      resolve(ok);
    };
    const timer = setTimeout(() => finish(false), PROBE_TIMEOUT_MS);
    const send = () => {
      socket.write(Buffer.from(w.bytes()));
      w.reset();
    };
    socket.on('connect', () => {
      writeConnect(w, PROBE_SESSION_TIMEOUT_MS);
      send();
    });
    socket.on('data', (chunk: Buffer) => {
      rx = Buffer.concat([rx, chunk]);
      while (rx.length >= 4 && rx.length >= 4 + rx.readInt32BE(0)) {
        const frame = rx.subarray(4, 4 + rx.readInt32BE(0));
        rx = rx.subarray(4 + frame.length);
        if (!connected) {
          if (readConnectResponse(frame).timeOut <= 0) return finish(false);
          connected = true;
          writeCreate(w, 1, path, Buffer.from('r'));
          send();
        } else if (frame.length >= REPLY_HEADER_BYTES && frame.readInt32BE(0) === 1) {
          return finish(frame.readInt32BE(12) === 0);
        }
      }
    });
    socket.on('error', () => finish(false));
    socket.on('close', () => finish(false));
  });
}

/**
 * Kills the leader and starts a probe every PROBE_INTERVAL_MS, each on its own, so that one stuck on a server that
 * is still electing does not hold the measurement back: the first write acknowledged ends it.
 */
async function measureRecovery(ensemble: Ensemble, leader: Member): Promise<{ ms: number; newLeader: number | null }> {
  const survivors = ensemble.members.filter((m) => m !== leader);
  const t0 = performance.now();
  await leader.kill9();
  let doneAt = Number.NaN;
  const probes: Promise<void>[] = [];
  for (let attempt = 0; Number.isNaN(doneAt) && performance.now() - t0 < RECOVERY_TIMEOUT_MS; attempt++) {
    probes.push(
      probeWrite(survivors[attempt % survivors.length]!.clientPort, `/zkbench-recovery-${attempt}`).then((ok) => {
        if (ok && Number.isNaN(doneAt)) doneAt = performance.now();
      }),
    );
    await new Promise((r) => setTimeout(r, PROBE_INTERVAL_MS));
  }
  await Promise.all(probes);
  const newLeader = Number.isNaN(doneAt) ? null : await ensemble.settled(10_000).then((m) => m.sid, () => null);
  return { ms: doneAt - t0, newLeader };
}

async function runOne(impl: Impl, opts: BenchOptions): Promise<EnsembleRun> {
  const ensemble = await Ensemble.create(
    [1, 2, 3].map((sid) => ({ sid, impl })),
    'maxClientCnxns=0\n',
    {},
    TICK_TIME_MS,
  );
  let gen: LoadGenerator | null = null;
  try {
    ensemble.startAll();
    const leader = await ensemble.settled(SETTLE_TIMEOUT_MS);
    log(`${LABEL[impl]} ensemble: ports ${ensemble.members.map((m) => m.clientPort).join(', ')}, leader ${leader.sid}`);
    const run: ServerRun = { label: `${LABEL[impl]} ×3`, phases: new Map(), peakRssBytes: 0 };
    gen = await LoadGenerator.start({
      host: '127.0.0.1', port: ensemble.members[0]!.clientPort, ports: ensemble.members.map((m) => m.clientPort),
      sessions: opts.sessions, depth: opts.depth, workers: opts.workers, sessionTimeoutMs: opts.sessionTimeoutMs,
    });
    const schedule: [PhaseName, number][] = [['setup', 10_000], ...(opts.warmupMs > 0 ? [['warmup', opts.warmupMs] as [PhaseName, number]] : []), ...ENSEMBLE_PHASES.map((p) => [p, opts.durationMs] as [PhaseName, number])];
    for (const [name, durationMs] of schedule) {
      const cpu0 = process.cpuUsage();
      const result = await gen.runPhase(name, durationMs);
      const cpu = process.cpuUsage(cpu0);
      const total = result.ops.reduce((n, o) => n + o.count, 0);
      const errors = result.ops.reduce((n, o) => n + o.errors, 0);
      log(`  ${name.padEnd(8)} ${total.toLocaleString('en-US').padStart(9)} ops in ${Math.round(result.elapsedMs)} ms${errors ? `, ${errors} errors` : ''}`);
      if (errors > 0 && !phaseInfo(name).errorsExpected) {
        const first = result.ops.find((o) => o.errors > 0)!;
        throw new Error(`${LABEL[impl]} ensemble: ${errors} errors in phase ${name} (first: ${first.op} → ${first.firstError})`);
      }
      if (phaseInfo(name).reported) run.phases.set(name, { result, serverCpuMs: Number.NaN, generatorCpuMs: (cpu.user + cpu.system) / 1000, peakRssBytes: 0, sync: null });
    }
    await gen.close();
    gen = null;
    await ensemble.caughtUp(SETTLE_TIMEOUT_MS);
    log(`  SIGKILL leader ${leader.sid}`);
    const rec = await measureRecovery(ensemble, leader);
    log(`  a write succeeded again after ${Number.isFinite(rec.ms) ? `${Math.round(rec.ms)} ms` : 'never (timed out)'}; new leader ${rec.newLeader ?? '?'}`);
    return { run, leaderSid: leader.sid, recoveryMs: rec.ms, newLeaderSid: rec.newLeader };
  } finally {
    await gen?.terminate();
    await ensemble.close();
  }
}

/** Runs both ensembles one after the other (never both at once) and returns the report text. */
export async function runEnsembleBench(opts: BenchOptions, servers: Impl[], v: Verdicts): Promise<string> {
  const runs: Partial<Record<Impl, EnsembleRun>> = {};
  for (const impl of servers) {
    log(`ensemble load on three ${LABEL[impl]} servers`);
    runs[impl] = await runOne(impl, opts);
  }
  const out: string[] = [];
  out.push(
    `ensemble: three servers each, tickTime=${TICK_TIME_MS} initLimit=10 syncLimit=5, ${opts.sessions} sessions spread round-robin over the three members ` +
      `(writes forwarded to the leader, reads served by the member); Apache members run QuorumPeerMain with the JVM's default heap`,
  );
  out.push(loadTable(runs.ours?.run ?? null, runs.apache?.run ?? null, ENSEMBLE_PHASES, v, ENSEMBLE_TARGETS));
  const o = runs.ours;
  const a = runs.apache;
  const fmt = (r: EnsembleRun | undefined) => (r ? (Number.isFinite(r.recoveryMs) ? `${Math.round(r.recoveryMs)} ms (leader ${r.leaderSid} → ${r.newLeaderSid ?? '?'})` : 'timed out') : '-');
  const ratio = o && a ? o.recoveryMs / a.recoveryMs : Number.NaN;
  let verdict = '';
  if (o && a) {
    v.lines++;
    const ok = Number.isFinite(ratio) && ratio <= ENSEMBLE_TARGETS.recoveryMax;
    if (!ok) v.failed++;
    verdict = ok ? 'PASS' : 'FAIL';
  }
  out.push('');
  out.push(
    table(
      ['measure', 'zkafka', 'Apache', 'ratio', 'target', 'verdict'],
      [['leader SIGKILL → a write succeeds via a survivor', fmt(o), fmt(a), Number.isFinite(ratio) ? `${ratio.toFixed(2)}×` : '-', `≤ ${ENSEMBLE_TARGETS.recoveryMax.toFixed(2)}×`, verdict]],
      [false, true, true, true, false, false],
    ),
  );
  out.push(`ensemble targets: throughput ≥ ${ENSEMBLE_TARGETS.throughputMin.toFixed(1)}× Apache's ensemble, p99 ≤ ${ENSEMBLE_TARGETS.p99Max.toFixed(1)}×, recovery ≤ ${ENSEMBLE_TARGETS.recoveryMax.toFixed(1)}×; srv CPU is not sampled for ensembles`);
  return out.join('\n');
}
