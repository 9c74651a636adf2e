// ListOffsets (key 2), versions 0-7: Kafka 2.8.2 advertises 0-6; v7 (KIP-734, same layout) adds MAX_TIMESTAMP (-3).
// v0 answers the old list of offsets (latest: high watermark then segment base offsets, newest first, up to
// max_num_offsets; earliest: the log start); v1+ one offset and its timestamp, -1/-1 when no record has a timestamp
// at or after the one asked for. v2 adds the isolation level (read_committed: latest is the last stable offset, and
// timestamps are searched below it), v4 the leader epoch both ways (FENCED_LEADER_EPOCH /
// UNKNOWN_LEADER_EPOCH), v6 is flexible. A consumer (replica id -1) sees offsets below the high watermark only; a
// partition named twice in a v1+ request gets INVALID_REQUEST.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  ListOffsetsRequestListOffsetsPartition as RequestPartition,
  ListOffsetsResponseListOffsetsPartitionResponse as ResponsePartition,
} from '../../protocol/schemas/list-offsets.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP, MAX_TIMESTAMP } from '../../storage/log.js';
import type { ApiHandler } from '../handler.js';
import { errorCodeOf } from '../replica/replica-errors.js';
import { READ_COMMITTED } from '../replica/fetch-path.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

const FIRST_MAX_TIMESTAMP_VERSION = 7;
/** A ListOffsets from a consumer; -2 is Kafka's debugging consumer, which may read any replica. */
const CONSUMER_REPLICA_ID = -1;

/** Fields a version does not carry are left out (the codec refuses to drop a non-default value). */
function failed(partitionIndex: number, errorCode: number): ResponsePartition {
  return { partitionIndex, errorCode };
}

export function listOffsetsHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.ListOffsets> {
  const answer = async (topic: string, req: RequestPartition, version: number, replicaId: number, isolation: number): Promise<ResponsePartition> => {
    const p = replicas.leaderPartition(topic, req.partitionIndex, req.currentLeaderEpoch);
    const log = p.log;
    const ts = Number(req.timestamp);
    const limit = replicaId >= 0 ? log.logEndOffset : isolation === READ_COMMITTED ? p.lastStableOffset : p.highWatermark;
    if (version === 0) {
      const max = Math.max(0, req.maxNumOffsets ?? 1);
      let offsets: number[];
      if (ts === EARLIEST_TIMESTAMP) offsets = [log.logStartOffset];
      else {
        const bases = log.logSegments().map((s) => s.baseOffset).filter((o) => o < limit).reverse();
        offsets = ts === LATEST_TIMESTAMP ? [limit, ...bases] : bases;
      }
      return { partitionIndex: req.partitionIndex, errorCode: ErrorCode.NONE, oldStyleOffsets: offsets.slice(0, max).map(BigInt) };
    }
    let found: { timestamp: number; offset: number; leaderEpoch: number } | null;
    if (ts === EARLIEST_TIMESTAMP) found = { timestamp: -1, offset: log.logStartOffset, leaderEpoch: log.epochForOffset(log.logStartOffset) ?? -1 };
    else if (ts === LATEST_TIMESTAMP) found = { timestamp: -1, offset: limit, leaderEpoch: log.leaderEpochCache.latestEpoch() ?? -1 };
    // Before v7 -3 is an ordinary (negative) timestamp: every record's timestamp is at or after it.
    else found = await p.offsetForTimestamp(ts === MAX_TIMESTAMP && version < FIRST_MAX_TIMESTAMP_VERSION ? Number.MIN_SAFE_INTEGER : ts, limit);
    const out: ResponsePartition = {
      partitionIndex: req.partitionIndex, errorCode: ErrorCode.NONE, timestamp: BigInt(found?.timestamp ?? -1), offset: BigInt(found?.offset ?? -1),
    };
    if (version >= 4) out.leaderEpoch = found?.leaderEpoch ?? -1;
    return out;
  };
  return {
    apiKey: ApiKey.ListOffsets,
    minVersion: 0,
    maxVersion: 7,
    async handle(request, ctx) {
      const version = ctx.apiVersion;
      const seen = new Map<string, number>();
      for (const t of request.topics) for (const p of t.partitions) seen.set(`${t.name}\u0000${p.partitionIndex}`, (seen.get(`${t.name}\u0000${p.partitionIndex}`) ?? 0) + 1);
      const replicaId = request.replicaId === -2 ? CONSUMER_REPLICA_ID : request.replicaId;
      const topics = await Promise.all(request.topics.map(async (t) => ({
        name: t.name,
        partitions: await Promise.all(t.partitions.map(async (p) => {
          if (version >= 1 && seen.get(`${t.name}\u0000${p.partitionIndex}`)! > 1) return failed(p.partitionIndex, ErrorCode.INVALID_REQUEST);
          try {
            return await answer(t.name, p, version, replicaId, version >= 2 ? (request.isolationLevel ?? 0) : 0);
          } catch (err) {
            const code = errorCodeOf(err);
            if (code === null) throw err;
            return failed(p.partitionIndex, code);
          }
        })),
      })));
      return { throttleTimeMs: 0, topics };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, topics: request.topics.map((t) => ({ name: t.name, partitions: t.partitions.map((p) => failed(p.partitionIndex, errorCode)) })) };
    },
  };
}
