// console-consumer throughput: N records of 100 bytes (default 1,000,000) read from the beginning of a topic and
// written to /dev/null by `zkafka console-consumer` (bin/zkafka, a group of its own), by a kafkajs group consumer
// writing per batch, and by kcat (librdkafka, assign mode). Whole processes, alternating, median wall time of each
// and the ratios of wall times ours/kafkajs (target ≤ 0.5: twice as fast) and ours/kcat (target ≤ 1: as fast). The
// broker runs in this process.
import { spawn, spawnSync } from 'node:child_process';
import { openSync, writeFileSync, closeSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { ZKAFKA_BIN } from '../../test/support/kafka-broker-process.js';
import { startOurKafka } from '../../test/support/our-kafka.js';

const RUNS = Number(process.env.BENCH_RUNS ?? 3);
const COUNT = Number(process.env.BENCH_RECORDS ?? 1_000_000);
const KAFKAJS = fileURLToPath(new URL('./kafkajs-consume.js', import.meta.url));
/** Another build's bin/zkafka (or bin/run.js, run by node) to time against ours in the same run (A/B), as side "base". */
const BASE_RUN_JS = process.env.BENCH_BASE_RUN_JS;
const hasKcat = spawnSync('kcat', ['-V']).status === 0;

function timed(cmd: string, args: string[]): Promise<number> {
  return new Promise((resolve, reject) => {
    const devNull = openSync('/dev/null', 'w');
    const t0 = performance.now();
    const child = spawn(cmd, args, { stdio: ['ignore', devNull, 'pipe'] });
    let err = '';
    child.stderr!.on('data', (d: Buffer) => (err += d));
    child.on('close', (code) => {
      closeSync(devNull);
      if (code !== 0) reject(new Error(`${cmd} ${args.join(' ')} exited ${code}: ${err}`));
      else resolve(performance.now() - t0);
    });
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

const kafka = await startOurKafka(1, ['num.partitions=1']);
const dir = mkdtempSync(join(tmpdir(), 'zkafka-bench-cc-'));
try {
  const admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap });
  await admin.createTopics([{ name: 'bench', numPartitions: 1, replicationFactor: 1 }]);
  await admin.close();
  const file = join(dir, 'records.txt');
  writeFileSync(file, `${'x'.repeat(99)}\n`.repeat(COUNT));
  if (!hasKcat) throw new Error('kcat is needed to load the topic and as the reference');
  await timed('kcat', ['-P', '-b', kafka.bootstrap, '-t', 'bench', '-p', '0', '-z', 'none', '-X', 'linger.ms=50', '-X', 'batch.num.messages=10000', '-l', file]);
  const args = ['console-consumer', '--bootstrap-server', kafka.bootstrap, '--topic', 'bench', '--from-beginning', '--max-messages', String(COUNT)];
  const consumer = (bin: string) => () => (bin.endsWith('.js') ? timed(process.execPath, [bin, ...args]) : timed(bin, args));
  const sides: Record<string, () => Promise<number>> = {
    ...(BASE_RUN_JS ? { base: consumer(BASE_RUN_JS) } : {}),
    ours: consumer(ZKAFKA_BIN),
    kafkajs: () => timed(process.execPath, [KAFKAJS, kafka.bootstrap, 'bench', String(COUNT)]),
    kcat: () => timed('kcat', ['-C', '-b', kafka.bootstrap, '-t', 'bench', '-o', 'beginning', '-e', '-q', '-c', String(COUNT)]),
  };
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(sides).map((k) => [k, []]));
  for (let run = 0; run < RUNS; run++) for (const [name, go] of Object.entries(sides)) times[name]!.push(await go());
  const m = Object.fromEntries(Object.entries(times).map(([k, v]) => [k, median(v)]));
  console.log(`${COUNT} records of 100 bytes to /dev/null, median of ${RUNS} (ms): ours ${m.ours!.toFixed(0)}, kafkajs ${m.kafkajs!.toFixed(0)}, kcat ${m.kcat!.toFixed(0)}`);
  if (m.base !== undefined) console.log(`base ${m.base.toFixed(0)} ms, ours/base ${(m.ours! / m.base).toFixed(2)}, base/kcat ${(m.base / m.kcat!).toFixed(2)}`);
  const verdict = (ratio: number, target: number) => `${ratio.toFixed(2)} (target ≤ ${target.toFixed(2)}) ${ratio <= target ? 'PASS' : 'FAIL'}`;
  console.log(`ours/kafkajs ${verdict(m.ours! / m.kafkajs!, 0.5)}, ours/kcat ${verdict(m.ours! / m.kcat!, 1)}`);
} finally {
  await kafka.stop();
  rmSync(dir, { recursive: true, force: true });
}
