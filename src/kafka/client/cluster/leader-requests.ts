// Requests about partitions go to each partition's leader: the partitions are grouped by leader, one request per
// leader, and partitions whose answer is retriable (leadership moved, no leader yet) are asked again after a
// metadata refresh and a backoff, until the retries are used up.
import { ApiKey } from '../../protocol/schemas/index.js';
import { isRetriable, kafkaError, KafkaClientError } from '../errors/index.js';
import type { KafkaCluster } from './kafka-cluster.js';
import { backoffMs, sleep } from './retry.js';
import { listOffsetsRequest, type PartitionTimestamp } from '../admin/admin-requests.js';
import { ErrorCode } from '../../protocol/errors.js';

export interface PartitionRef {
  topic: string;
  partition: number;
}

export const partitionKey = (p: PartitionRef): string => `${p.topic}-${p.partition}`;

export type PartitionOutcome<R> = { ok: true; value: R } | { ok: false; error: Error };

/**
 * Runs `send(leaderId, partitions)` for every leader and collects one outcome per partition. `send` returns an
 * outcome per partition it was given; retriable failures are retried (with fresh metadata) up to the retries.
 */
export async function perLeader<P extends PartitionRef, R>(
  cluster: KafkaCluster,
  partitions: readonly P[],
  send: (leader: number, partitions: P[]) => Promise<Map<string, PartitionOutcome<R>>>,
): Promise<Map<string, PartitionOutcome<R>>> {
  const results = new Map<string, PartitionOutcome<R>>();
  let pending = [...partitions];
  const topics = [...new Set(partitions.map((p) => p.topic))];
  if (topics.some((t) => cluster.metadata.topic(t) === undefined)) await cluster.refreshMetadata(topics);
  for (let attempt = 0; pending.length > 0; attempt++) {
    const byLeader = new Map<number, P[]>();
    for (const p of pending) {
      const leader = cluster.metadata.leaderOf(p.topic, p.partition);
      if (leader < 0) {
        const topic = cluster.metadata.topic(p.topic);
        const code = topic === undefined || topic.errorCode !== 0 ? topic?.errorCode || ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : topic.partitions.some((x) => x.partition === p.partition) ? ErrorCode.LEADER_NOT_AVAILABLE : ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        results.set(partitionKey(p), { ok: false, error: kafkaError(code, null, partitionKey(p)) });
        continue;
      }
      const list = byLeader.get(leader) ?? [];
      list.push(p);
      byLeader.set(leader, list);
    }
    await Promise.all(
      [...byLeader].map(async ([leader, list]) => {
        try {
          const answers = await send(leader, list);
          for (const p of list) {
            const key = partitionKey(p);
            results.set(key, answers.get(key) ?? { ok: false, error: new KafkaClientError(`no answer for ${key}`, false) });
          }
        } catch (error) {
          for (const p of list) results.set(partitionKey(p), { ok: false, error: error as Error });
        }
      }),
    );
    const retry = pending.filter((p) => {
      const r = results.get(partitionKey(p))!;
      return !r.ok && isRetriable(r.error);
    });
    if (retry.length === 0 || attempt >= cluster.retry.retries) break;
    pending = retry;
    await cluster.refreshMetadata([...new Set(retry.map((p) => p.topic))]).catch(() => {});
    await sleep(backoffMs(attempt, cluster.retry));
  }
  return results;
}

export interface OffsetAndTimestamp {
  offset: bigint;
  timestamp: bigint;
}

/** ListOffsets for each partition at its leader: the offset for a timestamp, or for EARLIEST (-2) / LATEST (-1). */
export function listOffsetsAtLeaders(cluster: KafkaCluster, list: readonly PartitionTimestamp[], isolationLevel: number): Promise<Map<string, PartitionOutcome<OffsetAndTimestamp>>> {
  return perLeader(cluster, list, async (leader, parts) => {
    const conn = await cluster.nodeConnection(leader);
    const version = conn.versionFor(ApiKey.ListOffsets);
    const response = await conn.send(ApiKey.ListOffsets, listOffsetsRequest(parts, isolationLevel, version), { version });
    const out = new Map<string, PartitionOutcome<OffsetAndTimestamp>>();
    for (const t of response.topics) {
      for (const p of t.partitions) {
        const key = `${t.name}-${p.partitionIndex}`;
        if (p.errorCode !== 0) out.set(key, { ok: false, error: kafkaError(p.errorCode, null, key) });
        else if (version === 0) out.set(key, { ok: true, value: { offset: p.oldStyleOffsets?.[0] ?? -1n, timestamp: -1n } });
        else out.set(key, { ok: true, value: { offset: p.offset ?? -1n, timestamp: p.timestamp ?? -1n } });
      }
    }
    return out;
  });
}
