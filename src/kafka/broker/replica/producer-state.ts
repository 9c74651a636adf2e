// Per-partition state of idempotent producers (Kafka's ProducerStateManager, without transactions): for each
// producer id its epoch and the metadata of its last few batches, so a retried batch is recognised as a duplicate
// and answered with the offset it got the first time, and a gap in sequence numbers is refused. Its log snapshots it
// (`<offset>.snapshot`, the last batch of each producer) at every roll and clean close; a partition being loaded
// starts from the newest snapshot and replays the batch headers after it, so a restart keeps deduplicating. Pure: no
// I/O, no clock.
import { ErrorCode } from '../../protocol/index.js';
import type { ProducerSnapshotEntry } from '../../storage/producer-snapshot.js';

/** Kafka keeps the last five batches per producer: the most a producer has in flight (max.in.flight ≤ 5). */
export const BATCHES_KEPT_PER_PRODUCER = 5;
/** producer.id.expiration.ms default: a producer silent this long is forgotten. */
export const DEFAULT_PRODUCER_ID_EXPIRATION_MS = 24 * 60 * 60 * 1000;
/** Bound on producers remembered per partition; the least recently active go first. */
export const DEFAULT_MAX_PRODUCERS_PER_PARTITION = 100_000;

const NO_EPOCH = -1;
const NO_SEQUENCE = -1;
const INT32_MAX = 0x7fffffff;

export interface ProducerBatch {
  producerId: number;
  producerEpoch: number;
  baseSequence: number;
  lastSequence: number;
  /** Offsets once appended (the first and last offset of the batch). */
  firstOffset: number;
  lastOffset: number;
  maxTimestamp: number;
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
}

export type SequenceCheck =
  | { kind: 'append' }
  /** Already in the log: answer with the offsets it got then. */
  | { kind: 'duplicate'; firstOffset: number; lastOffset: number; maxTimestamp: number }
  | { kind: 'error'; errorCode: number; message: string };

function inSequence(lastSeq: number, nextSeq: number): boolean {
  return nextSeq === lastSeq + 1 || (nextSeq === 0 && lastSeq === INT32_MAX);
}

export class ProducerStateManager {
  private readonly producers = new Map<number, ProducerEntry>();

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

  /** Kafka's ProducerAppendInfo checks for a batch a client sends (duplicate first, then epoch, then sequence). */
  check(batch: Omit<ProducerBatch, 'firstOffset' | 'lastOffset' | 'maxTimestamp'>): SequenceCheck {
    const entry = this.producers.get(batch.producerId);
    if (entry && entry.epoch === batch.producerEpoch) {
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

  /** Records an appended batch (from a client, a follower fetch or the log on load). */
  update(batch: ProducerBatch, nowMs: number): void {
    let entry = this.producers.get(batch.producerId);
    if (!entry || entry.epoch !== batch.producerEpoch) {
      entry = { epoch: batch.producerEpoch, batches: [], lastActiveMs: nowMs };
    } else {
      this.producers.delete(batch.producerId);
    }
    // Re-inserted so the map's order is least recently active first, which is what eviction drops.
    this.producers.set(batch.producerId, entry);
    entry.lastActiveMs = nowMs;
    entry.batches.push({
      firstSeq: batch.baseSequence, lastSeq: batch.lastSequence, firstOffset: batch.firstOffset, lastOffset: batch.lastOffset,
      maxTimestamp: batch.maxTimestamp,
    });
    if (entry.batches.length > BATCHES_KEPT_PER_PRODUCER) entry.batches.shift();
    while (this.producers.size > this.maxProducers) this.producers.delete(this.producers.keys().next().value!);
  }

  /** Forgets producers silent for producer.id.expiration.ms (Kafka's removeExpiredProducers). */
  removeExpired(nowMs: number): number {
    let removed = 0;
    for (const [id, e] of this.producers) {
      if (nowMs - e.lastActiveMs < this.expirationMs) break;
      this.producers.delete(id);
      removed++;
    }
    return removed;
  }

  /** Drops batches at or after `offset` (the log was truncated); producers left with none are forgotten. */
  truncateFrom(offset: number): void {
    for (const [id, e] of this.producers) {
      e.batches = e.batches.filter((b) => b.lastOffset < offset);
      if (e.batches.length === 0) this.producers.delete(id);
    }
  }

  clear(): void {
    this.producers.clear();
  }

  /** The state as Kafka snapshots it: per producer its epoch and last batch (no transactions: no coordinator epoch). */
  snapshotEntries(): ProducerSnapshotEntry[] {
    const out: ProducerSnapshotEntry[] = [];
    for (const [producerId, e] of this.producers) {
      const last = e.batches.at(-1);
      if (!last) continue;
      out.push({
        producerId, producerEpoch: e.epoch, lastSequence: last.lastSeq, lastOffset: last.lastOffset, offsetDelta: last.lastOffset - last.firstOffset,
        timestamp: last.maxTimestamp, coordinatorEpoch: -1, currentTxnFirstOffset: -1,
      });
    }
    return out;
  }

  /** Replaces the state with a snapshot's: each producer knows its last batch only, as in Kafka after a restart. */
  loadSnapshot(entries: readonly ProducerSnapshotEntry[], nowMs: number): void {
    this.producers.clear();
    for (const e of entries) {
      let firstSeq = e.lastSequence - e.offsetDelta;
      if (firstSeq < 0 && e.lastSequence >= 0 && e.offsetDelta > 0) firstSeq += INT32_MAX + 1;
      this.producers.set(e.producerId, {
        epoch: e.producerEpoch,
        batches: [{ firstSeq, lastSeq: e.lastSequence, firstOffset: e.lastOffset - e.offsetDelta, lastOffset: e.lastOffset, maxTimestamp: e.timestamp }],
        lastActiveMs: nowMs,
      });
    }
  }
}
