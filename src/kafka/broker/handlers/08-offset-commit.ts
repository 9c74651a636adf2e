// OffsetCommit (key 8), versions 0-8: Kafka 2.8.2's range. v1 carries a commit timestamp per partition (-1: now),
// v2-v4 a retention time (-1: offsets.retention.minutes), v6+ the committed leader epoch, v7+ group.instance.id, v8
// is flexible. Kafka 2.8 keeps v0 commits in ZooKeeper (/consumers/<group>/offsets); here they go to
// __consumer_offsets like every other version, as commits from outside group management (generation -1).
// Partitions the metadata does not know are answered UNKNOWN_TOPIC_OR_PARTITION; the answer for the rest comes once
// their records are written with offsets.commit.required.acks (or failed).
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { OffsetCommitRequest, OffsetCommitResponse as WireOffsetCommitResponse } from '../../protocol/schemas/offset-commit.js';
import type { OffsetCommitRequest as CoordinatorCommit, OffsetCommitResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { partitionExists, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

function everyPartition(request: OffsetCommitRequest, errorOf: (topic: string, partition: number) => number): WireOffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorOf(t.name, p.partitionIndex) })),
    })),
  };
}

function toCoordinator(request: OffsetCommitRequest, version: number, topics: OffsetCommitRequest['topics']): CoordinatorCommit {
  return {
    apiVersion: version,
    groupId: request.groupId,
    generationId: version >= 1 ? (request.generationIdOrMemberEpoch ?? -1) : -1,
    memberId: version >= 1 ? (request.memberId ?? '') : '',
    groupInstanceId: version >= 7 ? (request.groupInstanceId ?? null) : null,
    retentionTimeMs: version >= 2 && version <= 4 ? Number(request.retentionTimeMs ?? -1n) : -1,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: version >= 6 ? (p.committedLeaderEpoch ?? -1) : -1,
        commitTimestampMs: version === 1 ? Number(p.commitTimestamp ?? -1n) : -1,
        committedMetadata: p.committedMetadata,
      })),
    })),
  };
}

export function offsetCommitHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.OffsetCommit> {
  return {
    apiKey: ApiKey.OffsetCommit,
    minVersion: 0,
    maxVersion: 8,
    async handle(request, ctx) {
      const known = request.topics
        .map((t) => ({ ...t, partitions: t.partitions.filter((p) => partitionExists(deps.metadata, t.name, p.partitionIndex)) }))
        .filter((t) => t.partitions.length > 0);
      const answered = new Map<string, number>();
      if (known.length > 0) {
        const response = await deps.groups.request<OffsetCommitResponse>((c, now, id) => c.commitOffsets(now, id, toCoordinator(request, ctx.apiVersion, known)));
        for (const t of response.topics) for (const p of t.partitions) answered.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
      }
      return everyPartition(request, (topic, partition) => answered.get(`${topic}\0${partition}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
    },
    errorResponse(request, errorCode) {
      return everyPartition(request, () => errorCode);
    },
  };
}
