// Per-log settings, named after the topic-level keys (segment.bytes, retention.ms, ...) with Kafka 2.8 defaults.
// Parsing server.properties and topic configs into this shape belongs to the config layer.

export interface LogConfig {
  /** segment.bytes (log.segment.bytes): roll when the active segment would pass this. At most 2^31 - 1. */
  segmentBytes: number;
  /** segment.ms (log.roll.ms). */
  segmentMs: number;
  /** segment.jitter.ms (log.roll.jitter.ms): each segment subtracts a random [0, min(this, segmentMs)). */
  segmentJitterMs: number;
  /** segment.index.bytes (log.index.size.max.bytes). */
  maxIndexSizeBytes: number;
  /** index.interval.bytes (log.index.interval.bytes). */
  indexIntervalBytes: number;
  /** retention.ms (log.retention.ms); -1 = unlimited. */
  retentionMs: number;
  /** retention.bytes (log.retention.bytes); -1 = unlimited. */
  retentionBytes: number;
  /** flush.messages (log.flush.interval.messages). */
  flushIntervalMessages: number;
  /** flush.ms (log.flush.interval.ms). */
  flushMs: number;
  /** file.delete.delay.ms (log.segment.delete.delay.ms). */
  fileDeleteDelayMs: number;
  /** cleanup.policy (log.cleanup.policy). */
  cleanupPolicy: ReadonlyArray<'delete' | 'compact'>;
  /** max.message.bytes (message.max.bytes): the largest batch accepted on append. */
  maxMessageBytes: number;
  /** delete.retention.ms (log.cleaner.delete.retention.ms; default 1 day): how long compaction keeps tombstones. */
  deleteRetentionMs?: number;
  /** min.compaction.lag.ms (log.cleaner.min.compaction.lag.ms; default 0). */
  minCompactionLagMs?: number;
  /** max.compaction.lag.ms (log.cleaner.max.compaction.lag.ms; default never): a log this dirty for so long is cleaned whatever its ratio. */
  maxCompactionLagMs?: number;
  /** min.cleanable.dirty.ratio (log.cleaner.min.cleanable.ratio; default 0.5). */
  minCleanableDirtyRatio?: number;
}

export const DEFAULT_DELETE_RETENTION_MS = 86_400_000;
export const DEFAULT_MIN_CLEANABLE_DIRTY_RATIO = 0.5;

/** Long.MaxValue as Kafka uses it for "never"; beyond 2^53, but only ever compared against. */
export const NEVER = Number.MAX_SAFE_INTEGER;

export const DEFAULT_LOG_CONFIG: Readonly<LogConfig> = Object.freeze<LogConfig>({
  segmentBytes: 1024 * 1024 * 1024,
  segmentMs: 7 * 24 * 60 * 60 * 1000,
  segmentJitterMs: 0,
  maxIndexSizeBytes: 10 * 1024 * 1024,
  indexIntervalBytes: 4096,
  retentionMs: 7 * 24 * 60 * 60 * 1000,
  retentionBytes: -1,
  flushIntervalMessages: NEVER,
  flushMs: NEVER,
  fileDeleteDelayMs: 60_000,
  cleanupPolicy: ['delete'],
  maxMessageBytes: 1024 * 1024 + 12,
});

/** Batches larger than this are treated as corrupt during recovery; bounds the memory a CRC check may take. */
export function maxRecoveryBatchBytes(config: LogConfig): number {
  return Math.max(config.maxMessageBytes, 64 * 1024 * 1024);
}

/** Checks the limits the on-disk format imposes; returns one line naming the key, or null. */
export function logConfigProblem(config: LogConfig): string | null {
  if (!Number.isInteger(config.segmentBytes) || config.segmentBytes < 14 || config.segmentBytes > 0x7fffffff) {
    return `segment.bytes: expected an integer in [14, 2147483647], got ${config.segmentBytes}`;
  }
  if (config.maxIndexSizeBytes < 12) return `segment.index.bytes: expected at least 12, got ${config.maxIndexSizeBytes}`;
  if (config.indexIntervalBytes < 0) return `index.interval.bytes: expected at least 0, got ${config.indexIntervalBytes}`;
  if (config.segmentMs < 1) return `segment.ms: expected at least 1, got ${config.segmentMs}`;
  if (config.segmentJitterMs < 0) return `segment.jitter.ms: expected at least 0, got ${config.segmentJitterMs}`;
  if (config.flushIntervalMessages < 1) return `flush.messages: expected at least 1, got ${config.flushIntervalMessages}`;
  if (config.fileDeleteDelayMs < 0) return `file.delete.delay.ms: expected at least 0, got ${config.fileDeleteDelayMs}`;
  return null;
}

/** A segment's roll jitter: random in [0, min(segment.jitter.ms, segment.ms)). */
export function rollJitterMs(config: LogConfig, random: () => number): number {
  const bound = Math.min(config.segmentJitterMs, config.segmentMs);
  return bound > 0 ? Math.floor(random() * bound) : 0;
}
