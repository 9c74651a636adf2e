// StopReplica (key 5), versions 0-3: Kafka 2.8.2's range (v3, per-partition leader epochs and delete flags, is what
// a 2.8 controller sends). From the controller only; fenced like LeaderAndIsr, but a stale request is answered with
// the top-level error alone, as KafkaApis does. v0-v2 carry one delete flag for the whole request and no epochs: the
// partitions get -2 (deleting) or -1 (no epoch), as Kafka reads them.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { StopReplicaRequest, StopReplicaResponse } from '../../protocol/schemas/stop-replica.js';
import type { PartitionError, ReplicaControl, StopReplicaPartition } from '../broker-contracts.js';
import type { ControlRequestFence } from '../control-request-fence.js';
import type { ApiHandler } from '../handler.js';

const EPOCH_DURING_DELETE = -2;
const NO_EPOCH = -1;

function partitions(request: StopReplicaRequest): StopReplicaPartition[] {
  if (request.topicStates) {
    return request.topicStates.flatMap((t) =>
      t.partitionStates.map((p) => ({ topic: t.topicName, partition: p.partitionIndex, leaderEpoch: p.leaderEpoch, deletePartition: p.deletePartition })),
    );
  }
  const deletePartition = request.deletePartitions ?? false;
  const leaderEpoch = deletePartition ? EPOCH_DURING_DELETE : NO_EPOCH;
  const v1 = (request.topics ?? []).flatMap((t) => t.partitionIndexes.map((partition) => ({ topic: t.name, partition })));
  const v0 = (request.ungroupedPartitions ?? []).map((p) => ({ topic: p.topicName, partition: p.partitionIndex }));
  return [...v0, ...v1].map((p) => ({ ...p, leaderEpoch, deletePartition }));
}

const answer = (errorCode: number, errors: readonly PartitionError[] = []): StopReplicaResponse => ({
  errorCode,
  partitionErrors: errors.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode })),
});

export function stopReplicaHandler(replicas: ReplicaControl, fence: ControlRequestFence): ApiHandler<typeof ApiKey.StopReplica> {
  return {
    apiKey: ApiKey.StopReplica,
    minVersion: 0,
    maxVersion: 3,
    async handle(request) {
      if (fence.isBrokerEpochStale(request.brokerEpoch)) return answer(ErrorCode.STALE_BROKER_EPOCH);
      if (!fence.admitControllerEpoch(request.controllerEpoch)) return answer(ErrorCode.STALE_CONTROLLER_EPOCH);
      return answer(ErrorCode.NONE, await replicas.stopReplicas(request.controllerId, request.controllerEpoch, partitions(request)));
    },
    errorResponse(request, errorCode) {
      return answer(errorCode, partitions(request).map((p) => ({ topic: p.topic, partition: p.partition, errorCode })));
    },
  };
}
