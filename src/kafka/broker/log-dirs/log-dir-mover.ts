// Moves of replicas between this broker's log dirs (Kafka 2.8's ReplicaManager.alterReplicaLogDirs, the
// ReplicaAlterLogDirsManager and LogManager.replaceCurrentWithFutureLog): AlterReplicaLogDirs creates the future log
// `<topic>-<partition>.<id>-future` in the target dir and starts a task that copies the current log into it in
// bounded chunks, paced by replica.alter.log.dirs.io.max.bytes.per.second. Once both end at the same offset the
// partition swaps logs between its appends: the old directory is renamed `-delete` first, then the future one
// `<topic>-<partition>`, so a crash in between leaves a complete future log and no current one, which start-up
// promotes. A future log found at start resumes its move once the partition is hosted again. A replica not hosted
// yet gets its target dir remembered, and is created there.
import * as path from 'node:path';
import { ErrorCode } from '../../protocol/index.js';
import { StorageError } from '../../storage/errors.js';
import type { LogDir } from '../../storage/log-dir.js';
import type { Log } from '../../storage/log.js';
import { tpKey, type TopicPartition } from '../../storage/topic-partition.js';
import type { BrokerLog } from '../broker-log.js';
import { LOG_MANAGER_LOGGER } from '../broker-log.js';
import type { Partition } from '../replica/partition.js';
import { brokerBufferPool } from '../buffer-pool.js';
import { readSlice } from '../replica/read-slice.js';
import { errorCodeOf } from '../replica/replica-errors.js';
import { wholeBatches } from '../replica/replica-fetcher.js';
import { CopyPacer, nextMoveStep } from './move-step.js';

const ALTER_LOG_DIRS_LOGGER = 'kafka.server.ReplicaAlterLogDirsThread';
/** Longest file name most file systems take (Kafka refuses moves of topics whose `-future` name is longer). */
const MAX_NAME_BYTES = 255;
const FUTURE_NAME_EXTRA = '.'.length + 32 + '-future'.length;
/** Back-off after a failed step, and the wait for new records when the current log has nothing to copy yet. */
const ERROR_BACKOFF_MS = 1000;
const IDLE_WAIT_MS = 10;

export interface LogDirMoverOptions {
  dirs: readonly LogDir[];
  /** The partition as this broker hosts it (the replica manager's). */
  partition: (tp: TopicPartition) => Partition | undefined;
  /** Whether the cluster metadata knows the partition (REPLICA_NOT_AVAILABLE rather than UNKNOWN_TOPIC_OR_PARTITION). */
  knownPartition?: (tp: TopicPartition) => boolean;
  /** replica.alter.log.dirs.io.max.bytes.per.second as it is now; Infinity for no limit. */
  bytesPerSecond: () => number;
  /** The most one copy step reads (replica.fetch.max.bytes). */
  maxChunkBytes: number;
  log: BrokerLog;
  nowMs?: () => number;
}

export interface ReplicaDirChange {
  topic: string;
  partition: number;
  /** The target log dir as the request names it. */
  path: string;
}

interface MoveTask {
  stopped: boolean;
  done: Promise<void>;
  wake: () => void;
}

export class LogDirMover {
  private readonly preferred = new Map<string, LogDir>();
  private readonly tasks = new Map<string, MoveTask>();
  /** One pace for the broker, as Kafka's replica-alter-log-dirs quota is. */
  private readonly pacer = new CopyPacer();
  private queue: Promise<unknown> = Promise.resolve();
  private closed = false;
  private readonly nowMs: () => number;

  constructor(private readonly opts: LogDirMoverOptions) {
    this.nowMs = opts.nowMs ?? Date.now;
  }

  private say(level: 'INFO' | 'WARN' | 'ERROR', message: string, logger = ALTER_LOG_DIRS_LOGGER): void {
    this.opts.log(level, message, logger);
  }

  /**
   * Start-up: a future log whose partition has no current log in any dir was complete when its swap was cut short
   * (the old directory was already renamed for deletion); it becomes the partition's log.
   */
  async recoverInterruptedSwaps(): Promise<void> {
    for (const dir of this.opts.dirs) {
      for (const future of [...dir.futureLogs.values()]) {
        const tp = future.ctx.topicPartition;
        if (this.opts.dirs.some((d) => d.getLog(tp))) continue;
        this.say('INFO', `Completing the interrupted replacement of the current log of ${tpKey(tp)} with the future log in ${dir.dir}`, LOG_MANAGER_LOGGER);
        await dir.promoteFutureLog(tp);
        await dir.checkpointAll();
      }
    }
  }

  private dirByPath(p: string): LogDir | undefined {
    const wanted = path.resolve(p);
    return this.opts.dirs.find((d) => path.resolve(d.dir) === wanted);
  }

  /** The dir a partition not hosted yet was asked to live in; taken (forgotten) once used. */
  takePreferredDir(tp: TopicPartition): LogDir | undefined {
    const key = tpKey(tp);
    const dir = this.preferred.get(key);
    this.preferred.delete(key);
    return dir;
  }

