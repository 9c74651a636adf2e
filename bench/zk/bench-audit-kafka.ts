// Write throughput of a ZooKeeper server process with its events published to Kafka (zkafka.kafka.*), against the
// same server without them: once with Kafka unreachable (a dead port: events are dropped) and once with a broker
// process up (events delivered). Rounds alternate the servers so that none gets only a cold or warm machine; the
// medians and their ratios to the server without the export are printed.
//   npm run build && node dist/bench/zk/bench-audit-kafka.js [--writes N] [--rounds N] [--quick]
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from '../../test/faults/server-process.js';
import { BrokerProcesses } from '../../test/support/kafka-broker-process.js';
import { freePort } from '../../test/support/ports.js';

function option(name: string, fallback: number): number {
  const i = process.argv.indexOf(`--${name}`);
  const n = i >= 0 ? Number(process.argv[i + 1]) : fallback;
  if (!Number.isSafeInteger(n) || n <= 0) throw new Error(`--${name} needs a positive integer`);
  return n;
}

const quick = process.argv.includes('--quick');
const writes = option('writes', quick ? 5_000 : 20_000);
const rounds = option('rounds', quick ? 1 : 3);
const OUTSTANDING = 200;

/** `writes` creates and setData calls with OPERATIONS outstanding; ops/s. */
async function writeLoad(port: number, prefix: string): Promise<number> {
  const client = await connectZooKeeper(`127.0.0.1:${port}`);
  try {
    await client.create(prefix, null);
    let next = 0;
    const t0 = performance.now();
    await Promise.all(Array.from({ length: OUTSTANDING }, async () => {
      while (next < writes) {
        const i = next++;
        if (i % 2 === 0) await client.create(`${prefix}/n${i}`, Buffer.from(`v${i}`));
        else await client.setData(prefix, Buffer.from(`v${i}`));
      }
    }));
    return (writes / (performance.now() - t0)) * 1000;
  } finally {
    await client.close();
  }
}

async function mntrValue(port: number, key: string): Promise<string> {
  const text = await sendFourLetterWord('127.0.0.1', port, 'mntr', 10_000);
  return new RegExp(`^${key}\\t(.*)$`, 'm').exec(text)?.[1] ?? '?';
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const dir = tempDir('zk-bench-audit-');
const brokers = new BrokerProcesses();
const servers: ServerProcess[] = [];
try {
  const registry = await startServerProcess(writeConfig(`${dir.path}`, { dataDir: `${dir.path}/registry`, clientPort: 0, clientPortAddress: '127.0.0.1' }));
  servers.push(registry);
  const broker = brokers.spawn(brokers.workDir(), ['broker.id=1', `zookeeper.connect=127.0.0.1:${registry.port}`, 'num.partitions=1', 'offsets.topic.replication.factor=1']);
  const bootstrap = `127.0.0.1:${(await broker.started).port}`;
  const dead = await freePort();
  const variants: { name: string; extra: Record<string, string | number> }[] = [
    { name: 'export off', extra: {} },
    { name: 'export on, Kafka down', extra: { 'zkafka.kafka.bootstrap.servers': `127.0.0.1:${dead}`, 'zkafka.metrics.intervalMs': 1000 } },
    { name: 'export on, Kafka up', extra: { 'zkafka.kafka.bootstrap.servers': bootstrap, 'zkafka.metrics.intervalMs': 1000 } },
  ];
  const started = [];
  for (const [i, v] of variants.entries()) {
    const sub = `${dir.path}/zk${i}`;
    const { mkdirSync } = await import('node:fs');
    mkdirSync(sub, { recursive: true });
    const server = await startServerProcess(writeConfig(sub, { dataDir: `${sub}/data`, clientPort: 0, clientPortAddress: '127.0.0.1', '4lw.commands.whitelist': '*', ...v.extra }));
    servers.push(server);
    started.push({ ...v, server, opsPerSec: [] as number[] });
  }
  process.stdout.write(`${writes} writes (creates and setData, ${OUTSTANDING} outstanding) per run, ${rounds} round(s)\n`);
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? started : [...started].reverse();
    for (const s of order) s.opsPerSec.push(await writeLoad(s.server.port, `/r${round}`));
  }
  const base = median(started[0]!.opsPerSec);
  for (const s of started) {
    const m = median(s.opsPerSec);
    const extra = s === started[0] ? '' : `, sent ${await mntrValue(s.server.port, 'zk_zkafka_kafka_records_sent')}, dropped ${await mntrValue(s.server.port, 'zk_zkafka_kafka_events_dropped')}`;
    process.stdout.write(`${s.name.padEnd(24)} ${Math.round(m).toString().padStart(7)} writes/s  ratio ${(m / base).toFixed(2)}${extra}\n`);
  }
} finally {
  await Promise.all(servers.map((s) => s.stop()));
  await brokers.cleanup();
  dir.remove();
}
