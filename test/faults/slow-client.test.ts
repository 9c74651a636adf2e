// A client that pipelines thousands of large reads and then reads its replies slowly must not hold up the
// server: its unsent replies stay bounded, every other session is served as before, and once it does read it
// gets every reply, in order.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { EventType, OpCode, Xid } from '../../src/zookeeper/jute/constants.js';
import { encodeClientFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import { NzkClient, longOf, nzk } from './nzk-client.js';
import { RawZkClient, createBody, openSocket } from './raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';

const NODE_BYTES = 1024 * 1024;
const PIPELINED_READS = 3000;
/** ReplyHeader (16) + data length (4) + data + Stat (68). */
const REPLY_FRAME_BYTES = 16 + 4 + NODE_BYTES + 68;
/**
 * Idle, the server process holds ~60-80 MiB; the 1 MiB node, one connection's bounded backlog and V8's slack
 * add a few tens more. Replies that pile up unbounded reach gigabytes (3,000 × 1 MiB), so 300 MiB separates the
 * two with a wide margin for garbage-collector timing.
 */
const MAX_RSS_BYTES = 300 * 1024 * 1024;
/** The well-behaved session's timeout: a stall of this long would expire it. */
const OTHER_SESSION_TIMEOUT_MS = 4000;
/** How long the slow client reads nothing at all: well past the other session's timeout. */
const STALL_MS = 2.5 * OTHER_SESSION_TIMEOUT_MS;
/** Then it reads this much in small sips before reading the rest at full speed. */
const SIPPED_BYTES = 24 * 1024 * 1024;

const dir = tempDir('zk-slow-client-');
let server: ServerProcess;
/** Closed after the test however it ends: an open client would keep this process alive. */
const clients: NzkClient[] = [];

function rssBytes(pid: number): number {
  const m = /^VmRSS:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) * 1024 : 0;
}

before(async () => {
  server = await startServerProcess(writeConfig(dir.path, {
    dataDir: join(dir.path, 'data'),
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
    tickTime: 2000,
    '4lw.commands.whitelist': 'ruok,cons,srvr',
    'jute.maxbuffer': 2 * NODE_BYTES,
  }));
  const setup = await RawZkClient.connect(server.port);
  assert.equal((await setup.request(OpCode.create, createBody('/big', Buffer.alloc(NODE_BYTES, 0x5a)))).header.err, 0);
  assert.equal((await setup.request(OpCode.create, createBody('/other', Buffer.from('v')))).header.err, 0);
  await setup.closeSession();
});

after(async () => {
  for (const c of clients) c.close();
  await server?.kill9();
  dir.remove();
});

/** Reads reply frames as they stream in, keeping only each one's length and first 20 bytes. */
class ReplyScanner {
  /** `dataLength`: the int after the reply header (a getData reply's data length, a notification's event type). */
  frames: { len: number; xid: number; err: number; dataLength: number }[] = [];
  bytes = 0;
  private head = Buffer.alloc(24);
  private headFill = 0;
  private remaining = 0;

  push(chunk: Buffer): void {
    this.bytes += chunk.length;
    let pos = 0;
    while (pos < chunk.length) {
      if (this.remaining > 0) {
        const skip = Math.min(this.remaining, chunk.length - pos);
        this.remaining -= skip;
        pos += skip;
        continue;
      }
      const take = Math.min(24 - this.headFill, chunk.length - pos);
      chunk.copy(this.head, this.headFill, pos, pos + take);
      this.headFill += take;
      pos += take;
      if (this.headFill < 24) continue;
      const len = this.head.readInt32BE(0);
      this.frames.push({ len, xid: this.head.readInt32BE(4), err: this.head.readInt32BE(16), dataLength: this.head.readInt32BE(20) });
      this.remaining = len - 20;
      this.headFill = 0;
    }
  }
}

interface OtherSessionLoad {
  ops: number;
  worstLatencyMs: number;
  /** getData alone: setData waits for an fsync, which this test does not control. */
  worstReadLatencyMs: number;
  phaseWorstMs: number;
  phaseWorstReadMs: number;
  /** When the request now in flight was sent (null between requests). */
  inFlightSinceMs: number | null;
  errors: string[];
  stop: boolean;
  done: Promise<void>;
}

