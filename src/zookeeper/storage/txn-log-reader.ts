// Reading log.<hex zxid> files. Like Apache's FileTxnIterator, reading stops at EOF, at a zero-length entry
// (the preallocated zeros) and at an entry cut short or missing its 'B' marker (a torn last write). A checksum
// mismatch or other damage is a torn write only when no valid entry follows it; otherwise it is corruption and an error.
import * as fs from 'node:fs';
import { decodeTxn, type Txn } from '../tree/txn.js';
import { adler32 } from './adler32.js';
import { LOG_PREFIX, listZxidFiles, type ZxidFile } from './data-dir.js';
import { END_OF_RECORD, ENTRY_OVERHEAD_BYTES, LOG_FILE_HEADER_BYTES, TXNLOG_MAGIC } from './txn-log.js';

/** The log or snapshot cannot be trusted: a checksum mismatch with valid data after it, a bad header, an undecodable txn. */
export class LogCorruptionError extends Error {
  readonly code = 'ZK_LOG_CORRUPT';
  constructor(message: string, readonly file: string, readonly offset: number, options?: ErrorOptions) {
    super(message, options);
  }
}

export interface LogEntry {
  zxid: bigint;
  /** Offset of the entry (its checksum) in the file. */
  offset: number;
  /** The TxnHeader + record [+ digest] bytes, a view into the file buffer. */
  bytes: Buffer;
}

export interface LogScan {
  file: string;
  fileLength: number;
  /** Offset just past the last complete entry (the header's end when there is none). */
  goodEnd: number;
  /** Set when reading stopped on something other than EOF or zero padding: a torn last write. */
  torn: { offset: number; reason: string } | null;
  /** The file is shorter than a header, or all zeros: created but never written; recovery removes it. */
  emptyHeader: boolean;
  entries: number;
}

const ZERO_BLOCK = Buffer.alloc(64 * 1024);

export function isAllZero(buf: Buffer, start: number, end: number): boolean {
  for (let at = start; at < end; at += ZERO_BLOCK.length) {
    const n = Math.min(ZERO_BLOCK.length, end - at);
    if (!buf.subarray(at, at + n).equals(ZERO_BLOCK.subarray(0, n))) return false;
  }
  return true;
}

/** zxid from the TxnHeader {long clientId; int cxid; long zxid; ...} without decoding the record. */
function zxidOf(buf: Buffer, txnStart: number, txnLength: number): bigint {
  return txnLength >= 20 ? buf.readBigInt64BE(txnStart + 12) : -1n;
}

type Check = { kind: 'ok'; length: number } | { kind: 'end' } | { kind: 'torn'; reason: string } | { kind: 'crc'; length: number };

function checkEntry(buf: Buffer, p: number): Check {
  const remaining = buf.length - p;
  if (remaining === 0) return { kind: 'end' };
  if (remaining < 12) return isAllZero(buf, p, buf.length) ? { kind: 'end' } : { kind: 'torn', reason: 'partial entry header' };
  const length = buf.readInt32BE(p + 8);
  if (length === 0) return isAllZero(buf, p, buf.length) ? { kind: 'end' } : { kind: 'torn', reason: 'zero-length entry before non-zero bytes' };
  if (length < 0 || length > remaining - ENTRY_OVERHEAD_BYTES) return { kind: 'torn', reason: `entry of ${length} bytes cut short` };
  if (buf[p + 12 + length] !== END_OF_RECORD) return { kind: 'torn', reason: 'last transaction was partial (no end-of-record marker)' };
  const stored = buf.readBigUInt64BE(p);
  if (stored !== BigInt(adler32(buf, p + 12, p + 12 + length))) return { kind: 'crc', length };
  return { kind: 'ok', length };
}

/** Whether a complete entry with a matching checksum starts at p (no bounds or zero-run assumptions). */
function validEntryAt(buf: Buffer, p: number): boolean {
  if (p < LOG_FILE_HEADER_BYTES || p + ENTRY_OVERHEAD_BYTES > buf.length) return false;
  const length = buf.readInt32BE(p + 8);
  if (length <= 0 || length > buf.length - p - ENTRY_OVERHEAD_BYTES || buf[p + 12 + length] !== END_OF_RECORD) return false;
  return buf.readBigUInt64BE(p) === BigInt(adler32(buf, p + 12, p + 12 + length));
}

/**
 * Whether any valid entry starts at or after `from`, wherever it is: after a damaged length we cannot know where
 * the next entry begins. Zero runs (the preallocated tail) are skipped a word at a time; an entry's first four
 * bytes are zero (a 32-bit Adler32 stored as a long), so candidates are the 12 offsets before each non-zero byte.
 */
function validEntryAfter(buf: Buffer, from: number): boolean {
  let q = from;
  while (q < buf.length) {
    while (q + 8 <= buf.length && buf.readBigUInt64LE(q) === 0n) q += 8;
    while (q < buf.length && buf[q] === 0) q++;
    if (q >= buf.length) return false;
    for (let p = Math.max(from, q - 11); p <= q; p++) if (validEntryAt(buf, p)) return true;
    q++;
  }
  return false;
}

