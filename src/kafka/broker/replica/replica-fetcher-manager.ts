// The replica fetchers of a broker (Kafka's ReplicaFetcherManager with num.replica.fetchers=1): one fetcher per
// leader broker, holding every partition this broker follows from it. A partition moves between fetchers when its
// leader changes and leaves them when this broker becomes its leader or stops hosting it; a fetcher left without
// partitions is shut down.
import { tpKey } from '../../storage/topic-partition.js';
import type { Partition } from './partition.js';
import { ReplicaFetcher, type FetcherSettings } from './replica-fetcher.js';

export class ReplicaFetcherManager {
  private readonly fetchers = new Map<number, ReplicaFetcher>();
  /** Which fetcher holds each partition. */
  private readonly sourceOf = new Map<string, number>();

  constructor(private readonly settings: FetcherSettings) {}

  /** Follows `partition` from `leaderId` at its current leader epoch (truncating first). */
  follow(partition: Partition, leaderId: number): void {
    const key = tpKey(partition.tp);
    this.unfollow(key);
    let fetcher = this.fetchers.get(leaderId);
    if (!fetcher) this.fetchers.set(leaderId, (fetcher = new ReplicaFetcher(leaderId, this.settings)));
    fetcher.addPartition(partition, partition.leaderEpoch);
    this.sourceOf.set(key, leaderId);
  }

  unfollow(key: string): void {
    const source = this.sourceOf.get(key);
    if (source === undefined) return;
    this.sourceOf.delete(key);
    const fetcher = this.fetchers.get(source);
    if (!fetcher) return;
    fetcher.removePartition(key);
    if (fetcher.partitionCount === 0) {
      this.fetchers.delete(source);
      void fetcher.shutdown();
    }
  }

  /** The leader each followed partition is fetched from. */
  sources(): ReadonlyMap<string, number> {
    return this.sourceOf;
  }

  async shutdown(): Promise<void> {
    const all = [...this.fetchers.values()];
    this.fetchers.clear();
    this.sourceOf.clear();
    await Promise.all(all.map((f) => f.shutdown()));
  }
}
