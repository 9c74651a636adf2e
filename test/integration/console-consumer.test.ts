// `zkafka console-consumer` as a process against a broker of ours: Kafka 2.8's output for every print.* property
// and separator, --max-messages, --partition/--offset, --from-beginning, the Processed line, --timeout-ms, a closed
// stdout (`| head`), commits of exactly what was printed, a clean leave on SIGINT, and records written by kafkajs
// and by kcat printed the same.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { KafkaAdmin, KafkaProducer } from '../../src/kafka/client/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';
import { waitFor } from '../support/kafka-broker-process.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { runToolBytes, runToolPipeline, startTool } from '../support/run-tool.js';

let kafka: OurKafka;
let admin: KafkaAdmin;
let producer: KafkaProducer;
const T0 = 1_700_000_000_000;

before(async () => {
  kafka = await startOurKafka(31, ['num.partitions=1']);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, lingerMs: 1 });
  await admin.createTopics([
    { name: 'fmt', numPartitions: 1, replicationFactor: 1 },
    { name: 'parts', numPartitions: 2, replicationFactor: 1 },
    { name: 'big', numPartitions: 1, replicationFactor: 1 },
    { name: 'commits', numPartitions: 1, replicationFactor: 1 },
    { name: 'from-js', numPartitions: 1, replicationFactor: 1 },
    { name: 'from-kcat', numPartitions: 1, replicationFactor: 1 },
  ]);
  await producer.send({ topic: 'fmt', partition: 0, key: 'k1', value: 'v1', headers: [{ key: 'h1', value: 'x' }, { key: 'h2', value: null }], timestamp: T0 });
  await producer.send({ topic: 'fmt', partition: 0, key: null, value: 'v2', timestamp: T0 + 1 });
  await producer.send({ topic: 'fmt', partition: 0, key: 'k3', value: null, headers: { h: 'y' }, timestamp: T0 + 2 });
  for (let i = 0; i < 6; i++) await producer.send({ topic: 'parts', partition: i % 2, value: `p${i % 2}-${Math.floor(i / 2)}` });
  for (let i = 0; i < 5; i++) await producer.send({ topic: 'commits', partition: 0, value: `c${i}` });
  await Promise.all(Array.from({ length: 20_000 }, (_, i) => producer.send({ topic: 'big', partition: 0, value: `line-${i}` })));
});

after(async () => {
  await producer?.close();
  await admin?.close();
  await kafka?.stop();
});

const cc = (...args: string[]) => ['console-consumer', '--bootstrap-server', kafka.bootstrap, ...args];
const fmt = (...props: string[]) => cc('--topic', 'fmt', '--from-beginning', '--max-messages', '3', ...props.flatMap((p) => ['--property', p]));

describe('formatter output', () => {
  test('the value alone by default, null.literal for a null value', async () => {
    const r = await runToolBytes(fmt());
    assert.equal(r.code, 0);
    assert.equal(r.stdout.toString(), 'v1\nv2\nnull\n');
    assert.equal(r.stderr, 'Processed a total of 3 messages\n');
  });

  test('every column, in Kafka order, tab-separated', async () => {
    const r = await runToolBytes(fmt('print.timestamp=true', 'print.partition=true', 'print.offset=true', 'print.headers=true', 'print.key=true'));
    assert.equal(
      r.stdout.toString(),
      `CreateTime:${T0}\tPartition:0\tOffset:0\th1:x,h2:null\tk1\tv1\n` +
        `CreateTime:${T0 + 1}\tPartition:0\tOffset:1\tNO_HEADERS\tnull\tv2\n` +
        `CreateTime:${T0 + 2}\tPartition:0\tOffset:2\th:y\tk3\tnull\n`,
    );
  });

  test('separators and the null literal as given; print.value=false ends the line after the last column', async () => {
    const r = await runToolBytes(fmt('print.key=true', 'print.headers=true', 'print.value=false', 'key.separator= | ', 'line.separator=#', 'headers.separator=;', 'null.literal=NIL'));
    assert.equal(r.stdout.toString(), 'h1:x;h2:NIL | k1#NO_HEADERS | NIL#h:y | k3#');
  });

  test('print.offset and print.partition alone', async () => {
    assert.equal((await runToolBytes(fmt('print.offset=true'))).stdout.toString(), 'Offset:0\tv1\nOffset:1\tv2\nOffset:2\tnull\n');
    assert.equal((await runToolBytes(fmt('print.partition=true', 'print.value=false'))).stdout.toString(), 'Partition:0\nPartition:0\nPartition:0\n');
  });
});

