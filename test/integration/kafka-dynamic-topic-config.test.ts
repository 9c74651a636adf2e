// Topic configs changed while a topic's logs are open reach them, as on a Kafka 2.8 broker: kafka-configs through the
// broker (IncrementalAlterConfigs), kafkajs (AlterConfigs), and kafka-configs through ZooKeeper (/config/topics/<t> plus a /config/changes notification) against a
// broker process; the next roll uses the new segment.bytes, the next retention pass the new retention.ms /
// retention.bytes, the next append the new max.message.bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { BrokerProcesses, waitFor } from '../support/kafka-broker-process.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool, type ToolRun } from '../support/run-tool.js';
import kafkajs from 'kafkajs';

const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;

let zk: OurZk;
const processes = new BrokerProcesses();
let bootstrap: string;
let logDir: string;
let client: RawKafkaClient;

const VALUE = 'v'.repeat(300);
/** One record of VALUE per batch: every batch has the same size, so segment sizes count batches. */
const batchOf = (value = VALUE) => buildRecordBatchSync([{ value }], { now: Date.now() });
const BATCH_BYTES = batchOf().length;

before(async () => {
  zk = await startOurZooKeeper();
  const dir = processes.workDir();
  logDir = join(dir, 'kafka-logs');
  const broker = processes.spawn(dir, [
    'broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'log.retention.check.interval.ms=500',
  ]);
  bootstrap = `127.0.0.1:${(await broker.started).port}`;
  client = await RawKafkaClient.connect((await broker.started).port);
});

after(async () => {
  client?.close();
  await processes.cleanup();
  await zk?.stop();
});

async function createTopic(topic: string, ...config: string[]): Promise<void> {
  const args = ['--bootstrap-server', bootstrap, '--create', '--topic', topic, '--partitions', '1', '--replication-factor', '1'];
  for (const c of config) args.push('--config', c);
  const created = await runTool('kafka-topics', args);
  assert.equal(created.stdout, `Created topic ${topic}.\n`, created.stderr);
  // The partition is led once a produce to it succeeds.
  await waitFor(`a leader for ${topic}`, async () => (await produce(topic)).errorCode === ErrorCode.NONE, 60_000);
}

async function produce(topic: string, records = batchOf()) {
  const res = await client.request(ApiKey.Produce, 7, {
    transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
  }, 60_000);
  return res.responses[0]!.partitionResponses[0]!;
}

async function produceOk(topic: string, count: number): Promise<void> {
  for (let i = 0; i < count; i++) assert.equal((await produce(topic)).errorCode, ErrorCode.NONE);
}

/** Sizes of the partition's segment files (not those renamed .deleted), oldest first. */
function segmentSizes(topic: string): number[] {
  const dir = join(logDir, `${topic}-0`);
  return readdirSync(dir).filter((f) => f.endsWith('.log')).sort().map((f) => statSync(join(dir, f)).size);
}

async function earliestAndLatest(topic: string): Promise<[bigint, bigint]> {
  const offsets: bigint[] = [];
  for (const timestamp of [-2n, -1n]) {
    const res = await client.request(ApiKey.ListOffsets, 2, {
      replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
    });
    offsets.push(res.topics[0]!.partitions[0]!.offset!);
  }
  return [offsets[0]!, offsets[1]!];
}

const viaBroker = (topic: string, config: string) =>
  runTool('kafka-configs', ['--bootstrap-server', bootstrap, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', config]);
const viaZooKeeper = (topic: string, config: string) =>
  runTool('kafka-configs', ['--zookeeper', zk.connectString, '--entity-type', 'topics', '--entity-name', topic, '--alter', '--add-config', config]);

/**
 * Lowers segment.bytes on a topic holding three batches in its only segment, then produces until the broker has
 * taken the change (the segment rolls): from then on every segment holds two batches, the most that fit 1000 bytes.
 */
async function checkRollAtNewSize(topic: string, alter: (topic: string, config: string) => Promise<ToolRun>): Promise<void> {
  await createTopic(topic);
  await produceOk(topic, 2);
  assert.deepEqual(segmentSizes(topic), [3 * BATCH_BYTES]);
  const altered = await alter(topic, 'segment.bytes=1000');
  assert.equal(altered.code, 0, altered.stderr);
  // The batch that finds the change applied is the first of the new segment.
  let produced = 0;
  await waitFor(`a roll of ${topic} at the new segment.bytes`, async () => {
    await produceOk(topic, 1);
    produced++;
    return segmentSizes(topic).length > 1;
  }, 60_000);
  await produceOk(topic, 4);
  const sizes = segmentSizes(topic);
  assert.equal(sizes[0], (3 + produced - 1) * BATCH_BYTES);
  assert.deepEqual(sizes.slice(1), [2 * BATCH_BYTES, 2 * BATCH_BYTES, BATCH_BYTES]);
}

test('segment.bytes changed through the broker: the open log rolls at the new size', async () => {
  assert.ok(2 * BATCH_BYTES <= 1000 && 3 * BATCH_BYTES > 1000);
  await checkRollAtNewSize('roll-admin', viaBroker);
});

test('segment.bytes changed through ZooKeeper (kafka-configs --zookeeper): the notification reaches the open log', async () => {
  await checkRollAtNewSize('roll-zk', viaZooKeeper);
});

test('segment.bytes changed by kafkajs (AlterConfigs, which replaces the overrides): the open log rolls at the new size', async () => {
  const admin = new Kafka({ clientId: 'dynamic-config', brokers: [bootstrap], logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await checkRollAtNewSize('roll-kafkajs', async (topic, config) => {
      const [name, value] = config.split('=') as [string, string];
      await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: topic, configEntries: [{ name, value }] }] });
      return { code: 0, stdout: '', stderr: '' };
    });
  } finally {
    await admin.disconnect();
  }
});

