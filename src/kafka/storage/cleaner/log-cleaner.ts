// One compaction pass over a log (Kafka's Cleaner.doClean): the latest offset of every key in the dirty section
// [firstDirtyOffset, firstUncleanableOffset) goes into a fixed-size offset map, then every segment from the log's
// start up to where the map reaches is copied into `.cleaned` segments (grouped up to segment.bytes) keeping only
// records that are the latest for their key; tombstones are kept until delete.retention.ms after the segment that
// holds them was cleaned. Batches whose records all survive are copied byte for byte; the others are rebuilt with
// the same base offset, offsets, timestamps, producer fields and compression. The cleaned segment is swapped in
// through `.swap` files, which a restart completes (log-loader.ts) if it is interrupted. Transactions: nothing at or
// after the last stable offset is cleaned (an open transaction's records stay as they are); records of aborted
// transactions (from the `.txnindex`) neither enter the offset map nor survive the copy, as in Kafka; control
// batches are always kept, and the aborted-transaction entries of the source segments go to the cleaned one.
import {
  buildRecordBatch, iterateRecords, MAGIC_V2, RecordBatchView, RecordCursor, RecordReader, recordsData, type KafkaRecord, type RecordInput,
} from '../../protocol/records/index.js';
import type { Log } from '../log.js';
import type { LogSegment } from '../log-segment.js';
import type { AbortedTxn } from '../transaction-index.js';
import { OffsetMap, OFFSET_MAP_SLOT_BYTES } from './offset-map.js';

const INT32_MAX = 0x7fffffff;

type Throttle = (bytes: number) => Promise<void>;

export interface CompactionSettings {
  /** delete.retention.ms: how long a tombstone outlives the cleaning that first reached it. */
  deleteRetentionMs: number;
  /** min.compaction.lag.ms: records younger than this are not compacted. */
  minCompactionLagMs: number;
}

export interface CleanerOptions {
  /** log.cleaner.dedupe.buffer.size / log.cleaner.threads: the offset map's memory ceiling. */
  dedupeBufferBytes: number;
  /** log.cleaner.io.buffer.load.factor. */
  loadFactor: number;
  nowMs: number;
  /** Called with the bytes of every batch read and written (log.cleaner.io.max.bytes.per.second); may sleep. */
  throttle?: (bytes: number) => Promise<void>;
}

export interface CleanableRange {
  firstDirtyOffset: number;
  /** Exclusive end of what may be cleaned: the active segment, the high watermark and min.compaction.lag.ms. */
  firstUncleanableOffset: number;
  cleanBytes: number;
  dirtyBytes: number;
}

export interface CleanStats {
  firstDirtyOffset: number;
  /** Where the next pass starts: the new cleaner checkpoint. */
  endOffset: number;
  segmentsCleaned: number;
  bytesRead: number;
  bytesWritten: number;
  recordsRead: number;
  recordsRetained: number;
  mapEntries: number;
}

/** Bytes of the segments wholly below `offset` that start at or after `from`. */
function bytesBetween(segments: readonly LogSegment[], from: number, to: number): number {
  let bytes = 0;
  for (let i = 0; i < segments.length; i++) {
    const s = segments[i]!;
    const next = segments[i + 1]?.baseOffset ?? Infinity;
    if (s.baseOffset >= to) break;
    if (next <= from) continue;
    bytes += s.size;
  }
  return bytes;
}

