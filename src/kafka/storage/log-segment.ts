// One segment: `<base>.log` with its `.index`, `.timeindex` and `.txnindex` (Kafka's LogSegment). Appends take batches as
// bytes; reads hand back a file slice (fd, position, length) for the broker to send without copying through
// JavaScript; lookups go index → bounded forward scan of headers. Positions are int32 within a segment.
import * as fs from 'node:fs';
import {
  batchProblem, emptyHeader, NO_TIMESTAMP, readBatchHeader, type BatchHeader, type Crc32cFn,
} from './batch-header.js';
import { closeFile, fileSize, fsyncFile, openFile, truncateFile, writeAt, writeAtSync, writevAtSync } from './file-io.js';
import { DEFAULT_CHUNK_BYTES, FileBatchReader, LOOKUP_CHUNK_BYTES } from './file-batch-reader.js';
import type { LogConfig } from './log-config.js';
import { OffsetIndex, type OffsetPosition } from './offset-index.js';
import { RecentBatches } from './recent-batches.js';
import { DELETED_SUFFIX, INDEX_SUFFIX, LOG_SUFFIX, segmentFile, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX } from './segment-files.js';
import { TimeIndex, type TimestampOffset } from './time-index.js';
import { TransactionIndex } from './transaction-index.js';

const INT32_MAX = 0x7fffffff;
/**
 * Appends up to this size are written synchronously: copying them into the page cache takes less than a round trip
 * through libuv's thread pool (a hand-off, a wake-up and a callback), which dominated small produce requests.
 * Larger appends still go through the pool, where their copy runs beside the event loop.
 */
export const SYNC_APPEND_MAX_BYTES = 64 * 1024;
/**
 * A follower's appends are written synchronously up to this size: the fetcher waits for the write before its next
 * fetch (which is what moves the leader's high watermark), so the thread pool's hand-off and wake-up would only add
 * two context switches to the leader→follower→leader cycle; the copy into the page cache costs the same either way
 * (about 0.15 ms a MiB). Bounded so that one partition's append stalls the event loop for well under a millisecond.
 */
export const FOLLOWER_SYNC_APPEND_MAX_BYTES = 2 * 1024 * 1024;
/** Deferred appends (see append) are written at once when this many bytes or buffers wait. */
const MAX_DEFERRED_BYTES = 1024 * 1024;
const MAX_DEFERRED_BUFFERS = 256;

/** Appends waiting to be written, and who waits for them. */
interface DeferredWrites {
  bufs: Buffer[];
  bytes: number;
  /** File position of the first buffer. */
  position: number;
  done: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

/** Bytes of a segment file for the broker to send as they are. Valid until file.delete.delay.ms after deletion. */
export interface FileSlice {
  fd: number;
  position: number;
  length: number;
  /** The slice starts among the last bytes written to the log (the active segment's tail), still in the page cache. */
  recent?: boolean;
}

export interface SegmentFetch {
  slice: FileSlice;
  /** Offset the fetch asked for and where the batch holding it starts. */
  fetchOffset: number;
  segmentBaseOffset: number;
  /** maxBytes was smaller than the first batch (the slice ends inside it). */
  firstEntryIncomplete: boolean;
}

export interface BatchLocation {
  /** Last offset of the batch. */
  offset: number;
  position: number;
  size: number;
}

/** Finds the exact record in a batch for a timestamp search; supplied by whoever decodes records. */
export type TimestampLocator = (batch: Buffer, targetTimestamp: number, startingOffset: number) => TimestampOffset | null;

export interface SegmentOptions {
  config: LogConfig;
  nowMs: number;
  rollJitterMs: number;
}

export interface RecoveryResult {
  truncatedBytes: number;
  /** Why the scan stopped before the end of the file, when it did. */
  problem: string | null;
}

export interface RecoveryHooks {
  crc32c: Crc32cFn;
  maxBatchBytes: number;
  onBatch?: (header: BatchHeader) => void;
}

export interface RollParams {
  maxSegmentBytes: number;
  maxSegmentMs: number;
  appendBytes: number;
  maxTimestampInMessages: number;
  maxOffsetInMessages: number;
  nowMs: number;
}

export class LogSegment {
  /** Bytes of the .log, deferred appends included (appends in flight are not counted until written or deferred). */
  private sizeBytes: number;
  /** Appended bytes not in the file yet; every read of the file writes them first. */
  private deferred: DeferredWrites | null = null;
  private bytesSinceLastIndexEntry = 0;
  private maxTimestampSoFar = NO_TIMESTAMP;
  private offsetOfMaxTimestampSoFar: number;
  /** maxTimestamp of the first append, which time-based rolling measures from; undefined = not read yet. */
  private rollingBasedTimestamp: number | undefined;
  private createdMs: number;
  private readonly header = emptyHeader();
  private deleted = false;
  /** The last batches appended: a lookup of one of them reads no file. */
  private readonly recent = new RecentBatches();

