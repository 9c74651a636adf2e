// The replication part of `npm run bench:kafka` (bench-kafka.ts runs it after the single broker, with the same
// options): three real `kafka-server-start` processes on our ZooKeeper, every measured partition led by broker 1.
//   throughput: replication factor 3 with acks=all against replication factor 1 with acks=1, the same requests
//               from the same load generator, in alternating rounds, each keeping its best (as bench-kafka.ts does
//               against its raw server); rf=3 with acks=1 is shown too, to tell the followers' CPU from the wait;
//               and in the same rounds the raw references (raw-replication.ts): minimal Node processes that store
//               each byte once, and three times (a leader and two followers, answered once all three stored it),
//               for what minimal processes holding three copies reach on this machine;
//   latency:    produce → consume at a fixed record rate, rf=3 with acks=all beside rf=1 with acks=1 (a consumer
//               sees a record once the high watermark passes it, so with rf=3 that takes a follower's fetch);
//   failover:   SIGKILL of a partition's leader (never the controller) → first acks=all produce the new leader
//               answers without error, tried against both survivors every few ms.
// The load average is printed with the figures: only ratios measured in the same run are compared.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { waitFor } from '../../test/support/kafka-broker-process.js';
import { formatProfileSummary, summariseProfile } from '../zk/cpu-profile-summary.js';
import { Histogram } from '../zk/histogram.js';
import { cpuTimeMs } from '../zk/proc-stats.js';
import { median, table, type Verdicts } from '../zk/report.js';
import { KafkaLoadGenerator } from './kafka-load-generator.js';
import type { E2eResult, ThroughputResult } from './kafka-load-worker.js';
import { parseKafkaBenchOptions, USAGE } from './kafka-bench-options.js';
import { recordBatch, recordsPerBatch } from './load-frames.js';
import { flushPageCache, machineLoad } from './machine-load.js';
import { startRawReplication } from './raw-replication.js';
import { BROKER_IDS, profileName, ReplicationCluster } from './replication-cluster.js';

const MB = 1e6;
const MiB = 1024 * 1024;
const TARGETS = { rf3OfRf1: 0.5, e2eP99Ms: 10 };
const DEFAULT_BATCH_KIB = [16, 256];
const SESSION_TIMEOUT_MS = 6000;
const LEADER = 1;
const E2E_MAX_WAIT_MS = 500;
const PROBE_INTERVAL_MS = 5;
const FAILOVER_TIMEOUT_MS = 60_000;

function log(line: string): void {
  process.stderr.write(`${line}\n`);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
const fmtInt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : '-');
const mbps = (r: ThroughputResult) => r.bytes / MB / (r.elapsedMs / 1000);
const pct = (ms: number, wallMs: number) => (wallMs > 0 ? `${Math.round((100 * ms) / wallMs)}%` : '-');

function verdict(ok: boolean, v: Verdicts): string {
  v.lines++;
  if (!ok) v.failed++;
  return ok ? 'PASS' : 'FAIL';
}

interface Measured<T> {
  result: T;
  wallMs: number;
  /** CPU time over the run of the leader, then of each follower. */
  cpuMs: number[];
}

/** Runs `fn`, timing it and the CPU of the processes `pids` (a leader first, then its followers). */
async function measured<T>(pids: readonly number[], fn: () => Promise<T>): Promise<Measured<T>> {
  const before = pids.map((pid) => cpuTimeMs(pid));
  const t0 = performance.now();
  const result = await fn();
  const wallMs = performance.now() - t0;
  return { result, wallMs, cpuMs: pids.map((pid, i) => cpuTimeMs(pid) - before[i]!) };
}

/** The leader broker, then its followers. */
const clusterPids = (cluster: ReplicationCluster) => [LEADER, ...BROKER_IDS.filter((id) => id !== LEADER)].map((id) => cluster.pid(id));

function cpuCells(m: Measured<unknown>): string[] {
  const [leader, ...followers] = m.cpuMs;
  return [pct(leader!, m.wallMs), followers.map((ms) => pct(ms, m.wallMs)).join(' ')];
}

const errorsOf = (rs: ThroughputResult[]) => {
  const failed = rs.filter((r) => r.errors > 0);
  const n = failed.reduce((s, r) => s + r.errors, 0);
  return n === 0 ? '0' : `${n} (first code ${failed[0]!.firstError})`;
};