/** Kafka's LogCleanerManager.cleanableOffsets, with the checkpointed first dirty offset clamped into the log. */
export async function cleanableRange(log: Log, checkpointed: number | undefined, settings: CompactionSettings, nowMs: number): Promise<CleanableRange> {
  const segments = log.logSegments();
  let firstDirty = checkpointed ?? log.logStartOffset;
  if (firstDirty < log.logStartOffset || firstDirty > log.activeSegment.baseOffset) firstDirty = log.logStartOffset;
  // The last stable offset is at most the high watermark: an open or unreplicated transaction stops the cleaning.
  let uncleanable = Math.min(log.activeSegment.baseOffset, log.highWatermark, log.lastStableOffset);
  if (settings.minCompactionLagMs > 0) {
    for (const s of segments) {
      if (s.baseOffset >= uncleanable) break;
      if ((await s.largestTimestamp()) > nowMs - settings.minCompactionLagMs) {
        uncleanable = s.baseOffset;
        break;
      }
    }
  }
  firstDirty = Math.min(firstDirty, uncleanable);
  return {
    firstDirtyOffset: firstDirty,
    firstUncleanableOffset: uncleanable,
    cleanBytes: bytesBetween(segments, log.logStartOffset, firstDirty),
    dirtyBytes: bytesBetween(segments, firstDirty, uncleanable),
  };
}

/** Dirty bytes over all cleanable bytes (Kafka's cleanableRatio). */
export function dirtyRatio(range: CleanableRange): number {
  const total = range.cleanBytes + range.dirtyBytes;
  return total === 0 ? 0 : range.dirtyBytes / total;
}

/** The batches of a segment, each whole: a view into the reader's window, valid until the next batch is asked for. */
async function* segmentBatches(segment: LogSegment): AsyncGenerator<Buffer> {
  const reader = segment.reader(INT32_MAX);
  let position = 0;
  for (;;) {
    const next = await reader.at(position, true);
    if (next.kind === 'end') return;
    if (next.kind !== 'batch') throw new Error(`${segment.logFile}: ${next.kind === 'corrupt' ? next.reason : 'incomplete batch'} at position ${position}`);
    yield next.buf.subarray(next.at, next.at + next.size);
    position += next.size;
  }
}

/** A v2 data batch with its records area (decompressed), or null for batches kept as they are (legacy, control). */
async function dataBatch(batch: Buffer): Promise<{ view: RecordBatchView; data: Buffer } | null> {
  const view = new RecordBatchView(batch, 0);
  if (view.magic !== MAGIC_V2 || view.isControl) return null;
  return { view, data: await recordsData(view) };
}

/** The aborted transactions of the log's segments, by producer: a transactional batch inside one of them is aborted. */
class AbortedRanges {
  private readonly byProducer = new Map<number, AbortedTxn[]>();

  constructor(log: Log, upToOffset: number) {
    for (const t of log.abortedTxnsBetween(0, Number.MAX_SAFE_INTEGER)) {
      if (t.firstOffset >= upToOffset) continue;
      let list = this.byProducer.get(t.producerId);
      if (!list) this.byProducer.set(t.producerId, (list = []));
      list.push(t);
    }
  }

  isAborted(view: RecordBatchView): boolean {
    if (!view.isTransactional || view.isControl) return false;
    const list = this.byProducer.get(view.producerId);
    return list !== undefined && list.some((t) => t.firstOffset <= view.baseOffset && view.baseOffset < t.lastOffset);
  }
}

function keyOf(data: Buffer, r: RecordCursor): Buffer | null {
  return r.keyLength < 0 ? null : data.subarray(r.keyStart, r.keyStart + r.keyLength);
}

/**
 * Fills `map` from the dirty section in offset order and stops where it would pass its load factor (Kafka stops at
 * a segment boundary; stopping inside one only leaves that segment's rest dirty for the next pass). Returns the
 * offset the map covers up to (exclusive).
 */
