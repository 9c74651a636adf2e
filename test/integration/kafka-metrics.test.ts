// The broker's Prometheus endpoint (zkafka.metrics.port) on two real broker processes on our ZooKeeper: bytes and
// records in grow by exactly what was produced, bytes out by what a consumer fetched, the partition's log size is
// the stored batch, request counts and latency summaries per API, the controller's counts, consumer lag equal to the
// records produced minus the committed offset (also when the group's coordinator is not the partition's leader), and
// the ISR shrink counter and under-replicated gauges moving when the follower of a replication-factor-2 topic dies
// and falls behind.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import kafkajs from 'kafkajs';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildBatch } from '../support/kafka-batches.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { scrape, type Scrape } from '../support/prometheus-text.js';

const { Kafka, logLevel } = kafkajs;

const TOPIC = 'metered';
const GROUP = 'lagging-group';
const LAG_TIME_MAX_MS = 1500;
const METRICS_LINE = /Serving metrics at http:\/\/127\.0\.0\.1:(\d+)\/metrics/;

let zk: OurZk;
const processes = new BrokerProcesses();
const brokers = new Map<number, { process: BrokerProcess; port: number; metrics: string }>();

async function startBroker(id: number): Promise<void> {
  const p = processes.spawn(processes.workDir('zkafka-metrics-'), [
    `broker.id=${id}`,
    `zookeeper.connect=${zk.connectString}`,
    'zkafka.metrics.port=0',
    'zkafka.metrics.host=127.0.0.1',
    // The leader drops a silent follower from the ISR long before the dead broker's session expires.
    `replica.lag.time.max.ms=${LAG_TIME_MAX_MS}`,
    'zookeeper.session.timeout.ms=30000',
    'replica.fetch.backoff.ms=100',
    'offsets.topic.replication.factor=1',
    'offsets.topic.num.partitions=1',
    'group.initial.rebalance.delay.ms=0',
    'controlled.shutdown.enable=false',
  ], 60_000);
  const { port } = await p.started;
  const metricsPort = Number(METRICS_LINE.exec(p.output())?.[1]);
  assert.ok(metricsPort > 0, `broker ${id} logs its metrics address:\n${p.output()}`);
  brokers.set(id, { process: p, port, metrics: `http://127.0.0.1:${metricsPort}/metrics` });
}

const scrapeBroker = (id: number): Promise<Scrape> => scrape(brokers.get(id)!.metrics);

