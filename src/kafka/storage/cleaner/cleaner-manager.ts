// Runs compaction for the logs of some log dirs (Kafka's LogCleaner and LogCleanerManager): log.cleaner.threads
// cleaners each, every log.cleaner.backoff.ms, pick the compacted log not being cleaned with the largest dirty ratio at
// or over its min.cleanable.dirty.ratio, clean it with an offset map of log.cleaner.dedupe.buffer.size / threads, and
// record where the next pass starts in the log dir's cleaner-offset-checkpoint. All cleaners share one throttle of
// log.cleaner.io.max.bytes.per.second over the bytes they read and write. With 0 threads nothing is cleaned.
import { DEFAULT_DELETE_RETENTION_MS, DEFAULT_MIN_CLEANABLE_DIRTY_RATIO, NEVER } from '../log-config.js';
import type { LogDir } from '../log-dir.js';
import type { Log } from '../log.js';
import { CLEANER_OFFSET_CHECKPOINT, OffsetCheckpointFile } from '../offset-checkpoints.js';
import type { Clock, Scheduler } from '../scheduler.js';
import { tpKey } from '../topic-partition.js';
import { cleanableRange, cleanLog, dirtyRatio, type CleanStats, type CompactionSettings } from './log-cleaner.js';
import { ThrottleAbortedError, Throttler } from './throttler.js';

export interface CleanerManagerOptions {
  /** log.cleaner.dedupe.buffer.size: shared by the cleaners, each taking an equal part. */
  dedupeBufferBytes: number;
  /** log.cleaner.threads (default 1). */
  threads?: number;
  /** log.cleaner.io.max.bytes.per.second (default unlimited). */
  ioMaxBytesPerSecond?: number;
  /** log.cleaner.io.buffer.load.factor. */
  loadFactor: number;
  /** log.cleaner.backoff.ms: the pause between passes when there is nothing to clean. */
  backoffMs: number;
  clock: Clock;
  scheduler: Scheduler;
  log?: (line: string) => void;
}

export function compactionSettings(log: Log): CompactionSettings & { minCleanableDirtyRatio: number; maxCompactionLagMs: number } {
  const c = log.config;
  return {
    deleteRetentionMs: c.deleteRetentionMs ?? DEFAULT_DELETE_RETENTION_MS,
    minCompactionLagMs: c.minCompactionLagMs ?? 0,
    maxCompactionLagMs: c.maxCompactionLagMs ?? NEVER,
    minCleanableDirtyRatio: c.minCleanableDirtyRatio ?? DEFAULT_MIN_CLEANABLE_DIRTY_RATIO,
  };
}

/** Kafka's "needs compaction now": the first dirty segment's first timestamp is older than max.compaction.lag.ms. */
async function overdue(log: Log, firstDirtyOffset: number, maxCompactionLagMs: number, nowMs: number): Promise<boolean> {
  if (maxCompactionLagMs >= NEVER) return false;
  const segments = log.logSegments();
  const first = segments.find((s, i) => (segments[i + 1]?.baseOffset ?? Infinity) > firstDirtyOffset);
  if (!first || first === log.activeSegment) return false;
  const ts = await first.firstBatchTimestamp();
  return ts >= 0 && nowMs - ts > maxCompactionLagMs;
}

interface Candidate {
  dir: LogDir;
  log: Log;
  ratio: number;
}

export class LogCleanerManager {
  private readonly checkpoints = new Map<LogDir, OffsetCheckpointFile>();
  /** First dirty offsets per dir as last checkpointed, read once and kept here so concurrent cleaners see each other's. */
  private readonly firstDirty = new Map<LogDir, Map<string, number>>();
  private checkpointWrites: Promise<unknown> = Promise.resolve();
  /** Logs a cleaner is working on (Kafka's inProgress): no other cleaner picks them. */
  private readonly inProgress = new Set<Log>();
  private choosing: Promise<unknown> = Promise.resolve();
  private readonly cancels: Array<() => void> = [];
  private readonly running = new Set<Promise<unknown>>();
  private stopped = false;
  readonly threads: number;
  readonly throttler: Throttler;

  constructor(private readonly dirs: readonly LogDir[], private readonly opts: CleanerManagerOptions) {
    for (const d of dirs) this.checkpoints.set(d, new OffsetCheckpointFile(d.dir, CLEANER_OFFSET_CHECKPOINT));
    this.threads = Math.max(0, Math.trunc(opts.threads ?? 1));
    this.throttler = new Throttler({ bytesPerSecond: opts.ioMaxBytesPerSecond ?? Number.MAX_VALUE, nowMs: () => opts.clock.nowMs() });
  }

  /** The offset map memory of one cleaner. */
  get dedupeBufferBytesPerCleaner(): number {
    return Math.floor(this.opts.dedupeBufferBytes / Math.max(1, this.threads));
  }

  start(): void {
    for (let i = 0; i < this.threads; i++) {
      this.cancels.push(this.opts.scheduler.schedule(`kafka-log-cleaner-thread-${i}`, () => this.runTracked(i), this.opts.backoffMs, this.opts.backoffMs));
    }
  }

