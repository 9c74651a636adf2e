// A STAND-IN for the replica manager until it lands: it keeps the partition states the controller sends and answers
// NONE for every partition, touching no logs. It lets a cluster form (leaders elected, metadata served) while
// Produce and Fetch are not served. Replace it by passing KafkaServer a ReplicaControl factory.
import { ErrorCode } from '../protocol/index.js';
import type { PartitionError, PartitionStateUpdate, ReplicaControl, StopReplicaPartition } from './broker-contracts.js';

export class InMemoryReplicaControl implements ReplicaControl {
  /** topic-partition → the last state the controller sent. */
  readonly states = new Map<string, PartitionStateUpdate>();

  async becomeLeaderOrFollower(_controllerId: number, _controllerEpoch: number, states: readonly PartitionStateUpdate[]): Promise<PartitionError[]> {
    for (const s of states) this.states.set(`${s.topic}-${s.partition}`, s);
    return states.map((s) => ({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.NONE }));
  }

  async stopReplicas(_controllerId: number, _controllerEpoch: number, partitions: readonly StopReplicaPartition[]): Promise<PartitionError[]> {
    for (const p of partitions) this.states.delete(`${p.topic}-${p.partition}`);
    return partitions.map((p) => ({ topic: p.topic, partition: p.partition, errorCode: ErrorCode.NONE }));
  }
}
