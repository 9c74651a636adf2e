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