/** The rf=3 topics of the produce rounds. */
const RF3_TOPICS = (partitions: readonly number[]) => partitions.map((p) => ({ name: `rf3-p${p}`, partitions: p }));

/** The three configurations of a produce shape, in the order each round runs them. */
const CONFIGS = [
  { label: 'rf=1 acks=1', prefix: 'rf1', acks: 1 },
  { label: 'rf=3 acks=all', prefix: 'rf3', acks: -1 },
  { label: 'rf=3 acks=1', prefix: 'rf3', acks: 1 },
] as const;

/**
 * Waits until the followers hold everything of the rf=3 topics: an acks=all produce to every partition is answered
 * once the high watermark, the least log end over the ISR, passes it. A round with acks=1 leaves the followers behind,
 * and a backlog would slow the round after it.
 */
async function settle(gen: KafkaLoadGenerator, port: number, topics: readonly { name: string; partitions: number }[], acks = -1): Promise<void> {
  for (const t of topics) {
    await waitFor(`followers of ${t.name} caught up`, async () => {
      const r = await gen.run({ type: 'produce', port, topic: t.name, partitions: t.partitions, batchRecords: 1, acks, inflight: 1, warmupMs: 0, durationMs: 0 });
      return r.errors === 0;
    }, 120_000);
  }
}

/** The raw references of a produce shape, run in each round after the brokers. */
const RAW_CONFIGS = [
  { label: 'raw, rf=1', replicated: false },
  { label: 'raw, rf=3', replicated: true },
] as const;

async function throughput(cluster: ReplicationCluster, gen: KafkaLoadGenerator, rawDir: string, opts: { batchKiB: number[]; partitions: number[]; rounds: number; warmupMs: number; durationMs: number; inflight: number }, v: Verdicts): Promise<string[][]> {
  const rows: string[][] = [];
  const port = cluster.port(LEADER);
  for (const kib of opts.batchKiB) {
    const batchRecords = recordsPerBatch(kib * 1024);
    const batchBytes = recordBatch(batchRecords).length;
    for (const partitions of opts.partitions) {
      const inflight = opts.inflight || Math.min(64, Math.max(5, Math.ceil((4 * MiB) / (batchBytes * partitions))));
      const phase = { type: 'produce' as const, port, partitions, batchRecords, inflight, warmupMs: opts.warmupMs, durationMs: opts.durationMs };
      log(`replication produce ${kib} KiB batches × ${partitions} partitions, ${inflight} in flight, ${opts.rounds} rounds`);
      const runs = CONFIGS.map(() => [] as Measured<ThroughputResult>[]);
      const rawRuns = RAW_CONFIGS.map(() => [] as Measured<ThroughputResult>[]);
      const raw = await startRawReplication(rawDir, { topic: 'raw', partitions, fetchPartitionBytes: batchBytes, fetchBatchRecords: batchRecords });
      try {
        for (let round = 0; round < opts.rounds; round++) {
          for (const [i, c] of CONFIGS.entries()) {
            await settle(gen, port, [{ name: `rf3-p${partitions}`, partitions }]);
            runs[i]!.push(await measured(clusterPids(cluster), () => gen.run({ ...phase, topic: `${c.prefix}-p${partitions}`, acks: c.acks })));
          }
          for (const [i, c] of RAW_CONFIGS.entries()) {
            const [server, ...followers] = c.replicated ? raw.replicated : [raw.single];
            rawRuns[i]!.push(await measured([server!.pid, ...followers.map((f) => f.pid)], () => gen.run({ ...phase, port: server!.port, topic: 'raw', acks: -1 })));
          }
          raw.truncate();
        }
      } finally {
        await raw.stop();
      }
      const bestOf = (rs: Measured<ThroughputResult>[]) => rs.reduce((a, b) => (mbps(b.result) > mbps(a.result) ? b : a));
      const best = runs.map(bestOf);
      const rawBest = rawRuns.map(bestOf);
      const shape = [`${kib} KiB (${batchRecords} rec)`, String(partitions), String(inflight)];
      const rawRf1 = mbps(rawBest[0]!.result);
      for (const [i, c] of RAW_CONFIGS.entries()) {
        const m = rawBest[i]!;
        rows.push([
          ...shape, c.label, mbps(m.result).toFixed(0), fmtInt((m.result.records * 1000) / m.result.elapsedMs),
          i === 0 ? '' : (mbps(m.result) / rawRf1).toFixed(2), '', '', ...cpuCells(m), errorsOf(rawRuns[i]!.map((x) => x.result)),
        ]);
      }
      const reference = mbps(best[0]!.result);
      for (const [i, c] of CONFIGS.entries()) {
        const m = best[i]!;
        const r = m.result;
        const ratio = mbps(r) / reference;
        const errors = runs[i]!.map((x) => x.result);
        const judged = c.prefix === 'rf3' && c.acks === -1 ? verdict(ratio >= TARGETS.rf3OfRf1 && errors.every((e) => e.errors === 0), v) : '';
        // Each broker configuration beside the raw reference that stores as many copies.
        const ofRaw = c.acks === 1 && c.prefix === 'rf3' ? '' : (mbps(r) / mbps(rawBest[c.prefix === 'rf3' ? 1 : 0]!.result)).toFixed(2);
        rows.push([
          ...shape, c.label, mbps(r).toFixed(0), fmtInt((r.records * 1000) / r.elapsedMs),
          i === 0 ? '' : ratio.toFixed(2), judged, ofRaw, ...cpuCells(m), errorsOf(errors),
        ]);
      }
    }
  }
  return rows;
}

