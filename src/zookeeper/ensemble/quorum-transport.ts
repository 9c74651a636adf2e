// The quorum port: the leader listens, learners dial it. QuorumPackets go back to back with no length prefix;
// a SNAP packet from the leader is followed on the stream by the snapshot body (snap-stream.ts).
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { performance } from 'node:perf_hooks';
import { PacketType } from '../quorum/wire/packet-types.js';
import { decodeQuorumPacket, encodeQuorumPacket, fromQuorumPacket, toQuorumPacket } from '../quorum/wire/quorum-packet.js';
import type { ZabMessage } from '../quorum/wire/zab-messages.js';
import { SnapBodyReader } from './snap-stream.js';
import type { PeerAddress } from './election-transport.js';

/** Parses the packets arriving on one socket and hands each on as a ZAB message. */
class PacketReader {
  private buf: Buffer = Buffer.alloc(0);
  private snapPending: Extract<ZabMessage, { type: PacketType.SNAP }> | null = null;
  private snapReader: SnapBodyReader | null = null;

  constructor(
    private readonly fromLeader: boolean,
    private readonly maxDataBytes: number,
    private readonly onMessage: (m: ZabMessage) => void,
  ) {}

  /** Throws on a malformed packet (the caller closes the connection). */
  push(chunk: Buffer): void {
    this.buf = this.buf.length === 0 ? chunk : Buffer.concat([this.buf, chunk]);
    for (;;) {
      if (this.snapPending) {
        const body = this.snapReader!.push(this.buf);
        this.buf = body ? body.rest : Buffer.alloc(0);
        if (!body) return;
        const m = { ...this.snapPending, snapshot: body.body };
        this.snapPending = null;
        this.snapReader = null;
        this.onMessage(m);
        continue;
      }
      const p = decodeQuorumPacket(this.buf, this.maxDataBytes);
      if (!p.done) return;
      this.buf = this.buf.subarray(p.bytesRead);
      const m = fromQuorumPacket(p.packet, this.fromLeader);
      if (m.type === PacketType.SNAP && this.fromLeader) {
        this.snapPending = m;
        this.snapReader = new SnapBodyReader(this.maxDataBytes);
      }
      else this.onMessage(m);
    }
  }
}

/**
 * The bytes of one message. A learner's PING reply always carries a data buffer, empty when no session was
 * touched: Apache's LearnerHandler reads it without a null check.
 */
export function encodeZabMessage(m: ZabMessage, fromLearner: boolean, snapBody?: () => Buffer): Buffer {
  const qp = toQuorumPacket(m);
  if (fromLearner && m.type === PacketType.PING && qp.data === null) qp.data = Buffer.alloc(0);
  const packet = encodeQuorumPacket(qp);
  return m.type === PacketType.SNAP && snapBody ? Buffer.concat([packet, snapBody()]) : packet;
}

/**
 * Writes `bytes`, coalescing every packet written to the socket in the same turn of the event loop into one
 * writev: a leader sends a PROPOSAL and a COMMIT per learner per write, a follower an ACK per logged proposal,
 * and one system call per packet was most of the ensemble's write cost.
 */
function writeCoalesced(socket: Socket, bytes: Buffer): void {
  if (socket.writableCorked === 0) {
    socket.cork();
    process.nextTick(uncork, socket);
  }
  socket.write(bytes);
}

function uncork(socket: Socket): void {
  while (socket.writableCorked > 0) socket.uncork();
}

/** Encoding a SNAP body runs at most this long before the leader's other work gets a turn. */
const STREAM_SLICE_MS = 4;

/** Resolves when the socket can take more, or is gone. */
function drained(socket: Socket): Promise<void> {
  return new Promise((resolve) => {
    const finish = () => {
      socket.off('drain', finish);
      socket.off('close', finish);
      resolve();
    };
    socket.once('drain', finish);
    socket.once('close', finish);
  });
}

