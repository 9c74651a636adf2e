// Three of our servers as real processes forming an ensemble: election, writes through any member, the leader
// killed with SIGKILL and replaced, sessions and ephemerals surviving that, and the old leader rejoining by DIFF.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { NzkClient, nzk } from '../faults/nzk-client.js';
import { apacheZooKeeperAvailable, runZkCliScript } from '../support/apache-zk.js';
import { Ensemble, childrenOn, dataOn, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

test('three of our servers: a leader, writes through a follower on all, leader kill -9, failover, DIFF resync', async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }]);
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  const [f1, f2] = ens.members.filter((m) => m !== leader) as [Member, Member];
  assert.equal(await modeOf(f1.clientPort), 'follower');

  const writer = await NzkClient.connect(f1.connectString, 6000);
  t.after(() => writer.close());
  await writer.create('/app', Buffer.from('through a follower'));
  for (const m of ens.members) assert.equal(await waitFor(() => dataOn(m, '/app'), `/app on server ${m.sid}`), 'through a follower');
  // An error transaction is answered by the follower that forwarded the request.
  await assert.rejects(writer.create('/app'), /NODE_EXISTS/);

  const owner = await NzkClient.connect(f2.connectString, 6000);
  t.after(() => owner.close());
  await owner.create('/lock', Buffer.from('mine'), nzk.CreateMode.EPHEMERAL);
  const acked: string[] = [];
  for (let i = 0; i < 10; i++) acked.push(await writer.create(`/app/w${i}`, Buffer.from(String(i))));

  await leader.kill9();
  const newLeader = await ens.settled();
  assert.notEqual(newLeader.sid, leader.sid);
  const expected = acked.map((p) => p.slice('/app/'.length)).sort();
  for (const m of [f1, f2]) assert.deepEqual(await waitFor(async () => { const c = await childrenOn(m, '/app'); return c.length === expected.length ? c : null; }, `every acknowledged write on server ${m.sid}`), expected);

  // The ephemeral's session lives on: its client reconnects (the role change closed its connection) and keeps it.
  await waitFor(async () => (await owner.exists('/lock')) !== null, 'the ephemeral owner reconnected');
  const stat = await owner.exists('/lock');
  assert.equal(stat!.ephemeralOwner.readBigInt64BE(0), owner.sessionId);
  await owner.create('/after-failover', Buffer.from('same session'));

  leader.start();
  await waitFor(async () => (await modeOf(leader.clientPort)) === 'follower', `old leader ${leader.sid} following`);
  assert.match(leader.logText(), /^Sync DIFF 0x[0-9a-f]+ from leader \d+$/m);
  assert.deepEqual(await childrenOn(leader, '/app'), expected);
  assert.equal(await waitFor(() => dataOn(leader, '/after-failover'), '/after-failover on the old leader'), 'same session');

  // Closing the session deletes its ephemeral on every server.
  owner.close();
  for (const m of ens.members) await waitFor(async () => (await dataOn(m, '/lock')) === null, `/lock gone on server ${m.sid}`);
});

test('an observer: synced by the leader, forwards writes, gets every commit, and does not vote', async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }, { sid: 4, impl: 'ours', observer: true }]);
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  assert.notEqual(leader.sid, 4);
  const observer = ens.member(4);
  assert.equal(await modeOf(observer.clientPort), 'observer');
  const viaObserver = await NzkClient.connect(observer.connectString, 6000);
  t.after(() => viaObserver.close());
  await viaObserver.create('/from-observer', Buffer.from('o'));
  assert.equal(await waitFor(() => dataOn(leader, '/from-observer'), '/from-observer on the leader'), 'o');
  const viaLeader = await NzkClient.connect(leader.connectString, 6000);
  t.after(() => viaLeader.close());
  await viaLeader.create('/to-observer', Buffer.from('l'));
  assert.equal(await waitFor(() => dataOn(observer, '/to-observer'), '/to-observer on the observer'), 'l');

  // Two voters down: the remaining voter and the observer are no quorum, so nobody serves.
  const others = ens.members.filter((m) => m !== observer && m !== leader);
  await others[0]!.kill9();
  await leader.kill9();
  await waitFor(async () => (await modeOf(observer.clientPort)) === null, 'the observer to stop serving');
  assert.equal(await modeOf(others[1]!.clientPort), null);
});

test("Apache's zkCli against an ensemble of ours; containers reaped by the leader", async (t) => {
  const unavailable = apacheZooKeeperAvailable();
  if (unavailable) return t.skip(unavailable);
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], 'znode.container.checkIntervalMs=200\n');
  t.after(() => ens.close());
  ens.startAll();
  await ens.settled();
  const r = await runZkCliScript(ens.connectString, ['create /cli hello', 'sync /cli', 'get /cli', 'ls /', 'create -c /box', 'create /box/item', 'delete /box/item']);
  assert.equal(r.code, 0, r.stderr);
  assert.match(r.stdout, /^Sync is OK$/m);
  assert.match(r.stdout, /^hello$/m);
  assert.match(r.stdout, /^\[cli, zookeeper\]$/m);
  for (const m of ens.members) assert.equal(await waitFor(() => dataOn(m, '/cli'), `/cli on ${m.sid}`), 'hello');
  // The emptied container is deleted by the leader's reaper, on every server.
  for (const m of ens.members) await waitFor(async () => (await dataOn(m, '/box')) === null, `/box reaped on ${m.sid}`);
});
