// A request the server fails on unexpectedly (a bug, simulated here by making the tree throw for one path) is
// answered MARSHALLINGERROR and logged, as Apache's request processors do; the session, the other requests and the
// server carry on, and the failed write still takes its zxid as an error txn so the log stays contiguous.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { NzkClient } from './nzk-client.js';

const MARSHALLINGERROR = -5;
let zk: OurZk;
let client: NzkClient;

before(async () => {
  zk = await startOurZooKeeper();
  const server = zk.running.server;
  const tree = server.tree;
  const get = tree.get.bind(tree);
  tree.get = ((path: string) => {
    if (path === '/boom-read') throw new TypeError('simulated failure reading /boom-read');
    return get(path);
  }) as typeof tree.get;
  const pending = server.prepCtx.pending;
  const pendingGet = pending.get.bind(pending);
  pending.get = ((path: string) => {
    if (path === '/boom-write') throw new TypeError('simulated failure preparing /boom-write');
    return pendingGet(path);
  }) as typeof pending.get;
  client = await NzkClient.connect(zk.connectString);
});

after(async () => {
  client?.close();
  await zk?.stop();
});

function codeOf(err: unknown): number | undefined {
  return (err as { code?: number }).code;
}

test('a read that fails inside the server is answered MARSHALLINGERROR and the session goes on', async () => {
  await client.create('/fine', Buffer.from('x'));
  await assert.rejects(client.getData('/boom-read'), (err) => codeOf(err) === MARSHALLINGERROR);
  assert.equal((await client.getData('/fine')).data?.toString(), 'x');
  assert.ok(zk.logLines.some((l) => l.includes('Failed to process getData') && l.includes('simulated failure reading /boom-read')), zk.logLines.join('\n'));
  assert.deepEqual(client.states, [], 'the client never lost its connection');
});

test('a write that fails in preparation becomes an error txn: MARSHALLINGERROR, and the next write takes the next zxid', async () => {
  const before = await client.create('/w1');
  assert.equal(before, '/w1');
  const z1 = (await client.exists('/w1'))!.czxid;
  await assert.rejects(client.create('/boom-write/child'), (err) => codeOf(err) === MARSHALLINGERROR);
  await client.create('/w2');
  const z2 = (await client.exists('/w2'))!.czxid;
  assert.equal(BigInt(`0x${z2.toString('hex')}`) - BigInt(`0x${z1.toString('hex')}`), 2n, 'the failed write used one zxid');
  assert.ok(zk.logLines.some((l) => l.includes('Failed to process create') && l.includes('simulated failure preparing /boom-write')), zk.logLines.join('\n'));
});
