// The standalone ZooKeeper server: request pipeline prep → sync (txn log, group commit) → final (apply, answer).
// Replies leave in arrival order across all sessions; a write is answered only after its transaction is fsynced.
import { freshRequestStats, recordLatency, type RequestStats } from './request-stats.js';

import { Err, OP_NAMES, OpCode } from '../jute/constants.js';
import type { MultiOp, MultiResult } from '../jute/protocol-frames.js';
import type { ConnectRequest, Id } from '../jute/records.generated.js';
import { generateDigest } from '../tree/acl.js';
import { DataTree, type TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { ServerObserver } from '../audit/server-observer.js';
import type { ServerConnection } from './connection.js';
import { ServerMetrics } from './four-letter-words/server-metrics.js';
import { TreeDigestLog } from './four-letter-words/tree-digest.js';
import { PendingChanges } from './pending-changes.js';
import { WRITE_OPS, prepDeleteContainer, prepWrite, type PrepContext } from './prep.js';
import { ReplyTooLargeError, executeRead, type ReadContext, type ReadResult } from './reads.js';
import type { Request } from './request.js';
import { sessionPassword } from './session-id.js';
import { SessionTracker, type Session } from './session-tracker.js';

/** Where transactions go before they are applied: the txn log (or nothing, for in-memory tests). */
export interface TxnSink {
  append(txn: Txn): void;
  /** Resolves once everything appended before the call is durable. */
  flush(): Promise<void>;
}

export interface ServerSettings {
  tickTimeMs: number;
  minSessionTimeoutMs: number;
  maxSessionTimeoutMs: number;
  juteMaxBufferBytes: number;
  globalOutstandingLimit: number;
  skipACL: boolean;
  extendedTypesEnabled: boolean;
  reconfigEnabled: boolean;
  superDigest?: string;
  serverId: number;
  /** A connection without a session is closed after this long. */
  sessionlessCnxnTimeoutMs: number;
}

export interface ServerStats extends RequestStats {
  startedMs: number;
}

export interface ServerHooks {
  log(line: string): void;
  /** Called after each transaction is applied (snapshot scheduling, audit). */
  onApplied?(txn: Txn): void;
  fourLetterWord?(word: string, conn: ServerConnection, rest: Buffer): void;
  /** A session saw traffic (a follower reports these to its leader). */
  onTouch?(s: Session): void;
  /**
   * Replicated learners: a client reconnects with an existing session; the leader says whether it is still valid
   * (Apache's Learner.validateSession); null when it cannot tell now (the connection is closed, the client retries).
   * Without this hook the local session table decides.
   */
  revalidate?(sessionId: bigint, timeoutMs: number, done: (valid: boolean | null) => void): void;
}

/** Replicated mode: where requests go instead of the standalone prep → log → final pipeline. */
export interface RequestPipeline {
  submit(req: Request): void;
  readonly outstanding: number;
  /** The container reaper's delete: only the leader proposes it; false when nothing was proposed. */
  reapContainer(path: string): boolean;
}

function freshStats(): ServerStats {
  return { ...freshRequestStats(), startedMs: Date.now() };
}

export class ZooKeeperServer {
  readonly tree = new DataTree();
  readonly pending = new PendingChanges(this.tree);
  readonly sessions: SessionTracker;
  readonly connections = new Set<ServerConnection>();
  stats = freshStats();
  /** Apache's named metrics (`mntr`) and the tree digest history (`hash`). */
  readonly metrics = new ServerMetrics();
  readonly digestLog = new TreeDigestLog(this.tree);
  /** Told of applied writes and expired sessions (the audit export); they must return at once. */
  readonly observers: ServerObserver[] = [];
  /** Highest zxid handed out by prep. */
  private lastZxid = 0n;
  /** Highest zxid known to be on disk. */
  private durableZxid = 0n;
  /** Requests awaiting the final stage, in arrival order, with their transaction (null for reads) at the same index. */
  private readonly queue: Request[] = [];
  private readonly queueTxns: (Txn | null)[] = [];
  private queueHead = 0;
  private flushScheduled = false;
  private throttled = false;
  private expiryTimer: NodeJS.Timeout | null = null;
  private stopped = false;
  readonly prepCtx: PrepContext;
  readonly readCtx: ReadContext;
  /** Set in replicated mode: requests go through the ensemble. */
  pipeline: RequestPipeline | null = null;
  /** What srvr/stat/mntr report: standalone, leader, follower or observer. */
  modeName = 'standalone';
  /** False while a replicated server has no leader it is synced with: clients are refused. */
  serving = true;
  /** Only the leader of an ensemble expires sessions (a standalone server always does). */
  expiresSessions = true;
  /**
   * Read-only mode (Apache's ReadOnlyZooKeeperServer): a member cut off from its quorum serves reads to clients that
   * accept a read-only server; their sessions are local to it and end when it rejoins the ensemble.
   */
  readOnly = false;
  /** New sessions are local to this server (localSessionsEnabled, or read-only mode): no createSession transaction. */
  createsLocalSessions = false;
  /** A local session creating an ephemeral node becomes global through the leader (localSessionsUpgradingEnabled). */
  upgradesLocalSessions = false;
  /** Sessions that live on this server only (never logged nor replicated). */
  readonly localSessions = new Set<bigint>();

  constructor(readonly settings: ServerSettings, private readonly sink: TxnSink, readonly hooks: ServerHooks) {
    this.sessions = new SessionTracker(settings.tickTimeMs, settings.serverId, Date.now());
    this.prepCtx = {
      pending: this.pending,
      skipACL: settings.skipACL,
      extendedTypesEnabled: settings.extendedTypesEnabled,
      reconfigEnabled: settings.reconfigEnabled,
      ephemeralsOf: (id) => this.tree.ephemerals.get(id) ?? [],
      onUnexpected: (err, req) => this.logFailedRequest(err, req),
    };
    this.readCtx = { tree: this.tree, skipACL: settings.skipACL, maxReplyBytes: settings.juteMaxBufferBytes };
  }

  get juteMaxBufferBytes(): number {
    return this.settings.juteMaxBufferBytes;
  }

  get lastProcessedZxid(): bigint {
    return this.tree.lastProcessedZxid;
  }

  get outstandingRequests(): number {
    if (this.pipeline) return this.pipeline.outstanding;
    return this.queue.length - this.queueHead;
  }

  log(line: string): void {
    this.hooks.log(line);
  }

  /** After recovery: continue zxids from the last applied transaction. */
  startServing(): void {
    this.lastZxid = this.durableZxid = this.tree.lastProcessedZxid;
    this.scheduleExpiry();
  }

  /** Applies a logged transaction during recovery (the same path as live traffic, without replies). */
  replay(txn: Txn): void {
    this.applyTxn(txn);
    this.applySessionEffects(txn, Date.now());
  }

  private applyTxn(txn: Txn): TxnResult {
    this.digestLog.beforeApply(txn);
    const result = this.tree.applyTxn(txn);
    this.digestLog.afterApply(txn);
    this.metrics.onApplied(txn, result);
    return result;
  }

  private applySessionEffects(txn: Txn, nowMs: number): void {
    if (txn.body.type === OpCode.createSession) this.sessions.add(txn.hdr.clientId, txn.body.record.timeOut, nowMs);
    else if (txn.body.type === OpCode.closeSession) this.sessions.remove(txn.hdr.clientId);
  }

  // ---- connections and sessions ----

  addConnection(conn: ServerConnection): void {
    this.connections.add(conn);
  }

  connectionClosed(conn: ServerConnection): void {
    if (!this.connections.delete(conn)) return;
    this.tree.watches.removeWatcher(conn);
  }

  touch(s: Session): void {
    this.sessions.touch(s, Date.now());
    // A local session's liveness is this server's business: the leader never hears of it.
    if (!this.localSessions.has(s.id)) this.hooks.onTouch?.(s);
  }

  /** Ends every local session (a role change: Apache builds a new session tracker). */
  dropLocalSessions(): void {
    for (const id of this.localSessions) this.sessions.remove(id);
    this.localSessions.clear();
  }

  /** A local session's closeSession (the client's or expiry's): no transaction, the connection ends. */
  private closeLocalSession(req: Request): void {
    this.sessions.remove(req.sessionId);
    this.localSessions.delete(req.sessionId);
    const conn = req.conn;
    if (!conn || conn.closed) return;
    if (req.internal) return conn.close();
    const zxid = this.tree.lastProcessedZxid;
    conn.reply(req.xid, zxid, 0);
    this.answered(conn, req, zxid);
    conn.close();
  }

  connect(conn: ServerConnection, req: ConnectRequest): void {
    if (!this.serving) {
      this.log(`Refusing session request for client ${conn.remote}: this server is not serving (no synced leader)`);
      return conn.close();
    }
    if (this.readOnly && !req.readOnly) {
      this.log(`Refusing session request for not-read-only client ${conn.remote}`);
      return conn.close();
    }
    if (req.lastZxidSeen > this.tree.lastProcessedZxid) {
      this.log(`Refusing session request for client ${conn.remote} as it has seen zxid 0x${req.lastZxidSeen.toString(16)} our last zxid is 0x${this.tree.lastProcessedZxid.toString(16)} client must try another server`);
      return conn.close();
    }
    const { minSessionTimeoutMs, maxSessionTimeoutMs } = this.settings;
    const timeoutMs = Math.min(Math.max(req.timeOut, minSessionTimeoutMs), maxSessionTimeoutMs);
    if (req.sessionId === 0n) {
      const id = this.sessions.newSessionId();
      if (this.createsLocalSessions || this.readOnly) {
        this.localSessions.add(id);
        return conn.finishHandshake(this.sessions.add(id, timeoutMs, Date.now()), timeoutMs);
      }
      this.sessions.add(id, timeoutMs, Date.now());
      this.submit({ sessionId: id, xid: 0, type: OpCode.createSession, body: { timeOut: timeoutMs }, auth: conn.auth, clientIp: conn.clientIp, conn, receivedAtMs: Date.now() });
      return;
    }
    if (this.readOnly && !this.localSessions.has(req.sessionId)) {
      // ReadOnlyZooKeeperServer.revalidateSession: only this server's own (local) sessions come back to it.
      this.log(`Refusing global session reconnection in RO mode ${conn.remote}`);
      return conn.close();
    }
    // A local session is only known here; read-only mode asks no leader either.
    const revalidate = this.readOnly || this.localSessions.has(req.sessionId) ? undefined : this.hooks.revalidate;
    if (revalidate) {
      // The password is a function of the session id, so it is checked here even for a session not applied yet.
      if (!req.passwd || !sessionPassword(req.sessionId).equals(req.passwd)) return conn.finishHandshake(null, 0);
      const id = req.sessionId;
      revalidate(id, timeoutMs, (valid) => {
        if (conn.closed) return;
        if (valid === null) return conn.close();
        if (!valid) return conn.finishHandshake(null, 0);
        this.resume(conn, this.sessions.sessions.get(id) ?? this.sessions.add(id, timeoutMs, Date.now()), timeoutMs);
      });
      return;
    }
    const s = this.sessions.sessions.get(req.sessionId);
    if (!s || s.closing || !req.passwd || !s.password.equals(req.passwd)) return conn.finishHandshake(null, 0);
    this.resume(conn, s, timeoutMs);
  }

  /** A client takes up its session again on this connection (any older connection of it is closed). */
  private resume(conn: ServerConnection, s: Session, timeoutMs: number): void {
    for (const other of this.connections) if (other !== conn && other.session === s) other.close();
    s.timeoutMs = timeoutMs;
    this.touch(s);
    conn.finishHandshake(s, timeoutMs);
  }

  authenticate(scheme: string, data: Buffer, conn: ServerConnection): Id[] | null {
    if (scheme === 'digest') {
      const digest = generateDigest(data.toString('utf8'));
      const ids: Id[] = [];
      if (this.settings.superDigest !== undefined && digest === this.settings.superDigest) ids.push({ scheme: 'super', id: '' });
      ids.push({ scheme: 'digest', id: digest });
      return ids;
    }
    if (scheme === 'ip') return [{ scheme: 'ip', id: conn.clientIp }];
    return null;
  }

  runFourLetterWord(word: string, conn: ServerConnection, rest: Buffer): void {
    if (this.hooks.fourLetterWord) this.hooks.fourLetterWord(word, conn, rest);
    else conn.close();
  }

  private scheduleExpiry(): void {
    if (this.stopped) return;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    const tick = this.settings.tickTimeMs;
    const now = Date.now();
    const delay = Math.max(1, (Math.floor(now / tick) + 1) * tick - now);
    this.expiryTimer = setTimeout(() => {
      this.expireSessions();
      this.scheduleExpiry();
    }, delay);
    this.expiryTimer.unref();
  }

  private expireSessions(): void {
    if (!this.serving) return;
    if (!this.expiresSessions) return this.expireLocalSessions(Date.now());
    for (const s of this.sessions.expire(Date.now())) {
      this.log(`Expiring session 0x${s.id.toString(16)}, timeout of ${s.timeoutMs}ms exceeded`);
      for (const o of this.observers) o.sessionExpired(s);
      let conn: ServerConnection | null = null;
      for (const c of this.connections) if (c.session === s) conn = c;
      this.submitInternal(s.id, OpCode.closeSession, conn);
    }
  }

  /** A server that does not expire global sessions (a learner, or read-only) still expires its local ones. */
  private expireLocalSessions(nowMs: number): void {
    for (const id of [...this.localSessions]) {
      const s = this.sessions.sessions.get(id);
      if (!s || s.expiresAtMs > nowMs) continue;
      this.log(`Expiring local session 0x${id.toString(16)}, timeout of ${s.timeoutMs}ms exceeded`);
      let conn: ServerConnection | null = null;
      for (const c of this.connections) if (c.session === s) conn = c;
      this.submitInternal(id, OpCode.closeSession, conn);
    }
  }

  private submitInternal(sessionId: bigint, type: number, conn: ServerConnection | null): void {
    this.submit({ sessionId, xid: 0, type, body: null, auth: [], clientIp: '', conn, receivedAtMs: Date.now(), internal: true });
  }

  // ---- pipeline ----

  submit(req: Request): void {
    if (this.localSessions.has(req.sessionId)) {
      if (req.type === OpCode.closeSession) return this.closeLocalSession(req);
      if (!this.readOnly && createsEphemeral(req)) {
        if (!this.upgradesLocalSessions) return this.refuse(req, Err.EPHEMERALONLOCALSESSION);
        this.upgradeLocalSession(req.sessionId);
      }
    }
    if (this.pipeline) return this.pipeline.submit(req);
    if (WRITE_OPS.has(req.type)) {
      const txn = prepWrite(this.prepCtx, req, ++this.lastZxid, Date.now());
      if (req.type === OpCode.closeSession) {
        const s = this.sessions.sessions.get(req.sessionId);
        if (s) s.closing = true;
      }
      this.enqueueWrite(req, txn);
    } else if (this.queueHead === this.queue.length) {
      this.finish(req, null);
    } else {
      this.queue.push(req);
      this.queueTxns.push(null);
    }
    if (!this.throttled && this.outstandingRequests > this.settings.globalOutstandingLimit) {
      this.throttled = true;
      for (const c of this.connections) c.pauseReading('throttle');
    }
  }

  /**
   * QuorumZooKeeperServer.makeUpgradeRequest: the session becomes global through a createSession sent ahead of
   * the request that needs it (the same pipeline keeps them in order).
   */
  private upgradeLocalSession(id: bigint): void {
    const s = this.sessions.sessions.get(id);
    if (!s) return;
    this.localSessions.delete(id);
    this.log(`Upgrading session 0x${id.toString(16)}`);
    this.submit({ sessionId: id, xid: 0, type: OpCode.createSession, body: { timeOut: s.timeoutMs }, auth: [], clientIp: '', conn: null, receivedAtMs: Date.now(), internal: true });
  }

  /** Answers a request with an error without it reaching the pipeline (the follower's request processor does). */
  private refuse(req: Request, err: number): void {
    const conn = req.conn;
    if (!conn || conn.closed) return;
    const zxid = this.tree.lastProcessedZxid;
    conn.reply(req.xid, zxid, err);
    this.answered(conn, req, zxid);
  }

  private enqueueWrite(req: Request, txn: Txn): void {
    this.sink.append(txn);
    this.queue.push(req);
    this.queueTxns.push(txn);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      setImmediate(() => this.flush());
    }
  }

  /** The container reaper's delete (not a client request). */
  reapContainer(path: string): boolean {
    if (this.pipeline) return this.pipeline.reapContainer(path);
    const txn = prepDeleteContainer(this.prepCtx, path, this.lastZxid + 1n, Date.now());
    if (!txn) return false;
    this.lastZxid++;
    this.enqueueWrite({ sessionId: 0n, xid: 0, type: OpCode.deleteContainer, body: null, auth: [], clientIp: '', conn: null, receivedAtMs: Date.now() }, txn);
    return true;
  }

  private flush(): void {
    this.flushScheduled = false;
    const upTo = this.lastZxid;
    this.sink.flush().then(
      () => {
        if (upTo > this.durableZxid) this.durableZxid = upTo;
        this.drain();
      },
      (err: Error) => {
        // Apache halts when the log cannot be written: nothing after this point may be acknowledged.
        this.log(`Severe unrecoverable error writing the transaction log: ${err.message}; exiting`);
        process.exit(14);
      },
    );
  }

  private drain(): void {
    const q = this.queue;
    const txns = this.queueTxns;
    while (this.queueHead < q.length) {
      const txn = txns[this.queueHead];
      if (txn && txn.hdr.zxid > this.durableZxid) break;
      const req = q[this.queueHead];
      this.queueHead++;
      this.finish(req, txn);
    }
    if (this.queueHead === q.length) {
      q.length = 0;
      txns.length = 0;
      this.queueHead = 0;
    } else if (this.queueHead > 1024) {
      q.splice(0, this.queueHead);
      txns.splice(0, this.queueHead);
      this.queueHead = 0;
    }
    if (this.throttled && this.outstandingRequests <= this.settings.globalOutstandingLimit) {
      this.throttled = false;
      for (const c of this.connections) c.resumeReading('throttle');
    }
  }

  /** Applies a committed transaction (in zxid order) with all its side effects; the caller answers. */
  applyCommitted(txn: Txn): TxnResult {
    const result = this.applyTxn(txn);
    this.pending.applied(txn.hdr.zxid);
    this.applySessionEffects(txn, Date.now());
    this.hooks.onApplied?.(txn);
    return result;
  }

  /** Final stage: apply the transaction (writes) or execute the read, then answer. */
  private finish(req: Request, txn: Txn | null): void {
    if (txn) return this.answerWrite(req, txn, this.applyCommitted(txn));
    this.answerRead(req);
  }

  /** Executes a read (or ping) against the tree as it is now and answers it. */
  answerRead(req: Request): void {
    const conn = req.conn;
    if (!conn || conn.closed) return;
    const watcher = conn;
    let res: ReadResult;
    try {
      res = executeRead(this.readCtx, req, watcher);
    } catch (err) {
      if (!(err instanceof ReplyTooLargeError)) {
        // Apache's FinalRequestProcessor: a request that fails unexpectedly is logged and answered MARSHALLINGERROR.
        this.logFailedRequest(err, req);
        conn.reply(req.xid, this.tree.lastProcessedZxid, Err.MARSHALLINGERROR);
        this.answered(conn, req, this.tree.lastProcessedZxid);
        return;
      }
      // A frame longer than jute.maxbuffer is what Apache's server closes a connection for when a client sends
      // one, and what its clients close the connection on when a server does: refused here before it is built.
      this.log(`Reply to ${OP_NAMES[req.type] ?? req.type} xid ${req.xid} from ${conn.remote} would be at least ${err.replyBytes} bytes, over jute.maxbuffer (${err.maxReplyBytes}); closing`);
      conn.close();
      return;
    }
    if (res.err === 0) this.metrics.onRead(req.type, req.body, res.value);
    const zxid = this.tree.lastProcessedZxid;
    if (req.type === OpCode.ping) conn.reply(-2, zxid, 0);
    else if (req.type === OpCode.multiRead && res.err === 0) conn.replyMulti(req.xid, zxid, res.value as MultiResult[], res.replyBytes);
    else conn.reply(req.xid, zxid, res.err, res.record, res.value);
    this.answered(conn, req, zxid);
  }

  private logFailedRequest(err: unknown, req: Request): void {
    this.log(`Failed to process ${OP_NAMES[req.type] ?? req.type} xid ${req.xid} of session 0x${req.sessionId.toString(16)}: ${(err as Error)?.stack ?? String(err)}`);
  }

  answerWrite(req: Request, txn: Txn, result: TxnResult): void {
    const conn = req.conn;
    const zxid = txn.hdr.zxid;
    for (const o of this.observers) o.writeApplied(req, txn, result);
    // A createSession a client sends itself fails in prep (an error txn) and is answered like any failed write.
    if (req.type === OpCode.createSession && txn.body.type === OpCode.createSession) {
      const s = this.sessions.sessions.get(req.sessionId);
      if (conn && !conn.closed) conn.finishHandshake(s ?? null, s?.timeoutMs ?? 0);
      return;
    }
    if (!conn || conn.closed) return;
    if (txn.body.type === OpCode.error && txn.body.record.err === Err.SESSIONMOVED) {
      // FinalRequestProcessor: session moved is a connection-level error, the connection is torn down unanswered.
      this.log(`Session 0x${req.sessionId.toString(16)} moved to another server: closing its connection from ${conn.remote}`);
      return conn.close();
    }
    if (req.type === OpCode.closeSession) {
      if (req.internal) return conn.close();
      conn.reply(req.xid, zxid, 0);
      this.answered(conn, req, zxid);
      conn.close();
      return;
    }
    if (result.multi) {
      conn.replyMulti(req.xid, zxid, result.multi.map(multiResult));
    } else if (result.err !== 0) {
      conn.reply(req.xid, zxid, result.err);
    } else if (req.type === OpCode.check) {
      // 3.8.0 logs a standalone check that passes but sends no reply (it fails to serialise one); the connection stays open.
    } else {
      switch (result.type) {
        case OpCode.create: conn.reply(req.xid, zxid, 0, 'CreateResponse', { path: result.path }); break;
        case OpCode.create2:
        case OpCode.createContainer:
        case OpCode.createTTL: conn.reply(req.xid, zxid, 0, 'Create2Response', { path: result.path, stat: result.stat }); break;
        case OpCode.setData: conn.reply(req.xid, zxid, 0, 'SetDataResponse', { stat: result.stat }); break;
        case OpCode.reconfig: conn.reply(req.xid, zxid, 0, 'GetDataResponse', { data: txn.body.type === OpCode.reconfig ? txn.body.record.data : null, stat: result.stat }); break;
        case OpCode.setACL: conn.reply(req.xid, zxid, 0, 'SetACLResponse', { stat: result.stat }); break;
        default: conn.reply(req.xid, zxid, 0);
      }
    }
    this.answered(conn, req, zxid);
  }

  answered(conn: ServerConnection, req: Request, zxid: bigint): void {
    conn.answered(req, zxid, OP_NAMES[req.type] ?? String(req.type));
    const latency = Date.now() - req.receivedAtMs;
    recordLatency(this.stats, latency);
    this.metrics.onLatency(WRITE_OPS.has(req.type), latency);
  }

  resetStats(): void {
    this.stats = { ...freshStats(), startedMs: this.stats.startedMs };
  }

  /** Stops timers and closes every connection; sessions stay (they are on disk) as Apache does on SIGTERM. */
  async shutdown(): Promise<void> {
    this.stopped = true;
    if (this.expiryTimer) clearTimeout(this.expiryTimer);
    // Let everything already accepted reach the disk and be answered.
    while (!this.pipeline && this.outstandingRequests > 0) {
      await this.sink.flush();
      this.durableZxid = this.lastZxid;
      this.drain();
    }
    for (const c of [...this.connections]) c.close();
  }
}

/** A create (or a multi holding one) of an ephemeral node: what a local session cannot do. */
function createsEphemeral(req: Request): boolean {
  const isEphemeral = (flags: unknown) => typeof flags === 'number' && (flags === 1 || flags === 3);
  if (req.type === OpCode.create || req.type === OpCode.create2) return isEphemeral((req.body as { flags?: number } | undefined)?.flags);
  if (req.type === OpCode.multi && Array.isArray(req.body)) {
    return (req.body as MultiOp[]).some((op) => (op.type === OpCode.create || op.type === OpCode.create2) && isEphemeral((op.request as { flags?: number } | undefined)?.flags));
  }
  return false;
}

function multiResult(r: TxnResult): MultiResult {
  switch (r.type) {
    case OpCode.create: return { type: OpCode.create, err: 0, response: { path: r.path } };
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL: return { type: OpCode.create2, err: 0, response: { path: r.path, stat: r.stat } };
    case OpCode.setData: return { type: OpCode.setData, err: 0, response: { stat: r.stat } };
    case OpCode.error: return { type: OpCode.error, err: r.err, response: { err: r.err } };
    case OpCode.deleteContainer: return { type: OpCode.delete, err: 0 };
    default: return { type: r.type, err: 0 };
  }
}
