// srvr, stat, cons, srst, crst: StatCommand, ConsCommand, StatResetCommand, CnxnStatResetCommand.
import type { ZooKeeperServer } from '../zookeeper-server.js';
import { connectionInfo } from './connection-info.js';
import type { FourLetterCall } from './context.js';
import { javaAvg, javaDouble, javaHex } from './java-format.js';

/** ServerStats' latency over answered requests: min and max as longs, the average as a double. */
export function latency(server: ZooKeeperServer): { min: number; avg: number; max: number } {
  const s = server.stats;
  const none = s.requestCount === 0;
  return { min: none ? 0 : s.minLatencyMs, avg: javaAvg(s.totalLatencyMs, s.requestCount), max: none ? 0 : s.maxLatencyMs };
}

/** ServerStats.toString plus the node count. */
function serverStats({ ctx }: FourLetterCall): string {
  const { server } = ctx;
  const l = latency(server);
  return (
    `Latency min/avg/max: ${l.min}/${javaDouble(l.avg)}/${l.max}\n` +
    `Received: ${server.stats.packetsReceived}\n` +
    `Sent: ${server.stats.packetsSent}\n` +
    `Connections: ${server.connections.size}\n` +
    `Outstanding: ${server.outstandingRequests}\n` +
    `Zxid: 0x${javaHex(server.lastProcessedZxid)}\n` +
    `Mode: ${server.modeName}\n` +
    `Node count: ${server.tree.nodeCount}\n`
  );
}

export function srvr(call: FourLetterCall): string {
  return `Zookeeper version: ${call.ctx.version}\n${serverStats(call)}`;
}

export function stat(call: FourLetterCall): string {
  let clients = 'Clients:\n';
  for (const c of call.ctx.server.connections) clients += `${connectionInfo(c, true)}\n`;
  return `Zookeeper version: ${call.ctx.version}\n${clients}\n${serverStats(call)}`;
}

export function cons({ ctx }: FourLetterCall): string {
  let out = '';
  for (const c of ctx.server.connections) out += `${connectionInfo(c, false)}\n`;
  return `${out}\n`;
}

/** ServerStats.reset: latency, packet counts, response sizes and every named metric; uptime and auth failures stay. */
export function srst({ ctx }: FourLetterCall): string {
  ctx.server.resetStats();
  ctx.server.metrics.reset();
  return 'Server stats reset.\n';
}

export function crst({ ctx }: FourLetterCall): string {
  for (const c of ctx.server.connections) c.resetStats();
  return 'Connection stats reset.\n';
}
