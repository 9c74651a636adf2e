// Transactions in a real broker process's partition log, driven with raw requests as a transaction coordinator and a
// transactional producer would send them: transactional Produce batches (producer ids from InitProducerId) hold the
// last stable offset; a kill -9 mid-transaction and a restart keep it held; WriteTxnMarkers ends the transactions
// (an ABORT lands in the `.txnindex` in Kafka's format, a marker of an older coordinator epoch is fenced); a Fetch v11
// read_committed then reports the LSO and the aborted transaction; kcat (librdkafka) with read_committed and a
// kafkajs consumer (read_committed by default) see only the committed records, a read_uncommitted kcat sees all.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync, recordBatches, RecordBatchView } from '../../src/kafka/protocol/records/index.js';
import { BrokerProcesses, waitFor, waitForRegistrationGone, type BrokerProcess } from '../support/kafka-broker-process.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { kcat, kcatAvailable } from '../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool } from '../support/run-tool.js';

const TOPIC = 'tx';
let zk: OurZk;
const processes = new BrokerProcesses();
let dir: string;
let broker: BrokerProcess;
let port: number;
let client: RawKafkaClient;

const brokerLines = () => ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1', 'offsets.topic.num.partitions=1', 'zookeeper.session.timeout.ms=6000', 'group.initial.rebalance.delay.ms=0'];

async function startBroker(): Promise<void> {
  broker = processes.spawn(dir, brokerLines(), 60_000);
  port = (await broker.started).port;
  client = await RawKafkaClient.connect(port);
  await waitFor('the partition led', async () => (await latest(0)).errorCode === ErrorCode.NONE, 60_000);
}

async function latest(isolationLevel: number): Promise<{ errorCode: number; offset: bigint }> {
  const res = await client.request(ApiKey.ListOffsets, 2, {
    replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
  });
  const p = res.topics[0]!.partitions[0]!;
  return { errorCode: p.errorCode, offset: p.offset! };
}

async function producerId(): Promise<number> {
  const res = await client.request(ApiKey.InitProducerId, 1, { transactionalId: null, transactionTimeoutMs: 60_000 });
  assert.equal(res.errorCode, ErrorCode.NONE);
  return Number(res.producerId);
}

async function produce(pid: number, values: string[], isTransactional: boolean): Promise<bigint> {
  const records = buildRecordBatchSync(values.map((v) => ({ value: v })), { producerId: pid, producerEpoch: 0, baseSequence: 0, isTransactional });
  const res = await client.request(ApiKey.Produce, 8, {
    transactionalId: isTransactional ? 'txn-test' : null, acks: -1, timeoutMs: 30_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  }, 60_000);
  const p = res.responses[0]!.partitionResponses[0]!;
  assert.equal(p.errorCode, ErrorCode.NONE, p.errorMessage ?? '');
  return p.baseOffset;
}

async function fetchCommitted() {
  const res = await client.request(ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, currentLeaderEpoch: -1, fetchOffset: 0n, logStartOffset: -1n, partitionMaxBytes: 1 << 20 }] }],
    forgottenTopicsData: [], rackId: '',
  });
  return res.responses[0]!.partitions[0]!;
}

