// One replica fetcher per source broker (Kafka's ReplicaFetcherThread, as a loop of awaits rather than a thread):
// every partition this broker follows with that broker as leader is fetched in one Fetch with replica_id = this
// broker's id. With truncation on fetch (inter.broker.protocol.version 2.7-IV1 and later: Fetch v12), a partition
// added to the fetcher fetches at once, naming the epoch of its last batch (last_fetched_epoch); a leader whose log
// parted from it answers diverging_epoch, and the follower truncates where the two histories part (truncation.ts),
// asking OffsetsForLeaderEpoch only when it lacks the leader's epoch. Otherwise (Fetch v11) every partition added
// first asks OffsetsForLeaderEpoch for its latest epoch. A log without epochs truncates to its high watermark. The
// leader's batches are then appended unchanged and its high watermark and log start offset taken, and the next fetch
// goes out at once. A partition added while a fetch waits on the leader is fetched at once (with the others, on a new
// connection) rather than after that long poll. Errors delay the partition by replica.fetch.backoff.ms; a lost
// connection is reopened to the leader's current endpoint.
import { ApiKey, ErrorCode, type ApiMessages } from '../../protocol/index.js';
import { BatchScanner } from '../../protocol/records/index.js';
import { EARLIEST_TIMESTAMP, LATEST_TIMESTAMP } from '../../storage/log.js';
import { FOLLOWER_SYNC_APPEND_MAX_BYTES, SYNC_APPEND_MAX_BYTES } from '../../storage/log-segment.js';
import { tpKey } from '../../storage/topic-partition.js';
import type { Partition } from './partition.js';
import type { ReplicaQuota } from './replication-quota.js';
import { truncationPoint } from './truncation.js';

export const FETCH_VERSION = 12;
/** The Fetch version without last_fetched_epoch, for peers before 2.7-IV1. */
export const FETCH_VERSION_WITHOUT_EPOCH = 11;
export const OFFSET_FOR_LEADER_EPOCH_VERSION = 3;
export const LIST_OFFSETS_VERSION = 5;
/** Fetch session epoch -1: a full fetch outside any session. */
const FINAL_EPOCH = -1;
/** Rounds of OffsetsForLeaderEpoch a partition may need (each one names an older epoch) before it gives up. */
const MAX_TRUNCATION_ROUNDS = 1000;

/** The requests a fetcher makes to its leader (a BrokerNetworkClient to the leader's inter-broker endpoint). */
export interface LeaderClient {
  send<K extends ApiKey>(apiKey: K, apiVersion: number, body: ApiMessages[K]['request']): Promise<ApiMessages[K]['response']>;
  close(): void;
  /** Nothing of the responses received so far is used any more: their buffers may be reused. */
  recycleFrames?(): void;
}

export interface FetcherSettings {
  brokerId: number;
  /** replica.fetch.wait.max.ms */
  maxWaitMs: number;
  /** replica.fetch.min.bytes */
  minBytes: number;
  /** replica.fetch.max.bytes (per partition) */
  maxPartitionBytes: number;
  /** replica.fetch.response.max.bytes */
  maxResponseBytes: number;
  /** replica.fetch.backoff.ms */
  backoffMs: number;
  /** Fetch v12 with last_fetched_epoch, truncating on diverging_epoch (default); false: v11 and OffsetsForLeaderEpoch first. */
  truncateOnFetch?: boolean;
  /** follower.replication.throttled.rate and .replicas: absent, nothing is throttled. */
  quota?: ReplicaQuota;
  /** A connection to the broker's inter-broker endpoint; undefined while its endpoint is unknown. */
  connect(brokerId: number): LeaderClient | undefined;
  log(level: 'INFO' | 'WARN' | 'ERROR', message: string): void;
  nowMs(): number;
}

interface FetchState {
  partition: Partition;
  /** The leader epoch the partition was added at: nothing is appended once the partition moved past it. */
  leaderEpoch: number;
  truncating: boolean;
  truncationRounds: number;
  delayedUntilMs: number;
  /** The leader has not answered this partition's fetch without error yet at this epoch. */
  starting: boolean;
  /** Quick retries left while the leader has yet to take the controller's LeaderAndIsr for the partition. */
  quickRetries: number;
  /** How far the replica was behind the leader's high watermark after its last append; undefined before one. */
  lag?: number;
}

