// npm run bench:kafka — the broker's produce and consume throughput and end-to-end latency, each against the limit
// measured in the same run: what Node.js moves over loopback with the same frames (raw-server.js, driven by the
// same load generator, which shows the generator is not the bottleneck) and what the disk takes: appends into the
// page cache, as the broker (and Kafka, with log.flush.* at their defaults) writes a produce, and, for scale, appends
// each followed by fdatasync. Then the broker's start-up time against a bare Node server, and its idle RSS
// (bench-startup.ts). Then replication with three brokers (bench-replication.ts).
// The broker is a real `kafka-server-start` process over a temp dir, registered in a ZooKeeper run here. Raw server
// and broker take turns in rounds and each keeps its best round, so that a neighbour's burst of CPU use does not
// decide a ratio; the load average and CPU pressure are printed with the figures.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, rmSync, statSync, truncateSync } from 'node:fs';
import { cpus } from 'node:os';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../../test/support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../../test/support/our-zk.js';
import { formatProfileSummary, summariseProfile } from '../zk/cpu-profile-summary.js';
import { Histogram } from '../zk/histogram.js';
import { cpuTimeMs, RssSampler } from '../zk/proc-stats.js';
import { table, type Verdicts } from '../zk/report.js';
import { formatStartup, measureStartup } from './bench-startup.js';
import { measureDiskWrite } from './disk-limit.js';
import { KafkaLoadGenerator } from './kafka-load-generator.js';
import { flushPageCache, machineLoad } from './machine-load.js';
import type { E2eResult, ThroughputResult } from './kafka-load-worker.js';
import { parseKafkaBenchOptions, PHASES, USAGE, type BenchPhase, type KafkaBenchOptions } from './kafka-bench-options.js';
import { recordBatch, recordsPerBatch } from './load-frames.js';
import { startRawServer } from './raw-server-process.js';

const MB = 1e6;
const MiB = 1024 * 1024;
const TARGETS = { produceOfRaw: 0.5, consumeOfRaw: 0.6, e2eP99Ms: 5 };
const FETCH_MAX_BYTES = 50 * MiB;
const E2E_MAX_WAIT_MS = 500;

const ANCHORS = [
  'published anchors (other hardware; for scale, not targets):',
  '  Kreps 2014, 3 brokers, 1 producer thread, 100 B records, acks=1: 78.3 MB/s (821,557 records/s); 1 consumer: 89.7 MB/s (940,521 records/s)',
  '  Kreps 2014, end-to-end latency: 2 ms p50, 3 ms p99;  Confluent 2020: p99 5 ms at 200 MB/s',
  'this machine (shared/reference/machine-limits-and-anchors.md, quiet / loaded):',
  '  Node bulk loopback 2,769 / 1,312 MB/s;  Node append 1 MiB + fdatasync 507 / 346 MB/s (burst 1.5–1.7 GB/s)',
];

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

interface Measured<T> {
  result: T;
  wallMs: number;
  serverCpuMs: number;
  genCpuMs: number;
}

/** Runs `fn` while counting the CPU time of the server process and of this process (the load generator). */
async function measured<T>(serverPid: number, fn: () => Promise<T>): Promise<Measured<T>> {
  const s0 = cpuTimeMs(serverPid);
  const g0 = process.cpuUsage();
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  const g = process.cpuUsage(g0);
  return { result, wallMs, serverCpuMs: cpuTimeMs(serverPid) - s0, genCpuMs: (g.user + g.system) / 1000 };
}

const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const fmtPct = (ms: number, wallMs: number) => (Number.isFinite(ms) && wallMs > 0 ? `${Math.round((100 * ms) / wallMs)}%` : '-');
const mbps = (r: ThroughputResult) => r.bytes / MB / (r.elapsedMs / 1000);
const perSec = (n: number, ms: number) => (n * 1000) / ms;

function verdict(ok: boolean, v: Verdicts): string {
  v.lines++;
  if (!ok) v.failed++;
  return ok ? 'PASS' : 'FAIL';
}

