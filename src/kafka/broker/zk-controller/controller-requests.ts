// The admin handlers' view of the local controller (ElectLeaders, AlterPartitionReassignments): each call becomes a
// controller event and resolves with the controller's reply, NOT_CONTROLLER when this broker is not the controller.
import type { ControllerRequests } from '../../admin/controller-requests.js';
import type { AlterPartitionReassignmentsResponse, ElectLeadersResponse } from '../../controller/effects.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ControllerApi } from './controller-service.js';

export function controllerRequests(controller: ControllerApi, metadata: BrokerMetadata): ControllerRequests {
  const everyPartition = () => [...metadata.allTopics()].flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition })));
  return {
    async electPreferredLeaders(partitions) {
      return (await controller.request({ type: 'PreferredReplicaElection', source: 'api', partitions: partitions ?? everyPartition() })) as ElectLeadersResponse;
    },
    async electUncleanLeaders(partitions) {
      return (await controller.request({ type: 'UncleanReplicaElection', partitions: partitions ?? everyPartition() })) as ElectLeadersResponse;
    },
    async alterPartitionReassignments(reassignments) {
      return (await controller.request({ type: 'PartitionReassignment', reassignments })) as AlterPartitionReassignmentsResponse;
    },
  };
}
