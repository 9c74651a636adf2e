// snapshot.<hex zxid> files as Apache's FileSnap writes them:
//   FileHeader{ZKSN, 2, -1}; int sessionCount, {long id, int timeout}*; int aclCount, {long key, vector<ACL>}*;
//   {ustring path, buffer data, long aclKey, StatPersisted}* in pre-order from the root ""; ustring "/";
//   long Adler32(everything before); ustring "/"; optionally {long zxid, int version, long digest} and a second seal.
// This file writes them; snapshot-reader.ts reads them.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ACL, StatPersisted } from '../jute/records.generated.js';
import { Adler32 } from './adler32.js';
import { SNAPSHOT_PREFIX, fsyncDir, listZxidFiles, snapshotFileName, zxidFromName, type ZxidFile } from './data-dir.js';

export const SNAP_MAGIC = 0x5a4b534e; // "ZKSN"
export const SNAP_VERSION = 2;
const SNAP_DBID = -1n;
/** The ACL key of nodes whose ACL list is null: ZooDefs.Ids.OPEN_ACL_UNSAFE, never stored in the map. */
export const OPEN_UNSAFE_ACL_KEY = -1n;
const CHUNK_BYTES = 1 << 20;

export interface SnapshotNode {
  /** '' for the root as Apache writes it, then '/zookeeper', ... */
  path: string;
  data: Buffer | null;
  /** null stands for the -1 key (world:anyone:cdrwa) that Apache gives its system nodes. */
  acl: ACL[] | null;
  stat: StatPersisted;
}

/** A node as the encoder reads it: its data, ACL list and the stat fields a snapshot keeps (a DataNode is one). */
export interface SnapshotNodeFields extends StatPersisted {
  data: Buffer | null;
  acl: ACL[] | null;
}

/** The nodes in pre-order, root first, each with its path as UTF-8 in pathBytes[0, pathLength) (the root's is ""). */
export interface SnapshotWalk {
  next(): SnapshotNodeFields | null;
  /** Leaves out the descendants of the node next() last returned. */
  skipChildren(): void;
  readonly pathBytes: Buffer;
  readonly pathLength: number;
}

/**
 * What a snapshot holds: the last zxid applied when it started, the sessions, and the nodes, as a list (tests, tools)
 * or as walks over the live tree (() => tree.walk()), which a server drives a slice at a time between requests.
 */
export interface SnapshotSource {
  zxid: bigint;
  sessions: Iterable<[bigint, number]>;
  /** Pre-order, root first. A function is called twice (a walk for the ACL map, then one for the nodes) unless acls is given. */
  nodes: readonly SnapshotNode[] | (() => SnapshotWalk);
  /** Every node's ACL list in any order, a cheaper way to the ACL map than a walk (keys follow this order). */
  acls?: () => Iterable<ACL[] | null>;
}

/** Where an encoded snapshot goes, a buffer at a time, in file order (a file, or a follower being sent SNAP). */
export type SnapshotSink = (chunk: Buffer) => void | Promise<void>;

export interface LoadedSnapshot {
  /** From the file name: the last zxid applied when the snapshot started. */
  zxid: bigint;
  file: string;
  sessions: Map<bigint, number>;
  nodes: SnapshotNode[];
  digest?: { zxid: bigint; version: number; digest: bigint };
}

export class SnapshotError extends Error {
  readonly code = 'ZK_SNAPSHOT_INVALID';
  constructor(message: string, readonly file: string, options?: ErrorOptions) {
    super(message, options);
  }
}


/** Gives each distinct ACL list a key 1, 2, ... in order of first use (ReferenceCountedACLCache.convertAcls). */
class AclKeys {
  readonly lists: ACL[][] = [];
  private byRef = new Map<ACL[], bigint>();
  private byValue = new Map<string, bigint>();

  /** The key of a list keyOf has seen, or undefined. */
  find(acl: ACL[] | null): bigint | undefined {
    if (acl === null) return OPEN_UNSAFE_ACL_KEY;
    const key = this.byRef.get(acl);
    if (key !== undefined) return key;
    return this.byValue.get(JSON.stringify(acl.map((a) => [a.perms, a.id.scheme, a.id.id])));
  }

  keyOf(acl: ACL[] | null): bigint {
    if (acl === null) return OPEN_UNSAFE_ACL_KEY;
    let key = this.byRef.get(acl);
    if (key !== undefined) return key;
    const text = JSON.stringify(acl.map((a) => [a.perms, a.id.scheme, a.id.id]));
    key = this.byValue.get(text);
    if (key === undefined) {
      this.lists.push(acl);
      key = BigInt(this.lists.length);
      this.byValue.set(text, key);
    }
    this.byRef.set(acl, key);
    return key;
  }
}