/**
 * A follower is told of a partition (LeaderAndIsr) about when its leader is, so its first fetches may reach the
 * leader before the leader knows the partition or the epoch: those are retried after this, not replica.fetch.backoff.ms.
 */
const STARTING_RETRY_MS = 10;
const STARTING_RETRIES = 50;

export class ReplicaFetcher {
  private readonly states = new Map<string, FetchState>();
  private client: LeaderClient | undefined;
  private stopped = false;
  private wake: (() => void) | null = null;
  /** Set while a Fetch is awaited: gives it up, so that partitions just added are fetched now, not after its long poll. */
  private abandonFetch: (() => void) | null = null;
  private readonly loop: Promise<void>;

  constructor(readonly sourceBrokerId: number, private readonly settings: FetcherSettings) {
    this.loop = this.run();
  }

  private get truncateOnFetch(): boolean {
    return this.settings.truncateOnFetch ?? true;
  }

  get partitionCount(): number {
    return this.states.size;
  }

  /** Follows `partition` from this fetcher's broker at `leaderEpoch`, truncating first. */
  addPartition(partition: Partition, leaderEpoch: number): void {
    const truncating = !this.truncateOnFetch || partition.log.leaderEpochCache.latestEpoch() === null;
    this.states.set(tpKey(partition.tp), { partition, leaderEpoch, truncating, truncationRounds: 0, delayedUntilMs: 0, starting: true, quickRetries: STARTING_RETRIES });
    this.wake?.();
    this.abandonFetch?.();
  }

  removePartition(key: string): boolean {
    return this.states.delete(key);
  }

  async shutdown(): Promise<void> {
    this.stopped = true;
    this.client?.close();
    this.wake?.();
    await this.loop;
  }

  private say(level: 'INFO' | 'WARN' | 'ERROR', message: string): void {
    this.settings.log(level, `[ReplicaFetcher replicaId=${this.settings.brokerId}, leaderId=${this.sourceBrokerId}] ${message}`);
  }