test('retention.ms changed through the broker: the next retention pass deletes the old segments', async () => {
  await createTopic('retain-ms', 'segment.bytes=1000');
  await produceOk('retain-ms', 6);
  assert.deepEqual(segmentSizes('retain-ms'), [2 * BATCH_BYTES, 2 * BATCH_BYTES, 2 * BATCH_BYTES, BATCH_BYTES]);
  const altered = await viaBroker('retain-ms', 'retention.ms=1');
  assert.equal(altered.code, 0, altered.stderr);
  // Every record is older than 1 ms: all of it goes, the log rolling first so an empty segment remains.
  await waitFor('retention by time', () => segmentSizes('retain-ms').length === 1 && segmentSizes('retain-ms')[0] === 0, 90_000);
  assert.deepEqual(await earliestAndLatest('retain-ms'), [7n, 7n]);
});

test('retention.bytes changed through ZooKeeper: the oldest segments beyond it are deleted', async () => {
  await createTopic('retain-bytes', 'segment.bytes=1000');
  await produceOk('retain-bytes', 6);
  assert.equal(segmentSizes('retain-bytes').length, 4);
  const altered = await viaZooKeeper('retain-bytes', 'retention.bytes=1000');
  assert.equal(altered.code, 0, altered.stderr);
  // 7 batches in segments of 2,2,2,1: dropping the oldest while (total - 1000) ≥ its size leaves the last two.
  await waitFor('retention by size', () => segmentSizes('retain-bytes').length === 2, 90_000);
  assert.deepEqual(segmentSizes('retain-bytes'), [2 * BATCH_BYTES, BATCH_BYTES]);
  assert.deepEqual(await earliestAndLatest('retain-bytes'), [4n, 7n]);
});

test('max.message.bytes lowered then raised: the next appends take the new limit', async () => {
  await createTopic('limits');
  const big = batchOf('x'.repeat(1_200_000));
  assert.equal((await produce('limits', big)).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  assert.equal((await viaBroker('limits', 'max.message.bytes=2000000')).code, 0);
  await waitFor('the raised limit', async () => (await produce('limits', big)).errorCode === ErrorCode.NONE, 60_000);
  assert.equal((await viaZooKeeper('limits', 'max.message.bytes=100')).code, 0);
  await waitFor('the lowered limit', async () => {
    const p = await produce('limits');
    return p.errorCode === ErrorCode.MESSAGE_TOO_LARGE || (assert.equal(p.errorCode, ErrorCode.NONE), false);
  }, 60_000);
});

test('min.insync.replicas and message.timestamp.type changed on a live topic apply to the next produce', async () => {
  await createTopic('produce-settings');
  assert.equal((await viaZooKeeper('produce-settings', 'min.insync.replicas=2,message.timestamp.type=LogAppendTime')).code, 0);
  // One broker: an ISR of one is below the new minimum for acks=-1.
  await waitFor('the new min.insync.replicas', async () => (await produce('produce-settings')).errorCode === ErrorCode.NOT_ENOUGH_REPLICAS, 60_000);
  assert.equal((await viaBroker('produce-settings', 'min.insync.replicas=1')).code, 0);
  const appended = await waitFor('min.insync.replicas back to 1', async () => {
    const p = await produce('produce-settings');
    return p.errorCode === ErrorCode.NONE && p;
  }, 60_000);
  assert.ok((appended.logAppendTimeMs ?? -1n) > 0n, 'LogAppendTime: the broker stamps the batch and says when');
});

// Last: a cluster-wide default applies to every topic without its own value, the ones above included.
test('log.segment.bytes changed as a dynamic broker default: a topic without an override rolls at the new size', async () => {
  await checkRollAtNewSize('roll-default', (_topic, config) =>
    runTool('kafka-configs', ['--bootstrap-server', bootstrap, '--entity-type', 'brokers', '--entity-default', '--alter', '--add-config', `log.${config}`]));
});
