// A segment's `.txnindex` (Kafka's TransactionIndex): one entry per aborted transaction whose ABORT marker is in
// the segment, in marker order, 34 bytes each: int16 version (0), int64 producerId, int64 firstOffset, int64
// lastOffset (the marker's offset), int64 lastStableOffset (the LSO right after the marker was written). A
// read_committed fetch collects the entries overlapping what it returns, so the consumer can drop aborted records.
// As in Kafka the file is created by its first entry. The entries are few and kept in memory; a torn tail (a kill
// during an append) is cut when the file is opened.
import * as fs from 'node:fs';
import { closeFile, fsyncFile, openFile, truncateFile, writeAt } from './file-io.js';

export const TXN_INDEX_ENTRY_BYTES = 34;
const TXN_INDEX_VERSION = 0;

export interface AbortedTxn {
  producerId: number;
  firstOffset: number;
  lastOffset: number;
  lastStableOffset: number;
}

export interface TxnIndexSearch {
  aborted: AbortedTxn[];
  /** An entry's last stable offset reached the upper bound: later segments cannot hold more. */
  complete: boolean;
}

export function encodeAbortedTxn(e: AbortedTxn): Buffer {
  const buf = Buffer.alloc(TXN_INDEX_ENTRY_BYTES);
  buf.writeInt16BE(TXN_INDEX_VERSION, 0);
  buf.writeBigInt64BE(BigInt(e.producerId), 2);
  buf.writeBigInt64BE(BigInt(e.firstOffset), 10);
  buf.writeBigInt64BE(BigInt(e.lastOffset), 18);
  buf.writeBigInt64BE(BigInt(e.lastStableOffset), 26);
  return buf;
}

/** The entries of a file's bytes, up to the first torn or unreadable one; `validBytes` is where that one starts. */
export function decodeTxnIndex(buf: Buffer): { entries: AbortedTxn[]; validBytes: number } {
  const entries: AbortedTxn[] = [];
  let at = 0;
  while (at + TXN_INDEX_ENTRY_BYTES <= buf.length && buf.readInt16BE(at) === TXN_INDEX_VERSION) {
    entries.push({
      producerId: Number(buf.readBigInt64BE(at + 2)),
      firstOffset: Number(buf.readBigInt64BE(at + 10)),
      lastOffset: Number(buf.readBigInt64BE(at + 18)),
      lastStableOffset: Number(buf.readBigInt64BE(at + 26)),
    });
    at += TXN_INDEX_ENTRY_BYTES;
  }
  return { entries, validBytes: at };
}

export class TransactionIndex {
  private fd: number | null = null;
  private list: AbortedTxn[];

  private constructor(public file: string, entries: AbortedTxn[]) {
    this.list = entries;
  }

  /** Reads the file if there is one, cutting a torn or unreadable tail. */
  static async open(file: string): Promise<TransactionIndex> {
    let buf: Buffer;
    try {
      buf = await fs.promises.readFile(file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return new TransactionIndex(file, []);
      throw err;
    }
    const { entries, validBytes } = decodeTxnIndex(buf);
    const index = new TransactionIndex(file, entries);
    if (validBytes < buf.length) {
      const fd = await index.handle();
      await truncateFile(fd, validBytes);
    }
    return index;
  }

  /** A new, empty index (an existing file of that name is removed). */
  static async create(file: string): Promise<TransactionIndex> {
    await fs.promises.rm(file, { force: true });
    return new TransactionIndex(file, []);
  }

  get entries(): readonly AbortedTxn[] {
    return this.list;
  }

  /** The last entry's marker offset, -1 when empty. */
  get lastOffset(): number {
    return this.list.at(-1)?.lastOffset ?? -1;
  }

  private async handle(): Promise<number> {
    this.fd ??= await openFile(this.file, fs.existsSync(this.file) ? 'r+' : 'w+');
    return this.fd;
  }

  async append(e: AbortedTxn): Promise<void> {
    if (e.lastOffset <= this.lastOffset) {
      throw new RangeError(`${this.file}: the last offset ${e.lastOffset} of an aborted transaction is not above the index's last ${this.lastOffset}`);
    }
    const fd = await this.handle();
    await writeAt(fd, encodeAbortedTxn(e), 0, TXN_INDEX_ENTRY_BYTES, this.list.length * TXN_INDEX_ENTRY_BYTES);
    this.list.push(e);
  }

  /** Appends unless an entry at or after its marker is already there (replays after a restart repeat markers). */
  async appendIfNew(e: AbortedTxn): Promise<boolean> {
    if (e.lastOffset <= this.lastOffset) return false;
    await this.append(e);
    return true;
  }

  /** Drops the entries whose marker is at or after `offset`. */
  async truncateTo(offset: number): Promise<void> {
    const keep = this.list.findIndex((e) => e.lastOffset >= offset);
    if (keep < 0) return;
    this.list = this.list.slice(0, keep);
    if (this.fd === null && !fs.existsSync(this.file)) return;
    await truncateFile(await this.handle(), keep * TXN_INDEX_ENTRY_BYTES);
  }

  /** Kafka's collectAbortedTxns: entries overlapping [fetchOffset, upperBoundOffset). */
  collect(fetchOffset: number, upperBoundOffset: number): TxnIndexSearch {
    const aborted: AbortedTxn[] = [];
    for (const e of this.list) {
      if (e.lastOffset >= fetchOffset && e.firstOffset < upperBoundOffset) aborted.push(e);
      if (e.lastStableOffset >= upperBoundOffset) return { aborted, complete: true };
    }
    return { aborted, complete: false };
  }

  async flush(): Promise<void> {
    if (this.fd !== null) await fsyncFile(this.fd);
  }

  async renameTo(file: string): Promise<void> {
    try {
      await fs.promises.rename(this.file, file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    this.file = file;
  }

  async close(): Promise<void> {
    const fd = this.fd;
    this.fd = null;
    if (fd !== null) await closeFile(fd);
  }

  async deleteFile(): Promise<void> {
    await this.close().catch(() => undefined);
    await fs.promises.rm(this.file, { force: true });
  }
}