  private runTracked(thread: number): Promise<void> {
    const run = this.cleanDirtiest(thread).then(() => undefined);
    const tracked = run.catch(() => undefined).finally(() => this.running.delete(tracked));
    this.running.add(tracked);
    return run;
  }

  /** Stops scheduling and waits for the passes in progress (a log closing under one makes it give up). */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    this.throttler.abort();
    await Promise.all(this.running);
    await this.checkpointWrites;
  }

  private firstDirtyOffsets(dir: LogDir): Map<string, number> {
    let offsets = this.firstDirty.get(dir);
    if (!offsets) {
      offsets = new Map();
      for (const [key, entry] of this.checkpoints.get(dir)!.read()) offsets.set(key, entry.offset);
      this.firstDirty.set(dir, offsets);
    }
    return offsets;
  }

  /** Writes the dir's checkpoint from memory, one write at a time; entries of logs no longer in the dir are dropped. */
  private writeCheckpoint(dir: LogDir): Promise<void> {
    const firstDirty = this.firstDirtyOffsets(dir);
    const write = this.checkpointWrites.then(() =>
      this.checkpoints.get(dir)!.write(() =>
        [...dir.logs.values()].flatMap((l) => {
          const offset = firstDirty.get(tpKey(l.ctx.topicPartition));
          return offset === undefined ? [] : [{ ...l.ctx.topicPartition, offset }];
        }),
      ),
    );
    this.checkpointWrites = write.catch(() => undefined);
    return write;
  }

  /** The compacted log most worth cleaning now, if any passes its ratio. */
  private async dirtiest(): Promise<(Candidate & { firstDirty: Map<string, number> }) | null> {
    let best: (Candidate & { firstDirty: Map<string, number> }) | null = null;
    for (const dir of this.dirs) {
      const firstDirty = this.firstDirtyOffsets(dir);
      for (const log of dir.logs.values()) {
        if (!log.config.cleanupPolicy.includes('compact') || log.failedWith || this.inProgress.has(log)) continue;
        const settings = compactionSettings(log);
        const range = await cleanableRange(log, firstDirty.get(tpKey(log.ctx.topicPartition)), settings, this.opts.clock.nowMs());
        // An overdue log goes first, as Kafka ranks it ahead of every ratio.
        const ratio = (await overdue(log, range.firstDirtyOffset, settings.maxCompactionLagMs, this.opts.clock.nowMs())) ? Infinity : dirtyRatio(range);
        if (range.dirtyBytes > 0 && ratio >= settings.minCleanableDirtyRatio && (!best || ratio > best.ratio)) best = { dir, log, ratio, firstDirty };
      }
    }
    return best;
  }

  /** One pass of cleaner `thread`: cleans the dirtiest log and checkpoints it. Null when nothing needed cleaning. */
  async cleanDirtiest(thread = 0): Promise<CleanStats | null> {
    if (this.stopped) return null;
    // One cleaner chooses at a time (Kafka holds a lock in grabFilthiestCompactedLog), so two never take the same log.
    const choice = this.choosing.then(async () => {
      const candidate = await this.dirtiest();
      if (candidate) this.inProgress.add(candidate.log);
      return candidate;
    });
    this.choosing = choice.catch(() => undefined);
    const candidate = await choice;
    if (!candidate) return null;
    const { dir, log, firstDirty } = candidate;
    try {
      return await this.clean(thread, dir, log, firstDirty);
    } catch (err) {
      // A pass cut short by shutdown leaves its `.cleaned` files discarded and the log as it was.
      if (err instanceof ThrottleAbortedError) return null;
      throw err;
    } finally {
      this.inProgress.delete(log);
    }
  }

  private async clean(thread: number, dir: LogDir, log: Log, firstDirty: Map<string, number>): Promise<CleanStats> {
    const key = tpKey(log.ctx.topicPartition);
    const settings = compactionSettings(log);
    const nowMs = this.opts.clock.nowMs();
    const range = await cleanableRange(log, firstDirty.get(key), settings, nowMs);
    const started = this.opts.clock.nowMs();
    const throttle = this.throttler.unlimited ? undefined : (bytes: number) => this.throttler.maybeThrottle(bytes);
    const stats = await cleanLog(log, range, settings, { dedupeBufferBytes: this.dedupeBufferBytesPerCleaner, loadFactor: this.opts.loadFactor, nowMs, throttle });
    firstDirty.set(key, stats.endOffset);
    await this.writeCheckpoint(dir);
    const seconds = Math.max(this.opts.clock.nowMs() - started, 1) / 1000;
    this.opts.log?.(
      `Cleaner ${thread}: Log cleaner thread ${thread} cleaned log ${key} (dirty section = [${range.firstDirtyOffset}, ${stats.endOffset}]) ` +
        `${(stats.bytesRead / 1048576).toFixed(1)} MB of log processed in ${seconds.toFixed(1)} seconds, ` +
        `${stats.recordsRead - stats.recordsRetained} of ${stats.recordsRead} records removed, ${(stats.bytesWritten / 1048576).toFixed(1)} MB written`,
    );
    return stats;
  }
}
