// npm run bench — every benchmark in turn, each in its own process; options after `--` go to each of them.
import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCHMARKS = [
  { name: 'zookeeper', script: './zk/bench-zk.js' },
  { name: 'zkcli one-shot', script: './zk/bench-zkcli.js' },
  { name: 'zookeeper client', script: './zk/bench-client.js' },
  { name: 'zookeeper recovery of a large log', script: './zk/bench-recovery.js' },
  { name: 'zookeeper writes with events published to Kafka', script: './zk/bench-audit-kafka.js' },
  { name: 'kafka broker: produce, consume, end-to-end latency, start-up and idle memory', script: './kafka/bench-kafka.js' },
  { name: 'kafka log storage', script: './kafka/bench-log.js' },
  { name: 'kafka protocol codec', script: './kafka/codec-bench.js' },
  { name: 'kafka record batches, crc32c and compression', script: './kafka/records-bench.js' },
  { name: 'kafka console-producer against kcat and kafkajs', script: './kafka/bench-console-producer.js' },
  { name: 'console-consumer against kafkajs and kcat', script: './kafka/bench-console-consumer.js' },
  { name: 'kafka client produce path against the broker ingest ceiling; producer perf test beside the 2014 anchor', script: './kafka/bench-client-produce.js' },
  { name: 'kafka-topics --list one-shot against a bare Node client', script: './kafka/bench-topics-oneshot.js' },
];

let failed = 0;
for (const b of BENCHMARKS) {
  process.stdout.write(`\n=== ${b.name} ===\n`);
  const r = spawnSync(process.execPath, [fileURLToPath(new URL(b.script, import.meta.url)), ...process.argv.slice(2)], { stdio: 'inherit' });
  if (r.status !== 0) {
    failed++;
    process.stderr.write(`${b.name}: exited with ${r.status ?? r.signal}\n`);
  }
}
process.exit(failed > 0 ? 1 : 0);
