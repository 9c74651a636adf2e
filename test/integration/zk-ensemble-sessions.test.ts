// Sessions across an ensemble of our servers (real processes): local sessions (localSessionsEnabled) that cost no
// transaction until an ephemeral needs a global one (upgraded with localSessionsUpgradingEnabled, else
// EPHEMERALONLOCALSESSION), and the leader's session-owner check: a session taken up through another server makes
// the stale connection's next write an error transaction SESSIONMOVED, and that connection is closed unanswered.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { Err } from '../../src/zookeeper/jute/constants.js';
import { ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { Ensemble, dataOn, waitFor, zxidOf, type Member } from '../support/zk-ensemble.js';

const mntrValue = async (m: Member, key: string) =>
  new RegExp(`^zk_${key}\\t(\\d+)$`, 'm').exec(await sendFourLetterWord('127.0.0.1', m.clientPort, 'mntr', 2000))?.[1];
const hasCode = (code: number) => (err: { code?: number }) => err.code === code;

test('local sessions, their upgrade, EPHEMERALONLOCALSESSION, and SESSIONMOVED for a session taken up elsewhere', async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], 'localSessionsEnabled=true\n');
  // Only server 1 (never the leader: the highest sid of any quorum that forms wins) upgrades local sessions.
  appendFileSync(join(ens.workDir, 'zk1', 'zoo.cfg'), 'localSessionsUpgradingEnabled=true\n');
  t.after(() => ens.close());
  ens.startAll();
  await ens.settled();
  await ens.caughtUp();
  const [s1, s2] = [ens.member(1), ens.member(2)];

  // A local session: no createSession transaction, counted as local by mntr.
  const zxidBefore = await zxidOf(s1.clientPort);
  const a = new ZooKeeperClient(s1.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => a.close());
  await a.waitForConnected();
  assert.equal(await mntrValue(s1, 'local_sessions'), '1');
  assert.equal(await zxidOf(s1.clientPort), zxidBefore);
  await a.create('/persistent', Buffer.from('from a local session'));

  // Its first ephemeral upgrades it through the leader: global on every server, the node owned by it.
  await a.create('/eph', Buffer.from('e'), undefined, 'EPHEMERAL');
  assert.equal(await mntrValue(s1, 'local_sessions'), '0');
  assert.match(s1.logText(), new RegExp(`^Upgrading session 0x${a.sessionId.toString(16)}$`, 'm'));
  for (const m of ens.members) assert.equal(await waitFor(() => dataOn(m, '/eph'), `/eph on ${m.sid}`), 'e');
  assert.equal((await a.exists('/eph'))!.ephemeralOwner, a.sessionId);

  // Without upgrading, a local session cannot own an ephemeral; other writes go through.
  const b = new ZooKeeperClient(s2.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => b.close());
  await b.waitForConnected();
  await assert.rejects(b.create('/b-eph', null, undefined, 'EPHEMERAL'), hasCode(Err.EPHEMERALONLOCALSESSION));
  await assert.rejects(b.create('/b-seq', null, undefined, 'EPHEMERAL_SEQUENTIAL'), hasCode(Err.EPHEMERALONLOCALSESSION));
  await b.create('/b-persistent');
  assert.equal(await b.exists('/b-eph'), null);

  // A's (now global) session taken up on server 2 by a second client with its id and password.
  const c = new ZooKeeperClient(s2.connectString, { sessionTimeoutMs: 6000, sessionId: a.sessionId, sessionPassword: a.sessionPassword });
  t.after(() => c.close());
  await c.waitForConnected();
  assert.equal(c.sessionId, a.sessionId);
  await c.create('/by-c', Buffer.from('c'));
  // A's connection on server 1 is stale: its write is refused by the leader and the connection closed unanswered.
  await assert.rejects(a.create('/by-a', Buffer.from('a')), hasCode(Err.CONNECTIONLOSS));
  assert.match(s1.logText(), new RegExp(`^Session 0x${a.sessionId.toString(16)} moved to another server: closing its connection`, 'm'));
  assert.equal(await dataOn(s2, '/by-a'), null);
  // A reconnects to server 1 and takes the session back: now C's connection is the stale one.
  await waitFor(async () => a.state === 'CONNECTED' && (await a.exists('/by-c')) !== null, 'a reconnected');
  await a.create('/by-a-again', Buffer.from('a'));
  await assert.rejects(c.create('/by-c-again', Buffer.from('c')), hasCode(Err.CONNECTIONLOSS));
  assert.match(s2.logText(), new RegExp(`^Session 0x${a.sessionId.toString(16)} moved to another server: closing its connection`, 'm'));
  assert.equal(await dataOn(s1, '/by-c-again'), null);
  // Reads on a stale connection are answered: only writes meet the leader's owner check.
  await waitFor(async () => c.state === 'CONNECTED', 'c reconnected');
  assert.equal((await c.getData('/by-a-again')).data?.toString(), 'a');
});
