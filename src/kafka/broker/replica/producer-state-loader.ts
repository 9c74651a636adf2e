// Rebuilds a partition's producer state when it is opened, as Kafka's Log.loadProducerState: snapshots above the log
// end or at/below the log start go, as do those matching no segment base (except the newest, when above the last
// base); the newest readable snapshot is loaded (an unreadable one is deleted and the next older one tried) and the
// batch headers after it are replayed, read in bounded windows; then the log snapshots the state at its end from now
// on. A log with no snapshot at all (written before snapshots existed) has all of its batch headers replayed.
// Transactional batches reopen their producers' transactions and markers end them; an ABORT marker whose entry is
// missing from its segment's `.txnindex` (cut by recovery, or never written before a kill) gets it back.
import { DEFAULT_CHUNK_BYTES } from '../../storage/file-batch-reader.js';
import { emptyHeader, readBatchHeader } from '../../storage/batch-header.js';
import { readEndTxnMarker } from '../../protocol/records/index.js';
import type { Log } from '../../storage/log.js';
import {
  CorruptSnapshotError, deleteProducerSnapshot, listSnapshotOffsets, readProducerSnapshot, type ProducerSnapshotEntry,
} from '../../storage/producer-snapshot.js';
import type { ProducerStateManager } from './producer-state.js';

const INT32_MAX = 0x7fffffff;
const TRANSACTIONAL_ATTRIBUTE = 0x10;
const CONTROL_ATTRIBUTE = 0x20;
/** transactional.id.expiration.ms (7 days): Kafka 2.8 drops snapshot entries this old, when not in a transaction. */
export const SNAPSHOT_PRODUCER_EXPIRATION_MS = 7 * 24 * 60 * 60 * 1000;

export interface ProducerStateLoad {
  /** The snapshot the state started from; null when every batch was replayed. */
  snapshotOffset: number | null;
  /** Batches replayed after it. */
  replayedBatches: number;
  /** Snapshot files deleted (stray, out of range or unreadable). */
  deletedSnapshots: number;
}

/** Deletes the snapshots Kafka would not keep; returns those left, ascending. */
async function pruneSnapshots(log: Log, load: ProducerStateLoad): Promise<number[]> {
  const bases = new Set(log.logSegments().map((s) => s.baseOffset));
  const lastBase = log.activeSegment.baseOffset;
  const offsets = listSnapshotOffsets(log.dir);
  // ProducerStateManager.removeStraySnapshots: of the snapshots at no segment base only the newest may stay, if above the last base.
  const newestStray = offsets.filter((o) => !bases.has(o)).at(-1);
  const kept: number[] = [];
  for (const o of offsets) {
    const keep = (bases.has(o) || (o === newestStray && o > lastBase)) && o <= log.logEndOffset && o > log.logStartOffset;
    if (keep) kept.push(o);
    else {
      await deleteProducerSnapshot(log.dir, o);
      load.deletedSnapshots++;
    }
  }
  return kept;
}

async function newestReadableSnapshot(log: Log, offsets: number[], load: ProducerStateLoad): Promise<{ offset: number; entries: ProducerSnapshotEntry[] } | null> {
  for (let i = offsets.length - 1; i >= 0; i--) {
    const offset = offsets[i]!;
    try {
      return { offset, entries: await readProducerSnapshot(log.dir, offset) };
    } catch (err) {
      if (!(err instanceof CorruptSnapshotError)) throw err;
      await deleteProducerSnapshot(log.dir, offset);
      load.deletedSnapshots++;
    }
  }
  return null;
}

/** Replays the headers of every batch ending at or after `fromOffset` (and not below the log start). */
async function replayBatches(log: Log, state: ProducerStateManager, fromOffset: number, nowMs: number): Promise<number> {
  const header = emptyHeader();
  const segments = log.logSegments();
  let replayed = 0;
  for (let i = 0; i < segments.length; i++) {
    const next = segments[i + 1];
    if (next && next.baseOffset <= fromOffset) continue;
    const reader = segments[i]!.reader(INT32_MAX, DEFAULT_CHUNK_BYTES);
    let position = 0;
    for (;;) {
      const r = await reader.at(position, false);
      if (r.kind !== 'batch') break;
      const h = readBatchHeader(r.buf, r.at, header);
      position += r.size;
      if (h.magic !== 2 || h.producerId < 0 || h.lastOffset < fromOffset || h.lastOffset < log.logStartOffset) continue;
      replayed++;
      if ((h.attributes & CONTROL_ATTRIBUTE) !== 0) {
        const full = await reader.at(position - r.size, true);
        if (full.kind !== 'batch') break;
        const marker = readEndTxnMarker(full.buf, full.at, full.size);
        if (!marker) continue;
        const aborted = state.endTxn({
          producerId: h.producerId, producerEpoch: h.producerEpoch, coordinatorEpoch: marker.coordinatorEpoch, commit: marker.commit,
          offset: h.lastOffset, timestamp: h.maxTimestamp,
        }, nowMs);
        if (aborted) await log.addAbortedTxn(aborted);
        continue;
      }
      let lastSequence = h.baseSequence < 0 ? -1 : h.baseSequence + h.lastOffsetDelta;
      if (lastSequence > INT32_MAX) lastSequence -= INT32_MAX + 1;
      state.update({
        producerId: h.producerId, producerEpoch: h.producerEpoch, baseSequence: h.baseSequence, lastSequence,
        firstOffset: h.baseOffset, lastOffset: h.lastOffset, maxTimestamp: h.maxTimestamp,
        isTransactional: (h.attributes & TRANSACTIONAL_ATTRIBUTE) !== 0,
      }, nowMs);
    }
  }
  return replayed;
}

export async function loadProducerState(log: Log, state: ProducerStateManager, nowMs: number): Promise<ProducerStateLoad> {
  const load: ProducerStateLoad = { snapshotOffset: null, replayedBatches: 0, deletedSnapshots: 0 };
  const snapshot = await newestReadableSnapshot(log, await pruneSnapshots(log, load), load);
  state.clear();
  if (snapshot) {
    const live = snapshot.entries.filter((e) => e.currentTxnFirstOffset >= 0 || nowMs - e.timestamp < SNAPSHOT_PRODUCER_EXPIRATION_MS);
    state.loadSnapshot(live, nowMs);
    load.snapshotOffset = snapshot.offset;
  }
  load.replayedBatches = await replayBatches(log, state, snapshot?.offset ?? 0, nowMs);
  log.attachProducerState(state);
  await log.snapshotProducerState();
  return load;
}
