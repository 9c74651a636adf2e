// What the offset and time indexes share (Kafka's AbstractIndex): a file of fixed-size entries, pre-allocated
// on disk to the index size limit while its segment is active and trimmed to its entries on roll and close.
// Kafka mmaps the file; here the entries are mirrored in a Buffer that is read from the file on first use and
// grows with the entries (never to the pre-allocated size), and each appended entry is also written to the
// file soon after: entries appended in one turn of the event loop go out together in one synchronous pwrite (at
// the end of the turn, or before anything else touches the file), so the file and the mirror agree whenever no
// append is in flight. A pwrite into the page cache is what Kafka's store into the mmap amounts to; one per entry
// cost as much as the write of a whole 16 KiB batch, and a round trip through libuv's thread pool more still. An
// entry lost with the process before its write is rebuilt by recovery, as it would be after a crash between the
// log write and the entry's.
import * as fs from 'node:fs';
import { closeFile, fileSize, fsyncFile, openFile, readAt, truncateFile, writeAtSync } from './file-io.js';

const INITIAL_MIRROR_BYTES = 4096;

export abstract class IndexFile {
  /** Entries in use. For a file opened from disk: its whole length, as Kafka reads it. */
  protected entryCount = 0;
  /** Entries the file may hold (its pre-allocated or trimmed length over the entry size). */
  protected capacity = 0;
  protected mirror: Buffer = Buffer.alloc(0);
  /** Entries [0, loadedEntries) of the file are in `mirror`. */
  private loadedEntries = 0;
  private loading: Promise<void> | null = null;
  /** Length of the file when it was opened (what the start-up sanity check looks at). */
  openedLengthBytes = 0;
  /** Entries [dirtyFrom, entryCount) are in the mirror and not yet in the file; -1 = none. */
  private dirtyFrom = -1;
  private writeScheduled = false;
  /** A failed write of entries, reported by the next operation on the index. */
  private writeError: unknown = null;

  protected constructor(
    public file: string,
    protected fd: number,
    readonly baseOffset: number,
    readonly entrySize: number,
  ) {}

  /** Opens or creates an index file and sets up its counts (see init). */
  protected static async openIndex<T extends IndexFile>(
    file: string, maxIndexSizeBytes: number, create: boolean, make: (fd: number) => T,
  ): Promise<T> {
    const { fd, size, created } = await IndexFile.openFd(file, create);
    const index = make(fd);
    await index.init(size, created, maxIndexSizeBytes);
    return index;
  }

  private static async openFd(file: string, create: boolean): Promise<{ fd: number; size: number; created: boolean }> {
    if (create) return { fd: await openFile(file, 'w+'), size: 0, created: true };
    try {
      const fd = await openFile(file, 'r+');
      return { fd, size: await fileSize(fd), created: false };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
      return { fd: await openFile(file, 'w+'), size: 0, created: true };
    }
  }

  /** Sets up counts after open: a new file is pre-allocated to `maxIndexSizeBytes`, an old one is taken whole. */
  private async init(size: number, created: boolean, maxIndexSizeBytes: number): Promise<void> {
    if (created) {
      this.entryCount = 0;
      this.loadedEntries = 0;
      await this.resize(maxIndexSizeBytes);
    } else {
      this.openedLengthBytes = size;
      this.entryCount = Math.floor(size / this.entrySize);
      this.capacity = this.entryCount;
    }
  }

  get entries(): number {
    return this.entryCount;
  }

  get maxEntries(): number {
    return this.capacity;
  }

  get sizeBytes(): number {
    return this.entryCount * this.entrySize;
  }

  isFull(): boolean {
    return this.entryCount >= this.capacity;
  }

  /** Reads the entries from the file into memory (once); lookups need it. */
  ensureLoaded(): Promise<void> {
    if (this.loadedEntries >= this.entryCount) return Promise.resolve();
    this.loading ??= (async () => {
      const bytes = this.entryCount * this.entrySize;
      const mirror = Buffer.alloc(bytes);
      const n = await readAt(this.fd, mirror, 0, bytes, 0);
      mirror.fill(0, n);
      this.mirror = mirror;
      this.loadedEntries = this.entryCount;
    })().finally(() => {
      this.loading = null;
    });
    return this.loading;
  }

  get loaded(): boolean {
    return this.loadedEntries >= this.entryCount;
  }

