import { test } from 'node:test';
import assert from 'node:assert/strict';
import { parseReassignmentJson } from '../../../../src/kafka/tools/reassign/reassign-json.js';
import { replicaMoves, replicaMoveStatesText, type LogDirMoveState, type ReplicaMove } from '../../../../src/kafka/tools/reassign/reassign-log-dirs.js';

test('log_dirs other than "any" become replica moves, topic names with dashes kept whole', () => {
  const parsed = parseReassignmentJson(JSON.stringify({
    version: 1,
    partitions: [
      { topic: 'my-topic', partition: 12, replicas: [3, 1], log_dirs: ['/data/b', 'any'] },
      { topic: 't', partition: 0, replicas: [1], log_dirs: ['/data/a'] },
    ],
  }));
  assert.deepEqual(replicaMoves(parsed.logDirs), [
    { topic: 'my-topic', partition: 12, brokerId: 3, dir: '/data/b' },
    { topic: 't', partition: 0, brokerId: 1, dir: '/data/a' },
  ]);
});

test('--verify prints each replica move as Kafka 2.8 does, by broker, topic and partition', () => {
  const move = (topic: string, partition: number, brokerId: number, dir: string): ReplicaMove => ({ topic, partition, brokerId, dir });
  const states = new Map<ReplicaMove, LogDirMoveState>([
    [move('t', 1, 2, '/b'), { kind: 'completed', targetLogDir: '/b' }],
    [move('t', 0, 2, '/b'), { kind: 'active', currentLogDir: '/a', targetLogDir: '/b', futureLogDir: '/b' }],
    [move('s', 0, 2, '/b'), { kind: 'active', currentLogDir: '/a', targetLogDir: '/b', futureLogDir: '/c' }],
    [move('t', 0, 1, '/b'), { kind: 'cancelled', currentLogDir: '/a', targetLogDir: '/b' }],
    [move('u', 0, 1, '/b'), { kind: 'missing-log-dir', targetLogDir: '/b' }],
    [move('v', 0, 1, '/b'), { kind: 'missing-replica', targetLogDir: '/b' }],
  ]);
  assert.equal(
    replicaMoveStatesText(states),
    [
      'Partition t-0 on broker 1 is not being moved from log dir /a to /b.',
      'Partition u-0 is not found in any live log dir on broker 1. There is likely an offline log directory on the broker.',
      'Partition v-0 cannot be found in any live log directory on broker 1.',
      'Partition s-0 on broker 2 is being moved to log dir /c instead of /b.',
      'Reassignment of replica t-0-2 is still in progress.',
      'Reassignment of replica t-1-2 completed successfully.',
    ].join('\n'),
  );
  assert.equal(replicaMoveStatesText(new Map()), '');
});

/** A cluster whose brokers answer AlterReplicaLogDirs from `answer` (per broker and call), recording the requests. */
function fakeCluster(answer: (brokerId: number, call: number, topic: string, partition: number) => number) {
  const calls = new Map<number, number>();
  const requests: string[] = [];
  const cluster = {
    async nodeConnection(brokerId: number) {
      return {
        async send(_apiKey: number, body: { dirs: { path: string; topics: { name: string; partitions: number[] }[] }[] }) {
          const call = (calls.get(brokerId) ?? 0) + 1;
          calls.set(brokerId, call);
          const results = body.dirs.flatMap((d) => d.topics.map((t) => {
            for (const p of t.partitions) requests.push(`${brokerId}:${d.path}:${t.name}-${p}`);
            return { topicName: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p, errorCode: answer(brokerId, call, t.name, p) })) };
          }));
          return { throttleTimeMs: 0, results };
        },
      };
    },
  };
  return { cluster: cluster as unknown as import('../../../../src/kafka/client/cluster/kafka-cluster.js').KafkaCluster, requests };
}

test('--execute retries AlterReplicaLogDirs while a broker answers REPLICA_NOT_AVAILABLE, then reports each start', async () => {
  const { executeMoves } = await import('../../../../src/kafka/tools/reassign/reassign-log-dirs.js');
  // Broker 2 creates its replica (the reassignment adds it) only by the third attempt.
  const { cluster, requests } = fakeCluster((broker, call) => (broker === 2 && call < 3 ? 9 : 0));
  const lines: string[] = [];
  await executeMoves(cluster, [
    { topic: 't', partition: 1, brokerId: 2, dir: '/b' },
    { topic: 't', partition: 0, brokerId: 1, dir: '/a' },
  ], 10_000, (l) => lines.push(l), async () => {});
  assert.deepEqual(lines, ['Successfully started log directory move for: t-0-1', 'Successfully started log directory move for: t-1-2']);
  assert.deepEqual(requests, ['2:/b:t-1', '1:/a:t-0', '2:/b:t-1', '2:/b:t-1']);

  const stuck = fakeCluster(() => 9);
  await assert.rejects(executeMoves(stuck.cluster, [{ topic: 't', partition: 0, brokerId: 1, dir: '/a' }], 0, () => {}, async () => {}), {
    message: 'Timed out before log directory move could be started for: t-0-1',
  });
  const refused = fakeCluster(() => 57);
  await assert.rejects(executeMoves(refused.cluster, [{ topic: 't', partition: 0, brokerId: 1, dir: '/nope' }], 10_000, () => {}, async () => {}), {
    message: 'Failed to alter dir for t-0-1',
  });
});
