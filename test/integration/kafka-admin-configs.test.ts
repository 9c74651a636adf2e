// Topic and broker configs through the admin APIs of an in-process broker over our ZooKeeper server: what
// DescribeConfigs reports (sources, synonyms, documentation), what AlterConfigs / IncrementalAlterConfigs write
// (/config/topics/<t> and the /config/changes sequential notification, byte for byte), Kafka's error texts, and
// topic auto-creation by Metadata seen through kcat.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { execFile, spawnSync } from 'node:child_process';
import { promisify } from 'node:util';
import kafkajs, { type Admin } from 'kafkajs';

const { ConfigResourceTypes, Kafka, logLevel } = kafkajs;
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { startAdminBroker, type AdminBroker } from '../support/admin-broker.js';

let b: AdminBroker;
let admin: Admin;

before(async () => {
  b = await startAdminBroker(['log.retention.hours=72', 'log.segment.bytes=536870912', 'num.partitions=3']);
  admin = new Kafka({ clientId: 'admin-test', brokers: [`127.0.0.1:${b.port}`], logLevel: logLevel.NOTHING, retry: { retries: 1 } }).admin();
  await admin.connect();
  await admin.createTopics({ topics: [{ topic: 'events', numPartitions: 1, configEntries: [{ name: 'retention.ms', value: '3600000' }] }] });
});

after(async () => {
  await admin?.disconnect().catch(() => {});
  await b?.stop();
});

async function znode(path: string): Promise<string | null> {
  if ((await b.zk.exists(path)) === null) return null;
  const { data } = await b.zk.getData(path);
  return data === null ? '' : data.toString('utf8');
}

test('kafkajs describeConfigs of a topic: override, static broker value and Kafka default, each with its source', async () => {
  const { resources } = await admin.describeConfigs({ includeSynonyms: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'events' }] });
  assert.equal(resources.length, 1);
  const [r] = resources;
  assert.deepEqual([r!.errorCode, r!.resourceName], [0, 'events']);
  const entry = (name: string) => r!.configEntries.find((c) => c.configName === name);
  assert.deepEqual(entry('retention.ms'), {
    configName: 'retention.ms',
    configValue: '3600000',
    readOnly: false,
    isDefault: false,
    configSource: 1,
    isSensitive: false,
    configSynonyms: [{ configName: 'retention.ms', configValue: '3600000', configSource: 1 }],
  });
  assert.deepEqual(entry('segment.bytes'), {
    configName: 'segment.bytes',
    configValue: '536870912',
    readOnly: false,
    isDefault: false,
    configSource: 4,
    isSensitive: false,
    configSynonyms: [
      { configName: 'log.segment.bytes', configValue: '536870912', configSource: 4 },
      { configName: 'log.segment.bytes', configValue: '1073741824', configSource: 5 },
    ],
  });
  assert.deepEqual(entry('min.cleanable.dirty.ratio')?.configValue, '0.5');
  assert.deepEqual(entry('cleanup.policy')?.configSynonyms, [{ configName: 'log.cleanup.policy', configValue: 'delete', configSource: 5 }]);
  assert.equal(r!.configEntries.length, 26);
});

