// Requests that reach the server in many small pieces: a 512 KiB create written 1 KiB at a time, and a small
// request one byte at a time, are each answered once, correctly, and the node holds every byte.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { after, before, test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { RawZkClient, createBody, type Reply } from './raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from './server-process.js';

const NODE_BYTES = 512 * 1024;
const dir = tempDir('zk-split-frames-');
let server: ServerProcess;

before(async () => {
  server = await startServerProcess(writeConfig(dir.path, {
    dataDir: join(dir.path, 'data'),
    clientPort: 0,
    clientPortAddress: '127.0.0.1',
    'jute.maxbuffer': 2 * NODE_BYTES,
  }));
});

after(async () => {
  await server?.kill9();
  dir.remove();
});

/** Sends one request with its frame cut into `pieceBytes` writes, each handed to the kernel before the next. */
async function requestInPieces(client: RawZkClient, type: number, body: unknown, pieceBytes: number): Promise<Reply> {
  const socket = client.socket;
  const write = socket.write.bind(socket);
  let frame: Buffer | undefined;
  socket.write = ((bytes: Buffer) => {
    frame = Buffer.from(bytes);
    return true;
  }) as typeof socket.write;
  const reply = client.request(type, body);
  socket.write = write;
  assert.ok(frame, 'the request was encoded');
  for (let pos = 0; pos < frame.length; pos += pieceBytes) {
    await new Promise<void>((resolve, reject) => write(frame!.subarray(pos, pos + pieceBytes), (err) => (err ? reject(err) : resolve())));
    await new Promise((resolve) => setImmediate(resolve));
  }
  return reply;
}

test('a 512 KiB create written 1 KiB at a time is applied whole', { timeout: 60_000 }, async () => {
  const client = await RawZkClient.connect(server.port);
  try {
    const data = Buffer.alloc(NODE_BYTES);
    for (let i = 0; i < data.length; i++) data[i] = i % 251;
    const created = await requestInPieces(client, OpCode.create, createBody('/pieces', data), 1024);
    assert.equal(created.header.err, 0);
    const read = await client.request(OpCode.getData, { path: '/pieces', watch: false });
    assert.equal(read.header.err, 0);
    assert.ok((read.body as { data: Buffer }).data.equals(data), 'the stored data equals what was sent');
  } finally {
    await client.closeSession();
  }
});

test('a request written one byte at a time is answered once', { timeout: 60_000 }, async () => {
  const client = await RawZkClient.connect(server.port);
  try {
    const reply = await requestInPieces(client, OpCode.exists, { path: '/pieces', watch: false }, 1);
    assert.equal(reply.header.err, 0);
    assert.equal((reply.body as { stat: { dataLength: number } }).stat.dataLength, NODE_BYTES);
    assert.deepEqual(client.unsolicited, [], 'no reply the client did not ask for');
  } finally {
    await client.closeSession();
  }
});
