import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PERSISTENT_ZK_PATHS,
  ZkPaths,
  decodeBrokerRegistration,
  decodeClusterId,
  decodeConfigChangeNotification,
  decodeConfigEntity,
  decodeController,
  decodeControllerEpoch,
  decodeFeature,
  decodeIsrChangeNotification,
  decodeLogDirEvent,
  decodePartitionState,
  decodePreferredReplicaElection,
  decodeProducerIdBlock,
  decodeReassignPartitions,
  decodeTopicAssignment,
  encodeBrokerRegistration,
  encodeClusterId,
  encodeConfigChangeNotification,
  encodeConfigEntity,
  encodeController,
  encodeControllerEpoch,
  encodeFeature,
  encodeIsrChangeNotification,
  encodeLogDirEvent,
  encodePartitionState,
  encodePreferredReplicaElection,
  encodeProducerIdBlock,
  encodeReassignPartitions,
  encodeTopicAssignment,
  replicaAssignment,
  sequenceNumberOf,
} from '../../../../src/kafka/zk/zk-data.js';
import { KafkaZkDataError } from '../../../../src/kafka/zk/errors.js';
import { randomUuidBase64, uuidFromBase64, uuidToBase64 } from '../../../../src/kafka/zk/uuid.js';

const text = (b: Buffer) => b.toString('utf8');

test('paths of the Kafka 2.8 layout', () => {
  assert.equal(ZkPaths.partitionState('t', 3), '/brokers/topics/t/partitions/3/state');
  assert.equal(ZkPaths.brokerId(7), '/brokers/ids/7');
  assert.equal(ZkPaths.configEntity('topics', 't'), '/config/topics/t');
  assert.equal(ZkPaths.deleteTopic('t'), '/admin/delete_topics/t');
  assert.equal(ZkPaths.isrChange('0000000004'), '/isr_change_notification/isr_change_0000000004');
  assert.deepEqual([...PERSISTENT_ZK_PATHS].sort(), [
    '/admin/delete_topics', '/brokers/ids', '/brokers/seqid', '/brokers/topics', '/config/brokers', '/config/changes',
    '/config/clients', '/config/ips', '/config/topics', '/config/users', '/consumers', '/isr_change_notification',
    '/latest_producer_id_block', '/log_dir_event_notification',
  ]);
  assert.equal(sequenceNumberOf('isr_change_0000000012', 'isr_change_'), '0000000012');
});

test('/controller and /controller_epoch', () => {
  assert.equal(text(encodeController(1, 1620000000000)), '{"version":1,"brokerid":1,"timestamp":"1620000000000"}');
  assert.equal(decodeController(Buffer.from('{"version":1,"brokerid":2,"timestamp":"1"}')), 2);
  assert.equal(decodeController(Buffer.from('3')), 3, 'pre-0.8.2 bare id');
  assert.equal(text(encodeControllerEpoch(12)), '12');
  assert.equal(decodeControllerEpoch(Buffer.from('12')), 12);
  assert.throws(() => decodeControllerEpoch(Buffer.from('x')), KafkaZkDataError);
});

const v5 = {
  version: 5,
  endpoints: [
    { listenerName: 'PLAINTEXT', host: 'h1', port: 9092, securityProtocol: 'PLAINTEXT' },
    { listenerName: 'REPL', host: '::1', port: 9093, securityProtocol: 'SSL' },
  ],
  rack: 'r1',
  jmxPort: -1,
  timestamp: '1620000000000',
  features: {},
};

test('broker registration v5 and v4: exact JSON, round trip', () => {
  assert.equal(
    text(encodeBrokerRegistration(v5)),
    '{"version":5,"host":"h1","port":9092,"jmx_port":-1,"timestamp":"1620000000000","endpoints":["PLAINTEXT://h1:9092","REPL://[::1]:9093"],' +
      '"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT","REPL":"SSL"},"rack":"r1","features":{}}',
  );
  const v4 = { ...v5, version: 4, rack: null, endpoints: [v5.endpoints[1]!] };
  assert.equal(
    text(encodeBrokerRegistration(v4)),
    '{"version":4,"host":null,"port":-1,"jmx_port":-1,"timestamp":"1620000000000","endpoints":["REPL://[::1]:9093"],"listener_security_protocol_map":{"REPL":"SSL"}}',
  );
  assert.deepEqual(decodeBrokerRegistration(0, encodeBrokerRegistration(v5)), { id: 0, ...v5 });
  assert.deepEqual(decodeBrokerRegistration(0, encodeBrokerRegistration(v4)), { id: 0, ...v4, features: {} });
});

