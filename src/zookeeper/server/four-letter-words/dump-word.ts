// dump (DumpCommand): session expiry buckets, ephemerals per session, connections by expiry time.
import type { ServerConnection } from '../connection.js';
import { sessionIdOf } from './connection-info.js';
import type { FourLetterCall } from './context.js';
import { javaDate, javaHex } from './java-format.js';

/** NIOServerCnxnFactory's sessionless connection timeout and the width of its connection expiry buckets. */
const SESSIONLESS_CNXN_TIMEOUT_MS = 10_000;

/** ExpiryQueue.dump after `label`: "Sets (<buckets>)/(<elements>):" then each bucket, earliest first. */
function expiryQueue(label: string, buckets: [number, string[]][]): string {
  const sorted = [...buckets].sort((a, b) => a[0] - b[0]);
  const count = sorted.reduce((n, [, items]) => n + items.length, 0);
  let out = `${label} Sets (${sorted.length})/(${count}):\n`;
  for (const [at, items] of sorted) {
    out += `${items.length} expire at ${javaDate(at)}:\n`;
    for (const item of items) out += `\t${item}\n`;
  }
  return out;
}

/**
 * When each connection stops being served: with a session, when the session expires (the server then closes it);
 * without one, Apache's bound for sessionless connections, counted from when the connection was opened.
 */
function connectionExpiryMs(conn: ServerConnection): number {
  if (conn.session) return conn.session.expiresAtMs;
  const t = conn.stats.establishedMs + SESSIONLESS_CNXN_TIMEOUT_MS;
  return (Math.floor(t / SESSIONLESS_CNXN_TIMEOUT_MS) + 1) * SESSIONLESS_CNXN_TIMEOUT_MS;
}

export function dump({ ctx }: FourLetterCall): string {
  const { server } = ctx;
  let out = 'SessionTracker dump:\n';
  out += expiryQueue('Session', server.sessions.bucketsSnapshot().map(([at, ids]) => [at, ids.map((id) => `0x${javaHex(id)}`)]));

  const ephemerals = server.tree.ephemerals;
  out += `ephemeral nodes dump:\nSessions with Ephemerals (${ephemerals.size}):\n`;
  for (const [sid, paths] of ephemerals) {
    out += `0x${javaHex(sid)}:\n`;
    for (const p of paths) out += `\t${p}\n`;
  }

  out += 'Connections dump:\n';
  const byTime = new Map<number, string[]>();
  for (const c of server.connections) {
    const at = connectionExpiryMs(c);
    let items = byTime.get(at);
    if (!items) byTime.set(at, (items = []));
    items.push(`ip: ${c.remote} sessionId: 0x${javaHex(sessionIdOf(c))}`);
  }
  return out + expiryQueue('Connections', [...byTime]);
}
