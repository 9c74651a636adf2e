// The transaction log writer: log.<hex zxid> files as Apache's FileTxnLog writes them, with group commit.
//
// Appends are encoded at once into an in-memory batch; flush() hands everything queued to a single I/O loop,
// which writes it with one write() and one fdatasync(), and every flush() call made while that runs shares the
// next batch. When more is waiting, the flushes of the batch just made durable resolve only once the next batch's
// fdatasync is issued, so applying and answering a batch overlaps the next one's fsync (Apache's
// SyncRequestProcessor hands a batch to the final processor's thread and syncs on), and that fdatasync does not
// wait for the event loop to come back from the batch's replies. Files are sized in preAllocSize steps as Apache sizes them (sparse): its padding rule is applied
// before each entry at append time, so the size-based roll and snapshot see the lengths the files will have.
// Real zeros are kept written about 1 MiB ahead of the write position: overwriting allocated blocks lets
// fdatasync skip the block-allocation metadata (about 40% more fsyncs/s measured here than writing into
// holes), while the disk holds only the data plus that window. Each batch extends the window by what it wrote.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { JuteWriter } from '../jute/writer.js';
import { writeTxn, type Txn } from '../tree/txn.js';
import { adler32 } from './adler32.js';
import { logFileName } from './data-dir.js';

export const TXNLOG_MAGIC = 0x5a4b4c47; // "ZKLG"
export const TXNLOG_VERSION = 2;
export const LOG_FILE_HEADER_BYTES = 16;
/** checksum (8) + length (4) before the txn bytes, 'B' (1) after them. */
export const ENTRY_OVERHEAD_BYTES = 13;
export const END_OF_RECORD = 0x42;

/** Zeros are written ahead of the write position in chunks of this size, up to ZERO_AHEAD_BYTES ahead. */
const ZERO_CHUNK_BYTES = 512 * 1024;
const ZERO_AHEAD_BYTES = 2 * ZERO_CHUNK_BYTES;
const ZEROS = Buffer.alloc(ZERO_CHUNK_BYTES);
const PAGE_BYTES = 4096;
/** Batch writers larger than this are dropped rather than reused. */
const MAX_REUSED_WRITER_BYTES = 4 * 1024 * 1024;

