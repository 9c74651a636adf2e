// One client connection: framing, the connect handshake, auth packets, and ordered replies.
// Everything else goes to the server's request pipeline.
import { freshRequestStats, recordLatency, type RequestStats } from './request-stats.js';
import type { Socket } from 'node:net';
import { codecOf, type RecordName } from '../jute/codec.js';
import { Err, KeeperState, OpCode, Xid } from '../jute/constants.js';
import { MarshallingError } from '../jute/errors.js';
import { MULTI_OPS, REQUEST_RECORD, decodeMultiRequest, isKnownOpcode } from '../jute/protocol-frames.js';
import { JuteReader } from '../jute/reader.js';
import type { ConnectRequest, Id, ReplyHeader } from '../jute/records.generated.js';
import { JuteWriter } from '../jute/writer.js';
import { addAuthId } from '../tree/acl.js';
import type { Watcher } from '../tree/watch-manager.js';
import { isFourLetterWord } from './four-letter-words.js';
import type { Request } from './request.js';
import type { Session } from './session-tracker.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

const replyHeader = codecOf('ReplyHeader');
const requestHeader = codecOf('RequestHeader');
const connectResponse = codecOf('ConnectResponse');
const watcherEvent = codecOf('WatcherEvent');
const authPacket = codecOf('AuthPacket');
/** Filled in for each reply: the codec only reads it. */
const scratchReplyHeader: ReplyHeader = { xid: 0, zxid: 0n, err: 0 };

/** Stop reading from a client whose unsent replies pass this many bytes, until its socket drains. */
const MAX_UNSENT_BYTES = 4 * 1024 * 1024;
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

  private partial: Buffer | null = null;
  private sawFirstBytes = false;
  private connectRequested = false;
  /** Frames that arrived while the session was being set up. */
  private held: Buffer[] | null = null;
  private readOnlyByte: boolean | undefined;
  private out = new JuteWriter(4096);
  private flushQueued = false;
  private readingPaused = false;
  private sessionlessTimer: NodeJS.Timeout;

  constructor(readonly socket: Socket, readonly server: ZooKeeperServer) {
    this.clientIp = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    this.remote = `/${this.clientIp}:${socket.remotePort}`;
    this.auth = [{ scheme: 'ip', id: this.clientIp }];
    this.stats = freshStats(Date.now());
    socket.setNoDelay(true);
    socket.on('data', (chunk) => this.onData(chunk));
    socket.on('drain', () => this.maybeResume());
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
    let buf = this.partial ? Buffer.concat([this.partial, chunk]) : chunk;
    this.partial = null;
    if (!this.sawFirstBytes) {
      if (buf.length < 4) {
        this.partial = buf;
        return;
      }
      this.sawFirstBytes = true;
      const word = buf.toString('latin1', 0, 4);
      if (isFourLetterWord(word)) {
        this.server.runFourLetterWord(word, this, buf.subarray(4));
        return;
      }
    }
    const max = this.server.juteMaxBufferBytes;
    let pos = 0;
    while (buf.length - pos >= 4) {
      const len = buf.readInt32BE(pos);
      if (len < 0 || len > max) {
        this.server.log(`Len error ${len} from ${this.remote}: malformed or too large, closing`);
        this.close();
        return;
      }
      if (buf.length - pos - 4 < len) break;
      const start = pos + 4;
      pos = start + len;
      this.onFrame(buf, start, pos);
      if (this.closed) return;
    }
    if (pos < buf.length) this.partial = Buffer.from(buf.subarray(pos));
  }

  /** A frame's payload is buf[start, end): read in place, without a Buffer view per frame. */
  private onFrame(buf: Buffer, start: number, end: number): void {
    if (this.held) {
      this.held.push(Buffer.from(buf.subarray(start, end)));
      return;
    }
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
    this.held = [];
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
      readOnly: this.readOnlyByte === undefined ? undefined : false,
    });
    w.endFrame(mark);
    this.sent();
    if (!session) {
      this.flush();
      return this.close();
    }
    const held = this.held ?? [];
    this.held = null;
    for (const frame of held) {
      if (this.closed) return;
      this.onRequestFrame(frame, 0, frame.length);
    }
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
      sessionId: this.session!.id, xid, type, body, auth: this.auth, clientIp: this.clientIp, conn: this, receivedAtMs: Date.now(),
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
    const w = this.out;
    const mark = w.beginFrame();
    const header = scratchReplyHeader;
    header.xid = xid;
    header.zxid = zxid;
    header.err = err;
    replyHeader.write(w, header);
    if (err === 0 && record) codecOf(record).write(w, value as never);
    w.endFrame(mark);
    this.server.metrics.onResponse(w.pos - mark - 4, xid !== Xid.Ping && xid !== Xid.Auth);
    this.sent();
  }

  /** Writes a reply whose header and body the caller encoded (multi results). */
  replyRaw(frameBody: Uint8Array): void {
    if (this.closed) return;
    const w = this.out;
    w.int(frameBody.length);
    w.raw(frameBody);
    this.server.metrics.onResponse(frameBody.length, true);
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
    if (!this.flushQueued) {
      this.flushQueued = true;
      queueMicrotask(() => this.flush());
    }
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
    else this.out = new JuteWriter(Math.min(Math.max(4096, bytes.length), 1 << 20));
    if (this.socket.writableLength > MAX_UNSENT_BYTES) this.pauseReading('output');
  }

  private pauseReasons = new Set<string>();

  pauseReading(reason: string): void {
    this.pauseReasons.add(reason);
    if (!this.readingPaused) {
      this.readingPaused = true;
      this.socket.pause();
    }
  }

  resumeReading(reason: string): void {
    this.pauseReasons.delete(reason);
    if (this.readingPaused && this.pauseReasons.size === 0 && !this.closed) {
      this.readingPaused = false;
      this.socket.resume();
    }
  }

  private maybeResume(): void {
    if (this.socket.writableLength <= MAX_UNSENT_BYTES) this.resumeReading('output');
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
    clearTimeout(this.sessionlessTimer);
    this.socket.end();
    this.socket.destroySoon?.();
    setTimeout(() => this.socket.destroy(), 1000).unref();
    this.server.connectionClosed(this);
  }
}
