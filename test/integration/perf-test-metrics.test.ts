// kafka-producer-perf-test and kafka-consumer-perf-test with --print-metrics, as processes against a broker process
// of ours: ToolsUtils.printMetrics' table after the totals, the metric names Kafka gives them, sorted and padded as
// Kafka prints them, and the values that do not depend on timing checked exactly (records sent and consumed, the
// batch bytes consumed against the partition's log file, no compression's ratio of 1).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { BrokerProcesses } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool } from '../support/run-tool.js';

let zk: OurZk;
const processes = new BrokerProcesses();
let dir: string;
let bootstrap: string;

const PRODUCER_METRICS = [
  'batch-size-avg', 'batch-size-max', 'compression-rate-avg', 'record-error-rate', 'record-error-total', 'record-retry-rate', 'record-retry-total',
  'record-send-rate', 'record-send-total', 'records-per-request-avg', 'request-latency-avg', 'request-latency-max',
];
const CONSUMER_METRICS = [
  'bytes-consumed-rate', 'bytes-consumed-total', 'fetch-latency-avg', 'fetch-latency-max', 'fetch-rate', 'fetch-size-avg', 'fetch-size-max', 'fetch-total',
  'records-consumed-rate', 'records-consumed-total', 'records-per-request-avg',
];

/** The printed table as name → value, after checking its layout line by line. */
function metricsTable(text: string, group: string, clientId: string, names: readonly string[]): Map<string, string> {
  const full = names.map((n) => `${group}:${n}:{client-id=${clientId}}`).sort();
  const width = Math.max(...full.map((n) => n.length));
  const lines = text.split('\n');
  assert.equal(lines[0], '');
  assert.equal(lines[1], `${'Metric Name'.padEnd(width)}   Value`);
  assert.equal(lines.at(-1), '');
  const rows = lines.slice(2, -1);
  assert.deepEqual(rows.map((l) => l.slice(0, width + 3)), full.map((n) => `${n.padEnd(width)} : `));
  const values = new Map(rows.map((l, i) => [names.find((n) => full[i] === `${group}:${n}:{client-id=${clientId}}`)!, l.slice(width + 3)]));
  for (const [name, value] of values) assert.match(value, /^(\d+\.\d{3}|NaN)$/, name);
  return values;
}

before(async () => {
  zk = await startOurZooKeeper();
  dir = processes.workDir();
  const broker = processes.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'group.initial.rebalance.delay.ms=0']);
  bootstrap = `127.0.0.1:${(await broker.started).port}`;
  for (const topic of ['metrics', 'zipped']) {
    const created = await runTool('kafka-topics', ['--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1']);
    assert.equal(created.code, 0, created.stderr);
  }
});

after(async () => {
  await processes.cleanup();
  await zk?.stop();
});

test('kafka-producer-perf-test --print-metrics prints the totals, then the producer metrics table', async () => {
  const run = await runTool('kafka-producer-perf-test', ['--topic', 'metrics', '--num-records', '1000', '--record-size', '100', '--throughput', '-1', '--print-metrics', '--producer-props', `bootstrap.servers=${bootstrap}`, 'acks=1']);
  assert.equal(run.code, 0, run.stderr);
  const at = run.stdout.indexOf(' ms 99.9th.\n') + ' ms 99.9th.\n'.length;
  assert.match(run.stdout.slice(0, at), /^1000 records sent, .* ms 99\.9th\.\n$/m);
  const values = metricsTable(run.stdout.slice(at), 'producer-metrics', 'producer-1', PRODUCER_METRICS);
  assert.equal(values.get('record-send-total'), '1000.000');
  assert.equal(values.get('record-error-total'), '0.000');
  assert.equal(values.get('record-retry-total'), '0.000');
  assert.equal(values.get('compression-rate-avg'), '1.000');
  assert.ok(Number(values.get('batch-size-max')) >= 100, values.get('batch-size-max'));
  assert.ok(Number(values.get('record-send-rate')) > 0);

  const zipped = await runTool('kafka-producer-perf-test', ['--topic', 'zipped', '--num-records', '200', '--record-size', '1000', '--throughput', '-1', '--print-metrics', '--producer-props', `bootstrap.servers=${bootstrap}`, 'compression.type=gzip', 'client.id=zipper']);
  assert.equal(zipped.code, 0, zipped.stderr);
  const z = metricsTable(zipped.stdout.slice(zipped.stdout.indexOf(' ms 99.9th.\n') + 12), 'producer-metrics', 'zipper', PRODUCER_METRICS);
  assert.ok(Number(z.get('compression-rate-avg')) < 0.9, `random capitals compress: ${z.get('compression-rate-avg')}`);
});

test('kafka-consumer-perf-test --print-metrics prints the summary, then the fetch metrics table', async () => {
  const run = await runTool('kafka-consumer-perf-test', ['--bootstrap-server', bootstrap, '--topic', 'metrics', '--messages', '1000', '--print-metrics', '--timeout', '60000']);
  assert.equal(run.code, 0, run.stderr);
  const lines = run.stdout.split('\n');
  assert.match(lines[0]!, /^start\.time, end\.time, data\.consumed\.in\.MB/);
  assert.match(lines[1]!, /^\d{4}-\d\d-\d\d \d\d:\d\d:\d\d:\d{3}, .*, 0\.0954, .*, 1000, /);
  const values = metricsTable(lines.slice(2).join('\n'), 'consumer-fetch-manager-metrics', 'perf-consumer-client', CONSUMER_METRICS);
  assert.equal(values.get('records-consumed-total'), '1000.000');
  // Every batch of the partition was fetched whole: the log file's bytes.
  const logBytes = statSync(join(dir, 'kafka-logs', 'metrics-0', '00000000000000000000.log')).size;
  assert.equal(values.get('bytes-consumed-total'), `${logBytes}.000`);
  assert.ok(Number(values.get('fetch-total')) >= 1);
});
