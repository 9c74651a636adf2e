import { test } from 'node:test';
import assert from 'node:assert/strict';
import {
  PARTITION_VALID_PREVIOUS,
  REPLICA_VALID_PREVIOUS,
  isValidPartitionTransition,
  isValidReplicaTransition,
  type PartitionStateName,
  type ReplicaStateName,
} from '../../../../src/kafka/controller/states.js';
import {
  controlledShutdownPartitionLeader,
  offlinePartitionLeader,
  preferredReplicaLeader,
  reassignPartitionLeader,
} from '../../../../src/kafka/controller/election.js';

test('partition transitions: exactly the ones Kafka allows', () => {
  const all = Object.keys(PARTITION_VALID_PREVIOUS) as PartitionStateName[];
  const valid = new Set([
    'NonExistentPartition>NewPartition',
    'NewPartition>OnlinePartition', 'OnlinePartition>OnlinePartition', 'OfflinePartition>OnlinePartition',
    'NewPartition>OfflinePartition', 'OnlinePartition>OfflinePartition', 'OfflinePartition>OfflinePartition',
    'OfflinePartition>NonExistentPartition',
  ]);
  for (const from of all) for (const to of all) assert.equal(isValidPartitionTransition(from, to), valid.has(`${from}>${to}`), `${from} -> ${to}`);
});

test('replica transitions: exactly the ones Kafka allows', () => {
  const all = Object.keys(REPLICA_VALID_PREVIOUS) as ReplicaStateName[];
  const live = ['NewReplica', 'OnlineReplica', 'OfflineReplica', 'ReplicaDeletionIneligible'];
  const valid = new Set([
    'NonExistentReplica>NewReplica',
    ...live.map((f) => `${f}>OnlineReplica`),
    ...live.map((f) => `${f}>OfflineReplica`),
    'OfflineReplica>ReplicaDeletionStarted',
    'ReplicaDeletionStarted>ReplicaDeletionSuccessful',
    'OfflineReplica>ReplicaDeletionIneligible', 'ReplicaDeletionStarted>ReplicaDeletionIneligible',
    'ReplicaDeletionSuccessful>NonExistentReplica',
  ]);
  let count = 0;
  for (const from of all) {
    for (const to of all) {
      assert.equal(isValidReplicaTransition(from, to), valid.has(`${from}>${to}`), `${from} -> ${to}`);
      if (valid.has(`${from}>${to}`)) count++;
    }
  }
  assert.equal(count, valid.size);
});

const liveSet = (...ids: number[]) => (b: number) => ids.includes(b);

test('offline election walks the assignment order, not the ISR order', () => {
  assert.deepEqual(offlinePartitionLeader([3, 1, 2], [2, 1], liveSet(1, 2, 3), false), { leader: 1, isr: [2, 1], recipients: [3, 1, 2] });
  // Dead ISR members leave the ISR.
  assert.deepEqual(offlinePartitionLeader([1, 2, 3], [1, 2, 3], liveSet(2, 3), false), { leader: 2, isr: [2, 3], recipients: [2, 3] });
  // No live ISR member: clean election fails, unclean picks the first live replica with ISR = [leader].
  assert.equal(offlinePartitionLeader([1, 2, 3], [1], liveSet(2, 3), false), null);
  assert.deepEqual(offlinePartitionLeader([1, 2, 3], [1], liveSet(3, 2), true), { leader: 2, isr: [2], recipients: [2, 3] });
  assert.equal(offlinePartitionLeader([1, 2], [1], liveSet(), true), null);
});

test('reassignment election uses the target replicas', () => {
  assert.deepEqual(reassignPartitionLeader([4, 5], [1, 5], liveSet(1, 4, 5)), { leader: 5, isr: [1, 5], recipients: [4, 5] });
  assert.equal(reassignPartitionLeader([4, 5], [1], liveSet(1, 4, 5)), null);
});

test('preferred election needs the first replica live and in the ISR', () => {
  assert.deepEqual(preferredReplicaLeader([2, 1], [1, 2], liveSet(1, 2)), { leader: 2, isr: [1, 2], recipients: [2, 1] });
  assert.equal(preferredReplicaLeader([2, 1], [1], liveSet(1, 2)), null);
  assert.equal(preferredReplicaLeader([2, 1], [1, 2], liveSet(1)), null);
});

test('controlled shutdown election skips and drops shutting-down brokers', () => {
  const shutting = (b: number) => b === 1;
  const liveOrShutting = liveSet(1, 2, 3);
  assert.deepEqual(controlledShutdownPartitionLeader([1, 2, 3], [1, 2, 3], liveOrShutting, shutting), { leader: 2, isr: [2, 3], recipients: [1, 2, 3] });
  assert.equal(controlledShutdownPartitionLeader([1, 2], [1], liveOrShutting, shutting), null);
  assert.deepEqual(controlledShutdownPartitionLeader([1, 3, 2], [2, 3, 1], liveSet(1, 2), shutting), { leader: 2, isr: [2, 3], recipients: [1, 2] });
});
