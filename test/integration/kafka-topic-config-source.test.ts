// The topic config source against our ZooKeeper server: broker defaults equal the broker's own log config, a
// topic's overrides are read at start and followed through /config/changes notifications (written by AdminZk the
// way Kafka's AdminZkClient writes them), and a new topic's overrides are known once its config znode exists.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import { logConfigOf } from '../../src/kafka/broker/kafka-server.js';
import { AdminZk } from '../../src/kafka/admin/admin-zk.js';
import { ZkTopicConfigSource } from '../../src/kafka/admin/topic-config-source.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { replicaAssignment } from '../../src/kafka/zk/zk-data.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const config = parseKafkaConfig('zookeeper.connect=127.0.0.1:2181\nlog.dirs=/tmp/unused\nlog.retention.hours=24\nlog.segment.bytes=1048576\n', 'server.properties');
let server: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
let admin: AdminZk;
let source: ZkTopicConfigSource | undefined;

before(async () => {
  server = await startOurZooKeeper();
  zk = await connectZooKeeper(server.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  await kafkaZk.createTopLevelPaths();
  admin = new AdminZk({ zk: kafkaZk, brokerValues: config.values, numPartitions: 1, defaultReplicationFactor: 1 });
  await kafkaZk.registerBroker({ id: 1, version: 5, endpoints: [], rack: null, jmxPort: -1, timestamp: '0', features: {} });
});

after(async () => {
  source?.stop();
  await zk?.close();
  await server?.stop();
});

async function until(check: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

test('defaults, overrides at start, changes through notifications, and new topics', async () => {
  await kafkaZk.createTopic('early', 'q1BFyzFZQ0-ubWV6lx7LdA', new Map([[0, replicaAssignment([1])]]), { 'retention.ms': '1000', 'cleanup.policy': 'compact,delete' });
  source = new ZkTopicConfigSource(kafkaZk, config.values);
  await source.start();

  const broker = logConfigOf(config);
  assert.deepEqual(source.logConfig('no-overrides'), broker);
  assert.equal(broker.retentionMs, 86_400_000);
  assert.deepEqual(source.logConfig('early'), { ...broker, retentionMs: 1000, cleanupPolicy: ['compact', 'delete'] });
  assert.equal(source.topicConfig('early').get('min.insync.replicas'), 1);

  const changes: [string, number][] = [];
  source.onChange((topic, c) => changes.push([topic, c.retentionMs]));
  await admin.changeTopicConfig('early', { 'retention.ms': '2000' });
  await until(() => changes.length === 1, 'the change notification');
  assert.deepEqual(changes, [['early', 2000]]);
  assert.deepEqual(source.logConfig('early').cleanupPolicy, ['delete']);

  await admin.create({ name: 'later', numPartitions: 1, replicationFactor: 1, assignments: new Map(), configs: { 'segment.bytes': '4096' } }, false);
  await until(() => source!.logConfig('later').segmentBytes === 4096, 'the new topic config');
  assert.deepEqual(changes.at(-1), ['later', broker.retentionMs]);
  assert.deepEqual(source.errors, []);
});

test('processed notifications older than the expiration are deleted, newer ones kept', async () => {
  const keeper = new ZkTopicConfigSource(kafkaZk, config.values);
  const purger = new ZkTopicConfigSource(kafkaZk, config.values, { changeExpirationMs: 60_000, now: () => Date.now() + 120_000 });
  try {
    await keeper.start();
    await admin.changeTopicConfig('early', { 'retention.ms': '3000' });
    await until(() => keeper.logConfig('early').retentionMs === 3000, 'the change');
    assert.ok((await zk.getChildren('/config/changes')).length > 0, 'a 15-minute expiry keeps fresh notifications');
    await purger.start();
    const deadline = Date.now() + 10_000;
    while ((await zk.getChildren('/config/changes')).length > 0) {
      if (Date.now() > deadline) throw new Error('notifications were not purged');
      await new Promise((r) => setTimeout(r, 10));
    }
    assert.deepEqual([keeper.errors, purger.errors], [[], []]);
  } finally {
    keeper.stop();
    purger.stop();
  }
});

test('dynamic broker defaults change every topic without its own override', async () => {
  const watched = new ZkTopicConfigSource(kafkaZk, config.values, { brokerId: 1 });
  try {
    await watched.start();
    const told: string[] = [];
    watched.onChange((topic) => told.push(topic));
    await admin.changeEntityConfig('brokers', '<default>', { 'log.retention.ms': '4000', 'log.segment.bytes': '2048' });
    await until(() => watched.logConfig('later').retentionMs === 4000, 'the cluster default');
    assert.equal(watched.logConfig('early').retentionMs, 3000, 'a topic override wins');
    assert.equal(watched.logConfig('early').segmentBytes, 2048);
    await admin.changeEntityConfig('brokers', '1', { 'log.retention.ms': '5000' });
    await until(() => watched.logConfig('later').retentionMs === 5000, 'the per-broker value');
    assert.equal(watched.logConfig('later').segmentBytes, 4096, 'the topic override of segment.bytes stays');
    assert.ok(told.includes('later') && told.includes('early'));
    assert.deepEqual(watched.errors, []);
  } finally {
    watched.stop();
  }
});
