// TxnOffsetCommit (key 28), versions 0-3: Kafka 2.8.2's range (v2+ carry the committed leader epoch, v3 is flexible
// and carries generation id, member id and group.instance.id, checked when set). The offsets are written to
// __consumer_offsets as the producer's transactional batch and stay pending until the transaction's marker; the
// answer comes once that batch is written (or failed). Partitions the metadata does not know are answered
// UNKNOWN_TOPIC_OR_PARTITION. v0-v1 clients (before KAFKA-7296) get COORDINATOR_NOT_AVAILABLE instead of
// COORDINATOR_LOAD_IN_PROGRESS, as Kafka answers them.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { TxnOffsetCommitRequest, TxnOffsetCommitResponse as WireTxnOffsetCommitResponse } from '../../protocol/schemas/txn-offset-commit.js';
import type { TxnOffsetCommitRequest as CoordinatorTxnCommit, TxnOffsetCommitResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import { partitionExists, type GroupHandlerDeps } from '../groups/group-handler-deps.js';

function everyPartition(request: TxnOffsetCommitRequest, errorOf: (topic: string, partition: number) => number): WireTxnOffsetCommitResponse {
  return {
    throttleTimeMs: 0,
    topics: request.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, errorCode: errorOf(t.name, p.partitionIndex) })),
    })),
  };
}

function toCoordinator(request: TxnOffsetCommitRequest, version: number, topics: TxnOffsetCommitRequest['topics']): CoordinatorTxnCommit {
  return {
    groupId: request.groupId,
    producerId: Number(request.producerId),
    producerEpoch: request.producerEpoch,
    generationId: version >= 3 ? (request.generationId ?? -1) : -1,
    memberId: version >= 3 ? (request.memberId ?? '') : '',
    groupInstanceId: version >= 3 ? (request.groupInstanceId ?? null) : null,
    topics: topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        committedOffset: p.committedOffset,
        committedLeaderEpoch: version >= 2 ? (p.committedLeaderEpoch ?? -1) : -1,
        committedMetadata: p.committedMetadata,
      })),
    })),
  };
}

export function txnOffsetCommitHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.TxnOffsetCommit> {
  return {
    apiKey: ApiKey.TxnOffsetCommit,
    minVersion: 0,
    maxVersion: 3,
    async handle(request, ctx) {
      const known = request.topics
        .map((t) => ({ ...t, partitions: t.partitions.filter((p) => partitionExists(deps.metadata, t.name, p.partitionIndex)) }))
        .filter((t) => t.partitions.length > 0);
      const answered = new Map<string, number>();
      if (known.length > 0) {
        const response = await deps.groups.request<TxnOffsetCommitResponse>((c, now, id) => c.txnCommitOffsets(now, id, toCoordinator(request, ctx.apiVersion, known)));
        for (const t of response.topics) for (const p of t.partitions) answered.set(`${t.name}\0${p.partitionIndex}`, p.errorCode);
      }
      return everyPartition(request, (topic, partition) => {
        const code = answered.get(`${topic}\0${partition}`) ?? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        return ctx.apiVersion < 2 && code === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? ErrorCode.COORDINATOR_NOT_AVAILABLE : code;
      });
    },
    errorResponse(request, errorCode) {
      return everyPartition(request, () => errorCode);
    },
  };
}