test('DescribeConfigs v3: broker resource with read-only flags, sensitive values hidden, documentation; errors per resource', async () => {
  const res = await b.call(ApiKey.DescribeConfigs, 3, {
    includeSynonyms: true,
    includeDocumentation: true,
    resources: [
      { resourceType: 4, resourceName: String(b.brokerId), configurationKeys: ['num.partitions', 'log.retention.hours', 'log.retention.ms', 'ssl.key.password', 'log.cleaner.threads'] },
      { resourceType: 4, resourceName: '99', configurationKeys: null },
      { resourceType: 2, resourceName: 'no-such-topic', configurationKeys: null },
      { resourceType: 2, resourceName: 'events', configurationKeys: ['retention.ms'] },
      { resourceType: 3, resourceName: 'g', configurationKeys: null },
    ],
  });
  const [broker, other, missing, topic, group] = res.results;
  const strip = (c: NonNullable<typeof broker>['configs'][number]) => {
    const { isDefault: _ignored, ...rest } = c;
    return { ...rest, documentation: c.documentation === null ? null : 'doc' };
  };
  const byName = (a: { name: string }, c: { name: string }) => a.name.localeCompare(c.name);
  assert.deepEqual(broker!.configs.map(strip).sort(byName), [
    { name: 'num.partitions', value: '3', readOnly: true, configSource: 4, isSensitive: false, synonyms: [{ name: 'num.partitions', value: '3', source: 4 }, { name: 'num.partitions', value: '1', source: 5 }], configType: 3, documentation: 'doc' },
    { name: 'log.retention.hours', value: '72', readOnly: true, configSource: 4, isSensitive: false, synonyms: [{ name: 'log.retention.hours', value: '72', source: 4 }, { name: 'log.retention.hours', value: '168', source: 5 }], configType: 3, documentation: 'doc' },
    // Kafka drops synonyms before the described key itself: log.retention.ms is unset, so it has none.
    { name: 'log.retention.ms', value: null, readOnly: false, configSource: 5, isSensitive: false, synonyms: [], configType: 5, documentation: 'doc' },
    { name: 'log.cleaner.threads', value: '1', readOnly: false, configSource: 5, isSensitive: false, synonyms: [{ name: 'log.cleaner.threads', value: '1', source: 5 }], configType: 3, documentation: 'doc' },
    { name: 'ssl.key.password', value: null, readOnly: false, configSource: 5, isSensitive: true, synonyms: [], configType: 9, documentation: 'doc' },
  ].sort(byName));
  assert.deepEqual([other!.errorCode, other!.errorMessage], [ErrorCode.INVALID_REQUEST, `Unexpected broker id, expected ${b.brokerId} or empty string, but received 99`]);
  assert.deepEqual([missing!.errorCode, missing!.errorMessage, missing!.configs], [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, null, []]);
  assert.deepEqual(topic!.configs.map((c) => [c.name, c.value, c.configSource, c.configType, typeof c.documentation]), [['retention.ms', '3600000', 1, 5, 'string']]);
  assert.deepEqual([group!.errorCode, group!.errorMessage], [ErrorCode.INVALID_REQUEST, 'Unsupported resource type: GROUP']);
});

test('kafkajs alterConfigs replaces the overrides and writes a version 2 change notification', async () => {
  await admin.alterConfigs({ validateOnly: false, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'events', configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'max.message.bytes', value: '2000000' }] }] });
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact","max.message.bytes":"2000000"}}');
  const changes = await b.zk.getChildren('/config/changes');
  assert.deepEqual(changes, ['config_change_0000000000']);
  assert.equal(await znode('/config/changes/config_change_0000000000'), '{"version":2,"entity_path":"topics/events"}');

  await admin.alterConfigs({ validateOnly: true, resources: [{ type: ConfigResourceTypes.TOPIC, name: 'events', configEntries: [{ name: 'retention.ms', value: '1' }] }] });
  assert.deepEqual(await b.zk.getChildren('/config/changes'), ['config_change_0000000000'], 'validate_only writes nothing');
});

test('AlterConfigs answers Kafka\'s codes and texts for bad values, unknown keys, unknown topics and resource types', async () => {
  const res = await b.call(ApiKey.AlterConfigs, 1, {
    validateOnly: false,
    resources: [
      { resourceType: 2, resourceName: 'events', configs: [{ name: 'retention.ms', value: 'abc' }] },
      { resourceType: 2, resourceName: 'events', configs: [{ name: 'retention.ms', value: '-2' }] },
      { resourceType: 2, resourceName: 'events', configs: [{ name: 'no.such.key', value: '1' }] },
      { resourceType: 2, resourceName: 'nowhere', configs: [{ name: 'retention.ms', value: '1' }] },
      { resourceType: 2, resourceName: 'events', configs: [{ name: 'compression.type', value: 'brotli' }] },
      { resourceType: 3, resourceName: 'g', configs: [] },
      { resourceType: 4, resourceName: String(b.brokerId), configs: [{ name: 'num.partitions', value: '5' }] },
    ],
  });
  const t = "ConfigResource(type=TOPIC, name='events')";
  assert.deepEqual(res.responses.map((r) => [r.errorCode, r.errorMessage]), [
    [ErrorCode.INVALID_REQUEST, `Invalid config value for resource ${t}: Invalid value abc for configuration retention.ms: Not a number of type LONG`],
    [ErrorCode.INVALID_REQUEST, `Invalid config value for resource ${t}: Invalid value -2 for configuration retention.ms: Value must be at least -1`],
    [ErrorCode.INVALID_CONFIG, 'Unknown topic config name: no.such.key'],
    [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, "Topic 'nowhere' does not exist."],
    [ErrorCode.INVALID_REQUEST, `Invalid config value for resource ${t}: Invalid value brotli for configuration compression.type: String must be one of: uncompressed, zstd, lz4, snappy, gzip, producer`],
    [ErrorCode.INVALID_REQUEST, 'AlterConfigs is only supported for topics and brokers, but resource type is GROUP'],
    [ErrorCode.INVALID_REQUEST, `Invalid config value for resource ConfigResource(type=BROKER, name='${b.brokerId}'): Cannot update these configs dynamically: Set(num.partitions)`],
  ]);
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact","max.message.bytes":"2000000"}}');
});

