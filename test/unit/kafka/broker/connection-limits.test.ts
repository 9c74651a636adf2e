import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey, encodeRequest } from '../../../../src/kafka/protocol/index.js';
import { Dispatcher } from '../../../../src/kafka/broker/dispatcher.js';
import { apiVersionsHandler } from '../../../../src/kafka/broker/handlers/18-api-versions.js';
import { RequestHooks } from '../../../../src/kafka/broker/request-hooks.js';
import { SocketServer } from '../../../../src/kafka/broker/socket-server.js';
import { FrameSocket } from '../../../support/frame-socket.js';

async function startServer(lines: string[], limits: { idleTimeoutMs: number; maxConnectionsPerIp: number }, hooks?: RequestHooks): Promise<SocketServer> {
  let dispatcher: Dispatcher | undefined;
  dispatcher = new Dispatcher([apiVersionsHandler(() => dispatcher!.versionTable())], hooks);
  return SocketServer.start({
    brokerId: 3,
    listeners: [{ name: 'PLAINTEXT', securityProtocol: 'PLAINTEXT', host: '127.0.0.1', port: 0 }],
    dispatcher,
    limits: { maxRequestBytes: 1024, maxUnsentBytes: 64 * 1024, maxInFlightRequests: 10, idleTimeoutMs: limits.idleTimeoutMs, closeLingerMs: 1000 },
    maxConnections: 100,
    maxConnectionsPerIp: limits.maxConnectionsPerIp,
    log: (level, message, logger) => lines.push(`${level} ${message} (${logger})`),
  });
}

const apiVersions = (id: number) => Buffer.concat(encodeRequest({ apiKey: ApiKey.ApiVersions, apiVersion: 0, correlationId: id, clientId: null }, {}));

test('connections.max.idle.ms closes a connection with no traffic; one that is answered stays until it idles', async (t) => {
  const lines: string[] = [];
  const server = await startServer(lines, { idleTimeoutMs: 300, maxConnectionsPerIp: 10 });
  t.after(() => server.close(1000));
  const port = server.boundListeners()[0]!.port;
  const s = await FrameSocket.open(port);
  s.send(apiVersions(1));
  assert.ok(await s.waitForFrame(10_000));
  assert.ok(await s.waitForClose(10_000), 'the idle connection was not closed');
  assert.equal(server.connectionCount, 0);
});

test('max.connections.per.ip: a connection past the limit is closed at once and logged, the others are served', async (t) => {
  const lines: string[] = [];
  const server = await startServer(lines, { idleTimeoutMs: 0, maxConnectionsPerIp: 2 });
  t.after(() => server.close(1000));
  const port = server.boundListeners()[0]!.port;
  const a = await FrameSocket.open(port);
  const b = await FrameSocket.open(port);
  const c = await FrameSocket.open(port);
  assert.ok(await c.waitForClose(10_000));
  assert.ok(lines.includes('INFO [SocketServer listenerType=ZK_BROKER, nodeId=3] Rejected connection from /127.0.0.1, address already has the configured maximum of 2 connections. (kafka.network.Acceptor)'), lines.join('\n'));
  for (const [i, s] of [a, b].entries()) {
    s.send(apiVersions(i));
    assert.ok(await s.waitForFrame(10_000));
    s.end();
  }
});

test('close() answers the requests already received, then closes the connection', async () => {
  const hooks = new RequestHooks();
  let received!: () => void;
  const inFlight = new Promise<void>((resolve) => (received = resolve));
  hooks.set(ApiKey.ApiVersions, () => {
    received();
    return { delayMs: 200 };
  });
  const server = await startServer([], { idleTimeoutMs: 0, maxConnectionsPerIp: 10 }, hooks);
  const s = await FrameSocket.open(server.boundListeners()[0]!.port);
  s.send(apiVersions(7));
  await inFlight;
  await server.close(5000);
  assert.ok(await s.waitForFrame(10_000), 'the in-flight request was not answered');
  assert.equal(s.take().readInt32BE(4), 7);
  assert.ok(await s.waitForClose(10_000));
});