/** The file operations the log performs; tests replace them to count or fail calls. */
export interface TxnLogIo {
  open(file: string): Promise<number>;
  write(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number>;
  ftruncate(fd: number, length: number): Promise<void>;
  fdatasync(fd: number): Promise<void>;
  close(fd: number): Promise<void>;
  syncDir(dir: string): Promise<void>;
}

export interface TxnLogOptions {
  preAllocSizeBytes: number;
  /** zookeeper.txnLogSizeLimitInKb in bytes: a flush that leaves the file longer than this rolls to a new one (<= 0: off). */
  txnLogSizeLimitBytes?: number;
  forceSync: boolean;
  fsyncWarningThresholdMs: number;
  log?: (line: string) => void;
  io?: Partial<TxnLogIo>;
  /** After each group commit: how many txns it made durable (Apache's sync_processor_batch_size). */
  onBatch?: (txns: number) => void;
  /** After each fdatasync of the log, with its duration (Apache's fsynctime). */
  onFsync?: (elapsedMs: number) => void;
}

export interface TxnLogStats {
  txns: number;
  batches: number;
  /** write() calls carrying txns. */
  dataWrites: number;
  /** write() calls carrying preallocation zeros. */
  zeroWrites: number;
  fsyncs: number;
  fsyncThresholdExceeded: number;
  lastFsyncMs: number;
}

function cb<T>(run: (done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

export const defaultTxnLogIo: TxnLogIo = {
  open: (file) => cb<number>((done) => fs.open(file, 'w', 0o644, done)),
  write: (fd, buf, offset, length, position) => cb<number>((done) => fs.write(fd, buf, offset, length, position, done)),
  ftruncate: (fd, length) => cb<void>((done) => fs.ftruncate(fd, length, done)),
  fdatasync: (fd) => cb<void>((done) => fs.fdatasync(fd, done)),
  close: (fd) => cb<void>((done) => fs.close(fd, done)),
  async syncDir(dir) {
    const fd = await cb<number>((done) => fs.open(dir, 'r', done));
    try {
      await cb<void>((done) => fs.fsync(fd, done));
    } finally {
      await cb<void>((done) => fs.close(fd, done));
    }
  },
};

/** FilePadding.calculateFileSizeWithPadding: grow by preAllocSize once the position is within 4 KiB of the end. */
export function calculateFileSizeWithPadding(position: number, fileSize: number, preAllocSize: number): number {
  if (preAllocSize > 0 && position + 4096 >= fileSize) {
    if (position > fileSize) {
      fileSize = position + preAllocSize;
      fileSize -= fileSize % preAllocSize;
    } else {
      fileSize += preAllocSize;
    }
  }
  return fileSize;
}

/** Appended txns bound for one file: a new file starts a new segment. */
interface Segment {
  newFile: boolean;
  firstZxid: bigint;
  w: JuteWriter;
  /** Sequence number of the last txn in the segment. */
  seq: number;
  /** The file size Apache's padding rule gives once the segment is written. */
  paddedSize: number;
}

interface Waiter {
  seq: number;
  resolve: () => void;
  reject: (err: Error) => void;
}

function resolveAll(waiters: Waiter[]): void {
  for (const w of waiters) w.resolve();
}

export class TxnLogError extends Error {
  readonly code = 'ZK_TXNLOG_IO';
}

export class TxnLog {
  readonly stats: TxnLogStats = {
    txns: 0, batches: 0, dataWrites: 0, zeroWrites: 0, fsyncs: 0, fsyncThresholdExceeded: 0, lastFsyncMs: -1,
  };
  private readonly io: TxnLogIo;
  private readonly log: (line: string) => void;

  private pending: Segment[] = [];
  private needNewFile = true;
  private appendedSeq = 0;
  private durableSeq = 0;
  private waiters: Waiter[] = [];
  private spareWriters: JuteWriter[] = [];
  private bytesSinceRoll = 0;
  private lastZxidSeen = 0n;
  /** Where appended txns reach in the current file, and its length by Apache's padding rule (append-time view). */
  private appendPosition = 0;
  private appendPaddedSize = 0;
  /** FileTxnLog.prevLogsRunningTotal: lengths of the files rolled since resetTotalLogBytes(). */
  private prevLogsBytes = 0;

  // State of the file being written, owned by the I/O loop.
  private fd: number | null = null;
  private fileName = '';
  private filePosition = 0;
  /** Everything below this offset is txn data or written zeros. */
  private zeroedEnd = 0;
  /** The preallocated size Apache's padding rule asks for; the file is extended to it. */
  private paddedSize = 0;
  private fileLength = 0;
  private dirNeedsSync = false;

  private pumping = false;
  /** Flushes of the last batch, made durable, resolved once the next batch's fdatasync is issued. */
  private durableUnresolved: Waiter[] | null = null;
  private idleWaiters: (() => void)[] = [];
  private failed: Error | null = null;
  private closed = false;

  private constructor(
    readonly logDir: string,
    private readonly opts: TxnLogOptions,
  ) {
    this.io = { ...defaultTxnLogIo, ...opts.io };
    this.log = opts.log ?? (() => {});
  }

  static async open(logDir: string, opts: TxnLogOptions): Promise<TxnLog> {
    await fs.promises.mkdir(logDir, { recursive: true });
    return new TxnLog(logDir, opts);
  }

  /** Bytes appended to the current file since the last roll. */
  get currentFileBytes(): number {
    return this.bytesSinceRoll;
  }

  /**
   * FileTxnLog.getCurrentLogSize: the length of the current file, preallocation included, as Apache's padding
   * rule makes it for the txns appended so far (0 after a roll, until the next append).
   */
  get currentFileLengthBytes(): number {
    return Math.max(this.appendPaddedSize, this.appendPosition);
  }

  /** FileTxnLog.getTotalLogSize: the files rolled since resetTotalLogBytes() and the current one. */
  get totalLogBytes(): number {
    return this.prevLogsBytes + this.currentFileLengthBytes;
  }

  /** ZKDatabase.resetTxnCount's setTotalLogSize(0), done when a snapshot rolls the log. */
  resetTotalLogBytes(): void {
    this.prevLogsBytes = 0;
  }

  /** The file txns are being written to (empty before the first flush). */
  get currentFile(): string {
    return this.fileName === '' ? '' : path.join(this.logDir, this.fileName);
  }

  append(txn: Txn): void {
    this.appendWith(txn.hdr.zxid, txn.hdr.type, (w) => writeTxn(w, txn));
  }

  /**
   * Appends a txn already serialized (TxnHeader, record, optional digest), as a quorum proposal carries it: the
   * bytes are logged as they are, without decoding and encoding them again.
   */
  appendEncoded(data: Buffer): void {
    // TxnHeader: clientId long, cxid int, zxid long, time long, type int.
    this.appendWith(data.readBigInt64BE(12), data.readInt32BE(28), (w) => w.raw(data));
  }

  private appendWith(zxid: bigint, type: number, write: (w: JuteWriter) => void): void {
    if (this.closed) throw new TxnLogError('transaction log is closed');
    if (zxid <= this.lastZxidSeen) {
      this.log(`Current zxid 0x${zxid.toString(16)} is <= 0x${this.lastZxidSeen.toString(16)} for type ${type}`);
    } else {
      this.lastZxidSeen = zxid;
    }
    let seg = this.pending[this.pending.length - 1];
    if (seg === undefined || this.needNewFile) {
      seg = { newFile: this.needNewFile, firstZxid: zxid, w: this.takeWriter(), seq: 0, paddedSize: 0 };
      if (this.needNewFile) {
        seg.w.int(TXNLOG_MAGIC);
        seg.w.int(TXNLOG_VERSION);
        seg.w.long(0n);
        this.bytesSinceRoll = LOG_FILE_HEADER_BYTES;
        this.appendPosition = LOG_FILE_HEADER_BYTES;
        this.appendPaddedSize = LOG_FILE_HEADER_BYTES;
        this.needNewFile = false;
      }
      this.pending.push(seg);
    }
    const w = seg.w;
    const entryStart = w.pos;
    w.long(0n);
    w.int(0);
    const txnStart = w.pos;
    write(w);
    const txnLength = w.pos - txnStart;
    w.byte(END_OF_RECORD);
    // The checksum is Adler32 of the txn bytes alone; as a Java long its high word is zero.
    w.buf.writeUInt32BE(0, entryStart);
    w.buf.writeUInt32BE(adler32(w.buf, txnStart, txnStart + txnLength), entryStart + 4);
    w.buf.writeInt32BE(txnLength, entryStart + 8);
    this.bytesSinceRoll += w.pos - entryStart;
    // FileTxnLog.append pads the file before each entry.
    this.appendPaddedSize = calculateFileSizeWithPadding(this.appendPosition, this.appendPaddedSize, this.opts.preAllocSizeBytes);
    this.appendPosition += w.pos - entryStart;
    seg.paddedSize = this.appendPaddedSize;
    seg.seq = ++this.appendedSeq;
    this.stats.txns++;
  }

  /** Resolves once every txn appended before this call is written and fsynced. */
  flush(): Promise<void> {
    if (this.failed) return Promise.reject(this.failed);
    const seq = this.appendedSeq;
    if (this.durableSeq >= seq) return Promise.resolve();
    const done = new Promise<void>((resolve, reject) => {
      this.waiters.push({ seq, resolve, reject });
      this.kick();
    });
    // FileTxnLog.commit rolls once the file is past the limit: txns appended from now on start a new file.
    const limit = this.opts.txnLogSizeLimitBytes ?? -1;
    if (limit > 0 && this.currentFileLengthBytes > limit) this.roll();
    return done;
  }

  /** FileTxnLog.rollLog: the next append starts a new file; the current one's length joins the running total. */
  roll(): void {
    this.prevLogsBytes += this.currentFileLengthBytes;
    this.appendPosition = 0;
    this.appendPaddedSize = 0;
    this.needNewFile = true;
    this.bytesSinceRoll = 0;
  }

  async close(): Promise<void> {
    if (this.closed) return this.whenIdle();
    this.closed = true;
    try {
      if (!this.failed) await this.flush();
    } finally {
      await this.whenIdle();
      if (this.fd !== null) {
        const fd = this.fd;
        this.fd = null;
        await this.io.close(fd);
      }
    }
  }

  private takeWriter(): JuteWriter {
    return this.spareWriters.pop() ?? new JuteWriter(64 * 1024);
  }

  private recycle(w: JuteWriter): void {
    if (w.buf.length > MAX_REUSED_WRITER_BYTES || this.spareWriters.length >= 2) return;
    w.reset();
    this.spareWriters.push(w);
  }

  private whenIdle(): Promise<void> {
    if (!this.pumping) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private kick(): void {
    if (this.pumping) return;
    this.pumping = true;
    void this.pump();
  }

  /** The only code that touches the file: batches first, then zeroing ahead while idle. */
  private async pump(): Promise<void> {
    try {
      for (;;) {
        if (this.failed) break;
        if (this.waiters.length > 0 && this.pending.length > 0) {
          const durable = await this.runBatch();
          // With more to write, they resolve once the next batch's fdatasync is on its way (or that batch ends).
          if (this.waiters.length > 0 && this.pending.length > 0 && !this.failed) this.durableUnresolved = durable;
          else resolveAll(durable);
          continue;
        }
        if (!this.closed && this.zeroingWanted(ZERO_AHEAD_BYTES)) {
          await this.zeroAhead(this.zeroedEnd + ZERO_CHUNK_BYTES, true);
          continue;
        }
        break;
      }
    } catch (err) {
      this.fail(err);
    } finally {
      this.resolveDurable();
      this.pumping = false;
      const idle = this.idleWaiters;
      this.idleWaiters = [];
      for (const resolve of idle) resolve();
    }
  }

  /** Writes and syncs everything pending; returns the flushes it made durable, for the caller to resolve. */
  private async runBatch(): Promise<Waiter[]> {
    const batch = this.pending;
    this.pending = [];
    const seq = batch[batch.length - 1].seq;
    try {
      for (let i = 0; i < batch.length; i++) {
        const seg = batch[i];
        if (seg.newFile) await this.openFile(seg.firstZxid);
        if (this.fd === null) throw new TxnLogError('no log file open');
        const bytes = seg.w.bytes();
        await this.writeFully(bytes, this.filePosition);
        this.stats.dataWrites++;
        this.filePosition += bytes.length;
        if (this.filePosition > this.zeroedEnd) this.zeroedEnd = this.filePosition;
        await this.padAfterWrite(seg.paddedSize);
        // A later file must never be durable while an earlier one is not: sync before moving on.
        if (i === batch.length - 1 || batch[i + 1].newFile) await this.sync();
      }
      this.stats.batches++;
      this.opts.onBatch?.(seq - this.durableSeq);
      this.durableSeq = seq;
      let n = 0;
      while (n < this.waiters.length && this.waiters[n].seq <= seq) n++;
      return this.waiters.splice(0, n);
    } catch (err) {
      this.fail(err);
      return [];
    } finally {
      this.resolveDurable();
      for (const seg of batch) this.recycle(seg.w);
    }
  }

  private async openFile(firstZxid: bigint): Promise<void> {
    if (this.fd !== null) {
      const old = this.fd;
      this.fd = null;
      await this.io.close(old);
    }
    this.fileName = logFileName(firstZxid);
    this.log(`Creating new log file: ${this.fileName}`);
    this.fd = await this.io.open(path.join(this.logDir, this.fileName));
    this.filePosition = 0;
    this.zeroedEnd = 0;
    this.fileLength = 0;
    // FileTxnLog sets the padding's current size to the header's end, so files are 16 bytes + n * preAllocSize.
    this.paddedSize = LOG_FILE_HEADER_BYTES;
    this.dirNeedsSync = true;
  }

  /** Zeros only pay off when fdatasync follows: without forceSync the file stays sparse, as Apache leaves it. */
  private zeroingWanted(aheadBytes: number): boolean {
    return this.opts.forceSync && this.fd !== null && this.zeroedEnd < Math.min(this.paddedSize, this.filePosition + aheadBytes);
  }

  /** Extends the file to the size append() worked out by Apache's padding rule, and keeps written zeros ahead. */
  private async padAfterWrite(paddedSize: number): Promise<void> {
    if (paddedSize > this.paddedSize) this.paddedSize = paddedSize;
    if (this.filePosition > this.fileLength) this.fileLength = this.filePosition;
    if (this.paddedSize > this.fileLength) {
      await this.io.ftruncate(this.fd!, this.paddedSize);
      this.fileLength = this.paddedSize;
    }
    if (this.zeroingWanted(ZERO_AHEAD_BYTES)) {
      // Carried by this batch's fdatasync: about as many zeros as the batch wrote (whole pages), so under load every
      // fsync carries a little more rather than one in a few dozen carrying half a megabyte and standing out.
      await this.zeroAhead(Math.ceil((this.filePosition + ZERO_AHEAD_BYTES) / PAGE_BYTES) * PAGE_BYTES, false);
    }
  }

  private async zeroAhead(target: number, sync: boolean): Promise<void> {
    const to = Math.min(target, this.paddedSize);
    if (this.fd === null || to <= this.zeroedEnd) return;
    let at = this.zeroedEnd;
    while (at < to) {
      const n = Math.min(ZERO_CHUNK_BYTES, to - at);
      await this.writeFully(ZEROS.subarray(0, n), at);
      this.stats.zeroWrites++;
      at += n;
    }
    this.zeroedEnd = to;
    if (sync && this.opts.forceSync) await this.io.fdatasync(this.fd);
  }

  private async writeFully(bytes: Buffer, position: number): Promise<void> {
    let done = 0;
    while (done < bytes.length) {
      const n = await this.io.write(this.fd!, bytes, done, bytes.length - done, position + done);
      if (n <= 0) throw new TxnLogError(`short write to ${this.fileName} at ${position + done}`);
      done += n;
    }
  }

  private async sync(): Promise<void> {
    if (!this.opts.forceSync || this.fd === null) return;
    const started = process.hrtime.bigint();
    const synced = this.io.fdatasync(this.fd);
    this.resolveDurable();
    await synced;
    const elapsedMs = Number((process.hrtime.bigint() - started) / 1_000_000n);
    this.stats.fsyncs++;
    this.stats.lastFsyncMs = elapsedMs;
    this.opts.onFsync?.(elapsedMs);
    if (elapsedMs > this.opts.fsyncWarningThresholdMs) {
      this.stats.fsyncThresholdExceeded++;
      this.log(
        `fsync-ing the write ahead log in SyncThread:0 took ${elapsedMs}ms which will adversely effect operation latency.` +
          `File size is ${Math.max(this.fileLength, this.filePosition)} bytes. See the ZooKeeper troubleshooting guide`,
      );
    }
    if (this.dirNeedsSync) {
      await this.io.syncDir(this.logDir);
      this.dirNeedsSync = false;
    }
  }

  private resolveDurable(): void {
    const durable = this.durableUnresolved;
    if (durable === null) return;
    this.durableUnresolved = null;
    resolveAll(durable);
  }

  private fail(err: unknown): void {
    const cause = err instanceof Error ? err : new Error(String(err));
    const failure = new TxnLogError(`writing ${this.currentFile || this.logDir} failed: ${cause.message}`, { cause });
    this.failed ??= failure;
    this.log(`Severe unrecoverable error, ${failure.message}`);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w.reject(this.failed);
  }
}