test('broker registration: older versions are read', () => {
  const v1 = decodeBrokerRegistration(3, Buffer.from('{"version":1,"host":"a","port":9092,"jmx_port":9999,"timestamp":"22"}'));
  assert.deepEqual(v1.endpoints, [{ listenerName: 'PLAINTEXT', host: 'a', port: 9092, securityProtocol: 'PLAINTEXT' }]);
  const v3 = decodeBrokerRegistration(3, Buffer.from('{"version":3,"host":"a","port":9092,"jmx_port":-1,"timestamp":"22","endpoints":["PLAINTEXT://a:9092","SSL://a:9093"],"rack":"dc1"}'));
  assert.deepEqual(v3.endpoints.map((e) => e.securityProtocol), ['PLAINTEXT', 'SSL']);
  assert.equal(v3.rack, 'dc1');
  const withFeatures = decodeBrokerRegistration(1, Buffer.from('{"version":5,"host":"a","port":1,"jmx_port":-1,"timestamp":"2","endpoints":["PLAINTEXT://a:1"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"features":{"f":{"min_version":1,"max_version":3}}}'));
  assert.deepEqual(withFeatures.features, { f: { minVersion: 1, maxVersion: 3 } });
  assert.throws(() => decodeBrokerRegistration(1, Buffer.from('{"version":2,"jmx_port":-1,"endpoints":["CLIENT://a:1"]}')), /no security protocol known for listener CLIENT/);
  assert.throws(() => decodeBrokerRegistration(1, Buffer.from('nope')), /Failed to parse ZooKeeper registration for broker 1: nope/);
});

test('topic assignment: v3 with topic id, v2 without; v1/v2/v3 read', () => {
  const parts = new Map([
    [1, replicaAssignment([2, 3])],
    [0, replicaAssignment([1, 2], [2], [3])],
  ]);
  assert.equal(
    text(encodeTopicAssignment('AAAAAAAAAAAAAAAAAAAAAQ', parts)),
    '{"version":3,"topic_id":"AAAAAAAAAAAAAAAAAAAAAQ","partitions":{"0":[1,2],"1":[2,3]},"adding_replicas":{"0":[2]},"removing_replicas":{"0":[3]}}',
  );
  assert.equal(text(encodeTopicAssignment(null, new Map([[0, replicaAssignment([1])]]))), '{"version":2,"partitions":{"0":[1]},"adding_replicas":{},"removing_replicas":{}}');
  const v1 = decodeTopicAssignment('t', Buffer.from('{"version":1,"partitions":{"1":[0,1],"0":[1,0]}}'));
  assert.equal(v1.topicId, null);
  assert.deepEqual([...v1.partitions.entries()], [[0, replicaAssignment([1, 0])], [1, replicaAssignment([0, 1])]]);
  const v3 = decodeTopicAssignment('t', encodeTopicAssignment('AAAAAAAAAAAAAAAAAAAAAQ', parts));
  assert.equal(v3.topicId, 'AAAAAAAAAAAAAAAAAAAAAQ');
  assert.deepEqual(v3.partitions.get(0), replicaAssignment([1, 2], [2], [3]));
  assert.equal(decodeTopicAssignment('t', null).partitions.size, 0);
  assert.throws(() => decodeTopicAssignment('t', Buffer.from('{"version":3,"topic_id":"short","partitions":{}}')), /Invalid UUID string: short/);
});

test('partition state: exact JSON and round trip', () => {
  const s = { controllerEpoch: 1, leader: 0, leaderEpoch: 0, isr: [0, 1] };
  assert.equal(text(encodePartitionState(s)), '{"controller_epoch":1,"leader":0,"version":1,"leader_epoch":0,"isr":[0,1]}');
  assert.deepEqual(decodePartitionState('t', 0, Buffer.from('{"version":1,"isr":[0,1],"leader":0,"controller_epoch":1,"leader_epoch":0}')), s);
  assert.throws(() => decodePartitionState('t', 0, Buffer.from('{"version":1}')), /\/brokers\/topics\/t\/partitions\/0\/state: "leader" must be an integer/);
});