test('IncrementalAlterConfigs: SET, DELETE, APPEND to a list, and the cluster-wide broker default', async () => {
  const res = await b.call(ApiKey.IncrementalAlterConfigs, 1, {
    validateOnly: false,
    resources: [
      {
        resourceType: 2,
        resourceName: 'events',
        configs: [
          { name: 'max.message.bytes', configOperation: 1, value: null },
          { name: 'cleanup.policy', configOperation: 2, value: 'delete' },
          { name: 'retention.ms', configOperation: 0, value: '7200000' },
        ],
      },
      { resourceType: 2, resourceName: 'events', configs: [{ name: 'retention.ms', configOperation: 2, value: '1' }] },
      { resourceType: 4, resourceName: '', configs: [{ name: 'log.cleaner.threads', configOperation: 0, value: '2' }] },
    ],
  });
  assert.deepEqual(res.responses.map((r) => [r.errorCode, r.errorMessage]), [
    [ErrorCode.NONE, null],
    [ErrorCode.INVALID_REQUEST, 'Config value append is not allowed for config key: retention.ms'],
    [ErrorCode.NONE, null],
  ]);
  assert.equal(await znode('/config/topics/events'), '{"version":1,"config":{"cleanup.policy":"compact,delete","retention.ms":"7200000"}}');
  assert.equal(await znode('/config/brokers/<default>'), '{"version":1,"config":{"log.cleaner.threads":"2"}}');
  const changes = (await b.zk.getChildren('/config/changes')).sort();
  assert.deepEqual(changes, ['config_change_0000000000', 'config_change_0000000001', 'config_change_0000000002']);
  assert.equal(await znode('/config/changes/config_change_0000000002'), '{"version":2,"entity_path":"brokers/<default>"}');

  const described = await b.call(ApiKey.DescribeConfigs, 1, { includeSynonyms: true, resources: [{ resourceType: 4, resourceName: '', configurationKeys: null }] });
  assert.deepEqual(described.results[0]!.configs.map((c) => [c.name, c.value, c.configSource, c.synonyms]), [
    ['log.cleaner.threads', '2', 3, [{ name: 'log.cleaner.threads', value: '2', source: 3 }]],
  ]);
});

