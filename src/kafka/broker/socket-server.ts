// The broker's listeners: one TCP server per configured listener, each connection a KafkaConnection. Limits on
// connections (max.connections, max.connections.per.ip) are checked at accept, as Kafka's Acceptor does.
import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import type { KafkaListener } from '../../config/kafka-listeners.js';
import { ACCEPTOR_LOGGER, SOCKET_SERVER_LOGGER, type BrokerLog } from './broker-log.js';
import { KafkaConnection, type ConnectionLimits } from './connection.js';
import type { Dispatcher } from './dispatcher.js';

export interface SocketServerOptions {
  brokerId: number;
  listeners: readonly KafkaListener[];
  dispatcher: Dispatcher;
  limits: ConnectionLimits;
  /** max.connections: connections past this are closed at accept. */
  maxConnections: number;
  /** max.connections.per.ip */
  maxConnectionsPerIp: number;
  log: BrokerLog;
}

export interface BoundListener {
  name: string;
  /** As configured ('' = every interface). */
  host: string;
  /** The bound port (the configured one, or the one the system chose for port 0). */
  port: number;
}

interface Acceptor {
  listener: KafkaListener;
  server: Server;
  port: number;
}

export class SocketServer {
  private readonly connections = new Set<KafkaConnection>();
  private readonly perIp = new Map<string, number>();
  /** Connections accepted so far, by listener name. */
  private readonly created = new Map<string, number>();
  private nextIndex = 0;
  private stopped = false;
  private readonly logPrefix: string;

  private constructor(private readonly opts: SocketServerOptions, private readonly acceptors: Acceptor[]) {
    this.logPrefix = `[SocketServer listenerType=ZK_BROKER, nodeId=${opts.brokerId}]`;
  }

  /** Binds every listener (all or none: a failed bind closes those already bound) and starts accepting. */
  static async start(opts: SocketServerOptions): Promise<SocketServer> {
    const acceptors: Acceptor[] = [];
    const server = new SocketServer(opts, acceptors);
    try {
      for (const listener of opts.listeners) acceptors.push(await server.bind(listener));
    } catch (err) {
      await Promise.all(acceptors.map((a) => new Promise((resolve) => a.server.close(resolve))));
      throw err;
    }
    for (const a of acceptors) {
      opts.log('INFO', `Awaiting socket connections on ${a.listener.host === '' ? '0.0.0.0' : a.listener.host}:${a.port}.`, ACCEPTOR_LOGGER);
      opts.log('INFO', `${server.logPrefix} Started data-plane acceptor and processor(s) for endpoint : ListenerName(${a.listener.name})`, SOCKET_SERVER_LOGGER);
    }
    return server;
  }

  private bind(listener: KafkaListener): Promise<Acceptor> {
    return new Promise((resolve, reject) => {
      // Accepted paused: a connection's socket is rebuilt to read into its own buffers (direct-read-socket.ts).
      const server = createServer({ pauseOnConnect: true }, (socket) => this.accept(listener, socket));
      server.once('error', (err: NodeJS.ErrnoException) => {
        const where = `${listener.host.includes(':') ? `[${listener.host}]` : listener.host}:${listener.port}`;
        reject(new Error(`Socket server failed to bind to ${where}: ${err.code === 'EADDRINUSE' ? 'Address already in use' : err.message}.`, { cause: err }));
      });
      // An empty host listens on every interface; Node binds `::` dual-stack where IPv6 exists, so a client that
      // resolves localhost to ::1 connects as well as one that resolves it to 127.0.0.1.
      const options = listener.host === '' ? { port: listener.port } : { host: listener.host, port: listener.port };
      server.listen(options, () => {
        server.removeAllListeners('error');
        server.on('error', (err) => this.opts.log('ERROR', `${this.logPrefix} listener ${listener.name}: ${err.message}`, ACCEPTOR_LOGGER));
        resolve({ listener, server, port: (server.address() as AddressInfo).port });
      });
    });
  }

  boundListeners(): BoundListener[] {
    return this.acceptors.map((a) => ({ name: a.listener.name, host: a.listener.host, port: a.port }));
  }

  /** Connections accepted since start, by listener name. */
  connectionsCreated(): ReadonlyMap<string, number> {
    return this.created;
  }

  get connectionCount(): number {
    return this.connections.size;
  }

  /** The open connections (tests look at their state). */
  openConnections(): KafkaConnection[] {
    return [...this.connections];
  }

  private accept(listener: KafkaListener, socket: Socket): void {
    const ip = (socket.remoteAddress ?? '').replace(/^::ffff:/, '');
    if (this.stopped) {
      socket.destroy();
      return;
    }
    if (this.connections.size >= this.opts.maxConnections) {
      this.opts.log('INFO', `${this.logPrefix} Rejected connection from /${ip}: the broker already has the configured maximum of ${this.opts.maxConnections} connections (max.connections).`, ACCEPTOR_LOGGER);
      socket.destroy();
      return;
    }
    const fromIp = this.perIp.get(ip) ?? 0;
    if (fromIp >= this.opts.maxConnectionsPerIp) {
      this.opts.log('INFO', `${this.logPrefix} Rejected connection from /${ip}, address already has the configured maximum of ${this.opts.maxConnectionsPerIp} connections.`, ACCEPTOR_LOGGER);
      socket.destroy();
      return;
    }
    this.perIp.set(ip, fromIp + 1);
    this.created.set(listener.name, (this.created.get(listener.name) ?? 0) + 1);
    const local = `${(socket.localAddress ?? '').replace(/^::ffff:/, '')}:${socket.localPort}`;
    const id = `${local}-${ip}:${socket.remotePort}-${this.nextIndex++}`;
    const conn = new KafkaConnection(socket, id, listener.name, this.opts.dispatcher, this.opts.limits, this.opts.log, this.logPrefix, (c) => {
      if (!this.connections.delete(c)) return;
      const left = (this.perIp.get(ip) ?? 1) - 1;
      if (left <= 0) this.perIp.delete(ip);
      else this.perIp.set(ip, left);
    });
    this.connections.add(conn);
  }

  /**
   * Stops accepting, lets every connection send the responses to requests it already received (up to `drainTimeoutMs`),
   * then closes them.
   */
  async close(drainTimeoutMs: number): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    const unbound = this.acceptors.map((a) => new Promise<void>((resolve) => a.server.close(() => resolve())));
    const drained = [...this.connections].map((c) => c.drainAndClose(drainTimeoutMs));
    await Promise.all([...unbound, ...drained]);
  }
}
