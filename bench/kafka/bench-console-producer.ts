// Piping a file of lines into a topic, whole-process wall time, against our broker (a `kafka-server-start` process
// registered in our ZooKeeper): `zkafka console-producer` against kcat -P and against a minimal kafkajs script
// doing the same (read stdin, send in chunks, await each chunk). Targets: ≥ 2× faster than kafkajs, at least as
// fast as kcat. Runs alternate so machine noise falls on every side; medians are compared.
// BENCH_LINES (default 1,000,000) lines of BENCH_LINE_BYTES (default 100) bytes; BENCH_RUNS (default 3).
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { BrokerProcesses, RUN_JS } from '../../test/support/kafka-broker-process.js';
import { startOurZooKeeper } from '../../test/support/our-zk.js';

const LINES = Number(process.env.BENCH_LINES ?? 1_000_000);
const LINE_BYTES = Number(process.env.BENCH_LINE_BYTES ?? 100);
const RUNS = Number(process.env.BENCH_RUNS ?? 3);
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

function timeProcess(command: string, args: readonly string[], inputFile: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(command, args, { stdio: ['pipe', 'ignore', 'pipe'] });
    let stderr = '';
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.stdin.on('error', () => {}); // a child that fails early closes its stdin: its exit code tells
    createReadStream(inputFile).pipe(child.stdin);
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(performance.now() - t0) : reject(new Error(`${command} ${args.join(' ')} exited ${code}: ${stderr}`))));
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
    const times: Record<string, number[]> = { zkafka: [], kcat: [], kafkajs: [] };
    for (let run = 0; run < RUNS; run++) {
      const ours = await topic(`ours-${run}`);
      times.zkafka!.push(await timeProcess(process.execPath, [RUN_JS, 'console-producer', '--bootstrap-server', bootstrap, '--topic', ours], input));
      if (kcatPresent) {
        const theirs = await topic(`kcat-${run}`);
        times.kcat!.push(await timeProcess('kcat', ['-P', '-b', bootstrap, '-t', theirs], input));
      }
      const js = await topic(`kafkajs-${run}`);
      times.kafkajs!.push(await timeProcess(process.execPath, ['-e', KAFKAJS_SCRIPT, bootstrap, js], input));
    }
    for (const t of topics) {
      const end = await endOffset(bootstrap, t);
      if (end !== BigInt(LINES)) throw new Error(`${t} holds ${end} records, not ${LINES}`);
    }
    await admin.close();
    const ms = (x: number) => `${(x / 1000).toFixed(2)} s`;
    const zk0 = median(times.zkafka!);
    let text = `${LINES.toLocaleString('en')} lines of ${LINE_BYTES} bytes piped in, whole-process wall time, median of ${RUNS} (every record checked in the log):\n`;
    text += `  zkafka console-producer  ${ms(zk0)}  (runs: ${times.zkafka!.map(ms).join(', ')})\n`;
    if (kcatPresent) text += `  kcat -P                  ${ms(median(times.kcat!))}  (runs: ${times.kcat!.map(ms).join(', ')})\n`;
    text += `  kafkajs script           ${ms(median(times.kafkajs!))}  (runs: ${times.kafkajs!.map(ms).join(', ')})\n`;
    const vsJs = median(times.kafkajs!) / zk0;
    text += `  kafkajs / zkafka = ${vsJs.toFixed(2)}× (target ≥ 2×) ${vsJs >= 2 ? 'PASS' : 'FAIL'}\n`;
    if (kcatPresent) {
      const vsKcat = median(times.kcat!) / zk0;
      text += `  kcat / zkafka    = ${vsKcat.toFixed(2)}× (target ≥ 1×) ${vsKcat >= 1 ? 'PASS' : 'FAIL'}\n`;
    }
    process.stdout.write(text);
  } finally {
    await brokers.cleanup();
    await zk.stop();
  }
}

await main();
