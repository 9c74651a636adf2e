// What the server tells an observer (the audit export): writes it applied for a request made through it, and
// sessions it expires. Called synchronously on the request path, so an observer only records what it needs and
// returns; it never waits for anything.
import type { TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { Request } from '../server/request.js';
import type { Session } from '../server/session-tracker.js';

export interface ServerObserver {
  /**
   * A write was applied and is about to be answered: a client's request on this server (in an ensemble, the
   * server the client is connected to), or one the server made itself (session expiry, container reaping).
   */
  writeApplied(req: Request, txn: Txn, result: TxnResult): void;
  /** The session timed out; its closeSession follows through writeApplied. */
  sessionExpired(session: Session): void;
  /** Extra `mntr` lines (`zk_<key>\t<value>`), after Apache's. */
  monitorFigures?(sink: (key: string, value: string) => void): void;
}
