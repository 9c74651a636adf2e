import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { ApiKey, decodeResponse, encodeRequest } from '../../../../src/kafka/protocol/index.js';
import { silentLog } from '../../../../src/kafka/broker/broker-log.js';
import { LocalBrokerMetadata, ZERO_UUID, type BrokerMetadata, type MetadataTopic } from '../../../../src/kafka/broker/broker-metadata.js';
import { Dispatcher } from '../../../../src/kafka/broker/dispatcher.js';
import { CloseConnection, NO_RESPONSE, type ApiHandler } from '../../../../src/kafka/broker/handler.js';
import { metadataHandler } from '../../../../src/kafka/broker/handlers/03-metadata.js';
import { apiVersionsHandler } from '../../../../src/kafka/broker/handlers/18-api-versions.js';
import { RequestHooks } from '../../../../src/kafka/broker/request-hooks.js';
import { SocketServer } from '../../../../src/kafka/broker/socket-server.js';
import { FrameSocket } from '../../../support/frame-socket.js';

const MAX_REQUEST_BYTES = 64 * 1024;

/** The records of each produce to topic "check", as they read at the end of its (slow) handling. */
const checked: Buffer[] = [];

/**
 * Produce stand-in: acks=0 gets no response; a topic named "fail" fails (closing the connection, as Kafka does for
 * acks=0); one named "check" is answered only after other requests were read, and records its bytes as they are then.
 */
const produce: ApiHandler<typeof ApiKey.Produce> = {
  apiKey: ApiKey.Produce,
  minVersion: 3,
  maxVersion: 7,
  async handle(request) {
    if (request.topicData.some((t) => t.name === 'fail')) throw new CloseConnection('produce to "fail" failed with acks=0');
    if (request.topicData[0]?.name === 'check') {
      const records = request.topicData[0].partitionData[0]!.records!;
      await new Promise((resolve) => setTimeout(resolve, 20));
      checked.push(Buffer.from(records));
    }
    if (request.acks === 0) return NO_RESPONSE;
    return { responses: [], throttleTimeMs: 0 };
  },
};

/** A cluster with many topics, so that Metadata answers are large (back-pressure test). */
class BigMetadata extends LocalBrokerMetadata implements BrokerMetadata {
  readonly topics: MetadataTopic[] = Array.from({ length: 1500 }, (_, i) => ({
    name: `topic-${String(i).padStart(5, '0')}`,
    topicId: ZERO_UUID,
    isInternal: false,
    partitions: [{ partition: 0, leaderId: 1, leaderEpoch: 0, replicas: [1], isr: [1], offlineReplicas: [], errorCode: 0 }],
  }));
  override allTopics(): Iterable<MetadataTopic> {
    return this.topics;
  }
}

const hooks = new RequestHooks();
let server: SocketServer;
let port: number;
const metadata = new BigMetadata(1, 'c1');
metadata.setEndpoints([{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port: 0 }]);

before(async () => {
  let dispatcher: Dispatcher | undefined;
  dispatcher = new Dispatcher([produce, metadataHandler(metadata), apiVersionsHandler(() => dispatcher!.versionTable())], hooks);
  server = await SocketServer.start({
    brokerId: 1,
    listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    dispatcher,
    limits: { maxRequestBytes: MAX_REQUEST_BYTES, maxUnsentBytes: 64 * 1024, maxInFlightRequests: 50, idleTimeoutMs: 0, closeLingerMs: 1000 },
    maxConnections: 100,
    maxConnectionsPerIp: 20,
    log: silentLog,
  });
  port = server.boundListeners()[0]!.port;
});

after(() => server.close(1000));

function apiVersions(correlationId: number, version = 2): Buffer {
  return Buffer.concat(encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: version, correlationId, clientId: 'test' }, {}));
}

function produceRequest(correlationId: number, acks: number, topic = 't', records: Buffer | null = null): Buffer {
  return Buffer.concat(
    encodeRequest({ apiKey: ApiKey.Produce, apiVersion: 7, correlationId, clientId: 'test' }, {
      transactionalId: null,
      acks,
      timeoutMs: 1000,
      topicData: [{ name: topic, partitionData: [{ index: 0, records }] }],
    }),
  );
}

const correlationOf = (frame: Buffer) => frame.readInt32BE(4);

async function frames(socket: FrameSocket, count: number): Promise<Buffer[]> {
  const out: Buffer[] = [];
  while (out.length < count) {
    assert.ok(await socket.waitForFrame(10_000), `only ${out.length} of ${count} responses arrived`);
    out.push(socket.take());
  }
  return out;
}

async function stillServes(): Promise<void> {
  const other = await FrameSocket.open(port);
  other.send(apiVersions(500));
  const [frame] = await frames(other, 1);
  assert.equal(correlationOf(frame!), 500);
  other.end();
}

