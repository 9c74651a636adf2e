// One log directory (the part of Kafka's LogManager that owns it): the lock, the clean-shutdown marker, the
// per-dir offset checkpoints, discovery and loading of the partitions in it, partition creation and deletion
// (`-delete` directories removed after file.delete.delay.ms), and the periodic retention, flush and checkpoint
// tasks on an injected scheduler.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Crc32cFn } from './batch-header.js';
import { DirLock } from './dir-lock.js';
import { LogDirError } from './errors.js';
import { DEFAULT_LOG_CONFIG, logConfigProblem, NEVER, type LogConfig } from './log-config.js';
import { loadLog, type LoadReport } from './log-loader.js';
import { Log } from './log.js';
import {
  LOG_START_OFFSET_CHECKPOINT, OffsetCheckpointFile, RECOVERY_POINT_CHECKPOINT, REPLICATION_OFFSET_CHECKPOINT,
  type PartitionOffset,
} from './offset-checkpoints.js';
import type { Clock, Scheduler } from './scheduler.js';
import {
  deleteDirName, DELETE_DIR_SUFFIX, FUTURE_DIR_SUFFIX, futureDirName, parsePartitionDirName, partitionDirName, tpKey, type TopicPartition,
} from './topic-partition.js';

export const CLEAN_SHUTDOWN_FILE = '.kafka_cleanshutdown';

export interface LogDirOptions {
  dir: string;
  clock: Clock;
  scheduler: Scheduler;
  crc32c: Crc32cFn;
  /** Config of a partition's log; default DEFAULT_LOG_CONFIG. */
  configFor?: (tp: TopicPartition) => LogConfig;
  random?: () => number;
  log?: (line: string) => void;
  onBackgroundError?: (err: unknown) => void;
  /** log.retention.check.interval.ms */
  retentionCheckIntervalMs?: number;
  /** log.flush.scheduler.interval.ms */
  flushCheckIntervalMs?: number;
  /** log.flush.offset.checkpoint.interval.ms */
  recoveryPointCheckpointIntervalMs?: number;
  /** log.flush.start.offset.checkpoint.interval.ms */
  logStartOffsetCheckpointIntervalMs?: number;
  /** Delay before the first retention run (Kafka: 30 s). */
  initialTaskDelayMs?: number;
  /** file.delete.delay.ms for `-delete` directories. */
  fileDeleteDelayMs?: number;
}

export interface LogDirLoadSummary {
  hadCleanShutdown: boolean;
  partitions: number;
  reports: Map<string, LoadReport>;
  pendingDeletes: number;
}

export class LogDir {
  readonly logs = new Map<string, Log>();
  /** Replicas being moved into this dir from another one (`-future` directories), by partition. */
  readonly futureLogs = new Map<string, Log>();
  private readonly recoveryPoints: OffsetCheckpointFile;
  private readonly logStartOffsets: OffsetCheckpointFile;
  readonly highWatermarks: OffsetCheckpointFile;
  private cancels: Array<() => void> = [];
  private closed = false;

  private constructor(readonly opts: LogDirOptions, private readonly lock: DirLock, readonly summary: LogDirLoadSummary) {
    this.recoveryPoints = new OffsetCheckpointFile(opts.dir, RECOVERY_POINT_CHECKPOINT);
    this.logStartOffsets = new OffsetCheckpointFile(opts.dir, LOG_START_OFFSET_CHECKPOINT);
    this.highWatermarks = new OffsetCheckpointFile(opts.dir, REPLICATION_OFFSET_CHECKPOINT);
  }

  get dir(): string {
    return this.opts.dir;
  }

  private say(line: string): void {
    this.opts.log?.(line);
  }

  private configFor(tp: TopicPartition): LogConfig {
    const config = this.opts.configFor?.(tp) ?? DEFAULT_LOG_CONFIG;
    const problem = logConfigProblem(config);
    if (problem) throw new LogDirError(`config of ${tpKey(tp)}: ${problem}`);
    return config;
  }

