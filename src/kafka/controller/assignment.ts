// Replica assignment for new topics and added partitions: Kafka's AdminUtils.assignReplicasToBrokers, rack-unaware
// and rack-aware. The random start index and replica shift are the caller's, so results are reproducible.
import type { ReplicaAssignment } from '../zk/zk-data.js';

export interface BrokerMetadata {
  id: number;
  rack: string | null;
}

/** Kafka's RackAwareMode: Enforced (CreateTopics, kafka-topics), Safe (auto-creation), Disabled (--disable-rack-aware). */
export type RackAwareMode = 'enforced' | 'safe' | 'disabled';

/** Kafka's InvalidPartitionsException / InvalidReplicationFactorException / AdminOperationException, by `code`. */
export class AssignmentError extends Error {
  override readonly name = 'AssignmentError';
  constructor(
    readonly code: 'INVALID_PARTITIONS' | 'INVALID_REPLICATION_FACTOR' | 'ADMIN_OPERATION',
    message: string,
  ) {
    super(message);
  }
}

export interface AssignmentRequest {
  brokers: readonly BrokerMetadata[];
  partitions: number;
  replicationFactor: number;
  /**
   * Kafka draws startIndex and replicaShift as two independent uniform ints in [0, number of brokers) unless a
   * fixed start index is given, in which case both equal it. Pass what you drew.
   */
  startIndex: number;
  replicaShift: number;
  /** First partition number to assign (the current partition count when adding partitions). */
  startPartitionId?: number;
  rackAwareMode?: RackAwareMode;
}

/** AdminUtils.assignReplicasToBrokers: partition → replicas, first replica = preferred leader. */
export function assignReplicasToBrokers(req: AssignmentRequest): Map<number, number[]> {
  const { partitions, replicationFactor } = req;
  const brokers = [...req.brokers].sort((a, b) => a.id - b.id);
  if (partitions <= 0) throw new AssignmentError('INVALID_PARTITIONS', 'Number of partitions must be larger than 0.');
  if (replicationFactor <= 0) throw new AssignmentError('INVALID_REPLICATION_FACTOR', 'Replication factor must be larger than 0.');
  if (replicationFactor > brokers.length) {
    throw new AssignmentError('INVALID_REPLICATION_FACTOR', `Replication factor: ${replicationFactor} larger than available brokers: ${brokers.length}.`);
  }
  const mode = req.rackAwareMode ?? 'enforced';
  const withRack = brokers.filter((b) => b.rack !== null).length;
  const startPartitionId = Math.max(0, req.startPartitionId ?? 0);
  if (mode === 'disabled' || withRack === 0 || (mode === 'safe' && withRack < brokers.length)) {
    return assignRackUnaware(partitions, replicationFactor, brokers.map((b) => b.id), req.startIndex, req.replicaShift, startPartitionId);
  }
  if (withRack < brokers.length) {
    throw new AssignmentError('ADMIN_OPERATION', 'Not all brokers have rack information for replica rack aware assignment.');
  }
  return assignRackAware(partitions, replicationFactor, brokers, req.startIndex, req.replicaShift, startPartitionId);
}

function replicaIndex(firstReplicaIndex: number, secondReplicaShift: number, replicaIndexInPartition: number, nBrokers: number): number {
  const shift = 1 + ((secondReplicaShift + replicaIndexInPartition) % (nBrokers - 1));
  return (firstReplicaIndex + shift) % nBrokers;
}

function checkIndex(value: number, n: number, name: string): void {
  if (!Number.isInteger(value) || value < 0 || value >= n) throw new RangeError(`${name} must be an integer in [0, ${n}), got ${value}`);
}

function assignRackUnaware(nPartitions: number, rf: number, brokerIds: number[], startIndex: number, shift: number, startPartitionId: number): Map<number, number[]> {
  const n = brokerIds.length;
  checkIndex(startIndex, n, 'startIndex');
  checkIndex(shift, n, 'replicaShift');
  const result = new Map<number, number[]>();
  let nextReplicaShift = shift;
  for (let p = startPartitionId; p < startPartitionId + nPartitions; p++) {
    if (p > 0 && p % n === 0) nextReplicaShift += 1;
    const first = (p + startIndex) % n;
    const replicas = [brokerIds[first]!];
    for (let j = 0; j < rf - 1; j++) replicas.push(brokerIds[replicaIndex(first, nextReplicaShift, j, n)]!);
    result.set(p, replicas);
  }
  return result;
}

