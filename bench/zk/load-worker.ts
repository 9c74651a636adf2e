// One load-generator thread: a share of the sessions, each a raw socket pipelining up to `depth` requests.
// Replies come back in request order per session (ZooKeeper's FIFO guarantee), so in-flight requests sit in
// a ring and each reply is matched to the oldest one; a reply with another xid is a protocol error.
import { connect, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { parentPort, workerData } from 'node:worker_threads';
import { JuteWriter } from '../../src/zookeeper/jute/index.js';
import { Histogram } from './histogram.js';
import { OP_GET_DATA, OPS, NODE_DATA_BYTES, ROOT_PATH, writeNextOp, type PhaseName, type SessionCursor } from './workload.js';
import { getDataLength, readConnectResponse, writeCloseSession, writeConnect } from './zk-frames.js';

export interface WorkerConfig {
  host: string;
  port: number;
  /** When set, session i connects to ports[i % ports.length] (an ensemble's members) instead of `port`. */
  ports?: number[];
  sessionIds: number[];
  depth: number;
  sessionTimeoutMs: number;
}

export type WorkerCommand =
  | { type: 'connect' }
  | { type: 'phase'; name: PhaseName; durationMs: number }
  | { type: 'close' };

export interface OpResult {
  count: number;
  errors: number;
  firstError: number;
  hist: Float64Array;
}

export type WorkerReply =
  | { type: 'connected' }
  | { type: 'phaseDone'; name: PhaseName; elapsedMs: number; ops: OpResult[]; badReplies: number }
  | { type: 'closed' }
  | { type: 'error'; message: string };

const CONNECT_TIMEOUT_MS = 10_000;
/** Time a phase may take past its deadline to drain the requests still in flight. */
const DRAIN_GRACE_MS = 15_000;

const config = workerData as WorkerConfig;
const port = parentPort!;

interface PhaseState {
  name: PhaseName;
  deadline: number;
  startedAt: number;
  hists: Histogram[];
  counts: Float64Array;
  errors: Float64Array;
  firstError: Int32Array;
  badReplies: number;
  running: number;
  timer: NodeJS.Timeout;
}

let phase: PhaseState | null = null;

function fail(message: string): void {
  port.postMessage({ type: 'error', message } satisfies WorkerReply);
}

class Session implements SessionCursor {
  readonly base: string;
  nodes = 0;
  issued = 0;
  sessionId = 0n;
  private socket: Socket | null = null;
  private rx: Buffer | null = null;
  private readonly w = new JuteWriter(64 * 1024);
  private readonly ringXid: Int32Array;
  private readonly ringOp: Uint8Array;
  private readonly ringSentMs: Float64Array;
  private head = 0;
  private tail = 0;
  outstanding = 0;
  private nextXid = 1;
  private exhausted = false;
  private active = false;
  private checkedGetData = false;
  private onConnected: ((err?: Error) => void) | null = null;
  private closeXid = -1;
  private onClosed: (() => void) | null = null;

  constructor(readonly index: number) {
    this.base = `${ROOT_PATH}/s${index}`;
    this.ringXid = new Int32Array(config.depth);
    this.ringOp = new Uint8Array(config.depth);
    this.ringSentMs = new Float64Array(config.depth);
  }

  connect(): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`session ${this.index}: no ConnectResponse within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
      this.onConnected = (err) => {
        clearTimeout(timer);
        this.onConnected = null;
        if (err) reject(err);
        else resolve();
      };
      const socket = connect({ host: config.host, port: config.ports?.length ? config.ports[this.index % config.ports.length]! : config.port, noDelay: true });
      this.socket = socket;
      socket.on('connect', () => {
        writeConnect(this.w, config.sessionTimeoutMs);
        this.flush();
      });
      socket.on('data', (chunk: Buffer) => this.onData(chunk));
      socket.on('error', (err) => this.onSocketGone(err.message));
      socket.on('close', () => this.onSocketGone('closed by the server'));
    });
  }

  private onSocketGone(why: string): void {
    if (this.onConnected) return this.onConnected(new Error(`session ${this.index}: ${why}`));
    if (this.onClosed) return;
    if (this.socket) {
      this.socket = null;
      fail(`session ${this.index} (0x${this.sessionId.toString(16)}): connection lost: ${why}`);
    }
  }

  private flush(): void {
    if (this.w.pos === 0) return;
    // The writer is reused at once, so the socket gets its own copy of the batch.
    this.socket!.write(Buffer.from(this.w.bytes()));
    this.w.reset();
  }

  startPhase(): void {
    this.issued = 0;
    this.exhausted = false;
    this.active = true;
    this.checkedGetData = false;
    this.fill(performance.now());
    this.maybeFinish();
  }

  private fill(nowMs: number): void {
    const p = phase!;
    if (this.exhausted || nowMs >= p.deadline) return;
    while (this.outstanding < config.depth) {
      const xid = this.nextXid;
      const op = writeNextOp(p.name, this, this.w, xid);
      if (op < 0) {
        this.exhausted = true;
        break;
      }
      this.nextXid = (xid + 1) & 0x3fffffff;
      this.issued++;
      const slot = this.head;
      this.ringXid[slot] = xid;
      this.ringOp[slot] = op;
      this.ringSentMs[slot] = nowMs;
      this.head = slot + 1 === config.depth ? 0 : slot + 1;
      this.outstanding++;
    }
    this.flush();
  }

  private maybeFinish(): void {
    if (!this.active || this.outstanding > 0) return;
    if (!this.exhausted && performance.now() < phase!.deadline) return;
    this.active = false;
    if (--phase!.running === 0) finishPhase();
  }

  private onData(chunk: Buffer): void {
    const nowMs = performance.now();
    const buf = this.rx ? Buffer.concat([this.rx, chunk]) : chunk;
    let off = 0;
    while (buf.length - off >= 4) {
      const len = buf.readInt32BE(off);
      if (buf.length - off - 4 < len) break;
      this.onFrame(buf, off + 4, off + 4 + len, nowMs);
      off += 4 + len;
    }
    this.rx = off < buf.length ? buf.subarray(off) : null;
    if (this.active) {
      this.fill(nowMs);
      this.maybeFinish();
    }
  }

  private onFrame(buf: Buffer, start: number, end: number, nowMs: number): void {
    if (this.onConnected) {
      const res = readConnectResponse(buf.subarray(start, end));
      if (res.timeOut <= 0) return this.onConnected(new Error(`session ${this.index}: the server refused the session`));
      this.sessionId = res.sessionId;
      return this.onConnected();
    }
    // ReplyHeader is fixed-size (xid int32, zxid int64, err int32): read in place rather than decoded.
    const xid = buf.readInt32BE(start);
    const err = buf.readInt32BE(start + 12);
    if (xid === this.closeXid) {
      this.onClosed?.();
      return;
    }
    const p = phase;
    if (this.outstanding === 0 || xid !== this.ringXid[this.tail] || !p) {
      if (p) p.badReplies++;
      fail(`session ${this.index}: unexpected reply xid ${xid} (expected ${this.outstanding ? this.ringXid[this.tail] : 'none'})`);
      return;
    }
    const slot = this.tail;
    const op = this.ringOp[slot]!;
    this.tail = slot + 1 === config.depth ? 0 : slot + 1;
    this.outstanding--;
    p.hists[op]!.record((nowMs - this.ringSentMs[slot]!) * 1000);
    p.counts[op]!++;
    if (err !== 0) {
      if (p.errors[op]!++ === 0) p.firstError[op] = err;
    } else if (op === OP_GET_DATA && !this.checkedGetData && p.name !== 'warmup') {
      // One full decode per session and phase checks the server really returns the node's data.
      this.checkedGetData = true;
      const length = getDataLength(buf, start, end);
      if (length !== NODE_DATA_BYTES) fail(`session ${this.index}: getData returned ${length} bytes, expected ${NODE_DATA_BYTES}`);
    }
  }

  close(): Promise<void> {
    const socket = this.socket;
    if (!socket) return Promise.resolve();
    return new Promise((resolve) => {
      const done = () => {
        clearTimeout(timer);
        this.socket = null;
        socket.destroy();
        resolve();
      };
      const timer = setTimeout(done, 5_000);
      this.onClosed = done;
      this.closeXid = this.nextXid;
      writeCloseSession(this.w, this.closeXid);
      this.flush();
    });
  }
}

const sessions = config.sessionIds.map((i) => new Session(i));

function finishPhase(): void {
  const p = phase!;
  clearTimeout(p.timer);
  phase = null;
  const ops: OpResult[] = OPS.map((_, i) => ({ count: p.counts[i]!, errors: p.errors[i]!, firstError: p.firstError[i]!, hist: p.hists[i]!.counts }));
  port.postMessage({ type: 'phaseDone', name: p.name, elapsedMs: performance.now() - p.startedAt, ops, badReplies: p.badReplies } satisfies WorkerReply);
}

function runPhase(name: PhaseName, durationMs: number): void {
  const startedAt = performance.now();
  phase = {
    name,
    startedAt,
    deadline: startedAt + durationMs,
    hists: OPS.map(() => new Histogram()),
    counts: new Float64Array(OPS.length),
    errors: new Float64Array(OPS.length),
    firstError: new Int32Array(OPS.length),
    badReplies: 0,
    running: sessions.length,
    // Sessions still waiting for their last replies past this point are stuck: report rather than hang.
    timer: setTimeout(() => {
      const stuck = sessions.filter((s) => s.outstanding > 0).length;
      fail(`phase ${name}: ${stuck} sessions still waiting for replies ${DRAIN_GRACE_MS} ms after the deadline`);
    }, durationMs + DRAIN_GRACE_MS),
  };
  for (const s of sessions) s.startPhase();
}

port.on('message', (cmd: WorkerCommand) => {
  switch (cmd.type) {
    case 'connect':
      Promise.all(sessions.map((s) => s.connect())).then(
        () => port.postMessage({ type: 'connected' } satisfies WorkerReply),
        (err: Error) => fail(err.message),
      );
      break;
    case 'phase':
      runPhase(cmd.name, cmd.durationMs);
      break;
    case 'close':
      Promise.all(sessions.map((s) => s.close())).then(() => port.postMessage({ type: 'closed' } satisfies WorkerReply));
      break;
  }
});
