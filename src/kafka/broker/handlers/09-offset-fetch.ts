// OffsetFetch (key 9), versions 0-8: Kafka 2.8.2 advertises 0-7; v8 (KIP-709) asks for several groups at once and
// answers each with its own error. v1 reads __consumer_offsets; v0, which Kafka 2.8 serves from ZooKeeper, is served
// from __consumer_offsets too. v2+ accept a null topic list (every committed partition) and answer a group error
// at top level with no partitions; v0-v1 answer it on every requested partition. v5+ answer the committed leader
// epoch, v7 may ask for stable offsets only (UNSTABLE_OFFSET_COMMIT while a commit is being written or a
// transaction's offsets await its marker). v9 (member epochs of the new consumer protocol) is not advertised.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  OffsetFetchRequest,
  OffsetFetchResponse as WireOffsetFetchResponse,
  OffsetFetchResponseOffsetFetchResponseTopic as WireTopic,
  OffsetFetchResponseOffsetFetchResponseTopics as WireGroupTopic,
} from '../../protocol/schemas/offset-fetch.js';
import type { OffsetFetchGroup, OffsetFetchGroupResult, OffsetFetchResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';

const INVALID_OFFSET = -1n;

function groupsOf(request: OffsetFetchRequest, version: number): OffsetFetchGroup[] {
  if (version >= 8) return (request.groups ?? []).map((g) => ({ groupId: g.groupId, topics: g.topics }));
  return [{ groupId: request.groupId ?? '', topics: version >= 2 ? (request.topics ?? null) : (request.topics ?? []) }];
}

function topicsOf(result: OffsetFetchGroupResult): WireGroupTopic[] {
  return result.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ ...p })) }));
}

/** v0-v1 have no group error: it is answered on every requested partition (OffsetFetchRequest.getErrorResponse). */
function partitionErrors(group: OffsetFetchGroup, errorCode: number): WireTopic[] {
  return (group.topics ?? []).map((t) => ({
    name: t.name,
    partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, committedOffset: INVALID_OFFSET, committedLeaderEpoch: -1, metadata: '', errorCode })),
  }));
}

function toWire(request: OffsetFetchRequest, version: number, results: OffsetFetchGroupResult[]): WireOffsetFetchResponse {
  if (version >= 8) {
    return { throttleTimeMs: 0, groups: results.map((r) => ({ groupId: r.groupId, errorCode: r.errorCode, topics: topicsOf(r) })) };
  }
  const result = results[0]!;
  if (version >= 2) return { throttleTimeMs: 0, errorCode: result.errorCode, topics: result.errorCode === ErrorCode.NONE ? topicsOf(result) : [] };
  const topics = result.errorCode === ErrorCode.NONE ? topicsOf(result) : partitionErrors(groupsOf(request, version)[0]!, result.errorCode);
  return { throttleTimeMs: 0, topics };
}

export function offsetFetchHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.OffsetFetch> {
  return {
    apiKey: ApiKey.OffsetFetch,
    minVersion: 0,
    maxVersion: 8,
    async handle(request, ctx) {
      const groups = groupsOf(request, ctx.apiVersion);
      const requireStable = ctx.apiVersion >= 7 && (request.requireStable ?? false);
      const response = await deps.groups.request<OffsetFetchResponse>((c, now, id) => c.fetchOffsets(now, id, groups, requireStable));
      return toWire(request, ctx.apiVersion, response.groups);
    },
    errorResponse(request, errorCode, ctx) {
      const results = groupsOf(request, ctx.apiVersion).map((g) => ({ groupId: g.groupId, errorCode, topics: [] }));
      return toWire(request, ctx.apiVersion, results);
    },
  };
}
