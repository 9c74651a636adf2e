// How a broker connection reads requests into its own buffers: small and large frames mixed, pipelined in one
// write or split at odd places, each handed over with exactly the bytes sent, and still those bytes after later
// reads (which may reuse the pooled buffers of requests already answered).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, encodeRequest } from '../../../../src/kafka/protocol/index.js';
import { silentLog } from '../../../../src/kafka/broker/broker-log.js';
import { Dispatcher } from '../../../../src/kafka/broker/dispatcher.js';
import type { ApiHandler } from '../../../../src/kafka/broker/handler.js';
import { SocketServer } from '../../../../src/kafka/broker/socket-server.js';
import { FrameSocket } from '../../../support/frame-socket.js';

/** Copies of the records of every produce, taken when it arrives and again once every request of the round arrived. */
const seen = new Map<number, { atArrival: Buffer; later: Promise<Buffer> }>();
let answered = 0;

const produce: ApiHandler<typeof ApiKey.Produce> = {
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: 7,
  async handle(request, ctx) {
    const records = request.topicData[0]!.partitionData[0]!.records!;
    const atArrival = Buffer.from(records);
    // Read again only after every request of the round was received: their reads must not have written over this
    // request's bytes.
    const later = new Promise<Buffer>((resolve) => {
      const check = () => (answered >= expected ? resolve(Buffer.from(records)) : setTimeout(check, 2));
      check();
    });
    seen.set(ctx.header.correlationId, { atArrival, later });
    answered++;
    await later;
    return { responses: [], throttleTimeMs: 0 };
  },
};

/** Group-metadata stand-in: keeps each SyncGroup's assignment (a view of the request) and answers with it. */
const kept: { id: number; view: Buffer; copy: Buffer }[] = [];
const syncGroup: ApiHandler<typeof ApiKey.SyncGroup> = {
  apiKey: ApiKey.SyncGroup,
  minVersion: 0,
  maxVersion: 3,
  async handle(request, ctx) {
    const view = request.assignments[0]!.assignment;
    kept.push({ id: ctx.header.correlationId, view, copy: Buffer.from(view) });
    return { throttleTimeMs: 0, errorCode: 0, assignment: view };
  },
};

let expected = 0;
let server: SocketServer;
let port: number;

before(async () => {
  server = await SocketServer.start({
    brokerId: 1,
    listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    dispatcher: new Dispatcher([produce, syncGroup]),
    limits: { maxRequestBytes: 8 * 1024 * 1024, maxUnsentBytes: 1024 * 1024, maxInFlightRequests: 100, idleTimeoutMs: 0, closeLingerMs: 1000 },
    maxConnections: 10,
    maxConnectionsPerIp: 10,
    log: silentLog,
  });
  port = server.boundListeners()[0]!.port;
});

after(() => server.close(1000));

function produceRequest(correlationId: number, records: Buffer): Buffer {
  return Buffer.concat(
    encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 7, correlationId, clientId: 'test' }, {
      transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }],
    }),
  );
}

/** Distinct bytes per request: a counter pattern seeded by the correlation id. */
function recordsOf(correlationId: number, size: number): Buffer {
  const b = Buffer.allocUnsafe(size);
  for (let i = 0; i < size; i++) b[i] = (i * 7 + correlationId * 13) & 0xff;
  return b;
}

// Small frames that share reads, ones that straddle the end of a receive buffer, and large ones read into their own.
const MIXED = [100, 1_000, 20_000, 300_000, 50, 1_500_000, 70_000, 70_000, 70_000, 10, 600_000, 4_000, 2_000_000, 200_000, 5];
/** Enough medium frames to fill several receive buffers. */
const MEDIUM = Array.from({ length: 90 }, (_, i) => 60_000 + ((i * 7919) % 40_000));

async function roundTrip(SIZES: number[], send: (s: FrameSocket, frames: Buffer[]) => void, firstId: number): Promise<void> {
  seen.clear();
  answered = 0;
  expected = SIZES.length;
  const frames = SIZES.map((size, i) => produceRequest(firstId + i, recordsOf(firstId + i, size)));
  const s = await FrameSocket.open(port);
  send(s, frames);
  for (let i = 0; i < SIZES.length; i++) {
    assert.ok(await s.waitForFrame(20_000), `only ${i} of ${SIZES.length} responses arrived`);
    assert.equal(s.take().readInt32BE(4), firstId + i);
  }
  for (let i = 0; i < SIZES.length; i++) {
    const id = firstId + i;
    const want = recordsOf(id, SIZES[i]!);
    const got = seen.get(id);
    assert.ok(got, `request ${id} was not handled`);
    assert.ok(got.atArrival.equals(want), `request ${id} (${SIZES[i]} bytes) arrived with other bytes than were sent`);
    assert.ok((await got.later).equals(want), `request ${id} (${SIZES[i]} bytes) changed once later requests were read`);
  }
  s.end();
}

test('pipelined requests of mixed sizes sent in one write each arrive with their own bytes, and keep them', async () => {
  await roundTrip(MIXED, (s, frames) => s.send(Buffer.concat(frames)), 1000);
});

test('the same requests split at odd places across many writes arrive whole, with their own bytes', async () => {
  await roundTrip(MIXED, (s, frames) => {
    const all = Buffer.concat(frames);
    for (let at = 0, step = 1; at < all.length; at += step, step = (step * 31 + 17) % 90_001) s.send(all.subarray(at, at + step));
  }, 2000);
});

test('many requests that fill receive buffer after receive buffer keep their bytes while the buffers are recycled', async () => {
  await roundTrip(MEDIUM, (s, frames) => s.send(Buffer.concat(frames)), 3000);
  await roundTrip(MEDIUM, (s, frames) => {
    for (const f of frames) s.send(f);
  }, 4000);
});

test('request bytes a handler keeps and answers with stay as they were after the answer is written', async () => {
  kept.length = 0;
  const syncGroupRequest = (correlationId: number) => Buffer.concat(
    encodeRequest({ apiKey: ApiKey.SyncGroup, apiVersion: 3, correlationId, clientId: 'test' }, {
      groupId: 'g', generationId: 1, memberId: 'm', groupInstanceId: null, assignments: [{ memberId: 'm', assignment: recordsOf(correlationId, 20_000) }],
    }),
  );
  const s = await FrameSocket.open(port);
  // Answers of 20 kB carry the kept bytes by reference; the produce round after them reads through buffer after buffer.
  s.send(Buffer.concat(Array.from({ length: 60 }, (_, i) => syncGroupRequest(5000 + i))));
  for (let i = 0; i < 60; i++) {
    assert.ok(await s.waitForFrame(20_000), `only ${i} of 60 responses arrived`);
    s.take();
  }
  s.end();
  await roundTrip(MEDIUM, (c, frames) => c.send(Buffer.concat(frames)), 6000);
  assert.equal(kept.length, 60);
  for (const k of kept) assert.ok(k.view.equals(k.copy), `the bytes kept from request ${k.id} changed`);
});
