// The client port, bound before the server is ready, as Apache's ServerCnxnFactory binds it before the database is
// loaded. Connections that arrive meanwhile wait, unread, and are served once the data dir is recovered: a client
// starting with the server connects at once instead of being refused and backing off for a retry.
import { createServer, type Server, type Socket } from 'node:net';
import type { ZooKeeperConfig } from '../../config/zookeeper-config.js';

export interface ClientPort {
  readonly listener: Server;
  readonly address: { host: string; port: number };
  /** From now on each accepted socket goes to onSocket, starting with those that waited. */
  serve(onSocket: (socket: Socket) => void): void;
  /** Stops listening and drops connections still waiting. */
  close(): void;
}

function ignoreError(): void {}

/** Connections held unread while the data dir is recovered; more are closed at once, as a full backlog refuses them. */
const MAX_WAITING = 1024;

export async function bindClientPort(config: Pick<ZooKeeperConfig, 'clientPort' | 'clientPortAddress' | 'clientPortListenBacklog'>): Promise<ClientPort> {
  let waiting: Socket[] | null = [];
  let handler: ((socket: Socket) => void) | null = null;
  const listener = createServer({ noDelay: true }, (socket) => {
    if (handler !== null) return handler(socket);
    if (waiting!.length >= MAX_WAITING) {
      socket.destroy();
      return;
    }
    // A reset while it waits destroys the socket, which serve() then passes over.
    socket.on('error', ignoreError);
    waiting!.push(socket);
  });
  const port = config.clientPort ?? 2181;
  const host = config.clientPortAddress ?? '0.0.0.0';
  await new Promise<void>((resolve, reject) => {
    listener.once('error', reject);
    listener.listen({ port, host, backlog: config.clientPortListenBacklog > 0 ? config.clientPortListenBacklog : undefined }, () => {
      listener.off('error', reject);
      resolve();
    });
  });
  const addr = listener.address();
  const address = typeof addr === 'object' && addr ? { host: addr.address, port: addr.port } : { host, port };
  return {
    listener,
    address,
    serve(onSocket) {
      handler = onSocket;
      const held = waiting ?? [];
      waiting = null;
      // A client that gave up while it waited has nothing left to serve.
      for (const socket of held) {
        socket.off('error', ignoreError);
        if (!socket.destroyed) onSocket(socket);
      }
    },
    close() {
      if (listener.listening) listener.close();
      for (const socket of waiting ?? []) socket.destroy();
      waiting = null;
    },
  };
}