/** Per slot, the round with the most MB/s, and the errors of all rounds. */
class Best<T extends ThroughputResult> {
  private readonly best: (Measured<T> | null)[];
  private readonly errorTotals: { errors: number; firstError: number }[];

  constructor(slots: number) {
    this.best = new Array<Measured<T> | null>(slots).fill(null);
    this.errorTotals = Array.from({ length: slots }, () => ({ errors: 0, firstError: 0 }));
  }

  offer(slot: number, m: Measured<T>): void {
    const e = this.errorTotals[slot]!;
    if (m.result.errors > 0 && e.errors === 0) e.firstError = m.result.firstError;
    e.errors += m.result.errors;
    const b = this.best[slot];
    if (b == null || mbps(m.result) > mbps(b.result)) this.best[slot] = m;
  }

  get(slot: number): Measured<T> {
    return this.best[slot]!;
  }

  errors(slot: number): { errors: number; firstError: number } {
    return this.errorTotals[slot]!;
  }
}

function errorsCell(r: { errors: number; firstError: number }): string {
  return r.errors === 0 ? '0' : `${r.errors} (first code ${r.firstError})`;
}

function throughputCells(m: Measured<ThroughputResult>): string[] {
  const r = m.result;
  return [mbps(r).toFixed(0), fmtInt(perSec(r.records, r.elapsedMs)), fmtInt(perSec(r.requests, r.elapsedMs))];
}

