// One connection as Apache's ServerCnxn.dumpConnectionInfo prints it in `stat` (brief) and `cons` (full).
import type { ServerConnection } from '../connection.js';
import { javaHex } from './java-format.js';

/** Connections that sent a four-letter word: Apache cancels their selection key, so they show interest ops 0. */
const answering = new WeakSet<ServerConnection>();

export function markFourLetterConnection(conn: ServerConnection): void {
  answering.add(conn);
}

/** FinalRequestProcessor's names for the last operation of a connection, by our opcode names. */
const LAST_OP: Record<string, string> = {
  ping: 'PING', createSession: 'SESS', multi: 'MULT', multiRead: 'MLTR', create: 'CREA', create2: 'CREA', createTTL: 'CREA',
  createContainer: 'CREA', delete: 'DELE', deleteContainer: 'DELE', setData: 'SETD', reconfig: 'RECO', setACL: 'SETA',
  closeSession: 'CLOS', sync: 'SYNC', check: 'CHEC', exists: 'EXIS', getData: 'GETD', setWatches: 'SETW', setWatches2: 'STW2',
  addWatch: 'ADDW', getACL: 'GETA', getChildren: 'GETC', getChildren2: 'GETC', getAllChildrenNumber: 'GETACN',
  checkWatches: 'CHKW', removeWatches: 'REMW', getEphemerals: 'GETE', whoAmI: 'HOMI',
};

/** NIO interest ops: 1 = read, 4 = write; printed in hex. */
function interestOps(conn: ServerConnection): string {
  if (answering.has(conn) || conn.closed) return '0';
  const ops = (conn.socket.isPaused() ? 0 : 1) | (conn.socket.writableLength > 0 ? 4 : 0);
  return ops.toString(16);
}

/** Epoch ms → the monotonic clock Apache stamps responses with (System.nanoTime in ms, CLOCK_MONOTONIC as hrtime). */
function elapsedClockMs(epochMs: number): number {
  if (epochMs === 0) return 0;
  return Number(process.hrtime.bigint() / 1_000_000n) - (Date.now() - epochMs);
}

export function sessionIdOf(conn: ServerConnection): bigint {
  return conn.session?.id ?? 0n;
}

export function connectionInfo(conn: ServerConnection, brief: boolean): string {
  const s = conn.stats;
  let out = ` ${conn.remote}[${interestOps(conn)}](queued=${conn.outstanding},recved=${s.packetsReceived},sent=${s.packetsSent}`;
  const sid = sessionIdOf(conn);
  if (!brief && sid !== 0n) {
    out += `,sid=0x${javaHex(sid)},lop=${LAST_OP[s.lastOp] ?? 'NA'},est=${s.establishedMs},to=${conn.session!.timeoutMs}`;
    if (s.lastCxid >= 0) out += `,lcxid=0x${javaHex(s.lastCxid)}`;
    out += `,lzxid=0x${javaHex(s.lastZxid)},lresp=${elapsedClockMs(s.lastResponseMs)},llat=${s.lastLatencyMs}`;
    const none = s.requestCount === 0;
    out += `,minlat=${none ? 0 : s.minLatencyMs},avglat=${none ? 0 : Math.floor(s.totalLatencyMs / s.requestCount)}`;
    out += `,maxlat=${s.maxLatencyMs}`;
  }
  return `${out})`;
}