  private currentDir(tp: TopicPartition): LogDir | undefined {
    return this.opts.dirs.find((d) => d.getLog(tp));
  }

  private futureDir(tp: TopicPartition): LogDir | undefined {
    return this.opts.dirs.find((d) => d.getFutureLog(tp));
  }

  /** AlterReplicaLogDirs: an error code per change, in order. Requests are handled one at a time. */
  alterReplicaLogDirs(changes: readonly ReplicaDirChange[]): Promise<number[]> {
    const run = this.queue.then(async () => {
      const out: number[] = [];
      for (const c of changes) out.push(await this.alterOne(c));
      return out;
    });
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async alterOne(change: ReplicaDirChange): Promise<number> {
    const tp = { topic: change.topic, partition: change.partition };
    const key = tpKey(tp);
    try {
      if (`${key}`.length + FUTURE_NAME_EXTRA > MAX_NAME_BYTES) return ErrorCode.INVALID_TOPIC_EXCEPTION;
      const dest = this.dirByPath(change.path);
      if (!dest) {
        this.say('WARN', `Unable to alter log dirs for ${key}: Failed to find the log directory ${change.path} in the configured log directories`, 'kafka.server.ReplicaManager');
        return ErrorCode.LOG_DIR_NOT_FOUND;
      }
      if ([...dest.logs.values(), ...dest.futureLogs.values()].some((l) => l.failedWith !== null)) return ErrorCode.KAFKA_STORAGE_ERROR;
      const p = this.opts.partition(tp);
      const movingTo = this.futureDir(tp);
      if (movingTo && movingTo !== dest) await this.cancel(tp);
      if (!p) {
        if (!this.currentDir(tp)) this.preferred.set(key, dest);
        return this.opts.knownPartition?.(tp) === false ? ErrorCode.UNKNOWN_TOPIC_OR_PARTITION : ErrorCode.REPLICA_NOT_AVAILABLE;
      }
      const current = this.currentDir(tp);
      if (!current || p.log.failedWith !== null) return ErrorCode.KAFKA_STORAGE_ERROR;
      if (current === dest) {
        this.say('INFO', `Current log directory ${current.dir} is same as requested log dir ${dest.dir}. Skipping future replica creation.`, 'kafka.cluster.Partition');
        return ErrorCode.NONE;
      }
      if (!dest.getFutureLog(tp)) {
        await dest.getOrCreateFutureLog(tp);
        this.say('INFO', `Created future log for ${key} in ${dest.dir}`, LOG_MANAGER_LOGGER);
      }
      this.startTask(tp, dest);
      return ErrorCode.NONE;
    } catch (err) {
      this.say('WARN', `Unable to alter log dirs for ${key}: ${(err as Error)?.message ?? String(err)}`, 'kafka.server.ReplicaManager');
      return errorCodeOf(err) ?? ErrorCode.KAFKA_STORAGE_ERROR;
    }
  }

  /** Stops the partition's move and drops its future log. */
  private async cancel(tp: TopicPartition): Promise<void> {
    await this.stopTask(tp);
    for (const d of this.opts.dirs) await d.deleteFutureLog(tp);
  }

  /** A partition became hosted: a future log of it (left by a restart) resumes its move. */
  partitionCreated(p: Partition): void {
    const dest = this.futureDir(p.tp);
    if (dest) this.startTask(p.tp, dest);
  }

  /** A partition is deleted from this broker: its move stops and its future log goes too. */
  async partitionDeleted(tp: TopicPartition): Promise<void> {
    this.preferred.delete(tpKey(tp));
    await this.cancel(tp);
  }

  /** Partitions being moved now. */
  moving(): string[] {
    return [...this.tasks.keys()];
  }

  private startTask(tp: TopicPartition, dest: LogDir): void {
    const key = tpKey(tp);
    if (this.closed || this.tasks.has(key)) return;
    let wake = () => {};
    const task: MoveTask = { stopped: false, done: Promise.resolve(), wake: () => wake() };
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, ms);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
    this.say('INFO', `Added log dir fetcher for partition ${key} to move it to ${dest.dir}`);
    task.done = this.run(tp, dest, task, sleep).finally(() => {
      if (this.tasks.get(key) === task) this.tasks.delete(key);
    });
    this.tasks.set(key, task);
  }

  private async stopTask(tp: TopicPartition): Promise<void> {
    const task = this.tasks.get(tpKey(tp));
    if (!task) return;
    task.stopped = true;
    task.wake();
    await task.done;
  }