  /** Locks the dir, loads every partition in it (recovering them after an unclean shutdown). */
  static async open(opts: LogDirOptions): Promise<LogDir> {
    fs.mkdirSync(opts.dir, { recursive: true });
    const lock = DirLock.acquire(opts.dir);
    try {
      const marker = path.join(opts.dir, CLEAN_SHUTDOWN_FILE);
      const hadCleanShutdown = fs.existsSync(marker);
      // Deleted before anything else, so a crash during loading means recovery next time.
      if (hadCleanShutdown) fs.rmSync(marker);
      const summary: LogDirLoadSummary = { hadCleanShutdown, partitions: 0, reports: new Map(), pendingDeletes: 0 };
      const logDir = new LogDir(opts, lock, summary);
      await logDir.loadAll(hadCleanShutdown);
      return logDir;
    } catch (err) {
      lock.release();
      throw err;
    }
  }

  private readCheckpoint(file: OffsetCheckpointFile): Map<string, PartitionOffset> {
    try {
      return file.read();
    } catch (err) {
      // As Kafka: an unreadable checkpoint means recovering from the start, not refusing to start.
      this.say(`Ignoring ${file.file}: ${(err as Error).message}`);
      return new Map();
    }
  }

  private async loadAll(hadCleanShutdown: boolean): Promise<void> {
    const recoveryPoints = this.readCheckpoint(this.recoveryPoints);
    const logStartOffsets = this.readCheckpoint(this.logStartOffsets);
    const highWatermarks = this.readCheckpoint(this.highWatermarks);
    const entries = fs.readdirSync(this.dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name).sort();
    for (const name of entries) {
      if (name.endsWith(DELETE_DIR_SUFFIX)) {
        this.scheduleDirDeletion(path.join(this.dir, name));
        continue;
      }
      const tp = parsePartitionDirName(name);
      if (!tp) throw new LogDirError(`${path.join(this.dir, name)}: not a partition directory (expected <topic>-<partition>)`);
      const key = tpKey(tp);
      const { log, report } = await loadLog(this.logContext(path.join(this.dir, name), tp), {
        hadCleanShutdown,
        recoveryPoint: recoveryPoints.get(key)?.offset ?? 0,
        logStartOffset: logStartOffsets.get(key)?.offset ?? 0,
        log: (line) => this.say(`[${key}] ${line}`),
      });
      const hw = highWatermarks.get(key);
      if (hw) log.updateHighWatermark(hw.offset);
      if (name.endsWith(FUTURE_DIR_SUFFIX)) {
        // A move between log dirs that a restart interrupted: it resumes once the partition is hosted again.
        this.futureLogs.set(key, log);
        continue;
      }
      this.logs.set(key, log);
      this.summary.reports.set(key, report);
    }
    this.summary.partitions = this.logs.size;
  }

  private logContext(dir: string, tp: TopicPartition) {
    return {
      dir,
      topicPartition: tp,
      config: this.configFor(tp),
      clock: this.opts.clock,
      scheduler: this.opts.scheduler,
      crc32c: this.opts.crc32c,
      random: this.opts.random ?? Math.random,
      onBackgroundError: (err: unknown) => (this.opts.onBackgroundError ?? ((e) => this.say(`background: ${(e as Error).message}`)))(err),
    };
  }

  private scheduleDirDeletion(dir: string, before?: () => Promise<void>, delayMs?: number): void {
    this.summary.pendingDeletes++;
    this.opts.scheduler.schedule(`delete-dir ${path.basename(dir)}`, async () => {
      await before?.().catch(() => undefined);
      await fs.promises.rm(dir, { recursive: true, force: true });
      this.summary.pendingDeletes--;
    }, delayMs ?? this.opts.fileDeleteDelayMs ?? DEFAULT_LOG_CONFIG.fileDeleteDelayMs);
  }