test('Metadata auto-creates unknown topics when allowed (LEADER_NOT_AVAILABLE first), internal ones only with enough brokers alive', async () => {
  const first = await b.call(ApiKey.Metadata, 9, {
    topics: [
      { name: 'auto-1', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { name: '__transaction_state', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { name: '__consumer_offsets', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
      { name: 'bad/name', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' },
    ],
    allowAutoTopicCreation: true,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  assert.deepEqual(first.topics.map((t) => [t.name, t.errorCode, t.isInternal]), [
    ['auto-1', ErrorCode.LEADER_NOT_AVAILABLE, false],
    // transaction.state.log.replication.factor=3 and offsets.topic.replication.factor=3 with one broker alive.
    ['__transaction_state', ErrorCode.INVALID_REPLICATION_FACTOR, true],
    ['__consumer_offsets', ErrorCode.INVALID_REPLICATION_FACTOR, true],
    ['bad/name', ErrorCode.INVALID_TOPIC_EXCEPTION, false],
  ]);
  assert.match((await znode('/brokers/topics/auto-1'))!, /^\{"version":3,"topic_id":"[\w-]{22}","partitions":\{"0":\[1\],"1":\[1\],"2":\[1\]\},"adding_replicas":\{\},"removing_replicas":\{\}\}$/);
  assert.equal(await znode('/config/topics/auto-1'), '{"version":1,"config":{}}');

  const refused = await b.call(ApiKey.Metadata, 9, {
    topics: [{ name: 'auto-2', topicId: 'AAAAAAAAAAAAAAAAAAAAAA' }],
    allowAutoTopicCreation: false,
    includeClusterAuthorizedOperations: false,
    includeTopicAuthorizedOperations: false,
  });
  assert.deepEqual(refused.topics.map((t) => [t.name, t.errorCode]), [['auto-2', ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]]);
  assert.equal(await znode('/brokers/topics/auto-2'), null);
});

const kcat = spawnSync('kcat', ['-V']).status === 0;

/** kcat run without blocking the event loop the in-process broker answers on. */
async function runKcat(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  try {
    const { stdout, stderr } = await promisify(execFile)('kcat', args, { encoding: 'utf8', timeout: 30_000 });
    return { code: 0, stdout, stderr };
  } catch (err) {
    const e = err as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? String(err) };
  }
}

test('kcat -L -t creates the topic by auto-creation and then lists it with its leaders', { skip: kcat ? false : 'kcat is not installed' }, async () => {
  await runKcat(['-L', '-b', `127.0.0.1:${b.port}`, '-t', 'kcat-auto', '-m', '10']);
  await b.until(() => b.metadata.topic('kcat-auto') !== undefined, 'kcat-auto in the metadata');
  const listed = await runKcat(['-L', '-b', `127.0.0.1:${b.port}`, '-t', 'kcat-auto', '-m', '10']);
  assert.equal(listed.code, 0, listed.stderr);
  assert.match(
    listed.stdout,
    /^ 1 topics:\n {2}topic "kcat-auto" with 3 partitions:\n {4}partition 0, leader 1, replicas: 1, isrs: 1\n {4}partition 1, leader 1, replicas: 1, isrs: 1\n {4}partition 2, leader 1, replicas: 1, isrs: 1$/m,
  );
});

test('a topic\'s overrides in /config/topics are the config of its logs; a topic without overrides gets the broker\'s', async () => {
  await admin.createTopics({ topics: [
    { topic: 'logs-compact', configEntries: [{ name: 'cleanup.policy', value: 'compact' }, { name: 'segment.bytes', value: '1048576' }] },
    { topic: 'logs-plain' },
  ] });
  const logOf = (topic: string) => b.server.replicaManager.getPartition(topic, 0)?.log;
  await b.until(() => logOf('logs-compact') !== undefined && logOf('logs-plain') !== undefined, 'both topics\' logs');
  assert.deepEqual([logOf('logs-compact')!.config.cleanupPolicy, logOf('logs-compact')!.config.segmentBytes], [['compact'], 1048576]);
  // The broker's default as it stands (an earlier test set a dynamic one), which DescribeConfigs reports too.
  const described = await admin.describeConfigs({ resources: [{ type: ConfigResourceTypes.TOPIC, name: 'logs-plain', configNames: ['segment.bytes'] }], includeSynonyms: false });
  const segmentBytes = Number(described.resources[0]!.configEntries[0]!.configValue);
  assert.deepEqual([logOf('logs-plain')!.config.cleanupPolicy, logOf('logs-plain')!.config.segmentBytes], [['delete'], segmentBytes]);
});

test('DescribeLogDirs reports the broker\'s log dir with each partition it holds, its size and offset lag', async () => {
  const res = await b.call(ApiKey.DescribeLogDirs, 2, { topics: [{ topic: 'logs-compact', partitions: [0] }, { topic: 'nope', partitions: [0] }] });
  assert.deepEqual(res.results.map((r) => [r.errorCode, r.logDir]), [[ErrorCode.NONE, b.server.logDirs[0]]]);
  const log = b.server.replicaManager.getPartition('logs-compact', 0)!.log;
  assert.deepEqual(res.results[0]!.topics, [
    { name: 'logs-compact', partitions: [{ partitionIndex: 0, partitionSize: BigInt(log.sizeBytes), offsetLag: 0n, isFutureKey: false }] },
  ]);
});
