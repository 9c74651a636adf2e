// A minimal ZooKeeper client over raw jute frames: the tests see exactly which requests were answered, which
// the server closed on, and can send any bytes they like.
import { connect, type Socket } from 'node:net';
import { decode } from '../../src/zookeeper/jute/codec.js';
import { OpCode, Xid } from '../../src/zookeeper/jute/constants.js';
import { decodeServerFrame, encodeClientFrame, type ClientFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import type { ACL, ConnectResponse, ReplyHeader } from '../../src/zookeeper/jute/records.generated.js';

export interface Reply {
  header: ReplyHeader;
  body: unknown;
}

export interface RawConnectOptions {
  timeoutMs?: number;
  sessionId?: bigint;
  passwd?: Buffer | null;
  lastZxidSeen?: bigint;
  host?: string;
  connectTimeoutMs?: number;
}

export class ConnectionClosedError extends Error {
  readonly code = 'CONNECTION_CLOSED';
}

/** Splits a byte stream into length-prefixed frames. */
export class FrameSplitter {
  private buf: Buffer = Buffer.alloc(0);
  push(chunk: Buffer): Buffer[] {
    this.buf = this.buf.length ? Buffer.concat([this.buf, chunk]) : chunk;
    const frames: Buffer[] = [];
    let pos = 0;
    while (this.buf.length - pos >= 4) {
      const len = this.buf.readInt32BE(pos);
      if (this.buf.length - pos - 4 < len) break;
      frames.push(this.buf.subarray(pos + 4, pos + 4 + len));
      pos += 4 + len;
    }
    this.buf = this.buf.subarray(pos);
    return frames;
  }
}

export function openSocket(port: number, host = '127.0.0.1', timeoutMs = 5000): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect({ port, host, noDelay: true });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error(`connect to ${host}:${port} timed out`));
    }, timeoutMs);
    socket.once('connect', () => {
      clearTimeout(timer);
      socket.off('error', reject);
      resolve(socket);
    });
    socket.once('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
  });
}

export class RawZkClient {
  private readonly splitter = new FrameSplitter();
  private readonly pending = new Map<number, { type: number; resolve: (r: Reply) => void; reject: (e: Error) => void }>();
  private nextXid = 1;
  private handshake: { resolve: (r: ConnectResponse) => void; reject: (e: Error) => void } | null = null;
  closed = false;
  readonly closedPromise: Promise<void>;
  /** Replies to xids nobody asked for, and notifications. */
  readonly unsolicited: Reply[] = [];
  sessionId = 0n;
  passwd: Buffer = Buffer.alloc(16);
  negotiatedTimeoutMs = 0;

  private constructor(readonly socket: Socket) {
    let onClosed!: () => void;
    this.closedPromise = new Promise((r) => (onClosed = r));
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('error', () => {});
    socket.on('close', () => {
      this.closed = true;
      const err = new ConnectionClosedError('connection closed by the server');
      this.handshake?.reject(err);
      this.handshake = null;
      for (const p of this.pending.values()) p.reject(err);
      this.pending.clear();
      onClosed();
    });
  }

  /** Connects and completes the handshake; a ConnectResponse with timeOut 0 (session expired) rejects. */
  static async connect(port: number, opts: RawConnectOptions = {}): Promise<RawZkClient> {
    const socket = await openSocket(port, opts.host, opts.connectTimeoutMs);
    const client = new RawZkClient(socket);
    const resp = await client.sendConnect(opts);
    if (resp.timeOut <= 0) {
      client.destroy();
      throw new Error(`session 0x${(opts.sessionId ?? 0n).toString(16)} refused (expired or bad password)`);
    }
    return client;
  }

  private sendConnect(opts: RawConnectOptions): Promise<ConnectResponse> {
    const frame: ClientFrame = {
      kind: 'connect',
      req: {
        protocolVersion: 0,
        lastZxidSeen: opts.lastZxidSeen ?? 0n,
        timeOut: opts.timeoutMs ?? 30_000,
        sessionId: opts.sessionId ?? 0n,
        passwd: opts.passwd ?? Buffer.alloc(16),
        readOnly: false,
      },
    };
    return new Promise((resolve, reject) => {
      this.handshake = {
        resolve: (r) => {
          this.sessionId = r.sessionId;
          this.passwd = Buffer.from(r.passwd ?? Buffer.alloc(16));
          this.negotiatedTimeoutMs = r.timeOut;
          resolve(r);
        },
        reject,
      };
      this.socket.write(encodeClientFrame(frame));
    });
  }

  private onData(chunk: Buffer): void {
    for (const payload of this.splitter.push(chunk)) {
      if (this.handshake) {
        const h = this.handshake;
        this.handshake = null;
        const frame = decodeServerFrame(payload, true, () => undefined);
        if (frame.kind === 'connect') h.resolve(frame.resp);
        continue;
      }
      let frame: ReturnType<typeof decodeServerFrame>;
      try {
        frame = decodeServerFrame(payload, false, (xid) => this.pending.get(xid)?.type);
      } catch {
        // A reply this client cannot decode (it did not send that request): keep the raw bytes.
        this.unsolicited.push({ header: decode('ReplyHeader', payload), body: Buffer.from(payload) });
        continue;
      }
      if (frame.kind !== 'reply') continue;
      const p = this.pending.get(frame.header.xid);
      if (!p) {
        this.unsolicited.push(frame);
        continue;
      }
      this.pending.delete(frame.header.xid);
      p.resolve(frame);
    }
  }

  /** Sends one request; resolves with its reply (whatever the error code), rejects if the connection closes first. */
  request(type: number, body: unknown): Promise<Reply> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('connection already closed'));
    const xid = this.nextXid++;
    const p = new Promise<Reply>((resolve, reject) => this.pending.set(xid, { type, resolve, reject }));
    this.socket.write(encodeClientFrame({ kind: 'request', header: { xid, type }, body }));
    return p;
  }

  /** Requests whose replies carry a fixed xid (ping -2, auth -4), as clients send them. */
  private special(xid: number, type: number, body: unknown): Promise<Reply> {
    if (this.closed) return Promise.reject(new ConnectionClosedError('connection already closed'));
    const p = new Promise<Reply>((resolve, reject) => this.pending.set(xid, { type, resolve, reject }));
    this.socket.write(encodeClientFrame({ kind: 'request', header: { xid, type }, body }));
    return p;
  }

  ping(): Promise<Reply> {
    return this.special(Xid.Ping, OpCode.ping, undefined);
  }

  /** addauth: e.g. auth('digest', 'user:password'); resolves with err 0 or rejects when the server closes (auth failed). */
  auth(scheme: string, credentials: string): Promise<Reply> {
    return this.special(Xid.Auth, OpCode.auth, { type: 0, scheme, auth: Buffer.from(credentials) });
  }

  /** Sends closeSession and waits for the server to close the connection. */
  async closeSession(): Promise<void> {
    if (this.closed) return;
    await this.request(OpCode.closeSession, undefined).catch(() => {});
    this.socket.end();
    await this.closedPromise;
  }

  /** Drops the TCP connection without closing the session. */
  destroy(): void {
    this.socket.destroy();
  }
}

export const OPEN_ACL: ACL[] = [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }];

export function createBody(path: string, data: Buffer | null, flags = 0, acl = OPEN_ACL) {
  return { path, data, acl, flags };
}
