// ListPartitionReassignments (key 46), version 0: Kafka 2.8.2's range. Served by the active controller
// (NOT_CONTROLLER at the top level elsewhere, with Kafka's message), from what the controller keeps in ZooKeeper:
// the partitions of /brokers/topics/<t> with adding or removing replicas. topics null lists every reassignment;
// asked-for partitions that are not being reassigned (or do not exist) are left out, as Kafka does.
import { ApiKey, ErrorCode, errorInfo } from '../../protocol/index.js';
import type {
  ListPartitionReassignmentsResponse,
  ListPartitionReassignmentsResponseOngoingTopicReassignment as Ongoing,
} from '../../protocol/schemas/list-partition-reassignments.js';
import type { AdminContext } from '../../admin/admin-context.js';
import type { ApiHandler } from '../handler.js';

export function listPartitionReassignmentsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.ListPartitionReassignments> {
  const failed = (errorCode: number): ListPartitionReassignmentsResponse => ({ throttleTimeMs: 0, errorCode, errorMessage: errorInfo(errorCode).message, topics: [] });
  return {
    apiKey: ApiKey.ListPartitionReassignments,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<ListPartitionReassignmentsResponse> {
      if (!ctx.isActiveController()) return failed(ErrorCode.NOT_CONTROLLER);
      const zk = ctx.admin.zk;
      const wanted = request.topics === null ? (await zk.getAllTopics()).map((name) => ({ name, partitionIndexes: null as number[] | null })) : request.topics;
      const topics: Ongoing[] = [];
      for (const t of wanted) {
        const assignment = await zk.getTopicAssignment(t.name).catch(() => null);
        if (assignment === null) continue;
        const partitions = [...assignment.partitions]
          .filter(([p, a]) => (t.partitionIndexes === null || t.partitionIndexes.includes(p)) && (a.addingReplicas.length > 0 || a.removingReplicas.length > 0))
          .map(([p, a]) => ({ partitionIndex: p, replicas: a.replicas, addingReplicas: a.addingReplicas, removingReplicas: a.removingReplicas }));
        if (partitions.length > 0) topics.push({ name: t.name, partitions });
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, topics };
    },
    errorResponse(_request, errorCode) {
      return failed(errorCode);
    },
  };
}
