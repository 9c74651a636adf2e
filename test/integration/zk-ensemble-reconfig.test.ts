// Dynamic reconfiguration on an ensemble of our servers as real processes (reconfigEnabled=true): the first
// leader versions the hand-written membership and moves it to zoo.cfg.dynamic.<version>; a fourth server and an
// observer join as non-voting followers and are added with zkcli's and Apache's zkCli's `reconfig`, a follower
// and then the leader are removed; every member shows the same /zookeeper/config, a client watching it stays
// connected (until the leader's removal makes a new election).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { apacheZooKeeperAvailable, runZkCliScript } from '../support/apache-zk.js';
import { freePort } from '../support/ports.js';
import { modeOf, ourMember, waitFor, type Member } from '../support/zk-ensemble.js';

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const SUPER_DIGEST = `super:${createHash('sha1').update('super:secret').digest('base64')}`;

interface Ports { client: number; quorum: number; election: number }

function line(sid: number, p: Ports, role = 'participant'): string {
  return `server.${sid}=127.0.0.1:${p.quorum}:${p.election}:${role};127.0.0.1:${p.client}`;
}

function ourZkCli(connectString: string, script: string[]): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [RUN_JS, 'zkcli', '-server', connectString], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (s: string) => (stdout += s));
    child.stderr.setEncoding('utf8').on('data', (s: string) => (stderr += s));
    child.stdin.on('error', () => {});
    child.stdin.end(script.map((l) => `${l}\n`).join(''));
    const timer = setTimeout(() => { child.kill('SIGKILL'); reject(new Error(`zkcli did not exit\n${stdout}\n${stderr}`)); }, 60_000);
    child.once('close', (code) => { clearTimeout(timer); resolve({ code, stdout, stderr }); });
  });
}

async function configOn(m: Member): Promise<string> {
  const c = await connectZooKeeper(m.connectString, { sessionTimeoutMs: 6000, waitForConnectedMs: 5000 });
  try {
    return (await c.getConfig()).data?.toString('utf8') ?? '';
  } finally {
    await c.close();
  }
}

/** The config node on every member equals `expected` (their text, version line last). */
async function allShow(members: Member[], expected: (version: string) => boolean, what: string): Promise<string> {
  let text = '';
  for (const m of members) {
    text = await waitFor(async () => { const t = await configOn(m); return expected(t) ? t : null; }, `${what} on server ${m.sid}`);
  }
  return text;
}

const versionOf = (text: string) => /^version=([0-9a-f]+)$/m.exec(text)?.[1] ?? '';
const serversOf = (text: string) => text.split('\n').filter((l) => l.startsWith('server.'));

