// The partitions this broker hosts (Kafka's ReplicaManager): LeaderAndIsr and StopReplica from the controller
// create, lead, follow, stop and delete them; Produce, Fetch, ListOffsets, DeleteRecords and OffsetForLeaderEpoch
// reach their logs through it; the group coordinator appends and reads through LocalPartitions. High watermarks
// are checkpointed per log dir on a timer and at shutdown. With replication configured, partitions it follows are
// fetched from their leaders (replica-fetcher-manager.ts), and as leader it checks every replica.lag.time.max.ms / 2
// for followers to drop from the ISR, sending ISR changes to the controller through `isrChanges`.
import { BrokerTopicStats } from '../metrics/broker-topic-stats.js';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ErrorCode } from '../../protocol/index.js';
import type { LogDir } from '../../storage/log-dir.js';
import type { Log } from '../../storage/log.js';
import { PARTITION_METADATA, readPartitionMetadata, topicIdFromString, writePartitionMetadata } from '../../storage/partition-metadata.js';
import { tpKey, type TopicPartition } from '../../storage/topic-partition.js';
import type {
  AppendOrigin, LeaderAppendResult, LeadershipChange, LocalPartitions, LocalReadResult, PartitionError,
  PartitionStateUpdate, ReplicaControl, StopReplicaPartition,
} from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import { DelayedOperations } from './delayed-operations.js';
import { deleteRecords, type DeleteRecordsEntry, type DeleteRecordsResult } from './delete-records-path.js';
import { FetchPath, type FetchParams, type FetchPartitionResult } from './fetch-path.js';
import { Partition, type AlterIsrResult } from './partition.js';
import { ReplicaFetcherManager } from './replica-fetcher-manager.js';
import type { FetcherSettings } from './replica-fetcher.js';
import type { PartitionConfig } from './partition-config.js';
import { errorCodeOf, ReplicaError } from './replica-errors.js';
import { loadProducerState } from './producer-state-loader.js';
import { ProducePath, type ProduceEntry, type ProducePartitionResult } from './produce-path.js';
import { recordThrottledBytes, UNBOUNDED_QUOTA, type ReplicaQuota } from './replication-quota.js';

const REPLICA_MANAGER_LOGGER = 'kafka.server.ReplicaManager';
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
/** Kafka's EpochDuringDelete and NoEpoch: a StopReplica that carries no leader epoch. */
const EPOCH_DURING_DELETE = -2;
const NO_EPOCH = -1;

/** An ISR change the leader asks the controller for (AlterIsr). */
export interface IsrChange {
  topic: string;
  partition: number;
  leaderEpoch: number;
  newIsr: readonly number[];
  zkVersion: number;
}

/** Sends ISR changes to the controller; resolves with its answer for the partition. */
export interface IsrChangeSender {
  submit(change: IsrChange): Promise<AlterIsrResult>;
}

export interface ReplicationOptions {
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
  /** How followers fetch (brokerId, log and clock are the replica manager's). */
  fetcher: Omit<FetcherSettings, 'brokerId' | 'log' | 'nowMs'>;
  isrChanges: IsrChangeSender;
}

/** Moves of replicas between log dirs (log-dirs/log-dir-mover.ts): where a new partition goes, and its lifecycle. */
export interface LogDirMoveHooks {
  /** The dir AlterReplicaLogDirs named for a partition not hosted yet. */
  takePreferredDir(tp: TopicPartition): LogDir | undefined;
  partitionCreated(p: Partition): void;
  partitionDeleted(tp: TopicPartition): Promise<void>;
  close(): Promise<void>;
}

