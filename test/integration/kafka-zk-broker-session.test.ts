// Two brokers in this process against our ZooKeeper server: what only the controller answers (AlterIsr,
// ControlledShutdown), controller- and broker-epoch fencing of LeaderAndIsr / UpdateMetadata / StopReplica, a broker id
// already registered by another session, ZooKeeper out of reach, and a session expiry after which the broker
// registers again with a new broker epoch and a controller is elected anew.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import { ApiKey, decodeResponse, encodeRequest, ErrorCode, type ApiMessages } from '../../src/kafka/protocol/index.js';
import { connectZooKeeper, ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { FrameSocket } from '../support/frame-socket.js';
import { freePort } from '../support/ports.js';
import { waitFor } from '../support/kafka-broker-process.js';

const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';
let zk: OurZk;
let observer: ZooKeeperClient;
const dirs: string[] = [];
const servers: KafkaServer[] = [];
let controller: KafkaServer;
let other: KafkaServer;

function config(brokerId: number, lines: string[] = []) {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-session-'));
  dirs.push(dir);
  const text = [
    `broker.id=${brokerId}`,
    'listeners=PLAINTEXT://127.0.0.1:0',
    `log.dirs=${join(dir, 'logs')}`,
    `zookeeper.connect=${zk.connectString}/pair`,
    'zookeeper.session.timeout.ms=2000',
    'controlled.shutdown.retry.backoff.ms=100',
    ...lines,
  ].join('\n');
  return parseKafkaConfig(text, join(dir, 'server.properties'));
}

async function start(brokerId: number, lines: string[] = []): Promise<KafkaServer> {
  const server = await KafkaServer.start({ config: config(brokerId, lines), log: () => {} });
  servers.push(server);
  return server;
}

before(async () => {
  zk = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  controller = await start(1);
  other = await start(2);
  await waitFor('both brokers in each metadata cache', () => controller.metadataCache.aliveBrokers('PLAINTEXT').length === 2 && other.metadataCache.aliveBrokers('PLAINTEXT').length === 2);
  observer = await connectZooKeeper(`${zk.connectString}/pair`);
});

after(async () => {
  for (const s of servers) await s.close().catch(() => {});
  await observer?.close();
  await zk?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

async function call<K extends ApiKey>(server: KafkaServer, apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']> {
  const s = await FrameSocket.open(server.listeners[0]!.port);
  try {
    s.send(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: 1, clientId: 'test' }, body)));
    assert.ok(await s.waitForFrame(10_000), `answer to api ${apiKey}`);
    return decodeResponse(apiKey, apiVersion, s.take(), 4).body;
  } finally {
    s.end();
  }
}

test('broker 1 is controller; broker 2 answers ControlledShutdown and AlterIsr with NOT_CONTROLLER', async () => {
  assert.equal(controller.isActiveController(), true);
  assert.equal(other.isActiveController(), false);
  assert.equal(other.metadataCache.controllerId(), 1);
  assert.deepEqual(await call(other, ApiKey.ControlledShutdown, 3, { brokerId: 2, brokerEpoch: other.brokerEpoch }), { errorCode: ErrorCode.NOT_CONTROLLER, remainingPartitions: [] });
  const alter = await call(other, ApiKey.AlterPartition, 0, { brokerId: 2, brokerEpoch: other.brokerEpoch, topics: [] });
  assert.equal(alter.errorCode, ErrorCode.NOT_CONTROLLER);
  assert.deepEqual(alter.topics, []);
});

test('AlterIsr on the controller: a wrong broker epoch is STALE_BROKER_EPOCH; a shrink is written and reaches every cache', async () => {
  await controller.kafkaZkClient.createTopic('shrinking', TOPIC_ID, new Map([[0, { replicas: [2, 1], addingReplicas: [], removingReplicas: [] }]]));
  await waitFor('shrinking-0 on both brokers', () => [controller, other].every((s) => s.metadataCache.partitionState('shrinking', 0)?.leader === 2));
  const request = (brokerEpoch: bigint) => ({
    brokerId: 2,
    brokerEpoch,
    topics: [{ topicName: 'shrinking', partitions: [{ partitionIndex: 0, leaderEpoch: 0, newIsr: [2], partitionEpoch: 0 }] }],
  });
  assert.equal((await call(controller, ApiKey.AlterPartition, 0, request(other.brokerEpoch + 1n))).errorCode, ErrorCode.STALE_BROKER_EPOCH);
  const answer = await call(controller, ApiKey.AlterPartition, 0, request(other.brokerEpoch));
  assert.equal(answer.errorCode, ErrorCode.NONE);
  assert.deepEqual(
    answer.topics.map((t) => [t.topicName, t.partitions.map((p) => [p.partitionIndex, p.errorCode, p.leaderId, p.leaderEpoch, p.isr, p.partitionEpoch])]),
    [['shrinking', [[0, 0, 2, 0, [2], 1]]]],
  );
  assert.equal((await observer.getData('/brokers/topics/shrinking/partitions/0/state')).data!.toString(), '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2]}');
  await waitFor('the shrunk ISR in both caches', () => [controller, other].every((s) => s.metadataCache.partitionState('shrinking', 0)?.isr.join() === '2'));
});

