// A follower behind the leader's in-memory committed log but still within its txn log files is synchronised by a
// DIFF read from those files, when the txns weigh less than snapshotSizeFactor × the newest snapshot (Apache's rule).
import { test, type TestContext } from 'node:test';
import assert from 'node:assert/strict';
import { NzkClient } from '../faults/nzk-client.js';
import { Ensemble, childrenOn, dataOn, modeOf, waitFor, zxidOf, type Member } from '../support/zk-ensemble.js';

/** A follower misses 60 creates, a setData and a delete; commitLogCount=5 keeps only 5 committed txns in memory. */
async function lagBehind(t: TestContext, extraConfig: string): Promise<{ leader: Member; lagging: Member; ens: Ensemble; expected: string[] }> {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], `commitLogCount=5\n${extraConfig}`);
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  const writer = await NzkClient.connect(leader.connectString, 6000);
  t.after(() => writer.close());
  await writer.create('/before', Buffer.from('b'));
  await ens.caughtUp();
  const lagging = ens.members.find((m) => m !== leader)!;
  await lagging.kill9();

  const names: string[] = [];
  for (let b = 0; b < 60; b += 10) {
    const batch = await Promise.all(Array.from({ length: 10 }, (_, k) => writer.create(`/d${String(b + k).padStart(2, '0')}`, Buffer.from(`v${b + k}`))));
    names.push(...batch.map((p) => p.slice(1)));
  }
  await writer.setData('/d07', Buffer.from('changed'));
  await writer.remove('/d08');

  lagging.start();
  await waitFor(async () => (await modeOf(lagging.clientPort)) === 'follower', 'the lagging server following');
  return { leader, lagging, ens, expected: ['before', ...names.filter((n) => n !== 'd08'), 'zookeeper'].sort() };
}

async function sameData(ens: Ensemble, leader: Member, lagging: Member, expected: string[]): Promise<void> {
  await ens.caughtUp();
  assert.equal(await zxidOf(lagging.clientPort), await zxidOf(leader.clientPort));
  assert.deepEqual(await childrenOn(lagging, '/'), expected);
  assert.deepEqual(await childrenOn(leader, '/'), expected);
  assert.equal(await dataOn(lagging, '/d07'), 'changed');
  assert.equal(await dataOn(lagging, '/d59'), 'v59');
}

test("a follower behind the in-memory window gets a DIFF from the leader's txn log, and the same data", async (t) => {
  // The factor lets the log serve a DIFF of any size here.
  const { leader, lagging, ens, expected } = await lagBehind(t, 'snapshotSizeFactor=1000\n');
  assert.match(lagging.logText(), /^Sync DIFF 0x[0-9a-f]+ from leader \d+$/m);
  assert.doesNotMatch(lagging.logText(), /^Sync SNAP/m);
  assert.match(leader.logText(), /^Use txnlog and committedLog: \d+ txns \(\d+ bytes, sizeLimit \d+\) after 0x[0-9a-f]+ read from the txn log$/m);
  await sameData(ens, leader, lagging, expected);
});

test('when the logged txns outweigh snapshotSizeFactor × the snapshot, the follower gets a SNAP instead', async (t) => {
  // The default factor, 0.33, against the leader's only snapshot (snapshot.0, a few hundred bytes).
  const { leader, lagging, ens, expected } = await lagBehind(t, '');
  assert.match(lagging.logText(), /^Sync SNAP 0x[0-9a-f]+ from leader \d+$/m);
  assert.match(leader.logText(), /^Txnlog size: over \d+ bytes exceeds sizeLimit: \d+ \(snapshotSizeFactor 0\.33\); sending a SNAP$/m);
  await sameData(ens, leader, lagging, expected);
});