test('framing: requests split byte by byte and requests sharing one write are all answered', async () => {
  const s = await FrameSocket.open(port);
  const one = apiVersions(1);
  for (const byte of one) s.send(Buffer.from([byte]));
  s.send(Buffer.concat([apiVersions(2), apiVersions(3, 0)]));
  const got = await frames(s, 3);
  assert.deepEqual(got.map(correlationOf), [1, 2, 3]);
  const { body } = decodeResponse(ApiKey.ApiVersions, 0, got[2]!.subarray(4));
  assert.deepEqual(body.apiKeys.map((k) => k.apiKey), [ApiKey.Produce, ApiKey.Metadata, ApiKey.ApiVersions]);
  s.end();
});

test("kafka-python's probe: ApiVersions v0 and Metadata v0 sent back to back are both answered, in order", async () => {
  const s = await FrameSocket.open(port);
  const metadataV0 = Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 0, correlationId: 2, clientId: 'kafka-python' }, { topics: [] }));
  s.send(Buffer.concat([apiVersions(1, 0), metadataV0]));
  const [versions, meta] = await frames(s, 2);
  assert.equal(correlationOf(versions!), 1);
  assert.equal(decodeResponse(ApiKey.ApiVersions, 0, versions!.subarray(4)).body.errorCode, 0);
  const { correlationId, body } = decodeResponse(ApiKey.Metadata, 0, meta!.subarray(4));
  assert.equal(correlationId, 2);
  assert.equal(body.topics.length, metadata.topics.length, 'an empty v0 topic list means all topics');
  s.end();
});

test('a large request arriving in many small chunks is read whole and answered', async () => {
  const topics = Array.from({ length: 2000 }, (_, i) => ({ name: `wanted-topic-name-${i}` }));
  const request = Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 77, clientId: null }, { topics }));
  assert.ok(request.length > 40_000 && request.length < MAX_REQUEST_BYTES);
  const s = await FrameSocket.open(port);
  for (let at = 0; at < request.length; at += 1000) s.send(request.subarray(at, at + 1000));
  const [frame] = await frames(s, 1);
  const { correlationId, body } = decodeResponse(ApiKey.Metadata, 1, frame!.subarray(4));
  assert.equal(correlationId, 77);
  assert.deepEqual(body.topics.map((t) => t.name), topics.map((t) => t.name));
  s.end();
});

test('pipelined produce requests split across reads each keep their own bytes until answered, and after', async () => {
  checked.length = 0;
  const records = (fill: number) => Buffer.alloc(20_000, fill);
  const s = await FrameSocket.open(port);
  // Sent in small pieces, so that each request is gathered from several reads; the handler of each is still running
  // while the next ones are read, and a request read after the first answers may reuse the buffer of an answered one.
  const sendInPieces = (frame: Buffer) => {
    for (let at = 0; at < frame.length; at += 700) s.send(frame.subarray(at, at + 700));
  };
  for (let i = 0; i < 4; i++) sendInPieces(produceRequest(40 + i, 1, 'check', records(0x61 + i)));
  assert.deepEqual((await frames(s, 4)).map(correlationOf), [40, 41, 42, 43]);
  for (let i = 4; i < 8; i++) sendInPieces(produceRequest(40 + i, 1, 'check', records(0x61 + i)));
  assert.deepEqual((await frames(s, 4)).map(correlationOf), [44, 45, 46, 47]);
  assert.deepEqual(checked.map((b) => b.length), new Array(8).fill(20_000));
  checked.forEach((b, i) => assert.ok(b.equals(records(0x61 + i)), `request ${i} read other bytes than were sent`));
  s.end();
});

test('responses go out in request order when an earlier request takes longer', async (t) => {
  t.after(() => hooks.clear());
  hooks.set(ApiKey.ApiVersions, (r) => ({ delayMs: r.correlationId === 10 ? 150 : r.correlationId === 11 ? 50 : 0 }));
  const s = await FrameSocket.open(port);
  s.send(Buffer.concat([apiVersions(10), apiVersions(11), apiVersions(12)]));
  assert.deepEqual((await frames(s, 3)).map(correlationOf), [10, 11, 12]);
  s.end();
});

test('acks=0 produce gets no response, and the responses around it keep their order', async (t) => {
  t.after(() => hooks.clear());
  // The acks=1 produce is slow, the acks=0 one before it is not: nothing may overtake the slow one.
  hooks.set(ApiKey.Produce, (r) => (r.body.acks === 1 ? { delayMs: 100 } : undefined));
  const s = await FrameSocket.open(port);
  s.send(Buffer.concat([apiVersions(20), produceRequest(21, 0), produceRequest(22, 1), produceRequest(23, 0), apiVersions(24)]));
  assert.deepEqual((await frames(s, 3)).map(correlationOf), [20, 22, 24]);
  s.send(apiVersions(25));
  assert.deepEqual((await frames(s, 1)).map(correlationOf), [25], 'no response to the acks=0 produces ever came');
  s.end();
});

