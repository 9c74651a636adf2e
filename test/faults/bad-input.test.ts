// Bad input never crashes the server: every malformed, oversized or hostile connection is answered or closed,
// and a well-behaved node-zookeeper-client session on the same server carries on without an error.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { join } from 'node:path';
import { decode } from '../../src/zookeeper/jute/codec.js';
import { Err, OpCode } from '../../src/zookeeper/jute/constants.js';
import { encodeClientFrame } from '../../src/zookeeper/jute/protocol-frames.js';
import { JuteWriter } from '../../src/zookeeper/jute/writer.js';
import { NzkClient } from './nzk-client.js';
import { createBody } from './raw-client.js';
import { faultSeed, seededRandom } from './seeded-random.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';
import { SocketProbe } from './socket-probe.js';

const JUTE_MAX_BUFFER = 0xfffff;
/** Deadline for an answer or a close the server owes now: generous, since the machine may be busy. */
const ANSWER_MS = 15_000;

const rng = seededRandom(faultSeed());
const dir = tempDir('zk-bad-input-');
let server: ServerProcess;
let good: NzkClient;
/**
 * Apache closes a connection that has no session after zookeeper.nio.sessionlessCnxnTimeout (10 s), rounded up to
 * the next 10 s boundary of its expiry queue: between 10 and 20 s after it was accepted.
 */
const SESSIONLESS_TIMEOUT_MS = 10_000;
/** How long after the earliest allowed moment the close may come: Apache's rounding plus a busy machine. */
const SESSIONLESS_LATE_MS = 20_000;
/** Timer granularity: how much earlier than the full timeout the close may be seen. */
const SESSIONLESS_EARLY_MS = 250;
let idle: { probe: SocketProbe; openedAt: number; closedAt: number | null } | null = null;
const goodLoad = { stop: false, ops: 0, errors: [] as string[], done: Promise.resolve() };

function frame(body: Buffer): Buffer {
  const out = Buffer.alloc(4 + body.length);
  out.writeInt32BE(body.length, 0);
  body.copy(out, 4);
  return out;
}

function int32(n: number): Buffer {
  const b = Buffer.alloc(4);
  b.writeInt32BE(n, 0);
  return b;
}

function request(xid: number, type: number, body: unknown): Buffer {
  return encodeClientFrame({ kind: 'request', header: { xid, type }, body });
}