  private constructor(
    readonly dir: string,
    readonly baseOffset: number,
    public logFile: string,
    readonly fd: number,
    size: number,
    readonly offsetIndex: OffsetIndex,
    readonly timeIndex: TimeIndex,
    readonly txnIndex: TransactionIndex,
    private readonly config: LogConfig,
    nowMs: number,
    readonly rollJitterMs: number,
  ) {
    this.sizeBytes = size;
    this.offsetOfMaxTimestampSoFar = baseOffset;
    this.createdMs = nowMs;
  }

  /**
   * A new, empty segment with pre-allocated indexes (existing files of that name are replaced). `fileSuffix` is
   * added to every file name (the cleaner writes `.cleaned` segments beside the ones they replace).
   */
  static async create(dir: string, baseOffset: number, opts: SegmentOptions, fileSuffix = ''): Promise<LogSegment> {
    const logFile = segmentFile(dir, baseOffset, LOG_SUFFIX, fileSuffix);
    const fd = await openFile(logFile, 'w+');
    const offsetIndex = await OffsetIndex.open(segmentFile(dir, baseOffset, INDEX_SUFFIX, fileSuffix), baseOffset, opts.config.maxIndexSizeBytes, true);
    const timeIndex = await TimeIndex.open(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX, fileSuffix), baseOffset, opts.config.maxIndexSizeBytes, true);
    const txnIndex = await TransactionIndex.create(segmentFile(dir, baseOffset, TXN_INDEX_SUFFIX, fileSuffix));
    return new LogSegment(dir, baseOffset, logFile, fd, 0, offsetIndex, timeIndex, txnIndex, opts.config, opts.nowMs, opts.rollJitterMs);
  }

  /** Opens the files of an existing segment; missing index files are created (empty). */
  static async open(dir: string, baseOffset: number, opts: SegmentOptions): Promise<{ segment: LogSegment; indexMissing: boolean }> {
    const logFile = segmentFile(dir, baseOffset, LOG_SUFFIX);
    const fd = await openFile(logFile, 'r+');
    const indexFile = segmentFile(dir, baseOffset, INDEX_SUFFIX);
    const indexMissing = !fs.existsSync(indexFile);
    const offsetIndex = await OffsetIndex.open(indexFile, baseOffset, opts.config.maxIndexSizeBytes);
    const timeIndex = await TimeIndex.open(segmentFile(dir, baseOffset, TIME_INDEX_SUFFIX), baseOffset, opts.config.maxIndexSizeBytes);
    const txnIndex = await TransactionIndex.open(segmentFile(dir, baseOffset, TXN_INDEX_SUFFIX));
    const segment = new LogSegment(dir, baseOffset, logFile, fd, await fileSize(fd), offsetIndex, timeIndex, txnIndex, opts.config, opts.nowMs, opts.rollJitterMs);
    await segment.loadLargestTimestamp();
    return { segment, indexMissing };
  }

  get size(): number {
    return this.sizeBytes;
  }

  get maxTimestamp(): number {
    return this.maxTimestampSoFar;
  }

  get offsetOfMaxTimestamp(): number {
    return this.offsetOfMaxTimestampSoFar;
  }

  /** Max record timestamp in the segment, else the .log mtime (what time-based retention compares). */
  async largestTimestamp(): Promise<number> {
    if (this.maxTimestampSoFar >= 0) return this.maxTimestampSoFar;
    this.writeDeferred();
    return (await fs.promises.stat(this.logFile)).mtimeMs;
  }

