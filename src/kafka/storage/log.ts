// A partition's log (Kafka's Log): ordered segments, the offsets that bound it (log start, log end, recovery
// point, high watermark), appends as leader (offsets assigned in place) or follower (offsets kept), fetch reads
// as file slices, timestamp lookups, DeleteRecords, retention, flush, truncation and the leader-epoch cache. With its
// owner's producer state attached it knows the last stable offset, and its segments' `.txnindex` files answer which
// aborted transactions a read_committed fetch overlaps.
// Appends and everything that changes the segment list run one at a time; reads run alongside them on the
// committed state (offsets and sizes advance only after the bytes are written).
import * as fs from 'node:fs';
import { analyzeBatches, assignOffsets, type AppendInfo } from './append-info.js';
import type { Crc32cFn } from './batch-header.js';
import { OffsetOutOfRangeError, StorageError } from './errors.js';
import { LeaderEpochCache } from './leader-epoch-cache.js';
import { logConfigProblem, rollJitterMs, type LogConfig } from './log-config.js';
import { logStartOffsetBreached, retentionMsBreached, retentionSizeBreached, type RetentionView, type SegmentSummary } from './log-retention.js';
import { LogSegment, SYNC_APPEND_MAX_BYTES, type FileSlice, type RollParams, type TimestampLocator } from './log-segment.js';
import {
  deleteProducerSnapshot, listSnapshotOffsets, markProducerSnapshotDeleted, writeProducerSnapshot, type ProducerSnapshotEntry,
} from './producer-snapshot.js';
import type { Clock, Scheduler } from './scheduler.js';
import { CLEANED_SUFFIX, SWAP_SUFFIX } from './segment-files.js';
import type { TopicPartition } from './topic-partition.js';
import type { AbortedTxn } from './transaction-index.js';

/** ListOffsets special timestamps. */
export const EARLIEST_TIMESTAMP = -2;
export const LATEST_TIMESTAMP = -1;
export const MAX_TIMESTAMP = -3;

export interface LogContext {
  dir: string;
  topicPartition: TopicPartition;
  config: LogConfig;
  clock: Clock;
  scheduler: Scheduler;
  crc32c: Crc32cFn;
  /** Source of roll jitter, [0, 1). */
  random: () => number;
  /** Failures of background work (the flush after a roll, delayed file deletion). */
  onBackgroundError: (err: unknown) => void;
}

export interface LogState {
  segments: LogSegment[];
  logStartOffset: number;
  logEndOffset: number;
  recoveryPoint: number;
  leaderEpochCache: LeaderEpochCache;
}

export interface LogReadOptions {
  maxBytes: number;
  /** Exclusive upper bound of what may be returned (high watermark or last stable offset); default the log end. */
  maxOffset?: number;
  /** Return the first batch whole even when it is larger than maxBytes. */
  minOneMessage?: boolean;
}

export interface LogReadResult {
  /** Null when there is nothing to return. The slice may end inside a batch; consumers drop the partial tail. */
  slice: FileSlice | null;
  firstEntryIncomplete: boolean;
  logStartOffset: number;
  logEndOffset: number;
  highWatermark: number;
}

export interface TimestampAndOffset {
  timestamp: number;
  offset: number;
  leaderEpoch: number | null;
}

/** The producer state kept for a log (its owner's ProducerStateManager): snapshot entries and open transactions. */
export interface ProducerStateSource {
  snapshotEntries(): ProducerSnapshotEntry[];
  /** Kafka's firstUnstableOffset: the first offset of an open transaction or of one whose marker the HW has not passed. */
  firstUnstableOffset?(highWatermark: number): number | null;
}

/** Kafka's LastRecord of an active producer: its last data batch's last offset (null when it has only markers) and epoch. */
export interface ProducerLastRecord {
  lastDataOffset: number | null;
  producerEpoch: number;
}

/**
 * Told, inside the append and before the log end moves, what was appended (offsets assigned); returns the aborted
 * transactions whose ABORT markers the append wrote, for the segment's `.txnindex`.
 */
export type AppendObserver = (blob: Buffer, info: AppendInfo) => readonly AbortedTxn[];

