// Reading snapshot.<hex zxid>[.gz] files as a stream: a bounded window is refilled from the file (or from the
// gunzip of it) as fields are consumed, and the Adler32 runs over the bytes as they leave the window. Memory is
// the loaded nodes plus the window, whatever the file size (no 2 GiB limit of a single read).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createRequire } from 'node:module';
import type { ACL, StatPersisted } from '../jute/records.generated.js';
import { adler32 } from './adler32.js';
import { SNAPSHOT_PREFIX, zxidFromName } from './data-dir.js';
import { OPEN_UNSAFE_ACL_KEY, SNAP_MAGIC, SnapshotError, type LoadedSnapshot, type SnapshotNode } from './snapshot.js';
import { maxTxnBytesFor } from './txn-log-reader.js';

export interface SnapshotReadOptions {
  /** The longest path, data or ACL list a snapshot field may have: Apache's jute.maxbuffer + extrasize check. */
  maxFieldBytes?: number;
}

const DEFAULT_MAX_FIELD_BYTES = maxTxnBytesFor(0xfffff);
const WINDOW_BYTES = 1024 * 1024;
/** Compressed bytes handed to gunzip at a time, bounding what one step can inflate to. */
const GZIP_INPUT_BYTES = 16 * 1024;

/** Fills `into` from `offset` with at most `max` bytes; 0 at the end of the stream. */
type Pull = (into: Buffer, offset: number, max: number) => number;

/** Big-endian jute reads over a pulled stream, with a running Adler32 of everything consumed. */
class StreamReader {
  private readonly buf: Buffer;
  private readonly view: DataView;
  /** Stream offset of buf[0]. */
  private base = 0;
  private pos = 0;
  private end = 0;
  private eof = false;
  private sum = 1;
  /** buf[0, summed) is in sum. */
  private summed = 0;

  constructor(
    private readonly pull: Pull,
    readonly maxFieldBytes: number,
  ) {
    this.buf = Buffer.allocUnsafe(Math.max(WINDOW_BYTES, maxFieldBytes + 64));
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  /** Stream offset of the next byte. */
  get offset(): number {
    return this.base + this.pos;
  }

  /** Adler32 of every byte before the next one. */
  checksum(): number {
    this.sum = adler32(this.buf, this.summed, this.pos, this.sum);
    this.summed = this.pos;
    return this.sum;
  }

  /** Whether at least n more bytes can be read (n within the window). */
  has(n: number): boolean {
    if (this.end - this.pos < n) this.fill(n);
    return this.end - this.pos >= n;
  }

  private fill(n: number): void {
    if (this.pos > 0) {
      this.checksum();
      this.buf.copy(this.buf, 0, this.pos, this.end);
      this.base += this.pos;
      this.end -= this.pos;
      this.pos = 0;
      this.summed = 0;
    }
    while (this.end < n && !this.eof) {
      const got = this.pull(this.buf, this.end, this.buf.length - this.end);
      if (got === 0) this.eof = true;
      this.end += got;
    }
  }

  private need(n: number): number {
    if (this.end - this.pos < n) {
      if (n > this.buf.length) throw new RangeError(`need ${n} bytes at offset ${this.offset}, over the window`);
      this.fill(n);
      if (this.end - this.pos < n) throw new RangeError(`truncated: need ${n} bytes at offset ${this.offset}, have ${this.end - this.pos}`);
    }
    const at = this.pos;
    this.pos += n;
    return at;
  }

  int(): number {
    return this.view.getInt32(this.need(4));
  }

  long(): bigint {
    return this.view.getBigInt64(this.need(8));
  }

  /** A length-prefixed field; -1 is null. BinaryInputArchive.checkLength refuses lengths over the limit. */
  private fieldLength(): number {
    const len = this.int();
    if (len < -1 || len > this.maxFieldBytes) throw new RangeError(`Unreasonable length = ${len} at offset ${this.offset - 4}`);
    return len;
  }

  /** A copy: the window is reused. */
  buffer(): Buffer | null {
    const len = this.fieldLength();
    if (len === -1) return null;
    const at = this.need(len);
    return Buffer.from(this.buf.subarray(at, at + len));
  }

  ustring(): string | null {
    const len = this.fieldLength();
    if (len === -1) return null;
    const at = this.need(len);
    return this.buf.toString('utf8', at, at + len);
  }
}

function readSeal(r: StreamReader, expected: number, file: string): void {
  const stored = r.long();
  const marker = r.ustring();
  if (stored !== BigInt(expected)) throw new SnapshotError(`CRC corruption in ${file}`, file);
  if (marker !== '/') throw new SnapshotError(`missing "/" after the checksum in ${file}`, file);
}

function readSnapshot(r: StreamReader, file: string): LoadedSnapshot {
  const magic = r.int();
  r.int();
  r.long();
  if (magic !== SNAP_MAGIC) throw new SnapshotError(`mismatching magic headers ${magic} !=  ${SNAP_MAGIC}`, file);

  const sessions = new Map<bigint, number>();
  for (let n = r.int(); n > 0; n--) {
    const id = r.long();
    sessions.set(id, r.int());
  }

  const aclByKey = new Map<bigint, ACL[]>();
  for (let n = r.int(); n > 0; n--) {
    const key = r.long();
    const count = r.int();
    // Each ACL takes at least 12 bytes.
    if (count < 0 || count > r.maxFieldBytes / 12) throw new SnapshotError(`bad ACL list length ${count} in ${file}`, file);
    const list: ACL[] = [];
    for (let i = 0; i < count; i++) list.push({ perms: r.int(), id: { scheme: r.ustring(), id: r.ustring() } });
    aclByKey.set(key, list);
  }

  const nodes: SnapshotNode[] = [];
  const seen = new Set<string>();
  for (;;) {
    const nodePath = r.ustring();
    if (nodePath === '/') break;
    if (nodePath === null) throw new SnapshotError(`null node path in ${file}`, file);
    const data = r.buffer();
    const key = r.long();
    const stat: StatPersisted = {
      czxid: r.long(), mzxid: r.long(), ctime: r.long(), mtime: r.long(), version: r.int(), cversion: r.int(),
      aversion: r.int(), ephemeralOwner: r.long(), pzxid: r.long(),
    };
    let acl: ACL[] | null = null;
    if (key !== OPEN_UNSAFE_ACL_KEY) {
      const list = aclByKey.get(key);
      if (!list) throw new SnapshotError(`ACL not available for long ${key} (node ${nodePath}) in ${file}`, file);
      acl = list;
    }
    const slash = nodePath.lastIndexOf('/');
    if (slash >= 0 && !seen.has(nodePath.slice(0, slash))) {
      throw new SnapshotError(`Invalid Datatree, unable to find parent of ${nodePath} in ${file}`, file);
    }
    seen.add(nodePath);
    nodes.push({ path: nodePath, data, acl, stat });
  }

  // The seal: Adler32 of everything before it, then "/".
  readSeal(r, r.checksum(), file);

  const loaded: LoadedSnapshot = { zxid: zxidFromName(path.basename(file), SNAPSHOT_PREFIX) ?? -1n, file, sessions, nodes };
  // The digest section (3.6+) and its seal, the checksum running on over the first seal; an older snapshot ends here.
  if (r.has(20)) {
    const zxid = r.long();
    const version = r.int();
    const digest = r.long();
    readSeal(r, r.checksum(), file);
    if (zxid > 0n) loaded.digest = { zxid, version, digest };
  }
  return loaded;
}

function parseWith(pull: Pull, file: string, opts: SnapshotReadOptions): LoadedSnapshot {
  const r = new StreamReader(pull, opts.maxFieldBytes ?? DEFAULT_MAX_FIELD_BYTES);
  try {
    return readSnapshot(r, file);
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`cannot read snapshot ${file}: ${(err as Error).message}`, file, { cause: err });
  }
}

