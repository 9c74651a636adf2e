// The admin APIs of an in-process broker over our ZooKeeper server, driven by kafkajs and by raw requests: the
// znodes written (byte for byte, Kafka 2.8's layout), read back by KafkaZkClient, and Kafka's error codes and texts.
import { NoNodeError } from '../../src/zookeeper/client/index.js';
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel, type Admin } from 'kafkajs';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { startAdminBroker, type AdminBroker } from '../support/admin-broker.js';

let b: AdminBroker;
let admin: Admin;

before(async () => {
  b = await startAdminBroker(['num.partitions=2']);
  admin = new Kafka({ clientId: 'admin-test', brokers: [`127.0.0.1:${b.port}`], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
});

after(async () => {
  await admin?.disconnect().catch(() => {});
  await b?.stop();
});

async function znode(path: string): Promise<string | null> {
  try {
    const { data } = await b.zk.getData(path);
    return data === null ? '' : data.toString('utf8');
  } catch (err) {
    if (err instanceof NoNodeError) return null;
    throw err;
  }
}

const creatable = (name: string, extra: Partial<{ numPartitions: number; replicationFactor: number; configs: { name: string; value: string | null }[]; assignments: { partitionIndex: number; brokerIds: number[] }[] }> = {}) => ({
  name,
  numPartitions: extra.numPartitions ?? -1,
  replicationFactor: extra.replicationFactor ?? -1,
  assignments: extra.assignments ?? [],
  configs: extra.configs ?? [],
});

test('kafkajs createTopics writes /config/topics then /brokers/topics as Kafka 2.8 does, and waits for leaders', async () => {
  const created = await admin.createTopics({ topics: [{ topic: 'orders', configEntries: [{ name: 'retention.ms', value: '86400000' }] }] });
  assert.equal(created, true);
  const topicJson = await znode('/brokers/topics/orders');
  const id = /"topic_id":"([A-Za-z0-9_-]{22})"/.exec(topicJson ?? '')?.[1];
  assert.ok(id, topicJson ?? 'no topic znode');
  assert.equal(topicJson, `{"version":3,"topic_id":"${id}","partitions":{"0":[1],"1":[1]},"adding_replicas":{},"removing_replicas":{}}`);
  assert.equal(await znode('/config/topics/orders'), '{"version":1,"config":{"retention.ms":"86400000"}}');
  assert.deepEqual(await b.zk.getChildren('/config/changes'), [], 'creation writes no change notification');
  assert.equal(b.metadata.topic('orders')?.topicId, id);

  const snapshot = await b.kafkaZk.loadClusterSnapshot();
  const orders = snapshot.topics.find((t) => t.topic === 'orders');
  assert.equal(orders?.topicId, id);
  assert.deepEqual([...orders!.partitions], [[0, { replicas: [1], addingReplicas: [], removingReplicas: [] }], [1, { replicas: [1], addingReplicas: [], removingReplicas: [] }]]);

  assert.equal(await admin.createTopics({ topics: [{ topic: 'orders' }] }), false, 'kafkajs reads TOPIC_ALREADY_EXISTS as false');
});

test('validateOnly checks without writing; waitForLeaders:false returns at once', async () => {
  // (kafkajs would wait for leaders of a topic that validate_only never creates, as against Kafka.)
  assert.equal(await admin.createTopics({ validateOnly: true, waitForLeaders: false, topics: [{ topic: 'dry', numPartitions: 4 }] }), true);
  assert.equal(await znode('/brokers/topics/dry'), null);
  assert.equal(await znode('/config/topics/dry'), null);
  assert.equal(await admin.createTopics({ waitForLeaders: false, topics: [{ topic: 'quick', numPartitions: 1 }] }), true);
  assert.match((await znode('/brokers/topics/quick'))!, /"partitions":\{"0":\[1\]\}/);
});

test('CreateTopics v5 answers Kafka\'s error codes and messages, and the created topic\'s shape and configs', async () => {
  const res = await b.call(ApiKey.CreateTopics, 5, {
    timeoutMs: 10_000,
    validateOnly: false,
    topics: [
      creatable('rf3', { numPartitions: 1, replicationFactor: 3 }),
      creatable('orders'),
      creatable('a/b'),
      creatable('x'.repeat(250)),
      creatable('..'),
      creatable('bad-config', { configs: [{ name: 'retention.ms', value: 'abc' }] }),
      creatable('unknown-config', { configs: [{ name: 'no.such.key', value: '1' }] }),
      creatable('bad-policy', { configs: [{ name: 'cleanup.policy', value: 'delete,bogus' }] }),
      creatable('low-ratio', { configs: [{ name: 'min.cleanable.dirty.ratio', value: '1.5' }] }),
      creatable('lag', { configs: [{ name: 'min.compaction.lag.ms', value: '10' }, { name: 'max.compaction.lag.ms', value: '5' }] }),
      creatable('null-config', { configs: [{ name: 'retention.ms', value: null }] }),
      creatable('both', { numPartitions: 1, assignments: [{ partitionIndex: 0, brokerIds: [1] }] }),
      creatable('gap', { assignments: [{ partitionIndex: 0, brokerIds: [1] }, { partitionIndex: 2, brokerIds: [1] }] }),
      creatable('dup-replica', { assignments: [{ partitionIndex: 0, brokerIds: [1, 1] }] }),
      creatable('zero', { numPartitions: 0 }),
      creatable('huge', { numPartitions: 2147483647 }),
      creatable('twice'),
      creatable('twice'),
      creatable('compacted', { numPartitions: 1, configs: [{ name: 'cleanup.policy', value: 'compact' }] }),
    ],
  });
  const byName = (name: string) => res.topics.filter((t) => t.name === name).map((t) => [t.errorCode, t.errorMessage]);
  assert.deepEqual(byName('rf3'), [[ErrorCode.INVALID_REPLICATION_FACTOR, 'Replication factor: 3 larger than available brokers: 1.']]);
  assert.deepEqual(byName('orders'), [[ErrorCode.TOPIC_ALREADY_EXISTS, "Topic 'orders' already exists."]]);
  assert.deepEqual(byName('a/b'), [[ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name "a/b" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`]]);
  assert.deepEqual(byName('x'.repeat(250)), [[ErrorCode.INVALID_TOPIC_EXCEPTION, `Topic name is illegal, it can't be longer than 249 characters, topic name: ${'x'.repeat(250)}`]]);
  assert.deepEqual(byName('..'), [[ErrorCode.INVALID_TOPIC_EXCEPTION, 'Topic name cannot be "." or ".."']]);
  assert.deepEqual(byName('bad-config'), [[ErrorCode.INVALID_CONFIG, 'Invalid value abc for configuration retention.ms: Not a number of type LONG']]);
  assert.deepEqual(byName('unknown-config'), [[ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.key']]);
  assert.deepEqual(byName('bad-policy'), [[ErrorCode.INVALID_CONFIG, 'Invalid value bogus for configuration cleanup.policy: String must be one of: compact, delete']]);
  assert.deepEqual(byName('low-ratio'), [[ErrorCode.INVALID_CONFIG, 'Invalid value 1.5 for configuration min.cleanable.dirty.ratio: Value must be no more than 1']]);
  assert.deepEqual(byName('lag'), [[ErrorCode.INVALID_CONFIG, 'conflict topic config setting min.compaction.lag.ms (10) > max.compaction.lag.ms (5)']]);
  assert.deepEqual(byName('null-config'), [[ErrorCode.INVALID_REQUEST, 'Null value not supported for topic configs : retention.ms']]);
  assert.deepEqual(byName('both'), [[ErrorCode.INVALID_REQUEST, 'Both numPartitions or replicationFactor and replicasAssignments were set. Both cannot be used at the same time.']]);
  assert.deepEqual(byName('gap'), [[ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'partitions should be a consecutive 0-based integer sequence']]);
  assert.deepEqual(byName('dup-replica'), [[ErrorCode.INVALID_REPLICA_ASSIGNMENT, 'Duplicate replica assignment found: HashMap(0 -> ArrayBuffer(1, 1))']]);
  assert.deepEqual(byName('zero'), [[ErrorCode.INVALID_PARTITIONS, 'Number of partitions must be larger than 0.']]);
  assert.deepEqual(byName('huge'), [[ErrorCode.INVALID_PARTITIONS, '2147483647 partitions with replication factor 1 do not fit in a ZooKeeper znode of 1048575 bytes.']]);
  assert.deepEqual(byName('twice'), [[ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'], [ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.']]);
  for (const t of res.topics.filter((x) => x.errorCode !== ErrorCode.NONE)) {
    assert.deepEqual([t.numPartitions, t.replicationFactor, t.configs], [-1, -1, []], `${t.name} failed: no shape`);
  }
  const compacted = res.topics.find((t) => t.name === 'compacted')!;
  assert.deepEqual([compacted.errorCode, compacted.errorMessage, compacted.numPartitions, compacted.replicationFactor], [ErrorCode.NONE, null, 1, 1]);
  assert.deepEqual(compacted.configs?.find((c) => c.name === 'cleanup.policy'), { name: 'cleanup.policy', value: 'compact', readOnly: false, configSource: 1, isSensitive: false });
  assert.deepEqual(compacted.configs?.find((c) => c.name === 'segment.bytes'), { name: 'segment.bytes', value: '1073741824', readOnly: false, configSource: 5, isSensitive: false });
  assert.equal(compacted.configs?.length, 26);
  for (const name of ['rf3', 'a/b', 'bad-config', 'twice', 'zero']) assert.equal(await znode(`/brokers/topics/${name}`), null);
});

test('topic names colliding on . and _ are refused; a topic marked for deletion cannot be created again', async () => {
  await admin.createTopics({ topics: [{ topic: 'metrics.cpu' }] });
  const res = await b.call(ApiKey.CreateTopics, 4, { timeoutMs: 5000, validateOnly: true, topics: [creatable('metrics_cpu')] });
  assert.deepEqual(res.topics.map((t) => [t.errorCode, t.errorMessage]), [[ErrorCode.INVALID_TOPIC_EXCEPTION, "Topic 'metrics_cpu' collides with existing topics: metrics.cpu"]]);
});

test('kafkajs deleteTopics marks /admin/delete_topics and returns once the topic is gone; unknown topics fail', async () => {
  await admin.createTopics({ topics: [{ topic: 'doomed' }] });
  await admin.deleteTopics({ topics: ['doomed'], timeout: 10_000 });
  assert.equal(b.metadata.topic('doomed'), undefined);
  // As in Kafka, the controller removes the znodes once the replicas answered StopReplica, after the metadata.
  for (const path of ['/brokers/topics/doomed', '/config/topics/doomed', '/admin/delete_topics/doomed']) {
    await b.until(async () => (await znode(path)) === null, `${path} deleted`);
  }
  const res = await b.call(ApiKey.DeleteTopics, 5, { topicNames: ['never-was'], timeoutMs: 1000 });
  assert.deepEqual(res.responses, [{ name: 'never-was', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, errorMessage: null }]);
});

test('kafkajs createPartitions extends /brokers/topics/<t> keeping the topic id; Kafka\'s texts for bad counts', async () => {
  await admin.createTopics({ topics: [{ topic: 'grow', numPartitions: 1 }] });
  const before = (await znode('/brokers/topics/grow'))!;
  const id = /"topic_id":"([^"]+)"/.exec(before)![1];
  await admin.createPartitions({ topicPartitions: [{ topic: 'grow', count: 3 }], timeout: 10_000 });
  assert.equal(await znode('/brokers/topics/grow'), `{"version":3,"topic_id":"${id}","partitions":{"0":[1],"1":[1],"2":[1]},"adding_replicas":{},"removing_replicas":{}}`);
  assert.equal(b.metadata.topic('grow')?.partitions.length, 3);
  const res = await b.call(ApiKey.CreatePartitions, 1, {
    timeoutMs: 5000,
    validateOnly: false,
    topics: [
      { name: 'grow', count: 2, assignments: null },
      { name: 'missing', count: 2, assignments: null },
      { name: 'orders', count: 3, assignments: [{ brokerIds: [7] }] },
      { name: 'orders', count: 4, assignments: null },
    ],
  });
  assert.deepEqual(res.results.map((r) => [r.name, r.errorCode, r.errorMessage]), [
    ['grow', ErrorCode.INVALID_PARTITIONS, 'Topic currently has 3 partitions, which is higher than the requested 2.'],
    ['missing', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "The topic 'missing' does not exist."],
    ['orders', ErrorCode.INVALID_REQUEST, 'Duplicate topic in request.'],
  ]);
});

test('ApiVersions advertises every API the broker serves, the admin ones with Kafka 2.8.2 ranges; DescribeCluster v0 answers from the metadata', async () => {
  const versions = await b.call(ApiKey.ApiVersions, 3, { clientSoftwareName: 'test', clientSoftwareVersion: '1' });
  assert.deepEqual(
    versions.apiKeys.map((k) => `${k.apiKey}:${k.minVersion}-${k.maxVersion}`),
    [
      '0:0-9', '1:0-13', '2:0-7', '3:0-11', '4:0-5', '5:0-3', '6:0-7', '7:0-3', '8:0-8', '9:0-8', '10:0-4', '11:0-7', '12:0-4',
      '13:0-4', '14:0-5', '15:0-5', '16:0-4', '18:0-3', '19:0-7', '20:0-6', '21:0-2', '22:0-4', '23:0-4', '24:0-3', '25:0-3', '26:0-3', '27:0-1', '28:0-3', '32:0-4', '33:0-2', '34:0-2', '35:0-2',
      '37:0-3', '42:0-2', '43:0-2', '44:0-1', '45:0-0', '46:0-0', '47:0-0', '48:0-0', '49:0-0', '50:0-0', '51:0-0', '56:0-0',
      '60:0-0',
    ],
  );
  const cluster = await b.call(ApiKey.DescribeCluster, 0, { includeClusterAuthorizedOperations: true });
  assert.deepEqual(cluster, {
    throttleTimeMs: 0,
    errorCode: 0,
    errorMessage: null,
    endpointType: 1,
    clusterId: 'MkU3OEVBNTcwNTJENDM2Qg',
    controllerId: 1,
    brokers: [{ brokerId: 1, host: '127.0.0.1', port: b.port, rack: null }],
    // CREATE, ALTER, DESCRIBE, CLUSTER_ACTION, DESCRIBE_CONFIGS, ALTER_CONFIGS, IDEMPOTENT_WRITE: all allowed without an authorizer.
    clusterAuthorizedOperations: 8096,
  });
});