export interface LeaderListenerOptions {
  listen: PeerAddress;
  maxDataBytes: number;
  onMessage(from: bigint, m: ZabMessage): void;
  onDisconnected(sid: bigint): void;
  log(line: string): void;
}

/** The leader's side: accepts learners; a learner is known by the sid in its first packet (FOLLOWERINFO). */
export class LeaderListener {
  private server: Server | null = null;
  private readonly learners = new Map<bigint, Socket>();
  private readonly sockets = new Set<Socket>();
  /** Learners being streamed to: what is sent to them meanwhile, in order. */
  private readonly held = new Map<Socket, Buffer[]>();

  constructor(private readonly opts: LeaderListenerOptions) {}

  async start(): Promise<void> {
    const server = createServer({ noDelay: true }, (socket) => this.accept(socket));
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen({ host: this.opts.listen.host, port: this.opts.listen.port }, () => {
        server.off('error', reject);
        resolve();
      });
    });
  }

  private accept(socket: Socket): void {
    this.sockets.add(socket);
    let sid: bigint | null = null;
    const reader = new PacketReader(false, this.opts.maxDataBytes, (m) => {
      if (sid === null) {
        if (m.type !== PacketType.FOLLOWERINFO && m.type !== PacketType.OBSERVERINFO) throw new Error(`first packet of type ${m.type}, not FOLLOWERINFO`);
        sid = m.sid;
        const old = this.learners.get(sid);
        this.learners.set(sid, socket);
        if (old) {
          // The learner reconnected before its old connection's close was seen. The leader must hear of that
          // disconnect before the new FOLLOWERINFO: were it to see a second FOLLOWERINFO from a connected sid, its
          // disconnect of that sid would reach the new connection, and the learner could never join.
          this.opts.onDisconnected(sid);
          old.destroy();
        }
      }
      this.opts.onMessage(sid, m);
    });
    socket.on('data', (chunk: Buffer) => {
      try {
        reader.push(chunk);
      } catch (err) {
        this.opts.log(`Learner connection from ${socket.remoteAddress}:${socket.remotePort}: ${(err as Error).message}; closing`);
        socket.destroy();
      }
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      this.sockets.delete(socket);
      if (sid !== null && this.learners.get(sid) === socket) {
        this.learners.delete(sid);
        this.opts.onDisconnected(sid);
      }
    });
  }

  send(to: bigint, bytes: Buffer): void {
    const socket = this.learners.get(to);
    if (!socket) return;
    const held = this.held.get(socket);
    if (held) held.push(bytes);
    else writeCoalesced(socket, bytes);
  }

  /**
   * Writes `head` and then the chunks as the socket drains, giving the event loop back between slices of
   * encoding (a null chunk is a place to pause), so the leader keeps serving while a learner takes a SNAP.
   * Whatever is sent to that learner meanwhile is held and follows the last chunk, as Apache's LearnerHandler
   * queues the learner's packets until the snapshot is written. `done` reports the body bytes written and
   * whether the stream got to its end (false when the learner went away first).
   */
  stream(to: bigint, head: Buffer, chunks: Iterator<Buffer | null, void>, done: (bodyBytes: number, completed: boolean) => void): void {
    const socket = this.learners.get(to);
    if (!socket || this.held.has(socket)) {
      chunks.return?.();
      return done(0, false);
    }
    const held: Buffer[] = [];
    this.held.set(socket, held);
    void (async () => {
      let bytes = 0;
      let completed = false;
      try {
        socket.write(head);
        let sliceStarted = performance.now();
        for (;;) {
          if (socket.destroyed) break;
          const r = chunks.next();
          if (r.done) {
            completed = true;
            break;
          }
          const chunk = r.value;
          if (chunk === null) {
            if (performance.now() - sliceStarted < STREAM_SLICE_MS) continue;
            await new Promise((resolve) => setImmediate(resolve));
          } else {
            bytes += chunk.length;
            if (!socket.write(chunk)) await drained(socket);
          }
          sliceStarted = performance.now();
        }
      } catch (err) {
        this.opts.log(`Streaming to learner ${to}: ${(err as Error).message}; closing`);
        socket.destroy();
      } finally {
        chunks.return?.();
      }
      this.held.delete(socket);
      if (completed && !socket.destroyed) for (const b of held) socket.write(b);
      done(bytes, completed && !socket.destroyed);
    })();
  }

  disconnect(sid: bigint): void {
    const s = this.learners.get(sid);
    if (!s) return;
    this.learners.delete(sid);
    s.destroy();
  }

  async close(): Promise<void> {
    for (const s of this.sockets) s.destroy();
    this.learners.clear();
    const server = this.server;
    this.server = null;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

export interface LearnerConnectionOptions {
  leader: PeerAddress;
  connectTimeoutMs: number;
  maxDataBytes: number;
  onConnected(): void;
  onMessage(m: ZabMessage): void;
  /** Called once, after a connection that was open closed (not for a failed attempt). */
  onDisconnected(): void;
  log(line: string): void;
}

/** Learner.connectToLeader's pause between attempts (zookeeper.leaderConnectDelayDuringRetryMs, default 100). */
const LEADER_CONNECT_RETRY_MS = 100;
const FIRST_RETRY_MS = 10;

/**
 * The pause before the next attempt after `failures` failed ones in a row: 10 ms, doubling up to Apache's 100 ms. A
 * follower often learns the election's outcome a few milliseconds before its leader listens on the quorum port, and
 * a fixed 100 ms kept such a follower out of a new ensemble for that long.
 */
export function leaderConnectRetryMs(failures: number): number {
  return Math.min(LEADER_CONNECT_RETRY_MS, FIRST_RETRY_MS * 2 ** Math.max(0, failures - 1));
}

/**
 * A learner's connection to its leader. A failed attempt is retried after leaderConnectRetryMs (the leader may not
 * listen yet when its followers learn the election's outcome), until the connection opens or close().
 */
export class LearnerConnection {
  private socket: Socket | null = null;
  private dialing = false;
  private closed = false;
  private retry: NodeJS.Timeout | null = null;
  /** Failed attempts since the last connection opened. */
  private failures = 0;

  constructor(private readonly opts: LearnerConnectionOptions) {}

  connect(): void {
    if (this.closed || this.socket || this.dialing || this.retry) return;
    this.dialing = true;
    const socket = createConnection({ host: this.opts.leader.host, port: this.opts.leader.port, noDelay: true });
    socket.setTimeout(this.opts.connectTimeoutMs);
    const fail = () => {
      if (!this.dialing) return;
      this.dialing = false;
      socket.destroy();
      if (this.closed) return;
      this.retry = setTimeout(() => {
        this.retry = null;
        this.connect();
      }, leaderConnectRetryMs(++this.failures));
    };
    socket.once('timeout', fail);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.off('timeout', fail);
      socket.off('error', fail);
      socket.setTimeout(0);
      this.dialing = false;
      if (this.closed) return void socket.destroy();
      this.failures = 0;
      this.socket = socket;
      const reader = new PacketReader(true, this.opts.maxDataBytes, (m) => this.opts.onMessage(m));
      socket.on('data', (chunk: Buffer) => {
        try {
          reader.push(chunk);
        } catch (err) {
          this.opts.log(`Connection to the leader: ${(err as Error).message}; closing`);
          socket.destroy();
        }
      });
      socket.on('error', () => socket.destroy());
      socket.once('close', () => {
        this.socket = null;
        if (!this.closed) this.opts.onDisconnected();
      });
      this.opts.onConnected();
    });
  }

  send(bytes: Buffer): void {
    if (this.socket) writeCoalesced(this.socket, bytes);
  }

  close(): void {
    this.closed = true;
    if (this.retry) clearTimeout(this.retry);
    this.retry = null;
    this.socket?.destroy();
    this.socket = null;
  }
}
