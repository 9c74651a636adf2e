// A multiRead whose reply would be longer than jute.maxbuffer is refused before the reply is built: the server
// closes that connection (as it does for a request frame over jute.maxbuffer) and stays up for everyone else.
// Apache ZooKeeper 3.8 has no such check: it builds and sends the reply (a client with the same jute.maxbuffer
// then drops the connection on "Packet len ... is out of range"), and a reply larger than its heap kills the
// server with an OutOfMemoryError. A total of 1,000 × 1 MiB here would be a 1 GiB reply; the server closing the
// connection without sending a byte of it shows the size was checked first.
import assert from 'node:assert/strict';
import type { Socket } from 'node:net';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { Err, OpCode } from '../../src/zookeeper/jute/constants.js';
import { encodeClientFrame, type MultiResult } from '../../src/zookeeper/jute/protocol-frames.js';
import { NzkClient } from './nzk-client.js';
import { RawZkClient, createBody, openSocket } from './raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';

const NODE_BYTES = 1024 * 1024;
const JUTE_MAX_BUFFER = 2 * NODE_BYTES;
const NODES = 4;
const ANSWER_MS = 10_000;

const dir = tempDir('zk-oversize-reply-');
let server: ServerProcess;
let other: NzkClient | null = null;

before(async () => {
  server = await startServerProcess(writeConfig(dir.path, {
    dataDir: join(dir.path, 'data'),
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
    '4lw.commands.whitelist': 'ruok',
    'jute.maxbuffer': JUTE_MAX_BUFFER,
  }));
  const setup = await RawZkClient.connect(server.port);
  for (let i = 0; i < NODES; i++) {
    assert.equal((await setup.request(OpCode.create, createBody(`/big${i}`, Buffer.alloc(NODE_BYTES, i)))).header.err, 0);
  }
  await setup.closeSession();
  other = await NzkClient.connect(`127.0.0.1:${server.port}`, 10_000);
  await other.create('/other', Buffer.from('before'));
});

after(async () => {
  other?.close();
  await server?.kill9();
  dir.remove();
});

function getDataOps(count: number): { type: number; request: unknown }[] {
  return Array.from({ length: count }, (_, i) => ({ type: OpCode.getData, request: { path: `/big${i % NODES}`, watch: false } }));
}

/** A session on a bare socket that counts what arrives after its handshake instead of keeping it. */
async function countingSession(): Promise<{ socket: Socket; bytesAfterHandshake(): number; closed: Promise<void> }> {
  const socket = await openSocket(server.port);
  socket.on('error', () => {});
  let bytes = 0;
  let handshakeBytes = -1;
  const handshake = new Promise<void>((resolve) => {
    socket.on('data', (chunk: Buffer) => {
      bytes += chunk.length;
      if (handshakeBytes < 0 && bytes >= 4) {
        handshakeBytes = 4 + chunk.readInt32BE(0);
        resolve();
      }
    });
  });
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  socket.write(encodeClientFrame({ kind: 'connect', req: { protocolVersion: 0, lastZxidSeen: 0n, timeOut: 10_000, sessionId: 0n, passwd: Buffer.alloc(16), readOnly: false } }));
  await handshake;
  return { socket, bytesAfterHandshake: () => bytes - handshakeBytes, closed };
}

test('a multiRead that fits in jute.maxbuffer is answered', async () => {
  const client = await RawZkClient.connect(server.port);
  try {
    const ops = [...getDataOps(1), { type: OpCode.getData, request: { path: '/missing', watch: false } }, { type: OpCode.getChildren, request: { path: '/', watch: false } }];
    const reply = await client.request(OpCode.multiRead, ops);
    assert.equal(reply.header.err, 0);
    const results = reply.body as MultiResult[];
    assert.deepEqual(results.map((r) => [r.type, r.err]), [[OpCode.getData, 0], [OpCode.error, Err.NONODE], [OpCode.getChildren, 0]]);
    assert.deepEqual((results[0]!.response as { data: Buffer }).data, Buffer.alloc(NODE_BYTES, 0));
  } finally {
    client.destroy();
  }
});

test('a multiRead whose reply would pass jute.maxbuffer closes that connection, unanswered', { timeout: 30_000 }, async () => {
  const offender = await countingSession();
  // Two replies first, to show that what was answered before the refusal still arrives.
  offender.socket.write(encodeClientFrame({ kind: 'request', header: { xid: 1, type: OpCode.exists }, body: { path: '/other', watch: false } }));
  offender.socket.write(encodeClientFrame({ kind: 'request', header: { xid: 2, type: OpCode.multiRead }, body: getDataOps(1000) }));
  const closedInTime = await Promise.race([offender.closed.then(() => true), new Promise<boolean>((r) => setTimeout(() => r(false), ANSWER_MS))]);
  offender.socket.destroy();
  assert.ok(closedInTime, 'the server kept the connection open');
  // The exists reply (16-byte header + 68-byte Stat, and its length prefix) and nothing of the multiRead.
  assert.equal(offender.bytesAfterHandshake(), 4 + 16 + 68);

  assert.equal(await sendFourLetterWord('127.0.0.1', server.port, 'ruok', ANSWER_MS), 'imok');
  assert.match(server.stdout(), /multiRead xid 2 .* over jute\.maxbuffer \(2097152\); closing/);
  await other!.setData('/other', Buffer.from('after'));
  assert.equal((await other!.getData('/other')).data?.toString(), 'after');
  assert.deepEqual(other!.states, [], 'the other session lost its connection');
});

test('a multiRead of the same large node many times over is refused the same way', { timeout: 30_000 }, async () => {
  // 3,000 × 1 MiB: past what one frame's 32-bit length can say at all.
  const client = await RawZkClient.connect(server.port);
  const ops = Array.from({ length: 3000 }, () => ({ type: OpCode.getData, request: { path: '/big0', watch: false } }));
  await assert.rejects(client.request(OpCode.multiRead, ops), { code: 'CONNECTION_CLOSED' });
  assert.equal(await sendFourLetterWord('127.0.0.1', server.port, 'ruok', ANSWER_MS), 'imok');
});