  /**
   * Gives every open log of `topic` its config as it is now (LogManager.updateTopicConfig). Returns the logs whose
   * config changed; a config the format cannot take is reported to `onInvalid` and the log keeps its old one.
   */
  updateTopicConfig(topic: string, onInvalid: (tp: TopicPartition, err: Error) => void): Array<{ log: Log; old: LogConfig }> {
    const changed: Array<{ log: Log; old: LogConfig }> = [];
    for (const log of this.logs.values()) {
      const tp = log.ctx.topicPartition;
      if (tp.topic !== topic) continue;
      const next = this.opts.configFor?.(tp) ?? DEFAULT_LOG_CONFIG;
      if (next === log.config) continue;
      try {
        changed.push({ log, old: log.updateConfig(next) });
      } catch (err) {
        onInvalid(tp, err as Error);
      }
    }
    return changed;
  }

  getLog(tp: TopicPartition): Log | undefined {
    return this.logs.get(tpKey(tp));
  }

  /** The partition's log, created empty when it does not exist yet. */
  async getOrCreateLog(tp: TopicPartition): Promise<Log> {
    const existing = this.getLog(tp);
    if (existing) return existing;
    const dir = path.join(this.dir, partitionDirName(tp));
    const { log } = await loadLog(this.logContext(dir, tp), { hadCleanShutdown: true, recoveryPoint: 0, logStartOffset: 0 });
    this.logs.set(tpKey(tp), log);
    return log;
  }

  /** Closes the log, renames its directory `-delete` at once, removes it after file.delete.delay.ms. */
  async deleteLog(tp: TopicPartition): Promise<boolean> {
    const key = tpKey(tp);
    const log = this.logs.get(key);
    if (!log) return false;
    this.logs.delete(key);
    await log.close();
    const target = path.join(this.dir, deleteDirName(tp));
    await fs.promises.rename(log.dir, target);
    this.scheduleDirDeletion(target);
    return true;
  }

  getFutureLog(tp: TopicPartition): Log | undefined {
    return this.futureLogs.get(tpKey(tp));
  }

  /** The partition's future log in this dir (`<topic>-<partition>.<id>-future`), created empty when absent. */
  async getOrCreateFutureLog(tp: TopicPartition): Promise<Log> {
    const existing = this.getFutureLog(tp);
    if (existing) return existing;
    const dir = path.join(this.dir, futureDirName(tp));
    const { log } = await loadLog(this.logContext(dir, tp), { hadCleanShutdown: true, recoveryPoint: 0, logStartOffset: 0 });
    this.futureLogs.set(tpKey(tp), log);
    return log;
  }

  /** Drops a future log (a move cancelled or redirected, the partition deleted): renamed `-delete`, removed later. */
  async deleteFutureLog(tp: TopicPartition): Promise<boolean> {
    const key = tpKey(tp);
    const log = this.futureLogs.get(key);
    if (!log) return false;
    this.futureLogs.delete(key);
    await log.close();
    const target = path.join(this.dir, deleteDirName(tp));
    await fs.promises.rename(log.dir, target);
    this.scheduleDirDeletion(target);
    return true;
  }

  /**
   * The future log becomes the partition's log (Kafka's replaceCurrentWithFutureLog): flushed and closed, its
   * directory renamed `<topic>-<partition>`, opened again from there. Returns the log now current.
   */
  async promoteFutureLog(tp: TopicPartition): Promise<Log> {
    const key = tpKey(tp);
    const future = this.futureLogs.get(key);
    if (!future) throw new LogDirError(`${this.dir}: no future log of ${key}`);
    if (this.logs.has(key)) throw new LogDirError(`${this.dir}: ${key} already has a current log here`);
    await future.close(true);
    this.futureLogs.delete(key);
    const target = path.join(this.dir, partitionDirName(tp));
    await fs.promises.rename(future.dir, target);
    const { log } = await loadLog(this.logContext(target, tp), {
      hadCleanShutdown: true, recoveryPoint: future.recoveryPoint, logStartOffset: future.logStartOffset,
    });
    log.updateHighWatermark(future.highWatermark);
    this.logs.set(key, log);
    return log;
  }

  /**
   * The partition's current log here is replaced by a copy in another dir: its directory is renamed `-delete` at
   * once and the log is closed and removed after file.delete.delay.ms, so reads already in flight finish.
   */
  async retireLog(tp: TopicPartition): Promise<Log | undefined> {
    const key = tpKey(tp);
    const log = this.logs.get(key);
    if (!log) return undefined;
    const target = path.join(this.dir, deleteDirName(tp));
    await fs.promises.rename(log.dir, target);
    this.logs.delete(key);
    this.scheduleDirDeletion(target, () => log.close(), log.config.fileDeleteDelayMs);
    return log;
  }

