// ElectLeaders (key 43), versions 0-2: Kafka 2.8.2's range (v1 adds the election type and a top-level error, v2 is
// flexible). Handed to the local controller; on a broker that is not the active controller every partition gets
// NOT_CONTROLLER, as Kafka's controller answers it. Type 0 is a preferred election, type 1 an unclean one. Asked for
// every partition (null), the answer leaves out those that needed no election, as KafkaApis does.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ElectLeadersRequest, ElectLeadersResponse } from '../../protocol/schemas/elect-leaders.js';
import type { AdminContext } from '../../admin/admin-context.js';
import type { ControllerRequests } from '../../admin/controller-requests.js';
import type { ApiHandler } from '../handler.js';

const PREFERRED = 0;
const UNCLEAN = 1;
const ELECTION_NOT_NEEDED = 84;

function perPartition(request: ElectLeadersRequest, errorCode: number, errorMessage: string | null): ElectLeadersResponse {
  return {
    throttleTimeMs: 0,
    errorCode: ErrorCode.NONE,
    replicaElectionResults: (request.topicPartitions ?? []).map((t) => ({
      topic: t.topic,
      partitionResult: t.partitions.map((p) => ({ partitionId: p, errorCode, errorMessage })),
    })),
  };
}

export function electLeadersHandler(ctx: AdminContext, controller: ControllerRequests): ApiHandler<typeof ApiKey.ElectLeaders> {
  return {
    apiKey: ApiKey.ElectLeaders,
    minVersion: 0,
    maxVersion: 2,
    async handle(request, rc): Promise<ElectLeadersResponse> {
      if (!ctx.isActiveController()) return perPartition(request, ErrorCode.NOT_CONTROLLER, null);
      const electionType = rc.apiVersion >= 1 ? (request.electionType ?? PREFERRED) : PREFERRED;
      if (electionType !== PREFERRED && electionType !== UNCLEAN) {
        return perPartition(request, ErrorCode.INVALID_REQUEST, `Unknown election type ${electionType}`);
      }
      const partitions = request.topicPartitions === null ? null : request.topicPartitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
      const reply = electionType === PREFERRED ? await controller.electPreferredLeaders(partitions) : await controller.electUncleanLeaders(partitions);
      const results =
        partitions !== null
          ? reply.replicaElectionResults
          : reply.replicaElectionResults
              .map((t) => ({ ...t, partitionResult: t.partitionResult.filter((p) => p.errorCode !== ELECTION_NOT_NEEDED) }))
              .filter((t) => t.partitionResult.length > 0);
      return { throttleTimeMs: 0, errorCode: reply.errorCode, replicaElectionResults: results };
    },
    errorResponse(request, errorCode) {
      return { ...perPartition(request, errorCode, null), errorCode };
    },
  };
}
