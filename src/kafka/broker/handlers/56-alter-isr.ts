// AlterIsr (key 56, AlterPartition in later specs), version 0: Kafka 2.8.2's range. A partition leader asks the
// controller to change an ISR; the active controller decides through its state machine (broker epoch must match,
// leader epoch and ISR version are checked, the new state is written to ZooKeeper and sent in UpdateMetadata). Any
// other broker answers NOT_CONTROLLER with no partitions, as KafkaApis does. currentIsrVersion is the spec's
// partitionEpoch field.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { AlterPartitionResponse } from '../../protocol/schemas/alter-partition.js';
import type { ApiHandler } from '../handler.js';
import type { ControllerApi } from '../zk-controller/controller-service.js';

export function alterIsrHandler(controller: ControllerApi): ApiHandler<typeof ApiKey.AlterPartition> {
  return {
    apiKey: ApiKey.AlterPartition,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<AlterPartitionResponse> {
      if (!controller.isActive()) return { throttleTimeMs: 0, errorCode: ErrorCode.NOT_CONTROLLER, topics: [] };
      const reply = await controller.request({
        type: 'AlterIsr',
        brokerId: request.brokerId,
        brokerEpoch: request.brokerEpoch,
        topics: request.topics.map((t) => ({
          name: t.topicName ?? '',
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, leaderEpoch: p.leaderEpoch, newIsr: p.newIsr ?? [], currentIsrVersion: p.partitionEpoch })),
        })),
      });
      if (reply.api !== 'AlterIsr') throw new Error(`controller answered AlterIsr with ${reply.api}`);
      return {
        throttleTimeMs: 0,
        errorCode: reply.errorCode,
        topics: reply.topics.map((t) => ({
          topicName: t.name,
          partitions: t.partitions.map((p) => ({
            partitionIndex: p.partitionIndex,
            errorCode: p.errorCode,
            leaderId: p.leaderId,
            leaderEpoch: p.leaderEpoch,
            isr: p.isr,
            partitionEpoch: p.currentIsrVersion,
          })),
        })),
      };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode, topics: [] };
    },
  };
}
