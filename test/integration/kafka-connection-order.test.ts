// Requests pipelined on one connection are handled one at a time, in order, as a Kafka broker does (it mutes a
// channel until the response to its request is queued): a long-poll Fetch holds back the Produce and Metadata sent
// after it on the same connection, while other connections are served. Against a broker process.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync, recordBatches, readRecords } from '../../src/kafka/protocol/records/index.js';
import { BrokerProcesses, waitFor } from '../support/kafka-broker-process.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runTool } from '../support/run-tool.js';

let zk: OurZk;
const processes = new BrokerProcesses();
let port: number;
const clients: RawKafkaClient[] = [];

before(async () => {
  zk = await startOurZooKeeper();
  const broker = processes.spawn(processes.workDir(), ['broker.id=1', `zookeeper.connect=${zk.connectString}`, 'offsets.topic.replication.factor=1']);
  port = (await broker.started).port;
  const created = await runTool('kafka-topics', ['--bootstrap-server', `127.0.0.1:${port}`, '--create', '--topic', 'ordered', '--partitions', '1', '--replication-factor', '1']);
  assert.equal(created.stdout, 'Created topic ordered.\n', created.stderr);
});

after(async () => {
  for (const c of clients) c.close();
  await processes.cleanup();
  await zk?.stop();
});

async function connect(): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(port);
  clients.push(c);
  return c;
}

const produceBody = (value: string) => ({
  transactionalId: null, acks: 1, timeoutMs: 30_000,
  topicData: [{ name: 'ordered', partitionData: [{ index: 0, records: buildRecordBatchSync([{ value }], { now: Date.now() }) }] }],
});

const listOffsetsBody = (timestamp: bigint) => ({
  replicaId: -1, isolationLevel: 0, topics: [{ name: 'ordered', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp }] }],
});

async function valuesOf(records: Buffer | null): Promise<string[]> {
  const out: string[] = [];
  for (const b of recordBatches(records ?? Buffer.alloc(0))) for (const r of await readRecords(b)) out.push(`${r.offset}:${r.value?.toString()}`);
  return out;
}

test('a pipelined Produce and Metadata wait for the long-poll Fetch before them; other connections do not', async () => {
  const other = await connect();
  await waitFor('a leader for ordered', async () => (await other.request(ApiKey.ListOffsets, 2, listOffsetsBody(-1n))).topics[0]!.partitions[0]!.errorCode === ErrorCode.NONE, 60_000);
  const pipelined = await connect();
  const fetchId = pipelined.send(ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 120_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{ topic: 'ordered', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
  });
  const produceId = pipelined.send(ApiKey.Produce, 7, produceBody('pipelined'));
  const metadataId = pipelined.send(ApiKey.Metadata, 1, { topics: [{ name: 'ordered' }] });
  assert.deepEqual([fetchId, produceId, metadataId], [1, 2, 3]);

  // Another connection is answered while the fetch waits, and sees that the pipelined produce has not run: had it
  // run, its record would have completed the fetch.
  const meta = await other.request(ApiKey.Metadata, 1, { topics: [{ name: 'ordered' }] });
  assert.equal(meta.topics[0]!.errorCode, ErrorCode.NONE);
  assert.equal((await other.request(ApiKey.ListOffsets, 2, listOffsetsBody(-1n))).topics[0]!.partitions[0]!.offset, 0n);
  assert.equal(pipelined.socket.closed, false);

  // A record from the other connection completes the fetch; then the produce runs (offset 1), then the metadata.
  const woke = await other.request(ApiKey.Produce, 7, produceBody('wake'));
  assert.deepEqual([woke.responses[0]!.partitionResponses[0]!.errorCode, woke.responses[0]!.partitionResponses[0]!.baseOffset], [ErrorCode.NONE, 0n]);
  const fetched = await pipelined.receive(ApiKey.Fetch, 11, 60_000);
  assert.deepEqual(await valuesOf(fetched.responses[0]!.partitions[0]!.records), ['0:wake']);
  const produced = await pipelined.receive(ApiKey.Produce, 7, 60_000);
  assert.deepEqual([produced.responses[0]!.partitionResponses[0]!.errorCode, produced.responses[0]!.partitionResponses[0]!.baseOffset], [ErrorCode.NONE, 1n]);
  const metadata = await pipelined.receive(ApiKey.Metadata, 1, 60_000);
  assert.deepEqual(metadata.topics.map((t) => t.name), ['ordered']);
});

test('acks=0 produces pipelined with other requests are applied in order and answer nothing', async () => {
  const c = await connect();
  const before = (await c.request(ApiKey.ListOffsets, 2, listOffsetsBody(-1n))).topics[0]!.partitions[0]!.offset!;
  for (let i = 0; i < 20; i++) c.send(ApiKey.Produce, 7, { ...produceBody(`silent-${i}`), acks: 0 });
  c.send(ApiKey.ListOffsets, 2, listOffsetsBody(-1n));
  // The only answer is the ListOffsets, and it is sent after all twenty appends.
  const latest = await c.receive(ApiKey.ListOffsets, 2, 60_000);
  assert.equal(latest.topics[0]!.partitions[0]!.offset, before + 20n);
});
