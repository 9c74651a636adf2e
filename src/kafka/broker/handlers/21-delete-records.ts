// DeleteRecords (key 21), versions 0-2: Kafka 2.8.2's range (v2 flexible). Moves each partition's log start offset
// up to the offset given (-1: the high watermark); beyond the high watermark, or below -1, is OFFSET_OUT_OF_RANGE.
// The low watermark answered is the new log start offset. Kafka waits for followers to report their own log start;
// a follower here takes the leader's log start from its fetches, so the leader's answer is final.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import { errorCodeOf, ReplicaError } from '../replica/replica-errors.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

const TO_HIGH_WATERMARK = -1n;

export function deleteRecordsHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.DeleteRecords> {
  const deleteTo = async (topic: string, partition: number, offset: bigint): Promise<bigint> => {
    const p = replicas.leaderPartition(topic, partition);
    const target = offset === TO_HIGH_WATERMARK ? p.highWatermark : Number(offset);
    if (offset < TO_HIGH_WATERMARK) throw new ReplicaError(ErrorCode.OFFSET_OUT_OF_RANGE, `Cannot delete records of ${topic}-${partition} to offset ${offset}`);
    return BigInt(await p.log.deleteRecordsTo(target));
  };
  return {
    apiKey: ApiKey.DeleteRecords,
    minVersion: 0,
    maxVersion: 2,
    async handle(request) {
      const topics = await Promise.all(request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitions.map(async (p) => {
          try {
            return { partitionIndex: p.partitionIndex, lowWatermark: await deleteTo(t.name, p.partitionIndex, p.offset), errorCode: ErrorCode.NONE };
          } catch (err) {
            const code = errorCodeOf(err);
            if (code === null) throw err;
            return { partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode: code };
          }
        })),
      })));
      return { throttleTimeMs: 0, topics };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })) })),
      };
    },
  };
}
