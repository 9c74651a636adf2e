// DeleteRecords (key 21), versions 0-2: Kafka 2.8.2's range (v2 flexible). Moves each partition's log start offset
// up to the offset given (-1: the high watermark); beyond the high watermark, or below -1, is OFFSET_OUT_OF_RANGE.
// The answer waits until every replica on a live broker has moved its log start offset as far (the low watermark
// answered is the smallest of them), or until timeout_ms passes (REQUEST_TIMED_OUT); delete-records-path.ts.
import { ApiKey } from '../../protocol/index.js';
import type { ApiHandler } from '../handler.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

export function deleteRecordsHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.DeleteRecords> {
  return {
    apiKey: ApiKey.DeleteRecords,
    minVersion: 0,
    maxVersion: 2,
    async handle(request) {
      const entries = request.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, offset: p.offset < -1n ? -2 : Number(p.offset) })));
      const results = await replicas.deleteRecords(entries, request.timeoutMs);
      let i = 0;
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({
          name: t.name,
          partitions: t.partitions.map(() => {
            const r = results[i++]!;
            return { partitionIndex: r.partition, lowWatermark: BigInt(r.lowWatermark), errorCode: r.errorCode };
          }),
        })),
      };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0,
        topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => ({ partitionIndex: p.partitionIndex, lowWatermark: -1n, errorCode })) })),
      };
    },
  };
}
