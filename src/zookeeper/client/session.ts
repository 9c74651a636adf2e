// The session across connections (Java's ClientCnxn.SendThread): pick a host, handshake, re-send auth and
// watches, send queued requests under the outstanding cap, fail everything on a lost link, reconnect with the
// same session id and password, and report the states Java reports.
import { Err, OpCode, Xid } from '../jute/constants.js';
import type { ConnectResponse, WatcherEvent } from '../jute/records.generated.js';
import { sendFourLetterWord } from '../../cli/four-letter-word.js';
import { ClientConnection, ConnectionError, type Outgoing } from './connection.js';
import type { HostAddress, HostProvider } from './connect-string.js';
import { errorFromCode } from './errors.js';
import type { SetWatchesPacket } from './watch-registry.js';
import type { KeeperStateName } from './watched-event.js';

/** Java's ZooKeeper.States. */
export type ClientState = 'CONNECTING' | 'CONNECTED' | 'CONNECTEDREADONLY' | 'CLOSED' | 'AUTH_FAILED';

export interface SessionOptions {
  sessionTimeoutMs: number;
  canBeReadOnly: boolean;
  /** Resume this session instead of creating one. */
  sessionId?: bigint;
  sessionPassword?: Buffer;
  maxOutstandingRequests: number;
  maxPacketBytes: number;
  /** Pause after every host has been tried in turn (Java: 1000). */
  spinDelayMs: number;
  /** Upper bound of the random pause before each reconnect (Java: 1000). */
  reconnectJitterMs: number;
  random: () => number;
}

export interface SessionHooks {
  onState(state: KeeperStateName): void;
  onNotification(event: WatcherEvent): void;
  /** The setWatches packets to send on a new connection (empty when nothing is watched). */
  watchPackets(relativeZxid: bigint): SetWatchesPacket[];
}

interface AuthEntry {
  scheme: string;
  auth: Buffer;
  waiters: { resolve(): void; reject(err: Error): void }[];
}

const PASSWORD_BYTES = 16;
/** ClientCnxn's minPingRwTimeout and maxPingRwTimeout: the read-only client's probe interval doubles between them. */
export const MIN_PING_RW_TIMEOUT_MS = 100;
export const MAX_PING_RW_TIMEOUT_MS = 60_000;
/** pingRwServer's connect and read timeout. */
const PING_RW_SOCKET_TIMEOUT_MS = 1000;
/** How long a client without a session yet retries quickly, and the bound on its pauses meanwhile: 10 ms doubling to 100. */
const STARTUP_MS = 5000;
const STARTUP_PAUSE_MS = 10;
const STARTUP_PAUSE_CAP_MS = 100;

export interface ReconnectPause {
  /** Attempts made so far (0 before the first). */
  attempt: number;
  /** A connection has been accepted before (Java's isFirstConnect is false): jitter applies. */
  connectedBefore: boolean;
  /** No session yet, within STARTUP_MS of the client's start. */
  early: boolean;
  /** The host provider's pause (spinDelay after a pass over every host, else 0). */
  spinMs: number;
  /** reconnectJitterMs, and a draw in [0, 1) from the client's random(). */
  jitterMs: number;
  random: number;
}

/**
 * The pause before a connection attempt. Java's: the host provider's spin, plus a random jitter once a connection has
 * been accepted before. Early (see run()), both are capped by a bound of 10 ms that doubles with each attempt to 100.
 */
export function reconnectPauseMs(p: ReconnectPause): number {
  const bound = p.early ? Math.min(STARTUP_PAUSE_CAP_MS, STARTUP_PAUSE_MS * 2 ** p.attempt) : Number.POSITIVE_INFINITY;
  const jitter = p.connectedBefore ? Math.floor(p.random * Math.min(p.jitterMs, bound)) : 0;
  return Math.min(p.spinMs, bound) + jitter;
}

