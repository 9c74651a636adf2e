// The ZooKeeper-mode metadata cache fed through the UpdateMetadata handler (every request version's shape), and the
// Metadata handler's per-listener and per-version view of it, as Kafka 2.8's ZkMetadataCache and KafkaApis give them.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import type { UpdateMetadataRequest } from '../../../../src/kafka/protocol/schemas/update-metadata.js';
import { ZkMetadataCache } from '../../../../src/kafka/broker/zk-metadata-cache.js';
import { ControlRequestFence } from '../../../../src/kafka/broker/control-request-fence.js';
import { updateMetadataHandler } from '../../../../src/kafka/broker/handlers/06-update-metadata.js';
import { stopReplicaHandler } from '../../../../src/kafka/broker/handlers/05-stop-replica.js';
import { metadataHandler } from '../../../../src/kafka/broker/handlers/03-metadata.js';
import { InMemoryReplicaControl } from '../../../../src/kafka/broker/in-memory-replica-control.js';
import type { RequestContext } from '../../../../src/kafka/broker/handler.js';
import type { StopReplicaPartition } from '../../../../src/kafka/broker/broker-contracts.js';

const TOPIC_ID = 'AAECAwQFBgcICQoLDA0ODw';

function ctx(apiVersion: number, listenerName = 'PLAINTEXT'): RequestContext {
  return { header: { requestApiKey: 0, requestApiVersion: apiVersion, correlationId: 1, clientId: null }, apiVersion, listenerName, clientAddress: '/127.0.0.1:1', connectionId: 'c' };
}

const state = (partitionIndex: number, leader: number, isr: number[], replicas: number[], offlineReplicas: number[] = []) => ({
  topicName: 'events',
  partitionIndex,
  controllerEpoch: 3,
  leader,
  leaderEpoch: 4,
  isr,
  zkVersion: 5,
  replicas,
  offlineReplicas,
});

/** Brokers 1 and 2 on PLAINTEXT and INTERNAL, broker 3 on INTERNAL only; broker 4 is not alive. */
function v7(controllerEpoch = 3): UpdateMetadataRequest {
  return {
    controllerId: 2,
    controllerEpoch,
    brokerEpoch: -1n,
    topicStates: [
      {
        topicName: 'events',
        topicId: TOPIC_ID,
        partitionStates: [state(0, 1, [1, 2], [1, 2]), state(1, 4, [4], [4, 1], [4]), state(2, 3, [3, 1], [3, 1]), state(3, 2, [2, 3], [2, 3])],
      },
    ],
    liveBrokers: [1, 2, 3].map((id) => ({
      id,
      endpoints: [
        ...(id === 3 ? [] : [{ port: 9000 + id, host: `h${id}`, listener: 'PLAINTEXT', securityProtocol: 0 }]),
        { port: 9100 + id, host: `i${id}`, listener: 'INTERNAL', securityProtocol: 0 },
      ],
      rack: id === 1 ? 'r1' : null,
    })),
  };
}

function fed(): ZkMetadataCache {
  const cache = new ZkMetadataCache('cluster');
  const answer = updateMetadataHandler(cache, new ControlRequestFence(() => 10n)).handle(v7(), ctx(7));
  assert.deepEqual(answer, { errorCode: ErrorCode.NONE });
  return cache;
}

test('UpdateMetadata v7 fills the cache: brokers per listener, controller, partitions, topic id; a dead leader is no leader', () => {
  const cache = fed();
  assert.equal(cache.controllerId(), 2);
  assert.deepEqual(cache.aliveBrokers('PLAINTEXT'), [
    { id: 1, host: 'h1', port: 9001, rack: 'r1' },
    { id: 2, host: 'h2', port: 9002, rack: null },
  ]);
  assert.deepEqual(cache.aliveBrokers('INTERNAL').map((b) => b.id), [1, 2, 3]);
  const topic = cache.topic('events')!;
  assert.equal(topic.topicId, TOPIC_ID);
  assert.deepEqual(
    topic.partitions.map((p) => [p.partition, p.leaderId, p.leaderEpoch, p.errorCode]),
    [
      [0, 1, 4, ErrorCode.NONE],
      [1, -1, 4, ErrorCode.LEADER_NOT_AVAILABLE],
      [2, 3, 4, ErrorCode.NONE],
      [3, 2, 4, ErrorCode.NONE],
    ],
  );
});

test('Metadata answers per listener: a leader without an endpoint there is LISTENER_NOT_FOUND from v6, LEADER_NOT_AVAILABLE before', async () => {
  const handler = metadataHandler(fed());
  const ask = async (version: number, listener = 'PLAINTEXT') => {
    const r = (await handler.handle({ topics: null, allowAutoTopicCreation: false }, ctx(version, listener))) as Awaited<ReturnType<typeof handler.handle>> & { topics: any[] };
    return r.topics[0].partitions.map((p: any) => [p.partitionIndex, p.errorCode, p.leaderId, p.replicaNodes, p.isrNodes]);
  };
  assert.deepEqual(await ask(9), [
    [0, ErrorCode.NONE, 1, [1, 2], [1, 2]],
    [1, ErrorCode.LEADER_NOT_AVAILABLE, -1, [4, 1], [4]],
    [2, ErrorCode.LISTENER_NOT_FOUND, -1, [3, 1], [3, 1]],
    [3, ErrorCode.NONE, 2, [2, 3], [2, 3]],
  ]);
  assert.deepEqual((await ask(5)).map((p: unknown[]) => p[1]), [ErrorCode.NONE, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.LEADER_NOT_AVAILABLE, ErrorCode.NONE]);
  // v0 lists only the replicas reachable on the listener and says when some are not.
  assert.deepEqual((await ask(0))[3], [3, ErrorCode.REPLICA_NOT_AVAILABLE, 2, [2], [2]]);
  assert.deepEqual((await ask(9, 'INTERNAL'))[2], [2, ErrorCode.NONE, 3, [3, 1], [3, 1]]);
});

