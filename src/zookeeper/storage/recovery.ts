// Start-up recovery as FileTxnSnapLog.restore does it: the newest snapshot that loads, then every logged txn
// after it. Snapshots are fuzzy (taken while txns kept being applied), so replay starts strictly after the
// zxid in the snapshot's name and the tree must tolerate effects it already has. Torn tails are cut off so
// that the files read cleanly by this reader and Apache's alike. Logs and snapshots are read a window at a time,
// so their size is not bounded by memory (nor by the 2 GiB of a single read).
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Txn } from '../tree/txn.js';
import { decodeLogEntry, listLogFiles, logFilesFrom, scanLogFile, type LogReadOptions, type LogScan } from './txn-log-reader.js';
import { SnapshotError, findValidSnapshots, type LoadedSnapshot } from './snapshot.js';
import { loadSnapshotFile } from './snapshot-reader.js';

export interface RecoveryResult {
  snapshot: LoadedSnapshot | null;
  lastZxid: bigint;
  txnsReplayed: number;
  truncatedBytes: number;
}

export interface RecoveryOptions extends LogReadOptions {
  /** The longest node data or path a snapshot may hold (jute.maxbuffer + jute.maxbuffer.extrasize). */
  maxSnapshotFieldBytes?: number;
}

export interface RecoveryHandlers {
  onSnapshot(s: LoadedSnapshot): void;
  onTxn(t: Txn): void;
}

/** FileSnap.deserialize looks at this many of the newest snapshots. */
const SNAPSHOTS_TRIED = 100;

const hex = (zxid: bigint): string => '0x' + zxid.toString(16);

function newestLoadableSnapshot(snapDir: string, log: (l: string) => void, opts: RecoveryOptions): LoadedSnapshot | null {
  const candidates = findValidSnapshots(snapDir, SNAPSHOTS_TRIED);
  for (const c of candidates) {
    log(`Reading snapshot ${c.file}`);
    try {
      return loadSnapshotFile(c.file, { maxFieldBytes: opts.maxSnapshotFieldBytes });
    } catch (err) {
      log(`problem reading snap file ${c.file}: ${(err as Error).message}`);
    }
  }
  if (candidates.length > 0) throw new SnapshotError(`Not able to find valid snapshots in ${snapDir}`, snapDir);
  return null;
}

/** Temporary files of snapshots that a crash interrupted (writeSnapshot names them ".snapshot.<zxid>.*.tmp"). */
function removeInterruptedSnapshots(snapDir: string, log: (l: string) => void): void {
  let names: string[];
  try {
    names = fs.readdirSync(snapDir);
  } catch {
    return;
  }
  for (const name of names) {
    if (!/^\.snapshot\.[0-9a-f]+\..*\.tmp$/.test(name)) continue;
    fs.rmSync(path.join(snapDir, name), { force: true });
    log(`Removed the temporary file of an interrupted snapshot: ${name}`);
  }
}

/** Cuts a torn tail off (or removes a log file that never got its header); returns the bytes dropped. */
function repair(scan: LogScan, isLast: boolean, log: (l: string) => void): number {
  if (scan.emptyHeader) {
    fs.unlinkSync(scan.file);
    log(`Delete empty tail log file to recover from corruption file: ${scan.file}`);
    return scan.fileLength;
  }
  if (!scan.torn) return 0;
  fs.truncateSync(scan.file, scan.goodEnd);
  const dropped = scan.fileLength - scan.goodEnd;
  log(
    `Truncated ${scan.file} at offset ${scan.goodEnd} (${scan.torn.reason} at offset ${scan.torn.offset}, ${dropped} bytes dropped)` +
      (isLast ? '' : '; later log files follow it'),
  );
  return dropped;
}

/**
 * Loads the newest valid snapshot, hands it to onSnapshot, then replays every logged txn with a zxid above the
 * snapshot's through onTxn, in order. An empty data dir gives snapshot null and lastZxid 0n; the caller then
 * writes snapshot.0 as Apache does (logged txns without any snapshot are refused, as Apache refuses them).
 */
export function recover(
  snapDir: string,
  logDir: string,
  handlers: RecoveryHandlers,
  log: (l: string) => void = () => {},
  opts: RecoveryOptions = {},
): RecoveryResult {
  removeInterruptedSnapshots(snapDir, log);
  const snapshot = newestLoadableSnapshot(snapDir, log, opts);
  const files = listLogFiles(logDir);
  const result: RecoveryResult = { snapshot, lastZxid: 0n, txnsReplayed: 0, truncatedBytes: 0 };

  if (snapshot === null) {
    for (const f of files) {
      const scan = scanLogFile(f.file, undefined, opts);
      if (scan.entries > 0) throw new Error(`No snapshot found, but there are log entries. Something is broken! (${f.file})`);
    }
    return result;
  }

  handlers.onSnapshot(snapshot);
  const from = snapshot.zxid;
  let last = from;
  const todo = logFilesFrom(files, from);
  for (let i = 0; i < todo.length; i++) {
    const f = todo[i];
    const scan = scanLogFile(f.file, (entry) => {
      if (entry.zxid <= from) return;
      if (entry.zxid <= last) {
        log(`${hex(last)}(highestZxid) > ${hex(entry.zxid)}(next log) in ${f.file} at offset ${entry.offset}: skipped`);
        return;
      }
      handlers.onTxn(decodeLogEntry(entry, f.file));
      result.txnsReplayed++;
      last = entry.zxid;
    }, opts);
    result.truncatedBytes += repair(scan, i === todo.length - 1, log);
  }
  log(`${result.txnsReplayed} txns loaded from ${todo.length} log files after snapshot ${hex(from)}`);
  result.lastZxid = last;
  return result;
}
