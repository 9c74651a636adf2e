// Kafka's CleanedTransactionMetadata, for one cleaning pass read in offset order: which transactional batches belong
// to an aborted transaction (their records go), and which transaction markers may go once past the delete horizon:
// an ABORT marker when none of its transaction's batches is left (one met in this pass is dropped now, so its
// marker stays one more pass, and its `.txnindex` entry with it), a COMMIT marker when no batch of its transaction
// was met in this pass. An empty control batch was a marker cleaned already and may always go.
import type { RecordBatchView } from '../../protocol/records/index.js';
import type { AbortedTxn, TransactionIndex } from '../transaction-index.js';

interface OngoingAbort {
  txn: AbortedTxn;
  /** Set when a batch of the transaction is met: its records are being removed now. */
  batchSeen: boolean;
}

export class CleanedTransactions {
  /** Aborted transactions not yet reached, by first offset. */
  private pending: AbortedTxn[] = [];
  private next = 0;
  /** The last offset read so far. */
  private reached = -Infinity;
  private readonly ongoingAborted = new Map<number, OngoingAbort>();
  private readonly ongoingCommitted = new Set<number>();
  /** The `.txnindex` of the segment being written: entries of the ABORT markers that stay. */
  cleanedIndex: TransactionIndex | null = null;

  /**
   * Aborted transactions overlapping the next stretch of the log. Those starting at or before what was read already
   * were added with an earlier stretch (each stretch adds every one overlapping it) and are ignored.
   */
  addAborted(txns: readonly AbortedTxn[]): void {
    const fresh = txns.filter((t) => t.firstOffset > this.reached);
    if (fresh.length === 0) return;
    this.pending = [...this.pending.slice(this.next), ...fresh].sort((a, b) => a.firstOffset - b.firstOffset || a.lastOffset - b.lastOffset);
    this.next = 0;
  }

  private reach(offset: number): void {
    if (offset > this.reached) this.reached = offset;
    while (this.next < this.pending.length && this.pending[this.next]!.firstOffset <= offset) {
      const txn = this.pending[this.next++]!;
      if (!this.ongoingAborted.has(txn.producerId)) this.ongoingAborted.set(txn.producerId, { txn, batchSeen: false });
    }
  }

  /** A data batch: true when it belongs to an aborted transaction, so none of its records stay. */
  onBatchRead(view: RecordBatchView): boolean {
    this.reach(view.lastOffset);
    if (!view.isTransactional) return false;
    const aborted = this.ongoingAborted.get(view.producerId);
    if (aborted) {
      aborted.batchSeen = true;
      return true;
    }
    this.ongoingCommitted.add(view.producerId);
    return false;
  }

  /**
   * A control batch (`marker` is its COMMIT/ABORT, null for an empty one or another type): true when it may go
   * once its segment is past the delete horizon.
   */
  async onControlBatchRead(view: RecordBatchView, marker: { commit: boolean } | null): Promise<boolean> {
    this.reach(view.lastOffset);
    if (marker === null) return view.recordCount === 0;
    const producerId = view.producerId;
    if (marker.commit) return !this.ongoingCommitted.delete(producerId);
    const aborted = this.ongoingAborted.get(producerId);
    this.ongoingAborted.delete(producerId);
    if (aborted?.batchSeen) {
      await this.cleanedIndex?.append(aborted.txn);
      return false;
    }
    return true;
  }
}
