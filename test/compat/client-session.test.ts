// The ZooKeeper client's session across connections, run against Apache ZooKeeper 3.8 and against our server:
// timeout negotiation, failover past a dead host, a killed and restarted server (session, watches and ephemerals
// kept, pending requests failed), expiry, close, and the cap on outstanding requests.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import {
  ConnectionLossError,
  OPEN_ACL_UNSAFE,
  SessionExpiredError,
  WatchedEvent,
  ZooKeeperClient,
} from '../../src/zookeeper/client/index.js';
import { describeAgainstBoth, rejection, TEST_CLIENT_OPTIONS, until } from '../support/client-servers.js';
import { freePort } from '../support/ports.js';

const TEST_TIMEOUT_MS = 30_000;

function stateLog(client: ZooKeeperClient): string[] {
  const states: string[] = [];
  client.on('state', (e: WatchedEvent) => states.push(e.state));
  return states;
}

describeAgainstBoth('ZooKeeper client session', (s) => {
  test('handshake: readOnly byte sent, timeout negotiated within the server bounds', { timeout: TEST_TIMEOUT_MS }, async () => {
    const mark = s.target.proxy.connectLengths.length;
    const c = await s.connect({ sessionTimeoutMs: 6000 });
    assert.deepEqual(s.target.proxy.connectLengths.slice(mark), [45]);
    assert.equal(c.state, 'CONNECTED');
    assert.notEqual(c.sessionId, 0n);
    assert.equal(c.sessionPassword.length, 16);
    const low = await s.connect({ sessionTimeoutMs: 100 });
    const high = await s.connect({ sessionTimeoutMs: 600_000 });
    // tickTime 500: min 2 ticks, max 20 ticks.
    const negotiated = [c.negotiatedSessionTimeoutMs, low.negotiatedSessionTimeoutMs, high.negotiatedSessionTimeoutMs];
    assert.deepEqual(negotiated, [6000, 1000, 10000]);
    s.record('negotiated', negotiated);
  });

  test('failover: a dead host in the connect string is skipped', { timeout: TEST_TIMEOUT_MS }, async () => {
    const deadPort = await freePort();
    // random() near 1 keeps the connect string order, so the dead host is tried first.
    const c = await s.connect({ connectString: `127.0.0.1:${deadPort},${s.target.connectString}`, random: () => 0.999 });
    assert.equal(c.currentServer?.port, s.target.proxy.port);
    await c.create('/failover', 'ok');
    s.record('failover', await c.getData('/failover'));
  });

  test('outstanding requests are capped; replies still match in order', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect({ maxOutstandingRequests: 8 });
    await c.create('/cap', 'x');
    const proxy = s.target.proxy;
    proxy.holdReplies(true);
    const mark = proxy.requests.length;
    const replies = Array.from({ length: 100 }, (_, i) => (i % 2 === 0 ? c.getData('/cap') : c.exists(`/cap/${i}`)));
    await until(() => proxy.requests.length - mark >= 8, 'the first 8 requests');
    await new Promise((r) => setTimeout(r, 200));
    assert.equal(proxy.requests.slice(mark).filter((r) => r.opcode !== OpCode.ping).length, 8);
    assert.equal(c.outstandingRequests, 100);
    proxy.holdReplies(false);
    const results = await Promise.all(replies);
    assert.equal(results.filter((r) => r === null).length, 50);
    assert.equal(c.outstandingRequests, 0);
  });

  test('server killed and restarted: same session, watches re-set, pending requests fail with ConnectionLoss', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    const other = await s.connect();
    const states = stateLog(c);
    const sessionId = c.sessionId;
    await c.create('/kill', 'a');
    await c.create('/kill/eph', null, OPEN_ACL_UNSAFE, 'EPHEMERAL');
    const events: string[] = [];
    const listener = (e: WatchedEvent) => events.push(`${e.type} ${e.path}`);
    await c.getData('/kill', listener);
    await c.exists('/kill/new', listener);
    await c.getChildren('/kill', listener);
    await c.addWatch('/kill-p', 'Persistent', listener);

    const proxy = s.target.proxy;
    proxy.holdReplies(true);
    const mark = proxy.requests.length;
    const pending = rejection(c.getData('/kill'));
    await until(() => proxy.requests.slice(mark).some((r) => r.opcode === OpCode.getData), 'the getData to reach the server');
    await s.target.kill();
    proxy.holdReplies(false);
    const lost = await pending;
    assert.ok(lost instanceof ConnectionLossError, String(lost));
    assert.equal(lost.message, 'KeeperErrorCode = ConnectionLoss for /kill');
    await until(() => states.includes('Disconnected'), 'Disconnected');
    assert.equal(c.state, 'CONNECTING');
    // Sent while no server is up: fails once the next connection attempt fails.
    const whileDown = await rejection(c.getData('/kill'));
    assert.ok(whileDown instanceof ConnectionLossError);

    const reconnectMark = proxy.requests.length;
    await s.target.restart();
    await until(() => c.state === 'CONNECTED', 'reconnection', 15_000);
    assert.equal(c.sessionId, sessionId);
    assert.deepEqual(states, ['Disconnected', 'SyncConnected']);
    await until(() => other.state === 'CONNECTED', 'the other client to reconnect', 15_000);
    // Replies come in order: once this one is back, the server has the re-set watches.
    await c.exists('/');
    // Watches go back first, with setWatches2 since a persistent watch exists.
    assert.equal(proxy.requests.slice(reconnectMark).find((r) => r.opcode !== OpCode.ping)?.opcode, OpCode.setWatches2);
    await other.setData('/kill', 'b');
    await other.create('/kill/new');
    await other.create('/kill-p');
    await c.exists('/');
    assert.deepEqual(events.sort(), ['NodeChildrenChanged /kill', 'NodeCreated /kill-p', 'NodeCreated /kill/new', 'NodeDataChanged /kill']);
    assert.ok((await other.exists('/kill/eph')) !== null, 'the ephemeral survived');
    s.record('kill', { lost, whileDown, states, events, data: await c.getData('/kill') });
  });

  test('expiry: session closed by another client holding its id and password', { timeout: TEST_TIMEOUT_MS }, async () => {
    // A slow reconnect, so the twin's closeSession lands before this client comes back.
    const c = await s.connect({ reconnectJitterMs: 1000, random: () => 0.5 });
    const states = stateLog(c);
    await c.create('/expire-eph', null, OPEN_ACL_UNSAFE, 'EPHEMERAL');
    const events: string[] = [];
    await c.getData('/expire-eph', (e) => events.push(`${e.type} ${e.path}`));
    const twin = await s.connect({ sessionId: c.sessionId, sessionPassword: c.sessionPassword });
    assert.equal(twin.sessionId, c.sessionId);
    await twin.close();
    await until(() => states.includes('Closed'), 'the first client to learn of the expiry', 15_000);
    assert.deepEqual(states, ['Disconnected', 'Expired', 'Closed']);
    assert.equal(c.state, 'CLOSED');
    const after = await rejection(c.getData('/'));
    assert.ok(after instanceof SessionExpiredError);
    assert.equal(after.message, 'KeeperErrorCode = Session expired for /');
    const checker = await s.connect();
    assert.equal(await checker.exists('/expire-eph'), null);
    await c.close(); // already closed: resolves at once
    s.record('expiry.twin', { states, after, events });
  });

  test('expiry: server unreachable for longer than the session timeout', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect({ sessionTimeoutMs: 1500 });
    assert.equal(c.negotiatedSessionTimeoutMs, 1500);
    await c.create('/partition-eph', null, OPEN_ACL_UNSAFE, 'EPHEMERAL');
    const states = stateLog(c);
    const proxy = s.target.proxy;
    proxy.partition(true);
    // Read timeout is 2/3 of the session timeout: 1000 ms.
    await until(() => states.includes('Disconnected'), 'the read timeout', 15_000);
    const queued = rejection(c.getData('/'));
    // The partition lasts until the server has expired the session (its ephemeral gone, seen past the proxy).
    const checker = await s.connect({ connectString: s.target.directConnectString });
    const deadline = performance.now() + 20_000;
    while ((await checker.exists('/partition-eph')) !== null) {
      assert.ok(performance.now() < deadline, 'the server did not expire the partitioned session');
      await new Promise((r) => setTimeout(r, 50));
    }
    proxy.partition(false);
    await until(() => states.includes('Closed'), 'expiry to be reported', 15_000);
    assert.deepEqual(states, ['Disconnected', 'Expired', 'Closed']);
    assert.ok((await queued) instanceof ConnectionLossError);
    s.record('expiry.partition', states);
  });

  test('close: closeSession sent and answered, ephemerals gone, later calls fail', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    const watcher = await s.connect();
    const states = stateLog(c);
    await c.create('/closing', null, OPEN_ACL_UNSAFE, 'EPHEMERAL');
    const gone: string[] = [];
    await watcher.exists('/closing', (e) => gone.push(`${e.type} ${e.path}`));
    const mark = s.target.proxy.requests.length;
    await c.close();
    assert.deepEqual(s.target.proxy.requests.slice(mark).filter((r) => r.opcode !== OpCode.ping).map((r) => r.opcode), [OpCode.closeSession]);
    assert.equal(c.state, 'CLOSED');
    assert.deepEqual(states, ['Closed']);
    await watcher.exists('/');
    assert.deepEqual(gone, ['NodeDeleted /closing']);
    const after = await rejection(c.create('/x'));
    assert.ok(after instanceof SessionExpiredError);
    await c.close();
    s.record('close', { states, gone, after });
  });

  test('a client that never reaches a server closes cleanly', { timeout: TEST_TIMEOUT_MS }, async () => {
    const deadPort = await freePort();
    const c = new ZooKeeperClient(`127.0.0.1:${deadPort}`, { ...TEST_CLIENT_OPTIONS, spinDelayMs: 20 });
    const states = stateLog(c);
    const queued = rejection(c.getData('/'));
    assert.ok((await queued) instanceof ConnectionLossError);
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(c.state, 'CONNECTING');
    await c.close();
    assert.equal(c.state, 'CLOSED');
    assert.deepEqual(states, ['Closed']);
  });
});
