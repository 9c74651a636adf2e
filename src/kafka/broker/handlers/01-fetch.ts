// Fetch (key 1), versions 0-13: Kafka 2.8.2 advertises 0-12; v13 (KIP-516, Kafka 3.1) names topics by id both ways,
// resolved through the ids LeaderAndIsr gave the hosted partitions (an unknown id: UNKNOWN_TOPIC_ID). v14+ (tiered
// storage, replica state, endpoints) are not advertised.
// v0-3 answer in the old message formats (magic 0 for v0-1, magic 1 for v2-3), down-converted from the stored v2
// batches; zstd data goes only to v10+ (older versions get UNSUPPORTED_COMPRESSION_TYPE for that partition). v3 adds
// the response byte limit, v4 the isolation level and the last stable offset (read_committed reads up to it and gets
// the aborted transactions overlapping the records returned), v5 the log start offset, v9 the current leader epoch
// (FENCED_LEADER_EPOCH / UNKNOWN_LEADER_EPOCH), v11 the preferred read replica (-1), v12 is flexible and takes the
// follower's last fetched epoch, answering diverging_epoch when the follower's log parted from the leader's.
// Fetch sessions (v7+) are declined: a full fetch is answered with session id 0, as Kafka does when its session
// cache has no room, so clients keep sending full fetches; an incremental fetch gets FETCH_SESSION_ID_NOT_FOUND.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import { BatchScanner, Compression, downConvert, MAGIC_V2, RecordBatchView, RecordsError } from '../../protocol/records/index.js';
import type { FetchResponse, FetchResponsePartitionData } from '../../protocol/schemas/fetch.js';
import type { ApiHandler } from '../handler.js';
import type { FetchPartitionResult } from '../replica/fetch-path.js';
import type { ReplicaManager } from '../replica/replica-manager.js';

const FIRST_ZSTD_VERSION = 10;
const FIRST_TOPIC_ID_VERSION = 13;
const FIRST_V2_FORMAT_VERSION = 4;
const READ_COMMITTED = 1;
/** Sessionless (FINAL_EPOCH) and new-session (INITIAL_EPOCH) requests are full fetches. */
const FULL_FETCH_EPOCHS = new Set([-1, 0]);
const INT32_MAX = 0x7fffffff;
const EMPTY = Buffer.alloc(0);

function hasZstd(records: Buffer): boolean {
  const scanner = new BatchScanner(records);
  while (scanner.next()) {
    if (scanner.magic === MAGIC_V2 && new RecordBatchView(records, scanner.batchStart).compression === Compression.ZSTD) return true;
  }
  return false;
}

/** The records as this version's client can read them, or the error code for the partition. */
async function recordsFor(version: number, fetchOffset: number, records: Buffer | null): Promise<{ records: Buffer | null; errorCode: number }> {
  if (records === null) return { records, errorCode: ErrorCode.NONE };
  try {
    if (version < FIRST_ZSTD_VERSION && hasZstd(records)) return { records: null, errorCode: ErrorCode.UNSUPPORTED_COMPRESSION_TYPE };
    if (version >= FIRST_V2_FORMAT_VERSION) return { records, errorCode: ErrorCode.NONE };
    return { records: await downConvert(records, version <= 1 ? 0 : 1, { firstOffset: fetchOffset }), errorCode: ErrorCode.NONE };
  } catch (err) {
    // A batch cut short by the byte limit is not an error: the scanner stops before it.
    if (err instanceof RecordsError) return { records: null, errorCode: err.errorCode };
    throw err;
  }
}

function unknownTopicId(partitionIndex: number): FetchResponsePartitionData {
  return {
    partitionIndex, errorCode: ErrorCode.UNKNOWN_TOPIC_ID, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null,
    preferredReadReplica: -1, records: EMPTY,
  };
}

