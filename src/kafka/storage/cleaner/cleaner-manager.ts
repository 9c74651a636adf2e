// Runs compaction for the logs of some log dirs (Kafka's LogCleanerManager with one cleaner thread): every
// log.cleaner.backoff.ms it picks the compacted log with the largest dirty ratio at or over its
// min.cleanable.dirty.ratio, cleans it, and records where the next pass starts in the log dir's
// cleaner-offset-checkpoint. One log is cleaned at a time, so the cleaner never takes more than one offset map.
import { DEFAULT_DELETE_RETENTION_MS, DEFAULT_MIN_CLEANABLE_DIRTY_RATIO, NEVER } from '../log-config.js';
import type { LogDir } from '../log-dir.js';
import type { Log } from '../log.js';
import { CLEANER_OFFSET_CHECKPOINT, OffsetCheckpointFile } from '../offset-checkpoints.js';
import type { Clock, Scheduler } from '../scheduler.js';
import { tpKey } from '../topic-partition.js';
import { cleanableRange, cleanLog, dirtyRatio, type CleanStats, type CompactionSettings } from './log-cleaner.js';

export interface CleanerManagerOptions {
  /** log.cleaner.dedupe.buffer.size (one cleaner: all of it). */
  dedupeBufferBytes: number;
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
  private cancel: (() => void) | null = null;
  private running: Promise<unknown> = Promise.resolve();
  private stopped = false;

  constructor(private readonly dirs: readonly LogDir[], private readonly opts: CleanerManagerOptions) {
    for (const d of dirs) this.checkpoints.set(d, new OffsetCheckpointFile(d.dir, CLEANER_OFFSET_CHECKPOINT));
  }

  start(): void {
    this.cancel = this.opts.scheduler.schedule('kafka-log-cleaner-thread-0', () => this.runTracked(), this.opts.backoffMs, this.opts.backoffMs);
  }

  private runTracked(): Promise<void> {
    const run = this.cleanDirtiest().then(() => undefined);
    this.running = run.catch(() => undefined);
    return run;
  }

  /** Stops scheduling and waits for a pass in progress (a log closing under it makes the pass give up). */
  async stop(): Promise<void> {
    this.stopped = true;
    this.cancel?.();
    await this.running;
  }

  private firstDirtyOffsets(dir: LogDir): Map<string, number> {
    const out = new Map<string, number>();
    for (const [key, entry] of this.checkpoints.get(dir)!.read()) out.set(key, entry.offset);
    return out;
  }

  /** The compacted log most worth cleaning now, if any passes its ratio. */
  private async dirtiest(): Promise<(Candidate & { firstDirty: Map<string, number> }) | null> {
    let best: (Candidate & { firstDirty: Map<string, number> }) | null = null;
    for (const dir of this.dirs) {
      const firstDirty = this.firstDirtyOffsets(dir);
      for (const log of dir.logs.values()) {
        if (!log.config.cleanupPolicy.includes('compact') || log.failedWith) continue;
        const settings = compactionSettings(log);
        const range = await cleanableRange(log, firstDirty.get(tpKey(log.ctx.topicPartition)), settings, this.opts.clock.nowMs());
        // An overdue log goes first, as Kafka ranks it ahead of every ratio.
        const ratio = (await overdue(log, range.firstDirtyOffset, settings.maxCompactionLagMs, this.opts.clock.nowMs())) ? Infinity : dirtyRatio(range);
        if (range.dirtyBytes > 0 && ratio >= settings.minCleanableDirtyRatio && (!best || ratio > best.ratio)) best = { dir, log, ratio, firstDirty };
      }
    }
    return best;
  }

  /** One pass: cleans the dirtiest log and checkpoints it. Null when nothing needed cleaning. */
  async cleanDirtiest(): Promise<CleanStats | null> {
    if (this.stopped) return null;
    const candidate = await this.dirtiest();
    if (!candidate) return null;
    const { dir, log, firstDirty } = candidate;
    const key = tpKey(log.ctx.topicPartition);
    const settings = compactionSettings(log);
    const nowMs = this.opts.clock.nowMs();
    const range = await cleanableRange(log, firstDirty.get(key), settings, nowMs);
    const started = this.opts.clock.nowMs();
    const stats = await cleanLog(log, range, settings, { dedupeBufferBytes: this.opts.dedupeBufferBytes, loadFactor: this.opts.loadFactor, nowMs });
    firstDirty.set(key, stats.endOffset);
    // Entries for logs that no longer exist in the dir are dropped with this write.
    await this.checkpoints.get(dir)!.write(() =>
      [...dir.logs.values()].flatMap((l) => {
        const offset = firstDirty.get(tpKey(l.ctx.topicPartition));
        return offset === undefined ? [] : [{ ...l.ctx.topicPartition, offset }];
      }),
    );
    const seconds = Math.max(this.opts.clock.nowMs() - started, 1) / 1000;
    this.opts.log?.(
      `Cleaner 0: Log cleaner thread 0 cleaned log ${key} (dirty section = [${range.firstDirtyOffset}, ${stats.endOffset}]) ` +
        `${(stats.bytesRead / 1048576).toFixed(1)} MB of log processed in ${seconds.toFixed(1)} seconds, ` +
        `${stats.recordsRead - stats.recordsRetained} of ${stats.recordsRead} records removed, ${(stats.bytesWritten / 1048576).toFixed(1)} MB written`,
    );
    return stats;
  }
}