describe('where consumption starts and ends', () => {
  test('--partition with --offset N, earliest and latest', async () => {
    const r = await runToolBytes(cc('--topic', 'parts', '--partition', '1', '--offset', '1', '--max-messages', '2'));
    assert.equal(r.stdout.toString(), 'p1-1\np1-2\n');
    assert.equal(r.stderr, 'Processed a total of 2 messages\n');
    assert.equal((await runToolBytes(cc('--topic', 'parts', '--partition', '0', '--offset', 'earliest', '--max-messages', '3'))).stdout.toString(), 'p0-0\np0-1\np0-2\n');
    const latest = await runToolBytes(cc('--topic', 'parts', '--partition', '0', '--offset', 'latest', '--timeout-ms', '1000'));
    assert.equal(latest.code, 0);
    assert.equal(latest.stdout.length, 0);
    assert.match(latest.stderr, /^\[[\d-]+ [\d:,]+\] ERROR Error processing message, terminating consumer process: {2}\(kafka\.tools\.ConsoleConsumer\$\)\norg\.apache\.kafka\.common\.errors\.TimeoutException\nProcessed a total of 0 messages\n$/);
  });

  test('--from-beginning reads both partitions of a topic in a group; without it nothing old is read', async () => {
    const r = await runToolBytes(cc('--topic', 'parts', '--from-beginning', '--max-messages', '6'));
    assert.deepEqual(r.stdout.toString().trim().split('\n').sort(), ['p0-0', 'p0-1', 'p0-2', 'p1-0', 'p1-1', 'p1-2']);
    const none = await runToolBytes(cc('--topic', 'parts', '--timeout-ms', '1500'));
    assert.equal(none.stdout.length, 0);
    assert.match(none.stderr, /Processed a total of 0 messages\n$/);
  });

  test('a group commits exactly the printed records: the next run resumes after them', async () => {
    const first = await runToolBytes(cc('--topic', 'commits', '--group', 'cc-resume', '--from-beginning', '--max-messages', '2'));
    assert.equal(first.stdout.toString(), 'c0\nc1\n');
    const offsets = await admin.listConsumerGroupOffsets('cc-resume');
    assert.deepEqual(offsets.map((o) => [o.topic, o.partition, o.offset]), [['commits', 0, 2n]]);
    const second = await runToolBytes(cc('--topic', 'commits', '--group', 'cc-resume', '--max-messages', '3'));
    assert.equal(second.stdout.toString(), 'c2\nc3\nc4\n');
  });

  test('SIGINT commits and leaves the group, exit 0', async () => {
    const run = startTool(cc('--topic', 'commits', '--group', 'cc-sigint', '--from-beginning'));
    await waitFor('five records printed', () => run.stdout() === 'c0\nc1\nc2\nc3\nc4\n');
    run.child.kill('SIGINT');
    const r = await run.done;
    assert.equal(r.code, 0);
    assert.equal(r.stderr, 'Processed a total of 5 messages\n');
    const [g] = await admin.describeGroups(['cc-sigint']);
    assert.equal(g!.state, 'Empty');
    assert.deepEqual((await admin.listConsumerGroupOffsets('cc-sigint')).map((o) => o.offset), [5n]);
  });

  test('a closed stdout (| head) ends the tool without an error', async () => {
    const r = await runToolPipeline(cc('--topic', 'big', '--from-beginning'), '| head -n 2');
    assert.equal(r.stdout, 'line-0\nline-1\n');
    assert.equal(r.toolStatus, 0);
    assert.match(r.stderr, /Processed a total of \d+ messages\n$/);
    assert.doesNotMatch(r.stderr, /EPIPE|Error:/);
  });

  test('20,000 records to the end, in order', async () => {
    const r = await runToolBytes(cc('--topic', 'big', '--from-beginning', '--max-messages', '20000'));
    assert.equal(r.stdout.toString(), Array.from({ length: 20_000 }, (_, i) => `line-${i}\n`).join(''));
    assert.equal(r.stderr, 'Processed a total of 20000 messages\n');
  });
});

