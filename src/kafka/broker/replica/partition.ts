// One partition this broker hosts (Kafka's Partition): its log, the leadership state the controller last sent,
// the log end offsets of followers as their fetches report them, and the high watermark derived from those
// (the minimum log end offset over the ISR). As leader it proposes ISR changes (a follower caught up joins, one
// lagging past replica.lag.time.max.ms leaves) and takes them once the controller confirms; while an expansion is
// pending the high watermark and acks count the maximal ISR. Appends (as leader or follower), truncations and
// leadership changes run one at a time per partition, so each sees the log as it is. Decisions are synchronous over
// the in-memory state (isr-decisions.ts); only the log does I/O.
import { ErrorCode } from '../../protocol/index.js';
import { BATCH_HEADER_BYTES, MAGIC_POS, MAGIC_V2, RecordBatchView, readRecords, TimestampType } from '../../protocol/records/index.js';
import { MAX_TIMESTAMP, type Log } from '../../storage/log.js';
import type { AbortedTxn } from '../../storage/transaction-index.js';
import { FOLLOWER_SYNC_APPEND_MAX_BYTES, type FileSlice } from '../../storage/log-segment.js';
import type { TopicPartition } from '../../storage/topic-partition.js';
import type { PartitionStateUpdate } from '../broker-contracts.js';
import { readSlice } from './read-slice.js';
import { ReplicaError } from './replica-errors.js';
import { applyAppendedBatches, ProducerStateManager } from './producer-state.js';
import { loadProducerState } from './producer-state-loader.js';
import type { ValidatedRecords, ValidationOrigin } from './validate-produce.js';
import { afterFollowerFetch, canJoinIsr, followerOnLeadership, leaderHighWatermark, outOfSyncReplicas, UNKNOWN_FOLLOWER, type FollowerFetchState } from './isr-decisions.js';

export interface LeaderAppend {
  firstOffset: number;
  lastOffset: number;
  /** -1 unless the batches carry LogAppendTime. */
  logAppendTimeMs: number;
  logStartOffset: number;
  /** The batch was already in the log (a producer's retry): nothing was appended. */
  duplicate: boolean;
  /** Resolves once the appended bytes (and all before them) are in the log's files: what an answer waits for. */
  written: Promise<void>;
}

export interface PartitionRead {
  records: Buffer | null;
  highWatermark: number;
  lastStableOffset: number;
  logStartOffset: number;
  logEndOffset: number;
}

export type PartitionSlice = Omit<PartitionRead, 'records'> & { slice: FileSlice | null };

export interface ReadOptions {
  fetchOffset: number;
  maxBytes: number;
  /** Return the first batch whole even when larger than maxBytes. */
  minOneMessage: boolean;
  /** read_uncommitted consumers read up to the high watermark, read_committed ones to the last stable offset, followers to the log end. */
  upTo: 'highWatermark' | 'lastStable' | 'logEnd';
}

export interface PartitionListener {
  /** The high watermark moved (waiting produces and fetches may complete). */
  onHighWatermark(p: Partition): void;
  /** New records in the log (waiting follower fetches may complete). */
  onAppend(p: Partition): void;
  /**
   * The leader proposes a new ISR to the controller (AlterIsr) at its current epoch and ISR version; the answer goes
   * to onAlterIsrResult. Absent: the ISR changes only through LeaderAndIsr.
   */
  proposeIsr?(p: Partition, newIsr: readonly number[]): void;
  /** The controller confirmed an ISR this leader proposed: it grew (expanded) or shrank. */
  onIsrChanged?(p: Partition, expanded: boolean): void;
}

/** The controller's answer to an ISR proposal, for one partition. */
export interface AlterIsrResult {
  errorCode: number;
  leaderEpoch: number;
  isr: readonly number[];
  zkVersion: number;
}

export interface ReplicationSettings {
  /** replica.lag.time.max.ms */
  replicaLagTimeMaxMs: number;
}

const NO_LEADER = -1;

