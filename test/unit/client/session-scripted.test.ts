// The client against a scripted server on loopback: the rules a real server never breaks on purpose (xid order,
// frame length, silence) and exactly what goes on the wire after a reconnect.
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { after, test } from 'node:test';
import { OpCode, Xid } from '../../../src/zookeeper/jute/constants.js';
import { decodeClientFrame, encodeServerFrame, type ClientFrame } from '../../../src/zookeeper/jute/protocol-frames.js';
import type { ConnectRequest, RequestHeader } from '../../../src/zookeeper/jute/records.generated.js';
import { ConnectionLossError, SessionExpiredError, ZooKeeperClient, type WatchedEvent } from '../../../src/zookeeper/client/index.js';
import { reconnectPauseMs } from '../../../src/zookeeper/client/session.js';

const PASSWORD = Buffer.alloc(16, 9);
/** How much earlier than asked a timer may be seen to fire (millisecond clocks, rounding). */
const TIMER_SLACK_MS = 10;

class FakeConnection {
  connect: ConnectRequest | null = null;
  /** When the server accepted it (performance.now()). */
  readonly openedAtMs = performance.now();
  /** Requests in arrival order, with when they arrived (performance.now()). */
  readonly requests: { header: RequestHeader; body: unknown; atMs: number }[] = [];
  private waiters: (() => void)[] = [];
  private buf = Buffer.alloc(0);

  constructor(readonly socket: Socket) {
    socket.on('data', (chunk: Buffer) => {
      this.buf = Buffer.concat([this.buf, chunk]);
      while (this.buf.length >= 4 && this.buf.length >= 4 + this.buf.readInt32BE(0)) {
        const len = this.buf.readInt32BE(0);
        const frame: ClientFrame = decodeClientFrame(this.buf.subarray(4, 4 + len), this.connect === null);
        this.buf = this.buf.subarray(4 + len);
        if (frame.kind === 'connect') this.connect = frame.req;
        else this.requests.push({ header: frame.header, body: frame.body, atMs: performance.now() });
        for (const w of this.waiters.splice(0)) w();
      }
    });
    socket.on('error', () => {});
  }

  /** Resolves once `n` non-ping requests have arrived. */
  async requestsArrived(n: number): Promise<{ header: RequestHeader; body: unknown }[]> {
    for (;;) {
      const real = this.requests.filter((r) => r.header.type !== OpCode.ping);
      if (real.length >= n) return real;
      await new Promise<void>((r) => this.waiters.push(r));
    }
  }

  async connected(): Promise<ConnectRequest> {
    while (!this.connect) await new Promise<void>((r) => this.waiters.push(r));
    return this.connect;
  }

  accept(sessionId: bigint, timeOut: number, readOnly = false): void {
    this.socket.write(encodeServerFrame({ kind: 'connect', resp: { protocolVersion: 0, timeOut, sessionId, passwd: PASSWORD, readOnly } }));
  }

  reply(xid: number, zxid: bigint, err: number, opcode?: number, body?: unknown): Buffer {
    return encodeServerFrame({ kind: 'reply', header: { xid, zxid, err }, body }, opcode);
  }

  notification(type: number, path: string): Buffer {
    return this.reply(Xid.Notification, -1n, 0, undefined, { type, state: 3, path });
  }
}

class FakeServer {
  readonly connections: FakeConnection[] = [];
  private waiters: (() => void)[] = [];
  private constructor(readonly server: Server, readonly port: number) {}

  static async start(): Promise<FakeServer> {
    const server = createServer();
    const port = await new Promise<number>((resolve) => server.listen({ host: '127.0.0.1', port: 0 }, () => resolve((server.address() as { port: number }).port)));
    const fake = new FakeServer(server, port);
    server.on('connection', (socket) => {
      fake.connections.push(new FakeConnection(socket));
      for (const w of fake.waiters.splice(0)) w();
    });
    return fake;
  }

