// Opening Kafka logs in temp dirs for tests: a manual clock/scheduler, the test CRC-32C, small configs.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { PartitionConfig } from '../../src/kafka/broker/replica/partition-config.js';
import { DEFAULT_LOG_CONFIG, type LogConfig } from '../../src/kafka/storage/log-config.js';
import { loadLog, type LoadReport } from '../../src/kafka/storage/log-loader.js';
import type { Log } from '../../src/kafka/storage/log.js';
import { ManualScheduler } from '../../src/kafka/storage/scheduler.js';
import { crc32c } from './kafka-batches.js';

export function kafkaTempDir(prefix = 'kafka-log-'): { path: string; remove(): void } {
  const p = mkdtempSync(path.join(tmpdir(), prefix));
  return { path: p, remove: () => rmSync(p, { recursive: true, force: true }) };
}

/** A partition's settings for replica tests: Kafka's log defaults, any timestamp accepted. */
export const PARTITION_CONFIG: PartitionConfig = {
  log: { ...DEFAULT_LOG_CONFIG },
  compressionType: 'producer',
  minInsyncReplicas: 1,
  messageTimestampType: 'CreateTime',
  messageTimestampDifferenceMaxMs: Number.MAX_SAFE_INTEGER,
};

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

export interface StoredBatch {
  segmentBase: number;
  position: number;
  baseOffset: number;
  lastOffset: number;
  bytes: Buffer;
}

/** Every batch of every `.log` in a partition dir, in order (whole files read: test logs are small). */
export function readStoredBatches(partitionDir: string): StoredBatch[] {
  const out: StoredBatch[] = [];
  for (const name of listFiles(partitionDir).filter((f) => f.endsWith('.log'))) {
    const data = fs.readFileSync(path.join(partitionDir, name));
    const segmentBase = Number(name.slice(0, 20));
    for (let p = 0; p + 12 <= data.length; ) {
      const size = 12 + data.readInt32BE(p + 8);
      const baseOffset = Number(data.readBigInt64BE(p));
      out.push({ segmentBase, position: p, baseOffset, lastOffset: baseOffset + data.readInt32BE(p + 23), bytes: data.subarray(p, p + size) });
      p += size;
    }
  }
  return out;
}

/**
 * Checks the indexes of every segment against its log: each `.index` entry (o, p) has p at a batch boundary of
 * that segment, the batch there holding o or starting the chunk that ends at o (all batches before p end below
 * o), offsets strictly increasing; each `.timeindex` entry names an offset in the segment and never decreases.
 * Returns the number of entries checked.
 */
export function verifyIndexes(partitionDir: string): number {
  let checked = 0;
  const batches = readStoredBatches(partitionDir);
  for (const name of listFiles(partitionDir).filter((f) => f.endsWith('.index'))) {
    const base = Number(name.slice(0, 20));
    const mine = batches.filter((b) => b.segmentBase === base);
    const index = fs.readFileSync(path.join(partitionDir, name));
    let lastOffset = -1;
    for (let e = 0; e + 8 <= index.length; e += 8) {
      const offset = base + index.readInt32BE(e);
      const position = index.readInt32BE(e + 4);
      // Pre-allocated zeros of an active segment: an entry is never at position 0, so (base, 0) after the first entry,
      // or anywhere in a segment that holds no batch yet (rolled just before a kill), is the end of the entries.
      if (offset === base && position === 0 && (e > 0 || mine.length === 0)) break;
      const at = mine.findIndex((b) => b.position === position);
      assert.ok(at >= 0, `${name}: entry ${offset}→${position} is not at a batch boundary`);
      assert.ok(mine[at]!.baseOffset <= offset, `${name}: entry ${offset}→${position} points past its batch`);
      assert.ok(mine.slice(0, at).every((b) => b.lastOffset < offset), `${name}: a batch before ${position} holds ${offset}`);
      assert.ok(offset > lastOffset, `${name}: offsets not increasing at ${offset}`);
      lastOffset = offset;
      checked++;
    }
    const timeName = name.replace(/\.index$/, '.timeindex');
    if (!fs.existsSync(path.join(partitionDir, timeName))) continue;
    const timeIndex = fs.readFileSync(path.join(partitionDir, timeName));
    let lastTs = -1;
    const segmentEnd = mine.at(-1)?.lastOffset ?? base;
    for (let e = 0; e + 12 <= timeIndex.length; e += 12) {
      const ts = Number(timeIndex.readBigInt64BE(e));
      const offset = base + timeIndex.readInt32BE(e + 8);
      if (ts === 0 && offset === base) break;
      assert.ok(ts >= lastTs, `${timeName}: timestamps decrease at ${offset}`);
      assert.ok(offset >= base && offset <= segmentEnd, `${timeName}: offset ${offset} outside the segment`);
      lastTs = ts;
      checked++;
    }
  }
  return checked;
}