  /** Loads both indexes into memory (the active segment keeps them loaded). */
  async loadIndexes(): Promise<void> {
    await this.offsetIndex.ensureLoaded();
    await this.timeIndex.ensureLoaded();
  }

  private async loadLargestTimestamp(): Promise<void> {
    const last = await this.timeIndex.lastEntryOnDisk();
    if (last.timestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = last.timestamp;
      this.offsetOfMaxTimestampSoFar = last.offset;
    }
  }

  canConvertToRelativeOffset(offset: number): boolean {
    const rel = offset - this.baseOffset;
    return rel >= 0 && rel <= INT32_MAX;
  }

  /**
   * Appends batches (the bytes unchanged) whose offsets run up to `largestOffset`, adding index entries by the
   * sparse rule: an entry for the appended chunk when more than index.interval.bytes went in since the last one.
   */
  append(largestOffset: number, largestTimestamp: number, offsetOfMaxTimestamp: number, blob: Buffer, deferWrite = false): Promise<void> {
    try {
      if (blob.length > SYNC_APPEND_MAX_BYTES) return this.appendAsync(largestOffset, largestTimestamp, offsetOfMaxTimestamp, blob);
      this.appendSync(largestOffset, largestTimestamp, offsetOfMaxTimestamp, blob, deferWrite);
      return Promise.resolve();
    } catch (err) {
      return Promise.reject(err);
    }
  }

  /**
   * append for a blob of at most `maxBytes` (SYNC_APPEND_MAX_BYTES; a follower's appends FOLLOWER_SYNC_APPEND_MAX_BYTES),
   * done when it returns (the bytes written, or deferred with `deferWrite`): no promise to wait for on the produce path.
   */
  appendSync(largestOffset: number, largestTimestamp: number, offsetOfMaxTimestamp: number, blob: Buffer, deferWrite = false, maxBytes = SYNC_APPEND_MAX_BYTES): void {
    if (blob.length > maxBytes) throw new RangeError(`a ${blob.length}-byte append is not done synchronously`);
    const position = this.checkAppend(largestOffset, blob);
    if (position < 0) return;
    if (deferWrite) this.defer(blob, position);
    else {
      this.writeDeferred();
      writeAtSync(this.fd, blob, 0, blob.length, position);
    }
    this.appended(largestOffset, largestTimestamp, offsetOfMaxTimestamp, blob, position);
  }

  private async appendAsync(largestOffset: number, largestTimestamp: number, offsetOfMaxTimestamp: number, blob: Buffer): Promise<void> {
    const position = this.checkAppend(largestOffset, blob);
    if (position < 0) return;
    this.writeDeferred();
    await writeAt(this.fd, blob, 0, blob.length, position);
    this.appended(largestOffset, largestTimestamp, offsetOfMaxTimestamp, blob, position);
  }

  /** Where `blob` goes, -1 when it is empty; throws when it does not fit the segment. */
  private checkAppend(largestOffset: number, blob: Buffer): number {
    if (blob.length === 0) return -1;
    if (!this.canConvertToRelativeOffset(largestOffset)) {
      throw new Error(`offset ${largestOffset} cannot be stored in the segment at base ${this.baseOffset}`);
    }
    const position = this.sizeBytes;
    if (position + blob.length > INT32_MAX) throw new Error(`segment ${this.logFile} would pass 2^31 - 1 bytes`);
    return position;
  }

  /** The bookkeeping of an append written (or deferred) at `position`, index entries included. */
  private appended(largestOffset: number, largestTimestamp: number, offsetOfMaxTimestamp: number, blob: Buffer, position: number): void {
    this.sizeBytes += blob.length;
    this.recent.add(blob, position);
    if (position === 0) this.rollingBasedTimestamp = largestTimestamp;
    if (largestTimestamp > this.maxTimestampSoFar) {
      this.maxTimestampSoFar = largestTimestamp;
      this.offsetOfMaxTimestampSoFar = offsetOfMaxTimestamp;
    }
    if (this.bytesSinceLastIndexEntry > this.config.indexIntervalBytes) {
      this.offsetIndex.append(largestOffset, position);
      this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
      this.bytesSinceLastIndexEntry = 0;
    }
    this.bytesSinceLastIndexEntry += blob.length;
  }