export class Partition {
  leaderId = NO_LEADER;
  leaderEpoch = -1;
  controllerEpoch = -1;
  zkVersion = -1;
  isr: readonly number[] = [];
  replicas: readonly number[] = [];
  readonly producers = new ProducerStateManager();
  /** Bytes appended since the partition was opened: waiting fetches estimate what became readable from it. */
  bytesAppended = 0;
  /** As leader: where the current leader epoch starts in the log (a follower joins the ISR only past it). */
  leaderEpochStartOffset = -1;
  /** As leader: an ISR sent to the controller and not yet confirmed. */
  private pendingIsr: { isr: readonly number[]; expand: boolean } | null = null;
  /** As leader: every other assigned replica's fetch state. */
  private readonly followers = new Map<number, FollowerFetchState>();
  /** As leader: each follower's log start offset as its last fetch reported it (unknown until it fetched under this leader). */
  private readonly followerLogStarts = new Map<number, number>();
  private appendQueue: Promise<unknown> = Promise.resolve();

  constructor(
    readonly tp: TopicPartition,
    /** Replaced only by replaceLog (a move between log dirs). */
    public log: Log,
    private readonly localBrokerId: number,
    private readonly listener: PartitionListener,
    private readonly nowMs: () => number,
    private readonly settings: ReplicationSettings = { replicaLagTimeMaxMs: 30_000 },
  ) {}

  /** Runs `fn` after every append, truncation and leadership change already queued for this partition. */
  private serially<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.appendQueue.then(fn);
    this.appendQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Swaps in another log for this partition, between appends and truncations (the end of a move between log dirs):
   * `make` gets the current log and returns the one to use from now on, or null to keep it. True when swapped.
   */
  replaceLog(make: (current: Log) => Promise<Log | null>): Promise<boolean> {
    return this.serially(async () => {
      const next = await make(this.log);
      if (next === null) return false;
      this.log = next;
      return true;
    });
  }

  /** The ISR the high watermark and acks=-1 count: the committed one, plus a replica whose joining is pending. */
  get maximalIsr(): readonly number[] {
    return this.pendingIsr?.expand ? this.pendingIsr.isr : this.isr;
  }

  get isrChangePending(): boolean {
    return this.pendingIsr !== null;
  }

  get isLeader(): boolean {
    return this.leaderId === this.localBrokerId;
  }

  get highWatermark(): number {
    return this.log.highWatermark;
  }

  /** Kafka's lastStableOffset: below it every transaction is decided and replicated. */
  get lastStableOffset(): number {
    return this.log.lastStableOffset;
  }

  /**
   * Takes the controller's state as leader: the epoch's start offset (the log end) goes to the leader-epoch cache
   * before any write at this epoch; followers count as caught up now if in the ISR. A new leader knows no follower's
   * log end until it fetches. Returns false when this broker was already leader at an earlier epoch.
   */
  makeLeader(state: PartitionStateUpdate): Promise<boolean> {
    return this.serially(async () => {
      const wasLeader = this.isLeader;
      this.applyState(state);
      this.leaderId = this.localBrokerId;
      const leo = this.log.logEndOffset;
      const now = this.nowMs();
      for (const id of [...this.followers.keys()]) if (!state.replicas.includes(id)) this.followers.delete(id);
      if (!wasLeader) this.followerLogStarts.clear();
      for (const id of [...this.followerLogStarts.keys()]) if (!state.replicas.includes(id)) this.followerLogStarts.delete(id);
      for (const id of state.replicas) {
        if (id === this.localBrokerId) continue;
        const fresh = followerOnLeadership(state.isr.includes(id), leo, now);
        const known = this.followers.get(id);
        this.followers.set(id, wasLeader && known ? { ...fresh, logEndOffset: known.logEndOffset } : fresh);
      }
      if ((this.log.leaderEpochCache.latestEpoch() ?? -1) < state.leaderEpoch) {
        await this.log.leaderEpochCache.assign(state.leaderEpoch, leo);
      }
      this.leaderEpochStartOffset = leo;
      this.maybeIncrementHighWatermark();
      return !wasLeader;
    });
  }

