import { test } from 'node:test';
import assert from 'node:assert/strict';
import { describeText, selectDescribed, type DescribeFilter, type TopicDescription } from '../../../../src/kafka/tools/topics/topic-description.js';
import { includeListPattern, selectTopics } from '../../../../src/kafka/tools/topics/topic-filter.js';

const NONE: DescribeFilter = { reportUnderReplicated: false, reportUnavailable: false, reportUnderMinIsr: false, reportAtMinIsr: false, reportOverriddenConfigs: false, liveBrokers: new Set([1, 2, 3]) };

const topic: TopicDescription = {
  name: 't',
  topicId: 'r3uOSjvHTA-M2Y2pVTLEqA',
  partitionCount: 3,
  replicationFactor: 2,
  configs: [['retention.ms', '1000']],
  markedForDeletion: false,
  partitions: [
    { partition: 0, leader: 1, replicas: [1, 2], isr: [1, 2], minIsr: 2 },
    { partition: 1, leader: 2, replicas: [2, 3, 1], isr: [2, 3], replicationFactor: 2, addingReplicas: [1], removingReplicas: [3], minIsr: 2 },
    { partition: 2, leader: null, replicas: [3, 1], isr: [3], minIsr: 2 },
  ],
};

test("Kafka 2.8's describe lines, with a reassignment's replicas and no leader", () => {
  assert.equal(
    describeText([selectDescribed(topic, NONE)]),
    'Topic: t\tTopicId: r3uOSjvHTA-M2Y2pVTLEqA\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: retention.ms=1000\n' +
      '\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\n' +
      '\tTopic: t\tPartition: 1\tLeader: 2\tReplicas: 2,3,1\tIsr: 2,3\tAdding Replicas: 1\tRemoving Replicas: 3\n' +
      '\tTopic: t\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: 3\n',
  );
  const noId = { ...topic, topicId: null, markedForDeletion: true, partitions: [topic.partitions[0]!] };
  assert.equal(
    describeText([selectDescribed(noId, NONE)]),
    'Topic: t\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: retention.ms=1000\tMarkedForDeletion: true\n\tTopic: t\tPartition: 0\tLeader: 1\tReplicas: 1,2\tIsr: 1,2\tMarkedForDeletion: true\n',
  );
});

test('the report filters pick partitions as DescribeOptions does', () => {
  const partitionsOf = (f: Partial<DescribeFilter>) => {
    const d = selectDescribed(topic, { ...NONE, ...f });
    return { header: d.showHeader, partitions: d.partitions.map((p) => p.partition) };
  };
  // Partition 1 is not under-replicated: its replication factor counts the replicas not being added.
  assert.deepEqual(partitionsOf({ reportUnderReplicated: true }), { header: false, partitions: [2] });
  assert.deepEqual(partitionsOf({ reportUnavailable: true }), { header: false, partitions: [2] });
  assert.deepEqual(partitionsOf({ reportUnavailable: true, liveBrokers: new Set([1]) }), { header: false, partitions: [1, 2] });
  assert.deepEqual(partitionsOf({ reportUnderMinIsr: true }), { header: false, partitions: [2] });
  assert.deepEqual(partitionsOf({ reportAtMinIsr: true }), { header: false, partitions: [0, 1] });
  assert.deepEqual(partitionsOf({ reportOverriddenConfigs: true }), { header: true, partitions: [] });
  assert.deepEqual(selectDescribed({ ...topic, configs: [] }, { ...NONE, reportOverriddenConfigs: true }).showHeader, false);
});

test("--topic is Kafka's IncludeList: whole-name regex, commas as alternatives, quotes and spaces dropped", () => {
  const all = ['a.b', 'aXb', 'orders', 'orders-2', '__consumer_offsets'];
  assert.deepEqual(selectTopics(all, 'a.b', false), ['a.b', 'aXb']);
  assert.deepEqual(selectTopics(all, 'a\\.b', false), ['a.b']);
  assert.deepEqual(selectTopics(all, '"orders, __consumer_offsets"', false), ['__consumer_offsets', 'orders']);
  assert.deepEqual(selectTopics(all, 'orders.*', false), ['orders', 'orders-2']);
  assert.deepEqual(selectTopics(all, undefined, true), ['a.b', 'aXb', 'orders', 'orders-2']);
  assert.deepEqual(selectTopics(all, '.*', true), ['a.b', 'aXb', 'orders', 'orders-2']);
  assert.throws(() => includeListPattern('a(b'), { message: 'a(b is an invalid regex.' });
});
