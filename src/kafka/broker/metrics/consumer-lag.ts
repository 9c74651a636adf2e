// Consumer group lag as kafka_exporter reports it (kafka_consumergroup_current_offset, kafka_consumergroup_lag): for
// each group this broker coordinates, each committed offset against its partition's latest offset (the high
// watermark, what ListOffsets -1 answers and kafka-consumer-groups shows as LOG-END-OFFSET). Partitions led here are
// read locally; the others are asked of their leaders with one ListOffsets request each, at scrape time.
import type { GroupCoordinator } from '../../coordinator/index.js';
import { splitTopicPartitionKey } from '../../coordinator/group.js';

export interface CommittedRow {
  group: string;
  topic: string;
  partition: number;
  offset: number;
}

export interface LagRow extends CommittedRow {
  /** The partition's latest offset; undefined when its leader could not tell. */
  logEnd: number | undefined;
}

export interface LogEndSources {
  /** The high watermark of a partition led by this broker, else undefined. */
  local(topic: string, partition: number): number | undefined;
  /** The leader's latest offsets of these partitions ("topic\0partition" → offset); missing ones are unknown. */
  remote(partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, number>>;
}

export function committedOffsets(coordinator: GroupCoordinator): CommittedRow[] {
  const rows: CommittedRow[] = [];
  for (const [group, metadata] of coordinator.groups) {
    for (const [key, committed] of metadata.offsets) {
      const { topic, partition } = splitTopicPartitionKey(key);
      rows.push({ group, topic, partition, offset: Number(committed.offset) });
    }
  }
  return rows;
}

export const partitionKey = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

export async function consumerLag(rows: readonly CommittedRow[], sources: LogEndSources): Promise<LagRow[]> {
  const remote = new Map<string, { topic: string; partition: number }>();
  const local = new Map<string, number | undefined>();
  for (const r of rows) {
    const key = partitionKey(r.topic, r.partition);
    if (local.has(key) || remote.has(key)) continue;
    const end = sources.local(r.topic, r.partition);
    if (end === undefined) remote.set(key, { topic: r.topic, partition: r.partition });
    else local.set(key, end);
  }
  const fetched = remote.size > 0 ? await sources.remote([...remote.values()]) : new Map<string, number>();
  return rows.map((r) => {
    const key = partitionKey(r.topic, r.partition);
    return { ...r, logEnd: local.get(key) ?? fetched.get(key) };
  });
}