/**
 * Walks every entry of one log file held in memory, calling onEntry for each good one, and reports where good
 * data ends. Throws LogCorruptionError for a bad magic number or corruption in the middle of the file.
 */
export function scanLogBuffer(buf: Buffer, file: string, onEntry?: (e: LogEntry) => void): LogScan {
  const scan: LogScan = { file, fileLength: buf.length, goodEnd: 0, torn: null, emptyHeader: false, entries: 0 };
  // Shorter than a header, or nothing but zeros: created, never (durably) written, so it holds no txn.
  if (buf.length < LOG_FILE_HEADER_BYTES || isAllZero(buf, 0, buf.length)) {
    scan.emptyHeader = true;
    return scan;
  }
  const magic = buf.readInt32BE(0);
  if (magic !== TXNLOG_MAGIC) {
    throw new LogCorruptionError(`Transaction log: ${file} has invalid magic number ${magic} != ${TXNLOG_MAGIC}`, file, 0);
  }
  let p = LOG_FILE_HEADER_BYTES;
  scan.goodEnd = p;
  for (;;) {
    const c = checkEntry(buf, p);
    if (c.kind === 'end') break;
    if (c.kind === 'torn' || c.kind === 'crc') {
      // A torn last write has nothing valid after it; damage with good entries after it is corruption, and
      // truncating there would drop acknowledged transactions.
      if (validEntryAfter(buf, p + 1)) {
        const what = c.kind === 'crc' ? 'CRC check failed' : `unreadable entry (${c.reason})`;
        throw new LogCorruptionError(`${what} in ${file} at offset ${p}, with valid entries after it`, file, p);
      }
      scan.torn = { offset: p, reason: c.kind === 'crc' ? 'checksum mismatch in the last write' : c.reason };
      break;
    }
    const txnStart = p + 12;
    onEntry?.({ zxid: zxidOf(buf, txnStart, c.length), offset: p, bytes: buf.subarray(txnStart, txnStart + c.length) });
    scan.entries++;
    p += ENTRY_OVERHEAD_BYTES + c.length;
    scan.goodEnd = p;
  }
  return scan;
}

export function decodeLogEntry(e: LogEntry, file: string): Txn {
  try {
    return decodeTxn(e.bytes);
  } catch (err) {
    throw new LogCorruptionError(`cannot decode the txn in ${file} at offset ${e.offset}: ${(err as Error).message}`, file, e.offset, {
      cause: err,
    });
  }
}

export function listLogFiles(logDir: string): ZxidFile[] {
  return listZxidFiles(logDir, LOG_PREFIX, true);
}

/**
 * FileTxnLog.getLogFiles: the log file that starts at or just before `zxid`, and every later one (ascending).
 * Those are the files that can hold txns after `zxid`.
 */
export function logFilesFrom(files: ZxidFile[], zxid: bigint): ZxidFile[] {
  let start = 0n;
  for (const f of files) {
    if (f.zxid > zxid) break;
    if (f.zxid > start) start = f.zxid;
  }
  return files.filter((f) => f.zxid >= start);
}

/** Every txn logged after `afterZxid`, in order, stopping at a torn tail (read only; recover() repairs). */
export function* readLoggedTxns(logDir: string, afterZxid = 0n): Generator<{ txn: Txn; file: string; offset: number }> {
  for (const f of logFilesFrom(listLogFiles(logDir), afterZxid)) {
    const entries: LogEntry[] = [];
    scanLogBuffer(fs.readFileSync(f.file), f.file, (e) => {
      if (e.zxid > afterZxid) entries.push(e);
    });
    for (const e of entries) yield { txn: decodeLogEntry(e, f.file), file: f.file, offset: e.offset };
  }
}

/**
 * FileTxnLog.truncate: drops every txn after `zxid` (a follower told TRUNC by its leader): the file holding
 * `zxid` is cut after it and later files are deleted. Returns the files changed or removed.
 */
export function truncateLogAfter(logDir: string, zxid: bigint): string[] {
  const files = listLogFiles(logDir);
  const keep = logFilesFrom(files, zxid);
  if (keep.length === 0) {
    throw new Error(
      'No log files found to truncate! This could happen if you still have snapshots from an old setup or ' +
        'log files were deleted accidentally or dataLogDir was changed in zoo.cfg.',
    );
  }
  const changed: string[] = [];
  const [first, ...later] = keep;
  const buf = fs.readFileSync(first.file);
  let cut = -1;
  const scan = scanLogBuffer(buf, first.file, (e) => {
    if (e.zxid > zxid && cut < 0) cut = e.offset;
  });
  const end = cut >= 0 ? cut : scan.goodEnd;
  if (end < buf.length) {
    fs.truncateSync(first.file, end);
    changed.push(first.file);
  }
  for (const f of later) {
    fs.unlinkSync(f.file);
    changed.push(f.file);
  }
  return changed;
}
