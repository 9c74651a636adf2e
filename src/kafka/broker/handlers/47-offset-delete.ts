// OffsetDelete (key 47), version 0: Kafka 2.8.2's range. Partitions the metadata does not know are answered
// UNKNOWN_TOPIC_OR_PARTITION and the rest go to the coordinator; a group-level error answers no partitions.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { OffsetDeleteResponse as WireOffsetDeleteResponse } from '../../protocol/schemas/offset-delete.js';
import type { OffsetDeleteResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { partitionExists, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

export function offsetDeleteHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.OffsetDelete> {
  return {
    apiKey: ApiKey.OffsetDelete,
    minVersion: 0,
    maxVersion: 0,
    async handle(request) {
      const known = request.topics
        .map((t) => ({ name: t.name, partitions: t.partitions.map((p) => p.partitionIndex).filter((p) => partitionExists(deps.metadata, t.name, p)) }))
        .filter((t) => t.partitions.length > 0);
      const response = await deps.groups.request<OffsetDeleteResponse>((c, now, id) => c.deleteOffsets(now, id, { groupId: request.groupId, topics: known }));
      if (response.errorCode !== ErrorCode.NONE) return { errorCode: response.errorCode, throttleTimeMs: 0, topics: [] };
      const answered = new Map<string, number>();
      for (const t of response.topics) for (const p of t.partitions) answered.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
      const topics: WireOffsetDeleteResponse['topics'] = request.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: answered.get(`${t.name}\0${p.partitionIndex}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION,
        })),
      }));
      return { errorCode: ErrorCode.NONE, throttleTimeMs: 0, topics };
    },
    errorResponse(_request, errorCode) {
      return { errorCode, throttleTimeMs: 0, topics: [] };
    },
  };
}