  private async run(tp: TopicPartition, dest: LogDir, task: MoveTask, sleep: (ms: number) => Promise<void>): Promise<void> {
    const key = tpKey(tp);
    while (!task.stopped) {
      const p = this.opts.partition(tp);
      const future = dest.getFutureLog(tp);
      if (!p || !future) return;
      try {
        const current = p.log;
        const epoch = future.leaderEpochCache.latestEpoch();
        const epochEnd = epoch === null ? -1 : current.leaderEpochCache.endOffsetFor(epoch, current.logEndOffset).endOffset;
        const step = nextMoveStep(
          { logStartOffset: current.logStartOffset, logEndOffset: current.logEndOffset, endOffsetForFutureEpoch: epochEnd < 0 ? null : epochEnd },
          { logStartOffset: future.logStartOffset, logEndOffset: future.logEndOffset },
        );
        switch (step.kind) {
          case 'restart-at':
            await future.truncateFullyAndStartAt(step.offset);
            break;
          case 'truncate-to':
            await future.truncateTo(step.offset);
            break;
          case 'copy-from': {
            const waitMs = this.pacer.delayMs(this.nowMs());
            if (waitMs > 0) await sleep(waitMs);
            else if (!(await this.copyChunk(current, future, step.offset))) await sleep(IDLE_WAIT_MS);
            break;
          }
          case 'swap':
            if (await this.swap(p, dest)) {
              this.say('INFO', `The current replica is successfully replaced with the future replica for ${key}`, LOG_MANAGER_LOGGER);
              return;
            }
            break;
        }
      } catch (err) {
        if (task.stopped) return;
        this.say('ERROR', `Error moving ${key} to ${dest.dir}: ${(err as Error)?.message ?? String(err)}`);
        await sleep(ERROR_BACKOFF_MS);
      }
    }
  }

  /** One bounded read from the current log appended to the future log; false when there was nothing to copy. */
  private async copyChunk(current: Log, future: Log, offset: number): Promise<boolean> {
    const rate = this.opts.bytesPerSecond();
    const read = await current.read(offset, { maxBytes: CopyPacer.chunkBytes(this.opts.maxChunkBytes, rate), minOneMessage: true });
    const raw = await readSlice(read.slice);
    try {
      const bytes = wholeBatches(raw);
      if (bytes.length === 0) return false;
      await this.appendToFuture(current, future, bytes);
      this.pacer.copied(bytes.length, this.nowMs(), rate);
    } finally {
      // The bytes are in the future log's file now: a pooled read buffer goes back for the next read.
      if (raw) brokerBufferPool.release(raw);
    }
    future.updateHighWatermark(Math.min(current.highWatermark, future.logEndOffset));
    if (current.logStartOffset > future.logStartOffset && current.logStartOffset <= future.highWatermark) {
      await future.deleteRecordsTo(current.logStartOffset);
    }
    return true;
  }

  private async appendToFuture(current: Log, future: Log, bytes: Buffer): Promise<void> {
    const baseOffset = Number(bytes.readBigInt64BE(0));
    await this.copyBatches(current, future, baseOffset, bytes);
    // The aborted transactions whose markers came along go to the future log's `.txnindex` too.
    for (const aborted of current.abortedTxnsBetween(baseOffset, future.logEndOffset)) await future.addAbortedTxn(aborted);
  }

  private async copyBatches(current: Log, future: Log, baseOffset: number, bytes: Buffer): Promise<void> {
    if (baseOffset < future.logEndOffset && future.logEndOffset === future.logStartOffset) {
      // The current log starts inside this batch (DeleteRecords): the future log starts at the batch, as Kafka's does.
      const start = future.logStartOffset;
      await future.truncateFullyAndStartAt(baseOffset);
      await future.appendAsFollower(bytes);
      future.updateHighWatermark(Math.min(current.highWatermark, future.logEndOffset));
      if (start <= future.highWatermark) await future.deleteRecordsTo(start);
    } else {
      await future.appendAsFollower(bytes);
    }
  }

  /** Kafka's maybeReplaceCurrentWithFutureReplica, between the partition's appends. */
  private swap(p: Partition, dest: LogDir): Promise<boolean> {
    const tp = p.tp;
    return p.replaceLog(async (current) => {
      const future = dest.getFutureLog(tp);
      if (!future || future.logEndOffset !== current.logEndOffset) return null;
      const source = this.opts.dirs.find((d) => d.getLog(tp) === current);
      if (!source) throw new StorageError('KAFKA_STORAGE_ERROR', `The current replica for ${tpKey(tp)} is offline`);
      this.say('INFO', `Attempting to replace current log ${current.dir} with ${future.dir} for ${tpKey(tp)}`, LOG_MANAGER_LOGGER);
      future.updateHighWatermark(current.highWatermark);
      if (current.logStartOffset > future.logStartOffset) await future.deleteRecordsTo(current.logStartOffset);
      await source.retireLog(tp);
      const next = await dest.promoteFutureLog(tp);
      next.updateHighWatermark(current.highWatermark);
      next.attachProducerState(p.producers);
      await source.checkpointAll();
      await dest.checkpointAll();
      return next;
    });
  }

  /** Stops every move (their future logs stay, and resume at the next start). */
  async close(): Promise<void> {
    this.closed = true;
    await Promise.all([...this.tasks.values()].map((t) => {
      t.stopped = true;
      t.wake();
      return t.done;
    }));
  }
}
