// One compaction pass over a log (Kafka's Cleaner.doClean): the latest offset of every key in the dirty section
// [firstDirtyOffset, firstUncleanableOffset) goes into a fixed-size offset map, then every segment from the log's
// start up to where the map reaches is copied into `.cleaned` segments (grouped up to segment.bytes) keeping only
// records that are the latest for their key; tombstones are kept until delete.retention.ms after the segment that
// holds them was cleaned. Batches whose records all survive are copied byte for byte; the others are rebuilt with
// the same base offset, offsets, timestamps, producer fields and compression. The cleaned segment is swapped in
// through `.swap` files, which a restart completes (log-loader.ts) if it is interrupted. A rebuilt batch keeps its
// original last offset, and the last batch of every active producer stays even when none of its records does (an
// empty batch), so the producer's last sequence and epoch survive in the log, as in Kafka. Transactions: nothing at
// or after the last stable offset is cleaned (an open transaction's records stay as they are); records of aborted
// transactions (from the `.txnindex`) neither enter the offset map nor survive the copy; transaction markers go
// once their transaction has no batch left and their segment is past the delete horizon (cleaned-transactions.ts).
import {
  buildRecordBatch, iterateRecords, MAGIC_V2, readEndTxnMarker, RecordBatchView, RecordCursor, RecordReader, recordsData, type KafkaRecord, type RecordInput,
} from '../../protocol/records/index.js';
import { crc32c } from '../../protocol/records/crc32c.js';
import {
  ATTRIBUTES_POS, BASE_TIMESTAMP_POS, BATCH_HEADER_BYTES, CRC_POS, LENGTH_POS, LOG_OVERHEAD, RECORD_COUNT_POS,
} from '../../protocol/records/record-batch.js';
import { writeInt64 } from '../../protocol/records/int64.js';
import type { Log, ProducerLastRecord } from '../log.js';
import type { LogSegment } from '../log-segment.js';
import { CleanedTransactions } from './cleaned-transactions.js';
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

/** The aborted transactions overlapping `segment` (Kafka's collectAbortedTransactions for a cleaning stretch). */
function abortedIn(log: Log, segments: readonly LogSegment[], i: number) {
  return log.collectAbortedTxns(segments[i]!.baseOffset, segments[i + 1]?.baseOffset ?? log.logEndOffset, Infinity);
}

function keyOf(data: Buffer, r: RecordCursor): Buffer | null {
  return r.keyLength < 0 ? null : data.subarray(r.keyStart, r.keyStart + r.keyLength);
}

/**
 * Fills `map` from the dirty section in offset order and stops where it would pass its load factor (Kafka stops at
 * a segment boundary; stopping inside one only leaves that segment's rest dirty for the next pass). Returns the
 * offset the map covers up to (exclusive).
 */
async function buildOffsetMap(log: Log, range: CleanableRange, map: OffsetMap, stats: CleanStats, throttle: Throttle): Promise<number> {
  const segments = log.logSegments();
  const txns = new CleanedTransactions();
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i]!;
    const segmentEnd = segments[i + 1]?.baseOffset ?? log.logEndOffset;
    if (segmentEnd <= range.firstDirtyOffset) continue;
    if (segment.baseOffset >= range.firstUncleanableOffset) break;
    txns.addAborted(abortedIn(log, segments, i));
    const r = new RecordCursor();
    for await (const batch of segmentBatches(segment)) {
      stats.bytesRead += batch.length;
      await throttle(batch.length);
      const view = new RecordBatchView(batch, 0);
      if (view.magic !== MAGIC_V2) continue;
      if (view.isControl) {
        await txns.onControlBatchRead(view, readEndTxnMarker(batch));
        continue;
      }
      if (txns.onBatchRead(view)) continue;
      const data = await recordsData(view);
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

/** The batch with only `kept` of its records, its last offset (so its last sequence) unchanged, as Kafka's overrideLastOffset. */
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
    lastOffsetDelta: view.lastOffsetDelta,
  });
}

/**
 * Kafka's writeEmptyHeader: the batch's header with no records (no compression, no first timestamp), kept so that
 * its producer's last sequence and epoch stay in the log.
 */
function emptyBatch(view: RecordBatchView): Buffer {
  const out = Buffer.from(view.buffer.subarray(view.start, view.start + BATCH_HEADER_BYTES));
  out.writeInt32BE(BATCH_HEADER_BYTES - LOG_OVERHEAD, LENGTH_POS);
  out.writeUInt16BE(out.readUInt16BE(ATTRIBUTES_POS) & ~0x07, ATTRIBUTES_POS);
  writeInt64(out, BASE_TIMESTAMP_POS, -1);
  out.writeInt32BE(0, RECORD_COUNT_POS);
  out.writeUInt32BE(crc32c(out.subarray(ATTRIBUTES_POS)), CRC_POS);
  return out;
}

