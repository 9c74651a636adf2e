// One client connection: framing, the connect handshake, auth packets, and ordered replies.
// Everything else goes to the server's request pipeline.
import { freshRequestStats, recordLatency, type RequestStats } from './request-stats.js';
import type { Socket } from 'node:net';
import { codecOf, type RecordName } from '../jute/codec.js';
import { Err, KeeperState, OpCode, Xid } from '../jute/constants.js';
import { MarshallingError } from '../jute/errors.js';
import {
  MULTI_OPS, REPLY_HEADER_BYTES, REQUEST_RECORD, decodeMultiRequest, encodeMultiResponse, getDataResponseBytes, isKnownOpcode,
  type MultiResult,
} from '../jute/protocol-frames.js';
import { JuteReader } from '../jute/reader.js';
import type { ConnectRequest, GetDataResponse, Id, ReplyHeader } from '../jute/records.generated.js';
import type { JuteWriter } from '../jute/writer.js';
import { addAuthId } from '../tree/acl.js';
import type { Watcher } from '../tree/watch-manager.js';
import { isFourLetterWord } from './four-letter-words.js';
import { ReplyWriter } from './reply-writer.js';
import type { Request } from './request.js';
import type { Session } from './session-tracker.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

const replyHeader = codecOf('ReplyHeader');
const requestHeader = codecOf('RequestHeader');
const connectResponse = codecOf('ConnectResponse');
const watcherEvent = codecOf('WatcherEvent');
const authPacket = codecOf('AuthPacket');
const getDataResponse = codecOf('GetDataResponse');
/** Filled in for each reply: the codec only reads it. */
const scratchReplyHeader: ReplyHeader = { xid: 0, zxid: 0n, err: 0 };

/**
 * A connection whose unsent replies pass this many bytes is paused: no more of its requests are read or
 * processed (not even those already received) until its socket has drained. Large node data is queued by
 * reference (reply-writer.ts), so the bytes counted here are mostly not copies.
 */
const MAX_UNSENT_BYTES = 1024 * 1024;
/** Replies are handed to the socket once this many bytes are pending, so no one buffer grows large. */
const FLUSH_AT_BYTES = 64 * 1024;
/** A reply writer that grew past this is dropped after its flush rather than kept for the connection. */
const MAX_REUSED_OUT_BYTES = 64 * 1024;

export interface ConnectionStats extends RequestStats {
  lastOp: string;
  lastCxid: number;
  lastZxid: bigint;
  lastResponseMs: number;
  lastLatencyMs: number;
  establishedMs: number;
}

function freshStats(nowMs: number): ConnectionStats {
  return {
    ...freshRequestStats(),
    lastOp: 'NA', lastCxid: -1, lastZxid: -1n, lastResponseMs: 0, lastLatencyMs: 0, establishedMs: nowMs,
  };
}

let nextConnectionId = 1;

export class ServerConnection implements Watcher {
  readonly id = nextConnectionId++;
  session: Session | null = null;
  readonly auth: Id[];
  readonly clientIp: string;
  readonly remote: string;
  stats: ConnectionStats;
  /** Requests submitted and not yet answered. */
  outstanding = 0;
  closed = false;

  /** Bytes received and not yet processed: a partial frame, or whole frames held while the connection is paused. */
  private inbox: Buffer | null = null;
  /** Chunks of a frame still arriving, joined to the inbox once `missingBytes` have come (one copy per frame, not per chunk). */
  private partialChunks: Buffer[] = [];
  private partialBytes = 0;
  private missingBytes = 0;
  private sawFirstBytes = false;
  private connectRequested = false;
  private readOnlyByte: boolean | undefined;
  private out = this.newWriter(4096);
  private flushQueued = false;
  /**
   * Why requests are not being read: 'output' (too many unsent reply bytes), 'throttle' (the server has more
   * than globalOutstandingLimit requests in its pipeline), 'handshake' (the session is being created).
   */
  private readonly pauseReasons = new Set<string>();
  private inboxRunQueued = false;
  private sessionlessTimer: NodeJS.Timeout;

