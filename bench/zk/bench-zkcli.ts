// npm run bench (or node dist/bench/zk/bench-zkcli.js): a one-shot `zkcli -server … get /x` through our binary
// (bin/run.js) against Apache's zkCli doing the same (java … ZooKeeperMain -server … get /x), in the same run,
// against the same server, taking turns: spawn to exit, medians and the ratio. Target ≤ 0.5×, aiming for 0.25×.
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { parseArgs } from 'node:util';
import { fileURLToPath } from 'node:url';
import { startApacheServer, apacheUnavailable } from './apache-server.js';
import { startOurServer } from './our-server.js';
import { median } from './report.js';
import type { BenchServer } from './server-process.js';
import { killAllStartedServers } from './server-process.js';
import { runZkCli } from '../../test/support/apache-zk.js';

const BIN = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const TARGET_RATIO = 0.5;
const AIM_RATIO = 0.25;
const DATA = 'bench-value';
const RUN_TIMEOUT_MS = 30_000;

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** `--zkcli-runs N` or ZK_BENCH_ZKCLI_RUNS; other options belong to the other benchmarks of `npm run bench`. */
function runsOption(): number {
  const { values } = parseArgs({ args: process.argv.slice(2), options: { 'zkcli-runs': { type: 'string' } }, strict: false });
  const text = (values['zkcli-runs'] as string | undefined) ?? process.env['ZK_BENCH_ZKCLI_RUNS'] ?? '15';
  const runs = Number(text);
  if (!Number.isInteger(runs) || runs < 1 || runs > 500) throw new Error(`--zkcli-runs: expected an integer from 1 to 500, got '${text}'`);
  return runs;
}

interface Run {
  ms: number;
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Our zkcli as a user types it, stdin closed at once as the Java run gets it. */
function ours(connectString: string, args: string[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, [BIN, 'zkcli', '-server', connectString, ...args], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.end();
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`zkcli ${args.join(' ')}: no exit within ${RUN_TIMEOUT_MS} ms`));
    }, RUN_TIMEOUT_MS);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ ms: performance.now() - started, code, stdout, stderr });
    });
  });
}

async function apache(connectString: string, args: string[]): Promise<Run> {
  const started = performance.now();
  const r = await runZkCli(connectString, args, { timeoutMs: RUN_TIMEOUT_MS });
  return { ms: performance.now() - started, code: r.code, stdout: r.stdout, stderr: r.stderr };
}

function check(what: string, run: Run): void {
  if (run.code !== 0 || !run.stdout.split('\n').includes(DATA)) {
    throw new Error(`${what}: exit ${run.code}, expected ${DATA} on stdout\nstdout:\n${run.stdout}\nstderr:\n${run.stderr}`);
  }
}

const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(xs.length * p))]!;
const ms = (x: number) => `${Math.round(x)} ms`;

async function main(): Promise<void> {
  const runs = runsOption();
  const unavailable = apacheUnavailable();
  // Apache's server when there is Java (the reference both clients meet), else ours for our zkcli alone.
  const server: BenchServer = unavailable ? await startOurServer() : await startApacheServer();
  try {
    const cs = `${server.host}:${server.port}`;
    const created = await ours(cs, ['create', '/x', DATA]);
    if (created.code !== 0) throw new Error(`create /x failed: ${created.stderr}`);
    log(`zkcli one-shot \`get /x\` against ${server.name} on ${cs}, ${runs} runs each, taking turns (load average ${loadavg()[0]!.toFixed(2)})`);
    const oursMs: number[] = [];
    const apacheMs: number[] = [];
    // One unmeasured run each: disk caches and the JVM's class data sharing archive.
    check('zkcli (warm-up)', await ours(cs, ['get', '/x']));
    if (!unavailable) check('Apache zkCli (warm-up)', await apache(cs, ['get', '/x']));
    for (let i = 0; i < runs; i++) {
      const o = await ours(cs, ['get', '/x']);
      check('zkcli', o);
      oursMs.push(o.ms);
      if (unavailable) continue;
      const a = await apache(cs, ['get', '/x']);
      check('Apache zkCli', a);
      apacheMs.push(a.ms);
    }
    log(`  zkafka zkcli (node bin/run.js)        median ${ms(median(oursMs))}  p90 ${ms(pct(oursMs, 0.9))}  min ${ms(Math.min(...oursMs))}`);
    if (unavailable) {
      log(`  Apache zkCli: not measured (${unavailable})`);
      return;
    }
    log(`  Apache zkCli 3.8 (java ZooKeeperMain) median ${ms(median(apacheMs))}  p90 ${ms(pct(apacheMs, 0.9))}  min ${ms(Math.min(...apacheMs))}`);
    const ratio = median(oursMs) / median(apacheMs);
    const verdict = ratio <= AIM_RATIO ? 'meets the aim' : ratio <= TARGET_RATIO ? 'meets the target' : 'MISSES the target';
    log(`  ratio ours/Apache ${ratio.toFixed(2)}× (target ≤ ${TARGET_RATIO}×, aim ${AIM_RATIO}×): ${verdict}`);
  } finally {
    await server.stop();
    await killAllStartedServers();
  }
}

main().then(
  () => process.exit(0),
  (err: unknown) => {
    process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
    process.exit(1);
  },
);