  /** Waits up to `ms`, or until a partition is added or the fetcher stops. */
  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, Math.max(0, ms));
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = null;
        done();
      };
    });
  }

  private async run(): Promise<void> {
    while (!this.stopped) {
      const now = this.settings.nowMs();
      const ready = [...this.states.values()].filter((s) => s.delayedUntilMs <= now);
      if (ready.length === 0) {
        const next = Math.min(...[...this.states.values()].map((s) => s.delayedUntilMs));
        await this.pause(Number.isFinite(next) ? next - now : 60_000);
        continue;
      }
      this.client ??= this.settings.connect(this.sourceBrokerId);
      if (!this.client) {
        await this.pause(this.settings.backoffMs);
        continue;
      }
      const stillOurs = ready.filter((s) => this.current(s));
      if (stillOurs.length === 0) {
        // Partitions whose leadership changed under us: the replica manager moves them shortly. Never spin meanwhile.
        await this.pause(this.settings.backoffMs);
        continue;
      }
      try {
        const truncating = stillOurs.filter((s) => s.truncating);
        if (truncating.length > 0) await this.truncate(this.client, truncating);
        const fetchable = stillOurs.filter((s) => !s.truncating && this.current(s));
        const fetching = fetchable.filter((s) => !this.shouldFollowerThrottle(s));
        if (fetching.length > 0) await this.fetch(this.client, fetching);
        // Every partition held back by the quota: wait as Kafka's fetcher does when it has nothing to fetch.
        else if (fetchable.length > 0 && truncating.length === 0) await this.pause(this.settings.backoffMs);
      } catch (err) {
        if (this.stopped) break;
        this.say('WARN', `Error in response for fetch request: ${(err as Error).message}`);
        this.client?.close();
        this.client = undefined;
        await this.pause(this.settings.backoffMs);
      }
    }
  }

  /** Still this fetcher's, at the epoch it was added with. */
  private current(s: FetchState): boolean {
    return this.states.get(tpKey(s.partition.tp)) === s && s.partition.leaderEpoch === s.leaderEpoch && !s.partition.isLeader;
  }

  /** ReplicaFetcherThread.shouldFollowerThrottle: not caught up, throttled, and the follower quota exceeded. */
  private shouldFollowerThrottle(s: FetchState): boolean {
    const quota = this.settings.quota;
    const inSync = s.lag !== undefined && s.lag <= 0;
    return quota !== undefined && !inSync && quota.isThrottled(s.partition.tp) && quota.isQuotaExceeded();
  }

  private delay(s: FetchState, ms = this.settings.backoffMs): void {
    s.delayedUntilMs = this.settings.nowMs() + ms;
  }

  // ---------------------------------------------------------------------------------------------------------------

  private async truncate(client: LeaderClient, states: FetchState[]): Promise<void> {
    const asking: FetchState[] = [];
    for (const s of states) {
      const latest = s.partition.log.leaderEpochCache.latestEpoch();
      if (latest === null) {
        // A log without epochs cannot find a divergence point: what the high watermark covers is safe.
        await this.truncateTo(s, s.partition.log.highWatermark);
        s.truncating = false;
      } else asking.push(s);
    }
    if (asking.length === 0) return;
    const byTopic = groupByTopic(asking);
    const response = await client.send(ApiKey.OffsetForLeaderEpoch, OFFSET_FOR_LEADER_EPOCH_VERSION, {
      replicaId: this.settings.brokerId,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => ({ partition: s.partition.tp.partition, currentLeaderEpoch: s.leaderEpoch, leaderEpoch: s.partition.log.leaderEpochCache.latestEpoch() ?? -1 })),
      })),
    });
    const answers = new Map<string, { errorCode: number; leaderEpoch: number; endOffset: number }>();
    for (const t of response.topics) {
      for (const p of t.partitions) answers.set(tpKey({ topic: t.topic, partition: p.partition }), { errorCode: p.errorCode, leaderEpoch: p.leaderEpoch ?? -1, endOffset: Number(p.endOffset) });
    }
    for (const s of asking) {
      if (!this.current(s)) continue;
      const answer = answers.get(tpKey(s.partition.tp));
      if (!answer || answer.errorCode !== ErrorCode.NONE) {
        this.say('INFO', `Retrying leaderEpoch request for partition ${s.partition.name} as the leader reported an error: ${answer?.errorCode ?? 'no answer'}`);
        this.delay(s);
        continue;
      }
      await this.truncateToEpochEnd(s, { epoch: answer.leaderEpoch, endOffset: answer.endOffset });
    }
  }

  /**
   * Truncates where the follower's log parts from the leader's, given the leader's end of an epoch (its answer to
   * OffsetsForLeaderEpoch, or a diverging_epoch). When the follower lacks that epoch it asks again
   * (OffsetsForLeaderEpoch) with its now older latest epoch.
   */
  private async truncateToEpochEnd(s: FetchState, leader: { epoch: number; endOffset: number }): Promise<void> {
    const log = s.partition.log;
    const point = truncationPoint(leader, (epoch) => log.leaderEpochCache.endOffsetFor(epoch, log.logEndOffset), log.logEndOffset, log.highWatermark);
    const before = log.logEndOffset;
    await this.truncateTo(s, point.offset);
    if (log.logEndOffset < before) this.say('INFO', `Truncated ${s.partition.name} from ${before} to ${log.logEndOffset} (leader's epoch ${leader.epoch} ends at ${leader.endOffset})`);
    s.truncationRounds = point.done ? 0 : s.truncationRounds + 1;
    s.truncating = !point.done && s.truncationRounds < MAX_TRUNCATION_ROUNDS;
  }

  private async truncateTo(s: FetchState, offset: number): Promise<void> {
    try {
      await s.partition.truncateAsFollower(offset, s.leaderEpoch);
    } catch (err) {
      this.say('WARN', `Truncation of ${s.partition.name} to ${offset} failed: ${(err as Error).message}`);
      this.delay(s);
    }
  }

  /** replica.fetch.wait.max.ms, cut short so that a partition left out while it backs off is fetched once it may be. */
  private longPollMs(fetching: readonly FetchState[]): number {
    let ms = this.settings.maxWaitMs;
    const now = this.settings.nowMs();
    for (const s of this.states.values()) {
      if (s.delayedUntilMs > now && !fetching.includes(s)) ms = Math.min(ms, s.delayedUntilMs - now);
    }
    return ms;
  }

  private async fetch(client: LeaderClient, states: FetchState[]): Promise<void> {
    const byTopic = groupByTopic(states);
    const offsets = new Map(states.map((s) => [s, s.partition.log.logEndOffset]));
    const onFetch = this.truncateOnFetch;
    const sending = client.send(ApiKey.Fetch, onFetch ? FETCH_VERSION : FETCH_VERSION_WITHOUT_EPOCH, {
      replicaId: this.settings.brokerId,
      maxWaitMs: this.longPollMs(states),
      minBytes: this.settings.minBytes,
      maxBytes: this.settings.maxResponseBytes,
      isolationLevel: 0,
      sessionId: 0,
      sessionEpoch: FINAL_EPOCH,
      topics: [...byTopic].map(([topic, list]) => ({
        topic,
        partitions: list.map((s) => ({
          partition: s.partition.tp.partition,
          currentLeaderEpoch: s.leaderEpoch,
          fetchOffset: BigInt(offsets.get(s)!),
          lastFetchedEpoch: onFetch ? (s.partition.log.leaderEpochCache.latestEpoch() ?? -1) : -1,
          logStartOffset: BigInt(s.partition.log.logStartOffset),
          partitionMaxBytes: this.settings.maxPartitionBytes,
        })),
      })),
      forgottenTopicsData: [],
      rackId: '',
    });
    const response = await new Promise<Awaited<typeof sending> | null>((resolve, reject) => {
      sending.then(resolve, reject);
      this.abandonFetch = () => resolve(null);
    }).finally(() => (this.abandonFetch = null));
    if (response === null) {
      // A partition was added while this fetch waits on the leader, perhaps for replica.fetch.wait.max.ms (Kafka's
      // fetcher thread would wait it out). A Kafka leader answers a connection's requests one at a time, so the
      // next fetch goes on a new connection; nothing was appended, so it asks again from the same offsets.
      sending.catch(() => undefined);
      if (this.client === client) this.client = undefined;
      client.close();
      return;
    }
    if ((response.errorCode ?? ErrorCode.NONE) !== ErrorCode.NONE) throw new Error(`fetch answered with error ${response.errorCode}`);
    const byKey = new Map(states.map((s) => [tpKey(s.partition.tp), s]));
    // Partitions are appended side by side: each log writes on its own, and the next fetch, which tells the leader
    // how far this replica got (and so completes its acks=all produces), waits for the slowest rather than the sum.
    // The first FOLLOWER_SYNC_APPEND_MAX_BYTES of the response are written at once (a thread pool round trip would
    // cost more than the copy); the rest go through the thread pool, where the copies overlap the checksums of the
    // partitions after them instead of adding to them.
    const appends: Promise<void>[] = [];
    let syncBytes = FOLLOWER_SYNC_APPEND_MAX_BYTES;
    for (const t of response.responses) {
      for (const p of t.partitions) {
        const s = byKey.get(tpKey({ topic: t.topic ?? '', partition: p.partitionIndex }));
        if (!s || !this.current(s) || s.partition.log.logEndOffset !== offsets.get(s)) continue;
        if (p.errorCode === ErrorCode.NONE && p.divergingEpoch && p.divergingEpoch.epoch >= 0) {
          const divergingEpoch = p.divergingEpoch;
          appends.push(this.truncateToEpochEnd(s, { epoch: divergingEpoch.epoch, endOffset: Number(divergingEpoch.endOffset) }));
          continue;
        }
        const size = p.records?.length ?? 0;
        const syncWriteMaxBytes = size <= syncBytes ? Math.max(size, SYNC_APPEND_MAX_BYTES) : SYNC_APPEND_MAX_BYTES;
        if (size <= syncBytes) syncBytes -= size;
        appends.push(this.onPartitionData(client, s, p.errorCode, p.highWatermark, p.logStartOffset ?? -1n, p.records, syncWriteMaxBytes));
      }
    }
    // Every append has settled (written or failed) before the response's buffer goes back to the client.
    const settled = await Promise.allSettled(appends);
    client.recycleFrames?.();
    const failed = settled.find((r): r is PromiseRejectedResult => r.status === 'rejected');
    if (failed) throw failed.reason;
  }

  private async onPartitionData(
    client: LeaderClient, s: FetchState, errorCode: number, highWatermark: bigint, logStartOffset: bigint, records: Buffer | null, syncWriteMaxBytes: number,
  ): Promise<void> {
    const name = s.partition.name;
    switch (errorCode) {
      case ErrorCode.NONE:
        s.starting = false;
        try {
          const batches = wholeBatches(records);
          const quota = this.settings.quota;
          if (quota?.isThrottled(s.partition.tp)) quota.record(records?.length ?? 0);
          await s.partition.appendRecordsAsFollower(batches, Number(highWatermark), s.leaderEpoch, Number(logStartOffset), syncWriteMaxBytes);
          if (batches.length > 0) s.lag = Math.max(0, Number(highWatermark) - s.partition.log.logEndOffset);
        } catch (err) {
          this.say('ERROR', `Unexpected error occurred while processing data for partition ${name}: ${(err as Error).message}`);
          this.delay(s);
        }
        return;
      case ErrorCode.OFFSET_OUT_OF_RANGE:
        await this.onOutOfRange(client, s);
        return;
      case ErrorCode.UNKNOWN_LEADER_EPOCH:
      case ErrorCode.NOT_LEADER_OR_FOLLOWER:
      case ErrorCode.UNKNOWN_TOPIC_OR_PARTITION:
        if (s.starting && s.quickRetries > 0) {
          s.quickRetries--;
          this.delay(s, Math.min(STARTING_RETRY_MS, this.settings.backoffMs));
          return;
        }
        this.say('INFO', `Error ${errorCode} fetching ${name} at leader epoch ${s.leaderEpoch}; retrying after ${this.settings.backoffMs} ms`);
        this.delay(s);
        return;
      case ErrorCode.FENCED_LEADER_EPOCH:
        this.say('INFO', `Error ${errorCode} fetching ${name} at leader epoch ${s.leaderEpoch}; retrying after ${this.settings.backoffMs} ms`);
        this.delay(s);
        return;
      default:
        this.say('WARN', `Error ${errorCode} fetching ${name}`);
        this.delay(s);
    }
  }

  /**
   * The leader has nothing at our log end (Kafka's handleOutOfRangeError): if its log ends below ours we truncate to
   * its end; otherwise ours is below its start, and we restart empty at its start.
   */
  private async onOutOfRange(client: LeaderClient, s: FetchState): Promise<void> {
    const leaderEnd = await this.leaderOffset(client, s, LATEST_TIMESTAMP);
    if (leaderEnd === null) return this.delay(s);
    const log = s.partition.log;
    try {
      if (leaderEnd < log.logEndOffset) {
        this.say('WARN', `Reset fetch offset for partition ${s.partition.name} from ${log.logEndOffset} to the leader's end offset ${leaderEnd}`);
        await s.partition.truncateAsFollower(leaderEnd, s.leaderEpoch);
        return;
      }
      const leaderStart = await this.leaderOffset(client, s, EARLIEST_TIMESTAMP);
      if (leaderStart === null) return this.delay(s);
      if (leaderStart > log.logEndOffset) {
        this.say('WARN', `Reset fetch offset for partition ${s.partition.name} from ${log.logEndOffset} to the leader's start offset ${leaderStart}`);
        await s.partition.truncateFullyAsFollower(leaderStart, s.leaderEpoch);
      } else this.delay(s);
    } catch (err) {
      this.say('WARN', `Handling an out-of-range fetch of ${s.partition.name} failed: ${(err as Error).message}`);
      this.delay(s);
    }
  }

  private async leaderOffset(client: LeaderClient, s: FetchState, timestamp: number): Promise<number | null> {
    const response = await client.send(ApiKey.ListOffsets, LIST_OFFSETS_VERSION, {
      replicaId: this.settings.brokerId,
      isolationLevel: 0,
      topics: [{ name: s.partition.tp.topic, partitions: [{ partitionIndex: s.partition.tp.partition, currentLeaderEpoch: s.leaderEpoch, timestamp: BigInt(timestamp) }] }],
    });
    const p = response.topics[0]?.partitions[0];
    return p && p.errorCode === ErrorCode.NONE && p.offset !== undefined ? Number(p.offset) : null;
  }
}

function groupByTopic(states: readonly FetchState[]): Map<string, FetchState[]> {
  const out = new Map<string, FetchState[]>();
  for (const s of states) {
    const list = out.get(s.partition.tp.topic) ?? [];
    list.push(s);
    out.set(s.partition.tp.topic, list);
  }
  return out;
}

/** The complete batches of a fetched slice: the leader may cut the last one short at the byte limit. */
export function wholeBatches(records: Buffer | null): Buffer {
  if (records === null || records.length === 0) return Buffer.alloc(0);
  const scanner = new BatchScanner(records);
  let end = 0;
  while (scanner.next()) end = scanner.batchStart + scanner.batchSize;
  return end === records.length ? records : records.subarray(0, end);
}