test('config entities and change notifications', () => {
  assert.equal(text(encodeConfigEntity({ 'retention.ms': '86400000' })), '{"version":1,"config":{"retention.ms":"86400000"}}');
  assert.equal(text(encodeConfigEntity({})), '{"version":1,"config":{}}');
  assert.deepEqual(decodeConfigEntity(Buffer.from('{"version":1,"config":{"a":"1"}}')), { a: '1' });
  assert.deepEqual(decodeConfigEntity(null), {});
  assert.equal(text(encodeConfigChangeNotification('topics/t')), '{"version":2,"entity_path":"topics/t"}');
  assert.equal(decodeConfigChangeNotification(Buffer.from('{"version":1,"entity_type":"topics","entity_name":"t"}')), 'topics/t');
  assert.equal(decodeConfigChangeNotification(Buffer.from('{"version":2,"entity_path":"brokers/<default>"}')), 'brokers/<default>');
});

test('admin requests and notifications', () => {
  const r = [{ topic: 't', partition: 0, replicas: [1, 2] }];
  assert.equal(text(encodeReassignPartitions(r)), '{"version":1,"partitions":[{"topic":"t","partition":0,"replicas":[1,2]}]}');
  assert.deepEqual(decodeReassignPartitions(encodeReassignPartitions(r)), r);
  const tps = [{ topic: 't', partition: 0 }];
  assert.equal(text(encodePreferredReplicaElection(tps)), '{"version":1,"partitions":[{"topic":"t","partition":0}]}');
  assert.deepEqual(decodePreferredReplicaElection(encodePreferredReplicaElection(tps)), tps);
  assert.equal(text(encodeIsrChangeNotification(tps)), '{"version":1,"partitions":[{"topic":"t","partition":0}]}');
  assert.deepEqual(decodeIsrChangeNotification(encodeIsrChangeNotification(tps)), tps);
  assert.equal(text(encodeLogDirEvent(4)), '{"version":1,"broker":4,"event":1}');
  assert.equal(decodeLogDirEvent(encodeLogDirEvent(4)), 4);
});

test('producer id block, feature, cluster id', () => {
  const block = { brokerId: 1, blockStart: 1000n, blockEnd: 1999n };
  assert.equal(text(encodeProducerIdBlock(block)), '{"version":1,"broker":1,"block_start":"1000","block_end":"1999"}');
  assert.deepEqual(decodeProducerIdBlock(encodeProducerIdBlock(block)), block);
  assert.equal(text(encodeFeature({ status: 1, features: {} })), '{"version":1,"status":1,"features":{}}');
  const f = { status: 0 as const, features: { x: { minVersionLevel: 1, maxVersionLevel: 2 } } };
  assert.equal(text(encodeFeature(f)), '{"version":1,"status":0,"features":{"x":{"min_version_level":1,"max_version_level":2}}}');
  assert.deepEqual(decodeFeature(encodeFeature(f)), f);
  assert.equal(text(encodeClusterId('MkU3OEVBNTcwNTJENDM2Qg')), '{"version":"1","id":"MkU3OEVBNTcwNTJENDM2Qg"}');
  assert.equal(decodeClusterId(Buffer.from('{"version":"1","id":"abc"}')), 'abc');
});

test('uuids are 22-char URL-safe base64 of 16 bytes, version 4', () => {
  const bytes = Buffer.alloc(16, 0xff);
  const id = randomUuidBase64(bytes);
  assert.equal(id.length, 22);
  assert.match(id, /^[A-Za-z0-9_-]{22}$/);
  const back = uuidFromBase64(id);
  assert.equal(back[6]! >> 4, 4, 'version nibble');
  assert.equal(back[8]! >> 6, 2, 'IETF variant');
  assert.equal(uuidToBase64(Buffer.alloc(16)), 'AAAAAAAAAAAAAAAAAAAAAA');
  assert.equal(uuidToBase64(Buffer.from('fbfffffffffffffffbffffffffffffff', 'hex')), '-__________7_________w', 'url-safe alphabet, no padding');
  assert.throws(() => uuidFromBase64('AAAA'), /Invalid UUID string/);
});