export class Session {
  state: ClientState = 'CONNECTING';
  sessionId: bigint;
  password: Buffer;
  negotiatedTimeoutMs = 0;
  lastZxid = 0n;
  server: HostAddress | null = null;
  readonly done: Promise<void>;

  private conn: ClientConnection | null = null;
  private queue: Outgoing[] = [];
  private queueHead = 0;
  private readonly auth: AuthEntry[] = [];
  /** Auth packets sent on the current connection, answered in order. */
  private authSent: AuthEntry[] = [];
  private closing = false;
  private seenRwServerBefore = false;
  /** A server has given this client a session (any: reconnects after that pause as Java's do). */
  private hadSession = false;
  private connectTimeoutMs: number;
  private xid = 1;
  /** Read-only: the pause before the next `isro` probe of another server (pingRwTimeout). */
  private pingRwTimeoutMs = MIN_PING_RW_TIMEOUT_MS;
  /** A read-write server a probe found: the next connection goes there (rwServerAddress). */
  private rwServer: HostAddress | null = null;
  private readonly abort = new AbortController();

  constructor(
    private readonly hosts: HostProvider,
    private readonly opts: SessionOptions,
    private readonly hooks: SessionHooks,
  ) {
    this.sessionId = opts.sessionId ?? 0n;
    this.password = opts.sessionPassword ?? Buffer.alloc(PASSWORD_BYTES);
    // A resumed session is taken as valid, as Java does when given an id and password.
    this.seenRwServerBefore = this.sessionId !== 0n;
    this.connectTimeoutMs = Math.floor(opts.sessionTimeoutMs / hosts.size);
    this.abort.signal.addEventListener('abort', () => this.conn?.close(new Error('client closed')), { once: true });
    this.done = this.run();
  }

  get alive(): boolean {
    return this.state !== 'CLOSED' && this.state !== 'AUTH_FAILED';
  }

  get connected(): boolean {
    return this.state === 'CONNECTED' || this.state === 'CONNECTEDREADONLY';
  }

  /** The error code for requests that cannot be sent or answered, as Java's conLossPacket picks it. */
  private lossCode(): number {
    if (this.state === 'AUTH_FAILED') return Err.AUTHFAILED;
    if (this.state === 'CLOSED') return Err.SESSIONEXPIRED;
    return Err.CONNECTIONLOSS;
  }

  submit(req: Outgoing): void {
    if (!this.alive || this.closing) {
      req.complete(this.lossCode(), 0n, null);
      return;
    }
    this.queue.push(req);
    this.pump();
  }

  get outstanding(): number {
    return (this.conn?.outstanding ?? 0) + this.queue.length - this.queueHead;
  }

  private pump(): void {
    const conn = this.conn;
    if (!conn || !this.connected) return;
    const max = this.opts.maxOutstandingRequests;
    while (this.queueHead < this.queue.length && conn.outstanding < max) {
      const req = this.queue[this.queueHead];
      this.queue[this.queueHead++] = undefined as unknown as Outgoing;
      conn.send(req);
    }
    if (this.queueHead === this.queue.length) {
      this.queue = [];
      this.queueHead = 0;
    }
  }

  addAuth(scheme: string, auth: Buffer): Promise<void> {
    if (!this.alive) return Promise.reject(errorFromCode(this.lossCode()));
    return new Promise((resolve, reject) => {
      const entry: AuthEntry = { scheme, auth, waiters: [{ resolve, reject }] };
      this.auth.push(entry);
      if (this.conn && this.connected) this.sendAuth(this.conn, entry);
    });
  }

  private sendAuth(conn: ClientConnection, entry: AuthEntry): void {
    conn.sendSpecial(Xid.Auth, OpCode.auth, { type: 0, scheme: entry.scheme, auth: entry.auth });
    this.authSent.push(entry);
  }

