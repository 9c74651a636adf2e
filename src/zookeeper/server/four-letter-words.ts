// Four-letter words: admin commands sent as the first four bytes of a connection, answered in Apache's text
// formats, gated by 4lw.commands.whitelist.
import type { Server } from 'node:net';
import type { ZooKeeperConfig } from '../../config/zookeeper-config.js';
import type { ServerConnection } from './connection.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

export const FOUR_LETTER_WORDS = new Set([
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
]);

export function isFourLetterWord(word: string): boolean {
  return FOUR_LETTER_WORDS.has(word);
}

export interface FourLetterContext {
  server: ZooKeeperServer;
  config: ZooKeeperConfig;
  version: string;
  startedMs: number;
  address: { host: string; port: number };
  listener: Server;
  snapDir: string;
  logDir: string;
}

function hex(z: bigint): string {
  return `0x${z.toString(16)}`;
}

function latencyLine(server: ZooKeeperServer): string {
  const s = server.stats;
  const min = s.requestCount === 0 ? 0 : s.minLatencyMs;
  const avg = s.requestCount === 0 ? 0 : s.totalLatencyMs / s.requestCount;
  return `Latency min/avg/max: ${min}/${avg.toFixed(4)}/${s.maxLatencyMs}\n`;
}

function srvrBody(ctx: FourLetterContext): string {
  const { server } = ctx;
  return (
    latencyLine(server) +
    `Received: ${server.stats.packetsReceived}\n` +
    `Sent: ${server.stats.packetsSent}\n` +
    `Connections: ${server.connections.size}\n` +
    `Outstanding: ${server.outstandingRequests}\n` +
    `Zxid: ${hex(server.lastProcessedZxid)}\n` +
    `Mode: standalone\n` +
    `Node count: ${server.tree.nodeCount}\n`
  );
}

const COMMANDS: Record<string, (ctx: FourLetterContext) => string> = {
  ruok: () => 'imok',
  isro: () => 'rw',
  srvr: (ctx) => `Zookeeper version: ${ctx.version}\n` + srvrBody(ctx),
  stat: (ctx) => {
    let out = `Zookeeper version: ${ctx.version}\nClients:\n`;
    for (const c of ctx.server.connections) out += ` ${c.remote}[1](queued=${c.outstanding},recved=${c.stats.packetsReceived},sent=${c.stats.packetsSent})\n`;
    return out + '\n' + srvrBody(ctx);
  },
  srst: (ctx) => {
    ctx.server.resetStats();
    return 'Server stats reset.\n';
  },
  crst: (ctx) => {
    for (const c of ctx.server.connections) c.resetStats();
    return 'Connection stats reset.\n';
  },
};

export function runFourLetterWord(word: string, conn: ServerConnection, rest: Buffer, ctx: FourLetterContext): void {
  void rest;
  const wl = ctx.config.fourLetterWordWhitelist;
  if (!wl.has('*') && !wl.has(word)) return conn.writeTextAndClose(`${word} is not executed because it is not in the whitelist.\n`);
  const cmd = COMMANDS[word];
  conn.writeTextAndClose(cmd ? cmd(ctx) : '');
}