test('UpdateMetadata: leader -2 removes a partition, the topic and its id with the last one; no partitions keeps them', () => {
  const cache = fed();
  const fence = new ControlRequestFence(() => 10n);
  const handler = updateMetadataHandler(cache, fence);
  let updates = 0;
  cache.onUpdate(() => updates++);
  handler.handle({ ...v7(), topicStates: [] }, ctx(7));
  assert.equal(cache.topic('events')!.partitions.length, 4, 'an UpdateMetadata without partitions leaves them');
  handler.handle({ ...v7(), topicStates: [{ topicName: 'events', topicId: TOPIC_ID, partitionStates: [0, 1, 2].map((p) => state(p, -2, [], [])) }] }, ctx(7));
  assert.deepEqual(cache.topic('events')!.partitions.map((p) => p.partition), [3]);
  handler.handle({ ...v7(), topicStates: [{ topicName: 'events', topicId: TOPIC_ID, partitionStates: [state(3, -2, [], [])] }] }, ctx(7));
  assert.equal(cache.topic('events'), undefined);
  assert.equal(updates, 3);
});

test('UpdateMetadata v0 and v2 shapes: one PLAINTEXT host, listeners named by security protocol, ungrouped partitions', () => {
  const cache = new ZkMetadataCache('cluster');
  const handler = updateMetadataHandler(cache, new ControlRequestFence(() => 10n));
  handler.handle({ controllerId: 1, controllerEpoch: 1, ungroupedPartitionStates: [state(0, 1, [1], [1])], liveBrokers: [{ id: 1, v0Host: 'old', v0Port: 9092 }] }, ctx(0));
  assert.deepEqual(cache.aliveBrokers('PLAINTEXT'), [{ id: 1, host: 'old', port: 9092, rack: null }]);
  assert.deepEqual(cache.topic('events')!.topicId, 'AAAAAAAAAAAAAAAAAAAAAA');
  handler.handle({ controllerId: 1, controllerEpoch: 1, ungroupedPartitionStates: [], liveBrokers: [{ id: 1, endpoints: [{ port: 9093, host: 'ssl', securityProtocol: 1 }], rack: null }] }, ctx(2));
  assert.deepEqual(cache.aliveBrokers('SSL'), [{ id: 1, host: 'ssl', port: 9093, rack: null }]);
  assert.deepEqual(cache.aliveBrokers('PLAINTEXT'), []);
});

test('the fence: an older controller epoch is STALE_CONTROLLER_EPOCH, an older broker epoch STALE_BROKER_EPOCH, -1 passes', () => {
  const cache = new ZkMetadataCache('cluster');
  const handler = updateMetadataHandler(cache, new ControlRequestFence(() => 10n));
  assert.deepEqual(handler.handle(v7(3), ctx(7)), { errorCode: ErrorCode.NONE });
  assert.deepEqual(handler.handle({ ...v7(2), controllerId: 7 }, ctx(7)), { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH });
  assert.deepEqual(handler.handle({ ...v7(4), brokerEpoch: 9n }, ctx(7)), { errorCode: ErrorCode.STALE_BROKER_EPOCH });
  assert.deepEqual(handler.handle({ ...v7(4), brokerEpoch: 10n }, ctx(7)), { errorCode: ErrorCode.NONE });
  assert.equal(cache.controllerId(), 2);
});

test('StopReplica v1 (one delete flag, no epochs) reaches the replica manager as epochs -2 / -1; v3 as sent', async () => {
  const seen: StopReplicaPartition[][] = [];
  const replicas = new InMemoryReplicaControl();
  const recording = { becomeLeaderOrFollower: replicas.becomeLeaderOrFollower.bind(replicas), stopReplicas: async (c: number, e: number, p: readonly StopReplicaPartition[]) => (seen.push([...p]), replicas.stopReplicas(c, e, p)) };
  const handler = stopReplicaHandler(recording, new ControlRequestFence(() => -1n));
  const v1 = await handler.handle({ controllerId: 1, controllerEpoch: 1, brokerEpoch: -1n, deletePartitions: true, topics: [{ name: 'a', partitionIndexes: [0, 1] }] }, ctx(1));
  assert.deepEqual(v1, { errorCode: 0, partitionErrors: [{ topicName: 'a', partitionIndex: 0, errorCode: 0 }, { topicName: 'a', partitionIndex: 1, errorCode: 0 }] });
  await handler.handle({ controllerId: 1, controllerEpoch: 1, deletePartitions: false, ungroupedPartitions: [{ topicName: 'b', partitionIndex: 2 }] }, ctx(0));
  await handler.handle({ controllerId: 1, controllerEpoch: 1, brokerEpoch: -1n, topicStates: [{ topicName: 'c', partitionStates: [{ partitionIndex: 3, leaderEpoch: 7, deletePartition: false }] }] }, ctx(3));
  assert.deepEqual(seen, [
    [
      { topic: 'a', partition: 0, leaderEpoch: -2, deletePartition: true },
      { topic: 'a', partition: 1, leaderEpoch: -2, deletePartition: true },
    ],
    [{ topic: 'b', partition: 2, leaderEpoch: -1, deletePartition: false }],
    [{ topic: 'c', partition: 3, leaderEpoch: 7, deletePartition: false }],
  ]);
});