/** Kafka's isBatchLastRecordOfProducer: the last data batch of an active producer, or its last marker when it has none. */
function isLastOfProducer(view: RecordBatchView, lastRecords: ReadonlyMap<number, ProducerLastRecord>): boolean {
  if (!view.hasProducerId) return false;
  const last = lastRecords.get(view.producerId);
  if (last === undefined) return false;
  return last.lastDataOffset !== null ? view.lastOffset === last.lastDataOffset : view.isControl && view.producerEpoch === last.producerEpoch;
}

/** What a cleaning pass carries from group to group. */
interface PassState {
  map: OffsetMap;
  deleteHorizonMs: number;
  stats: CleanStats;
  throttle: Throttle;
  txns: CleanedTransactions;
  lastRecords: ReadonlyMap<number, ProducerLastRecord>;
}

/** Copies one group of segments into a `.cleaned` segment and swaps it in. */
async function cleanGroup(log: Log, segments: readonly LogSegment[], group: LogSegment[], pass: PassState): Promise<void> {
  const { map, stats, throttle, txns, lastRecords } = pass;
  const cleaned = await log.createCleanedSegment(group[0]!.baseOffset);
  txns.cleanedIndex = cleaned.txnIndex;
  try {
    for (const source of group) {
      txns.addAborted(abortedIn(log, segments, segments.indexOf(source)));
      // Tombstones and transaction markers stay while their segment is newer than the horizon.
      const retainDeletes = (await source.lastModifiedMs()) > pass.deleteHorizonMs;
      for await (const batch of segmentBatches(source)) {
        stats.bytesRead += batch.length;
        await throttle(batch.length);
        const out = await cleanedBatch(batch, map, retainDeletes, txns, lastRecords, stats);
        if (out === null) continue;
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
  } finally {
    txns.cleanedIndex = null;
  }
}

/**
 * What of one batch goes to the cleaned segment (Kafka's checkBatchRetention and shouldRetainRecord): the batch as
 * it is, rebuilt with fewer records, an empty batch for a producer's last one, or nothing.
 */
async function cleanedBatch(
  batch: Buffer, map: OffsetMap, retainDeletes: boolean, txns: CleanedTransactions, lastRecords: ReadonlyMap<number, ProducerLastRecord>, stats: CleanStats,
): Promise<Buffer | null> {
  const view = new RecordBatchView(batch, 0);
  if (view.magic !== MAGIC_V2) return batch;
  const keepEmpty = isLastOfProducer(view, lastRecords);
  if (view.isControl) {
    const discard = (await txns.onControlBatchRead(view, readEndTxnMarker(batch))) && !retainDeletes;
    if (!discard) return batch;
    return keepEmpty ? emptyBatch(view) : null;
  }
  const discard = txns.onBatchRead(view);
  const data = await recordsData(view);
  const keep = discard ? new Array<boolean>(view.recordCount).fill(false) : retained(view, data, map, retainDeletes);
  const kept = keep.filter(Boolean).length;
  stats.recordsRead += keep.length;
  stats.recordsRetained += kept;
  if (kept === keep.length) return batch;
  if (kept === 0) return keepEmpty ? emptyBatch(view) : null;
  // Only a batch that loses some of its records is decoded into objects and built again.
  return rebuiltBatch(view, [...iterateRecords(view, data)].filter((_, i) => keep[i]));
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
  const endOffset = await buildOffsetMap(log, range, map, stats, throttle);
  stats.mapEntries = map.size;
  if (endOffset <= range.firstDirtyOffset) return stats;
  // Tombstones go from segments last modified before (the last cleaned segment's time - delete.retention.ms).
  const segments = log.logSegments();
  const lastClean = segments.filter((s) => s.baseOffset < range.firstDirtyOffset).at(-1);
  const deleteHorizonMs = lastClean ? (await lastClean.lastModifiedMs()) - settings.deleteRetentionMs : 0;
  const pass: PassState = { map, deleteHorizonMs, stats, throttle, txns: new CleanedTransactions(), lastRecords: log.lastRecordsOfActiveProducers() };
  for (const group of groupSegments(segments, endOffset, log)) await cleanGroup(log, segments, group, pass);
  stats.endOffset = endOffset;
  return stats;
}