/**
 * Chunks their consumer is done with (written to the file), for the encoder to fill again: a fresh megabyte costs
 * a page fault per 4 KiB at its first write, most of a snapshot's encoding time on a busy machine.
 */
export type SpareChunks = Buffer[];

/** Appends to ~1 MiB buffers. */
class ChunkedOutput {
  readonly chunks: Buffer[] = [];
  private buf: Buffer;
  private view: DataView;
  private pos = 0;

  constructor(private readonly spare: SpareChunks | null) {
    this.buf = this.fresh(CHUNK_BYTES);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
  }

  private fresh(size: number): Buffer {
    const reused = size === CHUNK_BYTES ? this.spare?.pop() : undefined;
    if (reused !== undefined && reused.buffer.byteLength - reused.byteOffset >= CHUNK_BYTES) {
      return Buffer.from(reused.buffer, reused.byteOffset, CHUNK_BYTES);
    }
    return Buffer.allocUnsafe(size);
  }

  private reset(size: number): void {
    this.buf = this.fresh(size);
    this.view = new DataView(this.buf.buffer, this.buf.byteOffset, this.buf.byteLength);
    this.pos = 0;
  }

  /** Makes room for n more bytes, starting a new chunk when the current one cannot hold them. */
  room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    this.cut();
    if (n > this.buf.length) this.reset(n);
  }

  cut(): void {
    if (this.pos === 0) return;
    this.chunks.push(this.buf.subarray(0, this.pos));
    this.reset(CHUNK_BYTES);
  }

  int(v: number): void {
    this.view.setInt32(this.pos, v);
    this.pos += 4;
  }

  /** setBigInt64 wraps values outside the signed range, as Java's long would hold them. */
  long(v: bigint): void {
    this.view.setBigInt64(this.pos, v);
    this.pos += 8;
  }

  bytes(b: Buffer | null): void {
    if (b === null) return this.int(-1);
    this.int(b.length);
    // TypedArray set: Buffer.copy's argument handling costs more than the copy for node-sized data.
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  /** The first n bytes of src, no length prefix. A loop: Buffer.copy of part of a buffer allocates a view per call. */
  copy(src: Buffer, n: number): void {
    const buf = this.buf;
    const at = this.pos;
    for (let i = 0; i < n; i++) buf[at + i] = src[i]!;
    this.pos = at + n;
  }

  /** A ustring whose UTF-8 length the caller already measured. */
  string(v: string, byteLength: number): void {
    this.int(byteLength);
    this.pos += this.buf.write(v, this.pos, byteLength, 'utf8');
  }
}

const STAT_BYTES = 8 * 4 + 4 * 3 + 8 * 2;
/** Nodes encoded between looks at the clock: some tens of microseconds' worth. */
const NODES_PER_SLICE = 64;
const ACLS_PER_SLICE = 4096;

/** A list of nodes as a walk. */
class ListWalk implements SnapshotWalk {
  pathBytes = Buffer.allocUnsafe(256);
  pathLength = 0;
  private at = 0;
  private skipUnder: string | null = null;

  constructor(private readonly nodes: readonly SnapshotNode[]) {}

  next(): SnapshotNodeFields | null {
    let n = this.nodes[this.at++];
    while (n !== undefined && this.skipUnder !== null && n.path.startsWith(this.skipUnder)) n = this.nodes[this.at++];
    this.skipUnder = null;
    if (n === undefined) return null;
    const bytes = Buffer.byteLength(n.path);
    if (bytes > this.pathBytes.length) this.pathBytes = Buffer.allocUnsafe(bytes * 2);
    this.pathLength = this.pathBytes.write(n.path, 0);
    return { ...n.stat, data: n.data, acl: n.acl };
  }

  skipChildren(): void {
    this.skipUnder = `${this.nodes[this.at - 1]!.path}/`;
  }
}

function startWalk(nodes: SnapshotSource['nodes']): SnapshotWalk {
  if (typeof nodes === 'function') return nodes();
  if (!Array.isArray(nodes)) throw new TypeError('snapshot nodes must be an array or a function that starts a walk');
  return new ListWalk(nodes);
}

function aclListBytes(list: ACL[]): number {
  let n = 4;
  for (const a of list) n += 4 + 8 + Buffer.byteLength(a.id.scheme ?? '') + Buffer.byteLength(a.id.id ?? '');
  return n;
}

