import type { Id } from '../jute/records.generated.js';
import type { ServerConnection } from './connection.js';

/** A client request on its way through prep → sync → final. */
export interface Request {
  sessionId: bigint;
  xid: number;
  type: number;
  /** The decoded request record (MultiOp[] for multi/multiRead); undefined when the body did not parse. */
  body: unknown;
  auth: readonly Id[];
  clientIp: string;
  /** null for requests the server makes itself (session expiry, container reaping). */
  conn: ServerConnection | null;
  receivedAtMs: number;
  /** The request record's bytes as the client sent them (replicated mode: a follower forwards them). */
  raw?: Buffer;
  /** Made by the server itself (a session expiry's closeSession): applied, never answered. */
  internal?: boolean;
}

/** A ZooKeeper error code raised while preparing or executing a request. */
export class KeeperError extends Error {
  constructor(readonly code: number, readonly path?: string) {
    super(`KeeperErrorCode ${code}${path ? ` for ${path}` : ''}`);
  }
}