describe('command-line errors as Kafka reports them', () => {
  test('usage and exit 1', async () => {
    const none = await runToolBytes(['console-consumer']);
    assert.equal(none.code, 1);
    assert.match(none.stderr, /^This tool helps to read data from Kafka topics and outputs it to standard output\.\nOption +Description +\n------ +----------- +\n/);
    const both = await runToolBytes(cc('--topic', 'a', '--whitelist', 'b'));
    assert.equal(both.code, 1);
    assert.match(both.stderr, /^Exactly one of whitelist\/topic is required\.\n/);
    const group = await runToolBytes(cc('--topic', 'a', '--partition', '0', '--group', 'g'));
    assert.match(group.stderr, /^Options group and partition cannot be specified together\.\n/);
    const offset = await runToolBytes(cc('--topic', 'a', '--partition', '0', '--offset', '-5'));
    assert.match(offset.stderr, /^The provided offset value '-5' is incorrect\. Valid values are 'earliest', 'latest', or a non-negative long\.\n/);
    const unknown = await runToolBytes(cc('--topic', 'a', '--nope'));
    assert.match(unknown.stderr, /^nope is not a recognized option\n/);
  });
});

describe('records from other producers', () => {
  const expected = 'Partition:0\th1:a,h2:b\tkey-0\tvalue-0\nPartition:0\th1:a,h2:b\tkey-1\tvalue-1\nPartition:0\th1:a,h2:b\tkey-2\tvalue-2\n';
  const read = (topic: string) => runToolBytes(cc('--topic', topic, '--from-beginning', '--max-messages', '3', '--property', 'print.key=true', '--property', 'print.headers=true', '--property', 'print.partition=true'));

  test('kafkajs', async () => {
    const js = new Kafka({ clientId: 'js', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING });
    const p = js.producer();
    await p.connect();
    await p.send({ topic: 'from-js', messages: [0, 1, 2].map((i) => ({ key: `key-${i}`, value: `value-${i}`, partition: 0, headers: { h1: 'a', h2: 'b' } })) });
    await p.disconnect();
    assert.equal((await read('from-js')).stdout.toString(), expected);
  });

  test('kcat', { skip: kcatAvailable ? false : 'kcat is not installed' }, async () => {
    const r = await kcat(['-P', '-b', kafka.bootstrap, '-t', 'from-kcat', '-p', '0', '-K', ':', '-H', 'h1=a', '-H', 'h2=b'], 'key-0:value-0\nkey-1:value-1\nkey-2:value-2\n');
    assert.equal(r.code, 0, r.stderr);
    assert.equal((await read('from-kcat')).stdout.toString(), expected);
  });
});

describe('kafka-consumer-perf-test', () => {
  test("Kafka's header and summary line", async () => {
    const r = await runToolBytes(['kafka-consumer-perf-test', '--bootstrap-server', kafka.bootstrap, '--topic', 'big', '--messages', '20000']);
    assert.equal(r.code, 0, r.stderr);
    const [head, line, ...rest] = r.stdout.toString().split('\n');
    assert.equal(head, 'start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec');
    const mb = (Array.from({ length: 20_000 }, (_, i) => `line-${i}`.length).reduce((a, b) => a + b, 0) / (1024 * 1024)).toFixed(4);
    const date = '\\d{4}-\\d\\d-\\d\\d \\d\\d:\\d\\d:\\d\\d:\\d{3}';
    assert.match(line!, new RegExp(`^${date}, ${date}, ${mb.replace('.', '\\.')}, \\d+\\.\\d{4}, 20000, \\d+\\.\\d{4}, \\d+, \\d+, \\d+\\.\\d{4}, \\d+\\.\\d{4}$`));
    assert.deepEqual(rest, ['']);
    const hidden = await runToolBytes(['kafka-consumer-perf-test', '--bootstrap-server', kafka.bootstrap, '--topic', 'big', '--messages', '10', '--hide-header']);
    assert.equal(hidden.stdout.toString().split('\n').length, 2);
  });
});