  /**
   * Holds `blob` (which must not change until written) to be written at `position` together with the other
   * appends of this turn of the event loop: one pwritev for the batches of several produce requests instead of a
   * pwrite each, whose fixed cost (and the zeroing of partly written pages) was as much as the copy. Written
   * before the turn ends (setImmediate), before any read of the file, and when much is waiting.
   */
  private defer(blob: Buffer, position: number): void {
    let d = this.deferred;
    if (d === null) {
      let resolve!: () => void;
      let reject!: (err: unknown) => void;
      const done = new Promise<void>((res, rej) => {
        resolve = res;
        reject = rej;
      });
      // Whoever waits for the write sees its failure; an unobserved one is not an unhandled rejection.
      done.catch(() => undefined);
      d = this.deferred = { bufs: [], bytes: 0, position, done, resolve, reject };
      setImmediate(() => {
        try {
          this.writeDeferred();
        } catch {
          // Reported through the waiters' promise.
        }
      });
    }
    d.bufs.push(blob);
    d.bytes += blob.length;
    if (d.bytes >= MAX_DEFERRED_BYTES || d.bufs.length >= MAX_DEFERRED_BUFFERS) {
      try {
        this.writeDeferred();
      } catch {
        // Reported through the waiters' promise.
      }
    }
  }

  /** Resolves once every append so far is in the file (at once when none is deferred); rejects if its write failed. */
  whenWritten(): Promise<void> {
    return this.deferred?.done ?? Promise.resolve();
  }

  /** Writes the deferred appends, with the index entries that point into them. Throws when the write fails. */
  writeDeferred(): void {
    const d = this.deferred;
    if (d === null) return;
    this.deferred = null;
    try {
      if (d.bufs.length === 1) writeAtSync(this.fd, d.bufs[0]!, 0, d.bytes, d.position);
      else writevAtSync(this.fd, d.bufs, d.position);
      this.offsetIndex.writeDirty();
      this.timeIndex.writeDirty();
    } catch (err) {
      d.reject(err);
      throw err;
    }
    d.resolve();
  }

  /** A reader over the bytes of the .log (deferred appends are written first). */
  reader(maxBatchBytes = INT32_MAX, chunkBytes = LOOKUP_CHUNK_BYTES): FileBatchReader {
    this.writeDeferred();
    return new FileBatchReader(this.fd, this.sizeBytes, maxBatchBytes, chunkBytes);
  }

  /** The first batch at or after `startingPosition` whose last offset is ≥ `offset`; null when none. */
  async searchForOffset(offset: number, startingPosition: number): Promise<BatchLocation | null> {
    const reader = this.reader();
    let position = startingPosition;
    for (;;) {
      const r = await reader.at(position, false);
      if (r.kind !== 'batch') return null;
      const h = readBatchHeader(r.buf, r.at, this.header);
      if (h.lastOffset >= offset) return { offset: h.lastOffset, position, size: r.size };
      position += r.size;
    }
  }

  /** Where the batch holding `offset` (or the first one after it) starts (Kafka's translateOffset). */
  async translateOffset(offset: number, startingFilePosition = 0): Promise<BatchLocation | null> {
    const recent = this.recent.find(offset, startingFilePosition);
    if (recent !== null) return recent;
    await this.offsetIndex.ensureLoaded();
    const mapping: OffsetPosition = this.offsetIndex.lookup(offset);
    return this.searchForOffset(offset, Math.max(mapping.position, startingFilePosition));
  }

  /**
   * Up to `maxBytes` from the batch holding `startOffset`, not past `maxPosition`. With `minOneMessage` the
   * first batch is returned whole even if larger than maxBytes. Null when the offset is beyond this segment.
   */
  async read(startOffset: number, maxBytes: number, maxPosition = this.sizeBytes, minOneMessage = false): Promise<SegmentFetch | null> {
    if (maxBytes < 0) throw new RangeError(`maxBytes ${maxBytes} is negative`);
    // The slice is read later, from the file: whatever it may cover must be there by then.
    this.writeDeferred();
    const start = await this.translateOffset(startOffset);
    if (!start) return null;
    const adjustedMaxBytes = minOneMessage ? Math.max(maxBytes, start.size) : maxBytes;
    const length = Math.max(0, Math.min(maxPosition - start.position, adjustedMaxBytes));
    return {
      slice: { fd: this.fd, position: start.position, length },
      fetchOffset: startOffset,
      segmentBaseOffset: this.baseOffset,
      firstEntryIncomplete: adjustedMaxBytes < start.size,
    };
  }