/** Most aborted transactions one read_committed fetch answers with (each entry is 16 bytes on the wire). */
export const MAX_ABORTED_TXNS_PER_FETCH = 10_000;
/**
 * A read slice that starts within this many bytes of the active segment's end is marked recent: those bytes were
 * just written and are in the page cache, so copying them costs about what a hop through the thread pool does.
 */
export const RECENT_TAIL_BYTES = 4 * 1024 * 1024;

interface OffsetMetadata {
  offset: number;
  segmentBaseOffset: number;
  position: number;
}

export class Log {
  private segments: LogSegment[];
  private _logStartOffset: number;
  private endOffset: OffsetMetadata;
  private _recoveryPoint: number;
  private _highWatermark: number;
  private hwMetadata: OffsetMetadata | null = null;
  private lastFlushedMs: number;
  readonly leaderEpochCache: LeaderEpochCache;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly background = new Set<Promise<void>>();
  /** Written to `<offset>.snapshot` at every roll and clean close once attached (the state has been loaded). */
  private producerState: ProducerStateSource | null = null;
  private lastSnapshotOffset = 0;
  private closed = false;
  /** The first I/O error of an exclusive operation: the files may no longer match the in-memory state. */
  private failure: Error | null = null;
  /** The deferred write whose failure is being watched for. */
  private watchedWrite: Promise<void> | null = null;

  constructor(readonly ctx: LogContext, state: LogState) {
    if (state.segments.length === 0) throw new Error(`${ctx.dir}: a log needs at least one segment`);
    this.segments = state.segments;
    this._logStartOffset = state.logStartOffset;
    const active = this.activeSegment;
    this.endOffset = { offset: state.logEndOffset, segmentBaseOffset: active.baseOffset, position: active.size };
    this._recoveryPoint = state.recoveryPoint;
    this._highWatermark = state.logStartOffset;
    this.leaderEpochCache = state.leaderEpochCache;
    this.lastFlushedMs = ctx.clock.nowMs();
  }

  get dir(): string {
    return this.ctx.dir;
  }
  get config(): LogConfig {
    return this.ctx.config;
  }

  /**
   * Kafka's Log.updateConfig: a topic's config changed while the log is open. The next roll check, retention pass,
   * flush check, cleaner pass and append limit use the new values; a segment keeps the index settings and roll jitter
   * it was created with, so those apply from the next segment. Returns the config replaced; throws RangeError (and
   * keeps the old one) for a config the on-disk format cannot take.
   */
  updateConfig(config: LogConfig): LogConfig {
    const problem = logConfigProblem(config);
    if (problem) throw new RangeError(`${this.dir}: ${problem}`);
    const old = this.ctx.config;
    this.ctx.config = config;
    return old;
  }
  get logStartOffset(): number {
    return this._logStartOffset;
  }
  get logEndOffset(): number {
    return this.endOffset.offset;
  }
  get recoveryPoint(): number {
    return this._recoveryPoint;
  }
  get highWatermark(): number {
    return this._highWatermark;
  }
  get activeSegment(): LogSegment {
    return this.segments[this.segments.length - 1]!;
  }
  get numberOfSegments(): number {
    return this.segments.length;
  }
  /** Bytes in all segments. */
  get sizeBytes(): number {
    return this.segments.reduce((sum, s) => sum + s.size, 0);
  }
  get unflushedMessages(): number {
    return this.logEndOffset - this._recoveryPoint;
  }
  get lastFlushTimeMs(): number {
    return this.lastFlushedMs;
  }

  /** A copy of the segment list (oldest first). */
  logSegments(): LogSegment[] {
    return [...this.segments];
  }

  /** Why the log refuses work, if it does. */
  private checkUsable(): void {
    if (this.failure) throw new StorageError('KAFKA_STORAGE_ERROR', `${this.dir}: the log failed: ${this.failure.message}`, { cause: this.failure });
    if (this.closed) throw new StorageError('KAFKA_STORAGE_ERROR', `${this.dir}: the log is closed`);
  }

