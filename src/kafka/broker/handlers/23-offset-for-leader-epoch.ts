// OffsetForLeaderEpoch (key 23), versions 0-4: Kafka 2.8.2's range. For each partition: the largest leader epoch
// ≤ the one asked for that the leader's log knows, and where it ends (the log end offset for the current epoch);
// -1/-1 when the epoch is unknown. v1 answers the epoch, v2 adds the current leader epoch check
// (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), v3 the replica id, v4 is flexible. Consumers and followers ask the
// leader; Kafka's debugging replica id (-2) may ask any replica.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import { errorCodeOf, ReplicaError } from '../replica/replica-errors.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

const DEBUGGING_REPLICA_ID = -2;

export function offsetForLeaderEpochHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.OffsetForLeaderEpoch> {
  const failed = (partition: number, errorCode: number) => ({ errorCode, partition, leaderEpoch: -1, endOffset: -1n });
  return {
    apiKey: ApiKey.OffsetForLeaderEpoch,
    minVersion: 0,
    maxVersion: 4,
    handle(request) {
      const anyReplica = request.replicaId === DEBUGGING_REPLICA_ID;
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          topic: t.topic,
          partitions: t.partitions.map((p) => {
            try {
              const partition = anyReplica ? replicas.getPartition(t.topic, p.partition) : replicas.leaderPartition(t.topic, p.partition, p.currentLeaderEpoch);
              if (!partition) throw new ReplicaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `${t.topic}-${p.partition} is not hosted here`);
              partition.checkLeaderEpoch(p.currentLeaderEpoch);
              const found = partition.log.leaderEpochCache.endOffsetFor(p.leaderEpoch, partition.log.logEndOffset);
              return { errorCode: ErrorCode.NONE, partition: p.partition, leaderEpoch: found.epoch, endOffset: BigInt(found.endOffset) };
            } catch (err) {
              const code = errorCodeOf(err);
              if (code === null) throw err;
              return failed(p.partition, code);
            }
          }),
        })),
      };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, topics: request.topics.map((t) => ({ topic: t.topic, partitions: t.partitions.map((p) => failed(p.partition, errorCode)) })) };
    },
  };
}
