// Kafka log storage: appends and fetch lookups through the Log against the floor of the same I/O done raw.
//   append: N batches of 1 KiB through Log.appendAsLeader (offsets stamped, sparse indexes, roll checks) vs the
//           same buffers written back to back with positional fs.write on one descriptor.
//   fetch:  Log.read at random offsets (segment search, index lookup, header scan, slice) vs one raw 8 KiB
//           positional read at the batch's position (the least a lookup must read).
// Rounds alternate between the two sides after a warm-up; the ratio is per round, then the median.
import * as fs from 'node:fs';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { closeFile, openFile, readAt, writeAt } from '../../src/kafka/storage/file-io.js';
import { DEFAULT_LOG_CONFIG } from '../../src/kafka/storage/log-config.js';
import { loadLog } from '../../src/kafka/storage/log-loader.js';
import type { Log } from '../../src/kafka/storage/log.js';
import { ManualScheduler } from '../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../test/support/kafka-batches.js';

const BATCHES = Number(process.env['KAFKA_BENCH_BATCHES'] ?? 20_000);
const LOOKUPS = Number(process.env['KAFKA_BENCH_LOOKUPS'] ?? 5_000);
const ROUNDS = 3;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function openLog(dir: string): Promise<Log> {
  const scheduler = new ManualScheduler(Date.now());
  const { log } = await loadLog(
    { dir, topicPartition: { topic: 'bench', partition: 0 }, config: DEFAULT_LOG_CONFIG, clock: scheduler, scheduler, crc32c, random: Math.random, onBackgroundError: (e) => { throw e; } },
    { hadCleanShutdown: true, recoveryPoint: 0, logStartOffset: 0 },
  );
  return log;
}

async function appendThroughLog(root: string, batches: Buffer[]): Promise<{ ms: number; log: Log }> {
  const log = await openLog(path.join(root, `log-${Math.random().toString(36).slice(2)}-0`));
  const start = performance.now();
  for (const b of batches) await log.appendAsLeader(b, 0);
  return { ms: performance.now() - start, log };
}

async function appendRaw(root: string, batches: Buffer[]): Promise<number> {
  const fd = await openFile(path.join(root, `raw-${Math.random().toString(36).slice(2)}.log`), 'w+');
  const start = performance.now();
  let position = 0;
  for (const b of batches) {
    await writeAt(fd, b, 0, b.length, position);
    position += b.length;
  }
  const ms = performance.now() - start;
  await closeFile(fd);
  return ms;
}

async function main(): Promise<void> {
  const root = mkdtempSync(path.join(tmpdir(), 'kafka-bench-'));
  try {
    const batches = Array.from({ length: BATCHES }, () => buildBatch({ count: 10, valueBytes: 90 }));
    const bytes = batches.reduce((s, b) => s + b.length, 0);
    process.stdout.write(`${BATCHES} batches of ${batches[0]!.length} bytes (${(bytes / 1048576).toFixed(1)} MiB) per round\n`);
    await appendThroughLog(root, batches.slice(0, 2000));
    await appendRaw(root, batches.slice(0, 2000));
    const appendRatios: number[] = [];
    let lastLog: Log | null = null;
    for (let r = 0; r < ROUNDS; r++) {
      const raw = await appendRaw(root, batches);
      const { ms, log } = await appendThroughLog(root, batches);
      lastLog = log;
      appendRatios.push(ms / raw);
      process.stdout.write(`append round ${r}: log ${(bytes / 1048576 / (ms / 1000)).toFixed(0)} MiB/s (${(BATCHES / (ms / 1000)).toFixed(0)} batches/s), raw writes ${(bytes / 1048576 / (raw / 1000)).toFixed(0)} MiB/s\n`);
    }
    process.stdout.write(`append: log time / raw time, median ${median(appendRatios).toFixed(2)}\n`);

    const log = lastLog!;
    log.updateHighWatermark(log.logEndOffset);
    const offsets = Array.from({ length: LOOKUPS }, () => Math.floor(Math.random() * log.logEndOffset));
    const fd = log.activeSegment.fd;
    const scratch = Buffer.alloc(8192);
    const lookupRatios: number[] = [];
    for (let r = 0; r < ROUNDS; r++) {
      let start = performance.now();
      const positions: number[] = [];
      for (const o of offsets) positions.push((await log.read(o, { maxBytes: 1 << 20, maxOffset: log.highWatermark })).slice!.position);
      const logMs = performance.now() - start;
      start = performance.now();
      for (const p of positions) await readAt(fd, scratch, 0, scratch.length, p);
      const rawMs = performance.now() - start;
      lookupRatios.push(logMs / rawMs);
      process.stdout.write(`fetch round ${r}: Log.read ${(LOOKUPS / (logMs / 1000)).toFixed(0)}/s, raw 8 KiB reads ${(LOOKUPS / (rawMs / 1000)).toFixed(0)}/s\n`);
    }
    process.stdout.write(`fetch: Log.read time / raw read time, median ${median(lookupRatios).toFixed(2)}\n`);
    fs.rmSync(root, { recursive: true, force: true });
  } finally {
    rmSync(root, { recursive: true, force: true });
  }
}

await main();
