// Group-commit counters both servers print in `mntr` under Apache's names: fsynctime (one sample per fsync of the
// txn log, in ms) and sync_processor_batch_size (one sample per flush, the txns it made durable).
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';

export interface SyncCounters {
  fsyncs: number;
  fsyncMs: number;
  maxFsyncMs: number;
  batches: number;
  batchTxns: number;
}

const MNTR_TIMEOUT_MS = 5_000;

function value(text: string, key: string): number {
  const m = new RegExp(`^zk_${key}\\t(\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : Number.NaN;
}

/** The counters now, or null when `mntr` fails or lacks them. */
export async function readSyncCounters(host: string, port: number): Promise<SyncCounters | null> {
  let text: string;
  try {
    text = await sendFourLetterWord(host, port, 'mntr', MNTR_TIMEOUT_MS);
  } catch {
    return null;
  }
  const c = {
    fsyncs: value(text, 'cnt_fsynctime'),
    fsyncMs: value(text, 'sum_fsynctime'),
    maxFsyncMs: value(text, 'max_fsynctime'),
    batches: value(text, 'cnt_sync_processor_batch_size'),
    batchTxns: value(text, 'sum_sync_processor_batch_size'),
  };
  return Object.values(c).every(Number.isFinite) ? c : null;
}

export function syncDelta(before: SyncCounters | null, after: SyncCounters | null): SyncCounters | null {
  if (!before || !after) return null;
  return {
    fsyncs: after.fsyncs - before.fsyncs,
    fsyncMs: after.fsyncMs - before.fsyncMs,
    maxFsyncMs: after.maxFsyncMs,
    batches: after.batches - before.batches,
    batchTxns: after.batchTxns - before.batchTxns,
  };
}
