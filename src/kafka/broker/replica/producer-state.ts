// Per-partition state of idempotent and transactional producers (Kafka's ProducerStateManager): for each producer
// id its epoch, the metadata of its last few batches (so a retried batch is recognised as a duplicate and answered
// with the offset it got the first time, and a gap in sequence numbers is refused), the first offset of its open
// transaction and the coordinator epoch of its last marker. A transactional batch opens (or extends) the producer's
// transaction; a control batch (COMMIT/ABORT marker) ends it. The first offset of the oldest open transaction, or of a
// completed one whose marker the high watermark has not passed yet, bounds the last stable offset. Its log snapshots
// it (`<offset>.snapshot`) at every roll and clean close; a partition being loaded starts from the newest snapshot
// and replays the batches after it. Pure: no I/O, no clock.
import { ErrorCode } from '../../protocol/index.js';
import { readEndTxnMarker, recordBatches } from '../../protocol/records/index.js';
import type { ProducerSnapshotEntry } from '../../storage/producer-snapshot.js';
import type { AbortedTxn } from '../../storage/transaction-index.js';

/** Kafka keeps the last five batches per producer: the most a producer has in flight (max.in.flight ≤ 5). */
export const BATCHES_KEPT_PER_PRODUCER = 5;
/** producer.id.expiration.ms default: a producer silent this long is forgotten. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
/** Bound on producers remembered per partition; the least recently active go first. */
export const DEFAULT_MAX_PRODUCERS_PER_PARTITION = 100_000;

const NO_EPOCH = -1;
const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fffffff;

/**
 * Who appends, as Kafka's AppendOrigin: a client's Produce (duplicates, epochs and sequences checked), a coordinator
 * of this broker (markers and the group coordinator's transactional offset commits: epochs checked, no sequences) or
 * replication (a follower or a replay of the log: nothing checked).
 */
export type ProducerOrigin = 'client' | 'coordinator' | 'replication';

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  /** Offsets once appended (the first and last offset of the batch). */
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
  isTransactional?: boolean;
}

/** A transaction marker (the one record of a control batch) as appended at `offset`. */
export interface TxnMarker {
  producerId: number;
  producerEpoch: number;
  coordinatorEpoch: number;
  commit: boolean;
  offset: number;
  timestamp: number;
}

interface BatchMetadata {
  firstSeq: number;
  lastSeq: number;
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
}

interface ProducerEntry {
  epoch: number;
  batches: BatchMetadata[];
  lastActiveMs: number;
  lastTimestamp: number;
  /** First offset of the open transaction, -1 when none. */
  currentTxnFirstOffset: number;
  /** Coordinator epoch of the last marker, -1 before any. */
  coordinatorEpoch: number;
}

interface TxnRange {
  producerId: number;
  firstOffset: number;
  /** The marker's offset once completed. */
  lastOffset: number;
}

export type SequenceCheck =
  | { kind: 'append' }
  /** Already in the log: answer with the offsets it got then. */
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number; maxTimestamp: number }
  | { kind: 'error'; errorCode: number; message: string };

export type MarkerCheck = { kind: 'append' } | { kind: 'error'; errorCode: number; message: string };

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

function newEntry(epoch: number, nowMs: number): ProducerEntry {
  return { epoch, batches: [], lastActiveMs: nowMs, lastTimestamp: -1, currentTxnFirstOffset: -1, coordinatorEpoch: -1 };
}

