// npm run bench:kafka-topics — one-shot `bin/zkafka kafka-topics --bootstrap-server … --list`, whole-process wall
// time, against a bare Node script that connects and sends ApiVersions + Metadata by hand (bare-metadata-client.ts:
// the floor of any Node tool doing this, started in the environment bin/zkafka gives node), both listing the same
// topics of one broker (a `kafka-server-start` process registered in a ZooKeeper run here). Runs alternate so machine noise falls on both; medians and the median of per-pair
// ratios are compared. Target: kafka-topics ≤ 1.5 × the bare script. BENCH_RUNS (default 11).
import { spawn } from 'node:child_process';
import { loadavg } from 'node:os';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { CACHE_WRITES } from '../../src/cli/cached-bundle.js';
import { nodeStartEnv } from '../../src/cli/node-start-env.js';
import { BrokerProcesses, ZKAFKA_BIN } from '../../test/support/kafka-broker-process.js';
import { startOurZooKeeper } from '../../test/support/our-zk.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 11);
const TARGET = 1.5;
const BARE_JS = fileURLToPath(new URL('./bare-metadata-client.js', import.meta.url));
const TOPICS = ['alpha', 'beta', 'gamma', 'delta', 'epsilon'];

const load = () => loadavg().map((l) => l.toFixed(2)).join(' ');
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

/** `command` is bin/zkafka or node. */
function timed([command, ...args]: readonly string[]): Promise<{ ms: number; out: string }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'], env: nodeStartEnv() });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve({ ms: performance.now() - t0, out }) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${err}`))));
  });
}

async function main(): Promise<void> {
  const zk = await startOurZooKeeper();
  const brokers = new BrokerProcesses();
  try {
    const dir = brokers.workDir('zkafka-bench-topics-');
    const broker = brokers.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1']);
    const bootstrap = `127.0.0.1:${(await broker.started).port}`;
    const admin = new KafkaAdmin({ bootstrapServers: bootstrap });
    await admin.createTopics(TOPICS.map((name) => ({ name, numPartitions: 1, replicationFactor: 1 })));
    await admin.close();
    const ours = [ZKAFKA_BIN, 'kafka-topics', '--bootstrap-server', bootstrap, '--list'];
    const bare = [process.execPath, BARE_JS, bootstrap];
    const expected = `${[...TOPICS].sort().join('\n')}\n`;
    const loadAtStart = load();
    // Warm-up runs, not counted: one of each for the file cache, and ours as many times as runs after a build write
    // its code cache (a user's first few runs; cached-bundle.ts).
    for (let i = 0; i < CACHE_WRITES; i++) await timed(ours);
    await timed(bare);
    const times = { ours: [] as number[], bare: [] as number[] };
    const ratios: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      const a = await timed(ours);
      const b = await timed(bare);
      if (a.out !== expected || b.out !== expected) throw new Error(`the listings differ from the topics created:\n${a.out}---\n${b.out}`);
      times.ours.push(a.ms);
      times.bare.push(b.ms);
      ratios.push(a.ms / b.ms);
    }
    const ratio = median(ratios);
    const ms = (x: number) => `${x.toFixed(0)} ms`;
    process.stdout.write(
      [
        `kafka-topics --list (${TOPICS.length} topics), whole-process wall time, median of ${RUNS} alternating runs; load average ${loadAtStart} at start, ${load()} at end:`,
        `  zkafka kafka-topics --list        ${ms(median(times.ours))}  (min ${ms(Math.min(...times.ours))})`,
        `  bare node ApiVersions + Metadata  ${ms(median(times.bare))}  (min ${ms(Math.min(...times.bare))})`,
        `  kafka-topics / bare = ${ratio.toFixed(2)} (median of per-pair ratios; target ≤ ${TARGET}) ${ratio <= TARGET ? 'PASS' : 'FAIL'}`,
        '',
      ].join('\n'),
    );
  } finally {
    await brokers.cleanup();
    await zk.stop();
  }
}

await main();