async function startBroker(procs: BrokerProcesses, dir: string, zk: OurZk, opts: KafkaBenchOptions): Promise<{ broker: BrokerProcess; port: number }> {
  const profArgs = opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(opts.cpuProfDir)}`] : [];
  if (opts.cpuProfDir) mkdirSync(opts.cpuProfDir, { recursive: true });
  const broker = procs.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1'], 30_000, profArgs);
  const { port } = await broker.started;
  return { broker, port };
}

async function createTopics(port: number, topics: { name: string; partitions: number }[], gen: KafkaLoadGenerator): Promise<void> {
  const admin = new KafkaAdmin({ bootstrapServers: `127.0.0.1:${port}` });
  try {
    await admin.connect();
    await admin.createTopics(topics.map((t) => ({ name: t.name, numPartitions: t.partitions, replicationFactor: 1 })));
  } finally {
    await admin.close();
  }
  // Led once a one-record produce to every partition succeeds.
  for (const t of topics) {
    await waitFor(`leadership of ${t.name}`, async () => {
      const r = await gen.run({ type: 'produce', port, topic: t.name, partitions: t.partitions, batchRecords: 1, acks: 1, inflight: 1, warmupMs: 0, durationMs: 0 });
      return r.errors === 0;
    });
  }
}

function newestProfile(dir: string): string | null {
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile')).map((f) => join(dir, f));
  files.sort((a, b) => statSync(b).mtimeMs - statSync(a).mtimeMs);
  return files[0] ?? null;
}

async function main(): Promise<number> {
  const opts = parseKafkaBenchOptions(process.argv.slice(2));
  if (opts === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const out: string[] = [];
  const v: Verdicts = { lines: 0, failed: 0 };
  out.push(`${new Date().toISOString()}  node ${process.version}  ${cpus().length}× ${cpus()[0]?.model ?? '?'}  at start: ${machineLoad()}`);
  out.push('MB = 10^6 bytes of record batches (the bytes a log stores), 1 KiB record values, no compression; CPU = share of one core over the round');

  const procs = new BrokerProcesses();
  const dir = procs.workDir('zkafka-bench-kafka-');
  const zk = await startOurZooKeeper();
  const gen = new KafkaLoadGenerator();
  let profileText = '';
  try {
    const has = (phase: BenchPhase) => opts.phases.has(phase);
    const disk = { bytes: 0, elapsedMs: 0 };
    const durable = { bytes: 0, elapsedMs: 0 };
    if (has('produce')) {
      log(`disk: 1 MiB appends, then 1 MiB appends + fdatasync, ${opts.diskMs} ms each`);
      Object.assign(disk, measureDiskWrite(dir, opts.diskMs, 2048 * MiB, false));
      Object.assign(durable, measureDiskWrite(dir, opts.diskMs, 4096 * MiB, true));
    }
    const diskMBps = disk.bytes / MB / (disk.elapsedMs / 1000);
    const durableMBps = durable.bytes / MB / (durable.elapsedMs / 1000);

    const { broker, port } = await startBroker(procs, dir, zk, opts);
    const pid = broker.child.pid!;
    const rss = new RssSampler(pid);
    log(`broker pid ${pid} on 127.0.0.1:${port}`);
    await createTopics(port, [...opts.partitions.map((p) => ({ name: `bench-p${p}`, partitions: p })), { name: 'bench-e2e', partitions: 1 }], gen);

    // Produce: per request shape, rounds of the raw server, the broker with acks=1 and with acks=-1 in turn; each
    // keeps its best round, the one least disturbed by whatever else runs on the machine.
    const produceRows: string[][] = [];
    const generatorBehind: string[] = [];
    for (const kib of has('produce') ? opts.batchKiB : []) {
      const batchRecords = recordsPerBatch(kib * 1024);
      const batchBytes = recordBatch(batchRecords).length;
      for (const partitions of opts.partitions) {
        const inflight = opts.inflight || Math.min(64, Math.max(5, Math.ceil((4 * MiB) / (batchBytes * partitions))));
        const phase = { type: 'produce' as const, partitions, batchRecords, inflight, warmupMs: opts.warmupMs, durationMs: opts.durationMs };
        const shape = [`${kib} KiB (${batchRecords} rec)`, String(partitions), String(inflight)];
        log(`produce ${kib} KiB batches × ${partitions} partitions, ${inflight} in flight, ${opts.rounds} rounds`);
        const rawConfig = { topic: 'raw', partitions, fetchPartitionBytes: batchBytes, fetchBatchRecords: batchRecords };
        const raw = await startRawServer(rawConfig);
        const streamRaw = await startRawServer({ ...rawConfig, streamReads: true });
        const appendFile = join(dir, 'raw-server-append.bin');
        const storingRaw = await startRawServer({ ...rawConfig, appendFile });
        const best = new Best<ThroughputResult>(5);
        try {
          for (let round = 0; round < opts.rounds; round++) {
            best.offer(0, await measured(raw.pid, () => gen.run({ ...phase, port: raw.port, topic: 'raw', acks: 1 })));
            best.offer(1, await measured(pid, () => gen.run({ ...phase, port, topic: `bench-p${partitions}`, acks: 1 })));
            best.offer(2, await measured(pid, () => gen.run({ ...phase, port, topic: `bench-p${partitions}`, acks: -1 })));
            best.offer(3, await measured(streamRaw.pid, () => gen.run({ ...phase, port: streamRaw.port, topic: 'raw', acks: 1 })));
            best.offer(4, await measured(storingRaw.pid, () => gen.run({ ...phase, port: storingRaw.port, topic: 'raw', acks: 1 })));
            // Emptied at once, its pages dropped unwritten: what it wrote is not left for the kernel to write back
            // during the broker's next rounds.
            truncateSync(appendFile, 0);
          }
        } finally {
          await Promise.all([raw.stop(), streamRaw.stop(), storingRaw.stop()]);
          rmSync(appendFile, { force: true });
        }
        const rawRun = best.get(0);
        const rawMBps = mbps(rawRun.result);
        produceRows.push([...shape, '-', 'raw socket', ...throughputCells(rawRun), '', '', '', fmtPct(rawRun.serverCpuMs, rawRun.wallMs), fmtPct(rawRun.genCpuMs, rawRun.wallMs), errorsCell(best.errors(0))]);
        for (const [slot, label, writesFile] of [[3, 'raw, stream', false], [4, 'raw + file', true]] as const) {
          const run = best.get(slot);
          produceRows.push([
            ...shape, '-', label, ...throughputCells(run), (mbps(run.result) / rawMBps).toFixed(2), '', writesFile ? (mbps(run.result) / diskMBps).toFixed(2) : '',
            fmtPct(run.serverCpuMs, run.wallMs), fmtPct(run.genCpuMs, run.wallMs), errorsCell(best.errors(slot)),
          ]);
        }
        for (const [slot, acks] of [[1, 1], [2, -1]] as const) {
          const run = best.get(slot);
          const ratio = mbps(run.result) / rawMBps;
          if (rawMBps < mbps(run.result)) generatorBehind.push(`produce ${kib} KiB × ${partitions} acks=${acks}`);
          produceRows.push([
            ...shape, String(acks), 'broker', ...throughputCells(run), ratio.toFixed(2), verdict(ratio >= TARGETS.produceOfRaw && best.errors(slot).errors === 0, v),
            (mbps(run.result) / diskMBps).toFixed(2), fmtPct(run.serverCpuMs, run.wallMs), fmtPct(run.genCpuMs, run.wallMs), errorsCell(best.errors(slot)),
          ]);
        }
      }
    }

    // Consume: sequential fetches from offset 0 of what the produce phases wrote, against prebuilt responses.
    const consumeRows: string[][] = [];
    const partitionMaxBytes = opts.fetchPartitionKiB * 1024;
    const largestBatchRecords = recordsPerBatch(Math.max(...opts.batchKiB) * 1024);
    if (has('consume') && !has('produce')) {
      // What the produce phases would have written: each batch size in turn, for the length of a round each.
      for (const kib of opts.batchKiB) {
        for (const partitions of opts.partitions) {
          log(`filling bench-p${partitions} with ${kib} KiB batches for ${opts.durationMs} ms`);
          const batchRecords = recordsPerBatch(kib * 1024);
          const inflight = Math.min(64, Math.max(5, Math.ceil((4 * MiB) / (recordBatch(batchRecords).length * partitions))));
          await gen.run({ type: 'produce', port, topic: `bench-p${partitions}`, partitions, batchRecords, acks: 1, inflight, warmupMs: 0, durationMs: opts.durationMs });
        }
      }
    }
    for (const partitions of has('consume') ? opts.partitions : []) {
      log(`consume ${partitions} partitions, ${opts.rounds} rounds`);
      const phase = { type: 'consume' as const, partitions, partitionMaxBytes, maxBytes: FETCH_MAX_BYTES, warmupMs: opts.warmupMs, durationMs: opts.durationMs };
      const raw = await startRawServer({ topic: 'raw', partitions, fetchPartitionBytes: partitionMaxBytes, fetchBatchRecords: largestBatchRecords });
      const best = new Best<ThroughputResult>(2);
      try {
        for (let round = 0; round < opts.rounds; round++) {
          best.offer(0, await measured(raw.pid, () => gen.run({ ...phase, port: raw.port, topic: 'raw', stopAtEnd: false })));
          best.offer(1, await measured(pid, () => gen.run({ ...phase, port, topic: `bench-p${partitions}`, stopAtEnd: true })));
        }
      } finally {
        await raw.stop();
      }
      const rawRun = best.get(0);
      const run = best.get(1);
      if (mbps(rawRun.result) < mbps(run.result)) generatorBehind.push(`consume × ${partitions}`);
      const ratio = mbps(run.result) / mbps(rawRun.result);
      const shape = [String(partitions), `${opts.fetchPartitionKiB} KiB`];
      consumeRows.push([...shape, 'raw socket', ...throughputCells(rawRun), '', '', fmtPct(rawRun.serverCpuMs, rawRun.wallMs), fmtPct(rawRun.genCpuMs, rawRun.wallMs), errorsCell(best.errors(0))]);
      consumeRows.push([
        ...shape, 'broker', ...throughputCells(run), ratio.toFixed(2), verdict(ratio >= TARGETS.consumeOfRaw && best.errors(1).errors === 0, v),
        fmtPct(run.serverCpuMs, run.wallMs), fmtPct(run.genCpuMs, run.wallMs), errorsCell(best.errors(1)),
      ]);
    }

    const e2eRuns: { broker: Measured<E2eResult>; raw: E2eResult; load: string; flushed: string }[] = [];
    const e2ePhase = { type: 'e2e' as const, recordsPerSec: opts.e2eRate, warmupMs: opts.e2eWarmupMs, durationMs: opts.e2eMs, maxWaitMs: E2E_MAX_WAIT_MS };
    // A broker that has served no load yet runs its request path in V8's first tiers while the compiler threads work
    // beside it (a third of a core): its first seconds measure start-up, not the latency at this rate. The produce and
    // consume phases warm it (as the replication bench's produce rounds do its brokers); without them, one untimed
    // run of the same shape does.
    const e2eColdBroker = has('e2e') && !has('produce') && !has('consume');
    if (e2eColdBroker) {
      log(`end-to-end warm-up: one untimed run at ${opts.e2eRate} records/s for ${opts.e2eMs} ms (the broker has served no load yet)`);
      await gen.run({ ...e2ePhase, port, topic: 'bench-e2e', latencyOf: 'consumer' });
    }
    for (let i = 0; i < (has('e2e') ? opts.e2eRepeats : 0); i++) {
      log(`end-to-end latency at ${opts.e2eRate} records/s for ${opts.e2eMs} ms, and produce round trips to the raw server at that rate`);
      const flushed = flushPageCache();
      const e2e = await measured(pid, () => gen.run({ ...e2ePhase, port, topic: 'bench-e2e', latencyOf: 'consumer' }));
      const e2eRaw = await startRawServer({ topic: 'raw', partitions: 1, fetchPartitionBytes: 1024, fetchBatchRecords: 1 });
      const rawAcks = await gen.run({ ...e2ePhase, port: e2eRaw.port, topic: 'raw', latencyOf: 'ack' }).finally(() => e2eRaw.stop());
      e2eRuns.push({ broker: e2e, raw: rawAcks, load: machineLoad(), flushed });
    }
    const peakRss = rss.stop();

    log('stopping the broker');
    await procs.stop(broker);
    if (opts.cpuProfDir) {
      const file = newestProfile(opts.cpuProfDir);
      profileText = file ? `broker CPU profile ${file}\n${formatProfileSummary(summariseProfile(JSON.parse(readFileSync(file, 'utf8')), 15))}` : 'no CPU profile was written';
    }

    let startupText = '';
    if (has('startup')) {
      log(`start-up: ${opts.startupRuns} spawns of the broker and of a bare Node server`);
      const startup = formatStartup(await measureStartup(opts.startupRuns));
      v.lines += 2;
      v.failed += startup.failed;
      startupText = startup.text.trimEnd();
    }

    if (has('produce')) out.push(
      '',
      `disk, page cache (1 MiB appends, no sync: how the broker writes produced batches, as Kafka does with log.flush.* at their defaults): ${(disk.bytes / MiB).toFixed(0)} MiB in ${(disk.elapsedMs / 1000).toFixed(1)} s: ${diskMBps.toFixed(0)} MB/s`,
      `disk, durable (1 MiB appends + fdatasync each; for scale): ${(durable.bytes / MiB).toFixed(0)} MiB in ${(durable.elapsedMs / 1000).toFixed(1)} s: ${durableMBps.toFixed(0)} MB/s`,
    );
    if (has('produce')) out.push('', `produce: one Produce v7 request = one batch per partition, pipelined on one connection; best of ${opts.rounds} alternating rounds of ${opts.durationMs} ms (target broker ≥ ${TARGETS.produceOfRaw} × raw socket; of disk = of the page-cache figure)`);
    if (has('produce')) out.push(
      '  raw socket reads into one reused buffer, as the broker reads (the reference); raw, stream: the same server reading through the socket stream, a fresh buffer per 64 KiB read (for scale);',
      '  raw + file: the raw server also writing each produce payload to a file, one write per request as the broker writes (through the thread pool above 64 KiB), answering once',
      '  written (for scale: what a minimal Node server that stores the bytes takes here, with one file where the broker has one per partition)',
    );
    if (has('produce')) out.push(table(
      ['batch', 'parts', 'in flight', 'acks', 'server', 'MB/s', 'records/s', 'requests/s', 'of raw', 'verdict', 'of disk', 'server CPU', 'gen CPU', 'errors'],
      produceRows, [false, true, true, true, false, true, true, true, true, false, true, true, true, false],
    ));
    if (has('consume')) out.push('', `consume: Fetch v11 from offset 0, one in flight, max ${FETCH_MAX_BYTES / MiB} MiB; best of ${opts.rounds} alternating rounds (target broker ≥ ${TARGETS.consumeOfRaw} × raw socket)`);
    if (has('consume')) out.push(table(
      ['parts', 'partition max', 'server', 'MB/s', 'records/s', 'fetches/s', 'of raw', 'verdict', 'server CPU', 'gen CPU', 'errors'],
      consumeRows, [true, true, false, true, true, true, true, false, true, true, false],
    ));
    if (has('produce') || has('consume')) out.push(
      `load generator faster through the raw socket than through the broker in every shape: ${verdict(generatorBehind.length === 0, v)}` +
        (generatorBehind.length > 0 ? ` (not in: ${generatorBehind.join(', ')}; those ratios are not limits)` : ''),
    );
    for (const { broker: e2e, raw, load, flushed } of e2eRuns) {
      const r = e2e.result;
      const hist = new Histogram(r.hist);
      const rawHist = new Histogram(raw.hist);
      const p99 = hist.percentile(0.99) / 1000;
      const e2eOk = p99 <= TARGETS.e2eP99Ms && r.errors === 0 && r.received >= r.produced;
      out.push(
        '',
        `end-to-end (acks=1 producer at ${fmtInt(opts.e2eRate)} records/s, one batch per 1 ms tick; consumer long-polls with max wait ${E2E_MAX_WAIT_MS} ms${e2eColdBroker ? '; after one untimed run of the same shape' : ''}): ` +
          `${fmtInt(hist.total)} records measured after ${opts.e2eWarmupMs} ms warm-up, ${fmtInt(r.received)}/${fmtInt(r.produced)} received, errors ${r.errors}${r.errors > 0 ? ` (first code ${r.firstError})` : ''}`,
        `  p50 ${(hist.percentile(0.5) / 1000).toFixed(2)} ms  p99 ${p99.toFixed(2)} ms  p99.9 ${(hist.percentile(0.999) / 1000).toFixed(2)} ms  max ${(hist.percentile(1) / 1000).toFixed(2)} ms` +
          `  (target p99 ≤ ${TARGETS.e2eP99Ms} ms) ${verdict(e2eOk, v)}   broker CPU ${fmtPct(e2e.serverCpuMs, e2e.wallMs)}`,
        `  the machine's floor, produce → ack from the raw server at the same rate: p50 ${(rawHist.percentile(0.5) / 1000).toFixed(2)} ms  p99 ${(rawHist.percentile(0.99) / 1000).toFixed(2)} ms` +
          `  p99.9 ${(rawHist.percentile(0.999) / 1000).toFixed(2)} ms`,
        `  ${load}; ${flushed}`,
      );
    }
    out.push('', `broker peak RSS under load ${(peakRss / MiB).toFixed(0)} MiB`);
    if (startupText) out.push('', startupText);
    out.push('', ...ANCHORS);
    if (profileText) out.push('', profileText);
    out.push('', `at end: ${machineLoad()}`, `${v.lines - v.failed}/${v.lines} targets met`);
    process.stdout.write(`${out.join('\n')}\n`);
    return opts.strict && v.failed > 0 ? 1 : 0;
  } finally {
    await gen.close();
    await procs.cleanup();
    await zk.stop();
  }
}

const phaseOpts = process.argv.some((a) => a === '--help' || a === '-h') ? null : parseKafkaBenchOptions(process.argv.slice(2));
if (phaseOpts === null || PHASES.some((p) => p !== 'replication' && phaseOpts.phases.has(p))) process.exitCode = await main();
// Then the same options for three brokers with replication (bench-replication.ts), in a process of its own.
if (phaseOpts?.phases.has('replication')) {
  const replication = spawnSync(process.execPath, [fileURLToPath(new URL('./bench-replication.js', import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (replication.status !== 0) process.exitCode = 1;
}