/** The gunzipped bytes of the file behind `fd`, pulled a piece at a time. */
function gunzipPull(fd: number): Pull {
  // Loaded only for the rare gzipped snapshot. fflate inflates synchronously a piece at a time, which node:zlib
  // offers only as whole-buffer calls.
  const { Gunzip } = createRequire(import.meta.url)('fflate') as typeof import('fflate');
  const out: Uint8Array[] = [];
  let head = 0;
  let done = false;
  const gunzip = new Gunzip((chunk) => {
    if (chunk.length > 0) out.push(chunk);
  });
  return (into, offset, max) => {
    while (out.length === 0 && !done) {
      // A fresh buffer each time: fflate may keep what it is given.
      const input = Buffer.allocUnsafe(GZIP_INPUT_BYTES);
      const n = fs.readSync(fd, input, 0, input.length, null);
      done = n === 0;
      gunzip.push(input.subarray(0, n), done);
    }
    if (out.length === 0) return 0;
    const chunk = out[0];
    const n = Math.min(max, chunk.length - head);
    into.set(chunk.subarray(head, head + n), offset);
    head += n;
    if (head === chunk.length) {
      out.shift();
      head = 0;
    }
    return n;
  };
}

/** Parses a whole snapshot held in memory (gunzipping a ".gz" name); throws SnapshotError when it is invalid. */
export function parseSnapshot(raw: Buffer, file: string, opts: SnapshotReadOptions = {}): LoadedSnapshot {
  const buf = file.endsWith('.gz') ? (createRequire(import.meta.url)('node:zlib') as typeof import('node:zlib')).gunzipSync(raw) : raw;
  let at = 0;
  return parseWith(
    (into, offset, max) => {
      const n = Math.min(max, buf.length - at);
      buf.copy(into, offset, at, at + n);
      at += n;
      return n;
    },
    file,
    opts,
  );
}

/** Reads a snapshot file as a stream; throws SnapshotError on a bad magic number, checksum or structure. */
export function loadSnapshotFile(file: string, opts: SnapshotReadOptions = {}): LoadedSnapshot {
  if (file.endsWith('.snappy')) throw new SnapshotError(`snappy-compressed snapshots are not supported: ${file}`, file);
  const fd = fs.openSync(file, 'r');
  try {
    const pull: Pull = file.endsWith('.gz') ? gunzipPull(fd) : (into, offset, max) => fs.readSync(fd, into, offset, max, null);
    return parseWith(pull, file, opts);
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`cannot read snapshot ${file}: ${(err as Error).message}`, file, { cause: err });
  } finally {
    fs.closeSync(fd);
  }
}