interface LatencyRun {
  label: string;
  m: Measured<E2eResult>;
  hist: Histogram;
  flushed: string;
}

async function latency(cluster: ReplicationCluster, gen: KafkaLoadGenerator, opts: { e2eRate: number; e2eMs: number; e2eWarmupMs: number; partitions: number[] }): Promise<LatencyRun[]> {
  const phase = { type: 'e2e' as const, port: cluster.port(LEADER), recordsPerSec: opts.e2eRate, warmupMs: opts.e2eWarmupMs, durationMs: opts.e2eMs, maxWaitMs: E2E_MAX_WAIT_MS, latencyOf: 'consumer' as const };
  const out: LatencyRun[] = [];
  for (const [label, topic, acks] of [['rf=3 acks=all', 'e2e-rf3', -1], ['rf=1 acks=1', 'e2e-rf1', 1]] as const) {
    log(`replication end-to-end latency ${label} at ${opts.e2eRate} records/s for ${opts.e2eMs} ms`);
    // The followers start fetching a new partition after a back-off: the warm-up records (read past by the run)
    // see that through, and the backlog of the produce rounds is gone before the clock starts.
    await settle(gen, phase.port, RF3_TOPICS(opts.partitions));
    await settle(gen, phase.port, [{ name: topic, partitions: 1 }], acks);
    const flushed = flushPageCache();
    const m = await measured(clusterPids(cluster), () => gen.run({ ...phase, topic, acks }));
    out.push({ label, m, hist: new Histogram(m.result.hist), flushed });
  }
  return out;
}

/** One acks=all produce of one record to partition 0: the error code, or -1 when the broker did not answer. */
async function produceOnce(client: BrokerNetworkClient, topic: string, batch: Buffer): Promise<number> {
  try {
    const r = await client.send(ApiKey.Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: topic, partitionData: [{ index: 0, records: batch }] }] });
    return r.responses[0]?.partitionResponses[0]?.errorCode ?? -1;
  } catch {
    return -1;
  }
}

interface FailoverTrial {
  victim: number;
  newLeader: number;
  ms: number;
}

