// Mixed ensembles of our server and Apache ZooKeeper 3.8 (QuorumPeerMain from the Debian jars): each leads and
// each follows the other, with writes made through either replicated to both.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NzkClient } from '../faults/nzk-client.js';
import { apacheZooKeeperAvailable, runZkCliScript } from '../support/apache-zk.js';
import { Ensemble, dataOn, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

async function write(m: Member, path: string, data: string): Promise<void> {
  const c = await NzkClient.connect(m.connectString, 4000, 5000);
  try {
    await c.create(path, Buffer.from(data));
  } finally {
    c.close();
  }
}

/** A write through `from` is readable on `to`. */
async function replicates(from: Member, to: Member, path: string): Promise<void> {
  const data = `${from.impl} ${from.sid} to ${to.impl} ${to.sid}`;
  await write(from, path, data);
  assert.equal(await waitFor(() => dataOn(to, path), `${path} on server ${to.sid}`), data);
}

/** Apache's zkCli on `m` alone: `sync path` then `get path`. */
async function syncThrough(m: Member, path: string, data: string): Promise<void> {
  const r = await runZkCliScript(m.connectString, [`sync ${path}`, `get ${path}`]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stdout, `Sync is OK\n${data}\n`);
}

async function expectMode(m: Member, mode: string): Promise<void> {
  try {
    await waitFor(async () => (await modeOf(m.clientPort)) === mode, `server ${m.sid} (${m.impl}) as ${mode}`);
  } catch (err) {
    // Which side of an election or sync stalled is only in the server's own log.
    throw new Error(`${(err as Error).message}\n--- the last lines of server ${m.sid}'s log:\n${m.logText().split('\n').slice(-60).join('\n')}`);
  }
}

const unavailable = apacheZooKeeperAvailable();

test('one Apache and two of ours: Apache follows our leader, then leads our follower', { skip: unavailable ?? false }, async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'apache' }]);
  t.after(() => ens.close());
  const [ours1, ours2, apache3] = ens.members as [Member, Member, Member];
  ours1.start();
  ours2.start();
  assert.equal(await ens.settled(), ours2);
  apache3.start();
  await expectMode(apache3, 'follower');
  await replicates(apache3, ours1, '/a-to-ours');
  await replicates(ours1, apache3, '/ours-to-a');
  // A sync through Apache's follower is answered by our leader's SYNC.
  await syncThrough(apache3, '/ours-to-a', 'ours 1 to apache 3');

  await ens.caughtUp();
  await ours2.kill9();
  await expectMode(apache3, 'leader');
  await expectMode(ours1, 'follower');
  await replicates(ours1, apache3, '/ours-via-apache-leader');
  await replicates(apache3, ours1, '/apache-leader-to-ours');
  // And through our follower by Apache's.
  await syncThrough(ours1, '/apache-leader-to-ours', 'apache 3 to ours 1');

  ours2.start();
  await expectMode(ours2, 'follower');
  assert.equal(await waitFor(() => dataOn(ours2, '/apache-leader-to-ours'), 'the restarted server synced'), 'apache 3 to ours 1');
  assert.match(ours2.logText(), /^Sync (DIFF|SNAP) 0x[0-9a-f]+ from leader 3$/m);
});

test('two Apache and one of ours: ours follows an Apache leader (synced by SNAP), then leads an Apache follower', { skip: unavailable ?? false }, async (t) => {
  // Apache's leaders always sync learners with a SNAP here: ours reads Apache's snapshot stream.
  const ens = await Ensemble.create([{ sid: 1, impl: 'apache' }, { sid: 2, impl: 'apache' }, { sid: 3, impl: 'ours' }], '', { 'zookeeper.forceSnapshotSync': 'true' });
  t.after(() => ens.close());
  const [apache1, apache2, ours3] = ens.members as [Member, Member, Member];
  apache1.start();
  apache2.start();
  assert.equal(await ens.settled(), apache2);
  await write(apache2, '/before-ours', 'in the snapshot');
  ours3.start();
  await expectMode(ours3, 'follower');
  assert.match(ours3.logText(), /^Sync SNAP 0x[0-9a-f]+ from leader 2$/m);
  assert.equal(await dataOn(ours3, '/before-ours'), 'in the snapshot');
  await replicates(ours3, apache1, '/ours-to-a');
  await replicates(apache1, ours3, '/a-to-ours');

  await ens.caughtUp();
  await apache2.kill9();
  await expectMode(ours3, 'leader');
  await expectMode(apache1, 'follower');
  await replicates(apache1, ours3, '/apache-via-our-leader');
  await replicates(ours3, apache1, '/our-leader-to-apache');

  apache2.start();
  await expectMode(apache2, 'follower');
  assert.equal(await waitFor(() => dataOn(apache2, '/our-leader-to-apache'), 'the restarted Apache server synced'), 'ours 3 to apache 1');
});

test('an Apache observer of our ensemble: synced, sent INFORMs, forwarding its writes', { skip: unavailable ?? false }, async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }, { sid: 4, impl: 'apache', observer: true }]);
  t.after(() => ens.close());
  const observer = ens.member(4);
  for (const m of ens.members) if (m !== observer) m.start();
  const leader = await ens.settled();
  await write(leader, '/before-observer', 'b');
  observer.start();
  await expectMode(observer, 'observer');
  assert.equal(await waitFor(() => dataOn(observer, '/before-observer'), 'the observer synced'), 'b');
  await replicates(leader, observer, '/to-observer');
  await replicates(observer, ens.member(1), '/from-observer');
});

test('far behind: our leader sends an Apache follower a SNAP; an Apache leader syncs ours 60 txns behind', { skip: unavailable ?? false }, async (t) => {
  // Our DIFF window is 5 txns: 20 writes behind is a SNAP. Apache 3.8's leader DIFFs from its committed log or
  // txn log whatever these say, so what ours is sent there is DIFF (60 proposals) or SNAP.
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'apache' }], 'commitLogCount=5\n', {
    'zookeeper.commitLogCount': '5',
    'zookeeper.snapshotSizeFactor': '-1',
  });
  t.after(() => ens.close());
  const [ours1, ours2, apache3] = ens.members as [Member, Member, Member];
  ours1.start();
  ours2.start();
  assert.equal(await ens.settled(), ours2);
  for (let i = 0; i < 20; i++) await write(ours2, `/a${i}`, String(i));
  apache3.start();
  await expectMode(apache3, 'follower');
  assert.match(apache3.logText(), /Getting a snapshot from leader 0x[0-9a-f]+/);
  assert.equal(await waitFor(() => dataOn(apache3, '/a19'), '/a19 on Apache'), '19');
  await replicates(apache3, ours1, '/after-snap-to-apache');

  await ens.caughtUp();
  await ours2.kill9();
  await expectMode(apache3, 'leader');
  await ours1.kill9();
  ours2.start();
  await expectMode(ours2, 'follower');
  for (let i = 0; i < 20; i++) await write(apache3, `/b${i}`, String(i));
  ours1.start();
  await expectMode(ours1, 'follower');
  assert.match(ours1.logText(), /^Sync (DIFF|SNAP) 0x[0-9a-f]+ from leader 3$/m);
  assert.equal(await waitFor(() => dataOn(ours1, '/b19'), '/b19 on ours'), '19');
  assert.equal(await dataOn(ours1, '/after-snap-to-apache'), 'apache 3 to ours 1');
  await replicates(ours1, apache3, '/after-snap-to-ours');
});
