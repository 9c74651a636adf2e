import { test } from 'node:test';
import assert from 'node:assert/strict';
import { AssignmentError, assignAddedPartitions, assignReplicasToBrokers, rackAlternatedBrokerList } from '../../../../src/kafka/controller/assignment.js';
import { replicaAssignment } from '../../../../src/kafka/zk/zk-data.js';

const ids = (...xs: number[]) => xs.map((id) => ({ id, rack: null }));
const asObject = (m: Map<number, number[]>) => Object.fromEntries(m);

test('rack-unaware: 5 brokers, 10 partitions, RF 3, start 0 (Kafka AdminTest vector)', () => {
  const got = assignReplicasToBrokers({ brokers: ids(0, 1, 2, 3, 4), partitions: 10, replicationFactor: 3, startIndex: 0, replicaShift: 0 });
  assert.deepEqual(asObject(got), {
    0: [0, 1, 2], 1: [1, 2, 3], 2: [2, 3, 4], 3: [3, 4, 0], 4: [4, 0, 1],
    5: [0, 2, 3], 6: [1, 3, 4], 7: [2, 4, 0], 8: [3, 0, 1], 9: [4, 1, 2],
  });
});

test('rack-unaware: start index and shift drawn independently (hand-computed)', () => {
  // Brokers given unsorted: the algorithm works on ids sorted ascending [1,2,3].
  const got = assignReplicasToBrokers({ brokers: ids(3, 1, 2), partitions: 4, replicationFactor: 2, startIndex: 2, replicaShift: 0 });
  assert.deepEqual(asObject(got), { 0: [3, 1], 1: [1, 2], 2: [2, 3], 3: [3, 2] });
  const shifted = assignReplicasToBrokers({ brokers: ids(1, 2, 3), partitions: 4, replicationFactor: 2, startIndex: 2, replicaShift: 1 });
  assert.deepEqual(asObject(shifted), { 0: [3, 2], 1: [1, 3], 2: [2, 1], 3: [3, 1] });
});

test('rack-unaware: errors carry Kafka messages', () => {
  assert.throws(() => assignReplicasToBrokers({ brokers: ids(0, 1), partitions: 1, replicationFactor: 3, startIndex: 0, replicaShift: 0 }), {
    message: 'Replication factor: 3 larger than available brokers: 2.',
  });
  assert.throws(() => assignReplicasToBrokers({ brokers: ids(0), partitions: 0, replicationFactor: 1, startIndex: 0, replicaShift: 0 }), AssignmentError);
  assert.throws(
    () => assignReplicasToBrokers({ brokers: [{ id: 0, rack: 'a' }, { id: 1, rack: null }], partitions: 1, replicationFactor: 1, startIndex: 0, replicaShift: 0 }),
    { message: 'Not all brokers have rack information for replica rack aware assignment.' },
  );
  const safe = assignReplicasToBrokers({ brokers: [{ id: 0, rack: 'a' }, { id: 1, rack: null }], partitions: 2, replicationFactor: 2, startIndex: 0, replicaShift: 0, rackAwareMode: 'safe' });
  assert.deepEqual(asObject(safe), { 0: [0, 1], 1: [1, 0] });
});

test('rack alternation (Kafka AdminRackAwareTest vector)', () => {
  const racks = { 0: 'rack1', 1: 'rack3', 2: 'rack3', 3: 'rack2', 4: 'rack2', 5: 'rack1' } as Record<number, string>;
  assert.deepEqual(rackAlternatedBrokerList(Object.entries(racks).map(([id, rack]) => ({ id: Number(id), rack }))), [0, 3, 1, 5, 4, 2]);
});

test('rack-aware: hand-computed vector and rack spread', () => {
  const racks = { 0: 'rack1', 1: 'rack2', 2: 'rack2', 3: 'rack3', 4: 'rack3', 5: 'rack1' } as Record<number, string>;
  const brokers = Object.entries(racks).map(([id, rack]) => ({ id: Number(id), rack }));
  const got = assignReplicasToBrokers({ brokers, partitions: 6, replicationFactor: 3, startIndex: 2, replicaShift: 2 });
  assert.deepEqual(asObject(got), { 0: [3, 2, 0], 1: [5, 4, 1], 2: [2, 0, 3], 3: [4, 1, 5], 4: [0, 3, 2], 5: [1, 5, 4] });
  // The documented property: with RF <= racks every partition has one replica per rack, and leaders spread evenly.
  for (let start = 0; start < 6; start++) {
    for (let shift = 0; shift < 6; shift++) {
      const a = assignReplicasToBrokers({ brokers, partitions: 12, replicationFactor: 3, startIndex: start, replicaShift: shift });
      const leaders = new Map<number, number>();
      for (const replicas of a.values()) {
        assert.equal(new Set(replicas.map((b) => racks[b])).size, 3, `replicas ${replicas} span all racks`);
        assert.equal(new Set(replicas).size, 3);
        leaders.set(replicas[0]!, (leaders.get(replicas[0]!) ?? 0) + 1);
      }
      assert.deepEqual([...leaders.values()], [2, 2, 2, 2, 2, 2]);
    }
  }
});

test('added partitions continue from the current count with start = index of partition 0 leader', () => {
  const existing = new Map([
    [0, replicaAssignment([2, 3])],
    [1, replicaAssignment([3, 1])],
  ]);
  // Sorted brokers [1,2,3]; first id >= 2 is at index 1, so start = shift = 1, partitions 2 and 3.
  // p2: first=(2+1)%3=0 -> 1; second: 1+((1+0)%2)=2 -> (0+2)%3=2 -> 3.  p3: 3%3==0 so shift=2; first=1 -> 2; 1+(2%2)=1 -> 3.
  assert.deepEqual(asObject(assignAddedPartitions(ids(1, 2, 3), existing, 4)), { 2: [1, 3], 3: [2, 3] });
  assert.throws(() => assignAddedPartitions(ids(1, 2, 3), existing, 2), /can only be increased/);
});