  /** closeSession and wait for its reply (or the link to drop), then stop. Resolves at once if already closed. */
  close(): Promise<void> {
    if (!this.alive || this.closing) return this.done;
    if (this.connected) {
      const closeRequest = new Promise<void>((resolve) => {
        this.submit({ opcode: OpCode.closeSession, body: undefined, xid: 0, complete: () => resolve() });
      });
      this.closing = true;
      void closeRequest.then(() => this.abort.abort());
    } else {
      this.closing = true;
      this.abort.abort();
    }
    return this.done;
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const signal = this.abort.signal;
      if (ms <= 0 || signal.aborted) return resolve();
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        resolve();
      }
      signal.addEventListener('abort', done, { once: true });
    });
  }

  private async run(): Promise<void> {
    let firstConnect = true;
    // For STARTUP_MS, until its first session, a client retries after 10 ms, then 20, up to 100: started with its
    // ensemble (a broker in a fresh cluster), it finds servers that accept connections but do not serve until they have
    // a leader, and Java's pauses (spin and jitter, up to a second each) would keep it waiting long after they do.
    // Then, and once it has had a session, every pause is Java's, which spreads out clients reconnecting at once.
    const startedAt = Date.now();
    let attempt = 0;
    while (this.alive && !this.closing) {
      const rw = this.rwServer;
      this.rwServer = null;
      const next = rw ? { ...rw, delayMs: 0 } : this.hosts.next(this.opts.spinDelayMs);
      const early = !this.hadSession && Date.now() - startedAt < STARTUP_MS;
      const random = firstConnect ? 0 : this.opts.random();
      await this.sleep(reconnectPauseMs({ attempt: attempt++, connectedBefore: !firstConnect, early, spinMs: next.delayMs, jitterMs: this.opts.reconnectJitterMs, random }));
      if (!this.alive || this.closing) break;
      this.state = 'CONNECTING';
      this.server = { host: next.host, port: next.port };
      let opened: { conn: ClientConnection; response: ConnectResponse };
      try {
        opened = await ClientConnection.open({
          host: next.host,
          port: next.port,
          timeoutMs: this.connectTimeoutMs,
          maxPacketBytes: this.opts.maxPacketBytes,
          request: {
            protocolVersion: 0,
            lastZxidSeen: this.lastZxid,
            timeOut: this.opts.sessionTimeoutMs,
            sessionId: this.seenRwServerBefore ? this.sessionId : 0n,
            passwd: this.password,
            readOnly: this.opts.canBeReadOnly,
          },
          nextXid: () => this.nextXid(),
          signal: this.abort.signal,
          onTcpConnected: () => (firstConnect = false),
        });
      } catch {
        this.linkLost();
        continue;
      }
      const { conn, response } = opened;
      if (this.closing) {
        conn.close(new Error('closing'));
        break;
      }
      if (response.timeOut <= 0) {
        this.state = 'CLOSED';
        conn.close(new Error('session expired'));
        this.hooks.onState('Expired');
        break;
      }
      const closed = new Promise<void>((resolve) => this.onConnected(conn, response, resolve));
      await closed;
      this.linkLost();
    }
    this.finish();
  }

  /** Positive xids only, 1 after Integer.MAX_VALUE (the negative ones are special). */
  private nextXid(): number {
    if (this.xid === 0x7fffffff) this.xid = 1;
    return this.xid++;
  }

  private onConnected(conn: ClientConnection, response: ConnectResponse, onClose: () => void): void {
    const timeoutMs = response.timeOut;
    const readOnly = response.readOnly === true;
    this.negotiatedTimeoutMs = timeoutMs;
    this.hadSession = true;
    this.connectTimeoutMs = Math.floor(timeoutMs / this.hosts.size);
    this.hosts.onConnected();
    this.sessionId = response.sessionId;
    if (response.passwd) this.password = Buffer.from(response.passwd);
    this.state = readOnly ? 'CONNECTEDREADONLY' : 'CONNECTED';
    this.seenRwServerBefore ||= !readOnly;
    this.conn = conn;
    this.authSent = [];
    conn.activate(
      {
        onNotification: (event) => this.hooks.onNotification(event),
        onAuthReply: (err) => this.onAuthReply(err),
        onZxid: (zxid) => (this.lastZxid = zxid),
        onDrain: () => this.pump(),
        onClose: () => onClose(),
      },
      Math.floor((timeoutMs * 2) / 3),
    );
    if (conn.isClosed) return;
    // Java's order: auth, then watches, then whatever was queued meanwhile.
    for (const entry of this.auth) this.sendAuth(conn, entry);
    for (const packet of this.hooks.watchPackets(this.lastZxid)) {
      conn.send({ opcode: packet.opcode, body: packet.record, xid: 0, complete: () => {} });
    }
    this.pump();
    this.hooks.onState(readOnly ? 'ConnectedReadOnly' : 'SyncConnected');
    if (readOnly) this.probeForRwServer(conn);
  }

  /**
   * ClientCnxn.pingRwServer: while connected read-only, ask the next server of the list `isro` after a pause that
   * doubles from 100 ms up to 60 s; one answering `rw` ends this connection and the session reconnects there.
   */
  private probeForRwServer(conn: ClientConnection): void {
    const probe = async () => {
      if (this.conn !== conn || conn.isClosed) return;
      const next = this.hosts.next(0);
      const answer = await sendFourLetterWord(next.host, next.port, 'isro', PING_RW_SOCKET_TIMEOUT_MS).catch(() => null);
      if (this.conn !== conn || conn.isClosed) return;
      if (answer === 'rw') {
        this.pingRwTimeoutMs = MIN_PING_RW_TIMEOUT_MS;
        this.rwServer = { host: next.host, port: next.port };
        conn.close(new ConnectionError(`Majority server found at ${next.host}:${next.port}`));
        return;
      }
      schedule();
    };
    const schedule = () => {
      const wait = this.pingRwTimeoutMs;
      this.pingRwTimeoutMs = Math.min(2 * this.pingRwTimeoutMs, MAX_PING_RW_TIMEOUT_MS);
      setTimeout(() => void probe(), wait).unref();
    };
    schedule();
  }

  private onAuthReply(err: number): void {
    const entry = this.authSent.shift();
    if (err === 0) {
      if (entry) for (const w of entry.waiters.splice(0)) w.resolve();
      return;
    }
    if (err === Err.AUTHFAILED) {
      this.state = 'AUTH_FAILED';
      this.hooks.onState('AuthFailed');
      this.conn?.close(new Error('auth failed'));
      return;
    }
    if (entry) for (const w of entry.waiters.splice(0)) w.reject(errorFromCode(err));
  }

  /** The link is gone (or never came up): fail what was sent and what waits, as Java's cleanup() does. */
  private linkLost(): void {
    const wasConnected = this.connected;
    const failed = this.conn ? this.conn.takePending() : [];
    this.conn?.close(new Error('link lost'));
    this.conn = null;
    this.authSent = [];
    if (this.alive) this.state = 'CONNECTING';
    this.failAll(failed);
    if (wasConnected && this.alive && !this.closing) this.hooks.onState('Disconnected');
  }

  private failAll(sent: Outgoing[]): void {
    const waiting = this.queue.slice(this.queueHead);
    this.queue = [];
    this.queueHead = 0;
    const code = this.lossCode();
    for (const req of sent) req.complete(code, 0n, null);
    for (const req of waiting) req.complete(code, 0n, null);
  }

  private finish(): void {
    if (this.alive) this.state = 'CLOSED';
    const sent = this.conn ? this.conn.takePending() : [];
    this.conn?.close(new Error('client closed'));
    this.conn = null;
    this.failAll(sent);
    const authError = errorFromCode(this.lossCode());
    for (const entry of this.auth) for (const w of entry.waiters.splice(0)) w.reject(authError);
    this.hooks.onState('Closed');
  }
}
