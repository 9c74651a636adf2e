// Four-letter words: admin commands sent as the first four bytes of a connection, answered in Apache ZooKeeper
// 3.8's text formats and gated by 4lw.commands.whitelist. The server writes the answer and closes the connection.
import type { ServerConnection } from '../connection.js';
import type { ZooKeeperServer } from '../zookeeper-server.js';
import { markFourLetterConnection } from './connection-info.js';
import type { FourLetterCommand, FourLetterContext } from './context.js';
import { javaHex } from './java-format.js';
import { cons, crst, srst, srvr, stat } from './stats-words.js';

export type { FourLetterContext } from './context.js';

export const FOUR_LETTER_WORDS = new Set([
  'conf', 'cons', 'crst', 'dirs', 'dump', 'envi', 'gtmk', 'ruok', 'stmk', 'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'mntr', 'isro', 'hash',
]);

export function isFourLetterWord(word: string): boolean {
  return FOUR_LETTER_WORDS.has(word);
}

/**
 * ZooTrace's text trace mask (default 306: client requests, server packets, sessions, warnings). `stmk` sets it and
 * `gtmk` reads it back; this server writes no trace log, so the mask is only stored.
 */
const DEFAULT_TRACE_MASK = 306n;
const traceMasks = new WeakMap<ZooKeeperServer, bigint>();

/** The digest history: "<zxid hex>: <digest>" for every 128th zxid (DigestCommand). */
function hash({ ctx }: { ctx: FourLetterContext }): string {
  return ctx.server.digestLog.entries.map((e) => `${javaHex(e.zxid)}: ${e.digest}\n`).join('');
}

const COMMANDS: Record<string, FourLetterCommand> = {
  ruok: () => 'imok',
  // IsroCommand: `ro` in read-only mode, `rw` when serving otherwise, `null` with no server running.
  isro: ({ ctx }) => (ctx.server.readOnly ? 'ro' : ctx.server.serving ? 'rw' : 'null'),
  srvr,
  stat,
  cons,
  srst,
  crst,
  hash,
  gtmk: ({ ctx }) => String(traceMasks.get(ctx.server) ?? DEFAULT_TRACE_MASK),
};

/** Loaded on first use: a server starts sooner without the modules of words a monitor may never send. */
const LAZY_COMMANDS: Record<string, () => Promise<FourLetterCommand>> = {
  mntr: async () => (await import('./monitor-word.js')).mntr,
  conf: async () => (await import('./environment-words.js')).conf,
  envi: async () => (await import('./environment-words.js')).envi,
  dirs: async () => (await import('./environment-words.js')).dirs,
  wchs: async () => (await import('./watch-words.js')).wchs,
  wchc: async () => (await import('./watch-words.js')).wchc,
  wchp: async () => (await import('./watch-words.js')).wchp,
  dump: async () => (await import('./dump-word.js')).dump,
};

/** Words whose Apache command checks isZKServerRunning() (an ensemble member without a synced leader is not). */
const NEED_SERVING = new Set(['conf', 'cons', 'crst', 'dump', 'mntr', 'srst', 'srvr', 'stat', 'wchc', 'wchp', 'wchs', 'hash', 'dirs']);

/** Apache's PrintWriter hands the text to the socket in 8 KiB pieces and counts each as a packet sent. */
const SEND_BUFFER_CHARS = 8192;

function answer(conn: ServerConnection, server: ZooKeeperServer, text: string): void {
  const packets = Math.ceil(text.length / SEND_BUFFER_CHARS);
  conn.stats.packetsSent += packets;
  server.stats.packetsSent += packets;
  conn.writeTextAndClose(text);
}

/** Runs `word` for a connection whose first four bytes it was; `rest` holds the bytes that came with it. */
export function runFourLetterWord(word: string, conn: ServerConnection, rest: Buffer, ctx: FourLetterContext): void {
  const { server } = ctx;
  // The word counts as one packet of 4 bytes received, before it runs (so `stat` shows it as recved=1).
  conn.stats.packetsReceived++;
  server.stats.packetsReceived++;
  server.metrics.onReceived(4);
  markFourLetterConnection(conn);

  const whitelist = ctx.config.fourLetterWordWhitelist;
  if (!whitelist.has('*') && !whitelist.has(word)) {
    return answer(conn, server, `${word} is not executed because it is not in the whitelist.\n`);
  }
  if (word === 'stmk') {
    // Apache reads the new mask (a big-endian long) with one non-blocking read; short of 8 bytes it closes silently.
    if (rest.length < 8) return conn.close();
    const mask = rest.readBigInt64BE(0);
    traceMasks.set(server, mask);
    return answer(conn, server, String(mask));
  }
  if (!server.serving && NEED_SERVING.has(word)) return answer(conn, server, 'This ZooKeeper instance is not currently serving requests\n');
  const command = COMMANDS[word];
  const lazy = LAZY_COMMANDS[word];
  if (command || !lazy) return answer(conn, server, command ? command({ ctx, conn }) : '');
  // The client may half-close right after the word (Apache answers it all the same): keep our side open while the
  // word's code loads, instead of ending it with theirs.
  conn.socket.allowHalfOpen = true;
  lazy()
    .then((loaded) => answer(conn, server, loaded({ ctx, conn })))
    .catch((err: Error) => {
      server.log(`Four-letter word ${word} failed: ${err.message}`);
      conn.close();
    });
}
