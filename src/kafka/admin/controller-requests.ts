// The requests a broker hands to its own active controller (Kafka's KafkaController.electLeaders and
// alterPartitionReassignments): the controller wiring implements this by queueing the controller's
// PreferredReplicaElection / PartitionReassignment events and resolving with their replies.
import type { AlterPartitionReassignmentsResponse, ElectLeadersResponse } from '../controller/effects.js';

export interface PartitionReassignmentRequest {
  topic: string;
  partition: number;
  /** Target replicas; null cancels an ongoing reassignment. */
  replicas: readonly number[] | null;
}

export interface ControllerRequests {
  /** Preferred leader election for the partitions (null: every partition), answered per partition. */
  electPreferredLeaders(partitions: readonly { topic: string; partition: number }[] | null): Promise<ElectLeadersResponse>;
  /** Unclean leader election for the partitions (null: every partition) that have no live leader. */
  electUncleanLeaders(partitions: readonly { topic: string; partition: number }[] | null): Promise<ElectLeadersResponse>;
  alterPartitionReassignments(reassignments: readonly PartitionReassignmentRequest[]): Promise<AlterPartitionReassignmentsResponse>;
}
