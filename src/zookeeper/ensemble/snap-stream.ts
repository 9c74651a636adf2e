// The body a leader streams after a SNAP packet (LearnerHandler: ZKDatabase.serializeSnapshot then the string
// "BenWasHere"): the sessions, the ACL map and the nodes exactly as in a snapshot file, without the file header and
// without the checksum seal.
import type { ACL, StatPersisted } from '../jute/records.generated.js';
import { JuteReader } from '../jute/reader.js';
import { MarshallingError } from '../jute/errors.js';
import { OPEN_UNSAFE_ACL_KEY, serializeSnapshot, type SnapshotNode, type SnapshotSource } from '../storage/snapshot.js';

export const SNAP_SIGNATURE = 'BenWasHere';
const FILE_HEADER_BYTES = 16;
/** long Adler32 + ustring "/" closing a snapshot file. */
const FILE_SEAL_BYTES = 13;

export interface SnapBody {
  sessions: Map<bigint, number>;
  nodes: SnapshotNode[];
}

export class SnapStreamError extends Error {
  readonly code = 'ZK_SNAP_STREAM';
}

/** Encodes the body as one buffer (the tree is serialized synchronously, so it is the tree as it is now). */
export function encodeSnapBody(src: SnapshotSource): Buffer {
  const file = Buffer.concat(serializeSnapshot(src));
  const sig = Buffer.from(SNAP_SIGNATURE, 'utf8');
  const tail = Buffer.alloc(4 + sig.length);
  tail.writeInt32BE(sig.length, 0);
  sig.copy(tail, 4);
  return Buffer.concat([file.subarray(FILE_HEADER_BYTES, file.length - FILE_SEAL_BYTES), tail]);
}

export type SnapBodyParse = { done: false } | { done: true; body: SnapBody; bytesRead: number };

/** Parses a whole body from the start of `buf`; `done: false` when more bytes are needed. */
export function decodeSnapBody(buf: Buffer, maxFieldBytes: number): SnapBodyParse {
  const r = new JuteReader(buf, 0, buf.length, maxFieldBytes);
  try {
    const sessions = new Map<bigint, number>();
    for (let n = count(r, 12); n > 0; n--) {
      const id = r.long();
      sessions.set(id, r.int());
    }
    const acls = new Map<bigint, ACL[]>();
    for (let n = count(r, 12); n > 0; n--) {
      const key = r.long();
      const list: ACL[] = [];
      for (let i = count(r, 12); i > 0; i--) list.push({ perms: r.int(), id: { scheme: r.ustring(), id: r.ustring() } });
      acls.set(key, list);
    }
    const nodes: SnapshotNode[] = [];
    for (;;) {
      const path = r.ustring();
      if (path === '/') break;
      if (path === null) throw new SnapStreamError('null node path in the SNAP stream');
      const data = r.buffer();
      const key = r.long();
      const stat: StatPersisted = {
        czxid: r.long(), mzxid: r.long(), ctime: r.long(), mtime: r.long(), version: r.int(), cversion: r.int(),
        aversion: r.int(), ephemeralOwner: r.long(), pzxid: r.long(),
      };
      let acl: ACL[] | null = null;
      if (key !== OPEN_UNSAFE_ACL_KEY) {
        const list = acls.get(key);
        if (!list) throw new SnapStreamError(`ACL key ${key} of ${path} is not in the SNAP stream's ACL map`);
        acl = list;
      }
      nodes.push({ path, data: data && Buffer.from(data), acl, stat });
    }
    const signature = r.ustring();
    if (signature !== SNAP_SIGNATURE) throw new SnapStreamError(`Missing signature. Got ${signature}`);
    return { done: true, body: { sessions, nodes }, bytesRead: r.pos };
  } catch (err) {
    if (err instanceof MarshallingError && /truncated/.test(err.message)) return { done: false };
    throw err;
  }
}

/** A count whose items take at least `minBytes` each cannot be more than the bytes left (no huge loops). */
function count(r: JuteReader, minBytes: number): number {
  const n = r.int();
  if (n < 0) throw new SnapStreamError(`negative count ${n} in the SNAP stream`);
  if (n * minBytes > r.remaining()) throw new MarshallingError(`record truncated: ${n} items`);
  return n;
}