type CheckedBatch = Omit<ProducerBatch, 'firstOffset' | 'lastOffset' | 'maxTimestamp'>;

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();
  /** Open transactions by first offset, in ascending order (appends come in offset order; a load sorts them). */
  private readonly ongoing = new Map<number, TxnRange>();
  /** Completed transactions whose marker is not below the high watermark yet, by first offset. */
  private readonly unreplicated = new Map<number, TxnRange>();

  constructor(
    private readonly expirationMs = DEFAULT_PRODUCER_ID_EXPIRATION_MS,
    private readonly maxProducers = DEFAULT_MAX_PRODUCERS_PER_PARTITION,
  ) {}

  get size(): number {
    return this.producers.size;
  }

  /** The epoch and last sequence known for a producer (for tests and diagnostics). */
  lastState(producerId: number): { epoch: number; lastSequence: number } | null {
    const e = this.producers.get(producerId);
    if (!e) return null;
    return { epoch: e.epoch, lastSequence: e.batches.at(-1)?.lastSeq ?? NO_SEQUENCE };
  }

  /** A producer's transaction state: the first offset of its open transaction (-1: none) and its coordinator epoch. */
  txnState(producerId: number): { currentTxnFirstOffset: number; coordinatorEpoch: number } | null {
    const e = this.producers.get(producerId);
    return e ? { currentTxnFirstOffset: e.currentTxnFirstOffset, coordinatorEpoch: e.coordinatorEpoch } : null;
  }

  /** First offsets of the open transactions, ascending. */
  ongoingTxnFirstOffsets(): number[] {
    return [...this.ongoing.keys()];
  }

  /**
   * Kafka's ProducerAppendInfo checks for a data batch: for a client, duplicate first, then epoch, then sequence; for a
   * coordinator only the epoch. A non-transactional write inside an open transaction is refused either way.
   */
  check(batch: CheckedBatch, origin: ProducerOrigin = 'client'): SequenceCheck {
    if (origin === 'replication') return { kind: 'append' };
    const entry = this.producers.get(batch.producerId);
    if (origin === 'client' && entry && entry.epoch === batch.producerEpoch) {
      const dup = entry.batches.find((b) => b.firstSeq === batch.baseSequence && b.lastSeq === batch.lastSequence);
      if (dup) return { kind: 'duplicate', firstOffset: dup.firstOffset, lastOffset: dup.lastOffset, maxTimestamp: dup.maxTimestamp };
    }
    const currentEpoch = entry?.epoch ?? NO_EPOCH;
    if (batch.producerEpoch < currentEpoch) {
      return {
        kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Epoch of producer ${batch.producerId} is ${batch.producerEpoch}, which is smaller than the last seen epoch ${currentEpoch}`,
      };
    }
    if (entry && entry.currentTxnFirstOffset >= 0 && !batch.isTransactional) {
      return {
        kind: 'error', errorCode: ErrorCode.INVALID_TXN_STATE,
        message: `Expected transactional write from producer ${batch.producerId}: its transaction from offset ${entry.currentTxnFirstOffset} is open`,
      };
    }
    if (origin === 'coordinator') return { kind: 'append' };
    if (batch.producerEpoch !== currentEpoch) {
      if (batch.baseSequence === 0) return { kind: 'append' };
      if (currentEpoch !== NO_EPOCH) {
        return {
          kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
          message: `Invalid sequence number for new epoch of producer ${batch.producerId} at epoch ${batch.producerEpoch} (request epoch), ${batch.baseSequence} (seq. number), ${currentEpoch} (current producer epoch)`,
        };
      }
      return {
        kind: 'error', errorCode: ErrorCode.UNKNOWN_PRODUCER_ID,
        message: `Found no record of producerId=${batch.producerId} on the broker at offset ${batch.baseSequence}. It is possible that the last message with the producerId=${batch.producerId} has been removed due to hitting the retention limit.`,
      };
    }
    const lastSeq = entry?.batches.at(-1)?.lastSeq ?? NO_SEQUENCE;
    if (lastSeq === NO_SEQUENCE ? batch.baseSequence !== 0 : !inSequence(lastSeq, batch.baseSequence)) {
      return {
        kind: 'error', errorCode: ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER,
        message: `Out of order sequence number for producer ${batch.producerId} at offset ${batch.baseSequence}: ${batch.baseSequence} (incoming seq. number), ${lastSeq} (current end sequence number)`,
      };
    }
    return { kind: 'append' };
  }

  /**
   * Kafka's appendEndTxnMarker checks: a marker of an older producer epoch is fenced (INVALID_PRODUCER_EPOCH), one of
   * an older coordinator epoch than the producer's last marker too (TRANSACTION_COORDINATOR_FENCED).
   */
  checkMarker(producerId: number, producerEpoch: number, coordinatorEpoch: number): MarkerCheck {
    const entry = this.producers.get(producerId);
    if (!entry) return { kind: 'append' };
    if (producerEpoch < entry.epoch) {
      return {
        kind: 'error', errorCode: ErrorCode.INVALID_PRODUCER_EPOCH,
        message: `Epoch of producer ${producerId} is ${producerEpoch}, which is smaller than the last seen epoch ${entry.epoch}`,
      };
    }
    if (coordinatorEpoch < entry.coordinatorEpoch) {
      return {
        kind: 'error', errorCode: ErrorCode.TRANSACTION_COORDINATOR_FENCED,
        message: `Invalid coordinator epoch for producer ${producerId}: ${coordinatorEpoch} (zombie), ${entry.coordinatorEpoch} (current)`,
      };
    }
    return { kind: 'append' };
  }

  /** The producer's entry, made current for `epoch` (a newer epoch forgets the batches, keeps the transaction state). */
  private touch(producerId: number, epoch: number, nowMs: number): ProducerEntry {
    let entry = this.producers.get(producerId);
    if (!entry) entry = newEntry(epoch, nowMs);
    else {
      this.producers.delete(producerId);
      if (entry.epoch !== epoch) {
        entry.epoch = epoch;
        entry.batches = [];
      }
    }
    // Re-inserted so the map's order is least recently active first, which is what eviction drops.
    this.producers.set(producerId, entry);
    entry.lastActiveMs = nowMs;
    return entry;
  }

  private evict(): void {
    if (this.producers.size <= this.maxProducers) return;
    for (const [id, e] of this.producers) {
      if (this.producers.size <= this.maxProducers) break;
      if (e.currentTxnFirstOffset < 0) this.producers.delete(id);
    }
  }

  /** Records an appended data batch (from a client, a coordinator, a follower fetch or the log on load). */
  update(batch: ProducerBatch, nowMs: number): void {
    const entry = this.touch(batch.producerId, batch.producerEpoch, nowMs);
    entry.lastTimestamp = batch.maxTimestamp;
    if (batch.baseSequence >= 0) {
      entry.batches.push({
        firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset,
        maxTimestamp: batch.maxTimestamp,
      });
      if (entry.batches.length > BATCHES_KEPT_PER_PRODUCER) entry.batches.shift();
    }
    if (batch.isTransactional && entry.currentTxnFirstOffset < 0) {
      entry.currentTxnFirstOffset = batch.firstOffset;
      this.ongoing.set(batch.firstOffset, { producerId: batch.producerId, firstOffset: batch.firstOffset, lastOffset: -1 });
    }
    this.evict();
  }

  /**
   * Records an appended marker (Kafka's appendEndTxnMarker and completeTxn): the producer's transaction ends (a marker
   * with none open ends an empty one at its own offset). For an ABORT returns the `.txnindex` entry, whose last stable
   * offset is the first open transaction of another producer, else the offset after the marker.
   */
  endTxn(marker: TxnMarker, nowMs: number): AbortedTxn | null {
    const entry = this.touch(marker.producerId, Math.max(marker.producerEpoch, this.producers.get(marker.producerId)?.epoch ?? NO_EPOCH), nowMs);
    const firstOffset = entry.currentTxnFirstOffset >= 0 ? entry.currentTxnFirstOffset : marker.offset;
    this.ongoing.delete(firstOffset);
    let lastStableOffset = marker.offset + 1;
    for (const t of this.ongoing.values()) {
      if (t.producerId !== marker.producerId) {
        lastStableOffset = t.firstOffset;
        break;
      }
    }
    entry.currentTxnFirstOffset = -1;
    entry.coordinatorEpoch = marker.coordinatorEpoch;
    entry.lastTimestamp = marker.timestamp;
    this.unreplicated.set(firstOffset, { producerId: marker.producerId, firstOffset, lastOffset: marker.offset });
    this.evict();
    return marker.commit ? null : { producerId: marker.producerId, firstOffset, lastOffset: marker.offset, lastStableOffset };
  }

  /**
   * Kafka's firstUnstableOffset once the high watermark is `highWatermark`: completed transactions whose marker is
   * below it are stable and forgotten; null when nothing is unstable.
   */
  firstUnstableOffset(highWatermark: number): number | null {
    let first: number | null = null;
    for (const [key, t] of this.unreplicated) {
      if (t.lastOffset < highWatermark) this.unreplicated.delete(key);
      else if (first === null || t.firstOffset < first) first = t.firstOffset;
    }
    const undecided = this.ongoing.keys().next();
    if (!undecided.done && (first === null || undecided.value < first)) first = undecided.value;
    return first;
  }

  /** Forgets producers silent for producer.id.expiration.ms, unless in a transaction (Kafka's removeExpiredProducers). */
  removeExpired(nowMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (nowMs - e.lastActiveMs < this.expirationMs) break;
      if (e.currentTxnFirstOffset >= 0) continue;
      this.producers.delete(id);
      removed++;
    }
    return removed;
  }

  clear(): void {
    this.producers.clear();
    this.ongoing.clear();
    this.unreplicated.clear();
  }

  /** The state as Kafka snapshots it: per producer its epoch, last batch, coordinator epoch and open transaction. */
  snapshotEntries(): ProducerSnapshotEntry[] {
    const out: ProducerSnapshotEntry[] = [];
    for (const [producerId, e] of this.producers) {
      const last = e.batches.at(-1);
      out.push({
        producerId, producerEpoch: e.epoch, lastSequence: last?.lastSeq ?? NO_SEQUENCE, lastOffset: last?.lastOffset ?? -1,
        offsetDelta: last ? last.lastOffset - last.firstOffset : 0, timestamp: last?.maxTimestamp ?? e.lastTimestamp,
        coordinatorEpoch: e.coordinatorEpoch, currentTxnFirstOffset: e.currentTxnFirstOffset,
      });
    }
    return out;
  }

  /** Replaces the state with a snapshot's: each producer knows its last batch only, as in Kafka after a restart. */
  loadSnapshot(entries: readonly ProducerSnapshotEntry[], nowMs: number): void {
    this.clear();
    for (const e of entries) {
      const entry = newEntry(e.producerEpoch, nowMs);
      entry.lastTimestamp = e.timestamp;
      entry.coordinatorEpoch = e.coordinatorEpoch;
      entry.currentTxnFirstOffset = e.currentTxnFirstOffset;
      if (e.lastOffset >= 0 && e.lastSequence >= 0) {
        let firstSeq = e.lastSequence - e.offsetDelta;
        if (firstSeq < 0 && e.offsetDelta > 0) firstSeq += INT32_MAX + 1;
        entry.batches.push({ firstSeq, lastSeq: e.lastSequence, firstOffset: e.lastOffset - e.offsetDelta, lastOffset: e.lastOffset, maxTimestamp: e.timestamp });
      }
      this.producers.set(e.producerId, entry);
    }
    const open = entries.filter((e) => e.currentTxnFirstOffset >= 0).sort((a, b) => a.currentTxnFirstOffset - b.currentTxnFirstOffset);
    for (const e of open) this.ongoing.set(e.currentTxnFirstOffset, { producerId: e.producerId, firstOffset: e.currentTxnFirstOffset, lastOffset: -1 });
  }
}

/**
 * Advances `state` over appended batches (offsets assigned), as Kafka's Log.append does with its ProducerStateManager:
 * transactional batches open transactions, markers end them. Returns the aborted transactions for the `.txnindex`.
 */
export function applyAppendedBatches(state: ProducerStateManager, blob: Buffer, nowMs: number): AbortedTxn[] {
  const aborted: AbortedTxn[] = [];
  for (const b of recordBatches(blob, { reuseView: true })) {
    if (!b.hasProducerId) continue;
    if (b.isControl) {
      const marker = readEndTxnMarker(blob, b.start, b.sizeInBytes);
      if (!marker) continue;
      const entry = state.endTxn({
        producerId: b.producerId, producerEpoch: b.producerEpoch, coordinatorEpoch: marker.coordinatorEpoch, commit: marker.commit,
        offset: b.lastOffset, timestamp: b.maxTimestamp,
      }, nowMs);
      if (entry) aborted.push(entry);
      continue;
    }
    state.update({
      producerId: b.producerId, producerEpoch: b.producerEpoch, baseSequence: b.baseSequence, lastSequence: b.lastSequence,
      firstOffset: b.baseOffset, lastOffset: b.lastOffset, maxTimestamp: b.maxTimestamp, isTransactional: b.isTransactional,
    }, nowMs);
  }
  return aborted;
}
