// A replicated server's request pipeline (Apache's CommitProcessor and FinalRequestProcessor around the leader's
// proposal or the follower's forwarding): writes and syncs go to the ensemble and wait for their committed
// transaction (or the leader's SYNC); replies leave in arrival order, reads answered from the local tree.
import { OpCode } from '../jute/constants.js';
import { MarshallingError } from '../jute/errors.js';
import { codecOf } from '../jute/codec.js';
import { MULTI_OPS, REQUEST_RECORD, decodeMultiRequest } from '../jute/protocol-frames.js';
import { JuteReader } from '../jute/reader.js';
import type { Id } from '../jute/records.generated.js';
import type { TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import { WRITE_OPS } from '../server/prep.js';
import type { Request } from '../server/request.js';
import type { RequestPipeline, ZooKeeperServer } from '../server/zookeeper-server.js';

/** What the pipeline needs from the server's current role. */
export interface EnsembleRole {
  /** Leader: prepare and propose; follower: forward. False when that cannot be done now. */
  write(req: Request): boolean;
  /** Leader: wait for everything proposed so far; follower: forward the sync. */
  sync(req: Request): boolean;
  /** Leader only: propose deleting an empty container or expired TTL node. */
  reapContainer(path: string): boolean;
}

interface Entry {
  req: Request;
  done: boolean;
  /** Set when the request could not go to the ensemble: its connection was closed, nothing is answered. */
  dropped?: boolean;
  txn?: Txn;
  result?: TxnResult;
}

export class ReplicatedPipeline implements RequestPipeline {
  private queue: Entry[] = [];
  private head = 0;
  private readonly waitingBySession = new Map<bigint, Entry[]>();
  private syncs: Entry[] = [];
  private throttled = false;

  constructor(private readonly server: ZooKeeperServer, private readonly role: () => EnsembleRole | null) {}

  get outstanding(): number {
    return this.queue.length - this.head;
  }

  submit(req: Request): void {
    const role = this.role();
    const isSync = req.type === OpCode.sync;
    if (!isSync && !WRITE_OPS.has(req.type)) {
      if (this.outstanding === 0) this.server.answerRead(req);
      else this.queue.push({ req, done: true });
      return;
    }
    const entry: Entry = { req, done: false };
    this.queue.push(entry);
    if (isSync) this.syncs.push(entry);
    else {
      let list = this.waitingBySession.get(req.sessionId);
      if (!list) this.waitingBySession.set(req.sessionId, (list = []));
      list.push(entry);
    }
    const sent = role !== null && (isSync ? role.sync(req) : role.write(req));
    if (!sent && !entry.done) this.drop(entry);
    // globalOutstandingLimit, as in standalone mode: stop reading from clients until replies catch up.
    if (!this.throttled && this.outstanding > this.server.settings.globalOutstandingLimit) {
      this.throttled = true;
      for (const c of this.server.connections) c.pauseReading('throttle');
    }
  }

  reapContainer(path: string): boolean {
    return this.role()?.reapContainer(path) ?? false;
  }

  /** A committed transaction was applied: answer the local request it came from, if any. */
  onApplied(txn: Txn, result: TxnResult): void {
    const list = this.waitingBySession.get(txn.hdr.clientId);
    const e = list?.[0];
    if (e && e.req.xid === txn.hdr.cxid) {
      list!.shift();
      if (list!.length === 0) this.waitingBySession.delete(txn.hdr.clientId);
      e.done = true;
      e.txn = txn;
      e.result = result;
      this.drain();
      return;
    }
    // Another server's (or the leader's expiry) closeSession: this server's connection of that session ends.
    if (txn.hdr.type === OpCode.closeSession) {
      for (const c of [...this.server.connections]) if (c.session?.id === txn.hdr.clientId) c.close();
    }
  }

  /** The leader answered the oldest outstanding sync. */
  onSyncDone(): void {
    const e = this.syncs.shift();
    if (!e) return;
    e.done = true;
    this.drain();
  }

  /** The role ended: nothing outstanding will be answered; its connections are closed. */
  reset(): void {
    for (let i = this.head; i < this.queue.length; i++) this.queue[i]!.req.conn?.close();
    this.queue = [];
    this.head = 0;
    this.waitingBySession.clear();
    this.syncs = [];
    this.throttled = false;
  }

  private drop(e: Entry): void {
    e.done = true;
    e.dropped = true;
    const list = this.waitingBySession.get(e.req.sessionId);
    const at = list?.indexOf(e) ?? -1;
    if (at >= 0) list!.splice(at, 1);
    const s = this.syncs.indexOf(e);
    if (s >= 0) this.syncs.splice(s, 1);
    e.req.conn?.close();
    this.drain();
  }

  private drain(): void {
    while (this.head < this.queue.length && this.queue[this.head]!.done) {
      const e = this.queue[this.head++]!;
      if (e.dropped) continue;
      if (e.txn) this.server.answerWrite(e.req, e.txn, e.result!);
      else this.server.answerRead(e.req);
    }
    if (this.head === this.queue.length) {
      this.queue = [];
      this.head = 0;
    } else if (this.head > 1024) {
      this.queue = this.queue.slice(this.head);
      this.head = 0;
    }
    if (this.throttled && this.outstanding <= this.server.settings.globalOutstandingLimit) {
      this.throttled = false;
      for (const c of this.server.connections) c.resumeReading('throttle');
    }
  }
}

/** The request a learner forwarded, as the leader's prep takes it (the body decoded as a client's would be). */
export function forwardedRequest(sessionId: bigint, cxid: number, opcode: number, body: Buffer, authinfo: readonly { scheme: string | null; id: string | null }[] | null): Request {
  const auth: Id[] = (authinfo ?? []).map((a) => ({ scheme: a.scheme, id: a.id }));
  return { sessionId, xid: cxid, type: opcode, body: decodeBody(opcode, body), auth, clientIp: '', conn: null, receivedAtMs: Date.now() };
}

function decodeBody(opcode: number, body: Buffer): unknown {
  try {
    if (opcode === OpCode.createSession) {
      if (body.length < 4) throw new MarshallingError('createSession without a timeout');
      return { timeOut: body.readInt32BE(0) };
    }
    const r = new JuteReader(body);
    const multi = MULTI_OPS[opcode];
    if (multi) return decodeMultiRequest(r, (t) => multi.has(t));
    const name = REQUEST_RECORD[opcode];
    return name ? codecOf(name).read(r) : null;
  } catch (e) {
    if (!(e instanceof MarshallingError)) throw e;
    return undefined;
  }
}

/** The bytes a follower forwards for a request: what the client sent, or what Apache's follower builds. */
export function requestBytes(req: Request): Buffer {
  if (req.raw) return req.raw;
  if (req.type === OpCode.createSession) {
    const b = Buffer.alloc(4);
    b.writeInt32BE((req.body as { timeOut: number }).timeOut, 0);
    return b;
  }
  return Buffer.alloc(0);
}
