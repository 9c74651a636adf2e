// One TCP connection to one server: the connect handshake, length-prefixed framing, the FIFO of outstanding
// requests matched by xid, pings when idle and the read timeout (Java's ClientCnxnSocketNIO + SendThread timing).
import { connect, type Socket } from 'node:net';
import { codecOf } from '../jute/codec.js';
import { OpCode, Xid } from '../jute/constants.js';
import { JuteReader } from '../jute/reader.js';
import { JuteWriter } from '../jute/writer.js';
import { encodeMultiRequest, MULTI_OPS, REQUEST_RECORD, type MultiOp } from '../jute/protocol-frames.js';
import type { ConnectRequest, ConnectResponse, WatcherEvent } from '../jute/records.generated.js';

/** A request on its way to the server; `complete` is called exactly once. */
export interface Outgoing {
  opcode: number;
  /** The op's request record, MultiOp[] for multi/multiRead, undefined when it has none. */
  body: unknown;
  /** Set when written (Java assigns xids at send time). */
  xid: number;
  /** `r` is positioned at the response body when err is 0; null when the request never got a reply. */
  complete(err: number, zxid: bigint, r: JuteReader | null): void;
}

export interface ConnectionHandlers {
  onNotification(event: WatcherEvent): void;
  onAuthReply(err: number): void;
  /** zxid of an ordinary reply, when > 0 (Java's lastZxid). */
  onZxid(zxid: bigint): void;
  /** After replies freed room under the outstanding cap. */
  onDrain(): void;
  onClose(reason: Error): void;
}

export interface OpenOptions {
  host: string;
  port: number;
  /** For TCP connect and handshake together. */
  timeoutMs: number;
  maxPacketBytes: number;
  request: ConnectRequest;
  /** The session's xid counter: Java numbers requests per session, across connections. */
  nextXid: () => number;
  signal?: AbortSignal;
  onTcpConnected?: () => void;
}

/** Java's MAX_SEND_PING_INTERVAL. */
const MAX_SEND_PING_INTERVAL_MS = 10_000;

const requestHeader = codecOf('RequestHeader');
const replyHeader = codecOf('ReplyHeader');
const watcherEvent = codecOf('WatcherEvent');
const connectRequest = codecOf('ConnectRequest');
const connectResponse = codecOf('ConnectResponse');

export class ConnectionError extends Error {
  override readonly name = 'ConnectionError';
}

/** Java's ping schedule: at readTimeout/2 of idle sending, a second earlier once idle over 1 s, at most every 10 s. */
export function msUntilPing(idleSendMs: number, readTimeoutMs: number): number {
  if (idleSendMs > MAX_SEND_PING_INTERVAL_MS) return 0;
  const due = readTimeoutMs / 2 - idleSendMs - (idleSendMs > 1000 ? 1000 : 0);
  if (due <= 0) return 0;
  // Wake at the 1 s step too, where the formula jumps.
  return idleSendMs < 1000 ? Math.min(due, 1000 - idleSendMs + 1) : Math.min(due, MAX_SEND_PING_INTERVAL_MS - idleSendMs + 1);
}

export class ClientConnection {
  readonly remote: string;
  private handlers: ConnectionHandlers | null = null;
  private readonly writer = new JuteWriter(1024);
  private flushScheduled = false;
  private readonly pending: Outgoing[] = [];
  private pendingHead = 0;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private closed = false;
  private closeReason: Error | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readTimeoutMs = 0;
  private lastSendMs = performance.now();
  private lastRecvMs = performance.now();
  private handshake: ((frame: Buffer | Error) => void) | null = null;

  private constructor(
    private readonly socket: Socket,
    private readonly maxPacketBytes: number,
    private readonly nextXid: () => number,
    host: string,
    port: number,
  ) {
    this.remote = `${host}:${port}`;
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', (err) => this.close(err));
    socket.on('close', () => this.close(new ConnectionError(`connection to ${this.remote} closed by the server`)));
  }