before(async () => {
  zk = await startOurZooKeeper();
  dir = processes.workDir();
  broker = processes.spawn(dir, brokerLines(), 60_000);
  port = (await broker.started).port;
  const created = await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${port}`, '--create', '--topic', TOPIC, '--partitions', '1', '--replication-factor', '1']);
  assert.equal(created.stdout, `Created topic ${TOPIC}.\n`, created.stderr);
  client = await RawKafkaClient.connect(port);
  await waitFor('a leader for tx', async () => (await latest(0)).errorCode === ErrorCode.NONE, 60_000);
});

after(async () => {
  client?.close();
  await processes.cleanup();
  await zk?.stop();
});

let aborting: number;
let committing: number;

test('open transactions hold the last stable offset, through a kill -9 and a restart', async () => {
  aborting = await producerId();
  committing = await producerId();
  const plain = await producerId();
  assert.equal(await produce(aborting, ['aborted-0', 'aborted-1'], true), 0n);
  assert.equal(await produce(committing, ['committed-0'], true), 2n);
  assert.equal(await produce(plain, ['plain-0'], false), 3n);
  assert.deepEqual(await latest(1), { errorCode: ErrorCode.NONE, offset: 0n });
  assert.deepEqual(await latest(0), { errorCode: ErrorCode.NONE, offset: 4n });

  client.close();
  await processes.kill9(broker);
  await waitForRegistrationGone(zk.connectString, 1);
  await startBroker();
  assert.deepEqual(await latest(1), { errorCode: ErrorCode.NONE, offset: 0n }, 'the open transactions were rebuilt');
  const p = await fetchCommitted();
  assert.deepEqual([p.errorCode, p.highWatermark, p.lastStableOffset, p.abortedTransactions, p.records?.length], [ErrorCode.NONE, 4n, 0n, [], 0]);
});

test('WriteTxnMarkers ends them; read_committed Fetch, kcat and kafkajs see only committed records', async () => {
  const res = await client.request(ApiKey.WriteTxnMarkers, 1, {
    markers: [
      { producerId: BigInt(aborting), producerEpoch: 0, transactionResult: false, coordinatorEpoch: 1, topics: [{ name: TOPIC, partitionIndexes: [0] }] },
      { producerId: BigInt(committing), producerEpoch: 0, transactionResult: true, coordinatorEpoch: 1, topics: [{ name: TOPIC, partitionIndexes: [0, 7] }] },
    ],
  }, 60_000);
  assert.deepEqual(res.markers.map((m) => [Number(m.producerId), m.topics[0]!.partitions.map((x) => [x.partitionIndex, x.errorCode])]), [
    [aborting, [[0, ErrorCode.NONE]]],
    [committing, [[0, ErrorCode.NONE], [7, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]],
  ]);
  const fenced = await client.request(ApiKey.WriteTxnMarkers, 1, {
    markers: [{ producerId: BigInt(aborting), producerEpoch: 0, transactionResult: false, coordinatorEpoch: 0, topics: [{ name: TOPIC, partitionIndexes: [0] }] }],
  }, 60_000);
  assert.equal(fenced.markers[0]!.topics[0]!.partitions[0]!.errorCode, ErrorCode.TRANSACTION_COORDINATOR_FENCED);

  // The ABORT marker is at 4; the committing producer's transaction (from 2) was still open: last stable offset 2.
  const entry = readFileSync(join(dir, 'kafka-logs', `${TOPIC}-0`, '00000000000000000000.txnindex'));
  const expected = Buffer.alloc(34);
  expected.writeBigInt64BE(BigInt(aborting), 2);
  expected.writeBigInt64BE(0n, 10);
  expected.writeBigInt64BE(4n, 18);
  expected.writeBigInt64BE(2n, 26);
  assert.equal(entry.toString('hex'), expected.toString('hex'));

  assert.deepEqual(await latest(1), { errorCode: ErrorCode.NONE, offset: 6n });
  const p = await fetchCommitted();
  assert.deepEqual([p.errorCode, p.highWatermark, p.lastStableOffset], [ErrorCode.NONE, 6n, 6n]);
  assert.deepEqual(p.abortedTransactions, [{ producerId: BigInt(aborting), firstOffset: 0n }]);
  const batches = [...recordBatches(p.records!)].map((b: RecordBatchView) => [b.baseOffset, b.isTransactional, b.isControl]);
  assert.deepEqual(batches, [[0, true, false], [2, true, false], [3, false, false], [4, true, true], [5, true, true]]);

  if (kcatAvailable) {
    const read = async (isolation: string) => {
      const r = await kcat(['-C', '-b', `127.0.0.1:${port}`, '-t', TOPIC, '-o', 'beginning', '-e', '-q', '-f', '%s\\n', '-X', `isolation.level=${isolation}`]);
      assert.equal(r.code, 0, r.stderr);
      return r.stdout.toString().split('\n').filter((l) => l !== '');
    };
    assert.deepEqual(await read('read_committed'), ['committed-0', 'plain-0']);
    assert.deepEqual(await read('read_uncommitted'), ['aborted-0', 'aborted-1', 'committed-0', 'plain-0']);
  }

  const kafka = new Kafka({ clientId: 'txn-log-test', brokers: [`127.0.0.1:${port}`], logLevel: logLevel.NOTHING, retry: { retries: 12, initialRetryTime: 100, maxRetryTime: 1000 } });
  const consumer = kafka.consumer({ groupId: 'committed-readers' });
  const seen: string[] = [];
  try {
    await consumer.connect();
    await consumer.subscribe({ topic: TOPIC, fromBeginning: true });
    await consumer.run({ eachMessage: async ({ message }) => void seen.push(message.value!.toString()) });
    await waitFor('kafkajs consumed the committed records', () => seen.length >= 2, 60_000);
    // A record after them proves nothing aborted was still on its way.
    await produce(await producerId(), ['after'], false);
    await waitFor('kafkajs consumed the record after them', () => seen.includes('after'), 60_000);
  } finally {
    await consumer.disconnect();
  }
  assert.deepEqual(seen, ['committed-0', 'plain-0', 'after']);
});
