// Dynamic reconfiguration in a mixed ensemble: Apache ZooKeeper 3.8 following our leader takes the versioned
// config NEWLEADER carries, applies a reconfig our leader commits with COMMITANDACTIVATE, and forwards a
// client's reconfig to our leader; its /zookeeper/config stays the same as ours throughout.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';
import { apacheZooKeeperAvailable } from '../support/apache-zk.js';
import { Ensemble, dataOn, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

const unavailable = apacheZooKeeperAvailable();
const SUPER = `DigestAuthenticationProvider.superDigest=super:${createHash('sha1').update('super:secret').digest('base64')}\n`;

async function reconfig(m: Member, change: { joining?: string; leaving?: string }): Promise<string> {
  const c = await connectZooKeeper(m.connectString, { sessionTimeoutMs: 6000 });
  try {
    await c.addAuthInfo('digest', 'super:secret');
    return (await c.reconfig(change)).data?.toString('utf8') ?? '';
  } finally {
    await c.close();
  }
}

test('an Apache follower of our leader: versioned config, COMMITANDACTIVATE, a reconfig forwarded by Apache', { skip: unavailable ?? false }, async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'apache' }], `reconfigEnabled=true\n${SUPER}`);
  t.after(() => ens.close());
  const [ours1, ours2, apache3] = ens.members as [Member, Member, Member];
  ours1.start();
  ours2.start();
  assert.equal(await ens.settled(), ours2);
  apache3.start();
  await waitFor(async () => (await modeOf(apache3.clientPort)) === 'follower', 'Apache following');
  const first = (await dataOn(ours2, '/zookeeper/config'))!;
  assert.match(first, /^version=100000000$/m);
  assert.equal(await waitFor(async () => { const c = await dataOn(apache3, '/zookeeper/config'); return c === first ? c : null; }, "Apache showing our leader's config"), first);

  // Server 1 removed through our leader: Apache applies the COMMITANDACTIVATE and keeps committing with server 2.
  const second = await reconfig(ours2, { leaving: '1' });
  assert.deepEqual(second.split('\n').filter((l) => l.startsWith('server.')).map((l) => l.split('=')[0]), ['server.2', 'server.3']);
  assert.equal(await waitFor(async () => { const c = await dataOn(apache3, '/zookeeper/config'); return c === second ? c : null; }, 'Apache activating the reconfig'), second);
  assert.equal(await modeOf(apache3.clientPort), 'follower');
  const w = await connectZooKeeper(apache3.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => w.close());
  await w.create('/after-remove', Buffer.from('2 and 3'), [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);
  assert.equal(await waitFor(() => dataOn(ours2, '/after-remove'), '/after-remove on our leader'), '2 and 3');

  // Server 1 back, asked of Apache: it forwards the reconfig to our leader and answers with the new config.
  const line1 = `${first.split('\n').find((l) => l.startsWith('server.1='))!};127.0.0.1:${ours1.clientPort}`;
  const third = await reconfig(apache3, { joining: line1 });
  assert.ok(third.split('\n').includes(line1), third);
  for (const m of ens.members) assert.equal(await waitFor(async () => { const c = await dataOn(m, '/zookeeper/config'); return c === third ? c : null; }, `the third config on ${m.sid}`), third);
});