  async connection(index: number): Promise<FakeConnection> {
    while (this.connections.length <= index) await new Promise<void>((r) => this.waiters.push(r));
    return this.connections[index];
  }

  close(): Promise<void> {
    for (const c of this.connections) c.socket.destroy();
    return new Promise((r) => this.server.close(() => r()));
  }
}

const cleanups: (() => Promise<void>)[] = [];
after(async () => {
  for (const c of cleanups) await c();
});

async function setup(opts: ConstructorParameters<typeof ZooKeeperClient>[1] = {}): Promise<{ fake: FakeServer; client: ZooKeeperClient; states: string[] }> {
  const fake = await FakeServer.start();
  const client = new ZooKeeperClient(`127.0.0.1:${fake.port}`, { sessionTimeoutMs: 3000, spinDelayMs: 10, reconnectJitterMs: 10, ...opts });
  const states: string[] = [];
  client.on('state', (e: WatchedEvent) => states.push(e.state));
  cleanups.push(async () => {
    await Promise.race([client.close(), new Promise((r) => setTimeout(r, 500))]);
    await fake.close();
  });
  return { fake, client, states };
}

test('an out-of-order xid drops the connection: every pending request fails with ConnectionLoss', { timeout: 10_000 }, async () => {
  const { fake, client, states } = await setup();
  const first = await fake.connection(0);
  first.accept(0x55n, 3000);
  await client.waitForConnected();
  const a = client.getData('/a').catch((e: Error) => e);
  const b = client.exists('/b').catch((e: Error) => e);
  const [ra, rb] = await first.requestsArrived(2);
  assert.deepEqual([ra.header.xid, rb.header.xid], [1, 2]);
  first.socket.write(first.reply(rb.header.xid, 5n, -101));
  assert.ok((await a) instanceof ConnectionLossError);
  assert.ok((await b) instanceof ConnectionLossError);
  // The same session is resumed on the next connection.
  const second = await fake.connection(1);
  const resume = await second.connected();
  assert.equal(resume.sessionId, 0x55n);
  assert.deepEqual(resume.passwd, PASSWORD);
  assert.equal(resume.timeOut, 3000);
  second.accept(0x55n, 3000);
  await client.waitForConnected();
  assert.deepEqual(states, ['SyncConnected', 'Disconnected', 'SyncConnected']);
});

test('a reply frame longer than maxPacketBytes drops the connection', { timeout: 10_000 }, async () => {
  const { fake, client } = await setup({ maxPacketBytes: 64 });
  const conn = await fake.connection(0);
  conn.accept(1n, 3000);
  await client.waitForConnected();
  const pending = client.getData('/big').catch((e: Error) => e);
  const [req] = await conn.requestsArrived(1);
  conn.socket.write(conn.reply(req.header.xid, 3n, 0, OpCode.getData, { data: Buffer.alloc(100), stat: zeroStat() }));
  assert.ok((await pending) instanceof ConnectionLossError);
  await fake.connection(1);
});

test('a silent server: pings at a third of the timeout, the link declared dead at two thirds', { timeout: 30_000 }, async () => {
  const { fake, client, states } = await setup({ sessionTimeoutMs: 900 });
  const conn = await fake.connection(0);
  // Taken before the ConnectResponse goes out: the client cannot start its clocks any earlier. Only lower bounds on
  // the times are checked (not early); a busy machine makes everything later, never earlier.
  const acceptedAt = performance.now();
  conn.accept(1n, 900);
  await client.waitForConnected();
  await fake.connection(1);
  const deadAfterMs = performance.now() - acceptedAt;
  // readTimeout = 600 ms; a ping (xid -2) goes out after 300 ms of idleness. Timers may fire a few ms early.
  assert.ok(deadAfterMs >= 600 - TIMER_SLACK_MS, `declared dead after only ${deadAfterMs.toFixed(0)} ms`);
  const pings = conn.requests.filter((r) => r.header.type === OpCode.ping);
  assert.ok(pings.length >= 1 && pings.every((p) => p.header.xid === Xid.Ping));
  const firstPingMs = pings[0]!.atMs - acceptedAt;
  assert.ok(firstPingMs >= 300 - TIMER_SLACK_MS, `first ping after only ${firstPingMs.toFixed(0)} ms`);
  assert.deepEqual(states, ['SyncConnected', 'Disconnected']);
});

