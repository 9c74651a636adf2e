// Positional file I/O on raw descriptors (no FileHandle objects on the hot path), and durable small-file
// writes: write `<name>.tmp`, fsync, rename over the old file, as Kafka writes its checkpoints, then fsync the
// directory so the rename itself survives a crash.
import * as fs from 'node:fs';
import { dirname } from 'node:path';
import { fsyncDirSync } from '../../zookeeper/storage/data-dir.js';
import { LogDirError } from './errors.js';

function cb<T>(run: (done: (err: NodeJS.ErrnoException | null, value?: T) => void) => void): Promise<T> {
  return new Promise((resolve, reject) => run((err, value) => (err ? reject(err) : resolve(value as T))));
}

export const openFile = (file: string, flags: string): Promise<number> => cb<number>((done) => fs.open(file, flags, 0o644, done));
export const closeFile = (fd: number): Promise<void> => cb<void>((done) => fs.close(fd, done));
export const fsyncFile = (fd: number): Promise<void> => cb<void>((done) => fs.fsync(fd, done));
export const truncateFile = (fd: number, length: number): Promise<void> => cb<void>((done) => fs.ftruncate(fd, length, done));
export const fileSize = async (fd: number): Promise<number> => (await cb<fs.Stats>((done) => fs.fstat(fd, done))).size;

/** Reads up to `length` bytes at `position` into buf[offset..]; loops on short reads; returns bytes read (less at EOF). */
export async function readAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<number> {
  let done = 0;
  while (done < length) {
    const n = await cb<number>((d) => fs.read(fd, buf, offset + done, length - done, position + done, d));
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** readAt without the thread pool, for reads small enough that the copy costs less than the hop. */
export function readAtSync(fd: number, buf: Buffer, offset: number, length: number, position: number): number {
  let done = 0;
  while (done < length) {
    const n = fs.readSync(fd, buf, offset + done, length - done, position + done);
    if (n === 0) break;
    done += n;
  }
  return done;
}

/** Writes all of buf[offset, offset + length) at `position`. */
export async function writeAt(fd: number, buf: Buffer, offset: number, length: number, position: number): Promise<void> {
  let done = 0;
  while (done < length) {
    done += await cb<number>((d) => fs.write(fd, buf, offset + done, length - done, position + done, d));
  }
}

/** writeAt without the thread pool: for writes small enough that the copy into the page cache costs less than the hop. */
export function writeAtSync(fd: number, buf: Buffer, offset: number, length: number, position: number): void {
  for (let done = 0; done < length; ) done += fs.writeSync(fd, buf, offset + done, length - done, position + done);
}

/** writeAt of several buffers, back to back from `position`, in one pool call (pwritev) where the kernel takes them whole. */
export async function writevAt(fd: number, bufs: readonly Buffer[], position: number): Promise<void> {
  let total = 0;
  for (const b of bufs) total += b.length;
  const done = await cb<number>((d) => fs.writev(fd, bufs as Buffer[], position, d));
  if (done === total) return;
  // A short write: the rest one buffer at a time.
  let at = 0;
  for (const b of bufs) {
    if (done < at + b.length) {
      const from = Math.max(0, done - at);
      await writeAt(fd, b, from, b.length - from, position + at + from);
    }
    at += b.length;
  }
}

/** writeAtSync of several buffers, back to back from `position`, in one call (pwritev) where the kernel takes them whole. */
export function writevAtSync(fd: number, bufs: readonly Buffer[], position: number): void {
  let total = 0;
  for (const b of bufs) total += b.length;
  const done = fs.writevSync(fd, bufs as Buffer[], position);
  if (done === total) return;
  // A short write: the rest one buffer at a time.
  let at = 0;
  for (const b of bufs) {
    if (done < at + b.length) {
      const from = Math.max(0, done - at);
      writeAtSync(fd, b, from, b.length - from, position + at + from);
    }
    at += b.length;
  }
}

/** Replaces `file` with `data` so that a crash leaves either the old or the new content, never a mix. */
export async function writeFileDurably(file: string, data: string | Buffer): Promise<void> {
  const tmp = `${file}.tmp`;
  const fd = await openFile(tmp, 'w');
  try {
    const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
    await writeAt(fd, bytes, 0, bytes.length, 0);
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
  await fs.promises.rename(tmp, file);
  await fsyncDir(dirname(file));
}

/** Synchronous variant for start-up and shutdown paths that run before or after serving. */
export function writeFileDurablySync(file: string, data: string | Buffer): void {
  const tmp = `${file}.tmp`;
  const fd = fs.openSync(tmp, 'w', 0o644);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  fsyncDirSync(dirname(file));
}

/** Makes renames and creations in `dir` durable. */
export async function fsyncDir(dir: string): Promise<void> {
  const fd = await openFile(dir, 'r');
  try {
    await fsyncFile(fd);
  } finally {
    await closeFile(fd);
  }
}

export function isNotFound(err: unknown): boolean {
  return (err as NodeJS.ErrnoException)?.code === 'ENOENT';
}

/** A small file's text, or null when it does not exist; other failures become a LogDirError naming the file. */
export function readTextFileOrNull(file: string, encoding: BufferEncoding): string | null {
  try {
    return fs.readFileSync(file, encoding);
  } catch (err) {
    if (isNotFound(err)) return null;
    throw new LogDirError(`${file}: cannot read: ${(err as Error).message}`, { cause: err });
  }
}