export interface ReplicaManagerOptions {
  brokerId: number;
  dirs: readonly LogDir[];
  /** A topic's settings (broker defaults overridden by the topic's configs). */
  configFor: (topic: string) => PartitionConfig;
  log: BrokerLog;
  nowMs?: () => number;
  /** replica.high.watermark.checkpoint.interval.ms */
  highWatermarkCheckpointIntervalMs?: number;
  /** producer.id.expiration.check.interval.ms: how often silent producers are forgotten. */
  producerExpirationCheckIntervalMs?: number;
  /** Whether the cluster metadata knows the partition (NOT_LEADER_OR_FOLLOWER rather than UNKNOWN_TOPIC_OR_PARTITION). */
  knownPartition?: (topic: string, partition: number) => boolean;
  /** Bounds on requests parked waiting (fetches for min_bytes, acks=-1 produces for the ISR). */
  maxWaitingFetches?: number;
  maxWaitingProduces?: number;
  /** fetch.max.bytes: the most one Fetch response carries. */
  fetchMaxBytes?: number;
  /** Whether a broker is alive in the metadata: DeleteRecords waits only for followers on live brokers. Absent: all are. */
  isBrokerAlive?: (brokerId: number) => boolean;
  /** Bound on DeleteRecords requests parked waiting for followers' log start offsets. */
  maxWaitingDeleteRecords?: number;
  /** Followers fetch and leaders manage their ISR; absent, partitions are only led (and ISRs change only by LeaderAndIsr). */
  replication?: ReplicationOptions;
  logDirMoves?: LogDirMoveHooks;
  /** Replication throttles: on what this broker sends followers as leader, and on what it fetches. Absent: none. */
  quotas?: { leader: ReplicaQuota; follower: ReplicaQuota };
}

