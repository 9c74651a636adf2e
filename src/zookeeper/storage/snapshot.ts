// snapshot.<hex zxid> files as Apache's FileSnap writes them:
//   FileHeader{ZKSN, 2, -1}; int sessionCount, {long id, int timeout}*; int aclCount, {long key, vector<ACL>}*;
//   {ustring path, buffer data, long aclKey, StatPersisted}* in pre-order from the root ""; ustring "/";
//   long Adler32(everything before); ustring "/"; optionally {long zxid, int version, long digest} and a second seal.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { codecOf } from '../jute/codec.js';
import { JuteReader } from '../jute/reader.js';
import { JuteWriter } from '../jute/writer.js';
import type { ACL, StatPersisted } from '../jute/records.generated.js';
import { Adler32, adler32 } from './adler32.js';
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

export interface SnapshotSource {
  zxid: bigint;
  sessions: Iterable<[bigint, number]>;
  /** Pre-order, root first. */
  nodes: Iterable<SnapshotNode>;
}

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

const aclCodec = codecOf('ACL');
const statCodec = codecOf('StatPersisted');

/** Gives each distinct ACL list a key 1, 2, ... in order of first use (ReferenceCountedACLCache.convertAcls). */
class AclKeys {
  readonly lists: ACL[][] = [];
  private byRef = new Map<ACL[], bigint>();
  private byValue = new Map<string, bigint>();

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

/** Serializes a consistent copy of the tree, synchronously, as a list of buffers (about 1 MiB each). */
export function serializeSnapshot(src: SnapshotSource): Buffer[] {
  const chunks: Buffer[] = [];
  const sum = new Adler32();
  let w = new JuteWriter(CHUNK_BYTES + 64 * 1024);
  const cut = (force: boolean): void => {
    if (w.pos === 0 || (!force && w.pos < CHUNK_BYTES)) return;
    const bytes = w.bytes();
    sum.update(bytes);
    chunks.push(bytes);
    w = new JuteWriter(CHUNK_BYTES + 64 * 1024);
  };

  w.int(SNAP_MAGIC);
  w.int(SNAP_VERSION);
  w.long(SNAP_DBID);

  const sessions = Array.isArray(src.sessions) ? (src.sessions as [bigint, number][]) : [...src.sessions];
  w.int(sessions.length);
  for (const [id, timeoutMs] of sessions) {
    w.long(id);
    w.int(timeoutMs);
    cut(false);
  }

  const nodes = Array.isArray(src.nodes) ? (src.nodes as SnapshotNode[]) : [...src.nodes];
  const acls = new AclKeys();
  const keys = nodes.map((n) => acls.keyOf(n.acl));
  w.int(acls.lists.length);
  acls.lists.forEach((list, i) => {
    w.long(BigInt(i + 1));
    w.int(list.length);
    for (const acl of list) aclCodec.write(w, acl);
    cut(false);
  });

  for (let i = 0; i < nodes.length; i++) {
    const node = nodes[i];
    w.ustring(node.path);
    w.buffer(node.data);
    w.long(keys[i]);
    statCodec.write(w, node.stat);
    cut(false);
  }
  w.ustring('/');
  cut(true);

  w.long(BigInt(sum.value));
  w.ustring('/');
  cut(true);
  return chunks;
}

let tmpCounter = 0;

/** Writes snapshot.<hex zxid> durably: a temporary file, fsync, rename, fsync of the directory. */
export async function writeSnapshot(snapDir: string, src: SnapshotSource): Promise<string> {
  const chunks = serializeSnapshot(src);
  await fs.promises.mkdir(snapDir, { recursive: true });
  const name = snapshotFileName(src.zxid);
  const final = path.join(snapDir, name);
  // Not "snapshot.<...>": Apache's purge and loader would take a temporary file for a snapshot.
  const tmp = path.join(snapDir, `.${name}.${process.pid}.${++tmpCounter}.tmp`);
  const handle = await fs.promises.open(tmp, 'w', 0o644);
  try {
    let position = 0;
    for (const chunk of chunks) {
      let done = 0;
      while (done < chunk.length) {
        const { bytesWritten } = await handle.write(chunk, done, chunk.length - done, position);
        done += bytesWritten;
        position += bytesWritten;
      }
    }
    await handle.sync();
    await handle.close();
    await fs.promises.rename(tmp, final);
  } catch (err) {
    await handle.close().catch(() => {});
    await fs.promises.rm(tmp, { force: true });
    throw err;
  }
  await fsyncDir(snapDir);
  return final;
}

function readSeal(r: JuteReader, expected: number, file: string): void {
  const stored = r.long();
  const marker = r.ustring();
  if (stored !== BigInt(expected)) throw new SnapshotError(`CRC corruption in ${file}`, file);
  if (marker !== '/') throw new SnapshotError(`missing "/" after the checksum in ${file}`, file);
}

/** Parses a whole snapshot; throws SnapshotError on a bad magic number, checksum or structure. */
export function parseSnapshot(raw: Buffer, file: string): LoadedSnapshot {
  const buf = file.endsWith('.gz') ? zlib.gunzipSync(raw) : raw;
  const r = new JuteReader(buf, 0, buf.length, Number.MAX_SAFE_INTEGER);
  try {
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
      if (count < 0 || count > r.remaining()) throw new SnapshotError(`bad ACL list length ${count} in ${file}`, file);
      const list: ACL[] = [];
      for (let i = 0; i < count; i++) list.push(aclCodec.read(r));
      aclByKey.set(key, list);
    }

    const nodes: SnapshotNode[] = [];
    const seen = new Set<string>();
    for (;;) {
      const nodePath = r.ustring();
      if (nodePath === '/') break;
      if (nodePath === null) throw new SnapshotError(`null node path in ${file}`, file);
      const view = r.buffer();
      const key = r.long();
      const stat = statCodec.read(r);
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
      // A copy, so that the tree does not pin the whole file in memory.
      nodes.push({ path: nodePath, data: view === null ? null : Buffer.from(view), acl, stat });
    }

    const sealAt = r.pos;
    let sum = adler32(buf, 0, sealAt);
    readSeal(r, sum, file);

    const loaded: LoadedSnapshot = { zxid: zxidFromName(path.basename(file), SNAPSHOT_PREFIX) ?? -1n, file, sessions, nodes };
    // The digest section (3.6+) and its seal; an older snapshot simply ends here.
    if (r.remaining() >= 20) {
      const zxid = r.long();
      const version = r.int();
      const digest = r.long();
      sum = adler32(buf, sealAt, r.pos, sum);
      readSeal(r, sum, file);
      if (zxid > 0n) loaded.digest = { zxid, version, digest };
    }
    return loaded;
  } catch (err) {
    if (err instanceof SnapshotError) throw err;
    throw new SnapshotError(`cannot read snapshot ${file}: ${(err as Error).message}`, file, { cause: err });
  }
}

export function loadSnapshotFile(file: string): LoadedSnapshot {
  if (file.endsWith('.snappy')) throw new SnapshotError(`snappy-compressed snapshots are not supported: ${file}`, file);
  return parseSnapshot(fs.readFileSync(file), file);
}

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
