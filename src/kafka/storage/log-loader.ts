// Opening a partition directory (Kafka's Log.loadSegments and recoverLog): leftovers of deletion, cleaning and
// swapping are removed or completed, every segment is opened (indexes sanity-checked, missing ones rebuilt),
// and after an unclean shutdown every segment from the recovery point on is re-validated batch by batch: the
// first torn or corrupt batch cuts the log there and every later segment is deleted.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { emptyHeader, readBatchHeader } from './batch-header.js';
import { FileBatchReader } from './file-batch-reader.js';
import { fileSize, openFile, closeFile } from './file-io.js';
import { LeaderEpochCache, LEADER_EPOCH_CHECKPOINT } from './leader-epoch-cache.js';
import { maxRecoveryBatchBytes, rollJitterMs } from './log-config.js';
import { Log, type LogContext } from './log.js';
import { LogSegment } from './log-segment.js';
import {
  CLEANED_SUFFIX, DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, offsetFromFileName, segmentFile, SWAP_SUFFIX,
  TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX,
} from './segment-files.js';

export interface LoadOptions {
  hadCleanShutdown: boolean;
  /** From recovery-point-offset-checkpoint; 0 when absent. */
  recoveryPoint: number;
  /** From log-start-offset-checkpoint; 0 when absent. */
  logStartOffset: number;
  log?: (line: string) => void;
}

export interface LoadReport {
  recoveredSegments: number;
  truncatedBytes: number;
  deletedSegments: number;
  problems: string[];
}

const isIndexName = (name: string) => name.endsWith(INDEX_SUFFIX) || name.endsWith(TIME_INDEX_SUFFIX) || name.endsWith(TXN_INDEX_SUFFIX);

function rmIfExists(file: string): void {
  fs.rmSync(file, { force: true });
}

