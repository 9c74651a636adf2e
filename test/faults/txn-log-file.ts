// Reads the entry layout of a log.<zxid> file independently of the server's reader, so fault tests can aim
// their damage at one entry: header (magic, version, dbid: 16 bytes), then per entry a checksum (8), a length
// (4), the txn bytes and a 'B' end-of-record byte; preallocated zeros follow the last entry.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface LogEntryLayout {
  /** Offset of the entry's checksum. */
  offset: number;
  /** Length of the txn bytes. */
  length: number;
  /** Offset of the txn bytes. */
  txnOffset: number;
  /** Offset just past the 'B'. */
  end: number;
  zxid: bigint;
  /** TxnHeader.type (1 = create, -10 = createSession, ...). */
  type: number;
}

export function logEntries(buf: Buffer): LogEntryLayout[] {
  const entries: LogEntryLayout[] = [];
  let p = 16;
  while (p + 12 <= buf.length) {
    const length = buf.readInt32BE(p + 8);
    if (length <= 0 || p + 13 + length > buf.length || buf[p + 12 + length] !== 0x42) break;
    const txnOffset = p + 12;
    // TxnHeader: clientId (8), cxid (4), zxid (8), time (8), type (4)
    entries.push({ offset: p, length, txnOffset, end: txnOffset + length + 1, zxid: buf.readBigInt64BE(txnOffset + 12), type: buf.readInt32BE(txnOffset + 28) });
    p = txnOffset + length + 1;
  }
  return entries;
}

/** The log files of a version-2 directory, oldest first. */
export function logFiles(versionDir: string): string[] {
  return readdirSync(versionDir)
    .filter((f) => /^log\.[0-9a-f]+$/.test(f))
    .sort((a, b) => Number(BigInt('0x' + a.slice(4)) - BigInt('0x' + b.slice(4))))
    .map((f) => join(versionDir, f));
}

export function lastLogFile(versionDir: string): { file: string; buf: Buffer; entries: LogEntryLayout[] } {
  const files = logFiles(versionDir);
  if (files.length === 0) throw new Error(`no log file in ${versionDir}`);
  const file = files[files.length - 1]!;
  const buf = readFileSync(file);
  return { file, buf, entries: logEntries(buf) };
}