/** Kills the leader of a fresh rf=3 partition and times the first produce a survivor accepts. */
async function failoverTrial(cluster: ReplicationCluster, trial: number): Promise<FailoverTrial> {
  const controller = await cluster.controllerId();
  const candidates = BROKER_IDS.filter((id) => id !== controller && id !== LEADER);
  const victim = candidates[trial % candidates.length] ?? BROKER_IDS.find((id) => id !== controller)!;
  const survivors = BROKER_IDS.filter((id) => id !== victim);
  const topic = `failover-${trial}`;
  await cluster.createTopic(topic, [[victim, ...survivors]]);
  const batch = recordBatch(1);
  const toVictim = new BrokerNetworkClient('127.0.0.1', cluster.port(victim), 'bench-failover', 10_000);
  try {
    // The leader has taken the controller's ISR once it accepts acks=all.
    for (let tries = 0; (await produceOnce(toVictim, topic, batch)) !== ErrorCode.NONE; tries++) {
      if (tries > 1000) throw new Error(`${topic}: broker ${victim} never accepted a produce`);
      await sleep(10);
    }
  } finally {
    toVictim.close();
  }
  const clients = survivors.map((id) => ({ id, client: new BrokerNetworkClient('127.0.0.1', cluster.port(id), 'bench-failover', 10_000) }));
  try {
    // Connected before the kill, so the measured time holds no connection set-up.
    await Promise.all(clients.map((c) => produceOnce(c.client, topic, batch)));
    log(`failover trial ${trial + 1}: SIGKILL of broker ${victim}, leader of ${topic}-0 (controller ${controller})`);
    const killedAt = performance.now();
    await cluster.kill9(victim);
    let winner: { id: number; at: number } | null = null;
    const deadline = killedAt + FAILOVER_TIMEOUT_MS;
    await Promise.all(clients.map(async (c) => {
      while (winner === null && performance.now() < deadline) {
        const code = await produceOnce(c.client, topic, batch);
        if (code === ErrorCode.NONE) {
          winner ??= { id: c.id, at: performance.now() };
          return;
        }
        await sleep(PROBE_INTERVAL_MS);
      }
    }));
    if (winner === null) throw new Error(`${topic}: no survivor accepted a produce within ${FAILOVER_TIMEOUT_MS} ms of the kill`);
    const won: { id: number; at: number } = winner;
    return { victim, newLeader: won.id, ms: won.at - killedAt };
  } finally {
    for (const c of clients) c.client.close();
    log(`restarting broker ${victim}`);
    await cluster.startBroker(victim);
    await cluster.controllerId();
  }
}

function profileSummaries(dir: string): string {
  const out: string[] = [];
  for (const id of BROKER_IDS) {
    const file = join(dir, profileName(id, 1));
    try {
      const summary = summariseProfile(JSON.parse(readFileSync(file, 'utf8')), 15);
      out.push(`broker ${id} (${id === LEADER ? 'leader' : 'follower'}) CPU profile ${file}`, formatProfileSummary(summary), '');
    } catch (err) {
      out.push(`broker ${id}: no CPU profile (${(err as Error).message})`);
    }
  }
  return out.join('\n');
}