/** Reads and writes in a loop, timing each request; every failure is recorded. */
function runOtherSession(client: NzkClient): OtherSessionLoad {
  const load: OtherSessionLoad = { ops: 0, worstLatencyMs: 0, worstReadLatencyMs: 0, phaseWorstMs: 0, phaseWorstReadMs: 0, inFlightSinceMs: null, errors: [], stop: false, done: Promise.resolve() };
  load.done = (async () => {
    for (let i = 0; !load.stop; i++) {
      const startedAt = performance.now();
      load.inFlightSinceMs = startedAt;
      try {
        if (i % 2 === 0) await client.setData('/other', Buffer.from(`v${i}`));
        else await client.getData('/other');
        load.ops++;
      } catch (err) {
        load.errors.push(`op ${i}: ${(err as Error).message}`);
      }
      const latencyMs = performance.now() - startedAt;
      load.worstLatencyMs = Math.max(load.worstLatencyMs, latencyMs);
      load.phaseWorstMs = Math.max(load.phaseWorstMs, latencyMs);
      if (i % 2 === 1) {
        load.worstReadLatencyMs = Math.max(load.worstReadLatencyMs, latencyMs);
        load.phaseWorstReadMs = Math.max(load.phaseWorstReadMs, latencyMs);
      }
      load.inFlightSinceMs = null;
      await new Promise((r) => setTimeout(r, 20));
    }
  })();
  return load;
}

/** The worst latencies since the last call, as text; the next phase starts from zero. */
function worstSoFar(load: OtherSessionLoad): string {
  const text = `worst latency ${load.phaseWorstMs.toFixed(0)} ms (reads ${load.phaseWorstReadMs.toFixed(0)} ms)`;
  load.phaseWorstMs = 0;
  load.phaseWorstReadMs = 0;
  return text;
}

async function until(ready: () => boolean, timeoutMs: number, what: string): Promise<void> {
  const deadline = performance.now() + timeoutMs;
  while (!ready()) {
    if (performance.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

test('a client that reads its replies slowly does not stall the server or other sessions', { timeout: 60_000 }, async (t) => {
  const other = await NzkClient.connect(`127.0.0.1:${server.port}`, OTHER_SESSION_TIMEOUT_MS);
  clients.push(other);
  const otherSessionId = other.sessionId;
  await other.create('/eph', Buffer.from('mine'), nzk.CreateMode.EPHEMERAL);
  const load = runOtherSession(other);

  let maxRss = rssBytes(server.pid);
  const sampler = setInterval(() => {
    if (server.isRunning()) maxRss = Math.max(maxRss, rssBytes(server.pid));
  }, 50);
  const ruokFailures: string[] = [];
  const ruok = async () => {
    const answer = await sendFourLetterWord('127.0.0.1', server.port, 'ruok', 3000).catch((err: Error) => err.message);
    if (answer !== 'imok') ruokFailures.push(answer);
  };
  let opsDuringStall = 0;
  const phases: string[] = [];
  const slow = await openSocket(server.port);
  slow.on('error', () => {});
  try {
    // The handshake, then every request in one write; the socket is paused so nothing more is read.
    const scanner = new ReplyScanner();
    slow.on('data', (chunk: Buffer) => scanner.push(chunk));
    slow.write(encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } }));
    await until(() => scanner.bytes > 0, 5000, 'the slow client handshake');
    slow.pause();
    const handshakeBytes = scanner.bytes;
    const requests: Buffer[] = [];
    for (let xid = 1; xid <= PIPELINED_READS; xid++) requests.push(encodeClientFrame({ kind: 'request', header: { xid, type: OpCode.getData }, body: { path: '/big', watch: false } }));
    slow.write(Buffer.concat(requests));

    const stallEnds = performance.now() + STALL_MS;
    const opsBefore = load.ops;
    while (performance.now() < stallEnds) {
      await ruok();
      await new Promise((r) => setTimeout(r, 500));
    }
    opsDuringStall = load.ops - opsBefore;
    phases.push(`stalled ${STALL_MS} ms: ${worstSoFar(load)}`);
    const sipStartedAt = performance.now();

    // Sip: a little at a time, pausing between chunks.
    slow.removeAllListeners('data');
    const sipped = new Promise<void>((resolve) => {
      slow.on('data', (chunk: Buffer) => {
        scanner.push(chunk);
        if (scanner.bytes - handshakeBytes >= SIPPED_BYTES) return resolve();
        slow.pause();
        setTimeout(() => slow.resume(), 2);
      });
    });
    slow.resume();
    await sipped;
    await ruok();
    phases.push(`sipped ${SIPPED_BYTES >> 20} MiB in ${(performance.now() - sipStartedAt).toFixed(0)} ms: ${worstSoFar(load)}`);
    const drainStartedAt = performance.now();
    await until(() => scanner.frames.length - 1 >= PIPELINED_READS, 40_000, `all ${PIPELINED_READS} replies (have ${scanner.frames.length - 1})`);

    phases.push(`read the rest in ${(performance.now() - drainStartedAt).toFixed(0)} ms: ${worstSoFar(load)}`);
    const replies = scanner.frames.slice(1);
    assert.equal(replies.length, PIPELINED_READS);
    for (let i = 0; i < replies.length; i++) {
      const r = replies[i]!;
      assert.deepEqual(r, { len: REPLY_FRAME_BYTES, xid: i + 1, err: 0, dataLength: NODE_BYTES }, `reply ${i}`);
    }
  } finally {
    clearInterval(sampler);
    slow.destroy();
    load.stop = true;
    // A request the server never answers would hang here: the failure above is the one to report.
    await Promise.race([load.done, new Promise((r) => setTimeout(r, 5000))]);
    if (load.inFlightSinceMs !== null) load.worstLatencyMs = Math.max(load.worstLatencyMs, performance.now() - load.inFlightSinceMs);
    // The server's own view: time from taking a request off a connection to answering it.
    const latency = /Latency min\/avg\/max: (\S+)/.exec(await sendFourLetterWord('127.0.0.1', server.port, 'srvr', 3000).catch(() => ''))?.[1];
    phases.push(`server-side latency min/avg/max ${latency ?? '?'} ms`);
    t.diagnostic(`server VmRSS peak ${(maxRss / 2 ** 20).toFixed(0)} MiB; other session: ${load.ops} ops, worst latency ${load.worstLatencyMs.toFixed(0)} ms (reads ${load.worstReadLatencyMs.toFixed(0)} ms); ${phases.join('; ')}`);
  }

  assert.deepEqual(ruokFailures, [], 'ruok went unanswered');
  assert.ok(opsDuringStall > 0, 'the other session made no progress while the slow client stalled');
  assert.deepEqual(load.errors, [], 'the other session saw errors');
  assert.deepEqual(other.states.filter((s) => s !== 'SYNC_CONNECTED'), [], 'the other session lost its connection');
  assert.ok(maxRss < MAX_RSS_BYTES, `server VmRSS reached ${(maxRss / 2 ** 20).toFixed(0)} MiB`);

  const checker = await NzkClient.connect(`127.0.0.1:${server.port}`, 10_000);
  clients.push(checker);
  const stat = await checker.exists('/eph');
  assert.ok(stat, 'the other session lost its ephemeral node');
  assert.equal(longOf(stat.ephemeralOwner), otherSessionId);
});

