// The body a leader streams after a SNAP packet (LearnerHandler: ZKDatabase.serializeSnapshot then the string
// "BenWasHere"): the sessions, the ACL map and the nodes exactly as in a snapshot file, without the file header and
// without the checksum seal.
import type { ACL, StatPersisted } from '../jute/records.generated.js';
import { JuteReader } from '../jute/reader.js';
import { MarshallingError } from '../jute/errors.js';
import { OPEN_UNSAFE_ACL_KEY, encodeSnapshotChunks, type SnapshotNode, type SnapshotSource } from '../storage/snapshot.js';

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

/**
 * The body a buffer at a time, from the snapshot file encoder (file header and checksum seal left out, the signature
 * added), with null where the encoder offers a pause. Driven a slice at a time while the tree changes, the body is
 * fuzzy exactly as Apache's is (it serializes the live tree after queueing the learner's later proposals): the
 * learner replays those over it, and replay is idempotent.
 */
export function* snapBodyChunks(src: SnapshotSource): Generator<Buffer | null, void> {
  let headerLeft = FILE_HEADER_BYTES;
  let held: Buffer | null = null;
  for (const c of encodeSnapshotChunks(src)) {
    if (c === null) {
      yield null;
      continue;
    }
    let chunk = c;
    if (headerLeft > 0) {
      const cut = Math.min(headerLeft, chunk.length);
      chunk = chunk.subarray(cut);
      headerLeft -= cut;
      if (chunk.length === 0) continue;
    }
    // One chunk is held back: the last one ends with the seal, which the stream does not carry.
    if (held) yield held;
    held = chunk;
  }
  if (!held || held.length < FILE_SEAL_BYTES) throw new SnapStreamError('the snapshot encoder ended without its seal');
  if (held.length > FILE_SEAL_BYTES) yield held.subarray(0, held.length - FILE_SEAL_BYTES);
  const sig = Buffer.from(SNAP_SIGNATURE, 'utf8');
  const tail = Buffer.alloc(4 + sig.length);
  tail.writeInt32BE(sig.length, 0);
  sig.copy(tail, 4);
  yield tail;
}

/** Encodes the body as one buffer (the tree is serialized synchronously, so it is the tree as it is now). */
export function encodeSnapBody(src: SnapshotSource): Buffer {
  const chunks: Buffer[] = [];
  for (const c of snapBodyChunks(src)) if (c !== null) chunks.push(c);
  return Buffer.concat(chunks);
}

export type SnapBodyParse = { done: false } | { done: true; body: SnapBody; bytesRead: number };

/** Parses a whole body from the start of `buf`; `done: false` when more bytes are needed. */
export function decodeSnapBody(buf: Buffer, maxFieldBytes: number): SnapBodyParse {
  const reader = new SnapBodyReader(maxFieldBytes);
  const r = reader.push(buf);
  return r ? { done: true, body: r.body, bytesRead: buf.length - r.rest.length } : { done: false };
}

type Stage = 'session-count' | 'sessions' | 'acl-count' | 'acls' | 'nodes' | 'signature';

/**
 * Reads a body as it arrives, an item (a session, an ACL list, a node) at a time: only the unfinished item's bytes
 * are kept and parsed again when more come, so a large snapshot costs one pass.
 */
export class SnapBodyReader {
  private pending: Buffer = Buffer.alloc(0);
  private stage: Stage = 'session-count';
  private left = 0;
  private readonly sessions = new Map<bigint, number>();
  private readonly acls = new Map<bigint, ACL[]>();
  private readonly nodes: SnapshotNode[] = [];

  constructor(private readonly maxFieldBytes: number) {}

  /** Feeds bytes; once the signature is in, the body and whatever bytes followed it. Throws on a malformed body. */
  push(chunk: Buffer): { body: SnapBody; rest: Buffer } | null {
    const buf = this.pending.length === 0 ? chunk : Buffer.concat([this.pending, chunk]);
    const r = new JuteReader(buf, 0, buf.length, this.maxFieldBytes);
    let kept = 0;
    try {
      for (;;) {
        this.step(r);
        kept = r.pos;
        if (this.stage === 'signature' && this.left === 1) {
          return { body: { sessions: this.sessions, nodes: this.nodes }, rest: buf.subarray(kept) };
        }
      }
    } catch (err) {
      if (!(err instanceof MarshallingError && /truncated/.test(err.message))) throw err;
      this.pending = Buffer.from(buf.subarray(kept));
      return null;
    }
  }

  /** Reads one item; on running out of bytes it throws before changing any state. */
  private step(r: JuteReader): void {
    switch (this.stage) {
      case 'session-count':
      case 'acl-count': {
        const n = r.int();
        if (n < 0) throw new SnapStreamError(`negative count ${n} in the SNAP stream`);
        this.left = n;
        this.stage = this.stage === 'session-count' ? 'sessions' : 'acls';
        return;
      }
      case 'sessions': {
        if (this.left === 0) return void (this.stage = 'acl-count');
        const id = r.long();
        const timeout = r.int();
        this.sessions.set(id, timeout);
        this.left--;
        return;
      }
      case 'acls': {
        if (this.left === 0) return void (this.stage = 'nodes');
        const key = r.long();
        const count = r.int();
        // Each ACL takes at least 12 bytes.
        if (count < 0 || count > this.maxFieldBytes / 12) throw new SnapStreamError(`bad ACL list length ${count} in the SNAP stream`);
        const list: ACL[] = [];
        for (let i = 0; i < count; i++) list.push({ perms: r.int(), id: { scheme: r.ustring(), id: r.ustring() } });
        this.acls.set(key, list);
        this.left--;
        return;
      }
      case 'nodes': {
        const path = r.ustring();
        if (path === '/') {
          this.stage = 'signature';
          this.left = 0;
          return;
        }
        if (path === null) throw new SnapStreamError('null node path in the SNAP stream');
        const data = r.buffer();
        const key = r.long();
        const stat: StatPersisted = {
          czxid: r.long(), mzxid: r.long(), ctime: r.long(), mtime: r.long(), version: r.int(), cversion: r.int(),
          aversion: r.int(), ephemeralOwner: r.long(), pzxid: r.long(),
        };
        let acl: ACL[] | null = null;
        if (key !== OPEN_UNSAFE_ACL_KEY) {
          const list = this.acls.get(key);
          if (!list) throw new SnapStreamError(`ACL key ${key} of ${path} is not in the SNAP stream's ACL map`);
          acl = list;
        }
        this.nodes.push({ path, data: data && Buffer.from(data), acl, stat });
        return;
      }
      case 'signature': {
        const signature = r.ustring();
        if (signature !== SNAP_SIGNATURE) throw new SnapStreamError(`Missing signature. Got ${signature}`);
        this.left = 1;
        return;
      }
    }
  }
}