  constructor(readonly socket: Socket, readonly server: ZooKeeperServer) {
    this.clientIp = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remote = `/${this.clientIp}:${socket.remotePort}`;
    this.auth = [{ scheme: 'ip', id: this.clientIp }];
    this.stats = freshStats(Date.now());
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.onDrain());
    socket.on('error', () => this.close());
    socket.on('close', () => this.close());
    // Apache's NIOServerCnxnFactory drops connections that have no session after nio.sessionlessCnxnTimeout.
    this.sessionlessTimer = setTimeout(() => {
      if (!this.session) this.close();
    }, server.settings.sessionlessCnxnTimeoutMs);
    this.sessionlessTimer.unref();
  }

  resetStats(): void {
    this.stats = { ...freshStats(this.stats.establishedMs) };
  }

  private onData(chunk: Buffer): void {
    if (this.closed) return;
    if (this.missingBytes > 0) {
      this.partialChunks.push(chunk);
      this.partialBytes += chunk.length;
      if (this.partialBytes < this.missingBytes) return;
      this.inbox = Buffer.concat([this.inbox!, ...this.partialChunks]);
      this.partialChunks = [];
      this.partialBytes = 0;
      this.missingBytes = 0;
    } else {
      this.inbox = this.inbox ? Buffer.concat([this.inbox, chunk]) : chunk;
    }
    if (!this.sawFirstBytes) {
      if (this.inbox.length < 4) return;
      this.sawFirstBytes = true;
      const word = this.inbox.toString('latin1', 0, 4);
      if (isFourLetterWord(word)) {
        const rest = this.inbox.subarray(4);
        this.inbox = null;
        this.server.runFourLetterWord(word, this, rest);
        return;
      }
    }
    this.processInbox();
  }

  /**
   * Processes whole frames from the inbox until it runs out or the connection is paused; what is left stays
   * there (a paused socket delivers no more) until resumeReading runs this again.
   */
  private processInbox(): void {
    try {
      this.processFrames();
    } catch (err) {
      // A bug met while reading one connection's frames costs that connection, never the server.
      this.server.log(`Unexpected exception reading a request from ${this.remote}, closing: ${(err as Error)?.stack ?? String(err)}`);
      this.close();
    }
  }

  private processFrames(): void {
    const buf = this.inbox;
    if (!buf || this.closed) return;
    const max = this.server.juteMaxBufferBytes;
    let pos = 0;
    while (this.pauseReasons.size === 0 && buf.length - pos >= 4) {
      const len = buf.readInt32BE(pos);
      if (len < 0 || len > max) {
        this.server.log(`Len error ${len} from ${this.remote}: malformed or too large, closing`);
        this.close();
        return;
      }
      if (buf.length - pos - 4 < len) {
        this.missingBytes = len - (buf.length - pos - 4);
        break;
      }
      const start = pos + 4;
      pos = start + len;
      this.onFrame(buf, start, pos);
      if (this.closed) return;
    }
    this.inbox = pos === buf.length ? null : pos === 0 ? buf : buf.subarray(pos);
  }

  /** A frame's payload is buf[start, end): read in place, without a Buffer view per frame. */
  private onFrame(buf: Buffer, start: number, end: number): void {
    if (!this.connectRequested) return this.onConnectFrame(buf, start, end);
    this.onRequestFrame(buf, start, end);
  }

  private onConnectFrame(buf: Buffer, start: number, end: number): void {
    this.connectRequested = true;
    let req: ConnectRequest;
    try {
      req = codecOf('ConnectRequest').read(new JuteReader(buf, start, end));
    } catch {
      this.server.log(`Malformed ConnectRequest from ${this.remote}, closing`);
      return this.close();
    }
    this.readOnlyByte = req.readOnly;
    this.stats.packetsReceived++;
    this.server.stats.packetsReceived++;
    this.server.metrics.onReceived(end - start + 4);
    this.server.metrics.count('connection_request_count');
    // Requests that follow the ConnectRequest wait in the inbox until the session exists.
    this.pauseReading('handshake');
    this.server.connect(this, req);
  }

  /** Sends the ConnectResponse (timeoutMs 0 = session invalid, then closes) and releases held frames. */
  finishHandshake(session: Session | null, timeoutMs: number): void {
    if (this.closed) return;
    this.session = session;
    if (session) clearTimeout(this.sessionlessTimer);
    const w = this.out;
    const mark = w.beginFrame();
    connectResponse.write(w, {
      protocolVersion: 0,
      timeOut: session ? timeoutMs : 0,
      sessionId: session ? session.id : 0n,
      passwd: session ? session.password : Buffer.alloc(16),
      readOnly: this.readOnlyByte === undefined ? undefined : this.server.readOnly,
    });
    w.endFrame(mark);
    this.sent();
    if (!session) {
      this.flush();
      return this.close();
    }
    this.resumeReading('handshake');
  }

  private onRequestFrame(buf: Buffer, start: number, end: number): void {
    if (end - start < 8) return this.close();
    const r = new JuteReader(buf, start, end);
    const header = requestHeader.read(r);
    const { xid, type } = header;
    this.stats.packetsReceived++;
    this.server.stats.packetsReceived++;
    this.server.metrics.onReceived(end - start + 4);
    if (this.session) this.server.touch(this.session);
    if (type === OpCode.auth) return this.onAuth(xid, r);
    if (type === OpCode.sasl) return this.reply(xid, 0n, 0, 'SetSASLResponse', { token: null });
    if (type === OpCode.notification || !isKnownOpcode(type)) {
      this.reply(xid, -1n, Err.UNIMPLEMENTED);
      this.flush();
      return this.close();
    }
    const raw = this.server.pipeline ? Buffer.from(buf.subarray(r.pos, end)) : undefined;
    let body: unknown;
    try {
      if (type === OpCode.createSession) throw new MarshallingError('createSession is internal');
      const multi = MULTI_OPS[type];
      if (multi) body = decodeMultiRequest(r, (t) => multi.has(t));
      else {
        const name = REQUEST_RECORD[type];
        body = name ? codecOf(name).read(r) : null;
      }
    } catch (e) {
      if (!(e instanceof MarshallingError)) throw e;
      body = undefined;
    }
    const req: Request = {
      sessionId: this.session!.id, xid, type, body, auth: this.auth, clientIp: this.clientIp, conn: this, receivedAtMs: Date.now(), raw,
    };
    this.outstanding++;
    this.server.submit(req);
  }

  private onAuth(xid: number, r: JuteReader): void {
    let scheme: string | null = null;
    let data: Buffer | null = null;
    try {
      const p = authPacket.read(r);
      scheme = p.scheme;
      data = p.auth;
    } catch {
      /* treated as an unknown scheme below */
    }
    const ids = scheme === null ? null : this.server.authenticate(scheme, data ?? Buffer.alloc(0), this);
    if (ids === null) {
      this.server.log(`Authentication failed for scheme ${scheme} from ${this.remote}`);
      this.server.metrics.authFailedCount++;
      this.reply(xid, 0n, Err.AUTHFAILED);
      this.flush();
      return this.close();
    }
    for (const id of ids) addAuthId(this.auth, id);
    this.reply(xid, 0n, 0);
  }

  /** Writes one reply frame (body only when err is 0 and the op has a response record). */
  reply(xid: number, zxid: bigint, err: number, record?: RecordName | null, value?: unknown): void {
    if (this.closed) return;
    const header = scratchReplyHeader;
    header.xid = xid;
    header.zxid = zxid;
    header.err = err;
    if (err === 0 && record === 'GetDataResponse') {
      const response = value as GetDataResponse;
      const bodyBytes = REPLY_HEADER_BYTES + getDataResponseBytes(response.data);
      return this.knownLengthReply(bodyBytes, (w) => {
        replyHeader.write(w, header);
        getDataResponse.write(w, response);
      });
    }
    const w = this.out;
    const mark = w.beginFrame();
    replyHeader.write(w, header);
    if (err === 0 && record) codecOf(record).write(w, value as never);
    w.endFrame(mark);
    this.server.metrics.onResponse(w.pos - mark - 4, xid !== Xid.Ping && xid !== Xid.Auth);
    this.sent();
  }

  /** A multi or multiRead reply; `bodyBytes` (header included) when the caller computed it (multiRead). */
  replyMulti(xid: number, zxid: bigint, results: readonly MultiResult[], bodyBytes?: number): void {
    if (this.closed) return;
    const header = scratchReplyHeader;
    header.xid = xid;
    header.zxid = zxid;
    header.err = 0;
    if (bodyBytes !== undefined) {
      return this.knownLengthReply(bodyBytes, (w) => {
        replyHeader.write(w, header);
        encodeMultiResponse(w, results);
      });
    }
    const w = this.out;
    const mark = w.beginFrame();
    replyHeader.write(w, header);
    encodeMultiResponse(w, results);
    w.endFrame(mark);
    this.server.metrics.onResponse(w.pos - mark - 4, true);
    this.sent();
  }

  /** A reply whose length is known before it is written, so its large data can go out by reference. */
  private knownLengthReply(bodyBytes: number, writeBody: (w: JuteWriter) => void): void {
    try {
      this.out.knownLengthFrame(bodyBytes, writeBody);
    } catch (err) {
      // The frame on the wire no longer matches its length prefix: nothing after it could be read.
      this.server.log(`Reply to ${this.remote} could not be encoded (${(err as Error).message}), closing`);
      this.out.reset();
      this.close();
      return;
    }
    this.server.metrics.onResponse(bodyBytes, true);
    this.sent();
  }

  /** Watcher: a notification frame, always state SyncConnected and zxid -1 as 3.8 sends. */
  process(type: number, path: string): void {
    if (this.closed) return;
    const w = this.out;
    const mark = w.beginFrame();
    replyHeader.write(w, { xid: Xid.Notification, zxid: -1n, err: 0 });
    watcherEvent.write(w, { type, state: KeeperState.SyncConnected, path });
    w.endFrame(mark);
    this.server.metrics.onResponse(w.pos - mark - 4, false);
    this.sent();
  }

  /** Called by the pipeline when a request of this connection has been answered. */
  answered(req: Request, zxid: bigint, opName: string): void {
    this.outstanding--;
    const now = Date.now();
    const latency = now - req.receivedAtMs;
    const s = this.stats;
    s.lastOp = opName;
    s.lastCxid = req.xid;
    s.lastZxid = zxid;
    s.lastResponseMs = now;
    s.lastLatencyMs = latency;
    recordLatency(s, latency);
  }

  private sent(): void {
    this.stats.packetsSent++;
    this.server.stats.packetsSent++;
    if (this.out.pos >= FLUSH_AT_BYTES) {
      this.flush();
    } else {
      if (this.socket.writableLength > MAX_UNSENT_BYTES) this.pauseReading('output');
      if (!this.flushQueued) {
        this.flushQueued = true;
        queueMicrotask(() => this.flush());
      }
    }
  }

  private newWriter(initialBytes: number): ReplyWriter {
    return new ReplyWriter(initialBytes, (bytes) => this.socket.write(bytes));
  }

  flush(): void {
    this.flushQueued = false;
    if (this.out.pos === 0 || this.closed) return;
    const w = this.out;
    const bytes = w.bytes();
    this.socket.write(bytes);
    // Nothing queued means the kernel took the bytes at once and the socket kept no reference to them: the writer
    // is reused. Otherwise the socket holds the buffer until it is sent, and later replies go to a new one.
    if (this.socket.writableLength === 0 && w.buf.length <= MAX_REUSED_OUT_BYTES) w.reset();
    else this.out = this.newWriter(Math.min(Math.max(4096, bytes.length), FLUSH_AT_BYTES));
    if (this.socket.writableLength > MAX_UNSENT_BYTES) this.pauseReading('output');
  }

  /** Stops reading and processing this connection's requests until every `reason` given is resumed. */
  pauseReading(reason: string): void {
    if (this.pauseReasons.size === 0) this.socket.pause();
    this.pauseReasons.add(reason);
  }

  resumeReading(reason: string): void {
    if (!this.pauseReasons.delete(reason) || this.pauseReasons.size > 0 || this.closed) return;
    this.socket.resume();
    // Frames already received go first, but in a turn of their own: not inside whatever resumed this connection.
    if (this.inbox && !this.inboxRunQueued) {
      this.inboxRunQueued = true;
      setImmediate(() => {
        this.inboxRunQueued = false;
        if (!this.closed && this.pauseReasons.size === 0) this.processInbox();
      });
    }
  }

  /** Everything queued has been sent: the client is reading, so its session is alive too. */
  private onDrain(): void {
    if (this.session) this.server.touch(this.session);
    this.resumeReading('output');
  }

  /** Writes raw text (four-letter words) and closes once it is sent. */
  writeTextAndClose(text: string): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.end(text, 'utf8');
    this.server.connectionClosed(this);
  }

  close(): void {
    if (this.closed) return;
    this.flush();
    this.closed = true;
    this.inbox = null;
    this.partialChunks = [];
    clearTimeout(this.sessionlessTimer);
    this.socket.end();
    this.socket.destroySoon?.();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.server.connectionClosed(this);
  }
}