/** Creates, sets and reads back its own nodes in a loop, recording anything that is not the expected answer. */
async function runGoodSession(client: NzkClient): Promise<void> {
  await client.create('/good');
  for (let i = 0; !goodLoad.stop; i++) {
    const path = `/good/n${i % 40}`;
    const data = Buffer.from(`value ${i}`);
    try {
      if (i < 40) await client.create(path, data);
      else await client.setData(path, data);
      const read = await client.getData(path);
      if (!read.data?.equals(data)) goodLoad.errors.push(`${path}: read ${read.data?.toString()} after writing ${data.toString()}`);
      goodLoad.ops += 2;
    } catch (err) {
      goodLoad.errors.push(`${path}: ${(err as Error).message}`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

async function srvr(port: number): Promise<string> {
  const probe = await SocketProbe.open(port);
  const chunks: Buffer[] = [];
  probe.socket.on('data', (c: Buffer) => chunks.push(c));
  probe.write(Buffer.from('srvr'));
  await probe.waitFor(() => probe.closed, ANSWER_MS);
  probe.destroy();
  return Buffer.concat(chunks).toString('latin1');
}

before(async () => {
  server = await startServerProcess(writeConfig(dir.path, { dataDir: join(dir.path, 'data'), clientPort: 0, tickTime: 500, maxClientCnxns: 60 }));
  good = await NzkClient.connect(`127.0.0.1:${server.port}`, 10_000);
  goodLoad.done = runGoodSession(good);
  // Taken before the connect starts: the server cannot accept it (and start its timer) any earlier.
  const openedAt = performance.now();
  const probe = await SocketProbe.open(server.port);
  probe.write(Buffer.from([0, 0, 0, 44, 0, 0, 0]));
  const opened = { probe, openedAt, closedAt: null as number | null };
  probe.socket.once('close', () => (opened.closedAt = performance.now()));
  idle = opened;
});

after(async () => {
  goodLoad.stop = true;
  good?.close();
  idle?.probe.destroy();
  await server?.kill9();
  dir.remove();
});

test('garbage before the handshake is answered or closed', { timeout: 60_000 }, async (t) => {
  t.diagnostic(`seed ${rng.seed}`);
  const garbage: Buffer[] = [
    Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'),
    Buffer.from('hello world\r\n'),
    Buffer.alloc(64),
    frame(Buffer.from('hello')),
    frame(Buffer.alloc(0)),
  ];
  for (let i = 0; i < 30; i++) garbage.push(frame(rng.bytes(rng.int(1, 120))));
  for (let i = 0; i < 10; i++) garbage.push(rng.bytes(rng.int(1, 300)));
  for (const bytes of garbage) {
    // Random bytes can be a valid but short length prefix: then the server rightly waits for the rest.
    const waitsForMore = bytes.length < 4 || (bytes.readInt32BE(0) > bytes.length - 4 && bytes.readInt32BE(0) <= JUTE_MAX_BUFFER);
    const probe = await SocketProbe.open(server.port);
    probe.write(bytes);
    if (!waitsForMore) assert.ok(await probe.answeredOrClosed(ANSWER_MS), `neither answered nor closed after ${bytes.subarray(0, 16).toString('hex')}…`);
    probe.destroy();
  }
});

test('half a ConnectRequest, then close', { timeout: 60_000 }, async () => {
  const connect = encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 4000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } });
  for (const cut of [2, 4, 10, Math.floor(connect.length / 2), connect.length - 1]) {
    const probe = await SocketProbe.open(server.port);
    probe.write(connect.subarray(0, cut));
    await new Promise((r) => setTimeout(r, 20));
    probe.socket.end();
    assert.ok(await probe.waitFor(() => probe.closed, ANSWER_MS), `cut at ${cut}: the server kept the half-closed connection`);
    assert.equal(probe.bytes, 0, `cut at ${cut}: the server answered half a ConnectRequest`);
  }
});

test('random frames after the handshake are answered or closed', { timeout: 90_000 }, async () => {
  const opcodes = Object.values(OpCode).filter((op) => op !== OpCode.check && op !== OpCode.notification);
  for (let i = 0; i < 150; i++) {
    const probe = await SocketProbe.handshake(server.port);
    const type = i % 3 === 0 ? rng.int(-(2 ** 31), 2 ** 31) : opcodes[rng.int(0, opcodes.length)]!;
    const body = rng.bytes(rng.int(0, 100));
    const header = Buffer.alloc(8);
    header.writeInt32BE(rng.int(1, 1 << 30), 0);
    header.writeInt32BE(type, 4);
    probe.write(frame(Buffer.concat([header, body])));
    const answered = await probe.answeredOrClosed(ANSWER_MS);
    probe.destroy();
    assert.ok(answered, `opcode ${type} with ${body.length} random body bytes: neither answered nor closed`);
  }
});

test('truncated frames: a short body is answered with an error or closed, a cut frame then EOF is closed', { timeout: 10_000 }, async () => {
  // The frame is whole, but the path inside claims more bytes than the frame holds.
  const inner = new JuteWriter();
  inner.int(1);
  inner.int(OpCode.getData);
  inner.int(500);
  inner.raw(Buffer.from('/short'));
  const probe = await SocketProbe.handshake(server.port);
  probe.write(frame(inner.bytes()));
  assert.ok(await probe.answeredOrClosed(ANSWER_MS), 'a request with a cut-short path was neither answered nor closed');
  if (probe.frames.length > 0) assert.notEqual(decode('ReplyHeader', probe.frames[0]!).err, 0);
  probe.destroy();

  const cut = await SocketProbe.handshake(server.port);
  const whole = request(1, OpCode.create, createBody('/truncated', Buffer.alloc(200, 7)));
  cut.write(whole.subarray(0, 100));
  await new Promise((r) => setTimeout(r, 50));
  assert.equal(cut.bytes, 0, 'the server answered half a frame');
  cut.socket.end();
  assert.ok(await cut.waitFor(() => cut.closed, ANSWER_MS));
});

test('a frame longer than jute.maxbuffer is closed; exactly jute.maxbuffer is served', { timeout: 15_000 }, async () => {
  for (const withSession of [false, true]) {
    const probe = withSession ? await SocketProbe.handshake(server.port) : await SocketProbe.open(server.port);
    probe.write(Buffer.concat([int32(JUTE_MAX_BUFFER + 1), Buffer.alloc(4096, 1)]));
    assert.ok(await probe.waitFor(() => probe.closed, ANSWER_MS), `length ${JUTE_MAX_BUFFER + 1} ${withSession ? 'after' : 'before'} the handshake was not closed`);
    assert.equal(probe.frames.length, 0);
  }

  const probe = await SocketProbe.handshake(server.port);
  const sizeOf = (n: number) => request(1, OpCode.create, createBody('/max-frame', Buffer.alloc(n, 0x61))).length - 4;
  const dataBytes = 1_000_000 + (JUTE_MAX_BUFFER - sizeOf(1_000_000));
  const max = request(1, OpCode.create, createBody('/max-frame', Buffer.alloc(dataBytes, 0x61)));
  assert.equal(max.readInt32BE(0), JUTE_MAX_BUFFER);
  probe.write(max);
  assert.ok(await probe.waitFor(() => probe.frames.length > 0 || probe.closed, 10_000));
  assert.equal(probe.closed, false, `a frame of exactly ${JUTE_MAX_BUFFER} bytes was refused`);
  assert.equal(decode('ReplyHeader', probe.frames[0]!).err, 0);
  probe.destroy();
});

test('a negative frame length is closed', { timeout: 10_000 }, async () => {
  for (const len of [-1, -1000, -(2 ** 31)]) {
    const probe = await SocketProbe.handshake(server.port);
    probe.write(Buffer.concat([int32(len), Buffer.alloc(32)]));
    assert.ok(await probe.waitFor(() => probe.closed, ANSWER_MS), `length ${len} was not closed`);
    assert.equal(probe.frames.length, 0);
  }
});

test('an unknown opcode is answered with err -6 (UNIMPLEMENTED), then closed', { timeout: 10_000 }, async () => {
  for (const type of [999, 23, -7]) {
    const probe = await SocketProbe.handshake(server.port);
    probe.write(request(77, type, Buffer.from('whatever')));
    assert.ok(await probe.waitFor(() => probe.closed, ANSWER_MS), `opcode ${type}: not closed`);
    assert.equal(probe.frames.length, 1, `opcode ${type}: expected one reply`);
    const header = decode('ReplyHeader', probe.frames[0]!);
    assert.equal(header.xid, 77);
    assert.equal(header.err, Err.UNIMPLEMENTED);
  }
});

test('thousands of connects and disconnects leave no connection behind', { timeout: 120_000 }, async (t) => {
  const total = 2000;
  const concurrency = 25;
  let next = 0;
  const startedAt = performance.now();
  const worker = async () => {
    while (next < total) {
      const i = next++;
      if (i % 3 === 0) {
        (await SocketProbe.open(server.port)).destroy();
      } else {
        const probe = await SocketProbe.handshake(server.port, 1000);
        if (i % 3 === 1) probe.destroy();
        else {
          probe.write(request(1, OpCode.closeSession, undefined));
          assert.ok(await probe.waitFor(() => probe.closed, ANSWER_MS), 'closeSession did not close the connection');
        }
      }
    }
  };
  await Promise.all(Array.from({ length: concurrency }, worker));
  const elapsedMs = performance.now() - startedAt;
  t.diagnostic(`${total} connections (a third with no handshake, a third dropped, a third closeSession) in ${elapsedMs.toFixed(0)} ms`);
  // The good session, srvr's own connection, and the idle one of the sessionless-timeout test while it is open.
  const expected = () => 2 + (idle && !idle.probe.closed ? 1 : 0);
  let connections = -1;
  const deadline = performance.now() + 30_000;
  while (performance.now() < deadline) {
    connections = Number(/Connections: (\d+)/.exec(await srvr(server.port))?.[1] ?? -1);
    if (connections >= 0 && connections <= expected()) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  assert.ok(connections >= 0 && connections <= expected(), `srvr still counts ${connections} connections, expected ${expected()}`);
});

test('a huge pipelined burst is answered in order', { timeout: 120_000 }, async (t) => {
  const setup = await SocketProbe.handshake(server.port);
  setup.write(request(1, OpCode.create, createBody('/burst', null)));
  assert.ok(await setup.waitFor(() => setup.frames.length === 1, ANSWER_MS));
  setup.destroy();

  const reads = 20_000;
  const writes = 5_000;
  const w = new JuteWriter(1 << 20);
  for (let xid = 1; xid <= reads + writes; xid++) {
    const mark = w.beginFrame();
    w.int(xid);
    if (xid % 5 === 0) {
      w.int(OpCode.setData);
      w.ustring('/burst');
      w.buffer(Buffer.alloc(100, xid & 0xff));
      w.int(-1);
    } else {
      w.int(OpCode.exists);
      w.ustring('/burst');
      w.boolean(false);
    }
    w.endFrame(mark);
  }
  const burst = w.bytes();

  // A client that sends it all and vanishes must not hurt the server.
  const rude = await SocketProbe.handshake(server.port);
  rude.write(burst);
  rude.destroy();

  const probe = await SocketProbe.handshake(server.port, 10_000);
  const startedAt = performance.now();
  probe.socket.pause();
  probe.write(burst);
  await new Promise((r) => setTimeout(r, 500));
  probe.socket.resume();
  assert.ok(await probe.waitFor(() => probe.frames.length >= reads + writes || probe.closed, 90_000), `only ${probe.frames.length} replies`);
  const elapsedMs = performance.now() - startedAt;
  t.diagnostic(`${reads + writes} pipelined requests (${burst.length} bytes) answered in ${elapsedMs.toFixed(0)} ms`);
  assert.equal(probe.closed, false);
  let lastVersion = -1;
  for (let i = 0; i < probe.frames.length; i++) {
    const f = probe.frames[i]!;
    const header = decode('ReplyHeader', f);
    assert.equal(header.xid, i + 1, 'replies out of order');
    assert.equal(header.err, 0, `xid ${header.xid}: err ${header.err}`);
    if (header.xid % 5 === 0) {
      const stat = decode('SetDataResponse', f, 16).stat;
      assert.ok(stat.version > lastVersion, 'setData versions out of order');
      lastVersion = stat.version;
    }
  }
  probe.destroy();
});

test('the well-behaved session saw no error and the server survived', { timeout: 60_000 }, async (t) => {
  // Still served after all of the above: it completes another write and read.
  const opsBefore = goodLoad.ops;
  const deadline = performance.now() + 30_000;
  while (goodLoad.ops <= opsBefore && goodLoad.errors.length === 0 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  goodLoad.stop = true;
  await goodLoad.done;
  t.diagnostic(`good session: ${goodLoad.ops} operations, states after connecting: [${good.states.join(', ')}]`);
  assert.deepEqual(goodLoad.errors, []);
  assert.deepEqual(good.states, [], 'the good session lost its connection');
  assert.ok(goodLoad.ops > opsBefore, `the good session made no progress after the abuse (${goodLoad.ops} operations in all)`);
  assert.ok(server.isRunning(), `the server exited: ${server.stderr()}`);
  assert.match(await srvr(server.port), /Mode: standalone/);
  const stderr = server.stderr().trim();
  if (stderr) t.diagnostic(`server stderr: ${stderr.slice(0, 2000)}`);
  const kinds = new Map<string, number>();
  for (const line of server.stdout().split('\n')) {
    const kind = line.replace(/\/[\d.:]+|0x[0-9a-f]+|-?\d+/g, '#').slice(0, 70);
    if (kind) kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
  }
  for (const [kind, n] of kinds) t.diagnostic(`server log ${n}× ${kind}`);
});

test('maxClientCnxns=5: the sixth connection from one address is closed', { timeout: 60_000 }, async (t) => {
  const limited = tempDir('zk-maxcnxns-');
  const s = await startServerProcess(writeConfig(limited.path, { dataDir: join(limited.path, 'data'), clientPort: 0, maxClientCnxns: 5 }));
  const probes: SocketProbe[] = [];
  t.after(async () => {
    for (const p of probes) p.destroy();
    await s.kill9();
    limited.remove();
  });
  for (let i = 0; i < 5; i++) probes.push(await SocketProbe.handshake(s.port));
  const sixth = await SocketProbe.open(s.port);
  probes.push(sixth);
  sixth.write(encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 4000, sessionId: 0n, passwd: Buffer.alloc(16) } }));
  assert.ok(await sixth.waitFor(() => sixth.closed, ANSWER_MS), 'the sixth connection was not closed');
  assert.equal(sixth.bytes, 0, 'the sixth connection got an answer');
  for (const p of probes.slice(0, 5)) assert.equal(p.closed, false, 'an earlier connection was closed');

  probes[0]!.destroy();
  await new Promise((r) => setTimeout(r, 200));
  const again = await SocketProbe.handshake(s.port);
  probes.push(again);
  assert.ok(again.session.timeOut > 0, 'a slot freed by a closed connection was not reused');
  assert.match(s.stdout() + s.stderr(), /Too many connections from \/127\.0\.0\.1 - max is 5/);
});

test(
  'a connection that never finishes its handshake is closed after the sessionless timeout',
  { timeout: 60_000 },
  async () => {
    const idleCnxn = idle!;
    const { probe, openedAt } = idleCnxn;
    const waitMs = Math.max(0, openedAt + SESSIONLESS_TIMEOUT_MS + SESSIONLESS_LATE_MS - performance.now());
    assert.ok(await probe.waitFor(() => probe.closed, waitMs), `still open ${((performance.now() - openedAt) / 1000).toFixed(1)} s after half a ConnectRequest`);
    const openMs = idleCnxn.closedAt! - openedAt;
    assert.ok(openMs >= SESSIONLESS_TIMEOUT_MS - SESSIONLESS_EARLY_MS, `closed after only ${openMs.toFixed(0)} ms, before the sessionless timeout`);
  },
);