function deleteIndexes(dir: string, baseOffset: number, extra = ''): void {
  for (const suffix of [INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) rmIfExists(segmentFile(dir, baseOffset, suffix, extra));
}

/**
 * Step 1: `.deleted` and `.cleaned` files go, offset and time index `.swap` files go (they are rebuilt), log `.swap`
 * files are returned for completion. A `.txnindex.swap` cannot be rebuilt from its segment alone: it is kept for its
 * swap's completion, or takes its final name when the log file already has its own.
 */
function removeLeftovers(dir: string, report: LoadReport): number[] {
  let minCleanedOffset = Number.MAX_SAFE_INTEGER;
  const swapBases: number[] = [];
  const cleaned: string[] = [];
  const txnIndexSwaps: number[] = [];
  for (const name of fs.readdirSync(dir)) {
    const file = path.join(dir, name);
    if (name.endsWith('.tmp')) rmIfExists(file);
    else if (name.endsWith(DELETED_SUFFIX)) rmIfExists(file);
    else if (name.endsWith(CLEANED_SUFFIX)) {
      minCleanedOffset = Math.min(minCleanedOffset, offsetFromFileName(name));
      cleaned.push(file);
    } else if (name.endsWith(SWAP_SUFFIX)) {
      const base = name.slice(0, -SWAP_SUFFIX.length);
      if (base.endsWith(TXN_INDEX_SUFFIX)) txnIndexSwaps.push(offsetFromFileName(name));
      else if (isIndexName(base)) rmIfExists(file);
      else if (base.endsWith(LOG_SUFFIX)) {
        deleteIndexes(dir, offsetFromFileName(name));
        swapBases.push(offsetFromFileName(name));
      }
    }
  }
  const valid: number[] = [];
  for (const base of swapBases) {
    if (base >= minCleanedOffset) {
      // Part of a split that did not finish: the old segments are still in place.
      deleteIndexes(dir, base, SWAP_SUFFIX);
      rmIfExists(segmentFile(dir, base, LOG_SUFFIX, SWAP_SUFFIX));
      report.problems.push(`deleted incomplete swap segment ${base}`);
    } else valid.push(base);
  }
  for (const file of cleaned) rmIfExists(file);
  for (const base of txnIndexSwaps) {
    const swapped = segmentFile(dir, base, TXN_INDEX_SUFFIX, SWAP_SUFFIX);
    if (swapBases.includes(base) || !fs.existsSync(swapped)) continue;
    fs.renameSync(swapped, segmentFile(dir, base, TXN_INDEX_SUFFIX));
  }
  return valid.sort((a, b) => a - b);
}

/** The offset after the last whole batch of a file (headers only). */
async function nextOffsetOfFile(file: string, baseOffset: number): Promise<number> {
  const fd = await openFile(file, 'r');
  try {
    const reader = new FileBatchReader(fd, await fileSize(fd), 0x7fffffff);
    const h = emptyHeader();
    let position = 0;
    let next = baseOffset;
    for (;;) {
      const r = await reader.at(position, false);
      if (r.kind !== 'batch') return next;
      next = readBatchHeader(r.buf, r.at, h).lastOffset + 1;
      position += r.size;
    }
  } finally {
    await closeFile(fd);
  }
}

/**
 * Finishes a swap the cleaner started: the segments the swapped file replaces (bases in [swap base, its next
 * offset)) are removed, then the `.swap` suffix is dropped. Its indexes were deleted and are rebuilt on open.
 */
async function completeSwap(dir: string, base: number, report: LoadReport): Promise<void> {
  const swapFile = segmentFile(dir, base, LOG_SUFFIX, SWAP_SUFFIX);
  const end = await nextOffsetOfFile(swapFile, base);
  for (const name of fs.readdirSync(dir)) {
    if (!name.endsWith(LOG_SUFFIX)) continue;
    const old = offsetFromFileName(name);
    if (old >= base && old < end) {
      for (const suffix of [LOG_SUFFIX, INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX]) {
        const f = segmentFile(dir, old, suffix);
        if (fs.existsSync(f)) fs.renameSync(f, f + DELETED_SUFFIX);
      }
    }
  }
  fs.renameSync(swapFile, segmentFile(dir, base, LOG_SUFFIX));
  const txnIndexSwap = segmentFile(dir, base, TXN_INDEX_SUFFIX, SWAP_SUFFIX);
  if (fs.existsSync(txnIndexSwap)) fs.renameSync(txnIndexSwap, segmentFile(dir, base, TXN_INDEX_SUFFIX));
  for (const name of fs.readdirSync(dir)) if (name.endsWith(DELETED_SUFFIX)) rmIfExists(path.join(dir, name));
  report.problems.push(`completed swap of segment ${base} (replacing offsets up to ${end})`);
}

/** Opens the log of `ctx.dir`, recovering it when the last shutdown was not clean. */
export async function loadLog(ctx: LogContext, opts: LoadOptions): Promise<{ log: Log; report: LoadReport }> {
  const { dir, config } = ctx;
  const say = opts.log ?? (() => undefined);
  const report: LoadReport = { recoveredSegments: 0, truncatedBytes: 0, deletedSegments: 0, problems: [] };
  fs.mkdirSync(dir, { recursive: true });
  const epochFile = path.join(dir, LEADER_EPOCH_CHECKPOINT);
  if (!fs.existsSync(epochFile)) fs.writeFileSync(epochFile, '');
  const epochCache = LeaderEpochCache.load(dir);
  const maxBatchBytes = maxRecoveryBatchBytes(config);
  const segmentOpts = () => ({ config, nowMs: ctx.clock.nowMs(), rollJitterMs: rollJitterMs(config, ctx.random) });

  const swapBases = removeLeftovers(dir, report);
  for (const base of swapBases) await completeSwap(dir, base, report);

  const names = fs.readdirSync(dir).sort();
  const segments: LogSegment[] = [];
  const epochWrites: Promise<void>[] = [];
  const recover = async (segment: LogSegment, assignEpochs: boolean): Promise<number> => {
    const result = await segment.recover({
      crc32c: ctx.crc32c,
      maxBatchBytes,
      onBatch: assignEpochs
        ? (h) => {
            if (h.magic === 2 && h.partitionLeaderEpoch >= 0 && h.partitionLeaderEpoch > (epochCache.latestEpoch() ?? -1)) {
              epochWrites.push(epochCache.assign(h.partitionLeaderEpoch, h.baseOffset));
            }
          }
        : undefined,
    });
    report.recoveredSegments++;
    if (result.problem) {
      report.problems.push(`${segment.logFile}: ${result.problem}; ${result.truncatedBytes} bytes cut`);
      say(`Recovery of ${segment.logFile}: ${result.problem}; truncated ${result.truncatedBytes} bytes`);
    }
    report.truncatedBytes += result.truncatedBytes;
    return result.truncatedBytes;
  };
  for (const name of names) {
    const base = offsetFromFileName(name);
    if (isIndexName(name)) {
      if (base < 0 || !fs.existsSync(segmentFile(dir, base, LOG_SUFFIX))) rmIfExists(path.join(dir, name));
      continue;
    }
    if (!name.endsWith(LOG_SUFFIX) || base < 0) continue;
    const { segment, indexMissing } = await LogSegment.open(dir, base, segmentOpts());
    const insane = indexMissing ? 'offset index missing' : await segment.sanityProblem();
    if (insane) {
      say(`Rebuilding the indexes of ${segment.logFile}: ${insane}`);
      await recover(segment, false);
    }
    segments.push(segment);
  }

  let recoveryPoint = opts.recoveryPoint;
  if (!opts.hadCleanShutdown) {
    let first = 0;
    for (let i = 0; i < segments.length; i++) if (segments[i]!.baseOffset <= recoveryPoint) first = i;
    for (let i = first; i < segments.length; i++) {
      say(`Recovering unflushed segment ${segments[i]!.baseOffset}`);
      if ((await recover(segments[i]!, true)) > 0 && i + 1 < segments.length) {
        const dropped = segments.splice(i + 1);
        for (const s of dropped) {
          await s.markDeleted();
          await s.deleteFiles();
        }
        report.deletedSegments += dropped.length;
        break;
      }
    }
  }

  await Promise.all(epochWrites);
  let logStartOffset = Math.max(opts.logStartOffset, segments[0]?.baseOffset ?? 0);
  if (segments.length > 0) {
    const leo = await segments.at(-1)!.readNextOffset();
    if (leo < logStartOffset) {
      say(`Log end offset ${leo} is below the log start offset ${logStartOffset}: deleting every segment`);
      for (const s of segments.splice(0)) {
        await s.markDeleted();
        await s.deleteFiles();
        report.deletedSegments++;
      }
    }
  }
  if (segments.length === 0) {
    segments.push(await LogSegment.create(dir, opts.logStartOffset, segmentOpts()));
    logStartOffset = opts.logStartOffset;
  }
  const active = segments.at(-1)!;
  await active.resizeIndexes(config.maxIndexSizeBytes);
  const logEndOffset = await active.readNextOffset();
  recoveryPoint = opts.hadCleanShutdown ? logEndOffset : Math.min(recoveryPoint, logEndOffset);
  await epochCache.truncateFromEnd(logEndOffset);
  await epochCache.truncateFromStart(logStartOffset);
  await epochCache.idle();
  const log = new Log(ctx, { segments, logStartOffset, logEndOffset, recoveryPoint, leaderEpochCache: epochCache });
  return { log, report };
}