test('after a reconnect: ConnectRequest with lastZxidSeen, then auth, setWatches, then requests queued meanwhile', { timeout: 10_000 }, async () => {
  const { fake, client, states } = await setup();
  const first = await fake.connection(0);
  first.accept(0x77n, 3000);
  await client.waitForConnected();
  const auth = client.addAuthInfo('digest', 'u:p');
  const watched = client.getData('/w', () => {});
  const [authReq, getReq] = await first.requestsArrived(2);
  assert.deepEqual([authReq.header.xid, authReq.header.type], [Xid.Auth, OpCode.auth]);
  first.socket.write(Buffer.concat([first.reply(Xid.Auth, 0n, 0), first.reply(getReq.header.xid, 0x42n, 0, OpCode.getData, { data: null, stat: zeroStat() })]));
  await auth;
  await watched;
  assert.equal(client.lastZxid, 0x42n);
  first.socket.destroy();
  while (!states.includes('Disconnected')) await new Promise((r) => setTimeout(r, 5));
  const queued = client.exists('/q');
  const second = await fake.connection(1);
  const resume = await second.connected();
  assert.equal(resume.lastZxidSeen, 0x42n);
  assert.equal(resume.readOnly, false);
  second.accept(0x77n, 3000);
  const sent = await second.requestsArrived(3);
  assert.deepEqual(sent.map((r) => [r.header.xid, r.header.type]), [[Xid.Auth, OpCode.auth], [2, OpCode.setWatches], [3, OpCode.exists]]);
  assert.deepEqual(sent[1].body, { relativeZxid: 0x42n, dataWatches: ['/w'], existWatches: [], childWatches: [] });
  second.socket.write(second.reply(2, 0x42n, 0, OpCode.setWatches));
  second.socket.write(second.reply(3, 0x42n, -101));
  assert.equal(await queued, null);
});

test('a notification sent before a reply reaches its listener before the reply settles', { timeout: 10_000 }, async () => {
  const { fake, client } = await setup();
  const conn = await fake.connection(0);
  conn.accept(1n, 3000);
  await client.waitForConnected();
  const order: string[] = [];
  const watch = client.getData('/n', (e) => order.push(`event ${e.type}`));
  const [w] = await conn.requestsArrived(1);
  conn.socket.write(conn.reply(w.header.xid, 2n, 0, OpCode.getData, { data: Buffer.from('x'), stat: zeroStat() }));
  await watch;
  const read = client.getData('/n').then(() => order.push('reply'));
  const [, r] = await conn.requestsArrived(2);
  conn.socket.write(Buffer.concat([conn.notification(3, '/n'), conn.reply(r.header.xid, 3n, 0, OpCode.getData, { data: Buffer.from('y'), stat: zeroStat() })]));
  await read;
  assert.deepEqual(order, ['event NodeDataChanged', 'reply']);
});

test('timeOut 0 in the ConnectResponse: Expired, then Closed, queued requests fail with SessionExpired', { timeout: 10_000 }, async () => {
  const { fake, client, states } = await setup({ sessionId: 0x99n, sessionPassword: PASSWORD });
  const queued = client.getData('/x').catch((e: Error) => e);
  const conn = await fake.connection(0);
  assert.equal((await conn.connected()).sessionId, 0x99n);
  conn.socket.write(encodeServerFrame({ kind: 'connect', resp: { protocolVersion: 0, timeOut: 0, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } }));
  const err = await queued;
  assert.ok(err instanceof SessionExpiredError, String(err));
  assert.deepEqual(states, ['Expired', 'Closed']);
  assert.equal(client.state, 'CLOSED');
});