  /**
   * Appends one entry already encoded at mirror[entries * entrySize] by the subclass; it reaches the file with
   * the others of this turn of the event loop (writeDirty).
   */
  protected commitEntry(): void {
    if (this.writeError !== null) throw this.takeWriteError();
    if (this.dirtyFrom < 0) this.dirtyFrom = this.entryCount;
    this.entryCount++;
    this.loadedEntries = this.entryCount;
    if (!this.writeScheduled) {
      this.writeScheduled = true;
      setImmediate(this.scheduledWrite);
    }
  }

  private readonly scheduledWrite = (): void => {
    this.writeScheduled = false;
    try {
      this.writeDirty();
    } catch (err) {
      this.writeError ??= err;
    }
  };

  private takeWriteError(): unknown {
    const err = this.writeError;
    this.writeError = null;
    return err;
  }

  /** Writes the entries appended since the last write to the file (synchronously; a no-op when there are none). */
  writeDirty(): void {
    if (this.writeError !== null) throw this.takeWriteError();
    const from = this.dirtyFrom;
    if (from < 0) return;
    this.dirtyFrom = -1;
    if (from >= this.entryCount) return;
    const pos = from * this.entrySize;
    writeAtSync(this.fd, this.mirror, pos, (this.entryCount - from) * this.entrySize, pos);
  }

  /** Makes room in the mirror for one more entry and returns its byte position. */
  protected slotForAppend(): number {
    if (!this.loaded) throw new Error(`${this.file}: append before the entries were loaded`);
    const pos = this.entryCount * this.entrySize;
    if (pos + this.entrySize > this.mirror.length) {
      const grown = Buffer.alloc(Math.max(INITIAL_MIRROR_BYTES, this.mirror.length * 2, pos + this.entrySize));
      this.mirror.copy(grown, 0, 0, pos);
      this.mirror = grown;
    }
    return pos;
  }

  /** Drops entries from `n` on (the file keeps its length, as Kafka's mmap does). */
  protected truncateToEntries(n: number): void {
    this.writeDirty();
    this.entryCount = Math.min(this.entryCount, n);
    this.loadedEntries = Math.min(this.loadedEntries, this.entryCount);
  }

  /** Removes every entry and re-grows the file (Kafka's reset before rebuilding the index in recovery). */
  async reset(maxIndexSizeBytes: number): Promise<void> {
    this.truncateToEntries(0);
    await this.resize(maxIndexSizeBytes);
  }

  /** Sets the file length to `maxIndexSizeBytes` rounded down to whole entries (never below the entries in use). */
  async resize(maxIndexSizeBytes: number): Promise<void> {
    this.writeDirty();
    const slots = Math.max(this.entryCount, Math.floor(maxIndexSizeBytes / this.entrySize));
    await truncateFile(this.fd, slots * this.entrySize);
    this.capacity = slots;
  }

  /** Cuts the file to the entries in use (on roll and close). */
  async trimToValidSize(): Promise<void> {
    this.writeDirty();
    await truncateFile(this.fd, this.entryCount * this.entrySize);
    this.capacity = this.entryCount;
  }

  async flush(): Promise<void> {
    this.writeDirty();
    await fsyncFile(this.fd);
  }

  /** Trims, then closes the file. */
  async close(): Promise<void> {
    await this.trimToValidSize();
    await closeFile(this.fd);
  }

  /** Closes without trimming (the file is going away). */
  closeHandle(): Promise<void> {
    this.dirtyFrom = -1;
    this.writeError = null;
    return closeFile(this.fd);
  }

  async renameTo(file: string): Promise<void> {
    this.writeDirty();
    await fs.promises.rename(this.file, file);
    this.file = file;
  }

  /** Reads the last entry from the file without loading the rest (for start-up sanity checks). */
  protected async readLastEntry(): Promise<Buffer | null> {
    if (this.entryCount === 0) return null;
    this.writeDirty();
    const entry = Buffer.alloc(this.entrySize);
    const n = await readAt(this.fd, entry, 0, this.entrySize, (this.entryCount - 1) * this.entrySize);
    return n === this.entrySize ? entry : null;
  }

  /** Greatest slot whose key is ≤ target, -1 when every key is greater (binary search over loaded entries). */
  protected largestLowerBoundSlot(target: number, keyAt: (slot: number) => number): number {
    let lo = 0;
    let hi = this.entryCount - 1;
    if (hi < 0 || keyAt(0) > target) return -1;
    while (lo < hi) {
      const mid = Math.ceil((lo + hi) / 2);
      if (keyAt(mid) <= target) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }
}
