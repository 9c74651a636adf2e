// Reading log.<hex zxid> files. Like Apache's FileTxnIterator, reading stops at EOF, at a zero-length entry
// (the preallocated zeros) and at an entry cut short or missing its 'B' marker (a torn last write). A checksum
// mismatch or other damage is a torn write only when no valid entry follows it; otherwise it is corruption and an error.
// Files are read a window at a time (see byte-source.ts), so a log of any size takes a few MiB to read.
import * as fs from 'node:fs';
import { decodeTxn, type Txn } from '../tree/txn.js';
import { adler32 } from './adler32.js';
import { BufferSource, FileWindowSource, withFileSource, type ByteSource } from './byte-source.js';
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
  /** The TxnHeader + record [+ digest] bytes: a view, valid only until the next entry is read. */
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

/** Apache's default jute.maxbuffer; its reader accepts txns up to jute.maxbuffer + jute.maxbuffer.extrasize. */
const DEFAULT_JUTE_MAX_BUFFER_BYTES = 0xfffff;
/** Bytes read from a log file at a time (at least twice the largest entry, so one always fits with room). */
const WINDOW_BYTES = 4 * 1024 * 1024;
const ZERO_BLOCK = Buffer.alloc(64 * 1024);

export interface LogReadOptions {
  /** The largest txn an entry may hold; longer ones are damage unless their checksum holds, which stops recovery. */
  maxTxnBytes?: number;
}

/** BinaryInputArchive's limit: jute.maxbuffer plus jute.maxbuffer.extrasize (which defaults to jute.maxbuffer, at least 1024). */
export function maxTxnBytesFor(juteMaxBufferBytes: number, extraSizeBytes?: number): number {
  return juteMaxBufferBytes + Math.max(extraSizeBytes ?? juteMaxBufferBytes, 1024);
}

const DEFAULT_MAX_TXN_BYTES = maxTxnBytesFor(DEFAULT_JUTE_MAX_BUFFER_BYTES);

function windowBytesFor(maxTxnBytes: number): number {
  return Math.max(WINDOW_BYTES, 2 * (maxTxnBytes + ENTRY_OVERHEAD_BYTES));
}

/** Offset of the first non-zero byte at or after `from`, or -1: zero blocks are compared whole, at memcmp speed. */
function firstNonZero(src: ByteSource, from: number): number {
  let at = from;
  while (at < src.length) {
    const n = Math.min(ZERO_BLOCK.length, src.length - at, src.maxView);
    const block = src.view(at, n);
    if (!block.equals(ZERO_BLOCK.subarray(0, n))) {
      let i = 0;
      while (i + 8 <= n && block.readBigUInt64LE(i) === 0n) i += 8;
      while (block[i] === 0) i++;
      return at + i;
    }
    at += n;
  }
  return -1;
}

/** Adler32 of [from, to) of the source, a window at a time. */
function checksumOf(src: ByteSource, from: number, to: number): number {
  let sum = 1;
  for (let at = from; at < to; ) {
    const n = Math.min(to - at, src.maxView);
    sum = adler32(src.view(at, n), 0, n, sum);
    at += n;
  }
  return sum;
}

/** zxid from the TxnHeader {long clientId; int cxid; long zxid; ...} without decoding the record. */
function zxidOf(buf: Buffer, txnStart: number, txnLength: number): bigint {
  return txnLength >= 20 ? buf.readBigInt64BE(txnStart + 12) : -1n;
}

type Check =
  | { kind: 'ok'; length: number; entry: Buffer }
  | { kind: 'end' }
  | { kind: 'torn'; reason: string }
  | { kind: 'crc'; length: number };

