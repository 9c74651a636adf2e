// A file of lines into a topic, whole-process wall time, against our broker (a `kafka-server-start` process
// registered in our ZooKeeper): `zkafka console-producer` against kcat -P and against a minimal kafkajs script
// doing the same (read stdin, send in chunks, await each chunk). Targets: ≥ 2× faster than kafkajs, at least as
// fast as kcat. Runs alternate so machine noise falls on every side; medians are compared.
// Each tool reads the file as its stdin (`tool < lines.txt`), and, for ours and kcat, through a pipe from cat
// (`cat lines.txt | tool`). A pipe from this Node process instead would measure the feeder: Node moves a file
// into a pipe at about 250 MB/s here, less than either tool reads.
// BENCH_LINES (default 1,000,000) lines of BENCH_LINE_BYTES (default 100) bytes; BENCH_RUNS (default 7) of ours and
// kcat, BENCH_KAFKAJS_RUNS (default 1: thirty seconds each, twenty times ours) of kafkajs. Ours against kcat is the
// median of per-round ratios: the two run back to back, so a slow spell of the machine falls on both.
import { spawn, spawnSync } from 'node:child_process';
import { closeSync, openSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { BrokerProcesses, ZKAFKA_BIN } from '../../test/support/kafka-broker-process.js';
import { startOurZooKeeper } from '../../test/support/our-zk.js';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const LINE_BYTES = Number(process.env.BENCH_LINE_BYTES ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 7);
const KAFKAJS_RUNS = Number(process.env.BENCH_KAFKAJS_RUNS ?? 1);
const KAFKAJS_DIR = fileURLToPath(new URL('../../../node_modules/kafkajs', import.meta.url));

// What a kafkajs user would write: lines in chunks of 5,000 per send (within the broker's max.message.bytes), 5 sends in flight.
const KAFKAJS_SCRIPT = `
const { Kafka, logLevel } = require(${JSON.stringify(KAFKAJS_DIR)});
const readline = require('readline');
(async () => {
  const producer = new Kafka({ brokers: [process.argv[1]], logLevel: logLevel.NOTHING }).producer();
  await producer.connect();
  let batch = [];
  const inflight = new Set();
  const flush = async () => {
    const p = producer.send({ topic: process.argv[2], acks: 1, messages: batch });
    batch = [];
    inflight.add(p);
    p.finally(() => inflight.delete(p));
    if (inflight.size >= 5) await Promise.race(inflight);
  };
  for await (const line of readline.createInterface({ input: process.stdin, crlfDelay: Infinity })) {
    batch.push({ value: line });
    if (batch.length === 5000) await flush();
  }
  if (batch.length > 0) await flush();
  await Promise.all(inflight);
  await producer.disconnect();
})().catch((e) => { console.error(e); process.exit(1); });
`;

type Stdin = 'file' | 'pipe';

function timeProcess(command: string, args: readonly string[], inputFile: string, stdin: Stdin): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const fd = stdin === 'file' ? openSync(inputFile, 'r') : undefined;
    const cat = stdin === 'pipe' ? spawn('cat', [inputFile], { stdio: ['ignore', 'pipe', 'inherit'] }) : undefined;
    const child = spawn(command, args, { stdio: [fd ?? cat!.stdout!, 'ignore', 'pipe'] });
    if (fd !== undefined) closeSync(fd);
    let stderr = '';
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => {
      cat?.kill();
      if (code === 0) resolve(performance.now() - t0);
      else reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`));
    });
  });
}

async function endOffset(bootstrap: string, topic: string): Promise<bigint> {
  const admin = new KafkaAdmin({ bootstrapServers: bootstrap });
  try {
    return (await admin.listOffsets([{ topic, partition: 0, spec: 'latest' }])).get(`${topic}-0`)!.offset;
  } finally {
    await admin.close();
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function main(): Promise<void> {
  const kcatPresent = spawnSync('kcat', ['-V']).status === 0;
  const zk = await startOurZooKeeper();
  const brokers = new BrokerProcesses();
  try {
    const dir = brokers.workDir('zkafka-bench-console-producer-');
    const broker = brokers.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'num.partitions=1', 'offsets.topic.replication.factor=1']);
    const bootstrap = `127.0.0.1:${(await broker.started).port}`;
    const input = join(dir, 'lines.txt');
    const data = Buffer.alloc(LINES * (LINE_BYTES + 1), 0x61);
    for (let i = 0; i < LINES; i++) {
      data.write(String(i).padStart(10, '0'), i * (LINE_BYTES + 1));
      data[i * (LINE_BYTES + 1) + LINE_BYTES] = 0x0a;
    }
    writeFileSync(input, data);
    const admin = new KafkaAdmin({ bootstrapServers: bootstrap });
    const topics: string[] = [];
    const topic = async (name: string) => {
      await admin.createTopics([{ name, numPartitions: 1, replicationFactor: 1 }]);
      topics.push(name);
      // Wait for the leader, so no side pays for topic creation.
      for (;;) {
        const [t] = await admin.describeTopics([name]).catch(() => [undefined]);
        if (t?.partitions[0]?.leader === 1) break;
        await new Promise((r) => setTimeout(r, 20));
      }
      return name;
    };
    const times: Record<string, number[]> = { zkafka: [], kcat: [], kafkajs: [], 'zkafka-pipe': [], 'kcat-pipe': [] };
    const ours = (t: string) => ['console-producer', '--bootstrap-server', bootstrap, '--topic', t];
    const kcat = (t: string) => ['-P', '-b', bootstrap, '-t', t];
    for (let run = 0; run < RUNS; run++) {
      times.zkafka!.push(await timeProcess(ZKAFKA_BIN, ours(await topic(`ours-${run}`)), input, 'file'));
      if (kcatPresent) times.kcat!.push(await timeProcess('kcat', kcat(await topic(`kcat-${run}`)), input, 'file'));
      if (run < KAFKAJS_RUNS) times.kafkajs!.push(await timeProcess(process.execPath, ['-e', KAFKAJS_SCRIPT, bootstrap, await topic(`kafkajs-${run}`)], input, 'file'));
      times['zkafka-pipe']!.push(await timeProcess(ZKAFKA_BIN, ours(await topic(`ours-pipe-${run}`)), input, 'pipe'));
      if (kcatPresent) times['kcat-pipe']!.push(await timeProcess('kcat', kcat(await topic(`kcat-pipe-${run}`)), input, 'pipe'));
    }
    for (const t of topics) {
      const end = await endOffset(bootstrap, t);
      if (end !== BigInt(LINES)) throw new Error(`${t} holds ${end} records, not ${LINES}`);
    }
    await admin.close();
    const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
    const row = (label: string, key: string) => `  ${label.padEnd(42)}${ms(median(times[key]!))}  (runs: ${times[key]!.map(ms).join(', ')})\n`;
    const verdict = (label: string, r: number, target: number, how: string) => `  ${label.padEnd(42)}${r.toFixed(2)}× (target ≥ ${target}×, ${how}) ${r >= target ? 'PASS' : 'FAIL'}\n`;
    const ratio = (label: string, num: string, den: string, target: number) => verdict(label, median(times[num]!) / median(times[den]!), target, 'medians');
    const pairedRatio = (label: string, num: string, den: string, target: number) =>
      verdict(label, median(times[num]!.map((t, i) => t / times[den]![i]!)), target, 'median of per-round ratios');
    let text = `${LINES.toLocaleString('en')} lines of ${LINE_BYTES} bytes, whole-process wall time, median of ${RUNS} (kafkajs: ${KAFKAJS_RUNS}; every record checked in the log):\n`;
    text += row('zkafka console-producer < lines.txt', 'zkafka');
    if (kcatPresent) text += row('kcat -P < lines.txt', 'kcat');
    text += row('kafkajs script < lines.txt', 'kafkajs');
    text += row('cat lines.txt | zkafka console-producer', 'zkafka-pipe');
    if (kcatPresent) text += row('cat lines.txt | kcat -P', 'kcat-pipe');
    text += ratio('kafkajs / zkafka', 'kafkajs', 'zkafka', 2);
    if (kcatPresent) {
      text += pairedRatio('kcat / zkafka', 'kcat', 'zkafka', 1);
      text += pairedRatio('kcat / zkafka, through cat', 'kcat-pipe', 'zkafka-pipe', 1);
    }
    process.stdout.write(text);
  } finally {
    await brokers.cleanup();
    await zk.stop();
  }
}

await main();