  /** Takes the controller's state as follower of `state.leader`. The log is kept as it is until the fetcher truncates it. */
  makeFollower(state: PartitionStateUpdate): Promise<boolean> {
    return this.serially(async () => {
      const wasLeader = this.isLeader;
      this.applyState(state);
      this.leaderId = state.leader;
      this.followers.clear();
      this.followerLogStarts.clear();
      this.leaderEpochStartOffset = -1;
      return wasLeader;
    });
  }

  /** No longer led or followed here (StopReplica without deletion). */
  stop(): boolean {
    const wasLeader = this.isLeader;
    this.leaderId = NO_LEADER;
    this.followers.clear();
    this.followerLogStarts.clear();
    this.pendingIsr = null;
    return wasLeader;
  }

  private applyState(state: PartitionStateUpdate): void {
    this.leaderEpoch = state.leaderEpoch;
    this.controllerEpoch = state.controllerEpoch;
    this.zkVersion = state.zkVersion;
    this.isr = [...state.isr];
    this.replicas = [...state.replicas];
    this.pendingIsr = null;
  }

  /** Kafka's Partition.checkCurrentLeaderEpoch: -1 (clients that do not know) skips the check. */
  checkLeaderEpoch(currentLeaderEpoch: number | undefined): void {
    if (currentLeaderEpoch === undefined || currentLeaderEpoch === -1) return;
    if (currentLeaderEpoch < this.leaderEpoch) {
      throw new ReplicaError(ErrorCode.FENCED_LEADER_EPOCH, `${this.name}: leader epoch ${currentLeaderEpoch} is older than the current ${this.leaderEpoch}`);
    }
    if (currentLeaderEpoch > this.leaderEpoch) {
      throw new ReplicaError(ErrorCode.UNKNOWN_LEADER_EPOCH, `${this.name}: leader epoch ${currentLeaderEpoch} is newer than the current ${this.leaderEpoch}`);
    }
  }