function checkEntry(src: ByteSource, p: number, maxTxnBytes: number, file: string): Check {
  const remaining = src.length - p;
  if (remaining === 0) return { kind: 'end' };
  if (remaining < 12) return firstNonZero(src, p) < 0 ? { kind: 'end' } : { kind: 'torn', reason: 'partial entry header' };
  const length = src.view(p, 12).readInt32BE(8);
  if (length === 0) return firstNonZero(src, p) < 0 ? { kind: 'end' } : { kind: 'torn', reason: 'zero-length entry before non-zero bytes' };
  if (length < 0 || length > remaining - ENTRY_OVERHEAD_BYTES) return { kind: 'torn', reason: `entry of ${length} bytes cut short` };
  if (length > maxTxnBytes) {
    // Too long to hold in memory; only when it is intact is it more than a torn write.
    if (src.view(p + 12 + length, 1)[0] !== END_OF_RECORD) return { kind: 'torn', reason: 'last transaction was partial (no end-of-record marker)' };
    const stored = src.view(p, 8).readBigUInt64BE(0);
    if (stored !== BigInt(checksumOf(src, p + 12, p + 12 + length))) return { kind: 'crc', length };
    throw new LogCorruptionError(
      `Unreasonable length = ${length} of the txn in ${file} at offset ${p}: over the ${maxTxnBytes}-byte limit of jute.maxbuffer + jute.maxbuffer.extrasize`,
      file,
      p,
    );
  }
  const entry = src.view(p, ENTRY_OVERHEAD_BYTES + length);
  if (entry[12 + length] !== END_OF_RECORD) return { kind: 'torn', reason: 'last transaction was partial (no end-of-record marker)' };
  const stored = entry.readBigUInt64BE(0);
  if (stored !== BigInt(adler32(entry, 12, 12 + length))) return { kind: 'crc', length };
  return { kind: 'ok', length, entry };
}

/** Whether a complete entry of at most maxTxnBytes with a matching checksum starts at p. */
function validEntryAt(src: ByteSource, p: number, maxTxnBytes: number): boolean {
  if (p < LOG_FILE_HEADER_BYTES || p + ENTRY_OVERHEAD_BYTES > src.length) return false;
  const length = src.view(p, 12).readInt32BE(8);
  if (length <= 0 || length > maxTxnBytes || length > src.length - p - ENTRY_OVERHEAD_BYTES) return false;
  const entry = src.view(p, ENTRY_OVERHEAD_BYTES + length);
  if (entry[12 + length] !== END_OF_RECORD) return false;
  return entry.readBigUInt64BE(0) === BigInt(adler32(entry, 12, 12 + length));
}

/**
 * Whether any valid entry starts at or after `from`, wherever it is: after a damaged length we cannot know where
 * the next entry begins. Zero runs (the preallocated tail) are skipped; an entry's first four bytes are zero (a
 * 32-bit Adler32 stored as a long), so candidates are the 12 offsets before each non-zero byte, each tried once.
 */
function validEntryAfter(src: ByteSource, from: number, maxTxnBytes: number): boolean {
  let next = from;
  for (let q = firstNonZero(src, from); q >= 0; q = firstNonZero(src, q + 1)) {
    for (let p = Math.max(next, q - 11); p <= q; p++) if (validEntryAt(src, p, maxTxnBytes)) return true;
    next = q + 1;
  }
  return false;
}

/**
 * Walks every entry of one log, yielding each good one (its bytes valid until the walk resumes), and returns where
 * good data ends. Throws LogCorruptionError for a bad magic number or corruption in the middle of the log.
 */
