// The leader's record of which server each global session is attached to (SessionTrackerImpl's owner): set by
// createSession and by a valid REVALIDATE, checked by the leader's prep for every client write. A write arriving
// through another server is from a connection the client has left: it becomes an error transaction SESSIONMOVED,
// and the server holding that stale connection closes it instead of answering (FinalRequestProcessor).
import { Err, OpCode } from '../jute/constants.js';
import type { Request } from '../server/request.js';
import type { Txn } from '../tree/txn.js';

export class SessionOwners {
  private readonly owners = new Map<bigint, bigint>();

  /** The session is now served through `server`. */
  set(sessionId: bigint, server: bigint): void {
    this.owners.set(sessionId, server);
  }

  delete(sessionId: bigint): void {
    this.owners.delete(sessionId);
  }

  clear(): void {
    this.owners.clear();
  }

  owner(sessionId: bigint): bigint | undefined {
    return this.owners.get(sessionId);
  }

  /**
   * checkSession(id, owner) for a request `server` sent: false when the session is attached elsewhere. A session
   * without an owner (one this leader has not seen created or revalidated) takes the first server to ask.
   */
  check(req: Request, server: bigint): boolean {
    // closeSession is not checked (the expiry thread queues it without being the owner); internal requests neither.
    if (req.type === OpCode.createSession) {
      this.owners.set(req.sessionId, server);
      return true;
    }
    if (req.internal || req.type === OpCode.closeSession || req.sessionId === 0n) return true;
    const owner = this.owners.get(req.sessionId);
    if (owner === undefined) {
      this.owners.set(req.sessionId, server);
      return true;
    }
    return owner === server;
  }
}

/** The error transaction prep makes for a request whose session moved. */
export function sessionMovedTxn(req: Request, zxid: bigint, nowMs: number): Txn {
  return {
    hdr: { clientId: req.sessionId, cxid: req.xid, zxid, time: BigInt(nowMs), type: OpCode.error },
    body: { type: OpCode.error, record: { err: Err.SESSIONMOVED } },
  };
}