  requireLeader(): void {
    if (!this.isLeader) throw new ReplicaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `This server is not the leader for partition ${this.name}`);
  }

  get name(): string {
    return `${this.tp.topic}-${this.tp.partition}`;
  }

  /**
   * Appends a client's batches as leader once validated: the ISR must be large enough for acks=-1, each idempotent batch
   * must follow its producer's sequence (a retried batch gets its earlier offsets back and is not written again).
   */
  appendRecordsToLeader(validation: Promise<ValidatedRecords>, requiredAcks: number, minInsyncReplicas: number, origin: ValidationOrigin = 'client'): Promise<LeaderAppend> {
    // Queued before validation finishes: requests reach the log in the order they arrived, however long each takes
    // to validate (a client pipelines produces to one partition and counts on that order).
    validation.catch(() => undefined);
    const run = this.appendQueue.then(async (): Promise<LeaderAppend> => {
      const records = await validation;
      this.requireLeader();
      if (requiredAcks === -1 && this.isr.length < minInsyncReplicas) {
        throw new ReplicaError(
          ErrorCode.NOT_ENOUGH_REPLICAS,
          `The size of the current ISR [${this.isr.join(', ')}] is insufficient to satisfy the min.isr requirement of ${minInsyncReplicas} for partition ${this.name}`,
        );
      }
      for (const b of records.batches) {
        if (b.producerId < 0) continue;
        const check = b.marker ? this.producers.checkMarker(b.producerId, b.producerEpoch, b.marker.coordinatorEpoch) : this.producers.check(b, origin);
        if (check.kind === 'error') throw new ReplicaError(check.errorCode, check.message);
        if (check.kind === 'duplicate') {
          // Kafka answers a retry of one of the last five batches with the offsets it was given, without an error.
          return {
            firstOffset: check.firstOffset, lastOffset: check.lastOffset, logAppendTimeMs: -1, logStartOffset: this.log.logStartOffset, duplicate: true,
            written: this.log.whenWritten(),
          };
        }
      }
      // The write may join those of the other requests of this turn (Log.appendAsLeader); the answer waits for it.
      const info = await this.log.appendAsLeader(records.blob, this.leaderEpoch, (blob) => this.applyProducerState(blob), true);
      const written = this.log.whenWritten();
      this.bytesAppended += records.blob.length;
      const logAppendTime = new RecordBatchView(records.blob, 0).timestampType === TimestampType.LOG_APPEND_TIME;
      this.listener.onAppend(this);
      this.maybeIncrementHighWatermark();
      return {
        firstOffset: info.firstOffset, lastOffset: info.lastOffset, logAppendTimeMs: logAppendTime ? info.maxTimestamp : -1,
        logStartOffset: this.log.logStartOffset, duplicate: false, written,
      };
    });
    this.appendQueue = run.catch(() => undefined);
    return run;
  }

  /**
   * Whether an acks=-1 write ending before `requiredOffset` is acknowledged (Kafka's checkEnoughReplicasReachOffset):
   * null while the high watermark is below it; otherwise the error code to answer with.
   */
  ackStatus(requiredOffset: number, minInsyncReplicas: number): number | null {
    if (!this.isLeader) return ErrorCode.NOT_LEADER_OR_FOLLOWER;
    if (this.log.highWatermark < requiredOffset) return null;
    return this.maximalIsr.length < minInsyncReplicas ? ErrorCode.NOT_ENOUGH_REPLICAS_AFTER_APPEND : ErrorCode.NONE;
  }

  /**
   * The high watermark as leader: the smallest log end offset over the maximal ISR and followers caught up within
   * replica.lag.time.max.ms (this broker's own for itself, the last fetch position for each follower). It only
   * moves forward.
   */
  maybeIncrementHighWatermark(): boolean {
    if (!this.isLeader) return false;
    const current = this.log.highWatermark;
    const hw = leaderHighWatermark(current, this.log.logEndOffset, this.maximalIsr, this.followers, this.nowMs(), this.settings.replicaLagTimeMaxMs);
    if (hw <= current) return false;
    this.log.updateHighWatermark(hw);
    this.listener.onHighWatermark(this);
    return true;
  }

  /**
   * A follower fetched from `fetchOffset`, so it has everything before it (Kafka's updateFollowerFetchState): it may
   * join the ISR, and the high watermark may move.
   */
  updateFollowerFetchState(replicaId: number, fetchOffset: number, followerLogStartOffset = -1): void {
    if (!this.replicas.includes(replicaId) || replicaId === this.localBrokerId) {
      throw new ReplicaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `Replica ${replicaId} is not a replica of ${this.name}`);
    }
    const leo = this.log.logEndOffset;
    const prev = this.followers.get(replicaId) ?? UNKNOWN_FOLLOWER;
    this.followers.set(replicaId, afterFollowerFetch(prev, Math.min(fetchOffset, leo), leo, this.nowMs()));
    this.followerLogStarts.set(replicaId, followerLogStartOffset);
    this.maybeExpandIsr(replicaId);
    this.maybeIncrementHighWatermark();
  }

  /**
   * As leader, the low watermark (Kafka's lowWatermarkIfLeader): the smallest log start offset over this replica and
   * every follower on a live broker, -1 for one that has not reported it. DeleteRecords is answered once it passes
   * the offset deleted to.
   */
  lowWatermark(isBrokerAlive: (brokerId: number) => boolean): number {
    this.requireLeader();
    let low = this.log.logStartOffset;
    for (const id of this.replicas) {
      if (id === this.localBrokerId || !isBrokerAlive(id)) continue;
      low = Math.min(low, this.followerLogStarts.get(id) ?? -1);
    }
    return low;
  }

  /** What the leader knows of each follower. */
  followerStates(): ReadonlyMap<number, Readonly<FollowerFetchState>> {
    return this.followers;
  }

  private maybeExpandIsr(replicaId: number): void {
    if (this.pendingIsr !== null || this.isr.includes(replicaId)) return;
    if (!canJoinIsr(this.followers.get(replicaId)!, this.log.highWatermark, this.leaderEpochStartOffset)) return;
    this.propose([...this.isr, replicaId], true);
  }

  /** The periodic check (every replica.lag.time.max.ms / 2): followers that fell behind leave the ISR. */
  maybeShrinkIsr(): void {
    if (!this.isLeader || this.pendingIsr !== null) return;
    const out = outOfSyncReplicas(this.isr, this.localBrokerId, this.log.logEndOffset, this.followers, this.nowMs(), this.settings.replicaLagTimeMaxMs);
    if (out.length === 0) return;
    this.propose(this.isr.filter((id) => !out.includes(id)), false);
  }

  private propose(newIsr: readonly number[], expand: boolean): void {
    if (!this.listener.proposeIsr) return;
    this.pendingIsr = { isr: newIsr, expand };
    this.listener.proposeIsr(this, newIsr);
  }

  /**
   * The controller answered the proposal sent at `sentLeaderEpoch`. Success: the ISR it wrote is taken (unless a
   * LeaderAndIsr has moved the partition on since). OPERATION_NOT_ATTEMPTED and INELIGIBLE_REPLICA (a replica added
   * whose broker is gone) drop the proposal, leaving the ISR as it was; other errors (fenced epoch, stale ISR version,
   * unknown partition) keep it pending until the controller's LeaderAndIsr comes, as Kafka does.
   */
  onAlterIsrResult(sentLeaderEpoch: number, result: AlterIsrResult): void {
    if (!this.isLeader || sentLeaderEpoch !== this.leaderEpoch || this.pendingIsr === null) return;
    if (result.errorCode === ErrorCode.OPERATION_NOT_ATTEMPTED || result.errorCode === ErrorCode.INELIGIBLE_REPLICA) {
      this.pendingIsr = null;
      return;
    }
    if (result.errorCode !== ErrorCode.NONE || result.leaderEpoch !== this.leaderEpoch || result.zkVersion < this.zkVersion) return;
    const expanded = this.pendingIsr.expand;
    this.isr = [...result.isr];
    this.zkVersion = result.zkVersion;
    this.pendingIsr = null;
    this.listener.onIsrChanged?.(this, expanded);
    this.maybeIncrementHighWatermark();
    this.listener.onHighWatermark(this);
  }

  /**
   * The fetcher's entry point as follower: the leader's batches appended with their offsets, the producer state
   * advanced from their headers, and the high watermark taken from the leader's (never past our own log end); records
   * the leader deleted (its log start offset moved) go here too once the high watermark covers them. `leaderEpoch` is
   * the epoch the fetch was made under: if the partition moved on meanwhile nothing is appended. The write is done
   * without the thread pool up to `syncWriteMaxBytes`.
   */
  appendRecordsAsFollower(records: Buffer, leaderHighWatermark: number, leaderEpoch = this.leaderEpoch, leaderLogStartOffset = -1, syncWriteMaxBytes = FOLLOWER_SYNC_APPEND_MAX_BYTES): Promise<void> {
    return this.serially(async () => {
      this.requireFollowerAt(leaderEpoch);
      if (records.length > 0) {
        await this.log.appendAsFollower(records, (blob) => this.applyProducerState(blob), syncWriteMaxBytes);
        this.bytesAppended += records.length;
      }
      this.log.updateHighWatermark(Math.min(leaderHighWatermark, this.log.logEndOffset));
      if (leaderLogStartOffset > this.log.logStartOffset && leaderLogStartOffset <= this.log.highWatermark) {
        await this.log.deleteRecordsTo(leaderLogStartOffset);
      }
    });
  }

  /**
   * As follower: removes every offset from `offset` on (the batch holding it goes whole) and the leader epochs that
   * start there or later, so the next question to the leader names an older epoch.
   */
  truncateAsFollower(offset: number, leaderEpoch: number): Promise<void> {
    return this.serially(async () => {
      this.requireFollowerAt(leaderEpoch);
      // As Kafka's truncateAndReload: the state at the new end is rebuilt from the snapshots and the log.
      if (await this.log.truncateTo(offset)) await loadProducerState(this.log, this.producers, this.nowMs());
      await this.log.leaderEpochCache.truncateFromEnd(Math.max(0, Math.min(offset, this.log.logEndOffset)));
    });
  }

  /** As follower: the log emptied and restarted at `offset` (far outside the leader's range). */
  truncateFullyAsFollower(offset: number, leaderEpoch: number): Promise<void> {
    return this.serially(async () => {
      this.requireFollowerAt(leaderEpoch);
      await this.log.truncateFullyAndStartAt(offset);
      this.producers.clear();
    });
  }

  private requireFollowerAt(leaderEpoch: number): void {
    if (this.isLeader || this.leaderId === NO_LEADER || leaderEpoch !== this.leaderEpoch) {
      throw new ReplicaError(ErrorCode.NOT_LEADER_OR_FOLLOWER, `${this.name}: no longer a follower at leader epoch ${leaderEpoch}`);
    }
  }

  private applyProducerState(blob: Buffer): AbortedTxn[] {
    return applyAppendedBatches(this.producers, blob, this.nowMs());
  }

  /**
   * ListOffsets by timestamp: the first record at or after the log start whose timestamp is ≥ `timestamp`, below
   * `below` (the high watermark for consumers). The log finds the batch from its indexes; its records are then read
   * (decompressed if need be) for the exact one. MAX_TIMESTAMP (-3) gives the record with the largest timestamp.
   */
  async offsetForTimestamp(timestamp: number, below: number): Promise<{ timestamp: number; offset: number; leaderEpoch: number } | null> {
    const found = await this.log.fetchOffsetByTimestamp(timestamp);
    if (!found || found.offset >= below) return null;
    if (timestamp === MAX_TIMESTAMP) return { timestamp: found.timestamp, offset: found.offset, leaderEpoch: found.leaderEpoch ?? -1 };
    const exact = (await this.recordAtOrAfter(found.offset, timestamp)) ?? found;
    if (exact.offset >= below) return null;
    return { timestamp: exact.timestamp, offset: exact.offset, leaderEpoch: this.log.epochForOffset(exact.offset) ?? -1 };
  }

  private async recordAtOrAfter(offset: number, timestamp: number): Promise<{ timestamp: number; offset: number } | null> {
    const read = await this.log.read(offset, { maxBytes: 1, minOneMessage: true });
    const bytes = await readSlice(read.slice);
    if (bytes === null || bytes.length < BATCH_HEADER_BYTES || bytes[MAGIC_POS] !== MAGIC_V2) return null;
    const batch = new RecordBatchView(bytes, 0);
    if (batch.sizeInBytes > bytes.length) return null;
    for (const r of await readRecords(batch)) {
      if (r.offset >= offset && r.timestamp >= timestamp) return { timestamp: r.timestamp, offset: r.offset };
    }
    return null;
  }

  /** Reads whole batches from fetchOffset; throws OFFSET_OUT_OF_RANGE outside [log start, log end]. */
  async read(opts: ReadOptions): Promise<PartitionRead> {
    const { slice, ...at } = await this.locate(opts);
    return { records: await readSlice(slice), ...at };
  }

  /** What read returns, with the records as the file slice that holds them (for readSlice), not yet read. */
  async locate(opts: ReadOptions): Promise<PartitionSlice> {
    const highWatermark = this.log.highWatermark;
    const lastStableOffset = this.log.lastStableOffset;
    const result = await this.log.read(opts.fetchOffset, {
      maxBytes: opts.maxBytes,
      maxOffset: opts.upTo === 'highWatermark' ? highWatermark : opts.upTo === 'lastStable' ? lastStableOffset : undefined,
      minOneMessage: opts.minOneMessage,
    });
    return {
      slice: result.slice,
      highWatermark,
      lastStableOffset,
      logStartOffset: result.logStartOffset,
      logEndOffset: result.logEndOffset,
    };
  }

}