async function buildOffsetMap(log: Log, range: CleanableRange, map: OffsetMap, stats: CleanStats, throttle: Throttle, aborted: AbortedRanges): Promise<number> {
  const segments = log.logSegments();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const segmentEnd = segments[i + 1]?.baseOffset ?? log.logEndOffset;
    if (segmentEnd <= range.firstDirtyOffset) continue;
    if (segment.baseOffset >= range.firstUncleanableOffset) break;
    const r = new RecordCursor();
    for await (const batch of segmentBatches(segment)) {
      stats.bytesRead += batch.length;
      await throttle(batch.length);
      const decoded = await dataBatch(batch);
      if (!decoded || aborted.isAborted(decoded.view)) continue;
      const { view, data } = decoded;
      const reader = new RecordReader(data, view.recordCount);
      while (reader.next(r)) {
        const offset = view.baseOffset + r.offsetDelta;
        if (offset < range.firstDirtyOffset) continue;
        if (offset >= range.firstUncleanableOffset) return range.firstUncleanableOffset;
        const key = keyOf(data, r);
        if (key === null) continue;
        if (map.full && map.get(key) < 0) return view.baseOffset > range.firstDirtyOffset ? view.baseOffset : offset;
        map.put(key, offset);
      }
    }
  }
  return range.firstUncleanableOffset;
}

/** Consecutive segments below `endOffset` whose contents fit one segment (Kafka's groupSegmentsBySize). */
function groupSegments(segments: readonly LogSegment[], endOffset: number, log: Log): LogSegment[][] {
  const groups: LogSegment[][] = [];
  const eligible = segments.filter((s, i) => (segments[i + 1]?.baseOffset ?? Infinity) <= endOffset && s !== log.activeSegment);
  let i = 0;
  while (i < eligible.length) {
    const group = [eligible[i]!];
    let bytes = eligible[i]!.size;
    i++;
    while (i < eligible.length) {
      const next = eligible[i]!;
      const nextEnd = eligible[i + 1]?.baseOffset ?? endOffset;
      if (bytes + next.size > log.config.segmentBytes || nextEnd - 1 - group[0]!.baseOffset > INT32_MAX) break;
      group.push(next);
      bytes += next.size;
      i++;
    }
    groups.push(group);
  }
  return groups;
}

function retainRecord(key: Buffer | null, offset: number, isTombstone: boolean, map: OffsetMap, retainDeletes: boolean): boolean {
  if (key === null) return false; // a compacted topic refuses keyless records; any left are dropped, as Kafka does
  const latest = map.get(key);
  if (latest >= 0 && offset < latest) return false;
  return !isTombstone || retainDeletes;
}

/** Which records of the batch stay (by position), walking it without building record objects. */
function retained(view: RecordBatchView, data: Buffer, map: OffsetMap, retainDeletes: boolean): boolean[] {
  const keep: boolean[] = [];
  const r = new RecordCursor();
  const reader = new RecordReader(data, view.recordCount);
  while (reader.next(r)) keep.push(retainRecord(keyOf(data, r), view.baseOffset + r.offsetDelta, r.valueLength < 0, map, retainDeletes));
  return keep;
}

function rebuildInput(view: RecordBatchView, record: KafkaRecord): RecordInput {
  return {
    key: record.key,
    value: record.value,
    headers: record.headers.map((h) => ({ key: h.key, value: h.value })),
    timestamp: record.timestamp,
    offsetDelta: record.offset - view.baseOffset,
  };
}

async function rebuiltBatch(view: RecordBatchView, kept: KafkaRecord[]): Promise<Buffer> {
  return buildRecordBatch(kept.map((r) => rebuildInput(view, r)), {
    baseOffset: view.baseOffset,
    partitionLeaderEpoch: view.partitionLeaderEpoch,
    compression: view.compression,
    timestampType: view.timestampType,
    logAppendTime: view.maxTimestamp,
    producerId: view.producerId,
    producerEpoch: view.producerEpoch,
    baseSequence: view.baseSequence,
    isTransactional: view.isTransactional,
  });
}