async function main(): Promise<number> {
  const argv = process.argv.slice(2);
  const opts = parseKafkaBenchOptions(argv);
  if (opts === null) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const batchKiB = argv.some((a) => a.startsWith('--batch-kib')) ? opts.batchKiB : DEFAULT_BATCH_KIB;
  const cpuProfDir = opts.cpuProfDir ? join(opts.cpuProfDir, 'replication') : '';
  const out: string[] = [];
  const v: Verdicts = { lines: 0, failed: 0 };
  out.push(`${new Date().toISOString()}  node ${process.version}  ${cpus().length}× ${cpus()[0]?.model ?? '?'}  at start: ${machineLoad()}`);
  log('replication: starting ZooKeeper and three brokers');
  const cluster = await ReplicationCluster.start({ sessionTimeoutMs: SESSION_TIMEOUT_MS, cpuProfDir });
  const gen = new KafkaLoadGenerator();
  const rawDir = mkdtempSync(join(tmpdir(), 'zkafka-bench-raw-replication-'));
  let stopped = false;
  try {
    const others = BROKER_IDS.filter((id) => id !== LEADER);
    for (const p of opts.partitions) {
      await cluster.createTopic(`rf1-p${p}`, Array.from({ length: p }, () => [LEADER]));
      await cluster.createTopic(`rf3-p${p}`, Array.from({ length: p }, () => [LEADER, ...others]));
    }
    await cluster.createTopic('e2e-rf1', [[LEADER]]);
    await cluster.createTopic('e2e-rf3', [[LEADER, ...others]]);

    const produceRows = await throughput(cluster, gen, rawDir, { ...opts, batchKiB }, v);
    const afterThroughput = machineLoad();
    const e2e = await latency(cluster, gen, opts);
    const afterLatency = machineLoad();

    const trials: FailoverTrial[] = [];
    for (let t = 0; t < opts.rounds; t++) trials.push(await failoverTrial(cluster, t));
    const afterFailover = machineLoad();

    await gen.close();
    log('replication: stopping the brokers');
    await cluster.stop();
    stopped = true;

    out.push(
      '',
      `replication: brokers ${BROKER_IDS.join(', ')} as kafka-server-start processes on our ZooKeeper, min.insync.replicas=2, replica.fetch.wait.max.ms 500 (default); every measured partition led by broker ${LEADER}`,
      `produce: the same Produce v7 requests (one batch of 1 KiB records per partition, pipelined on one connection); best of ${opts.rounds} alternating rounds of ${opts.durationMs} ms ` +
        `(target rf=3 acks=all ≥ ${TARGETS.rf3OfRf1} × rf=1 acks=1); CPU = share of one core`,
      '  raw, rf=1: a raw server writing each produce payload to a file, answering once written; raw, rf=3: the same server also sending each payload to two raw',
      '  followers that write it to their files, answering once all three wrote it (for scale: what minimal Node processes that write as the broker does',
      '  reach here holding one copy and three; one file each, where the broker has one per partition);',
      '  of raw = a broker row beside the raw row that stores as many copies; the raw rf=3 row\'s of rf=1 is of the raw rf=1 row',
      table(
        ['batch', 'parts', 'in flight', 'replication', 'MB/s', 'records/s', 'of rf=1', 'verdict', 'of raw', 'leader CPU', 'followers CPU', 'errors'],
        produceRows, [false, true, true, false, true, true, true, false, true, true, true, false],
      ),
      `  after the produce rounds: ${afterThroughput}`,
    );
    const [rf3, rf1] = e2e as [LatencyRun, LatencyRun];
    const ms = (h: Histogram, f: number) => (h.percentile(f) / 1000).toFixed(2);
    const r3 = rf3.m.result;
    const e2eOk = rf3.hist.percentile(0.99) / 1000 <= TARGETS.e2eP99Ms && r3.errors === 0 && r3.received >= r3.produced;
    out.push('', `end-to-end (producer at ${fmtInt(opts.e2eRate)} records/s, one batch per 1 ms tick, to broker ${LEADER}; consumer long-polls broker ${LEADER} with max wait ${E2E_MAX_WAIT_MS} ms; ${opts.e2eMs} ms after ${opts.e2eWarmupMs} ms warm-up)`);
    for (const run of e2e) {
      const r = run.m.result;
      const judged = run === rf3 ? `(target p99 ≤ ${TARGETS.e2eP99Ms} ms) ${verdict(e2eOk, v)}` : '(reference)';
      out.push(
        `  ${run.label.padEnd(13)}  p50 ${ms(run.hist, 0.5)} ms  p99 ${ms(run.hist, 0.99)} ms  p99.9 ${ms(run.hist, 0.999)} ms  max ${ms(run.hist, 1)} ms  ${judged}` +
          `   ${fmtInt(r.received)}/${fmtInt(r.produced)} received, errors ${r.errors}${r.errors > 0 ? ` (first code ${r.firstError})` : ''}; CPU leader ${cpuCells(run.m).join(', followers ')}`,
        `  ${''.padEnd(13)}  ${run.flushed}`,
      );
    }
    out.push(`  p99 rf=3 acks=all / rf=1 acks=1: ${(rf3.hist.percentile(0.99) / rf1.hist.percentile(0.99)).toFixed(2)}   after the latency runs: ${afterLatency}`);
    const times = trials.map((t) => t.ms);
    out.push(
      '',
      `failover: SIGKILL of an rf=3 partition's leader (not the controller) → first acks=all produce answered without error by the new leader, tried every ${PROBE_INTERVAL_MS} ms on both survivors; zookeeper.session.timeout.ms=${SESSION_TIMEOUT_MS}`,
      `  median ${fmtInt(median(times))} ms of ${trials.length} (${trials.map((t) => `broker ${t.victim} → ${t.newLeader}: ${fmtInt(t.ms)} ms`).join('; ')})`,
      `  after the failovers: ${afterFailover}`,
    );
    if (cpuProfDir) out.push('', profileSummaries(cpuProfDir));
    out.push('', `at end: ${machineLoad()}`, `${v.lines - v.failed}/${v.lines} replication targets met`);
    process.stdout.write(`${out.join('\n')}\n`);
    return opts.strict && v.failed > 0 ? 1 : 0;
  } finally {
    if (!stopped) {
      await gen.close();
      await cluster.stop();
    }
    rmSync(rawDir, { recursive: true, force: true });
  }
}

process.exitCode = await main();
