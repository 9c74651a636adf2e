// The election port (Apache's QuorumCnxManager): one TCP connection per pair of servers, the one dialled by the
// larger sid surviving; a handshake (protocol version, sid, election address) then length-prefixed messages; per
// peer only the newest unsent message is kept, and the last one sent is sent again when a connection is re-made.
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import {
  ElectionWireError, decodeNotification, encodeInitialMessage, encodeNotification, frameElectionMessage, parseElectionFrame,
  parseInitialMessage, type Notification,
} from '../quorum/wire/election-messages.js';

export interface PeerAddress {
  host: string;
  port: number;
}

export interface ElectionTransportOptions {
  mySid: bigint;
  /** Election address of every server, this one included. */
  peers: Map<bigint, PeerAddress>;
  /** Address to listen on (this server's election address). */
  listen: PeerAddress;
  connectTimeoutMs: number;
  /** Dynamic reconfiguration: a server not in the configuration (one about to join) may connect too. */
  acceptUnknown?: boolean;
  onNotification(from: bigint, n: Notification): void;
  onConnected(sid: bigint): void;
  onDisconnected(sid: bigint): void;
  log(line: string): void;
}

interface PeerLink {
  socket: Socket | null;
  dialing: boolean;
  /** Newest message not yet written (capacity one, as Apache's per-peer queue). */
  queued: Buffer | null;
  lastSent: Buffer | null;
}

export class ElectionTransport {
  private server: Server | null = null;
  private readonly links = new Map<bigint, PeerLink>();
  private readonly inbound = new Set<Socket>();
  private closed = false;

  constructor(private readonly opts: ElectionTransportOptions) {
    for (const sid of opts.peers.keys()) if (sid !== opts.mySid) this.links.set(sid, { socket: null, dialing: false, queued: null, lastSent: null });
  }

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

  /** A server a reconfig added (or one that dialled in): reachable from now on. */
  addPeer(sid: bigint, addr: PeerAddress | undefined): void {
    if (sid === this.opts.mySid) return;
    if (addr) this.opts.peers.set(sid, addr);
    if (!this.links.has(sid)) this.links.set(sid, { socket: null, dialing: false, queued: null, lastSent: null });
  }

  isConnected(sid: bigint): boolean {
    return this.links.get(sid)?.socket != null;
  }

  send(to: bigint, n: Notification): void {
    if (this.closed) return;
    if (to === this.opts.mySid) {
      const copy = { ...n };
      setImmediate(() => !this.closed && this.opts.onNotification(to, copy));
      return;
    }
    const link = this.links.get(to);
    if (!link) return;
    const frame = frameElectionMessage(encodeNotification(n));
    if (link.socket) this.write(link, frame);
    else {
      link.queued = frame;
      this.connect(to);
    }
  }

  /** Dials every peer that has no connection. */
  connectAll(): void {
    for (const sid of this.links.keys()) this.connect(sid);
  }

  connect(sid: bigint): void {
    const link = this.links.get(sid);
    const addr = this.opts.peers.get(sid);
    if (this.closed || !link || !addr || link.socket || link.dialing) return;
    link.dialing = true;
    const socket = createConnection({ host: addr.host, port: addr.port, noDelay: true });
    socket.setTimeout(this.opts.connectTimeoutMs);
    const fail = () => {
      link.dialing = false;
      socket.destroy();
    };
    socket.once('timeout', fail);
    socket.once('error', fail);
    socket.once('connect', () => {
      socket.setTimeout(0);
      socket.off('timeout', fail);
      const me = this.opts.listen;
      socket.write(encodeInitialMessage(this.opts.mySid, [`${me.host}:${me.port}`]));
      link.dialing = false;
      if (sid > this.opts.mySid) {
        // The larger sid's connection is the one kept: it will dial back.
        socket.end();
        return;
      }
      this.attach(sid, socket, Buffer.alloc(0));
    });
  }

  private accept(socket: Socket): void {
    if (this.closed) return void socket.destroy();
    this.inbound.add(socket);
    socket.once('close', () => this.inbound.delete(socket));
    socket.on('error', () => socket.destroy());
    socket.setTimeout(this.opts.connectTimeoutMs, () => socket.destroy());
    let buf: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      let parsed;
      try {
        parsed = parseInitialMessage(buf);
      } catch (err) {
        this.opts.log(`Election connection from ${socket.remoteAddress}:${socket.remotePort} refused: ${(err as Error).message}`);
        return void socket.destroy();
      }
      if (!parsed.done) return;
      socket.off('data', onData);
      socket.setTimeout(0);
      this.inbound.delete(socket);
      const sid = parsed.message.sid;
      const rest = buf.subarray(parsed.bytesRead);
      if (sid === this.opts.mySid) {
        this.opts.log(`Election connection from a server claiming my own id ${sid}: ignored`);
        return void socket.destroy();
      }
      if (!this.links.has(sid) && this.opts.acceptUnknown) {
        const [host, port] = splitAddress(parsed.message.electionAddresses[0]);
        this.addPeer(sid, host !== undefined && port !== undefined ? { host, port } : undefined);
      }
      if (!this.links.has(sid)) {
        this.opts.log(`Election connection from server ${sid}, which is not in the configuration: closed`);
        return void socket.destroy();
      }
      if (sid < this.opts.mySid) {
        // Only the larger sid's connection survives: close this one and dial back.
        socket.destroy();
        this.connect(sid);
        return;
      }
      this.attach(sid, socket, rest);
    };
    socket.on('data', onData);
  }

  private attach(sid: bigint, socket: Socket, initial: Buffer): void {
    const link = this.links.get(sid)!;
    if (link.socket && link.socket !== socket) link.socket.destroy();
    link.socket = socket;
    socket.setKeepAlive(true);
    let buf: Buffer = initial;
    const drain = () => {
      for (;;) {
        let frame;
        try {
          frame = parseElectionFrame(buf);
        } catch (err) {
          this.opts.log(`Election connection to server ${sid}: ${(err as ElectionWireError).message}; closing`);
          socket.destroy();
          return;
        }
        if (!frame.done) return;
        const n = decodeNotification(frame.payload);
        buf = buf.subarray(frame.bytesRead);
        if (n) this.opts.onNotification(sid, n);
      }
    };
    socket.removeAllListeners('data');
    socket.on('data', (chunk: Buffer) => {
      buf = buf.length === 0 ? chunk : Buffer.concat([buf, chunk]);
      drain();
    });
    socket.on('error', () => socket.destroy());
    socket.once('close', () => {
      if (link.socket !== socket) return;
      link.socket = null;
      if (!this.closed) this.opts.onDisconnected(sid);
    });
    this.opts.onConnected(sid);
    const pending = link.queued ?? link.lastSent;
    link.queued = null;
    if (pending) this.write(link, pending);
    if (buf.length > 0) drain();
  }

  private write(link: PeerLink, frame: Buffer): void {
    link.lastSent = frame;
    link.socket!.write(frame);
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const link of this.links.values()) link.socket?.destroy();
    for (const s of this.inbound) s.destroy();
    const server = this.server;
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()));
  }
}

/** `host:port` or `[v6]:port` from a handshake's address list. */
function splitAddress(text: string | undefined): [string | undefined, number | undefined] {
  if (!text) return [undefined, undefined];
  const at = text.lastIndexOf(':');
  const port = Number(text.slice(at + 1));
  if (at <= 0 || !Number.isInteger(port) || port <= 0 || port > 65535) return [undefined, undefined];
  return [text.slice(0, at).replace(/^\[(.*)\]$/, '$1'), port];
}
