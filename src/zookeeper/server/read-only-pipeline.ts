// Apache's ReadOnlyZooKeeperServer request chain (ReadOnlyRequestProcessor → prep → final) for a member cut off
// from its quorum: writes and syncs are answered NOTREADONLY, reads from the tree as this server last knew it.
import { Err, OpCode } from '../jute/constants.js';
import type { Request } from './request.js';
import type { RequestPipeline, ZooKeeperServer } from './zookeeper-server.js';

/** The operations ReadOnlyRequestProcessor refuses. */
export const NOT_READ_ONLY_OPS: ReadonlySet<number> = new Set([
  OpCode.sync, OpCode.create, OpCode.create2, OpCode.createTTL, OpCode.createContainer, OpCode.delete, OpCode.deleteContainer,
  OpCode.setData, OpCode.reconfig, OpCode.setACL, OpCode.multi, OpCode.check,
]);

export class ReadOnlyPipeline implements RequestPipeline {
  readonly outstanding = 0;

  constructor(private readonly server: ZooKeeperServer) {}

  submit(req: Request): void {
    const conn = req.conn;
    if (req.type === OpCode.closeSession) {
      // A global session's close waits for the quorum: here only its connection ends (local ones never get here).
      return conn?.close();
    }
    if (!NOT_READ_ONLY_OPS.has(req.type)) return this.server.answerRead(req);
    if (!conn || conn.closed) return;
    const zxid = this.server.lastProcessedZxid;
    conn.reply(req.xid, zxid, Err.NOTREADONLY);
    this.server.answered(conn, req, zxid);
  }

  reapContainer(): boolean {
    return false;
  }
}