test('a read-only server: ConnectedReadOnly; its session id is not offered to the next server', { timeout: 10_000 }, async () => {
  const { fake, client, states } = await setup({ canBeReadOnly: true });
  const ro = await fake.connection(0);
  assert.equal((await ro.connected()).readOnly, true);
  ro.accept(0x10n, 3000, true);
  await client.waitForConnected();
  assert.equal(client.state, 'CONNECTEDREADONLY');
  ro.socket.destroy();
  const rw = await fake.connection(1);
  // Java's seenRwServerBefore: a session got from a read-only server is not resumed elsewhere.
  assert.equal((await rw.connected()).sessionId, 0n);
  rw.accept(0x20n, 3000);
  const state = (): string => client.state;
  while (state() !== 'CONNECTED') await new Promise((r) => setTimeout(r, 5));
  assert.equal(client.sessionId, 0x20n);
  assert.deepEqual(states, ['ConnectedReadOnly', 'Disconnected', 'SyncConnected']);
});

function zeroStat() {
  return { czxid: 0n, mzxid: 0n, ctime: 0n, mtime: 0n, version: 0, cversion: 0, aversion: 0, ephemeralOwner: 0n, dataLength: 0, numChildren: 0, pzxid: 0n };
}

test('before its first session a client retries a server that turns it away within 10 to 100 ms; after one, with Java pauses', { timeout: 10_000 }, async () => {
  // Java's pauses, at their longest: a second of spin and of jitter before each reconnect.
  const { fake, client } = await setup({ spinDelayMs: 1000, reconnectJitterMs: 1000, random: () => 0.999 });
  const connected = new Promise<void>((resolve) => client.on('state', (e: WatchedEvent) => e.state === 'SyncConnected' && resolve()));
  // Seven connections closed unanswered, as servers without a leader close them.
  for (let i = 0; i < 7; i++) (await fake.connection(i)).socket.destroy();
  const eighth = await fake.connection(7);
  // Eight attempts at all within the test's timeout: with Java's pauses (two seconds each here) there would be five.
  const attempts = fake.connections.map((c) => c.openedAtMs);
  const gaps = attempts.slice(1).map((t, i) => t - attempts[i]!).map((g) => Math.round(g));
  assert.ok(gaps.at(-1)! >= 200 - TIMER_SLACK_MS, `pauses grow to 100 ms of spin and 100 of jitter: ${gaps.join(', ')} ms`);
  await eighth.connected();
  eighth.accept(0x51n, 3000);
  await connected;
  // With a session had, a lost connection is followed by Java's pause: jitter 999 ms here (spin only after a full pass).
  const lostAt = performance.now();
  eighth.socket.destroy();
  await fake.connection(8);
  assert.ok(fake.connections[8]!.openedAtMs - lostAt >= 999 - TIMER_SLACK_MS, `reconnected after ${(fake.connections[8]!.openedAtMs - lostAt).toFixed(0)} ms`);
});

test('reconnect pauses: Java spin and jitter; before a first session, capped at 10 ms doubling to 100', () => {
  const pauses = (p: { connectedBefore: boolean; early: boolean }) =>
    Array.from({ length: 6 }, (_, attempt) => reconnectPauseMs({ attempt, spinMs: 1000, jitterMs: 1000, random: 0.5, ...p }));
  assert.deepEqual(pauses({ connectedBefore: true, early: true }), [15, 30, 60, 120, 150, 150]);
  assert.deepEqual(pauses({ connectedBefore: false, early: true }), [10, 20, 40, 80, 100, 100], 'refused connections: spin only, still capped');
  assert.deepEqual(pauses({ connectedBefore: true, early: false }), [1500, 1500, 1500, 1500, 1500, 1500]);
  assert.equal(reconnectPauseMs({ attempt: 9, connectedBefore: false, early: false, spinMs: 0, jitterMs: 1000, random: 0.5 }), 0, 'the first connect waits for nothing');
});
