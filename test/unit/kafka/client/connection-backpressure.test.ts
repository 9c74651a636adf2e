// A broker that stops reading: the connection stops writing once the socket refuses more bytes, and further
// requests wait in its bounded queue (then are refused), instead of piling up in memory.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Server, type Socket } from 'node:net';
import { ApiKey } from '../../../../src/kafka/protocol/index.js';
import { BrokerConnection, CONNECTION_DEFAULTS } from '../../../../src/kafka/client/network/broker-connection.js';
import { VersionTable } from '../../../../src/kafka/client/network/version-table.js';
import { KafkaClientError } from '../../../../src/kafka/client/errors/index.js';

let server: Server;
let port: number;
const peers: Socket[] = [];

before(async () => {
  server = createServer((s) => {
    peers.push(s);
    s.pause();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as { port: number }).port;
});

after(async () => {
  for (const s of peers) s.destroy();
  await new Promise<void>((resolve) => server.close(() => resolve()));
});

test('writes stop when the socket is full; the rest wait in the queue, and past its bound are refused', async () => {
  const conn = await BrokerConnection.open({ ...CONNECTION_DEFAULTS, host: '127.0.0.1', port, maxInFlightRequests: 1000, maxQueuedRequests: 3, requestTimeoutMs: 60_000 });
  conn.setVersionTable(new VersionTable(new Map([[ApiKey.Produce, { minVersion: 3, maxVersion: 9 }]])));
  const records = Buffer.alloc(1024 * 1024, 7);
  const body = { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] };
  const results: Promise<unknown>[] = [];
  let refused: unknown;
  // Keep sending until the connection refuses: the socket stops taking bytes after some MiB (kernel buffers), then
  // the queue fills to 3, then one more is refused. Bounded: a connection without back-pressure fails the test.
  for (let i = 0; i < 200 && refused === undefined; i++) {
    const p = conn.send(ApiKey.Produce, body);
    p.catch((err) => {
      if (!(err instanceof KafkaClientError && /closed/.test(err.message))) refused ??= err;
    });
    results.push(p);
    await new Promise((r) => setImmediate(r));
    assert.ok(conn.queued <= 3, `queue grew to ${conn.queued}`);
  }
  assert.ok(refused instanceof KafkaClientError && /already wait/.test((refused as Error).message), String(refused));
  assert.equal(conn.queued, 3);
  assert.ok(results.length < 200);
  await conn.close();
});
