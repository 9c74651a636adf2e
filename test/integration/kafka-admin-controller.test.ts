// The admin requests only the active controller serves: NOT_CONTROLLER elsewhere (per topic, per partition or at
// the top level, as Kafka answers each API), reassignments listed from the topic znodes' adding/removing replicas,
// and ElectLeaders / AlterPartitionReassignments handed to the local controller's request API.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import type { ControllerRequests, PartitionReassignmentRequest } from '../../src/kafka/admin/controller-requests.js';
import { encodeTopicAssignment, replicaAssignment } from '../../src/kafka/zk/zk-data.js';
import { startAdminBroker, type AdminBroker } from '../support/admin-broker.js';

let b: AdminBroker;
let active = true;
const elections: unknown[] = [];
const uncleanElections: unknown[] = [];
const reassignments: PartitionReassignmentRequest[][] = [];
const controller: ControllerRequests = {
  async electPreferredLeaders(partitions) {
    elections.push(partitions);
    return { api: 'ElectLeaders', errorCode: 0, replicaElectionResults: [{ topic: 'moving', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' }] }] };
  },
  async electUncleanLeaders(partitions) {
    uncleanElections.push(partitions);
    return { api: 'ElectLeaders', errorCode: 0, replicaElectionResults: [{ topic: 'moving', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE, errorMessage: 'no live replica' }] }] };
  },
  async alterPartitionReassignments(r) {
    reassignments.push([...r]);
    return { api: 'AlterPartitionReassignments', errorCode: 0, errorMessage: null, responses: [{ name: 'moving', partitions: [{ partitionIndex: 0, errorCode: 0, errorMessage: null }] }] };
  },
};

before(async () => {
  b = await startAdminBroker([], { isActiveController: () => active, controller });
  await b.call(ApiKey.CreateTopics, 4, { timeoutMs: 5000, validateOnly: false, topics: [{ name: 'moving', numPartitions: 2, replicationFactor: 1, assignments: [], configs: [] }] });
});

after(async () => {
  await b?.stop();
});

test('ListPartitionReassignments lists partitions with adding or removing replicas in /brokers/topics/<t>', async () => {
  const { data } = await b.zk.getData('/brokers/topics/moving');
  const id = /"topic_id":"([^"]+)"/.exec(data!.toString())![1]!;
  await b.zk.setData('/brokers/topics/moving', encodeTopicAssignment(id, new Map([[0, replicaAssignment([2, 1], [2], [1])], [1, replicaAssignment([1])]])));
  const all = await b.call(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 1000, topics: null });
  assert.deepEqual(all, { throttleTimeMs: 0, errorCode: 0, errorMessage: null, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [2, 1], addingReplicas: [2], removingReplicas: [1] }] }] });
  const some = await b.call(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 'moving', partitionIndexes: [1] }, { name: 'nope', partitionIndexes: [0] }] });
  assert.deepEqual(some.topics, []);
  await b.zk.setData('/brokers/topics/moving', encodeTopicAssignment(id, new Map([[0, replicaAssignment([1])], [1, replicaAssignment([1])]])));
});

test('ElectLeaders (preferred and unclean) and AlterPartitionReassignments go to the controller; other election types are refused', async () => {
  const elected = await b.call(ApiKey.ElectLeaders, 1, { electionType: 0, topicPartitions: [{ topic: 'moving', partitions: [0] }], timeoutMs: 1000 });
  assert.deepEqual(elections, [[{ topic: 'moving', partition: 0 }]]);
  assert.deepEqual(elected.replicaElectionResults, [{ topic: 'moving', partitionResult: [{ partitionId: 0, errorCode: ErrorCode.ELECTION_NOT_NEEDED, errorMessage: 'Leader election not needed for topic partition.' }] }]);
  const unclean = await b.call(ApiKey.ElectLeaders, 1, { electionType: 1, topicPartitions: [{ topic: 'moving', partitions: [0] }], timeoutMs: 1000 });
  assert.deepEqual(uncleanElections, [[{ topic: 'moving', partition: 0 }]]);
  assert.equal(unclean.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.ELIGIBLE_LEADERS_NOT_AVAILABLE);
  const unknownType = await b.call(ApiKey.ElectLeaders, 1, { electionType: 2, topicPartitions: [{ topic: 'moving', partitions: [0] }], timeoutMs: 1000 });
  assert.equal(unknownType.replicaElectionResults[0]!.partitionResult[0]!.errorCode, ErrorCode.INVALID_REQUEST);
  // Asked for every partition, those that needed no election are left out of the answer.
  const all = await b.call(ApiKey.ElectLeaders, 1, { electionType: 0, topicPartitions: null, timeoutMs: 1000 });
  assert.deepEqual(all.replicaElectionResults, []);
  const altered = await b.call(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [{ name: 'moving', partitions: [{ partitionIndex: 0, replicas: [1] }, { partitionIndex: 1, replicas: null }] }] });
  assert.deepEqual(reassignments, [[{ topic: 'moving', partition: 0, replicas: [1] }, { topic: 'moving', partition: 1, replicas: null }]]);
  assert.equal(altered.errorCode, 0);
});

