// What a replicated server keeps on disk beyond a standalone one's: myid, the acceptedEpoch/currentEpoch files
// (decimal text, written atomically and fsynced as QuorumPeer.writeLongToFile does), and the persist effects of the
// ZAB state machines carried out on the txn log and snapshots in order, each fsynced before it completes.
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { PersistOp } from '../quorum/zab/types.js';
import type { Txn as QuorumTxn } from '../quorum/wire/zab-messages.js';
import { epochOf } from '../quorum/zxid.js';
import { fsyncDir } from '../storage/data-dir.js';
import { writeFileAtomicallySync } from '../storage/durable-file.js';
import { writeSnapshot } from '../storage/snapshot.js';
import { listLogFiles, truncateLogAfter } from '../storage/txn-log-reader.js';
import type { SnapBody } from './snap-stream.js';
import type { TxnLog } from '../storage/txn-log.js';

export const ACCEPTED_EPOCH_FILE = 'acceptedEpoch';
export const CURRENT_EPOCH_FILE = 'currentEpoch';

/** dataDir/myid: the first line as a positive integer. */
export function readMyId(dataDir: string): number {
  const file = join(dataDir, 'myid');
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    throw new Error(`${file} file is missing`);
  }
  const line = text.split('\n')[0]!.trim();
  if (!/^\d+$/.test(line) || !Number.isSafeInteger(Number(line)) || Number(line) <= 0) throw new Error(`serverid ${line} is not a number in ${file}`);
  return Number(line);
}

/** Reads an epoch file; a missing one is recreated from the epoch of the last logged zxid, as Apache does. */
export function readEpochFile(snapDir: string, name: string, lastZxid: bigint): number {
  const file = join(snapDir, name);
  try {
    const text = fs.readFileSync(file, 'utf8').trim();
    if (!/^\d+$/.test(text)) throw new Error(`${file} does not hold an epoch: '${text}'`);
    return Number(text);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    const epoch = epochOf(lastZxid);
    writeEpochFileSync(snapDir, name, epoch);
    return epoch;
  }
}

function writeEpochFileSync(snapDir: string, name: string, epoch: number): void {
  writeFileAtomicallySync(join(snapDir, name), String(epoch));
}

export interface QuorumDiskOptions {
  snapDir: string;
  logDir: string;
  /** The txn log in use; replaced after a truncate or a snapshot (a new file follows). */
  txnLog(): TxnLog;
  reopenTxnLog(): Promise<void>;
  log(line: string): void;
}

/**
 * Carries out persist effects in order; `done` is called for each in the order given. Appends made while nothing
 * but appends is queued go to the log at once and share its group commit (one fdatasync for every proposal that
 * arrived during the previous one), as Apache's SyncRequestProcessor batches; other effects wait their turn.
 */
export class QuorumDisk {
  private chain: Promise<void> = Promise.resolve();
  /** Effects other than appends queued and not finished: appends behind them must wait too. */
  private barriers = 0;

  constructor(private readonly opts: QuorumDiskOptions) {}

  persist(ops: PersistOp[], done: () => void, failed: (err: Error) => void): void {
    if (this.barriers === 0 && ops.every((op) => op.op === 'append')) {
      const log = this.opts.txnLog();
      let flushed: Promise<void>;
      try {
        for (const op of ops) for (const t of op.txns) log.appendEncoded(t.data);
        flushed = log.flush();
      } catch (err) {
        flushed = Promise.reject(err as Error);
      }
      // Completions still come in order: a later batch's fsync never overtakes an earlier one's in the chain.
      flushed.catch(() => undefined);
      this.chain = this.chain.then(() => flushed).then(done, failed);
      return;
    }
    this.barriers++;
    this.chain = this.chain
      .then(() => this.run(ops))
      .finally(() => this.barriers--)
      .then(done, failed);
  }

  private async run(ops: PersistOp[]): Promise<void> {
    const { snapDir, logDir } = this.opts;
    let appended = false;
    for (const op of ops) {
      switch (op.op) {
        case 'accepted-epoch':
          await this.flushIf(appended);
          appended = false;
          writeEpochFileSync(snapDir, ACCEPTED_EPOCH_FILE, op.epoch);
          await fsyncDir(snapDir);
          break;
        case 'current-epoch':
          await this.flushIf(appended);
          appended = false;
          writeEpochFileSync(snapDir, CURRENT_EPOCH_FILE, op.epoch);
          await fsyncDir(snapDir);
          break;
        case 'append':
          for (const t of op.txns) this.opts.txnLog().appendEncoded(t.data);
          appended = true;
          break;
        case 'truncate':
          await this.opts.txnLog().flush();
          appended = false;
          await this.opts.txnLog().close();
          if (listLogFiles(logDir).length > 0) truncateLogAfter(logDir, op.zxid);
          this.opts.log(`Truncated the txn log after 0x${op.zxid.toString(16)}`);
          await this.opts.reopenTxnLog();
          break;
        case 'snapshot': {
          await this.opts.txnLog().flush();
          appended = false;
          await this.opts.txnLog().close();
          const body = op.snapshot as SnapBody;
          const file = await writeSnapshot(snapDir, { zxid: op.zxid, sessions: body.sessions, nodes: body.nodes }, { fsync: true });
          // Logged txns past the snapshot are from a history the leader replaced; replay must not find them.
          if (listLogFiles(logDir).length > 0) truncateLogAfter(logDir, op.zxid);
          this.opts.log(`Snapshot from the leader written: ${file}`);
          await this.opts.reopenTxnLog();
          break;
        }
      }
    }
    await this.flushIf(appended);
  }

  private async flushIf(appended: boolean): Promise<void> {
    if (appended) await this.opts.txnLog().flush();
  }
}

/** A logged txn as the quorum state machines hold it. */
export function quorumTxn(zxid: bigint, data: Buffer): QuorumTxn {
  return { zxid, data };
}