/** A session on a bare socket whose replies are scanned, not kept. */
async function scannedSession(): Promise<{ socket: Socket; scanner: ReplyScanner }> {
  const socket = await openSocket(server.port);
  socket.on('error', () => {});
  const scanner = new ReplyScanner();
  socket.on('data', (chunk: Buffer) => scanner.push(chunk));
  socket.write(encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } }));
  await until(() => scanner.frames.length > 0, 5000, 'a handshake');
  return { socket, scanner };
}

function getDataFrame(xid: number, path: string, watch = false): Buffer {
  return encodeClientFrame({ kind: 'request', header: { xid, type: OpCode.getData }, body: { path, watch } });
}

/** Until `cons` lists a connection paused with replies queued (interest ops 4: write, not read). */
async function waitForPausedConnection(): Promise<void> {
  const deadline = performance.now() + 10_000;
  for (;;) {
    const cons = await sendFourLetterWord('127.0.0.1', server.port, 'cons', 3000);
    if (cons.includes('[4](queued=')) return;
    if (performance.now() > deadline) throw new Error(`no connection paused:\n${cons}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

test('requests sent in the same write as the ConnectRequest are answered, in order', async () => {
  const socket = await openSocket(server.port);
  socket.on('error', () => {});
  const scanner = new ReplyScanner();
  socket.on('data', (chunk: Buffer) => scanner.push(chunk));
  const frames = [encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 30_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } })];
  const count = 300;
  for (let xid = 1; xid <= count; xid++) {
    frames.push(xid % 3 === 1
      ? encodeClientFrame({ kind: 'request', header: { xid, type: OpCode.create }, body: createBody(`/early-${xid}`, Buffer.from(String(xid))) })
      : getDataFrame(xid, `/early-${xid - (xid % 3 === 2 ? 1 : 2)}`));
  }
  socket.write(Buffer.concat(frames));
  try {
    await until(() => scanner.frames.length === count + 1, 10_000, `${count} replies`);
    assert.deepEqual(scanner.frames.slice(1).map((f) => [f.xid, f.err]), Array.from({ length: count }, (_, i) => [i + 1, 0]));
  } finally {
    socket.destroy();
  }
});

test('a watch event for a paused connection comes before any later reply that shows the change', { timeout: 30_000 }, async () => {
  const setup = await RawZkClient.connect(server.port);
  assert.equal((await setup.request(OpCode.create, createBody('/watched', Buffer.from('v1')))).header.err, 0);
  const { socket, scanner } = await scannedSession();
  try {
    socket.pause();
    const backlog: Buffer[] = [getDataFrame(1, '/watched', true)];
    for (let xid = 2; xid <= 50; xid++) backlog.push(getDataFrame(xid, '/big'));
    socket.write(Buffer.concat(backlog));
    await waitForPausedConnection();
    assert.equal((await setup.request(OpCode.setData, { path: '/watched', data: Buffer.from('v22'), version: -1 })).header.err, 0);
    // Sent after the change was applied: its reply carries the new data, so the event must reach the client first.
    socket.write(getDataFrame(51, '/watched'));
    socket.resume();
    await until(() => scanner.frames.length === 1 + 51 + 1, 20_000, 'every reply and the event');
    const seen = scanner.frames.slice(1).map((f) => (f.xid === Xid.Notification ? `event ${f.dataLength}` : `reply ${f.xid}`));
    const event = seen.indexOf(`event ${EventType.NodeDataChanged}`);
    assert.ok(event > seen.indexOf('reply 1') && event < seen.indexOf('reply 51'), seen.join(', '));
    assert.deepEqual(seen.filter((x) => x.startsWith('reply')), Array.from({ length: 51 }, (_, i) => `reply ${i + 1}`));
    assert.equal(scanner.frames.at(-1)!.dataLength, 3, 'the last reply does not carry the new data');
  } finally {
    socket.destroy();
    await setup.closeSession();
  }
});

test('a connection closed while paused is dropped, and the server carries on', { timeout: 30_000 }, async () => {
  const { socket, scanner } = await scannedSession();
  socket.pause();
  const backlog: Buffer[] = [];
  for (let xid = 1; xid <= 500; xid++) backlog.push(getDataFrame(xid, '/big'));
  socket.write(Buffer.concat(backlog));
  await waitForPausedConnection();
  const port = socket.localPort;
  socket.destroy();
  const gone = performance.now() + 10_000;
  for (;;) {
    const cons = await sendFourLetterWord('127.0.0.1', server.port, 'cons', 3000);
    if (!cons.includes(`:${port}[`)) break;
    if (performance.now() > gone) throw new Error(`the closed connection is still listed:\n${cons}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(scanner.frames.length < 500, 'every reply was sent before the close: the connection never paused');
  const client = await RawZkClient.connect(server.port);
  const reply = await client.request(OpCode.getData, { path: '/big', watch: false });
  assert.equal((reply.body as { data: Buffer }).data.length, NODE_BYTES);
  await client.closeSession();
});

test('replies made all at once for a client that is not reading share the node data instead of copying it', { timeout: 60_000 }, async (t) => {
  const { socket, scanner } = await scannedSession();
  try {
    socket.pause();
    // The reads wait behind the write until its fsync, then are all answered in one pass of the pipeline.
    const count = 900;
    const frames = [encodeClientFrame({ kind: 'request', header: { xid: 1, type: OpCode.setData }, body: { path: '/other', data: Buffer.from('w'), version: -1 } })];
    for (let xid = 2; xid <= count; xid++) frames.push(getDataFrame(xid, '/big'));
    socket.write(Buffer.concat(frames));
    const deadline = performance.now() + 20_000;
    for (;;) {
      const cons = await sendFourLetterWord('127.0.0.1', server.port, 'cons', 3000);
      if (new RegExp(`:${socket.localPort}\\[\\d\\]\\(queued=0,recved=\\d+,sent=${count + 1}\\b`).test(cons)) break;
      if (performance.now() > deadline) throw new Error(`the ${count} requests were not all answered:\n${cons}`);
      await new Promise((r) => setTimeout(r, 50));
    }
    const rss = rssBytes(server.pid);
    t.diagnostic(`server VmRSS ${(rss / 2 ** 20).toFixed(0)} MiB with ${count - 1} replies of ${NODE_BYTES} bytes queued`);
    assert.ok(rss < MAX_RSS_BYTES, `server VmRSS ${(rss / 2 ** 20).toFixed(0)} MiB with ${count - 1} replies of ${NODE_BYTES} bytes queued`);
    socket.resume();
    await until(() => scanner.frames.length === count + 1, 40_000, `${count} replies`);
    assert.deepEqual(scanner.frames.slice(1).map((f) => f.xid), Array.from({ length: count }, (_, i) => i + 1));
  } finally {
    socket.destroy();
  }
});
