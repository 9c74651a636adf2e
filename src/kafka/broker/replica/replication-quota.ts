// Kafka's ReplicationQuotaManager: one byte-rate quota for a broker's replication in one direction (the leader
// answering followers, or the follower fetching), shared by every throttled partition. The rate is a SimpleRate over
// replication.quota.window.num samples of replication.quota.window.size.seconds, and the quota is exceeded once the
// rate is above the bound (leader/follower.replication.throttled.rate). Which partitions it throttles comes from the
// topic configs leader/follower.replication.throttled.replicas: the partitions listed with this broker's id, or all
// of them for `*`. Nothing is throttled for a replica in the ISR on the leader side (shouldLeaderThrottle), nor for a
// follower that has caught up with the leader's high watermark on the follower side.
import type { KafkaValue } from '../../../config/kafka-key-types.js';
import { SimpleRate } from '../../client/metrics/sampled-stats.js';
import type { TopicPartition } from '../../storage/topic-partition.js';

/** Kafka's default rate (QuotaConfigs.QUOTA_BYTES_PER_SECOND_DEFAULT, Long.MaxValue): no throttling. */
export const UNLIMITED_RATE = Number(2n ** 63n - 1n);

export interface ReplicationQuotaConfig {
  /** replication.quota.window.num */
  samples: number;
  /** replication.quota.window.size.seconds */
  windowSizeSeconds: number;
}

/** Kafka's ReplicaQuota: what the replica code asks of a quota. */
export interface ReplicaQuota {
  isThrottled(tp: TopicPartition): boolean;
  isQuotaExceeded(): boolean;
  record(bytes: number): void;
}

/** The quota of a broker without replication quotas. */
export const UNBOUNDED_QUOTA: ReplicaQuota = { isThrottled: () => false, isQuotaExceeded: () => false, record: () => undefined };

/** The partitions of a topic a quota throttles: their ids, or every one (`*`). */
export type ThrottledPartitions = readonly number[] | 'all';

export class ReplicationQuota implements ReplicaQuota {
  private readonly throttled = new Map<string, ThrottledPartitions>();
  private readonly rate: SimpleRate;
  private bound = UNLIMITED_RATE;

  constructor(config: ReplicationQuotaConfig, private readonly nowMs: () => number) {
    this.rate = new SimpleRate(false, { samples: config.samples, windowMs: config.windowSizeSeconds * 1000 });
  }

  /** Bytes per second; UNLIMITED_RATE lifts the quota. */
  updateQuota(bytesPerSecond: number): void {
    this.bound = bytesPerSecond;
  }

  get upperBound(): number {
    return this.bound;
  }

  /** The current rate in bytes per second. */
  measure(): number {
    return this.rate.measure(this.nowMs());
  }

  isQuotaExceeded(): boolean {
    return this.measure() > this.bound;
  }

  record(bytes: number): void {
    this.rate.record(bytes, this.nowMs());
  }

  markThrottled(topic: string, partitions: ThrottledPartitions): void {
    this.throttled.set(topic, partitions);
  }

  removeThrottle(topic: string): void {
    this.throttled.delete(topic);
  }

  isThrottled(tp: TopicPartition): boolean {
    const partitions = this.throttled.get(tp.topic);
    return partitions !== undefined && (partitions === 'all' || partitions.includes(tp.partition));
  }
}

/**
 * TopicConfigHandler.parseThrottledPartitions: a `partition:broker` list (as a string or the config's parsed list)
 * gives the partitions listed with `brokerId`; `*` gives every partition. Entries not of that form are skipped.
 */
export function parseThrottledReplicas(value: KafkaValue, brokerId: number): ThrottledPartitions {
  const text = (Array.isArray(value) ? value.join(',') : value === null ? '' : String(value)).trim();
  if (text === '*') return 'all';
  const out: number[] = [];
  for (const entry of text.split(',')) {
    const m = /^\s*(\d+)\s*:\s*(\d+)\s*$/.exec(entry);
    if (m && Number(m[2]) === brokerId) out.push(Number(m[1]));
  }
  return out;
}

/** BrokerConfigHandler's getOrDefault: the broker's own dynamic value, else the cluster default's, else unlimited. */
export function throttleRate(key: string, broker: Readonly<Record<string, string>>, clusterDefault: Readonly<Record<string, string>>): number {
  for (const layer of [broker, clusterDefault]) {
    const text = layer[key];
    if (text === undefined) continue;
    const n = Number(text.trim());
    if (text.trim() !== '' && Number.isFinite(n) && n >= 0) return n;
  }
  return UNLIMITED_RATE;
}

/** ReplicaManager.shouldLeaderThrottle: a replica out of the ISR, on a throttled partition, while the quota is exceeded. */
export function shouldLeaderThrottle(quota: ReplicaQuota, partition: { tp: TopicPartition; isr: readonly number[] }, replicaId: number): boolean {
  return !partition.isr.includes(replicaId) && quota.isThrottled(partition.tp) && quota.isQuotaExceeded();
}

/**
 * What a leader sent a follower for throttled partitions counts against its quota (KafkaApis, after the read): every
 * follower fetch is recorded, with the record bytes of its throttled partitions (Kafka counts their encoded size).
 */
export function recordThrottledBytes(quota: ReplicaQuota, results: readonly (TopicPartition & { records: Buffer | null })[]): void {
  let bytes = 0;
  for (const r of results) if (r.records !== null && quota.isThrottled(r)) bytes += r.records.length;
  quota.record(bytes);
}