function* walkLog(src: ByteSource, file: string, maxTxnBytes: number): Generator<LogEntry, LogScan, undefined> {
  const scan: LogScan = { file, fileLength: src.length, goodEnd: 0, torn: null, emptyHeader: false, entries: 0 };
  // Shorter than a header, or nothing but zeros: created, never (durably) written, so it holds no txn.
  if (src.length < LOG_FILE_HEADER_BYTES || firstNonZero(src, 0) < 0) {
    scan.emptyHeader = true;
    return scan;
  }
  const magic = src.view(0, 4).readInt32BE(0);
  if (magic !== TXNLOG_MAGIC) {
    throw new LogCorruptionError(`Transaction log: ${file} has invalid magic number ${magic} != ${TXNLOG_MAGIC}`, file, 0);
  }
  let p = LOG_FILE_HEADER_BYTES;
  scan.goodEnd = p;
  for (;;) {
    const c = checkEntry(src, p, maxTxnBytes, file);
    if (c.kind === 'end') break;
    if (c.kind === 'torn' || c.kind === 'crc') {
      // A torn last write has nothing valid after it; damage with good entries after it is corruption, and
      // truncating there would drop acknowledged transactions.
      if (validEntryAfter(src, p + 1, maxTxnBytes)) {
        const what = c.kind === 'crc' ? 'CRC check failed' : `unreadable entry (${c.reason})`;
        throw new LogCorruptionError(`${what} in ${file} at offset ${p}, with valid entries after it`, file, p);
      }
      scan.torn = { offset: p, reason: c.kind === 'crc' ? 'checksum mismatch in the last write' : c.reason };
      break;
    }
    yield { zxid: zxidOf(c.entry, 12, c.length), offset: p, bytes: c.entry.subarray(12, 12 + c.length) };
    scan.entries++;
    p += ENTRY_OVERHEAD_BYTES + c.length;
    scan.goodEnd = p;
  }
  return scan;
}

function drive(walk: Generator<LogEntry, LogScan, undefined>, onEntry?: (e: LogEntry) => void): LogScan {
  for (;;) {
    const step = walk.next();
    if (step.done) return step.value;
    onEntry?.(step.value);
  }
}

/** scanLogFile over a log held in memory; entry bytes are views into `buf`. */
export function scanLogBuffer(buf: Buffer, file: string, onEntry?: (e: LogEntry) => void, opts: LogReadOptions = {}): LogScan {
  return drive(walkLog(new BufferSource(buf), file, opts.maxTxnBytes ?? DEFAULT_MAX_TXN_BYTES), onEntry);
}

/**
 * Walks every entry of one log file with bounded memory, calling onEntry for each good one (its bytes are valid
 * only during the call), and reports where good data ends. Throws LogCorruptionError for a bad magic number or
 * corruption in the middle of the file.
 */
export function scanLogFile(file: string, onEntry?: (e: LogEntry) => void, opts: LogReadOptions = {}): LogScan {
  const maxTxnBytes = opts.maxTxnBytes ?? DEFAULT_MAX_TXN_BYTES;
  return withFileSource(file, windowBytesFor(maxTxnBytes), (src) => drive(walkLog(src, file, maxTxnBytes), onEntry));
}

/** Decodes an entry's txn from a copy of its bytes: decoded data are views, which must not share the read window. */
export function decodeLogEntry(e: LogEntry, file: string): Txn {
  try {
    return decodeTxn(Buffer.from(e.bytes));
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
export function* readLoggedTxns(logDir: string, afterZxid = 0n, opts: LogReadOptions = {}): Generator<{ txn: Txn; file: string; offset: number }> {
  const maxTxnBytes = opts.maxTxnBytes ?? DEFAULT_MAX_TXN_BYTES;
  for (const f of logFilesFrom(listLogFiles(logDir), afterZxid)) {
    const fd = fs.openSync(f.file, 'r');
    try {
      for (const e of walkLog(new FileWindowSource(fd, windowBytesFor(maxTxnBytes)), f.file, maxTxnBytes)) {
        if (e.zxid > afterZxid) yield { txn: decodeLogEntry(e, f.file), file: f.file, offset: e.offset };
      }
    } finally {
      fs.closeSync(fd);
    }
  }
}

/**
 * FileTxnLog.truncate: drops every txn after `zxid` (a follower told TRUNC by its leader): the file holding
 * `zxid` is cut after it and later files are deleted. Returns the files changed or removed.
 */
export function truncateLogAfter(logDir: string, zxid: bigint, opts: LogReadOptions = {}): string[] {
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
  let cut = -1;
  const scan = scanLogFile(
    first.file,
    (e) => {
      if (e.zxid > zxid && cut < 0) cut = e.offset;
    },
    opts,
  );
  const end = cut >= 0 ? cut : scan.goodEnd;
  if (end < scan.fileLength) {
    fs.truncateSync(first.file, end);
    changed.push(first.file);
  }
  for (const f of later) {
    fs.unlinkSync(f.file);
    changed.push(f.file);
  }
  return changed;
}