test('a broker that is not the controller answers NOT_CONTROLLER as Kafka does for each API', async () => {
  active = false;
  try {
    const created = await b.call(ApiKey.CreateTopics, 4, { timeoutMs: 1000, validateOnly: false, topics: [{ name: 'x', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] });
    assert.deepEqual(created.topics.map((t) => [t.name, t.errorCode, t.errorMessage]), [['x', ErrorCode.NOT_CONTROLLER, null]]);
    const deleted = await b.call(ApiKey.DeleteTopics, 4, { topicNames: ['moving'], timeoutMs: 1000 });
    assert.deepEqual(deleted.responses.map((t) => [t.name, t.errorCode]), [['moving', ErrorCode.NOT_CONTROLLER]]);
    const grown = await b.call(ApiKey.CreatePartitions, 2, { timeoutMs: 1000, validateOnly: false, topics: [{ name: 'moving', count: 3, assignments: null }] });
    assert.deepEqual(grown.results.map((t) => [t.name, t.errorCode]), [['moving', ErrorCode.NOT_CONTROLLER]]);
    const listed = await b.call(ApiKey.ListPartitionReassignments, 0, { timeoutMs: 1000, topics: null });
    assert.deepEqual([listed.errorCode, listed.errorMessage], [ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.']);
    const altered = await b.call(ApiKey.AlterPartitionReassignments, 0, { timeoutMs: 1000, topics: [] });
    assert.deepEqual([altered.errorCode, altered.errorMessage], [ErrorCode.NOT_CONTROLLER, 'This is not the correct controller for this cluster.']);
    const elected = await b.call(ApiKey.ElectLeaders, 2, { electionType: 0, topicPartitions: [{ topic: 'moving', partitions: [1] }], timeoutMs: 1000 });
    assert.deepEqual(elected.replicaElectionResults, [{ topic: 'moving', partitionResult: [{ partitionId: 1, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null }] }]);
    const configs = await b.call(ApiKey.DescribeConfigs, 1, { includeSynonyms: false, resources: [{ resourceType: 2, resourceName: 'moving', configurationKeys: ['retention.ms'] }] });
    assert.equal(configs.results[0]!.errorCode, ErrorCode.NONE, 'DescribeConfigs is served by every broker');
  } finally {
    active = true;
  }
});

test('CreateTopics and CreatePartitions answer REQUEST_TIMED_OUT when a partition gets no leader in time', async () => {
  // Broker 2 is registered nowhere: a partition assigned to it alone never gets a leader.
  const created = await b.call(ApiKey.CreateTopics, 5, {
    timeoutMs: 200,
    validateOnly: false,
    topics: [{ name: 'stranded', numPartitions: -1, replicationFactor: -1, assignments: [{ partitionIndex: 0, brokerIds: [2] }], configs: [] }],
  });
  assert.deepEqual(created.topics.map((t) => [t.name, t.errorCode, t.errorMessage, t.numPartitions]), [['stranded', ErrorCode.REQUEST_TIMED_OUT, null, -1]]);
  assert.match((await b.zk.getData('/brokers/topics/stranded')).data!.toString(), /"partitions":\{"0":\[2\]\}/, 'the topic was created all the same');
});

test('with delete.topic.enable=false DeleteTopics is TOPIC_DELETION_DISABLED (INVALID_REQUEST before v3) and nothing is marked', async () => {
  const other = await startAdminBroker(['delete.topic.enable=false']);
  try {
    await other.call(ApiKey.CreateTopics, 4, { timeoutMs: 5000, validateOnly: false, topics: [{ name: 'kept', numPartitions: 1, replicationFactor: 1, assignments: [], configs: [] }] });
    const v3 = await other.call(ApiKey.DeleteTopics, 3, { topicNames: ['kept'], timeoutMs: 1000 });
    const v2 = await other.call(ApiKey.DeleteTopics, 2, { topicNames: ['kept'], timeoutMs: 1000 });
    assert.deepEqual([v3.responses[0]!.errorCode, v2.responses[0]!.errorCode], [ErrorCode.TOPIC_DELETION_DISABLED, ErrorCode.INVALID_REQUEST]);
    assert.deepEqual(await other.zk.getChildren('/admin/delete_topics'), []);
  } finally {
    await other.stop();
  }
});