/**
 * Encodes a snapshot in file order, yielding each ~1 MiB buffer as it fills and null every few hundred nodes (a place
 * to pause). Apache's file lists the ACL lists before the nodes, so a first walk collects them (keys 1, 2, ... in
 * order of first use) and a second writes the nodes. Driven to the end at once it is a consistent copy; driven a
 * slice at a time while transactions are applied it is a fuzzy snapshot, which log replay from its zxid repairs, as
 * Apache's are. A node whose ACL list was first set after the ACL map was taken got it from a txn after the snapshot's
 * zxid, which replay repeats: a node created since is left out with its subtree (replay creates them all), one whose
 * ACL was set since is written with the -1 key (replay's setACL restores it).
 */
function* encodeSnapshot(src: SnapshotSource, spare: SpareChunks | null = null): Generator<Buffer | null, void> {
  const sessions = [...src.sessions];
  const acls = new AclKeys();
  let count = 0;
  if (src.acls) {
    for (const acl of src.acls()) {
      acls.keyOf(acl);
      if (++count % ACLS_PER_SLICE === 0) yield null;
    }
  } else {
    const aclWalk = startWalk(src.nodes);
    for (let node = aclWalk.next(); node !== null; node = aclWalk.next()) {
      acls.keyOf(node.acl);
      if (++count % NODES_PER_SLICE === 0) yield null;
    }
  }

  const out = new ChunkedOutput(spare);
  const sum = new Adler32();
  function* emit(): Generator<Buffer> {
    for (const chunk of out.chunks) {
      sum.update(chunk);
      yield chunk;
    }
    out.chunks.length = 0;
  }
  out.room(20);
  out.int(SNAP_MAGIC);
  out.int(SNAP_VERSION);
  out.long(SNAP_DBID);
  out.int(sessions.length);
  for (const [id, timeoutMs] of sessions) {
    out.room(12);
    out.long(id);
    out.int(timeoutMs);
  }
  out.room(4);
  out.int(acls.lists.length);
  acls.lists.forEach((list, i) => {
    out.room(8 + aclListBytes(list));
    out.long(BigInt(i + 1));
    out.int(list.length);
    for (const a of list) {
      out.int(a.perms);
      out.string(a.id.scheme ?? '', Buffer.byteLength(a.id.scheme ?? ''));
      out.string(a.id.id ?? '', Buffer.byteLength(a.id.id ?? ''));
    }
  });

  const walk = startWalk(src.nodes);
  for (let node = walk.next(); node !== null; node = walk.next()) {
    let key = acls.find(node.acl);
    if (key === undefined) {
      if (node.czxid > src.zxid) {
        walk.skipChildren();
        continue;
      }
      key = OPEN_UNSAFE_ACL_KEY;
    }
    const data = node.data;
    const pathLength = walk.pathLength;
    out.room(4 + pathLength + 4 + (data === null ? 0 : data.length) + 8 + STAT_BYTES);
    out.int(pathLength);
    out.copy(walk.pathBytes, pathLength);
    out.bytes(data);
    out.long(key);
    out.long(node.czxid);
    out.long(node.mzxid);
    out.long(node.ctime);
    out.long(node.mtime);
    out.int(node.version);
    out.int(node.cversion);
    out.int(node.aversion);
    out.long(node.ephemeralOwner);
    out.long(node.pzxid);
    if (out.chunks.length > 0) yield* emit();
    if (++count % NODES_PER_SLICE === 0) yield null;
  }
  out.room(5);
  out.string('/', 1);
  out.cut();
  yield* emit();
  // The seal: Adler32 of everything before it, then "/" again.
  out.room(13);
  out.long(BigInt(sum.value));
  out.string('/', 1);
  out.cut();
  yield* out.chunks;
}

/**
 * The encoder itself: file-order buffers (each a fresh allocation, about 1 MiB), null at places to pause, for a
 * caller that drives it at its own pace (a leader streaming SNAP to a learner with socket back-pressure).
 */
export function encodeSnapshotChunks(src: SnapshotSource): Generator<Buffer | null, void> {
  return encodeSnapshot(src);
}

/** Serializes the source synchronously, as a list of buffers (about 1 MiB each). */
export function serializeSnapshot(src: SnapshotSource): Buffer[] {
  const chunks: Buffer[] = [];
  for (const chunk of encodeSnapshot(src)) if (chunk !== null) chunks.push(chunk);
  return chunks;
}

export interface StreamSnapshotOptions {
  /**
   * Encode between requests: slices of about sliceMs, each followed by a rest restFactor times as long while the
   * server is busy. Its clients wait behind every slice, and under load what a snapshot adds to their latency is the
   * share of the CPU it takes while it runs, not its total cost: at the defaults a fifth, for five times as long as
   * it would take at once. A closed-loop client's latency grows by 1 / (1 - share) over the whole window, so a
   * smaller share over a longer window keeps the tail lower.
   */
  background?: boolean;
  sliceMs?: number;
  restFactor?: number;
  /** Whether requests are waiting; when it says no, slices follow each other with only a turn of the event loop between them. */
  busy?: () => boolean;
}

