// Dynamic reconfiguration in a mixed ensemble: Apache ZooKeeper 3.8 following our leader takes the versioned
// config NEWLEADER carries, applies a reconfig our leader commits with COMMITANDACTIVATE, and forwards a
// client's reconfig to our leader; its /zookeeper/config stays the same as ours throughout. And the other way
// round: our follower of an Apache leader activates what Apache's COMMITANDACTIVATE commits (a member removed and
// added back with Apache's zkCli), writes it out as Apache does, and keeps following.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';
import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { SUPER_DIGEST, apacheZooKeeperAvailable, runZkCliScript } from '../support/apache-zk.js';
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

test('our follower of an Apache leader: COMMITANDACTIVATE of reconfigs made with Apache zkCli (remove, add back)', { skip: unavailable ?? false }, async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'apache' }, { sid: 2, impl: 'apache' }, { sid: 3, impl: 'ours' }], `reconfigEnabled=true\nDigestAuthenticationProvider.superDigest=${SUPER_DIGEST}\n`);
  t.after(() => ens.close());
  const [apache1, apache2, ours3] = ens.members as [Member, Member, Member];
  apache1.start();
  apache2.start();
  assert.equal(await ens.settled(), apache2);
  ours3.start();
  await waitFor(async () => (await modeOf(ours3.clientPort)) === 'follower', 'ours following Apache');
  const first = (await dataOn(apache2, '/zookeeper/config'))!;
  assert.equal(await waitFor(async () => { const c = await dataOn(ours3, '/zookeeper/config'); return c === first ? c : null; }, "ours showing Apache's config"), first);
  const cfg = join(dirname(ours3.dataDir), 'zoo.cfg');
  const versionOf = (text: string) => /^version=([0-9a-f]+)$/m.exec(text)![1]!;
  const servers = (text: string) => text.split('\n').filter((l) => l.startsWith('server.'));

  /** Apache's zkCli on the leader; its answer is the committed config, which our follower then shows and writes. */
  const reconfigOnApache = async (args: string, members: number) => {
    const r = await runZkCliScript(apache2.connectString, ['addauth digest super:test', `reconfig ${args}`]);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^Committed new configuration:$/m, r.stdout);
    const text = r.stdout.slice(r.stdout.indexOf('server.')).trimEnd();
    assert.equal(servers(text).length, members, text);
    assert.equal(await waitFor(async () => { const c = await dataOn(ours3, '/zookeeper/config'); return c === text ? c : null; }, `ours activating version ${versionOf(text)}`), text);
    const dyn = `${cfg}.dynamic.${versionOf(text)}`;
    await waitFor(async () => existsSync(dyn), `${dyn} written`);
    assert.equal(readFileSync(dyn, 'utf8'), [...servers(text)].sort().join('\n'));
    assert.match(readFileSync(cfg, 'utf8'), new RegExp(`^dynamicConfigFile=${dyn.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.equal(existsSync(`${cfg}.dynamic.next`), false);
    // zkCli's `config` through our server prints the same text, and ours still follows Apache's leader.
    const shown = await runZkCliScript(ours3.connectString, ['config']);
    assert.equal(shown.stdout.trimEnd(), text);
    assert.equal(await modeOf(ours3.clientPort), 'follower');
    return text;
  };

  const second = await reconfigOnApache('-remove 1', 2);
  assert.ok(!second.includes('server.1='));
  // Writes through ours commit with the new quorum of 2 and 3.
  const c = await connectZooKeeper(ours3.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => c.close());
  await c.create('/after-remove', Buffer.from('2 and 3'), [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);
  assert.equal(await waitFor(() => dataOn(apache2, '/after-remove'), '/after-remove on the Apache leader'), '2 and 3');

  const line1 = first.split('\n').find((l) => l.startsWith('server.1='))!;
  const third = await reconfigOnApache(`-add ${line1};127.0.0.1:${apache1.clientPort}`, 3);
  assert.ok(third.includes(`${line1};127.0.0.1:${apache1.clientPort}`), third);
  assert.ok(BigInt(`0x${versionOf(third)}`) > BigInt(`0x${versionOf(second)}`));

  // Removed again and restarted from its own files, which no longer list it, Apache refuses to start, as ours does
  // (test/integration/zk-ensemble-reconfig-restart.test.ts).
  await reconfigOnApache('-remove 1', 2);
  await apache1.stop();
  apache1.start();
  await waitFor(async () => !apache1.running, 'Apache 1 exiting');
  assert.equal(apache1.exitCode, 1);
  assert.match(apache1.logText(), /java\.lang\.RuntimeException: My id 1 not in the peer list/);
});

test("an Apache leader removed by reconfig: ours take the leader Apache's COMMITANDACTIVATE designates", { skip: unavailable ?? false }, async (t) => {
  const ens = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'apache' }], `reconfigEnabled=true\nDigestAuthenticationProvider.superDigest=${SUPER_DIGEST}\n`);
  t.after(() => ens.close());
  const [ours1, ours2, apache3] = ens.members as [Member, Member, Member];
  ours1.start();
  apache3.start();
  assert.equal(await ens.settled(), apache3);
  ours2.start();
  await waitFor(async () => (await modeOf(ours2.clientPort)) === 'follower', 'ours 2 following Apache');
  const r = await runZkCliScript(apache3.connectString, ['addauth digest super:test', 'reconfig -remove 3']);
  assert.match(r.stdout, /^Committed new configuration:$/m, r.stdout + r.stderr);
  // Apache's getDesignatedLeader: of the voters of {1, 2} that acked, the first its HashSet iterates (1 when both did).
  const named = await waitFor(async () => {
    const ids = [ours1, ours2].map((m) => /^Reconfig: config version 0x[0-9a-f]+ active: 1:participant, 2:participant; designated leader (\d+)$/m.exec(m.logText())?.[1]);
    return ids[0] !== undefined && ids[0] === ids[1] ? Number(ids[0]) : null;
  }, 'both of ours told the designated leader');
  const leader = ens.member(named);
  const other = named === 1 ? ours2 : ours1;
  await waitFor(async () => (await modeOf(leader.clientPort)) === 'leader', `server ${named} leading`, 60_000);
  await waitFor(async () => (await modeOf(other.clientPort)) === 'follower', `server ${other.sid} following`, 60_000);
  // Apache, no longer a member, follows the new leader without a vote.
  await waitFor(async () => (await modeOf(apache3.clientPort)) === 'follower', 'Apache following without a vote', 60_000);
  const c = await connectZooKeeper(other.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => c.close());
  await c.create('/after-leader-removed', Buffer.from('1 and 2'), [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);
  assert.equal(await waitFor(() => dataOn(apache3, '/after-leader-removed'), '/after-leader-removed on Apache'), '1 and 2');
});
