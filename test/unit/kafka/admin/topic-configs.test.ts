import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseKafkaConfig } from '../../../../src/config/kafka-config.js';
import { describeTopicConfigs, describeBrokerConfigs } from '../../../../src/kafka/admin/config-describer.js';
import { TOPIC_CONFIGS, TopicConfigError, TopicConfigValueError, validateTopicConfigs } from '../../../../src/kafka/admin/topic-config-defs.js';
import { topicNameProblem, hasCollision } from '../../../../src/kafka/admin/topic-name.js';

const config = parseKafkaConfig('zookeeper.connect=x:1\nlog.dirs=/tmp/x\nlog.retention.minutes=30\n', 'server.properties');
const layers = { values: config.values, staticKeys: new Set(config.sources.keys()), dynamicBroker: {}, dynamicDefault: {} };

function problem(props: Record<string, string>): string {
  try {
    validateTopicConfigs(props, config.values);
    return 'ok';
  } catch (err) {
    assert.ok(err instanceof TopicConfigValueError || err instanceof TopicConfigError);
    return (err as Error).message;
  }
}

test('topic config values are checked with ConfigDef\'s texts, type by type', () => {
  const cases: [Record<string, string>, string][] = [
    [{ 'segment.bytes': '13' }, 'Invalid value 13 for configuration segment.bytes: Value must be at least 14'],
    [{ 'segment.bytes': '2147483648' }, 'Invalid value 2147483648 for configuration segment.bytes: Not a number of type INT'],
    [{ 'retention.ms': '1.5' }, 'Invalid value 1.5 for configuration retention.ms: Not a number of type LONG'],
    [{ 'retention.ms': ' 86400000 ' }, 'ok'],
    [{ 'retention.bytes': '-5' }, 'ok'],
    [{ preallocate: 'yes' }, 'Invalid value yes for configuration preallocate: Expected value to be either true or false'],
    [{ preallocate: 'TRUE' }, 'ok'],
    [{ 'min.cleanable.dirty.ratio': 'x' }, 'Invalid value x for configuration min.cleanable.dirty.ratio: Not a number of type DOUBLE'],
    [{ 'min.cleanable.dirty.ratio': '-1' }, 'Invalid value -1.0 for configuration min.cleanable.dirty.ratio: Value must be at least 0'],
    [{ 'message.timestamp.type': 'createtime' }, 'Invalid value createtime for configuration message.timestamp.type: String must be one of: CreateTime, LogAppendTime'],
    [{ 'message.format.version': '3.0' }, 'Invalid value 3.0 for configuration message.format.version: Version `3.0` is not a valid version'],
    [{ 'message.format.version': '0.10.2' }, 'ok'],
    [{ 'leader.replication.throttled.replicas': '0:1,1:2' }, 'ok'],
    [{ 'leader.replication.throttled.replicas': '*' }, 'ok'],
    [{ 'follower.replication.throttled.replicas': 'a:b' }, "Invalid value [a:b] for configuration follower.replication.throttled.replicas: follower.replication.throttled.replicas must be the literal '*' or a list of replicas in the following format: [partitionId]:[brokerId],[partitionId]:[brokerId],..."],
    [{ 'min.insync.replicas': '0' }, 'Invalid value 0 for configuration min.insync.replicas: Value must be at least 1'],
    [{ 'max.compaction.lag.ms': '0' }, 'Invalid value 0 for configuration max.compaction.lag.ms: Value must be at least 1'],
    [{ 'retention.ms': 'abc', 'unknown.key': '1' }, 'Unknown topic config name: unknown.key'],
  ];
  for (const [props, expected] of cases) assert.equal(problem(props), expected, JSON.stringify(props));
});