  /**
   * The first batch at or after `startingOffset` holding a timestamp ≥ target: its offset and timestamp, found
   * by `locate` when given, else the batch's first offset (not before startingOffset) and its maxTimestamp.
   */
  async findOffsetByTimestamp(timestamp: number, startingOffset: number, maxBatchBytes: number, locate?: TimestampLocator): Promise<TimestampOffset | null> {
    await this.loadIndexes();
    const fromTimeIndex = this.timeIndex.lookup(timestamp);
    const position = this.offsetIndex.lookup(Math.max(fromTimeIndex.offset, startingOffset)).position;
    const reader = this.reader(maxBatchBytes);
    let pos = position;
    for (;;) {
      let r = await reader.at(pos, false);
      if (r.kind !== 'batch') return null;
      const h = readBatchHeader(r.buf, r.at, this.header);
      if (h.maxTimestamp >= timestamp && h.lastOffset >= startingOffset) {
        if (!locate) return { timestamp: h.maxTimestamp, offset: Math.max(h.baseOffset, startingOffset) };
        r = await reader.at(pos, true);
        if (r.kind !== 'batch') return null;
        const found = locate(r.buf.subarray(r.at, r.at + r.size), timestamp, startingOffset);
        if (found) return found;
      }
      pos += r.size;
    }
  }