test('requests from an older controller or for an older registration are fenced', async () => {
  const before = other.metadataCache.partitionState('shrinking', 0);
  const stale = await call(other, ApiKey.UpdateMetadata, 7, {
    controllerId: 9,
    controllerEpoch: 0,
    brokerEpoch: -1n,
    topicStates: [{ topicName: 'shrinking', topicId: TOPIC_ID, partitionStates: [{ topicName: 'shrinking', partitionIndex: 0, controllerEpoch: 0, leader: 1, leaderEpoch: 9, isr: [1], zkVersion: 9, replicas: [2, 1], offlineReplicas: [] }] }],
    liveBrokers: [],
  });
  assert.deepEqual(stale, { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH });
  assert.deepEqual(other.metadataCache.partitionState('shrinking', 0), before, 'the cache is unchanged');
  assert.equal(other.metadataCache.controllerId(), 1);

  const leaderAndIsr = await call(other, ApiKey.LeaderAndIsr, 5, {
    controllerId: 1,
    controllerEpoch: 1,
    brokerEpoch: other.brokerEpoch - 1n,
    type: 0,
    topicStates: [{ topicName: 'shrinking', topicId: TOPIC_ID, partitionStates: [{ topicName: 'shrinking', partitionIndex: 0, controllerEpoch: 1, leader: 2, leaderEpoch: 5, isr: [2], partitionEpoch: 3, replicas: [2, 1], addingReplicas: [], removingReplicas: [], isNew: false }] }],
    liveLeaders: [],
  });
  assert.equal(leaderAndIsr.errorCode, ErrorCode.STALE_BROKER_EPOCH);
  assert.deepEqual(leaderAndIsr.topics, [{ topicId: TOPIC_ID, partitionErrors: [{ topicName: '', partitionIndex: 0, errorCode: ErrorCode.STALE_BROKER_EPOCH }] }]);

  const stopReplica = await call(other, ApiKey.StopReplica, 3, {
    controllerId: 9,
    controllerEpoch: 0,
    brokerEpoch: other.brokerEpoch,
    topicStates: [{ topicName: 'shrinking', partitionStates: [{ partitionIndex: 0, leaderEpoch: 5, deletePartition: true }] }],
  });
  assert.deepEqual(stopReplica, { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH, partitionErrors: [] });
});

test('a topic marked for deletion is stopped on its replicas (StopReplica delete), removed from ZooKeeper and from every cache', async () => {
  await controller.kafkaZkClient.createTopic('doomed', 'AAECAwQFBgcICQoLDA0OEA', new Map([[0, { replicas: [1, 2], addingReplicas: [], removingReplicas: [] }]]));
  await waitFor('doomed-0 on both brokers', () => [controller, other].every((s) => s.metadataCache.topic('doomed') !== undefined));
  assert.equal(await controller.kafkaZkClient.markTopicForDeletion('doomed'), true);
  await waitFor('the topic znodes gone', async () => (await observer.exists('/brokers/topics/doomed')) === null && (await observer.exists('/admin/delete_topics/doomed')) === null);
  assert.equal(await observer.exists('/config/topics/doomed'), null);
  await waitFor('doomed gone from both caches', () => [controller, other].every((s) => s.metadataCache.topic('doomed') === undefined));
});

test('a broker id registered by another session fails start-up with Kafka\'s message', async () => {
  await assert.rejects(start(2), (err: Error) => {
    assert.match(err.message, /^Error while creating ephemeral at \/brokers\/ids\/2, node already exists and owner '\d+' does not match current session '\d+'$/);
    return true;
  });
});

test('ZooKeeper out of reach: start-up fails after zookeeper.connection.timeout.ms with Kafka\'s message', async () => {
  const port = await freePort();
  const cfg = config(5, [`zookeeper.connection.timeout.ms=300`]);
  await assert.rejects(KafkaServer.start({ config: { ...cfg, zookeeperConnect: `127.0.0.1:${port}`, zookeeperConnectionTimeoutMs: 300 }, log: () => {} }), {
    message: 'Timed out waiting for connection while in state: CONNECTING',
  });
});

test('after a session expiry the broker registers again with a new broker epoch and a controller is elected anew', async () => {
  const oldEpoch = controller.brokerEpoch;
  const zkc = controller.kafkaZkClient.zk;
  // Take the session over and close it: the server ends it, and the broker learns of the expiry on reconnecting.
  const thief = new ZooKeeperClient(`${zk.connectString}/pair`, { sessionId: zkc.sessionId, sessionPassword: zkc.sessionPassword, sessionTimeoutMs: 2000 });
  await thief.waitForConnected(5000);
  await thief.close();
  await waitFor('a new registration', async () => controller.brokerEpoch !== oldEpoch && (await observer.exists('/brokers/ids/1'))?.czxid === controller.brokerEpoch);
  assert.ok(controller.brokerEpoch > oldEpoch);
  await waitFor('a controller on epoch 2 or later', async () => Number((await observer.getData('/controller_epoch')).data!.toString()) >= 2 && [controller, other].some((s) => s.isActiveController()));
  assert.equal([controller, other].filter((s) => s.isActiveController()).length, 1, 'exactly one active controller');
  await waitFor('both brokers back in both caches', () => [controller, other].every((s) => s.metadataCache.aliveBrokers('PLAINTEXT').length === 2));
  // The re-registered broker is told about partitions again: UpdateMetadata with its new epoch is accepted.
  await waitFor('shrinking-0 still served', () => controller.metadataCache.partitionState('shrinking', 0)?.leader === 2);
});