test('every topic config is described; without overrides each comes from the broker, sources and synonyms as Kafka gives them', () => {
  assert.equal(TOPIC_CONFIGS.length, 26);
  const described = describeTopicConfigs({ 'cleanup.policy': 'compact' }, layers);
  const row = (name: string) => {
    const d = described.find((c) => c.name === name)!;
    return [d.value, d.source, d.synonyms.map((s) => `${s.name}=${s.value}@${s.source}`)];
  };
  // log.retention.minutes set: retention.ms follows it, yet Kafka lists no synonyms once log.retention.ms is unset.
  assert.deepEqual(row('retention.ms'), ['1800000', 5, []]);
  assert.deepEqual(row('flush.ms'), ['9223372036854775807', 5, []]);
  assert.deepEqual(row('segment.bytes'), ['1073741824', 5, ['log.segment.bytes=1073741824@5']]);
  assert.deepEqual(row('cleanup.policy'), ['compact', 1, ['cleanup.policy=compact@1', 'log.cleanup.policy=delete@5']]);
  assert.deepEqual(row('min.cleanable.dirty.ratio'), ['0.5', 5, ['log.cleaner.min.cleanable.ratio=0.5@5']]);
  assert.deepEqual(row('leader.replication.throttled.replicas'), ['', 5, []]);
});

test('broker configs: static keys are STATIC_BROKER_CONFIG with the default as the next synonym; secrets are hidden', () => {
  const described = describeBrokerConfigs(layers, true);
  const minutes = described.find((c) => c.name === 'log.retention.minutes')!;
  assert.deepEqual([minutes.value, minutes.source, minutes.readOnly, minutes.synonyms.map((s) => `${s.name}@${s.source}`)], ['30', 4, true, ['log.retention.minutes@4', 'log.retention.hours@5']]);
  const password = described.find((c) => c.name === 'ssl.key.password')!;
  assert.deepEqual([password.value, password.isSensitive, password.configType], [null, true, 9]);
  assert.equal(describeBrokerConfigs(layers, false).length, 0, 'no cluster-wide dynamic defaults');
});

test('broker configs: the replication throttle rates set dynamically are listed, typed LONG, read-only and not secret', () => {
  const dynamic = { ...layers, dynamicBroker: { 'leader.replication.throttled.rate': '20000' }, dynamicDefault: { 'follower.replication.throttled.rate': '300' } };
  const brief = (c: ReturnType<typeof describeBrokerConfigs>[number] | undefined) =>
    c && [c.value, c.source, c.readOnly, c.isSensitive, c.configType, c.synonyms.map((s) => `${s.name}=${s.value}@${s.source}`)];
  const perBroker = describeBrokerConfigs(dynamic, true);
  assert.deepEqual(brief(perBroker.find((c) => c.name === 'leader.replication.throttled.rate')), ['20000', 2, true, false, 5, ['leader.replication.throttled.rate=20000@2']]);
  assert.deepEqual(brief(perBroker.find((c) => c.name === 'follower.replication.throttled.rate')), ['300', 3, true, false, 5, ['follower.replication.throttled.rate=300@3']]);
  assert.equal(perBroker.find((c) => c.name === 'replica.alter.log.dirs.io.max.bytes.per.second'), undefined, 'unset: not listed');
  assert.deepEqual(brief(describeBrokerConfigs(dynamic, false)[0]), ['300', 3, true, false, 5, ['follower.replication.throttled.rate=300@3']]);
  assert.equal(describeBrokerConfigs(layers, true).some((c) => c.name.endsWith('.throttled.rate')), false);
});

test('topic names: Kafka\'s texts and the . / _ collision', () => {
  assert.equal(topicNameProblem('ok.name_1-x'), null);
  assert.equal(topicNameProblem(''), "Topic name is illegal, it can't be empty");
  assert.equal(topicNameProblem('a'.repeat(249)), null);
  assert.equal(topicNameProblem('é'), `Topic name "é" is illegal, it contains a character other than ASCII alphanumerics, '.', '_' and '-'`);
  assert.ok(hasCollision('a.b_c', 'a_b.c'));
  assert.ok(!hasCollision('a.b', 'a-b'));
});

test('a dynamic broker default in force is the topic default, with its source first', () => {
  const described = describeTopicConfigs({}, { ...layers, dynamicDefault: { 'log.retention.ms': '5000' } });
  const retention = described.find((c) => c.name === 'retention.ms')!;
  assert.deepEqual([retention.value, retention.source, retention.synonyms.map((s) => `${s.name}=${s.value}@${s.source}`)], [
    '5000',
    3,
    ['log.retention.ms=5000@3', 'log.retention.minutes=30@4', 'log.retention.hours=168@5'],
  ]);
});
