import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createConnection, createServer, type Server, type Socket } from 'node:net';
import { ElectionTransport, type PeerAddress } from '../../../../src/zookeeper/ensemble/election-transport.js';
import {
  ServerState, encodeInitialMessage, encodeNotification, frameElectionMessage, type Notification,
} from '../../../../src/zookeeper/quorum/wire/election-messages.js';
import { freePort } from '../../../support/ports.js';
import { waitFor } from '../../../support/zk-ensemble.js';

const vote = (leader: bigint): Notification => ({
  state: ServerState.LOOKING, leader, zxid: 0x100000002n, electionEpoch: 3n, peerEpoch: 1n, version: 2, config: Buffer.from('version=0'),
});

interface Node {
  transport: ElectionTransport;
  received: [bigint, Notification][];
  connected: bigint[];
}

function node(mySid: bigint, peers: Map<bigint, PeerAddress>): Node {
  const n: Node = { received: [], connected: [], transport: null as unknown as ElectionTransport };
  n.transport = new ElectionTransport({
    mySid, peers, listen: peers.get(mySid)!, connectTimeoutMs: 2000,
    onNotification: (from, m) => n.received.push([from, m]),
    onConnected: (sid) => n.connected.push(sid),
    onDisconnected: () => {},
    log: () => {},
  });
  return n;
}

async function addresses(sids: bigint[]): Promise<Map<bigint, PeerAddress>> {
  const m = new Map<bigint, PeerAddress>();
  for (const sid of sids) m.set(sid, { host: '127.0.0.1', port: await freePort() });
  return m;
}

/** A fake peer: a listening socket that records what connects to it. */
async function fakePeer(addr: PeerAddress): Promise<{ server: Server; bytes: () => Buffer; close(): Promise<void> }> {
  const chunks: Buffer[] = [];
  const sockets: Socket[] = [];
  const server = createServer((s) => {
    sockets.push(s);
    s.on('data', (c: Buffer) => chunks.push(c));
  });
  await new Promise<void>((r) => server.listen(addr.port, addr.host, r));
  return {
    server,
    bytes: () => Buffer.concat(chunks),
    close: () => {
      for (const s of sockets) s.destroy();
      return new Promise((r) => server.close(() => r()));
    },
  };
}

test('the smaller sid dials, hands over, and the larger sid dials back: one connection, the message arrives', async (t) => {
  const peers = await addresses([1n, 2n]);
  const a = node(1n, peers);
  const b = node(2n, peers);
  t.after(() => Promise.all([a.transport.close(), b.transport.close()]));
  await a.transport.start();
  await b.transport.start();
  a.transport.send(2n, vote(1n));
  await waitFor(async () => b.received.length === 1, 'the notification at 2', 5000);
  assert.deepEqual(b.received[0], [1n, vote(1n)]);
  assert.deepEqual(a.connected, [2n]);
  assert.deepEqual(b.connected, [1n]);
  b.transport.send(1n, vote(2n));
  await waitFor(async () => a.received.length === 1, 'the answer at 1', 5000);
  assert.deepEqual(a.received[0], [2n, vote(2n)]);
  // A message to oneself is delivered locally.
  a.transport.send(1n, vote(1n));
  await waitFor(async () => a.received.length === 2, 'the message to myself', 5000);
  assert.deepEqual(a.received[1], [1n, vote(1n)]);
});

test('an incoming connection from a smaller sid is closed and dialled back with the V1 handshake', async (t) => {
  const peers = await addresses([1n, 2n]);
  const b = node(2n, peers);
  const fake1 = await fakePeer(peers.get(1n)!);
  t.after(() => Promise.all([b.transport.close(), fake1.close()]));
  await b.transport.start();
  const s = createConnection(peers.get(2n)!);
  t.after(() => s.destroy());
  s.write(encodeInitialMessage(1n, [`127.0.0.1:${peers.get(1n)!.port}`]));
  const closed = new Promise<void>((r) => s.once('close', () => r()));
  s.resume();
  await closed;
  const me = `127.0.0.1:${peers.get(2n)!.port}`;
  const handshake = Buffer.concat([Buffer.from('ffffffffffff0000' + '0000000000000002', 'hex'), Buffer.from([0, 0, 0, me.length]), Buffer.from(me)]);
  await waitFor(async () => fake1.bytes().length >= handshake.length, 'the dial-back handshake', 5000);
  assert.deepEqual(fake1.bytes().subarray(0, handshake.length), handshake);
});

test('a connection from a larger sid is kept: length-prefixed notifications both ways; an unknown sid is closed', async (t) => {
  const peers = await addresses([1n, 2n, 3n]);
  const b = node(2n, peers);
  t.after(() => b.transport.close());
  await b.transport.start();
  const s = createConnection(peers.get(2n)!);
  t.after(() => s.destroy());
  const got: Buffer[] = [];
  s.on('data', (c: Buffer) => got.push(c));
  s.write(Buffer.concat([encodeInitialMessage(3n, [`127.0.0.1:${peers.get(3n)!.port}`]), frameElectionMessage(encodeNotification(vote(3n)))]));
  await waitFor(async () => b.received.length === 1, 'the notification from 3', 5000);
  assert.deepEqual(b.received[0], [3n, vote(3n)]);
  b.transport.send(3n, vote(2n));
  const framed = frameElectionMessage(encodeNotification(vote(2n)));
  await waitFor(async () => Buffer.concat(got).length >= framed.length, 'the answer on the same connection', 5000);
  assert.deepEqual(Buffer.concat(got), framed);

  const stranger = createConnection(peers.get(2n)!);
  t.after(() => stranger.destroy());
  stranger.write(encodeInitialMessage(9n, ['127.0.0.1:1']));
  stranger.resume();
  await new Promise<void>((r) => stranger.once('close', () => r()));
  assert.equal(b.received.length, 1);
});