function kafka() {
  return new Kafka({ clientId: 'metrics-test', brokers: [...brokers.values()].map((b) => `127.0.0.1:${b.port}`), logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
}

async function send<K extends ApiKey>(brokerId: number, apiKey: K, version: number, body: Parameters<BrokerNetworkClient['send']>[2] & object) {
  const client = new BrokerNetworkClient('127.0.0.1', brokers.get(brokerId)!.port, 'metrics-test', 30_000);
  try {
    return await client.send(apiKey, version, body as never);
  } finally {
    client.close();
  }
}

const batch = buildBatch({ count: 5, valueBytes: 3, fill: 'm'.charCodeAt(0) });

before(async () => {
  zk = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  // Broker 1 first: it becomes the controller, so the ISR change it proposes is answered after broker 2 dies.
  await startBroker(1);
  await startBroker(2);
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  await waitFor('broker 2 in the ISR', async () => (await scrapeBroker(1)).value('kafka_cluster_partition_underreplicated', { topic: TOPIC, partition: '0' }) === 0, 30_000);
});

after(async () => {
  await processes.cleanup();
  await zk?.stop();
});

test('a produce adds exactly its record bytes and records to bytes in and messages in; the log size is the batch', async () => {
  const before = await scrapeBroker(1);
  const r = await send(1, ApiKey.Produce, 8, { transactionalId: null, acks: -1, timeoutMs: 20_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
  assert.equal((r as { responses: { partitionResponses: { errorCode: number }[] }[] }).responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
  const after = await scrapeBroker(1);
  const delta = (name: string, labels?: Record<string, string>) => after.value(name, labels)! - (before.value(name, labels) ?? 0);
  assert.equal(delta('kafka_server_brokertopicmetrics_bytesin_total', { topic: TOPIC }), batch.length);
  assert.equal(delta('kafka_server_brokertopicmetrics_bytesin_total'), batch.length);
  assert.equal(delta('kafka_server_brokertopicmetrics_messagesin_total', { topic: TOPIC }), 5);
  assert.equal(delta('kafka_server_brokertopicmetrics_totalproducerequests_total', { topic: TOPIC }), 1);
  assert.equal(after.value('kafka_log_log_size', { topic: TOPIC, partition: '0' }), batch.length);
  assert.equal(after.value('kafka_log_log_logendoffset', { topic: TOPIC, partition: '0' }), 5);
  assert.ok(delta('kafka_network_requestmetrics_requests_total', { request: 'Produce' }) >= 1);
  assert.equal(after.value('kafka_network_requestmetrics_totaltimems_count', { request: 'Produce' }), after.value('kafka_network_requestmetrics_requests_total', { request: 'Produce' }));
  assert.equal(after.families.get('kafka_network_requestmetrics_totaltimems')?.type, 'summary');
  assert.equal(after.matching('kafka_network_requestmetrics_totaltimems', { request: 'Produce' }).length, 6, 'the six Yammer percentiles');
  // The follower stores the same batch.
  await waitFor('the follower has the batch', async () => (await scrapeBroker(2)).value('kafka_log_log_size', { topic: TOPIC, partition: '0' }) === batch.length, 20_000);
});

test('a consumer fetch adds its record bytes to bytes out (follower fetches count as replication too)', async () => {
  const before = await scrapeBroker(1);
  const r = await send(1, ApiKey.Fetch, 4, {
    replicaId: -1, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20, isolationLevel: 0,
    topics: [{ topic: TOPIC, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  const records = (r as { responses: { partitions: { records: Buffer | null }[] }[] }).responses[0]!.partitions[0]!.records;
  assert.equal(records?.length, batch.length);
  const after = await scrapeBroker(1);
  const consumerBytes = (s: Scrape) => s.value('kafka_server_brokertopicmetrics_bytesout_total', { topic: TOPIC })! - (s.value('kafka_server_brokertopicmetrics_replicationbytesout_total', { topic: TOPIC }) ?? 0);
  assert.equal(consumerBytes(after) - consumerBytes(before), batch.length);
});

test('controller and partition counts', async () => {
  const [one, two] = await Promise.all([scrapeBroker(1), scrapeBroker(2)]);
  assert.equal(one.value('kafka_controller_kafkacontroller_activecontrollercount'), 1);
  assert.equal(two.value('kafka_controller_kafkacontroller_activecontrollercount'), 0);
  assert.equal(one.value('kafka_controller_kafkacontroller_offlinepartitionscount'), 0);
  assert.equal(one.value('kafka_controller_kafkacontroller_globalpartitioncount'), one.value('kafka_controller_kafkacontroller_globaltopiccount')! === 2 ? 2 : 1);
  assert.equal(one.value('kafka_server_replicamanager_underreplicatedpartitions'), 0);
  assert.ok(one.value('kafka_server_replicamanager_leadercount')! >= 1);
  assert.ok(one.value('kafka_server_socket_server_metrics_connection_creation_total', { listener: 'PLAINTEXT' })! >= 1);
});

test('consumer lag is the records produced minus the committed offset', async () => {
  const admin = kafka().admin();
  await admin.connect();
  try {
    await admin.setOffsets({ groupId: GROUP, topic: TOPIC, partitions: [{ partition: 0, offset: '2' }] });
  } finally {
    await admin.disconnect();
  }
  const pages = await Promise.all([scrapeBroker(1), scrapeBroker(2)]);
  const labels = { consumergroup: GROUP, topic: TOPIC, partition: '0' };
  const withGroup = pages.filter((p) => p.value('kafka_consumergroup_current_offset', labels) !== undefined);
  assert.equal(withGroup.length, 1, 'exactly the coordinator reports the group');
  assert.equal(withGroup[0]!.value('kafka_consumergroup_current_offset', labels), 2);
  assert.equal(withGroup[0]!.value('kafka_consumergroup_lag', labels), 5 - 2);
});

test('killing the follower of a replication-factor-2 topic shrinks the ISR: the counter and the gauges move', async () => {
  const before = await scrapeBroker(1);
  const shrinks = before.value('kafka_server_replicamanager_isrshrinks_total')!;
  await processes.kill9(brokers.get(2)!.process);
  // As in Kafka, a follower leaves the ISR once it is behind the leader's log end for replica.lag.time.max.ms.
  const r = await send(1, ApiKey.Produce, 8, { transactionalId: null, acks: 1, timeoutMs: 20_000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records: batch }] }] });
  assert.equal((r as { responses: { partitionResponses: { errorCode: number }[] }[] }).responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
  const after = await waitFor('the leader dropping broker 2 from the ISR', async () => {
    const page = await scrapeBroker(1);
    return page.value('kafka_server_replicamanager_isrshrinks_total')! > shrinks ? page : undefined;
  }, 30_000);
  assert.equal(after.value('kafka_server_replicamanager_isrshrinks_total'), shrinks + 1);
  assert.equal(after.value('kafka_cluster_partition_underreplicated', { topic: TOPIC, partition: '0' }), 1);
  assert.ok(after.value('kafka_server_replicamanager_underreplicatedpartitions')! >= 1);
  assert.ok(after.value('kafka_server_replicamanager_isrexpands_total')! >= 0);
});