test('reconfig: versioned dynamic config, add a voter and an observer, remove a follower and the leader', async (t) => {
  const work = mkdtempSync(join(tmpdir(), 'zkafka-reconfig-'));
  const members: Member[] = [];
  t.after(async () => {
    await Promise.all(members.map((m) => m.kill9()));
    if (!process.env.ZKAFKA_KEEP_TMP) rmSync(work, { recursive: true, force: true });
  });
  const ports = new Map<number, Ports>();
  for (const sid of [1, 2, 3, 4, 5]) ports.set(sid, { client: await freePort(), quorum: await freePort(), election: await freePort() });
  const cfgFiles = new Map<number, string>();
  const make = (sid: number, lines: string[]): Member => {
    const dir = join(work, `zk${sid}`);
    const dataDir = join(dir, 'data');
    mkdirSync(dataDir, { recursive: true });
    writeFileSync(join(dataDir, 'myid'), `${sid}\n`);
    const cfg = join(dir, 'zoo.cfg');
    cfgFiles.set(sid, cfg);
    writeFileSync(cfg, `tickTime=500\ninitLimit=10\nsyncLimit=5\ndataDir=${dataDir}\nclientPort=${ports.get(sid)!.client}\n` +
      `reconfigEnabled=true\n4lw.commands.whitelist=*\nDigestAuthenticationProvider.superDigest=${SUPER_DIGEST}\n${lines.join('\n')}\n`);
    const m = ourMember(sid, dir, cfg, dataDir, ports.get(sid)!.client);
    members.push(m);
    return m;
  };
  const initial = [1, 2, 3].map((sid) => line(sid, ports.get(sid)!));
  const [s1, s2, s3] = [1, 2, 3].map((sid) => make(sid, initial)) as [Member, Member, Member];
  const originalCfg = new Map([1, 2, 3].map((sid) => [sid, readFileSync(cfgFiles.get(sid)!, 'utf8')]));
  for (const m of [s1, s2, s3]) m.start();
  const leaderOf = async (ms: Member[]) => waitFor(async () => {
    const modes = await Promise.all(ms.map((m) => modeOf(m.clientPort)));
    if (modes.some((x) => x === null)) return null;
    const leaders = ms.filter((_, i) => modes[i] === 'leader');
    return leaders.length === 1 ? leaders[0] : null;
  }, 'one leader, every member serving');
  let leader = await leaderOf([s1, s2, s3]);

  // The first leader gives the hand-written membership its epoch's zxid as version; every member writes it out.
  const first = await allShow([s1, s2, s3], (t) => versionOf(t) !== '' && versionOf(t) !== '0', 'a versioned config');
  const v1 = versionOf(first);
  assert.match(v1, /^[0-9a-f]+00000000$/);
  assert.deepEqual(serversOf(first), initial);
  for (const sid of [1, 2, 3]) {
    const cfg = cfgFiles.get(sid)!;
    const dyn = `${cfg}.dynamic.${v1}`;
    await waitFor(async () => existsSync(dyn), `${dyn} written`);
    assert.equal(readFileSync(dyn, 'utf8'), [...initial].sort().join('\n'));
    const text = readFileSync(cfg, 'utf8');
    assert.match(text, new RegExp(`^dynamicConfigFile=${dyn.replace(/[.]/g, '\\.')}$`, 'm'));
    assert.doesNotMatch(text, /^server\.|^clientPort=/m);
    assert.equal(readFileSync(`${cfg}.bak`, 'utf8'), originalCfg.get(sid));
  }

  // A client watching /zookeeper/config, on a follower.
  const follower = [s1, s2, s3].find((m) => m !== leader)!;
  const watcher: ZooKeeperClient = await connectZooKeeper(follower.connectString, { sessionTimeoutMs: 10_000 });
  t.after(() => watcher.close());
  const states: string[] = [];
  watcher.on('state', (e) => states.push(e.state));
  const changes: string[] = [];
  const watchConfig = async () => (await watcher.getConfig((e) => { changes.push(e.type); watchConfig().catch(() => {}); })).data?.toString('utf8') ?? '';
  assert.equal(await watchConfig(), first);

  // No auth: NOAUTH; a stale -v: BADVERSION; a new config without a synced quorum: NEWCONFIGNOQUORUM.
  const denied = await ourZkCli(follower.connectString, [`reconfig -remove 3`]);
  assert.match(denied.stdout + denied.stderr, /^Insufficient permission : null$/m);
  const p4 = ports.get(4)!;
  const stale = await ourZkCli(follower.connectString, ['addauth digest super:secret', `reconfig -v 1 -remove 3`]);
  assert.match(stale.stdout + stale.stderr, /BadVersion|version/i);
  const noQuorum = await ourZkCli(follower.connectString, ['addauth digest super:secret', `reconfig -members ${line(4, p4)},${line(5, ports.get(5)!)}`]);
  assert.match(noQuorum.stdout + noQuorum.stderr, /No quorum of new config is connected/);

  // Server 4 starts with the members plus itself, follows as a non-voter, then zkcli's reconfig adds it.
  const s4 = make(4, [...initial, line(4, p4)]);
  s4.start();
  await waitFor(async () => (await modeOf(s4.clientPort)) === 'follower', 'server 4 following');
  const added = await ourZkCli(follower.connectString, ['addauth digest super:secret', `reconfig -v ${v1} -add ${line(4, p4)}`]);
  assert.equal(added.code, 0, added.stderr);
  assert.match(added.stdout, /^Committed new configuration:$/m);
  const second = await allShow([s1, s2, s3, s4], (t) => serversOf(t).length === 4, 'server 4 added');
  const v2 = versionOf(second);
  assert.ok(BigInt(`0x${v2}`) > BigInt(`0x${v1}`));
  assert.deepEqual(serversOf(second), [...initial, line(4, p4)]);
  assert.match(added.stdout, new RegExp(`^version=${v2}$`, 'm'));
  await waitFor(async () => changes.length > 0, 'the config watch to fire');
  assert.equal(changes[0], 'NodeDataChanged');
  assert.equal(await watcher.getConfig().then((r) => r.data?.toString('utf8')), second);
  for (const sid of [1, 2, 3, 4]) assert.equal(readFileSync(`${cfgFiles.get(sid)!}.dynamic.${v2}`, 'utf8'), serversOf(second).sort().join('\n'));
  // zkcli's `config` on the new member prints the same text.
  const shown = await ourZkCli(s4.connectString, ['config']);
  assert.ok(shown.stdout.includes(`\n${second}\n`), shown.stdout);

  // An observer, added with Apache's zkCli when it is installed (else with ours).
  const p5 = ports.get(5)!;
  const s5 = make(5, [...serversOf(second), line(5, p5, 'observer')]);
  s5.start();
  // Like server 4 it hears of the newer config in the election and follows without a vote until it is added.
  await waitFor(async () => (await modeOf(s5.clientPort)) === 'follower', 'server 5 following as a non-voter');
  const script = ['addauth digest super:secret', `reconfig -add ${line(5, p5, 'observer')}`];
  const viaApache = apacheZooKeeperAvailable() === null;
  const obs = viaApache ? await runZkCliScript(follower.connectString, script) : await ourZkCli(follower.connectString, script);
  assert.match(obs.stdout, /^Committed new configuration:$/m, obs.stdout + obs.stderr);
  const third = await allShow([s1, s2, s3, s4, s5], (t) => serversOf(t).length === 5, 'observer 5 added');
  assert.equal(serversOf(third)[4], line(5, p5, 'observer'));
  await waitFor(async () => (await modeOf(s5.clientPort)) === 'observer', 'server 5 observing');

  // Removing a follower that is not the watcher's server: it stops voting; the rest carry on.
  const removed = [s1, s2, s3, s4].find((m) => m !== leader && m !== follower)!;
  const rm = await ourZkCli(follower.connectString, ['addauth digest super:secret', `reconfig -remove ${removed.sid}`]);
  assert.equal(rm.code, 0, rm.stderr);
  const fourth = await allShow([s1, s2, s3, s4, s5].filter((m) => m !== removed), (t) => serversOf(t).length === 4, `server ${removed.sid} removed`);
  assert.ok(!serversOf(fourth).some((l) => l.startsWith(`server.${removed.sid}=`)));

  // Until now the watching client never lost its connection.
  assert.deepEqual(states.filter((s) => s !== 'SyncConnected'), []);

  // Removing the leader: a new leader among the remaining voters; the config is the same everywhere.
  const rest = [s1, s2, s3, s4].filter((m) => m !== removed && m !== leader);
  const rml = await ourZkCli(follower.connectString, ['addauth digest super:secret', `reconfig -remove ${leader.sid}`]);
  assert.match(rml.stdout, /^Committed new configuration:$/m, rml.stdout + rml.stderr);
  const newLeader = await waitFor(async () => {
    const modes = await Promise.all(rest.map((m) => modeOf(m.clientPort)));
    const i = modes.indexOf('leader');
    return i >= 0 && modes.every((x) => x === 'leader' || x === 'follower') ? rest[i] : null;
  }, 'a new leader among the remaining voters');
  assert.notEqual(newLeader.sid, leader.sid);
  // The one the old leader's COMMITANDACTIVATE named (Leader.getDesignatedLeader), taken without an election.
  const named = [...leader.logText().matchAll(/^Reconfig: config version 0x[0-9a-f]+ active: .*; designated leader (\d+)$/gm)].at(-1)?.[1];
  assert.equal(String(newLeader.sid), named);
  leader = newLeader;
  const fifth = await allShow([...rest, s5], (t) => serversOf(t).length === 3, 'the old leader removed');
  assert.deepEqual(serversOf(fifth).map((l) => l.split('=')[0]), [...rest.map((m) => `server.${m.sid}`), 'server.5']);
  // Writes still commit with the new quorum.
  const w = await connectZooKeeper(rest[0]!.connectString, { sessionTimeoutMs: 6000 });
  t.after(() => w.close());
  await w.create('/after-reconfig', Buffer.from('ok'), [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }], 0);
  assert.equal(states.filter((s) => s === 'Expired').length, 0);
});