/** Copies one group of segments into a `.cleaned` segment and swaps it in. */
async function cleanGroup(
  log: Log, group: LogSegment[], map: OffsetMap, deleteHorizonMs: number, stats: CleanStats, throttle: Throttle, aborted: AbortedRanges,
): Promise<void> {
  const base = group[0]!.baseOffset;
  const cleaned = await log.createCleanedSegment(base);
  try {
    // Every control batch is kept, so every aborted transaction's marker stays and with it its index entry.
    for (const source of group) for (const t of source.txnIndex.entries()) await cleaned.txnIndex.append(t);
    for (const source of group) {
      const retainDeletes = (await source.lastModifiedMs()) > deleteHorizonMs;
      for await (const batch of segmentBatches(source)) {
        stats.bytesRead += batch.length;
        await throttle(batch.length);
        const decoded = await dataBatch(batch);
        let out = batch;
        if (decoded) {
          const keep = aborted.isAborted(decoded.view) ? new Array<boolean>(decoded.view.recordCount).fill(false) : retained(decoded.view, decoded.data, map, retainDeletes);
          const kept = keep.filter(Boolean).length;
          stats.recordsRead += keep.length;
          stats.recordsRetained += kept;
          if (kept === 0) continue;
          // Only a batch that loses some of its records is decoded into objects and built again.
          if (kept !== keep.length) out = await rebuiltBatch(decoded.view, [...iterateRecords(decoded.view, decoded.data)].filter((_, i) => keep[i]));
        }
        const view = new RecordBatchView(out, 0);
        await cleaned.append(view.lastOffset, view.maxTimestamp, view.lastOffset, out);
        stats.bytesWritten += out.length;
        await throttle(out.length);
      }
    }
    await cleaned.onBecomeInactiveSegment();
    await cleaned.flush();
    if (!(await log.replaceSegments(cleaned, group))) await discard(cleaned);
    else stats.segmentsCleaned += group.length;
  } catch (err) {
    await discard(cleaned);
    throw err;
  }
}

async function discard(segment: LogSegment): Promise<void> {
  await segment.deleteFiles();
}

/**
 * Cleans `log` from its start through the dirty section as far as an offset map of `dedupeBufferBytes` reaches.
 * Returns what was done; `endOffset` is the new first dirty offset to checkpoint.
 */
export async function cleanLog(log: Log, range: CleanableRange, settings: CompactionSettings, opts: CleanerOptions): Promise<CleanStats> {
  const stats: CleanStats = {
    firstDirtyOffset: range.firstDirtyOffset, endOffset: range.firstDirtyOffset, segmentsCleaned: 0,
    bytesRead: 0, bytesWritten: 0, recordsRead: 0, recordsRetained: 0, mapEntries: 0,
  };
  if (range.firstUncleanableOffset <= range.firstDirtyOffset) return stats;
  // The map only needs room for the dirty records: at most one per 8 bytes of a batch's record area.
  const wanted = Math.max(OFFSET_MAP_SLOT_BYTES * 1024, Math.ceil((range.dirtyBytes / 8 / opts.loadFactor) * OFFSET_MAP_SLOT_BYTES));
  const map = new OffsetMap(Math.min(opts.dedupeBufferBytes, wanted), opts.loadFactor);
  const throttle: Throttle = opts.throttle ?? (() => Promise.resolve());
  const aborted = new AbortedRanges(log, range.firstUncleanableOffset);
  const endOffset = await buildOffsetMap(log, range, map, stats, throttle, aborted);
  stats.mapEntries = map.size;
  if (endOffset <= range.firstDirtyOffset) return stats;
  // Tombstones go from segments last modified before (the last cleaned segment's time - delete.retention.ms).
  const segments = log.logSegments();
  const lastClean = segments.filter((s) => s.baseOffset < range.firstDirtyOffset).at(-1);
  const deleteHorizonMs = lastClean ? (await lastClean.lastModifiedMs()) - settings.deleteRetentionMs : 0;
  for (const group of groupSegments(segments, endOffset, log)) await cleanGroup(log, group, map, deleteHorizonMs, stats, throttle, aborted);
  stats.endOffset = endOffset;
  return stats;
}

