// How a member that was down catches up, with real processes: a SNAP when it is further behind than the leader's
// in-memory window, and a TRUNC of an old leader's tail that no quorum acknowledged.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { readLoggedTxns } from '../../src/zookeeper/storage/txn-log-reader.js';
import { NzkClient } from '../faults/nzk-client.js';
import { Ensemble, childrenOn, dataOn, modeOf, waitFor } from '../support/zk-ensemble.js';

test('a follower further behind than the leader keeps in memory is sent a SNAP, and restarts from it', async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], 'commitLogCount=5\n');
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  const lagging = ens.members.find((m) => m !== leader)!;
  await lagging.kill9();
  const writer = await NzkClient.connect(leader.connectString, 6000);
  t.after(() => writer.close());
  const names: string[] = [];
  for (let i = 0; i < 20; i++) names.push((await writer.create(`/n${String(i).padStart(2, '0')}`, Buffer.from(String(i)))).slice(1));

  lagging.start();
  await waitFor(async () => (await modeOf(lagging.clientPort)) === 'follower', 'the lagging server following');
  assert.match(lagging.logText(), /^Sync SNAP 0x[0-9a-f]+ from leader \d+$/m);
  assert.match(lagging.logText(), /^Snapshot from the leader written: .*snapshot\.[0-9a-f]+$/m);
  assert.deepEqual((await childrenOn(lagging, '/')).filter((n) => n !== 'zookeeper'), names);

  // What it was sent is on its disk: after a restart it has every node again, from its own snapshot.
  await lagging.kill9();
  await writer.create('/after-snap');
  lagging.start();
  await waitFor(async () => (await modeOf(lagging.clientPort)) === 'follower', 'the restarted server following');
  assert.deepEqual((await childrenOn(lagging, '/')).filter((n) => n !== 'zookeeper'), ['after-snap', ...names]);
});

test("an old leader's unacknowledged tail is truncated when it rejoins (TRUNC); nothing acknowledged is lost", async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }]);
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  const followers = ens.members.filter((m) => m !== leader);
  const writer = await NzkClient.connect(leader.connectString, 6000);
  t.after(() => writer.close());
  await writer.create('/kept', Buffer.from('acked'));

  // The followers freeze and then die with the next proposal unread: only the leader has logged it.
  for (const f of followers) f.signal('SIGSTOP');
  const lost = writer.create('/lost', Buffer.from('never acked')).then(() => 'acknowledged', () => 'failed');
  const logDir = join(leader.dataDir, 'version-2');
  await waitFor(async () => [...readLoggedTxns(logDir)].some((e) => e.txn.body.type === OpCode.create && e.txn.body.record.path === '/lost'), 'the proposal in the leader\'s log');
  for (const f of followers) await f.kill9();
  await leader.kill9();
  assert.equal(await lost, 'failed');
  for (const f of followers) f.start();
  const newLeader = await ens.settled();
  const writer2 = await NzkClient.connect(newLeader.connectString, 6000);
  t.after(() => writer2.close());
  await writer2.create('/after', Buffer.from('new epoch'));

  leader.start();
  await waitFor(async () => (await modeOf(leader.clientPort)) === 'follower', 'the old leader following');
  assert.match(leader.logText(), /^Sync TRUNC 0x[0-9a-f]+ from leader \d+$/m);
  assert.equal(await dataOn(leader, '/kept'), 'acked');
  assert.equal(await waitFor(() => dataOn(leader, '/after'), '/after on the old leader'), 'new epoch');
  for (const m of ens.members) assert.equal(await dataOn(m, '/lost'), null);
  assert.ok(![...readLoggedTxns(logDir)].some((e) => e.txn.body.type === OpCode.create && e.txn.body.record.path === '/lost'), 'the tail is gone from the log');
});
