// A segment's `.txnindex` (Kafka's TransactionIndex): one entry per aborted transaction whose ABORT marker is in
// the segment, in marker order, 34 bytes each: int16 version (0), int64 producerId, int64 firstOffset, int64
// lastOffset (the marker's offset), int64 lastStableOffset (the LSO right after the marker was written). A
// read_committed fetch collects the entries overlapping what it returns, so the consumer can drop aborted records.
// As in Kafka the file is created by its first entry. Only the count and the last entry stay in memory: the entries
// are read from the file in bounded chunks (transactions a producer aborts must not grow the broker's heap), found
// by binary search on their marker offsets, which only grow. A torn tail (a kill during an append) is cut when the
// file is opened. Reads are synchronous: they come from the page cache, in one turn, so the descriptor cannot be
// closed under them.
import * as fs from 'node:fs';
import { closeFile, fileSize, fsyncFile, openFile, readAt, readAtSync, truncateFile, writeAt } from './file-io.js';

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

const CHUNK_ENTRIES = 1024;

function decodeEntry(buf: Buffer, at: number): AbortedTxn {
  return {
    producerId: Number(buf.readBigInt64BE(at + 2)),
    firstOffset: Number(buf.readBigInt64BE(at + 10)),
    lastOffset: Number(buf.readBigInt64BE(at + 18)),
    lastStableOffset: Number(buf.readBigInt64BE(at + 26)),
  };
}

/** How many whole entries of version 0 `buf` starts with. */
function validEntries(buf: Buffer): number {
  let n = 0;
  while ((n + 1) * TXN_INDEX_ENTRY_BYTES <= buf.length && buf.readInt16BE(n * TXN_INDEX_ENTRY_BYTES) === TXN_INDEX_VERSION) n++;
  return n;
}

export class TransactionIndex {
  private fd: number | null = null;
  private count = 0;
  private last: AbortedTxn | undefined;

  private constructor(public file: string) {}

  /** Reads the file through once if there is one, cutting a torn or unreadable tail. */
  static async open(file: string): Promise<TransactionIndex> {
    const index = new TransactionIndex(file);
    let fd: number;
    try {
      fd = await openFile(file, 'r+');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return index;
      throw err;
    }
    index.fd = fd;
    const size = await fileSize(fd);
    const chunk = Buffer.allocUnsafe(CHUNK_ENTRIES * TXN_INDEX_ENTRY_BYTES);
    let valid = 0;
    while (valid * TXN_INDEX_ENTRY_BYTES < size) {
      const n = await readAt(fd, chunk, 0, Math.min(chunk.length, size - valid * TXN_INDEX_ENTRY_BYTES), valid * TXN_INDEX_ENTRY_BYTES);
      const whole = validEntries(chunk.subarray(0, n));
      valid += whole;
      if (whole < CHUNK_ENTRIES) break;
    }
    index.count = valid;
    if (valid > 0) index.last = index.readEntry(valid - 1);
    if (valid * TXN_INDEX_ENTRY_BYTES < size) await truncateFile(fd, valid * TXN_INDEX_ENTRY_BYTES);
    return index;
  }

  /** A new, empty index (an existing file of that name is removed). */
  static async create(file: string): Promise<TransactionIndex> {
    await fs.promises.rm(file, { force: true });
    return new TransactionIndex(file);
  }

  get entryCount(): number {
    return this.count;
  }

  /** The last entry's marker offset, -1 when empty. */
  get lastOffset(): number {
    return this.last?.lastOffset ?? -1;
  }

  private async handle(): Promise<number> {
    this.fd ??= await openFile(this.file, fs.existsSync(this.file) ? 'r+' : 'w+');
    return this.fd;
  }

  private readEntry(i: number): AbortedTxn {
    const buf = Buffer.allocUnsafe(TXN_INDEX_ENTRY_BYTES);
    this.readEntries(buf, i, 1);
    return decodeEntry(buf, 0);
  }

  /** Entries [first, first + n) into `buf`; only called for entries below the count, which the file holds. */
  private readEntries(buf: Buffer, first: number, n: number): void {
    this.fd ??= fs.openSync(this.file, 'r+');
    const bytes = n * TXN_INDEX_ENTRY_BYTES;
    if (readAtSync(this.fd, buf, 0, bytes, first * TXN_INDEX_ENTRY_BYTES) < bytes) throw new Error(`${this.file}: shorter than its ${this.count} entries`);
  }

  /** The first entry whose marker is at or after `offset` (the count when none is). */
  private firstAtOrAfter(offset: number): number {
    if (this.count === 0 || this.lastOffset < offset) return this.count;
    let lo = 0;
    let hi = this.count - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.readEntry(mid).lastOffset >= offset) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  /** Entries from the first whose marker is at or after `fromOffset`, in order, read a chunk at a time. */
  *entries(fromOffset = 0): Generator<AbortedTxn> {
    const end = this.count;
    const chunk = Buffer.allocUnsafe(Math.min(CHUNK_ENTRIES, Math.max(1, end)) * TXN_INDEX_ENTRY_BYTES);
    for (let i = this.firstAtOrAfter(fromOffset); i < end; ) {
      const n = Math.min(CHUNK_ENTRIES, end - i);
      this.readEntries(chunk, i, n);
      for (let k = 0; k < n; k++) yield decodeEntry(chunk, k * TXN_INDEX_ENTRY_BYTES);
      i += n;
    }
  }

  async append(e: AbortedTxn): Promise<void> {
    if (e.lastOffset <= this.lastOffset) {
      throw new RangeError(`${this.file}: the last offset ${e.lastOffset} of an aborted transaction is not above the index's last ${this.lastOffset}`);
    }
    const fd = await this.handle();
    await writeAt(fd, encodeAbortedTxn(e), 0, TXN_INDEX_ENTRY_BYTES, this.count * TXN_INDEX_ENTRY_BYTES);
    this.count++;
    this.last = e;
  }

  /** Appends unless an entry at or after its marker is already there (replays after a restart repeat markers). */
  async appendIfNew(e: AbortedTxn): Promise<boolean> {
    if (e.lastOffset <= this.lastOffset) return false;
    await this.append(e);
    return true;
  }

  /** Drops the entries whose marker is at or after `offset`. */
  async truncateTo(offset: number): Promise<void> {
    const keep = this.firstAtOrAfter(offset);
    if (keep === this.count) return;
    this.last = keep > 0 ? this.readEntry(keep - 1) : undefined;
    this.count = keep;
    await truncateFile(await this.handle(), keep * TXN_INDEX_ENTRY_BYTES);
  }

  /**
   * Kafka's collectAbortedTxns: entries overlapping [fetchOffset, upperBoundOffset). Entries whose marker is before
   * fetchOffset neither overlap nor end the search (their last stable offset is at most the marker's offset + 1), so
   * the scan starts at the first marker at or after it.
   */
  collect(fetchOffset: number, upperBoundOffset: number): TxnIndexSearch {
    const aborted: AbortedTxn[] = [];
    for (const e of this.entries(fetchOffset)) {
      if (e.firstOffset < upperBoundOffset) aborted.push(e);
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
