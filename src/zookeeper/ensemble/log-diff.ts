// The leader's txn log as a source for DIFF (Apache ZKDatabase.getProposalsFromTxnLog with
// calculateTxnLogSizeLimit): a learner behind the in-memory committed log but still within the log files is sent the
// txns read from them, a window at a time, as long as they add up to less than snapshotSizeFactor × the size of the
// newest snapshot; beyond that a SNAP is cheaper.
import { statSync } from 'node:fs';
import type { Txn as QuorumTxn } from '../quorum/wire/zab-messages.js';
import type { LoggedTxnReader } from '../quorum/zab/types.js';
import { listZxidFiles, SNAPSHOT_PREFIX } from '../storage/data-dir.js';
import { readLoggedTxns } from '../storage/txn-log-reader.js';
import { encodeTxn } from '../tree/txn.js';

/** zookeeper.snapshotSizeFactor's default. */
export const DEFAULT_SNAPSHOT_SIZE_FACTOR = 0.33;

export interface LogDiffOptions {
  snapDir: string;
  logDir: string;
  /** < 0: never read the log for a DIFF; 0 (or no snapshot): no size limit, as Apache has it. */
  snapshotSizeFactor: number;
  maxTxnBytes: number;
  log(line: string): void;
}

/** The size limit: snapshotSizeFactor × the newest snapshot file's length (0 = none). */
export function txnLogSizeLimit(snapDir: string, factor: number): number {
  const newest = listZxidFiles(snapDir, SNAPSHOT_PREFIX, false)[0];
  let size = 0;
  try {
    if (newest) size = statSync(newest.file).size;
  } catch {
    size = 0;
  }
  return Math.floor(size * factor);
}

export function logDiffReader(opts: LogDiffOptions): LoggedTxnReader {
  return (afterZxid, uptoZxid) => {
    if (opts.snapshotSizeFactor < 0 || afterZxid <= 0n) return null;
    const limit = txnLogSizeLimit(opts.snapDir, opts.snapshotSizeFactor);
    const txns: QuorumTxn[] = [];
    let bytes = 0;
    let first = true;
    try {
      for (const { txn } of readLoggedTxns(opts.logDir, afterZxid - 1n, { maxTxnBytes: opts.maxTxnBytes })) {
        const zxid = txn.hdr.zxid;
        if (first) {
          first = false;
          // The log must hold the learner's last txn itself, or it cannot vouch for what came before.
          if (zxid !== afterZxid) return miss(`the log does not hold 0x${afterZxid.toString(16)} (it has 0x${zxid.toString(16)})`);
          continue;
        }
        if (zxid > uptoZxid) break;
        const data = encodeTxn(txn);
        bytes += data.length;
        if (limit > 0 && bytes > limit) {
          opts.log(`Txnlog size: over ${bytes} bytes exceeds sizeLimit: ${limit} (snapshotSizeFactor ${opts.snapshotSizeFactor}); sending a SNAP`);
          return null;
        }
        txns.push({ zxid, data });
      }
    } catch (err) {
      return miss((err as Error).message);
    }
    if (first) return miss(`the log does not hold 0x${afterZxid.toString(16)}`);
    const last = txns.length > 0 ? txns[txns.length - 1]!.zxid : afterZxid;
    if (last !== uptoZxid) return miss(`the log ends at 0x${last.toString(16)}, before 0x${uptoZxid.toString(16)}`);
    opts.log(`Use txnlog and committedLog: ${txns.length} txns (${bytes} bytes, sizeLimit ${limit}) after 0x${afterZxid.toString(16)} read from the txn log`);
    return txns;
  };

  function miss(why: string): null {
    opts.log(`Unable to find proposals from txnlog for a DIFF: ${why}`);
    return null;
  }
}