const yieldTurn = () => new Promise((resolve) => setImmediate(resolve));

/**
 * Encodes the source into sink a buffer at a time, waiting for each; only a buffer or two are held at once. The sink
 * must be done with a buffer when it returns (or its promise resolves): the buffer is filled again.
 */
export async function streamSnapshot(src: SnapshotSource, sink: SnapshotSink, opts: StreamSnapshotOptions = {}): Promise<void> {
  const { background = false, sliceMs = 1, restFactor = 4, busy = () => true } = opts;
  // performance loads perf_hooks on first use, which a server's start-up snapshot can do without.
  let sliceStarted = background ? performance.now() : 0;
  const spare: SpareChunks = [];
  for (const chunk of encodeSnapshot(src, spare)) {
    if (chunk !== null) {
      await sink(chunk);
      if (spare.length < 2) spare.push(chunk);
      if (background) sliceStarted = performance.now();
    } else if (background) {
      const elapsedMs = performance.now() - sliceStarted;
      if (elapsedMs < sliceMs) continue;
      if (busy()) await new Promise((resolve) => setTimeout(resolve, Math.max(1, Math.round(elapsedMs * restFactor))));
      else await yieldTurn();
      sliceStarted = performance.now();
    }
  }
}

let tmpCounter = 0;

export interface WriteSnapshotOptions {
  /**
   * fsync the file and its directory before resolving. Off by default, as ZooKeeperServer.takeSnapshot() leaves
   * it (syncSnap false, at start-up and after snapCount txns alike): a snapshot only shortens recovery, the txn log
   * holds every write, and recovery skips a snapshot that fails its checksum. Syncing tens of megabytes competes
   * with the txn log's fdatasync for the disk, which every write waits on.
   */
  fsync?: boolean;
  /** Encode between requests (see StreamSnapshotOptions) rather than at once. */
  background?: boolean;
  /** With background: whether requests are waiting (see StreamSnapshotOptions). */
  busy?: () => boolean;
}

export async function writeSnapshot(snapDir: string, src: SnapshotSource, opts: WriteSnapshotOptions = {}): Promise<string> {
  await fs.promises.mkdir(snapDir, { recursive: true });
  const name = snapshotFileName(src.zxid);
  const final = path.join(snapDir, name);
  // Not "snapshot.<...>": Apache's purge and loader would take a temporary file for a snapshot.
  const tmp = path.join(snapDir, `.${name}.${process.pid}.${++tmpCounter}.tmp`);
  const handle = await fs.promises.open(tmp, 'w', 0o644);
  try {
    let position = 0;
    const toFile = async (chunk: Buffer) => {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    };
    await streamSnapshot(src, toFile, { background: opts.background, busy: opts.busy });
    if (opts.fsync) await handle.sync();
    await handle.close();
    await fs.promises.rename(tmp, final);
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  if (opts.fsync) await fsyncDir(snapDir);
  return final;
}

export { loadSnapshotFile, parseSnapshot } from './snapshot-reader.js';

/** SnapStream.isValidSnapshot: a cheap look at the end of the file (the "/" of the seal), not a checksum. */
export function looksLikeValidSnapshot(file: string): boolean {
  if (zxidFromName(path.basename(file), SNAPSHOT_PREFIX) === null) return false;
  let fd: number;
  try {
    fd = fs.openSync(file, 'r');
  } catch {
    return false;
  }
  try {
    const size = fs.fstatSync(fd).size;
    if (file.endsWith('.gz')) {
      const magic = Buffer.alloc(2);
      return fs.readSync(fd, magic, 0, 2, 0) === 2 && magic[0] === 0x1f && magic[1] === 0x8b;
    }
    if (file.endsWith('.snappy')) return false;
    if (size < 10) return false;
    const tail = Buffer.alloc(5);
    if (fs.readSync(fd, tail, 0, 5, size - 5) !== 5) return false;
    return tail.readInt32BE(0) === 1 && tail[4] === 0x2f;
  } finally {
    fs.closeSync(fd);
  }
}

/** FileSnap.findNValidSnapshots: up to n snapshots that look complete, newest first. */
export function findValidSnapshots(snapDir: string, n: number): ZxidFile[] {
  const out: ZxidFile[] = [];
  for (const f of listZxidFiles(snapDir, SNAPSHOT_PREFIX, false)) {
    if (out.length >= n) break;
    if (looksLikeValidSnapshot(f.file)) out.push(f);
  }
  return out;
}