  /** Connects, sends the ConnectRequest and resolves with the server's ConnectResponse. */
  static open(opts: OpenOptions): Promise<{ conn: ClientConnection; response: ConnectResponse }> {
    return new Promise((resolve, reject) => {
      if (opts.signal?.aborted) return reject(new ConnectionError('aborted'));
      const socket = connect({ host: opts.host, port: opts.port, noDelay: true });
      const conn = new ClientConnection(socket, opts.maxPacketBytes, opts.nextXid, opts.host, opts.port);
      const fail = (err: Error) => {
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        conn.close(err);
        reject(err);
      };
      const onAbort = () => fail(new ConnectionError('aborted'));
      const timer = setTimeout(() => fail(new ConnectionError(`no session established with ${conn.remote} within ${opts.timeoutMs} ms`)), opts.timeoutMs);
      opts.signal?.addEventListener('abort', onAbort, { once: true });
      conn.handshake = (frame) => {
        if (frame instanceof Error) return fail(frame);
        clearTimeout(timer);
        opts.signal?.removeEventListener('abort', onAbort);
        let response: ConnectResponse;
        try {
          response = connectResponse.read(new JuteReader(frame));
        } catch (err) {
          return fail(new ConnectionError(`bad ConnectResponse from ${conn.remote}: ${(err as Error).message}`));
        }
        resolve({ conn, response });
      };
      socket.once('connect', () => {
        opts.onTcpConnected?.();
        const mark = conn.writer.beginFrame();
        connectRequest.write(conn.writer, opts.request);
        conn.writer.endFrame(mark);
        conn.flush();
      });
    });
  }

  /** Starts handling replies and events (including any that came right after the ConnectResponse) and the timers. */
  activate(handlers: ConnectionHandlers, readTimeoutMs: number): void {
    this.handlers = handlers;
    this.readTimeoutMs = readTimeoutMs;
    this.lastRecvMs = this.lastSendMs = performance.now();
    if (this.closed) {
      handlers.onClose(this.closeReason!);
      return;
    }
    this.drainFrames();
    this.arm();
  }

  get outstanding(): number {
    return this.pending.length - this.pendingHead;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Writes an ordinary request with the next xid and expects its reply in FIFO order. */
  send(req: Outgoing): void {
    req.xid = this.nextXid();
    this.writeRequest(req.xid, req.opcode, req.body);
    this.pending.push(req);
  }

  /** Ping or auth: fixed xid, not in the FIFO (the server answers them out of band). */
  sendSpecial(xid: number, opcode: number, body: unknown): void {
    this.writeRequest(xid, opcode, body);
  }

  private writeRequest(xid: number, opcode: number, body: unknown): void {
    const w = this.writer;
    const mark = w.beginFrame();
    requestHeader.write(w, { xid, type: opcode });
    if (MULTI_OPS[opcode]) encodeMultiRequest(w, body as MultiOp[]);
    else {
      const name = REQUEST_RECORD[opcode];
      if (name) codecOf(name).write(w, body as never);
    }
    w.endFrame(mark);
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Requests issued in the same turn of the event loop leave in one write.
      setImmediate(() => this.flush());
    }
  }

  private flush(): void {
    this.flushScheduled = false;
    const w = this.writer;
    if (w.pos === 0 || this.closed) return;
    const out = Buffer.allocUnsafe(w.pos);
    w.buf.copy(out, 0, 0, w.pos);
    w.reset();
    this.lastSendMs = performance.now();
    this.socket.write(out);
  }

  /** The requests still waiting for a reply, in order; the connection forgets them. */
  takePending(): Outgoing[] {
    const out = this.pending.slice(this.pendingHead);
    this.pending.length = 0;
    this.pendingHead = 0;
    return out;
  }

  close(reason: Error): void {
    if (this.closed) return;
    this.closed = true;
    this.closeReason = reason;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.socket.destroy();
    if (this.handshake) {
      const h = this.handshake;
      this.handshake = null;
      h(reason);
    }
    this.handlers?.onClose(reason);
  }