export function fetchHandler(replicas: ReplicaManager): ApiHandler<typeof ApiKey.Fetch> {
  const partitionData = async (version: number, isolation: number, fetchOffset: number, r: FetchPartitionResult): Promise<FetchResponsePartitionData> => {
    const converted = r.errorCode === ErrorCode.NONE ? await recordsFor(version, fetchOffset, r.records) : { records: null, errorCode: r.errorCode };
    return {
      partitionIndex: r.partition,
      errorCode: converted.errorCode,
      highWatermark: BigInt(r.highWatermark),
      lastStableOffset: BigInt(r.lastStableOffset),
      logStartOffset: BigInt(r.logStartOffset),
      abortedTransactions: isolation === READ_COMMITTED && converted.errorCode === ErrorCode.NONE
        ? (r.abortedTransactions ?? []).map((t) => ({ producerId: BigInt(t.producerId), firstOffset: BigInt(t.firstOffset) }))
        : null,
      preferredReadReplica: -1,
      ...(r.divergingEpoch && version >= 12 ? { divergingEpoch: { epoch: r.divergingEpoch.epoch, endOffset: BigInt(r.divergingEpoch.endOffset) } } : {}),
      // Kafka sends empty records, never null: librdkafka refuses a size of -1.
      records: converted.records ?? EMPTY,
    };
  };
  return {
    apiKey: ApiKey.Fetch,
    minVersion: 0,
    maxVersion: 13,
    async handle(request, ctx) {
      const version = ctx.apiVersion;
      if (version >= 7 && !FULL_FETCH_EPOCHS.has(request.sessionEpoch ?? -1)) {
        return { throttleTimeMs: 0, errorCode: ErrorCode.FETCH_SESSION_ID_NOT_FOUND, sessionId: 0, responses: [] };
      }
      const isolation = request.isolationLevel ?? 0;
      const byId = version >= FIRST_TOPIC_ID_VERSION;
      const names = request.topics.map((t) => (byId ? replicas.topicNameForId(t.topicId ?? '') : t.topic ?? ''));
      const wanted = request.topics.flatMap((t, i) =>
        names[i] === undefined ? [] : t.partitions.map((p) => ({
          topic: names[i]!, partition: p.partition, fetchOffset: Number(p.fetchOffset), partitionMaxBytes: p.partitionMaxBytes,
          currentLeaderEpoch: p.currentLeaderEpoch,
          lastFetchedEpoch: version >= 12 ? p.lastFetchedEpoch : undefined,
          logStartOffset: p.logStartOffset === undefined ? undefined : Number(p.logStartOffset),
        })),
      );
      const results = await replicas.fetchMessages({
        replicaId: request.replicaId ?? -1,
        maxWaitMs: request.maxWaitMs,
        minBytes: request.minBytes,
        maxBytes: version >= 3 ? (request.maxBytes ?? INT32_MAX) : INT32_MAX,
        partitions: wanted,
        isolationLevel: version >= 4 ? isolation : 0,
      });
      const fromFollower = (request.replicaId ?? -1) >= 0;
      for (const r of results) replicas.stats.fetched(r.topic, r.records?.length ?? 0, r.errorCode !== ErrorCode.NONE, fromFollower);
      const responses: FetchResponse['responses'] = [];
      let i = 0;
      for (const [n, t] of request.topics.entries()) {
        const partitions: FetchResponsePartitionData[] = [];
        for (const p of t.partitions) {
          partitions.push(names[n] === undefined ? unknownTopicId(p.partition) : await partitionData(version, isolation, Number(p.fetchOffset), results[i++]!));
        }
        responses.push(byId ? { topicId: t.topicId, partitions } : { topic: t.topic, partitions });
      }
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, sessionId: 0, responses };
    },
    errorResponse(request, errorCode) {
      return {
        throttleTimeMs: 0, errorCode, sessionId: 0,
        responses: request.topics.map((t) => ({
          ...(t.topicId !== undefined ? { topicId: t.topicId } : { topic: t.topic }),
          partitions: t.partitions.map((p) => ({ partitionIndex: p.partition, errorCode, highWatermark: -1n, lastStableOffset: -1n, logStartOffset: -1n, abortedTransactions: null, preferredReadReplica: -1, records: EMPTY })),
        })),
      };
    },
  };
}
