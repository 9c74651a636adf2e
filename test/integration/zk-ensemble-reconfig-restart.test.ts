// Dynamic reconfiguration across restarts, three of our servers as real processes: a proposed reconfig is written
// to zoo.cfg.dynamic.next (the config and its version line, sorted) on the members that logged it; crashed before
// it committed, the restarted members take it from there and the new epoch activates it, after which no
// zoo.cfg.dynamic.next is left. A server the reconfig removed refuses to start from its own files, which no longer
// list it, as Apache ZooKeeper 3.8's QuorumPeer.start does ("My id N not in the peer list", exit status 1).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';
import { Ensemble, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

const SUPER = `DigestAuthenticationProvider.superDigest=super:${createHash('sha1').update('super:secret').digest('base64')}\n`;

const cfgOf = (m: Member) => join(dirname(m.dataDir), 'zoo.cfg');
const serversOf = (text: string) => text.split('\n').filter((l) => l.startsWith('server.'));
const versionOf = (text: string) => /^version=([0-9a-f]+)$/m.exec(text)?.[1] ?? '';

async function configOn(m: Member): Promise<string> {
  const c = await connectZooKeeper(m.connectString, { sessionTimeoutMs: 6000, waitForConnectedMs: 5000 });
  try {
    return (await c.getConfig()).data?.toString('utf8') ?? '';
  } finally {
    await c.close();
  }
}

function readIfExists(file: string): string | null {
  return existsSync(file) ? readFileSync(file, 'utf8') : null;
}

test('zoo.cfg.dynamic.next: written when a reconfig is proposed, activated after a crash, removed; a removed server refuses to start', async (t) => {
  const ens = await Ensemble.create([1, 2, 3].map((sid) => ({ sid, impl: 'ours' as const })), `reconfigEnabled=true\n${SUPER}`);
  t.after(() => ens.close());
  ens.startAll();
  const leader = await ens.settled();
  const [stalled, removed] = ens.members.filter((m) => m !== leader) as [Member, Member];
  const first = await waitFor(async () => { const c = await configOn(removed); return versionOf(c) !== '0' ? c : null; }, 'a versioned config');
  // Activated configs leave no next file behind (the epoch's version went through it).
  for (const m of ens.members) await waitFor(async () => !existsSync(`${cfgOf(m)}.dynamic.next`), `no next file on ${m.sid}`);

  // With one follower stopped, a reconfig removing the other is proposed and cannot commit: the new config needs
  // the stopped one's ack. The leader and the follower to be removed log it and write it as the next config.
  stalled.signal('SIGSTOP');
  const c = await connectZooKeeper(leader.connectString, { sessionTimeoutMs: 20_000 });
  await c.addAuthInfo('digest', 'super:secret');
  const pending = c.reconfig({ leaving: String(removed.sid) }).then(() => 'committed', (err: Error) => err.message);
  const next = await waitFor(async () => readIfExists(`${cfgOf(removed)}.dynamic.next`), `zoo.cfg.dynamic.next on server ${removed.sid}`);
  const kept = serversOf(first).filter((l) => !l.startsWith(`server.${removed.sid}=`));
  const version = versionOf(next);
  assert.ok(BigInt(`0x${version}`) > BigInt(`0x${versionOf(first)}`), next);
  assert.equal(next, [...kept, `version=${version}`].sort().join('\n'));
  assert.equal(await waitFor(async () => readIfExists(`${cfgOf(leader)}.dynamic.next`), 'the next file on the leader'), next);
  assert.equal(readIfExists(`${cfgOf(stalled)}.dynamic.next`), null);

  // Both crash before it commits; the stalled follower resumes and they restart from their files.
  await Promise.all([leader.kill9(), removed.kill9()]);
  stalled.signal('SIGCONT');
  void pending;
  c.close().catch(() => {});
  leader.start();
  removed.start();
  const expected = `${kept.join('\n')}\nversion=${version}`;
  for (const m of ens.members) {
    assert.equal(await waitFor(async () => { const text = await configOn(m); return text === expected ? text : null; }, `the restored config on server ${m.sid}`, 60_000), expected);
  }
  assert.match(leader.logText(), new RegExp(`^Last seen config 0x${version} `, 'm'));
  for (const m of ens.members) {
    await waitFor(async () => !existsSync(`${cfgOf(m)}.dynamic.next`), `the next file removed on server ${m.sid}`);
    assert.equal(readFileSync(`${cfgOf(m)}.dynamic.${version}`, 'utf8'), [...kept].sort().join('\n'));
    assert.match(readFileSync(cfgOf(m), 'utf8'), new RegExp(`^dynamicConfigFile=.*\\.dynamic\\.${version}$`, 'm'));
  }
  // The removed server follows without a vote; the two voters carry on.
  await waitFor(async () => (await modeOf(removed.clientPort)) === 'follower', `server ${removed.sid} following without a vote`);
  const w = await connectZooKeeper(stalled.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => w.close());
  await w.create('/after-restore', Buffer.from('ok'), [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);

  // Restarted from its own files, which no longer list it, the removed server refuses to start.
  await removed.stop();
  removed.start();
  await waitFor(async () => !removed.running, `server ${removed.sid} exiting`);
  assert.equal(removed.exitCode, 1);
  assert.match(removed.logText(), new RegExp(`My id ${removed.sid} not in the peer list`));
});