/** Brokers ordered rack by rack (racks sorted by name, brokers within a rack by id), e.g. r1,r2,r3,r1,r2,... */
export function rackAlternatedBrokerList(brokers: readonly BrokerMetadata[]): number[] {
  const byRack = new Map<string, number[]>();
  for (const b of brokers) {
    if (b.rack === null) continue;
    const list = byRack.get(b.rack) ?? [];
    list.push(b.id);
    byRack.set(b.rack, list);
  }
  const racks = [...byRack.keys()].sort();
  const iterators = racks.map((r) => byRack.get(r)!.sort((a, b) => a - b));
  const positions = racks.map(() => 0);
  const total = iterators.reduce((sum, l) => sum + l.length, 0);
  const result: number[] = [];
  for (let r = 0; result.length < total; r = (r + 1) % racks.length) {
    if (positions[r]! < iterators[r]!.length) result.push(iterators[r]![positions[r]!++]!);
  }
  return result;
}

function assignRackAware(nPartitions: number, rf: number, brokers: readonly BrokerMetadata[], startIndex: number, shift: number, startPartitionId: number): Map<number, number[]> {
  const rackOf = new Map(brokers.map((b) => [b.id, b.rack!]));
  const numRacks = new Set(rackOf.values()).size;
  const arranged = rackAlternatedBrokerList(brokers);
  const n = arranged.length;
  checkIndex(startIndex, n, 'startIndex');
  checkIndex(shift, n, 'replicaShift');
  const result = new Map<number, number[]>();
  let nextReplicaShift = shift;
  for (let p = startPartitionId; p < startPartitionId + nPartitions; p++) {
    if (p > 0 && p % n === 0) nextReplicaShift += 1;
    const first = (p + startIndex) % n;
    const leader = arranged[first]!;
    const replicas = [leader];
    const racksWithReplicas = new Set([rackOf.get(leader)!]);
    const brokersWithReplicas = new Set([leader]);
    let k = 0;
    for (let j = 0; j < rf - 1; j++) {
      for (;;) {
        const broker = arranged[replicaIndex(first, nextReplicaShift * numRacks, k, n)]!;
        const rack = rackOf.get(broker)!;
        k++;
        // Skip a broker whose rack already has a replica while some rack has none, or that already has a
        // replica while some broker has none.
        if ((!racksWithReplicas.has(rack) || racksWithReplicas.size === numRacks) && (!brokersWithReplicas.has(broker) || brokersWithReplicas.size === n)) {
          replicas.push(broker);
          racksWithReplicas.add(rack);
          brokersWithReplicas.add(broker);
          break;
        }
      }
    }
    result.set(p, replicas);
  }
  return result;
}

/**
 * AdminZkClient.addPartitions: assignment of partitions [current count, newCount) with partition 0's replication
 * factor, start index and shift both fixed to the index of the first broker whose id is >= partition 0's first
 * replica (0 if none).
 */
export function assignAddedPartitions(
  brokers: readonly BrokerMetadata[],
  existing: ReadonlyMap<number, ReplicaAssignment>,
  newPartitionCount: number,
  rackAwareMode: RackAwareMode = 'enforced',
): Map<number, number[]> {
  const partition0 = existing.get(0);
  if (!partition0) throw new AssignmentError('ADMIN_OPERATION', 'The topic has no partition 0.');
  const current = existing.size;
  if (newPartitionCount <= current) {
    throw new AssignmentError('INVALID_PARTITIONS', `The number of partitions for a topic can only be increased. Topic currently has ${current} partitions, ${newPartitionCount} would not be an increase.`);
  }
  const sorted = [...brokers].sort((a, b) => a.id - b.id);
  const startIndex = Math.max(0, sorted.findIndex((b) => b.id >= partition0.replicas[0]!));
  return assignReplicasToBrokers({
    brokers: sorted,
    partitions: newPartitionCount - current,
    replicationFactor: partition0.replicas.length,
    startIndex,
    replicaShift: startIndex,
    startPartitionId: current,
    rackAwareMode,
  });
}