  private arm(): void {
    if (this.closed) return;
    const now = performance.now();
    const idleRecv = now - this.lastRecvMs;
    if (idleRecv >= this.readTimeoutMs) {
      this.close(new ConnectionError(`Client session timed out, have not heard from server in ${Math.round(idleRecv)}ms`));
      return;
    }
    let untilPing = msUntilPing(now - this.lastSendMs, this.readTimeoutMs);
    if (untilPing === 0) {
      this.sendSpecial(Xid.Ping, OpCode.ping, undefined);
      this.lastSendMs = now; // as Java: counted as sent when queued
      untilPing = msUntilPing(0, this.readTimeoutMs);
    }
    const wait = Math.max(1, Math.min(this.readTimeoutMs - idleRecv, untilPing));
    this.timer = setTimeout(() => this.arm(), wait);
    this.timer.unref();
  }

  private onData(chunk: Buffer): void {
    this.lastRecvMs = performance.now();
    this.chunks.push(chunk);
    this.buffered += chunk.length;
    if (this.handshake) {
      const frame = this.nextFrame();
      if (frame) {
        const h = this.handshake;
        this.handshake = null;
        h(frame);
      }
      return;
    }
    if (this.handlers) this.drainFrames();
  }

  /** The next whole frame's payload, or null; closes the connection on an impossible length. */
  private nextFrame(): Buffer | null {
    if (this.buffered < 4) return null;
    let head = this.chunks[0];
    if (head.length < 4) {
      head = Buffer.concat(this.chunks);
      this.chunks = [head];
    }
    const len = head.readInt32BE(0);
    if (len < 0 || len >= this.maxPacketBytes) {
      this.close(new ConnectionError(`Packet len ${len} is out of range!`));
      return null;
    }
    if (this.buffered < len + 4) return null;
    if (head.length < len + 4) {
      head = Buffer.concat(this.chunks, this.buffered);
      this.chunks = [head];
    }
    const frame = head.subarray(4, 4 + len);
    this.buffered -= len + 4;
    if (head.length === len + 4) this.chunks.shift();
    else this.chunks[0] = head.subarray(len + 4);
    return frame;
  }

  private drainFrames(): void {
    const before = this.outstanding;
    while (!this.closed) {
      const frame = this.nextFrame();
      if (!frame) break;
      try {
        this.handleFrame(frame);
      } catch (err) {
        this.close(err instanceof Error ? err : new ConnectionError(String(err)));
      }
    }
    if (!this.closed && this.outstanding < before) this.handlers!.onDrain();
  }

  private handleFrame(frame: Buffer): void {
    const r = new JuteReader(frame);
    const header = replyHeader.read(r);
    const handlers = this.handlers!;
    switch (header.xid) {
      case Xid.Ping:
        return;
      case Xid.Auth:
        handlers.onAuthReply(header.err);
        return;
      case Xid.Notification:
        handlers.onNotification(watcherEvent.read(r));
        return;
    }
    if (this.pendingHead === this.pending.length) throw new ConnectionError(`Nothing in the queue, but got ${header.xid}`);
    const req = this.pending[this.pendingHead];
    // The head stays queued on a mismatch: it fails with the others when the connection closes.
    if (req.xid !== header.xid) {
      throw new ConnectionError(`Xid out of order. Got Xid ${header.xid} with err ${header.err} expected Xid ${req.xid}`);
    }
    this.pending[this.pendingHead++] = undefined as unknown as Outgoing;
    if (this.pendingHead === this.pending.length) {
      this.pending.length = 0;
      this.pendingHead = 0;
    } else if (this.pendingHead > 1024 && this.pendingHead * 2 > this.pending.length) {
      this.pending.splice(0, this.pendingHead);
      this.pendingHead = 0;
    }
    if (header.zxid > 0n) handlers.onZxid(header.zxid);
    req.complete(header.err, header.zxid, header.err === 0 ? r : null);
  }
}