test('a failed acks=0 produce closes the connection after the responses before it are sent', async () => {
  const s = await FrameSocket.open(port);
  s.send(Buffer.concat([apiVersions(30), produceRequest(31, 0, 'fail'), apiVersions(32)]));
  assert.deepEqual((await frames(s, 1)).map(correlationOf), [30]);
  assert.ok(await s.waitForClose(10_000));
  assert.equal(s.queued.length, 0, 'nothing after the failed produce was answered');
  await stillServes();
});

test('a frame larger than socket.request.max.bytes closes that connection only', async () => {
  const s = await FrameSocket.open(port);
  const size = Buffer.alloc(4);
  size.writeInt32BE(MAX_REQUEST_BYTES + 1);
  s.send(size);
  assert.ok(await s.waitForClose(10_000));
  await stillServes();
});

test('a negative size, garbage, and an unknown api key close the connection without an answer', async () => {
  for (const bytes of [
    Buffer.from('ffffffff00', 'hex'),
    Buffer.concat([Buffer.from('0000000c', 'hex'), Buffer.from('GET / HTTP/1.')]).subarray(0, 16),
    Buffer.from('0000000a' + '0063000000000001ffff', 'hex'),
    Buffer.from('00000006' + '001200000000', 'hex'),
  ]) {
    const s = await FrameSocket.open(port);
    s.send(bytes);
    assert.ok(await s.waitForClose(10_000), bytes.toString('hex'));
    assert.equal(s.queued.length, 0);
  }
  await stillServes();
});

test('a client that does not read is paused once its unsent responses pass the bound; it gets everything once it reads', async () => {
  const total = 400;
  let handled = 0;
  hooks.set(ApiKey.Metadata, () => {
    handled++;
    return undefined;
  });
  const raw = connect({ host: '127.0.0.1', port });
  await new Promise((resolve) => raw.once('connect', resolve));
  raw.pause();
  const request = (id: number) => Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: id, clientId: null }, { topics: null }));
  raw.write(Buffer.concat(Array.from({ length: total }, (_, i) => request(i))));
  const deadline = Date.now() + 10_000;
  const conn = () => server.openConnections().find((c) => c.socket.remotePort === raw.localPort);
  while (!conn()?.paused && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.ok(conn()?.paused, 'the connection was never paused');
  assert.ok(handled < total, `all ${total} requests were handled while the client read nothing`);

  const ids: number[] = [];
  let pending = Buffer.alloc(0);
  await new Promise<void>((resolve, reject) => {
    raw.on('data', (chunk: Buffer) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        ids.push(pending.readInt32BE(4));
        pending = pending.subarray(4 + pending.readInt32BE(0));
      }
      if (ids.length === total) resolve();
    });
    raw.on('error', reject);
    raw.resume();
  });
  assert.deepEqual(ids, Array.from({ length: total }, (_, i) => i));
  hooks.clear();
  raw.destroy();
});

test('test hooks rewrite a request body or a response, close the connection, or drop a request', async (t) => {
  t.after(() => hooks.clear());
  const s = await FrameSocket.open(port);
  hooks.set(ApiKey.Metadata, () => ({ body: { topics: [{ name: 'rewritten' }] } }));
  hooks.set(ApiKey.ApiVersions, () => ({ response: (r) => ({ ...r, errorCode: 99, apiKeys: [] }) }));
  s.send(Buffer.concat([
    Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 60, clientId: null }, { topics: [{ name: 'asked' }] })),
    apiVersions(61),
  ]));
  const [meta, versions] = await frames(s, 2);
  assert.deepEqual(decodeResponse(ApiKey.Metadata, 1, meta!.subarray(4)).body.topics.map((topic) => topic.name), ['rewritten']);
  const rewritten = decodeResponse(ApiKey.ApiVersions, 2, versions!.subarray(4)).body;
  assert.deepEqual([rewritten.errorCode, rewritten.apiKeys], [99, []]);

  // A dropped request is never answered, and the answers behind it wait.
  let handledAfterDrop = false;
  hooks.set(ApiKey.Metadata, () => 'drop');
  hooks.set(ApiKey.ApiVersions, () => {
    handledAfterDrop = true;
    return undefined;
  });
  s.send(Buffer.concat([Buffer.concat(encodeRequest({ apiKey: ApiKey.Metadata, apiVersion: 1, correlationId: 62, clientId: null }, { topics: [] })), apiVersions(63)]));
  const deadline = Date.now() + 10_000;
  while (!handledAfterDrop && Date.now() < deadline) await new Promise((r) => setTimeout(r, 5));
  await new Promise((r) => setImmediate(r));
  assert.ok(handledAfterDrop);
  assert.equal(s.queued.length, 0);
  assert.ok(server.openConnections().some((c) => c.inFlight === 2), 'the dropped request and the one behind it are both still queued');
  s.end();

  const c = await FrameSocket.open(port);
  hooks.set(ApiKey.ApiVersions, () => 'close');
  c.send(apiVersions(64));
  assert.ok(await c.waitForClose(10_000));
  assert.equal(c.queued.length, 0);
});