  /** Recovery points, log start offsets and high watermarks of this dir written now. */
  async checkpointAll(): Promise<void> {
    await this.checkpointRecoveryPoints();
    await this.checkpointLogStartOffsets();
    await this.checkpointHighWatermarks();
  }

  /** Current and future logs: both are in the dir's checkpoints (never the same partition twice in one dir). */
  private allLogs(): Log[] {
    return [...this.logs.values(), ...this.futureLogs.values()];
  }

  /** Starts retention, flush-by-time and checkpoint tasks (Kafka's LogManager.startup). */
  startTasks(): void {
    const s = this.opts.scheduler;
    const initial = this.opts.initialTaskDelayMs ?? 30_000;
    const retentionMs = this.opts.retentionCheckIntervalMs ?? 300_000;
    const flushMs = this.opts.flushCheckIntervalMs ?? NEVER;
    this.cancels.push(s.schedule('kafka-log-retention', () => this.runRetention().then(() => undefined), initial, retentionMs));
    if (flushMs < NEVER) this.cancels.push(s.schedule('kafka-log-flusher', () => this.flushDirtyLogs(), initial, flushMs));
    const rp = this.opts.recoveryPointCheckpointIntervalMs ?? 60_000;
    this.cancels.push(s.schedule('kafka-recovery-point-checkpoint', () => this.checkpointRecoveryPoints(), initial, rp));
    const ls = this.opts.logStartOffsetCheckpointIntervalMs ?? 60_000;
    this.cancels.push(s.schedule('kafka-log-start-offset-checkpoint', () => this.checkpointLogStartOffsets(), initial, ls));
  }

  /** One retention pass over every log; returns the number of segments deleted. */
  async runRetention(): Promise<number> {
    let deleted = 0;
    for (const log of this.allLogs()) deleted += await log.deleteOldSegments();
    return deleted;
  }

  async flushDirtyLogs(): Promise<void> {
    for (const log of this.allLogs()) await log.maybeFlushByTime();
  }

  private recoveryPointEntries(): PartitionOffset[] {
    return this.allLogs().map((log) => ({ ...log.ctx.topicPartition, offset: log.recoveryPoint }));
  }

  private logStartOffsetEntries(): PartitionOffset[] {
    const out: PartitionOffset[] = [];
    for (const log of this.allLogs()) {
      if (log.logStartOffset > log.logSegments()[0]!.baseOffset) out.push({ ...log.ctx.topicPartition, offset: log.logStartOffset });
    }
    return out;
  }

  checkpointRecoveryPoints(): Promise<void> {
    return this.recoveryPoints.write(() => this.recoveryPointEntries());
  }

  checkpointLogStartOffsets(): Promise<void> {
    return this.logStartOffsets.write(() => this.logStartOffsetEntries());
  }

  /** replication-offset-checkpoint: the high watermark of every log. */
  checkpointHighWatermarks(): Promise<void> {
    return this.highWatermarks.write(() => this.allLogs().map((log) => ({ ...log.ctx.topicPartition, offset: log.highWatermark })));
  }

  /**
   * Clean shutdown: stops the tasks, flushes and closes every log, writes the checkpoints, then leaves the
   * clean-shutdown marker so the next start skips recovery, and releases the lock.
   */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    for (const log of this.allLogs()) await log.close(true);
    await this.checkpointRecoveryPoints();
    await this.checkpointLogStartOffsets();
    await this.checkpointHighWatermarks();
    fs.writeFileSync(path.join(this.dir, CLEAN_SHUTDOWN_FILE), '');
    this.lock.release();
  }

  /** Releases the lock without flushing or marking a clean shutdown (the next start recovers). */
  abandon(): void {
    this.closed = true;
    for (const cancel of this.cancels.splice(0)) cancel();
    this.lock.release();
  }
}