  /**
   * Re-validates every batch (framing, CRC, offsets in range and increasing), rebuilds both indexes, and cuts
   * the file after the last valid batch (Kafka's LogSegment.recover).
   */
  async recover(hooks: RecoveryHooks): Promise<RecoveryResult> {
    this.writeDeferred();
    await this.offsetIndex.reset(this.config.maxIndexSizeBytes);
    await this.timeIndex.reset(this.config.maxIndexSizeBytes);
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    const reader = this.reader(hooks.maxBatchBytes, DEFAULT_CHUNK_BYTES);
    let validBytes = 0;
    let lastIndexEntry = 0;
    let lastOffset = -1;
    let problem: string | null = null;
    for (;;) {
      const r = await reader.at(validBytes, true);
      if (r.kind === 'end') break;
      if (r.kind === 'incomplete') {
        problem = `batch at position ${validBytes} runs past the end of the file`;
        break;
      }
      if (r.kind === 'corrupt') {
        problem = `position ${validBytes}: ${r.reason}`;
        break;
      }
      const h = readBatchHeader(r.buf, r.at, this.header);
      problem = batchProblem(r.buf, r.at, h, hooks.crc32c);
      if (!problem && (h.baseOffset < this.baseOffset || !this.canConvertToRelativeOffset(h.lastOffset))) {
        problem = `offsets ${h.baseOffset}..${h.lastOffset} do not fit the segment at base ${this.baseOffset}`;
      }
      if (!problem && h.baseOffset <= lastOffset) problem = `offset ${h.baseOffset} does not follow ${lastOffset}`;
      if (problem) {
        problem = `position ${validBytes}: ${problem}`;
        break;
      }
      lastOffset = h.lastOffset;
      if (h.maxTimestamp > this.maxTimestampSoFar) {
        this.maxTimestampSoFar = h.maxTimestamp;
        this.offsetOfMaxTimestampSoFar = h.lastOffset;
      }
      if (validBytes - lastIndexEntry > this.config.indexIntervalBytes && !this.offsetIndex.isFull() && !this.timeIndex.isFull()) {
        await this.offsetIndex.append(h.lastOffset, validBytes);
        await this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar);
        lastIndexEntry = validBytes;
      }
      validBytes += r.size;
      hooks.onBatch?.(h);
    }
    const truncatedBytes = this.sizeBytes - validBytes;
    this.recent.clear();
    if (truncatedBytes > 0) await truncateFile(this.fd, validBytes);
    // Entries whose marker did not survive go; a marker whose entry was not written yet gets it back when the
    // producer state is replayed over the segment (producer-state-loader.ts).
    await this.txnIndex.truncateTo(lastOffset + 1);
    this.sizeBytes = validBytes;
    this.bytesSinceLastIndexEntry = validBytes - lastIndexEntry;
    this.rollingBasedTimestamp = undefined;
    await this.offsetIndex.trimToValidSize();
    await this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    await this.timeIndex.trimToValidSize();
    return { truncatedBytes, problem };
  }

  /** Index problems Kafka's sanityCheck finds (checked on clean start-up instead of recovering). */
  async sanityProblem(): Promise<string | null> {
    const offsetProblem = await this.offsetIndex.sanityProblem(this.offsetIndex.openedLengthBytes, this.sizeBytes);
    if (offsetProblem) return `${this.offsetIndex.file}: ${offsetProblem}`;
    const timeProblem = await this.timeIndex.sanityProblem(this.timeIndex.openedLengthBytes);
    return timeProblem ? `${this.timeIndex.file}: ${timeProblem}` : null;
  }

  /** Offset after the last batch: a scan from the last offset index entry to the end. */
  async readNextOffset(): Promise<number> {
    await this.offsetIndex.ensureLoaded();
    const reader = this.reader();
    let position = this.offsetIndex.lookup(this.offsetIndex.lastOffset).position;
    let next = this.baseOffset;
    for (;;) {
      const r = await reader.at(position, false);
      if (r.kind !== 'batch') return next;
      next = readBatchHeader(r.buf, r.at, this.header).lastOffset + 1;
      position += r.size;
    }
  }

  /**
   * Removes the batch holding `offset` and everything after it; returns the bytes cut. Indexes are re-grown
   * because the segment becomes the active one.
   */
  async truncateTo(offset: number): Promise<number> {
    this.writeDeferred();
    const mapping = await this.translateOffset(offset);
    await this.loadIndexes();
    this.offsetIndex.truncateTo(offset);
    this.timeIndex.truncateTo(offset);
    await this.txnIndex.truncateTo(mapping ? await this.firstOffsetAt(mapping.position) : offset);
    await this.offsetIndex.resize(this.config.maxIndexSizeBytes);
    await this.timeIndex.resize(this.config.maxIndexSizeBytes);
    let truncated = 0;
    this.recent.clear();
    if (mapping) {
      truncated = this.sizeBytes - mapping.position;
      await truncateFile(this.fd, mapping.position);
      this.sizeBytes = mapping.position;
    }
    if (this.sizeBytes === 0) {
      this.rollingBasedTimestamp = undefined;
    }
    this.bytesSinceLastIndexEntry = 0;
    this.maxTimestampSoFar = NO_TIMESTAMP;
    this.offsetOfMaxTimestampSoFar = this.baseOffset;
    await this.loadLargestTimestamp();
    return truncated;
  }

  /** Resets the wall-clock start used for time-based rolling when the segment has no timestamped batch. */
  resetCreatedMs(nowMs: number): void {
    this.createdMs = nowMs;
  }

  /** The first batch's max timestamp (what time-based rolling and max.compaction.lag.ms measure from), or -1. */
  async firstBatchTimestamp(): Promise<number> {
    if (this.rollingBasedTimestamp === undefined && this.sizeBytes > 0) {
      const r = await this.reader().at(0, false);
      if (r.kind === 'batch') this.rollingBasedTimestamp = readBatchHeader(r.buf, r.at, this.header).maxTimestamp;
    }
    return this.rollingBasedTimestamp ?? NO_TIMESTAMP;
  }

  /** Kafka's shouldRoll: size, time since the first batch's timestamp (or creation), full index, offset overflow. */
  async shouldRoll(p: RollParams): Promise<boolean> {
    return this.shouldRollKnown(p) ?? this.rollAfter(p, await this.firstBatchTimestamp());
  }

  /** shouldRoll when it needs no read of the file (the first batch's timestamp is known); else null. */
  shouldRollKnown(p: RollParams): boolean | null {
    if (this.sizeBytes > p.maxSegmentBytes - p.appendBytes) return true;
    if (this.offsetIndex.isFull() || this.timeIndex.isFull()) return true;
    if (!this.canConvertToRelativeOffset(p.maxOffsetInMessages)) return true;
    if (this.sizeBytes === 0) return false;
    return this.rollingBasedTimestamp === undefined ? null : this.rollAfter(p, this.rollingBasedTimestamp);
  }

  private rollAfter(p: RollParams, firstBatchTimestamp: number): boolean {
    const waitedMs = firstBatchTimestamp >= 0 ? p.maxTimestampInMessages - firstBatchTimestamp : p.nowMs - this.createdMs;
    return waitedMs > p.maxSegmentMs - this.rollJitterMs;
  }

  /** On roll: the final time index entry (may take the reserved slot), then indexes trimmed to their entries. */
  async onBecomeInactiveSegment(): Promise<void> {
    this.writeDeferred();
    await this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    await this.offsetIndex.trimToValidSize();
    await this.timeIndex.trimToValidSize();
  }

  /** Re-grows the indexes of the segment that becomes active at start-up. */
  async resizeIndexes(maxIndexSizeBytes: number): Promise<void> {
    await this.loadIndexes();
    await this.offsetIndex.resize(maxIndexSizeBytes);
    await this.timeIndex.resize(maxIndexSizeBytes);
  }

  async flush(): Promise<void> {
    this.writeDeferred();
    await Promise.all([fsyncFile(this.fd), this.offsetIndex.flush(), this.timeIndex.flush(), this.txnIndex.flush()]);
  }

  /** Final time entry, trimmed indexes, closed files. */
  async close(): Promise<void> {
    if (this.deleted) return;
    this.writeDeferred();
    if (!this.timeIndex.loaded && this.maxTimestampSoFar > (await this.timeIndex.lastEntryOnDisk()).timestamp) {
      await this.timeIndex.ensureLoaded();
    }
    if (this.timeIndex.loaded) await this.timeIndex.maybeAppend(this.maxTimestampSoFar, this.offsetOfMaxTimestampSoFar, true);
    await this.offsetIndex.close();
    await this.timeIndex.close();
    await this.txnIndex.close();
    await closeFile(this.fd);
  }

  /** Renames every file from `<name><from>` to `<name><to>` (the cleaner's `.cleaned` → `.swap` → final name). */
  async changeFileSuffix(from: string, to: string): Promise<void> {
    const renamed = (file: string): string => {
      if (!file.endsWith(from)) throw new Error(`${file} does not end with '${from}'`);
      return file.slice(0, file.length - from.length) + to;
    };
    this.writeDeferred();
    const logFile = renamed(this.logFile);
    await fs.promises.rename(this.logFile, logFile);
    this.logFile = logFile;
    await this.offsetIndex.renameTo(renamed(this.offsetIndex.file));
    await this.timeIndex.renameTo(renamed(this.timeIndex.file));
    await this.txnIndex.renameTo(renamed(this.txnIndex.file));
  }

  /** Modification time of the .log file (Kafka's segment lastModified, which delete.retention.ms counts from). */
  async lastModifiedMs(): Promise<number> {
    this.writeDeferred();
    return (await fs.promises.stat(this.logFile)).mtimeMs;
  }

  /** Renames every file to `<name>.deleted`; the descriptors stay open so fetch slices stay readable. */
  async markDeleted(): Promise<void> {
    this.writeDeferred();
    this.deleted = true;
    await fs.promises.rename(this.logFile, this.logFile + DELETED_SUFFIX);
    this.logFile += DELETED_SUFFIX;
    await this.offsetIndex.renameTo(this.offsetIndex.file + DELETED_SUFFIX);
    await this.timeIndex.renameTo(this.timeIndex.file + DELETED_SUFFIX);
    await this.txnIndex.renameTo(this.txnIndex.file + DELETED_SUFFIX);
  }

  /** Closes the descriptors and removes the files (after markDeleted and the delete delay). */
  async deleteFiles(): Promise<void> {
    this.writeDeferred();
    this.deleted = true;
    await Promise.allSettled([closeFile(this.fd), this.offsetIndex.closeHandle(), this.timeIndex.closeHandle()]);
    for (const file of [this.logFile, this.offsetIndex.file, this.timeIndex.file]) await fs.promises.rm(file, { force: true });
    await this.txnIndex.deleteFile();
  }

  /** The base offset of the batch at `position` (the first offset a truncation there removes). */
  private async firstOffsetAt(position: number): Promise<number> {
    const r = await this.reader().at(position, false);
    return r.kind === 'batch' ? readBatchHeader(r.buf, r.at, this.header).baseOffset : this.baseOffset;
  }
}
