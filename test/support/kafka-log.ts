// Opening Kafka logs in temp dirs for tests: a manual clock/scheduler, the test CRC-32C, small configs.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/kafka/storage/log-config.js';
import { loadLog, type LoadReport } from '../../src/kafka/storage/log-loader.js';
import type { Log } from '../../src/kafka/storage/log.js';
import { ManualScheduler } from '../../src/kafka/storage/scheduler.js';
import { crc32c } from './kafka-batches.js';

export function kafkaTempDir(prefix = 'kafka-log-'): { path: string; remove(): void } {
  const p = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: p, remove: () => rmSync(p, { recursive: true, force: true }) };
}

export function testConfig(overrides: Partial<LogConfig> = {}): LogConfig {
  return { ...DEFAULT_LOG_CONFIG, maxIndexSizeBytes: 1024 * 1024, ...overrides };
}

export interface OpenedLog {
  log: Log;
  report: LoadReport;
  scheduler: ManualScheduler;
  errors: unknown[];
}

/** Opens (or recovers) the log of `<parent>/<topic>-<partition>`. */
export async function openTestLog(
  partitionDir: string,
  config: LogConfig,
  opts: { hadCleanShutdown?: boolean; recoveryPoint?: number; logStartOffset?: number; scheduler?: ManualScheduler } = {},
): Promise<OpenedLog> {
  const scheduler = opts.scheduler ?? new ManualScheduler(1_700_000_000_000);
  const errors: unknown[] = [];
  const dirName = path.basename(partitionDir);
  const dash = dirName.lastIndexOf('-');
  const { log, report } = await loadLog(
    {
      dir: partitionDir,
      topicPartition: { topic: dirName.slice(0, dash), partition: Number(dirName.slice(dash + 1)) },
      config,
      clock: scheduler,
      scheduler,
      crc32c,
      random: () => 0.5,
      onBackgroundError: (err) => errors.push(err),
    },
    { hadCleanShutdown: opts.hadCleanShutdown ?? false, recoveryPoint: opts.recoveryPoint ?? 0, logStartOffset: opts.logStartOffset ?? 0 },
  );
  return { log, report, scheduler, errors };
}

/** Reads a file slice back (what the broker would send). */
export function readSlice(slice: { fd: number; position: number; length: number }): Buffer {
  const buf = Buffer.alloc(slice.length);
  const n = fs.readSync(slice.fd, buf, 0, slice.length, slice.position);
  return buf.subarray(0, n);
}

/** Names of the files in `dir`, sorted. */
export function listFiles(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}
