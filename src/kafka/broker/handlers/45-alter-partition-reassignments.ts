// AlterPartitionReassignments (key 45), version 0: Kafka 2.8.2's range. Handed to the local controller (which
// validates, writes the adding/removing replicas into /brokers/topics/<t> and answers per partition); a broker that
// is not the active controller answers NOT_CONTROLLER at the top level with Kafka's message.
import { ApiKey, ErrorCode, errorInfo } from '../../protocol/index.js';
import type { AlterPartitionReassignmentsResponse } from '../../protocol/schemas/alter-partition-reassignments.js';
import type { AdminContext } from '../../admin/admin-context.js';
import type { ControllerRequests } from '../../admin/controller-requests.js';
import type { ApiHandler } from '../handler.js';

export function alterPartitionReassignmentsHandler(ctx: AdminContext, controller: ControllerRequests): ApiHandler<typeof ApiKey.AlterPartitionReassignments> {
  const failed = (errorCode: number): AlterPartitionReassignmentsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage: errorInfo(errorCode).message, responses: [] });
  return {
    apiKey: ApiKey.AlterPartitionReassignments,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<AlterPartitionReassignmentsResponse> {
      if (!ctx.isActiveController()) return failed(ErrorCode.NOT_CONTROLLER);
      const reply = await controller.alterPartitionReassignments(
        request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, replicas: p.replicas }))),
      );
      return { throttleTimeMs: 0, errorCode: reply.errorCode, errorMessage: reply.errorMessage, responses: reply.responses };
    },
    errorResponse(_request, errorCode) {
      return failed(errorCode);
    },
  };
}