export class ReplicaManager implements ReplicaControl, LocalPartitions {
  readonly brokerId: number;
  private readonly partitions = new Map<string, Partition>();
  /** Topic names by the ids LeaderAndIsr gave them (Fetch v13+ names topics by id). */
  private readonly topicNames = new Map<string, string>();
  private readonly listeners = new Set<(change: LeadershipChange) => void>();
  /** Kafka's initial controller epoch. */
  private controllerEpoch = 0;
  private readonly checkpointTimer: NodeJS.Timeout | undefined;
  private readonly expirationTimer: NodeJS.Timeout;
  private readonly isrTimer: NodeJS.Timeout | undefined;
  private readonly fetchers: ReplicaFetcherManager | undefined;
  readonly nowMs: () => number;
  readonly fetchWaiters: DelayedOperations;
  readonly produceWaiters: DelayedOperations;
  readonly deleteRecordsWaiters: DelayedOperations;
  readonly produce: ProducePath;
  readonly fetcher: FetchPath;
  /** Bytes and messages in and out, ISR changes: read by the metrics page. */
  readonly stats = new BrokerTopicStats();
  readonly quotas: { readonly leader: ReplicaQuota; readonly follower: ReplicaQuota };
  private stateChange: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly opts: ReplicaManagerOptions) {
    this.brokerId = opts.brokerId;
    this.nowMs = opts.nowMs ?? Date.now;
    this.quotas = opts.quotas ?? { leader: UNBOUNDED_QUOTA, follower: UNBOUNDED_QUOTA };
    this.fetchWaiters = new DelayedOperations('Fetch', opts.maxWaitingFetches ?? 1000);
    this.produceWaiters = new DelayedOperations('Produce', opts.maxWaitingProduces ?? 10_000);
    this.deleteRecordsWaiters = new DelayedOperations('DeleteRecords', opts.maxWaitingDeleteRecords ?? 1000);
    this.produce = new ProducePath(this);
    this.fetcher = new FetchPath(this, opts.fetchMaxBytes ?? 55 * 1024 * 1024);
    const interval = opts.highWatermarkCheckpointIntervalMs ?? 5000;
    if (interval > 0) {
      this.checkpointTimer = setInterval(() => void this.checkpointHighWatermarks().catch((err) => this.say('ERROR', `Error while writing to highwatermark file: ${(err as Error).message}`)), interval);
      this.checkpointTimer.unref();
    }
    this.expirationTimer = setInterval(() => {
      const now = this.nowMs();
      for (const p of this.partitions.values()) p.producers.removeExpired(now);
    }, opts.producerExpirationCheckIntervalMs ?? 600_000);
    this.expirationTimer.unref();
    const replication = opts.replication;
    if (replication) {
      this.fetchers = new ReplicaFetcherManager({
        ...replication.fetcher,
        brokerId: this.brokerId,
        quota: this.quotas.follower,
        // Backoffs are waited out with real timers, so they are measured on the real clock too.
        nowMs: Date.now,
        log: (level, message) => this.opts.log(level, message, 'kafka.server.ReplicaFetcherThread'),
      });
      this.isrTimer = setInterval(() => {
        for (const p of this.partitions.values()) p.maybeShrinkIsr();
      }, Math.max(1, Math.floor(replication.replicaLagTimeMaxMs / 2)));
      this.isrTimer.unref();
    }
  }

  say(level: 'INFO' | 'WARN' | 'ERROR', message: string): void {
    this.opts.log(level, `[ReplicaManager broker=${this.brokerId}] ${message}`, REPLICA_MANAGER_LOGGER);
  }

  configFor(topic: string): PartitionConfig {
    return this.opts.configFor(topic);
  }

  getPartition(topic: string, partition: number): Partition | undefined {
    return this.partitions.get(tpKey({ topic, partition }));
  }

  /** The name of a hosted topic from its id; undefined when no partition of it is hosted here. */
  topicNameForId(topicId: string): string | undefined {
    return this.topicNames.get(topicId);
  }

  hostedPartitions(): Iterable<Partition> {
    return this.partitions.values();
  }

  private notHosted(topic: string, partition: number): ReplicaError {
    const known = this.opts.knownPartition?.(topic, partition) ?? false;
    return known
      ? new ReplicaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `This server is not the leader for partition ${topic}-${partition}`)
      : new ReplicaError(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, `This server does not host this topic-partition: ${topic}-${partition}`);
  }

  /** The partition if this broker leads it at the epoch the client knows (-1 or absent: any). Throws ReplicaError. */
  leaderPartition(topic: string, partition: number, currentLeaderEpoch?: number): Partition {
    const p = this.getPartition(topic, partition);
    if (!p) throw this.notHosted(topic, partition);
    p.checkLeaderEpoch(currentLeaderEpoch);
    p.requireLeader();
    return p;
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Controller requests

  /** Runs controller requests one at a time, as Kafka holds the replica state change lock. */
  private serialized<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.stateChange.then(fn);
    this.stateChange = run.catch(() => undefined);
    return run;
  }

  becomeLeaderOrFollower(controllerId: number, controllerEpoch: number, states: readonly PartitionStateUpdate[]): Promise<PartitionError[]> {
    return this.serialized(async () => {
      if (controllerEpoch < this.controllerEpoch) {
        this.say('WARN', `Ignoring LeaderAndIsr request from controller ${controllerId} with controller epoch ${controllerEpoch} since it is stale, the latest known epoch is ${this.controllerEpoch}`);
        return states.map((s) => ({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH }));
      }
      this.controllerEpoch = controllerEpoch;
      const out: PartitionError[] = [];
      const changes: LeadershipChange[] = [];
      for (const state of states) {
        out.push({ topic: state.topic, partition: state.partition, errorCode: await this.applyPartitionState(controllerId, state, changes) });
      }
      for (const change of changes) this.emit(change);
      return out;
    });
  }

  private async applyPartitionState(controllerId: number, state: PartitionStateUpdate, changes: LeadershipChange[]): Promise<number> {
    const tp = { topic: state.topic, partition: state.partition };
    const existing = this.partitions.get(tpKey(tp));
    if (existing && state.leaderEpoch <= existing.leaderEpoch) {
      // Kafka answers an epoch it has already seen (or an older one) with STALE_CONTROLLER_EPOCH.
      this.say('WARN', `Ignoring LeaderAndIsr request from controller ${controllerId} for partition ${tpKey(tp)} since its associated leader epoch ${state.leaderEpoch} is not higher than the current leader epoch ${existing.leaderEpoch}`);
      return ErrorCode.STALE_CONTROLLER_EPOCH;
    }
    if (!state.replicas.includes(this.brokerId)) {
      this.say('WARN', `Ignoring LeaderAndIsr request from controller ${controllerId} for partition ${tpKey(tp)} as the local replica for the partition is not in the replica list [${state.replicas.join(', ')}]`);
      return ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
    }
    try {
      const partition = existing ?? (await this.createPartition(tp, state.topicId));
      if (state.topicId !== ZERO_UUID) this.topicNames.set(state.topicId, tp.topic);
      if (existing) this.checkTopicId(existing.log, state.topicId);
      if (state.leader === this.brokerId) {
        this.fetchers?.unfollow(tpKey(tp));
        await partition.makeLeader(state);
        changes.push({ topic: tp.topic, partition: tp.partition, isLeader: true, leaderEpoch: state.leaderEpoch });
      } else {
        const wasLeader = await partition.makeFollower(state);
        if (state.leader >= 0) this.fetchers?.follow(partition, state.leader);
        else this.fetchers?.unfollow(tpKey(tp));
        if (wasLeader) changes.push({ topic: tp.topic, partition: tp.partition, isLeader: false, leaderEpoch: state.leaderEpoch });
      }
      this.wake(tpKey(tp));
      return ErrorCode.NONE;
    } catch (err) {
      const code = errorCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR;
      this.say('ERROR', `Error while making broker ${this.brokerId} the ${state.leader === this.brokerId ? 'leader' : 'follower'} for partition ${tpKey(tp)}: ${(err as Error).message}`);
      return code;
    }
  }

  /** The log dir a new partition goes to: the one with the fewest partitions (Kafka's nextLogDirs). */
  private dirFor(tp: TopicPartition): LogDir {
    const dirs = this.opts.dirs;
    const holding = dirs.find((d) => d.getLog(tp));
    if (holding) return holding;
    const preferred = this.opts.logDirMoves?.takePreferredDir(tp);
    if (preferred) return preferred;
    return [...dirs].sort((a, b) => a.logs.size - b.logs.size)[0]!;
  }

  private async createPartition(tp: TopicPartition, topicId: string): Promise<Partition> {
    const log = await this.dirFor(tp).getOrCreateLog(tp);
    this.checkTopicId(log, topicId);
    const id = topicId === ZERO_UUID ? null : topicIdFromString(topicId);
    if (id && !fs.existsSync(path.join(log.dir, PARTITION_METADATA))) await writePartitionMetadata(log.dir, id);
    const replication = this.opts.replication;
    const partition = new Partition(tp, log, this.brokerId, {
      onHighWatermark: (p) => this.wake(tpKey(p.tp)),
      onAppend: (p) => this.fetchWaiters.checkAndComplete(tpKey(p.tp)),
      proposeIsr: replication ? (p, newIsr) => this.proposeIsr(replication.isrChanges, p, newIsr) : undefined,
      onIsrChanged: (_p, expanded) => (expanded ? this.stats.isrExpands++ : this.stats.isrShrinks++),
    }, this.nowMs, { replicaLagTimeMaxMs: replication?.replicaLagTimeMaxMs ?? 30_000 });
    await loadProducerState(log, partition.producers, this.nowMs());
    this.partitions.set(tpKey(tp), partition);
    this.opts.logDirMoves?.partitionCreated(partition);
    return partition;
  }

  private proposeIsr(sender: IsrChangeSender, p: Partition, newIsr: readonly number[]): void {
    const leaderEpoch = p.leaderEpoch;
    const verb = newIsr.length > p.isr.length ? 'Expanding' : 'Shrinking';
    this.say('INFO', `${verb} ISR of ${p.name} from ${p.isr.join(',')} to ${newIsr.join(',')}`);
    sender.submit({ topic: p.tp.topic, partition: p.tp.partition, leaderEpoch, newIsr, zkVersion: p.zkVersion }).then(
      (result) => {
        if (result.errorCode !== ErrorCode.NONE) this.say('WARN', `The controller refused the ISR ${newIsr.join(',')} of ${p.name}: error ${result.errorCode}`);
        p.onAlterIsrResult(leaderEpoch, result);
      },
      (err: unknown) => this.say('ERROR', `ISR change of ${p.name} failed: ${(err as Error)?.message ?? String(err)}`),
    );
  }

  private checkTopicId(log: Log, topicId: string): void {
    if (topicId === ZERO_UUID) return;
    const stored = readPartitionMetadata(log.dir);
    if (stored && stored.toString('base64url') !== topicId) {
      throw new ReplicaError(ErrorCode.INCONSISTENT_TOPIC_ID, `Topic id ${topicId} does not match the id ${stored.toString('base64url')} stored in ${log.dir}`);
    }
  }

  stopReplicas(controllerId: number, controllerEpoch: number, partitions: readonly StopReplicaPartition[]): Promise<PartitionError[]> {
    return this.serialized(async () => {
      if (controllerEpoch < this.controllerEpoch) {
        this.say('WARN', `Ignoring StopReplica request from controller ${controllerId} with controller epoch ${controllerEpoch} since it is stale, the latest known epoch is ${this.controllerEpoch}`);
        return partitions.map((s) => ({ topic: s.topic, partition: s.partition, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH }));
      }
      this.controllerEpoch = controllerEpoch;
      const out: PartitionError[] = [];
      for (const stop of partitions) {
        const tp = { topic: stop.topic, partition: stop.partition };
        const key = tpKey(tp);
        const hosted = this.partitions.get(key);
        if (hosted && stop.leaderEpoch !== EPOCH_DURING_DELETE && stop.leaderEpoch !== NO_EPOCH && stop.leaderEpoch <= hosted.leaderEpoch) {
          this.say('WARN', `Ignoring StopReplica request from controller ${controllerId} for partition ${key} since its associated leader epoch ${stop.leaderEpoch} is not higher than the current leader epoch ${hosted.leaderEpoch}`);
          out.push({ ...tp, errorCode: ErrorCode.FENCED_LEADER_EPOCH });
          continue;
        }
        try {
          this.fetchers?.unfollow(key);
          if (hosted?.stop()) this.emit({ ...tp, isLeader: false, leaderEpoch: hosted.leaderEpoch });
          if (stop.deletePartition) {
            this.partitions.delete(key);
            await this.opts.logDirMoves?.partitionDeleted(tp);
            for (const dir of this.opts.dirs) await dir.deleteLog(tp);
            if (![...this.partitions.values()].some((p) => p.tp.topic === tp.topic)) this.stats.removeTopic(tp.topic);
          }
          this.wake(key);
          out.push({ ...tp, errorCode: ErrorCode.NONE });
        } catch (err) {
          this.say('ERROR', `Error while stopping replica ${key}: ${(err as Error).message}`);
          out.push({ ...tp, errorCode: errorCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR });
        }
      }
      return out;
    });
  }

  private emit(change: LeadershipChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(change);
      } catch (err) {
        this.say('ERROR', `Leadership listener failed for ${change.topic}-${change.partition}: ${(err as Error).message}`);
      }
    }
  }

  /** Something changed for the partition: waiting produces and fetches re-check. */
  private wake(key: string): void {
    this.produceWaiters.checkAndComplete(key);
    this.fetchWaiters.checkAndComplete(key);
    this.deleteRecordsWaiters.checkAndComplete(key);
  }

  /** A follower's fetch updated what the leader knows of it: a waiting DeleteRecords may now be answered. */
  followerFetched(key: string): void {
    this.deleteRecordsWaiters.checkAndComplete(key);
  }

  /** The low watermark of a partition this broker leads (min log start offset over the live replicas). */
  lowWatermark(p: Partition): number {
    return p.lowWatermark(this.opts.isBrokerAlive ?? (() => true));
  }

  // ---------------------------------------------------------------------------------------------------------------
  // Data plane

  appendRecords(entries: readonly ProduceEntry[], requiredAcks: number, timeoutMs: number, apiVersion: number): Promise<ProducePartitionResult[]> {
    return this.produce.appendRecords(entries, requiredAcks, timeoutMs, apiVersion);
  }

  deleteRecords(entries: readonly DeleteRecordsEntry[], timeoutMs: number): Promise<DeleteRecordsResult[]> {
    return deleteRecords(this, entries, timeoutMs);
  }

  async fetchMessages(params: FetchParams): Promise<FetchPartitionResult[]> {
    const results = await this.fetcher.fetch(params);
    if (params.replicaId >= 0) recordThrottledBytes(this.quotas.leader, results);
    return results;
  }

  /**
   * The follower fetcher's entry point: batches read from the leader, appended with their offsets, and the leader's
   * high watermark. Throws ReplicaError when this broker does not follow the partition.
   */
  appendRecordsAsFollower(topic: string, partition: number, records: Buffer, leaderHighWatermark: number): Promise<void> {
    const p = this.getPartition(topic, partition);
    if (!p) throw this.notHosted(topic, partition);
    return p.appendRecordsAsFollower(records, leaderHighWatermark);
  }

  /** The leader each partition this broker follows is being fetched from. */
  followedPartitions(): ReadonlyMap<string, number> {
    return this.fetchers?.sources() ?? new Map();
  }

  // ---------------------------------------------------------------------------------------------------------------
  // LocalPartitions (the group coordinator's view)

  async appendAsLeader(topic: string, partition: number, records: Buffer, requiredAcks: number, origin: AppendOrigin = 'client', timeoutMs = 30_000): Promise<LeaderAppendResult> {
    const [result] = await this.produce.appendRecords([{ topic, partition, records }], requiredAcks, timeoutMs, Number.MAX_SAFE_INTEGER, origin);
    return {
      errorCode: result!.errorCode,
      baseOffset: BigInt(result!.baseOffset),
      logAppendTimeMs: BigInt(result!.logAppendTimeMs),
      logStartOffset: BigInt(result!.logStartOffset),
    };
  }

  async readAsLeader(topic: string, partition: number, fetchOffset: bigint, maxBytes: number): Promise<LocalReadResult> {
    try {
      const p = this.leaderPartition(topic, partition);
      const read = await p.read({ fetchOffset: Number(fetchOffset), maxBytes, minOneMessage: true, upTo: 'logEnd' });
      return {
        errorCode: ErrorCode.NONE, records: read.records ?? Buffer.alloc(0), highWatermark: BigInt(read.highWatermark),
        logStartOffset: BigInt(read.logStartOffset), logEndOffset: BigInt(read.logEndOffset),
      };
    } catch (err) {
      const code = errorCodeOf(err);
      if (code === null) throw err;
      return { errorCode: code, records: Buffer.alloc(0), highWatermark: -1n, logStartOffset: -1n, logEndOffset: -1n };
    }
  }

  onLeadershipChange(listener: (change: LeadershipChange) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  // ---------------------------------------------------------------------------------------------------------------

  /** replication-offset-checkpoint in every log dir. */
  async checkpointHighWatermarks(): Promise<void> {
    for (const dir of this.opts.dirs) await dir.checkpointHighWatermarks();
  }

  /** Answers every waiting request and writes the high watermarks; the logs themselves close with the storage. */
  async shutdown(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    if (this.checkpointTimer) clearInterval(this.checkpointTimer);
    clearInterval(this.expirationTimer);
    if (this.isrTimer) clearInterval(this.isrTimer);
    await this.fetchers?.shutdown();
    await this.opts.logDirMoves?.close();
    this.produceWaiters.expireAll();
    this.fetchWaiters.expireAll();
    this.deleteRecordsWaiters.expireAll();
    await this.stateChange;
    await this.checkpointHighWatermarks();
  }
}
