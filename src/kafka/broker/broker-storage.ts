// The broker's log dirs: each opened (and locked) with the storage layer's LogDir, and the meta.properties in them
// checked against broker.id as Kafka's BrokerMetadataCheckpoint checks do.
import { tpKey, type TopicPartition } from '../storage/topic-partition.js';
import { LogCleanerManager, type CleanerManagerOptions } from '../storage/cleaner/cleaner-manager.js';
import { LogDir } from '../storage/log-dir.js';
import { readMetaProperties, type BrokerMetadata as MetaProperties } from '../storage/meta-properties.js';
import { crc32c } from '../protocol/records/crc32c.js';
import type { Crc32cFn } from '../storage/batch-header.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../storage/log-config.js';
import { systemClock, TimerScheduler } from '../storage/scheduler.js';
import { LOG_CLEANER_LOGGER, LOG_MANAGER_LOGGER, type BrokerLog } from './broker-log.js';

/** A start-up failure Kafka reports as fatal (exit 1), not a config error. */
export class BrokerStartupError extends Error {
  override readonly name = 'BrokerStartupError';
}

/** The record-batch CRC-32C over buf[start, end), as the log checks batches when it recovers a partition. */
export const recordBatchCrc32c: Crc32cFn = (buf, start, end) => crc32c(buf.subarray(start, end));

export interface StoredIdentity {
  brokerId: number | undefined;
  clusterId: string | null;
}

/** The broker and cluster id the log dirs agree on; they must all say the same (Kafka: "not consistent across log.dirs"). */
export function readStoredIdentity(logDirs: readonly string[]): StoredIdentity {
  let found: { dir: string; meta: MetaProperties } | undefined;
  for (const dir of logDirs) {
    const meta = readMetaProperties(dir);
    if (meta === null) continue;
    if (found && (found.meta.brokerId !== meta.brokerId || (found.meta.clusterId ?? meta.clusterId) !== (meta.clusterId ?? found.meta.clusterId))) {
      throw new BrokerStartupError(
        `BrokerMetadata is not consistent across log.dirs: ${found.dir} has broker.id=${found.meta.brokerId} cluster.id=${found.meta.clusterId}, ` +
          `${dir} has broker.id=${meta.brokerId} cluster.id=${meta.clusterId}`,
      );
    }
    found ??= { dir, meta };
  }
  return { brokerId: found?.meta.brokerId, clusterId: found?.meta.clusterId ?? null };
}

/** Kafka's message when broker.id and meta.properties disagree. */
export function checkBrokerId(configured: number, stored: number | undefined): void {
  if (configured >= 0 && stored !== undefined && stored !== configured) {
    throw new BrokerStartupError(
      `Configured broker.id ${configured} doesn't match stored broker.id Some(${stored}) in meta.properties. ` +
        'If you moved your data, make sure your configured broker.id matches. ' +
        'If you intend to create a new broker, you should remove all data in your data directories (log.dirs).',
    );
  }
}

export interface BrokerStorageOptions {
  logDirs: readonly string[];
  log: BrokerLog;
  crc32c: Crc32cFn;
  /** A partition's log config (default: DEFAULT_LOG_CONFIG). */
  configFor?: (tp: TopicPartition) => LogConfig;
  retentionCheckIntervalMs?: number;
  /** Compaction of cleanup.policy=compact logs (log.cleaner.enable); off when absent. */
  cleaner?: Pick<CleanerManagerOptions, 'dedupeBufferBytes' | 'loadFactor' | 'backoffMs' | 'threads' | 'ioMaxBytesPerSecond'>;
}

export class BrokerStorage {
  private constructor(
    readonly dirs: LogDir[],
    private readonly scheduler: TimerScheduler,
    private readonly cleaner: LogCleanerManager | null,
    private readonly log: BrokerLog,
  ) {}

  /** Opens every log dir in turn; if one fails (locked by another broker, unreadable), those opened are closed again. */
  static async open(opts: BrokerStorageOptions): Promise<BrokerStorage> {
    const started = Date.now();
    opts.log('INFO', `Loading logs from log dirs ArrayBuffer(${opts.logDirs.join(', ')})`, LOG_MANAGER_LOGGER);
    const scheduler = new TimerScheduler((name, err) => opts.log('ERROR', `Uncaught exception in scheduled task '${name}': ${(err as Error)?.message ?? String(err)}`, 'kafka.utils.KafkaScheduler'));
    const dirs: LogDir[] = [];
    try {
      for (const dir of opts.logDirs) {
        dirs.push(
          await LogDir.open({
            dir,
            clock: systemClock,
            scheduler,
            crc32c: opts.crc32c,
            configFor: (tp) => opts.configFor?.(tp) ?? DEFAULT_LOG_CONFIG,
            retentionCheckIntervalMs: opts.retentionCheckIntervalMs,
            log: (line) => opts.log('INFO', line, LOG_MANAGER_LOGGER),
          }),
        );
      }
    } catch (err) {
      for (const d of dirs) await d.close();
      scheduler.shutdown();
      throw err;
    }
    const partitions = dirs.reduce((n, d) => n + d.summary.partitions, 0);
    opts.log('INFO', `Loaded ${partitions} logs in ${Date.now() - started}ms.`, LOG_MANAGER_LOGGER);
    for (const d of dirs) d.startTasks();
    let cleaner: LogCleanerManager | null = null;
    if (opts.cleaner) {
      cleaner = new LogCleanerManager(dirs, { ...opts.cleaner, clock: systemClock, scheduler, log: (line) => opts.log('INFO', line, LOG_CLEANER_LOGGER) });
      cleaner.start();
    }
    return new BrokerStorage(dirs, scheduler, cleaner, opts.log);
  }

  /**
   * A topic's effective config changed (its overrides, or the broker's dynamic defaults): every open log of it takes
   * the new one, as each broker's TopicConfigHandler does on a /config/changes notification.
   */
  topicConfigChanged(topic: string): void {
    for (const dir of this.dirs) {
      dir.updateTopicConfig(topic, (tp, err) => this.log('WARN', `Keeping the config of ${tpKey(tp)}: ${err.message}`, LOG_MANAGER_LOGGER));
    }
  }

  /** The broker's defaults changed: every topic's logs take their config again. */
  defaultConfigChanged(): void {
    const topics = new Set<string>();
    for (const dir of this.dirs) for (const log of dir.logs.values()) topics.add(log.ctx.topicPartition.topic);
    for (const topic of topics) this.topicConfigChanged(topic);
  }

  /** Flushes and closes every log, writes the checkpoints and the clean-shutdown marker, releases the locks. */
  async close(): Promise<void> {
    await this.cleaner?.stop();
    this.scheduler.shutdown();
    for (const d of this.dirs) await d.close();
  }
}
