// LeaderAndIsr (key 4), versions 0-5: Kafka 2.8.2's range (v5, topic ids, is what a 2.8 controller sends). From the
// controller only. A request for an older registration of this broker is STALE_BROKER_EPOCH, one from an older
// controller STALE_CONTROLLER_EPOCH, both for every partition (LeaderAndIsrRequest.getErrorResponse); otherwise the
// partition states go to the replica manager, whose per-partition errors are the answer. v0-v1 list partitions
// ungrouped; v2+ group them by topic; v5 answers by topic id.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { LeaderAndIsrRequest, LeaderAndIsrResponse } from '../../protocol/schemas/leader-and-isr.js';
import { ZERO_UUID } from '../broker-metadata.js';
import type { PartitionError, PartitionStateUpdate, ReplicaControl } from '../broker-contracts.js';
import type { ControlRequestFence } from '../control-request-fence.js';
import type { ApiHandler } from '../handler.js';

function partitionStates(request: LeaderAndIsrRequest): PartitionStateUpdate[] {
  const grouped = request.topicStates?.flatMap((t) => t.partitionStates.map((p) => ({ ...p, topicName: t.topicName, topicId: t.topicId ?? ZERO_UUID }))) ?? [];
  const ungrouped = (request.ungroupedPartitionStates ?? []).map((p) => ({ ...p, topicId: ZERO_UUID }));
  return [...ungrouped, ...grouped].map((p) => ({
    topic: p.topicName,
    topicId: p.topicId,
    partition: p.partitionIndex,
    controllerEpoch: p.controllerEpoch,
    leader: p.leader,
    leaderEpoch: p.leaderEpoch,
    isr: p.isr,
    zkVersion: p.partitionEpoch,
    replicas: p.replicas,
    addingReplicas: p.addingReplicas ?? [],
    removingReplicas: p.removingReplicas ?? [],
    isNew: p.isNew ?? false,
  }));
}

function response(version: number, errorCode: number, states: readonly PartitionStateUpdate[], errors: readonly PartitionError[]): LeaderAndIsrResponse {
  if (version < 5) return { errorCode, partitionErrors: errors.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode })) };
  const idOf = new Map(states.map((s) => [s.topic, s.topicId]));
  const byTopic = new Map<string, PartitionError[]>();
  for (const e of errors) {
    const list = byTopic.get(e.topic) ?? [];
    list.push(e);
    byTopic.set(e.topic, list);
  }
  return {
    errorCode,
    topics: [...byTopic].map(([topic, list]) => ({
      topicId: idOf.get(topic) ?? ZERO_UUID,
      partitionErrors: list.map((e) => ({ topicName: e.topic, partitionIndex: e.partition, errorCode: e.errorCode })),
    })),
  };
}

const everyPartition = (states: readonly PartitionStateUpdate[], errorCode: number): PartitionError[] =>
  states.map((s) => ({ topic: s.topic, partition: s.partition, errorCode }));

export function leaderAndIsrHandler(replicas: ReplicaControl, fence: ControlRequestFence): ApiHandler<typeof ApiKey.LeaderAndIsr> {
  return {
    apiKey: ApiKey.LeaderAndIsr,
    minVersion: 0,
    maxVersion: 5,
    async handle(request, ctx) {
      const states = partitionStates(request);
      if (fence.isBrokerEpochStale(request.brokerEpoch)) return response(ctx.apiVersion, ErrorCode.STALE_BROKER_EPOCH, states, everyPartition(states, ErrorCode.STALE_BROKER_EPOCH));
      if (!fence.admitControllerEpoch(request.controllerEpoch)) {
        return response(ctx.apiVersion, ErrorCode.STALE_CONTROLLER_EPOCH, states, everyPartition(states, ErrorCode.STALE_CONTROLLER_EPOCH));
      }
      const errors = await replicas.becomeLeaderOrFollower(request.controllerId, request.controllerEpoch, states);
      return response(ctx.apiVersion, ErrorCode.NONE, states, errors);
    },
    errorResponse(request, errorCode, ctx) {
      const states = partitionStates(request);
      return response(ctx.apiVersion, errorCode, states, everyPartition(states, errorCode));
    },
  };
}