  /**
   * Runs `fn` after every earlier exclusive operation has finished. An I/O error (one with a syscall) fails the
   * log for good, as Kafka takes a log dir offline: a half-done write leaves files the memory state no longer
   * describes, and only a restart's recovery puts them right.
   */
  private exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const run = this.queue.then(() => {
      this.checkUsable();
      return fn().catch((err: unknown) => {
        if ((err as NodeJS.ErrnoException)?.syscall) this.failure ??= err as Error;
        throw err;
      });
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  /**
   * From now on the producer state is snapshotted at every roll (at the new base offset) and at a clean close (at
   * the log end), as Kafka's Log does with its ProducerStateManager. Attached once the state was loaded: a snapshot
   * of state not yet loaded would lose the producers.
   */
  attachProducerState(source: ProducerStateSource): void {
    this.producerState = source;
    // As Kafka's lastSnapOffset, which starts at 0: an empty log is not snapshotted.
    this.lastSnapshotOffset = listSnapshotOffsets(this.dir).at(-1) ?? 0;
  }

  /** Snapshots the producer state at the log end offset (after loading it), unless a snapshot is already there. */
  snapshotProducerState(): Promise<void> {
    return this.exclusive(() => this.takeProducerSnapshot(this.logEndOffset));
  }

  private async takeProducerSnapshot(offset: number): Promise<void> {
    if (!this.producerState || offset <= this.lastSnapshotOffset) return;
    await writeProducerSnapshot(this.dir, offset, this.producerState.snapshotEntries());
    this.lastSnapshotOffset = offset;
  }

  /** Deletes the snapshots above `offset` (the log was truncated below them). */
  private async deleteSnapshotsAbove(offset: number): Promise<void> {
    for (const o of listSnapshotOffsets(this.dir)) if (o > offset) await deleteProducerSnapshot(this.dir, o);
    this.lastSnapshotOffset = Math.max(0, Math.min(this.lastSnapshotOffset, offset));
  }

  /** The I/O error that failed the log, if any. */
  get failedWith(): Error | null {
    return this.failure;
  }

  private runInBackground(work: Promise<void>): void {
    const tracked = work.catch((err) => this.ctx.onBackgroundError(err)).finally(() => this.background.delete(tracked));
    this.background.add(tracked);
  }

  /** Sets the high watermark, kept within [logStartOffset, logEndOffset]; returns the value set. */
  updateHighWatermark(offset: number): number {
    const hw = Math.min(Math.max(offset, this._logStartOffset), this.logEndOffset);
    if (hw !== this._highWatermark) this.hwMetadata = null;
    this._highWatermark = hw;
    return hw;
  }

  /**
   * Appends batches as the leader: their baseOffsets are rewritten in place to follow the log end offset and
   * their partitionLeaderEpoch set to `leaderEpoch` (neither is covered by the CRC), then the bytes go to disk
   * unchanged. The caller has validated the batches (CRC, sizes, records).
   * With `deferWrite` the bytes may reach the file later in this turn of the event loop, together with other
   * appends (LogSegment.append): the log and its reads behave as if they were written, and whenWritten() tells
   * when they are (what an acknowledgement waits for). `blob` must not change until then.
   */
  appendAsLeader(blob: Buffer, leaderEpoch: number, observe?: AppendObserver, deferWrite = false): Promise<AppendInfo> {
    return this.exclusive(async () => {
      this.checkAppendSize(blob);
      assignOffsets(blob, this.logEndOffset, this.config.maxMessageBytes, leaderEpoch);
      const info = analyzeBatches(blob, { maxBatchBytes: this.config.maxMessageBytes });
      if (leaderEpoch >= 0 && (this.leaderEpochCache.latestEpoch() ?? -1) < leaderEpoch) {
        await this.leaderEpochCache.assign(leaderEpoch, info.firstOffset);
      }
      await this.appendInternal(blob, info, observe, deferWrite);
      return info;
    });
  }

  /** Resolves once every append so far is in the file; rejects when the write of a deferred one failed. */
  whenWritten(): Promise<void> {
    return this.activeSegment.whenWritten();
  }

  /**
   * Appends a leader's batches verbatim as a follower: CRCs are checked, offsets must increase and start at or
   * after the log end offset, and each new partitionLeaderEpoch enters the epoch cache. `syncWriteMaxBytes`: the
   * largest write done without the thread pool (a replica fetcher passes FOLLOWER_SYNC_APPEND_MAX_BYTES).
   */
  appendAsFollower(blob: Buffer, observe?: AppendObserver, syncWriteMaxBytes = SYNC_APPEND_MAX_BYTES): Promise<AppendInfo> {
    return this.exclusive(async () => {
      this.checkAppendSize(blob);
      const epochs: Array<[number, number]> = [];
      const info = analyzeBatches(blob, {
        crc32c: this.ctx.crc32c,
        maxBatchBytes: Math.max(this.config.maxMessageBytes, this.config.segmentBytes),
        onBatch: (_, h) => {
          const latest = epochs.at(-1)?.[0] ?? this.leaderEpochCache.latestEpoch() ?? -1;
          if (h.magic === 2 && h.partitionLeaderEpoch >= 0 && h.partitionLeaderEpoch > latest) epochs.push([h.partitionLeaderEpoch, h.baseOffset]);
        },
      });
      if (info.firstOffset < this.logEndOffset) {
        throw new StorageError('INVALID_RECORD', `${this.dir}: first offset ${info.firstOffset} is below the log end offset ${this.logEndOffset}`);
      }
      for (const [epoch, start] of epochs) await this.leaderEpochCache.assign(epoch, start);
      await this.appendInternal(blob, info, observe, false, syncWriteMaxBytes);
      return info;
    });
  }

  private checkAppendSize(blob: Buffer): void {
    if (blob.length > this.config.segmentBytes) {
      throw new StorageError('RECORD_LIST_TOO_LARGE', `${this.dir}: ${blob.length} bytes do not fit a segment of ${this.config.segmentBytes} bytes`);
    }
  }

  private async appendInternal(blob: Buffer, info: AppendInfo, observe?: AppendObserver, deferWrite = false, syncMaxBytes = SYNC_APPEND_MAX_BYTES): Promise<void> {
    // Without a roll, a file read or a large write, the append runs through without waiting on a promise.
    const params = this.rollParams(blob.length, info);
    const active = this.activeSegment;
    const roll = active.shouldRollKnown(params) ?? (await active.shouldRoll(params));
    const segment = roll ? await this.rollLocked(info.firstOffset) : active;
    if (blob.length <= syncMaxBytes) segment.appendSync(info.lastOffset, info.maxTimestamp, info.offsetOfMaxTimestamp, blob, deferWrite, syncMaxBytes);
    else await segment.append(info.lastOffset, info.maxTimestamp, info.offsetOfMaxTimestamp, blob, deferWrite);
    if (deferWrite) {
      const written = segment.whenWritten();
      if (written !== this.watchedWrite) {
        this.watchedWrite = written;
        // A deferred write that fails fails the log, as a failed write inside the append would.
        written.catch((err: unknown) => {
          this.failure ??= err as Error;
        });
      }
    }
    // Kafka's segment.updateTxnIndex: written before the log end moves, so a reader that sees a marker finds its entry.
    if (observe) for (const aborted of observe(blob, info)) await segment.txnIndex.append(aborted);
    this.endOffset = { offset: info.lastOffset + 1, segmentBaseOffset: segment.baseOffset, position: segment.size };
    if (this.unflushedMessages >= this.config.flushIntervalMessages) await this.flushTo(this.logEndOffset);
  }

  private rollParams(appendBytes: number, info: AppendInfo): RollParams {
    return {
      maxSegmentBytes: this.config.segmentBytes,
      maxSegmentMs: this.config.segmentMs,
      appendBytes,
      maxTimestampInMessages: info.maxTimestamp,
      maxOffsetInMessages: info.lastOffset,
      nowMs: this.ctx.clock.nowMs(),
    };
  }

  /** Starts a new segment at the log end offset (or `expectedNextOffset` when larger). */
  roll(expectedNextOffset?: number): Promise<LogSegment> {
    return this.exclusive(() => this.rollLocked(expectedNextOffset ?? 0));
  }

  private async rollLocked(expectedNextOffset: number): Promise<LogSegment> {
    const newOffset = Math.max(expectedNextOffset, this.logEndOffset);
    const active = this.activeSegment;
    if (active.baseOffset === newOffset && active.size === 0) return active;
    if (newOffset <= active.baseOffset) {
      throw new StorageError('KAFKA_STORAGE_ERROR', `${this.dir}: cannot roll to offset ${newOffset}, not above the active segment's base ${active.baseOffset}`);
    }
    await active.onBecomeInactiveSegment();
    const segment = await this.newSegment(newOffset);
    this.segments.push(segment);
    this.endOffset = { offset: this.logEndOffset, segmentBaseOffset: newOffset, position: 0 };
    await this.takeProducerSnapshot(newOffset);
    // As Kafka: the rolled segment reaches the disk in the background, advancing the recovery point.
    this.runInBackground(this.flushTo(newOffset));
    return segment;
  }

  private async newSegment(baseOffset: number): Promise<LogSegment> {
    const segment = await LogSegment.create(this.dir, baseOffset, {
      config: this.config, nowMs: this.ctx.clock.nowMs(), rollJitterMs: rollJitterMs(this.config, this.ctx.random),
    });
    await segment.loadIndexes();
    return segment;
  }

  /** fsyncs the segments holding offsets below `offset` (default: everything) and advances the recovery point. */
  flush(offset?: number): Promise<void> {
    return this.flushTo(offset ?? this.logEndOffset);
  }

  private async flushTo(offset: number): Promise<void> {
    if (offset <= this._recoveryPoint) return;
    const from = this._recoveryPoint;
    const segments = [...this.segments];
    for (let i = 0; i < segments.length; i++) {
      const s = segments[i]!;
      const next = segments[i + 1];
      if (s.baseOffset >= offset) break;
      if (next && next.baseOffset <= from) continue;
      await s.flush();
    }
    await this.leaderEpochCache.idle();
    if (offset > this._recoveryPoint) {
      this._recoveryPoint = offset;
      this.lastFlushedMs = this.ctx.clock.nowMs();
    }
  }

  /** flush.ms: flushes when the last flush is at least that old (called by the log manager's flush task). */
  async maybeFlushByTime(): Promise<boolean> {
    if (this.ctx.clock.nowMs() - this.lastFlushedMs < this.config.flushMs) return false;
    await this.flush();
    this.lastFlushedMs = this.ctx.clock.nowMs();
    return true;
  }

  private floorSegmentIndex(offset: number): number {
    let lo = 0;
    let hi = this.segments.length - 1;
    if (hi < 0 || this.segments[0]!.baseOffset > offset) return -1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (this.segments[mid]!.baseOffset <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Where `offset` is: the segment holding it and the position of its batch (end of segment when past it). */
  private async offsetMetadata(offset: number): Promise<OffsetMetadata> {
    if (offset === this.logEndOffset) return this.endOffset;
    const i = this.floorSegmentIndex(offset);
    const segment = this.segments[Math.max(i, 0)]!;
    const location = await segment.translateOffset(offset);
    return { offset, segmentBaseOffset: segment.baseOffset, position: location ? location.position : segment.size };
  }

  /** Bytes from the batch holding `fetchOffset`, at most maxBytes, ending before maxOffset. */
  async read(fetchOffset: number, opts: LogReadOptions): Promise<LogReadResult> {
    this.checkUsable();
    const end = this.endOffset;
    const result: LogReadResult = {
      slice: null, firstEntryIncomplete: false, logStartOffset: this._logStartOffset, logEndOffset: end.offset, highWatermark: this._highWatermark,
    };
    if (fetchOffset < this._logStartOffset || fetchOffset > end.offset) {
      throw new OffsetOutOfRangeError(
        `${this.dir}: offset ${fetchOffset} is outside the log [${this._logStartOffset}, ${end.offset}]`,
      );
    }
    let max = end;
    if (opts.maxOffset !== undefined && opts.maxOffset < end.offset) {
      if (opts.maxOffset === this._highWatermark && this.hwMetadata?.offset === opts.maxOffset) max = this.hwMetadata;
      else {
        max = await this.offsetMetadata(opts.maxOffset);
        if (opts.maxOffset === this._highWatermark) this.hwMetadata = max;
      }
    }
    if (fetchOffset >= max.offset) return result;
    const segments = this.segments;
    for (let i = Math.max(this.floorSegmentIndex(fetchOffset), 0); i < segments.length; i++) {
      const segment = segments[i]!;
      if (segment.baseOffset > max.segmentBaseOffset) break;
      const maxPosition = segment.baseOffset === max.segmentBaseOffset ? max.position : segment.size;
      const fetched = await segment.read(fetchOffset, opts.maxBytes, maxPosition, opts.minOneMessage ?? false);
      if (fetched) {
        const slice = fetched.slice;
        if (segment === this.activeSegment && segment.size - slice.position <= RECENT_TAIL_BYTES) slice.recent = true;
        result.slice = slice.length > 0 ? slice : null;
        result.firstEntryIncomplete = fetched.firstEntryIncomplete;
        return result;
      }
    }
    return result;
  }

  /**
   * ListOffsets: EARLIEST_TIMESTAMP → log start, LATEST_TIMESTAMP → log end, MAX_TIMESTAMP → the offset of the
   * largest timestamp, else the first batch at or after the log start holding a timestamp ≥ target (exact record
   * when `locate` decodes batches). Null when no such batch exists.
   */
  async fetchOffsetByTimestamp(targetTimestamp: number, locate?: TimestampLocator): Promise<TimestampAndOffset | null> {
    const epochOf = (offset: number) => this.epochForOffset(offset);
    if (targetTimestamp === EARLIEST_TIMESTAMP) return { timestamp: -1, offset: this._logStartOffset, leaderEpoch: epochOf(this._logStartOffset) };
    if (targetTimestamp === LATEST_TIMESTAMP) return { timestamp: -1, offset: this.logEndOffset, leaderEpoch: this.leaderEpochCache.latestEpoch() };
    const segments = [...this.segments];
    if (targetTimestamp === MAX_TIMESTAMP) {
      let best: LogSegment | null = null;
      for (const s of segments) if (!best || s.maxTimestamp > best.maxTimestamp) best = s;
      if (!best || best.maxTimestamp < 0) return null;
      return { timestamp: best.maxTimestamp, offset: best.offsetOfMaxTimestamp, leaderEpoch: epochOf(best.offsetOfMaxTimestamp) };
    }
    for (const s of segments) {
      if ((await s.largestTimestamp()) < targetTimestamp) continue;
      const found = await s.findOffsetByTimestamp(targetTimestamp, this._logStartOffset, Math.max(this.config.maxMessageBytes, this.config.segmentBytes), locate);
      // A segment below the log start (not yet deleted) may match on time alone: the answer is then further on.
      if (found) return { ...found, leaderEpoch: epochOf(found.offset) };
    }
    return null;
  }

  /**
   * Kafka's lastStableOffset: the first unstable offset (open transactions, and completed ones whose marker is not
   * below the high watermark yet) when below the high watermark, else the high watermark.
   */
  get lastStableOffset(): number {
    const hw = this._highWatermark;
    const first = this.producerState?.firstUnstableOffset?.(hw) ?? null;
    if (first === null) return hw;
    const unstable = Math.max(first, this._logStartOffset);
    return unstable < hw ? unstable : hw;
  }

  /**
   * Records an aborted transaction in the `.txnindex` of the segment holding its marker, unless that index has it
   * already (a replay after a restart meets markers written before). False when not written.
   */
  addAbortedTxn(aborted: AbortedTxn): Promise<boolean> {
    return this.exclusive(async () => {
      const i = this.floorSegmentIndex(aborted.lastOffset);
      if (i < 0) return false;
      return this.segments[i]!.txnIndex.appendIfNew(aborted);
    });
  }

  /**
   * Kafka's collectAbortedTransactions: the aborted transactions overlapping [fetchOffset, upperBoundOffset), from
   * the segment holding fetchOffset on, until an entry's last stable offset reaches the bound; at most `limit`.
   */
  collectAbortedTxns(fetchOffset: number, upperBoundOffset: number, limit = MAX_ABORTED_TXNS_PER_FETCH): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    const segments = this.segments;
    for (let i = Math.max(this.floorSegmentIndex(fetchOffset), 0); i < segments.length; i++) {
      const found = segments[i]!.txnIndex.collect(fetchOffset, upperBoundOffset);
      for (const e of found.aborted) {
        if (out.length >= limit) return out;
        out.push(e);
      }
      if (found.complete) break;
    }
    return out;
  }

  /** Kafka's lastRecordsOfActiveProducers, from the attached producer state (none before it is attached). */
  lastRecordsOfActiveProducers(): Map<number, ProducerLastRecord> {
    const out = new Map<number, ProducerLastRecord>();
    for (const e of this.producerState?.snapshotEntries() ?? []) out.set(e.producerId, { lastDataOffset: e.lastOffset >= 0 ? e.lastOffset : null, producerEpoch: e.producerEpoch });
    return out;
  }

  /** The aborted transactions whose markers are in [fromOffset, toOffset) (a copy of the log takes them along). */
  abortedTxnsBetween(fromOffset: number, toOffset: number): AbortedTxn[] {
    const out: AbortedTxn[] = [];
    for (const s of this.segments) {
      for (const e of s.txnIndex.entries(fromOffset)) {
        if (e.lastOffset >= toOffset) break;
        out.push(e);
      }
    }
    return out;
  }

  /** The leader epoch `offset` was written in, from the epoch cache. */
  epochForOffset(offset: number): number | null {
    const entries = this.leaderEpochCache.epochEntries();
    for (let i = entries.length - 1; i >= 0; i--) if (entries[i]!.startOffset <= offset) return entries[i]!.epoch;
    return null;
  }

  /**
   * DeleteRecords: moves the log start offset up to `newLogStartOffset` (at most the high watermark). Data below
   * it can no longer be read; retention deletes the segments wholly below it. Returns the log start offset.
   */
  deleteRecordsTo(newLogStartOffset: number): Promise<number> {
    return this.exclusive(async () => {
      if (newLogStartOffset > this._highWatermark) {
        throw new OffsetOutOfRangeError(`${this.dir}: cannot delete records up to ${newLogStartOffset}, above the high watermark ${this._highWatermark}`);
      }
      await this.maybeIncrementLogStartOffset(newLogStartOffset);
      return this._logStartOffset;
    });
  }

  private async maybeIncrementLogStartOffset(offset: number): Promise<void> {
    if (offset <= this._logStartOffset) return;
    this._logStartOffset = offset;
    if (this._highWatermark < offset) this.updateHighWatermark(offset);
    await this.leaderEpochCache.truncateFromStart(offset);
  }

  private async retentionView(): Promise<RetentionView> {
    const segments: SegmentSummary[] = [];
    for (const s of this.segments) segments.push({ baseOffset: s.baseOffset, sizeBytes: s.size, largestTimestamp: await s.largestTimestamp() });
    return { segments, logEndOffset: this.logEndOffset, highWatermark: this._highWatermark };
  }

  /**
   * Retention: deletes the oldest segments that are wholly below the log start offset, then (cleanup.policy
   * delete) those beyond retention.bytes and those older than retention.ms. Returns the number deleted.
   */
  deleteOldSegments(): Promise<number> {
    return this.exclusive(async () => {
      let deleted = await this.deleteSegmentPrefix(logStartOffsetBreached(await this.retentionView(), this._logStartOffset));
      if (this.config.cleanupPolicy.includes('delete')) {
        deleted += await this.deleteSegmentPrefix(retentionSizeBreached(await this.retentionView(), this.config.retentionBytes));
        deleted += await this.deleteSegmentPrefix(retentionMsBreached(await this.retentionView(), this.config.retentionMs, this.ctx.clock.nowMs()));
      }
      return deleted;
    });
  }

  private async deleteSegmentPrefix(count: number): Promise<number> {
    if (count === 0) return 0;
    if (count === this.segments.length) await this.rollLocked(0);
    const removed = this.segments.splice(0, count);
    await this.maybeIncrementLogStartOffset(this.segments[0]!.baseOffset);
    await this.deleteSegmentFiles(removed);
    return count;
  }

  /**
   * Renames the files `.deleted` now and removes them after file.delete.delay.ms; the producer snapshot at each
   * segment's base goes with it unless `keepSnapshots` (the cleaner's swap keeps offsets where they were).
   */
  private async deleteSegmentFiles(removed: LogSegment[], keepSnapshots = false): Promise<void> {
    const snapshots: string[] = [];
    for (const s of removed) {
      await s.markDeleted();
      const snapshot = keepSnapshots ? null : await markProducerSnapshotDeleted(this.dir, s.baseOffset);
      if (snapshot) snapshots.push(snapshot);
    }
    this.ctx.scheduler.schedule(`delete-segments-${this.dir}`, async () => {
      for (const s of removed) await s.deleteFiles();
      for (const f of snapshots) await fs.promises.rm(f, { force: true });
    }, this.config.fileDeleteDelayMs);
  }

  /** An empty segment at `baseOffset` with `.cleaned` file names, for the cleaner to fill. */
  createCleanedSegment(baseOffset: number): Promise<LogSegment> {
    return LogSegment.create(this.dir, baseOffset, {
      config: this.config, nowMs: this.ctx.clock.nowMs(), rollJitterMs: 0,
    }, CLEANED_SUFFIX);
  }

  /**
   * Swaps a cleaned segment (flushed, `.cleaned` names) in for the consecutive inactive segments it was made from:
   * `.cleaned` → `.swap`, the old segments renamed `.deleted` (deleted after file.delete.delay.ms, so reads in
   * flight finish), `.swap` → the final names. A crash in between is completed by the loader. False when the
   * segments changed meanwhile (truncation, retention): the cleaned segment is then the caller's to discard.
   */
  replaceSegments(cleaned: LogSegment, old: readonly LogSegment[]): Promise<boolean> {
    return this.exclusive(async () => {
      const first = this.segments.indexOf(old[0]!);
      const unchanged = first >= 0 && first + old.length < this.segments.length && old.every((s, i) => this.segments[first + i] === s);
      if (!unchanged || cleaned.baseOffset !== old[0]!.baseOffset) return false;
      await cleaned.changeFileSuffix(CLEANED_SUFFIX, SWAP_SUFFIX);
      this.segments.splice(first, old.length, cleaned);
      this.hwMetadata = null;
      await this.deleteSegmentFiles([...old], true);
      await cleaned.changeFileSuffix(SWAP_SUFFIX, '');
      return true;
    });
  }

  /**
   * Removes every offset ≥ targetOffset (a follower truncating to the leader). The batch holding targetOffset
   * goes whole, so the new log end offset may be below it. Returns false when there was nothing to remove.
   */
  truncateTo(targetOffset: number): Promise<boolean> {
    return this.exclusive(async () => {
      if (targetOffset < 0) throw new RangeError(`cannot truncate to negative offset ${targetOffset}`);
      if (targetOffset >= this.logEndOffset) return false;
      if (this.segments[0]!.baseOffset > targetOffset) {
        await this.truncateFullyAndStartAtLocked(targetOffset);
        return true;
      }
      const keep = this.floorSegmentIndex(targetOffset) + 1;
      const removed = this.segments.splice(keep);
      await this.deleteSegmentFiles(removed);
      const active = this.activeSegment;
      await active.truncateTo(targetOffset);
      if (active.size === 0) active.resetCreatedMs(this.ctx.clock.nowMs());
      const leo = await active.readNextOffset();
      this.endOffset = { offset: leo, segmentBaseOffset: active.baseOffset, position: active.size };
      this._recoveryPoint = Math.min(this._recoveryPoint, leo);
      this._logStartOffset = Math.min(this._logStartOffset, leo);
      this.updateHighWatermark(Math.min(this._highWatermark, leo));
      this.hwMetadata = null;
      await this.leaderEpochCache.truncateFromEnd(leo);
      await this.deleteSnapshotsAbove(leo);
      return true;
    });
  }

  /** Deletes every segment and starts empty at `newOffset` (a follower far behind or ahead of the leader). */
  truncateFullyAndStartAt(newOffset: number): Promise<void> {
    return this.exclusive(() => this.truncateFullyAndStartAtLocked(newOffset));
  }

  private async truncateFullyAndStartAtLocked(newOffset: number): Promise<void> {
    // The old files are renamed away first: the new segment may reuse a removed segment's name.
    await this.deleteSegmentFiles(this.segments.splice(0));
    await this.deleteSnapshotsAbove(-1);
    this.segments.push(await this.newSegment(newOffset));
    this.endOffset = { offset: newOffset, segmentBaseOffset: newOffset, position: 0 };
    this._logStartOffset = newOffset;
    this._recoveryPoint = newOffset;
    this._highWatermark = newOffset;
    this.hwMetadata = null;
    await this.leaderEpochCache.clearAndFlush();
  }

  /**
   * Waits for appends and background flushes, flushes everything when `flush` (a clean shutdown), then closes
   * every segment (trimming indexes).
   */
  async close(flush = false): Promise<void> {
    await this.exclusive(async () => {
      await Promise.all(this.background);
      if (flush) {
        await this.flushTo(this.logEndOffset);
        await this.takeProducerSnapshot(this.logEndOffset);
      }
      await this.leaderEpochCache.idle();
      for (const s of this.segments) await s.close();
      this.closed = true;
    });
  }
}
