// The Fetch request of a consumer (replica id -1, no fetch session: session id 0, epoch -1, full fetches).
import type { FetchRequest } from '../../protocol/schemas/fetch.js';

export const IsolationLevel = { READ_UNCOMMITTED: 0, READ_COMMITTED: 1 } as const;

export interface FetchPartition {
  topic: string;
  partition: number;
  fetchOffset: bigint;
  partitionMaxBytes: number;
}

export interface FetchSettings {
  maxWaitMs: number;
  minBytes: number;
  maxBytes: number;
  isolationLevel: number;
  rackId?: string;
}

export function fetchRequest(settings: FetchSettings, partitions: readonly FetchPartition[], version: number): FetchRequest {
  const topics = new Map<string, { partition: number; fetchOffset: bigint; partitionMaxBytes: number; logStartOffset: bigint; currentLeaderEpoch: number }[]>();
  for (const p of partitions) {
    let list = topics.get(p.topic);
    if (list === undefined) topics.set(p.topic, (list = []));
    list.push({ partition: p.partition, fetchOffset: p.fetchOffset, partitionMaxBytes: p.partitionMaxBytes, logStartOffset: -1n, currentLeaderEpoch: -1 });
  }
  return {
    replicaId: -1,
    maxWaitMs: settings.maxWaitMs,
    minBytes: settings.minBytes,
    maxBytes: version >= 3 ? settings.maxBytes : undefined,
    isolationLevel: version >= 4 ? settings.isolationLevel : undefined,
    sessionId: 0,
    sessionEpoch: -1,
    topics: [...topics].map(([topic, parts]) => ({ topic, partitions: parts })),
    forgottenTopicsData: [],
    rackId: version >= 11 ? settings.rackId ?? '' : undefined,
  } as FetchRequest;
}
