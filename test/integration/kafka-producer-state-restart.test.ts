// Idempotent producer state survives restarts of a broker process through Kafka's producer snapshots: rolls and a
// clean shutdown write `<offset>.snapshot` files in Kafka 2.8's format, and start-up loads the newest one and replays
// only the batches after it. A retried batch is then answered with its original offset and not written again, after a
// clean restart and after kill -9, while a batch older than the snapshot's last one is out of order, as in Kafka.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { listSnapshotOffsets, readProducerSnapshot } from '../../src/kafka/storage/producer-snapshot.js';
import { BrokerProcesses, waitFor, waitForRegistrationGone, type BrokerProcess } from '../support/kafka-broker-process.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool } from '../support/run-tool.js';

const PRODUCER_ID = 77;
const EPOCH = 3;
const NOW = Date.now();

let zk: OurZk;
const processes = new BrokerProcesses();
let dir: string;
let partitionDir: string;
let broker: BrokerProcess;
let client: RawKafkaClient;

async function startBroker(): Promise<void> {
  broker = processes.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'zookeeper.session.timeout.ms=6000'], 60_000);
  client = await RawKafkaClient.connect((await broker.started).port);
  await waitFor('the partition led again', async () => (await latestOffset()).errorCode === ErrorCode.NONE, 60_000);
}

async function latestOffset(): Promise<{ errorCode: number; offset: bigint }> {
  const res = await client.request(ApiKey.ListOffsets, 2, {
    replicaId: -1, isolationLevel: 0, topics: [{ name: 'seq', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
  });
  const p = res.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: p.offset! };
}

/** One idempotent batch of one record; every sequence gets the same bytes each time it is sent (a retry). */
async function produceSeq(sequence: number): Promise<[number, bigint]> {
  const records = buildRecordBatchSync([{ value: `record-${sequence}`.padEnd(300, '.') }], { producerId: PRODUCER_ID, producerEpoch: EPOCH, baseSequence: sequence, now: NOW + sequence });
  const res = await client.request(ApiKey.Produce, 8, {
    transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'seq', partitionData: [{ index: 0, records }] }],
  }, 60_000);
  const p = res.responses[0]!.partitionResponses[0]!;
  return [p.errorCode, p.baseOffset];
}

const segmentBases = () => readdirSync(partitionDir).filter((f) => f.endsWith('.log')).map((f) => Number(f.slice(0, 20))).sort((a, b) => a - b);

before(async () => {
  zk = await startOurZooKeeper();
  dir = processes.workDir();
  partitionDir = join(dir, 'kafka-logs', 'seq-0');
  await startBrokerFirstTime();
});

async function startBrokerFirstTime(): Promise<void> {
  broker = processes.spawn(dir, ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'zookeeper.session.timeout.ms=6000'], 60_000);
  const { port } = await broker.started;
  // Two batches per segment: every other append rolls and snapshots.
  const created = await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${port}`, '--create', '--topic', 'seq', '--partitions', '1', '--replication-factor', '1', '--config', 'segment.bytes=1000']);
  assert.equal(created.stdout, 'Created topic seq.\n', created.stderr);
  client = await RawKafkaClient.connect(port);
  await waitFor('a leader for seq', async () => (await latestOffset()).errorCode === ErrorCode.NONE, 60_000);
}

after(async () => {
  client?.close();
  await processes.cleanup();
  await zk?.stop();
});

test('rolls and a clean shutdown write snapshots; after a clean restart the last batch is a duplicate', async () => {
  for (let seq = 0; seq < 6; seq++) assert.deepEqual(await produceSeq(seq), [ErrorCode.NONE, BigInt(seq)]);
  assert.deepEqual(segmentBases(), [0, 2, 4]);
  assert.deepEqual(listSnapshotOffsets(partitionDir), [2, 4], 'one snapshot per roll, at the new base');
  assert.deepEqual(await readProducerSnapshot(partitionDir, 4), [
    { producerId: PRODUCER_ID, producerEpoch: EPOCH, lastSequence: 3, lastOffset: 3, offsetDelta: 0, timestamp: NOW + 3, coordinatorEpoch: -1, currentTxnFirstOffset: -1 },
  ]);
  client.close();
  assert.equal(await processes.stop(broker), 0);
  assert.deepEqual(listSnapshotOffsets(partitionDir), [2, 4, 6], 'a clean shutdown snapshots at the log end');
  assert.deepEqual((await readProducerSnapshot(partitionDir, 6)).map((e) => [e.producerId, e.lastSequence, e.lastOffset, e.timestamp]), [[PRODUCER_ID, 5, 5, NOW + 5]]);

  await startBroker();
  assert.deepEqual(await produceSeq(5), [ErrorCode.NONE, 5n], 'the retry gets its original offset');
  assert.deepEqual(await latestOffset(), { errorCode: ErrorCode.NONE, offset: 6n }, 'and is not written again');
  // Loaded from the snapshot (only each producer's last batch), not rebuilt from the whole log: an older batch is out of order.
  assert.equal((await produceSeq(3))[0], ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal((await produceSeq(9))[0], ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.deepEqual(await produceSeq(6), [ErrorCode.NONE, 6n]);
});

test('after kill -9 the newest snapshot and the batches after it give the state back', async () => {
  assert.deepEqual(await produceSeq(7), [ErrorCode.NONE, 7n]);
  assert.deepEqual(await produceSeq(8), [ErrorCode.NONE, 8n]);
  // Segments [0,1] [2,3] [4,5] [6,7] [8]: the newest snapshot (8) is older than nothing but batch 8.
  assert.deepEqual(segmentBases(), [0, 2, 4, 6, 8]);
  client.close();
  await processes.kill9(broker);
  // The killed broker's registration lasts until its ZooKeeper session expires; a new one cannot register before.
  await waitForRegistrationGone(zk.connectString, 1);
  await startBroker();
  assert.deepEqual(await produceSeq(8), [ErrorCode.NONE, 8n], 'the retry after kill -9 gets its original offset');
  assert.deepEqual(await latestOffset(), { errorCode: ErrorCode.NONE, offset: 9n });
  assert.ok(listSnapshotOffsets(partitionDir).includes(9), 'the recovered state is snapshotted at the log end');
  assert.deepEqual(await produceSeq(9), [ErrorCode.NONE, 9n]);
});
