// A learner's connection to its leader: retried until the leader listens, the first retries sooner than Apache's
// fixed 100 ms, and again from the shortest pause after a connection that opened.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type Socket } from 'node:net';
import { LearnerConnection, leaderConnectRetryMs } from '../../../../src/zookeeper/ensemble/quorum-transport.js';
import { freePort } from '../../../support/ports.js';

test('the pause between attempts starts at 10 ms and doubles up to 100 ms', () => {
  assert.deepEqual([1, 2, 3, 4, 5, 6, 50].map(leaderConnectRetryMs), [10, 20, 40, 80, 100, 100, 100]);
});

test('a learner whose leader is not listening yet keeps trying, connects once it listens, and again after the leader drops it', async (t) => {
  const port = await freePort();
  const events: string[] = [];
  let wake = (): void => {};
  const until = (what: string) => new Promise<void>((resolve) => {
    const check = () => (events.includes(what) ? resolve() : void (wake = check));
    check();
  });
  const conn = new LearnerConnection({
    leader: { host: '127.0.0.1', port },
    connectTimeoutMs: 5_000,
    maxDataBytes: 1 << 20,
    onConnected: () => (events.push(`connected ${events.length}`), wake()),
    onMessage: () => {},
    onDisconnected: () => (events.push('disconnected'), wake()),
    log: () => {},
  });
  t.after(() => conn.close());
  let accepted = 0;
  const sockets: Socket[] = [];
  const server = createServer((s) => (accepted++, sockets.push(s)));
  t.after(() => server.close());

  conn.connect();
  // Refused attempts, then the leader listens.
  await new Promise((r) => setTimeout(r, 50));
  assert.deepEqual(events, []);
  await new Promise<void>((resolve) => server.listen({ host: '127.0.0.1', port }, resolve));
  await until('connected 0');
  assert.equal(accepted, 1);

  sockets[0]!.destroy();
  await until('disconnected');
  conn.connect();
  await until('connected 2');
  assert.equal(accepted, 2);
});
