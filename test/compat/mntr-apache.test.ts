// mntr of our server next to Apache ZooKeeper 3.8's (Debian jars), after the same client operations: the same keys in
// the same order with values of the same kind (integer, Java double or text), and equal figures where both count the
// same thing. Replicated: a mixed ensemble where an Apache follower and ours, then an Apache leader and ours, answer.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { NzkClient } from '../faults/nzk-client.js';
import { apacheZooKeeperAvailable, fourLetterWord, startApacheZooKeeper, type ApacheZk } from '../support/apache-zk.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { Ensemble, modeOf, waitFor, type Member } from '../support/zk-ensemble.js';

const NO_APACHE = apacheZooKeeperAvailable();

type Kind = 'integer' | 'double' | 'text';

function kindOf(value: string): Kind {
  if (/^-?\d+$/.test(value)) return 'integer';
  if (/^-?\d+\.\d+(E-?\d+)?$/.test(value) || value === 'NaN' || value === 'Infinity') return 'double';
  return 'text';
}

function parseMntr(text: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const tab = line.indexOf('\t');
    assert.ok(tab > 0, `mntr line without a tab: ${JSON.stringify(line)}`);
    out.set(line.slice(0, tab), line.slice(tab + 1));
  }
  return out;
}

function kindDiffs(apache: Map<string, string>, ours: Map<string, string>): string[] {
  const diffs: string[] = [];
  for (const [key, value] of apache) {
    const mine = ours.get(key);
    if (mine === undefined) diffs.push(`${key}: missing`);
    else if (kindOf(mine) !== kindOf(value)) diffs.push(`${key}: ${kindOf(mine)} ${JSON.stringify(mine)}, Apache ${kindOf(value)} ${JSON.stringify(value)}`);
  }
  for (const key of ours.keys()) if (!apache.has(key)) diffs.push(`${key}: not in Apache's mntr`);
  return diffs;
}

/** The same session on either server: a few nodes in two namespaces, an ephemeral, reads and a watch. */
async function exercise(connectString: string): Promise<NzkClient> {
  const c = await NzkClient.connect(connectString, 10_000, 10_000);
  await c.create('/app', Buffer.from('config'));
  await c.create('/app/a', Buffer.from('1'));
  await c.create('/jobs', Buffer.from(''));
  await c.create('/jobs/e', Buffer.from('x'), 1 /* EPHEMERAL */);
  await c.getData('/app');
  await c.getChildren('/jobs');
  await c.exists('/app/a');
  return c;
}

describe('mntr next to Apache ZooKeeper 3.8, standalone', { skip: NO_APACHE ?? false }, () => {
  let apache: ApacheZk;
  let ours: OurZk;
  const clients: NzkClient[] = [];

  before(async () => {
    [apache, ours] = await Promise.all([startApacheZooKeeper(), startOurZooKeeper()]);
    clients.push(await exercise(apache.connectString), await exercise(ours.connectString));
  });

  after(async () => {
    for (const c of clients) c.close();
    await Promise.all([apache?.stop(), ours?.stop()]);
  });

  test('the same keys in the same order, each value of the same kind', async () => {
    const a = parseMntr(await fourLetterWord(apache.host, apache.port, 'mntr'));
    const o = parseMntr(await fourLetterWord(ours.host, ours.port, 'mntr'));
    assert.ok(a.size > 200, `Apache's mntr has its ${a.size} keys`);
    assert.deepEqual(kindDiffs(a, o), []);
    assert.deepEqual([...o.keys()], [...a.keys()]);
    assert.equal(o.get('zk_server_state'), 'standalone');
  });

  test('figures both count the same way are equal', async () => {
    const a = parseMntr(await fourLetterWord(apache.host, apache.port, 'mntr'));
    const o = parseMntr(await fourLetterWord(ours.host, ours.port, 'mntr'));
    for (const key of ['zk_znode_count', 'zk_ephemerals_count', 'zk_global_sessions', 'zk_local_sessions', 'zk_approximate_data_size',
      'zk_cnt_app_write_per_namespace', 'zk_sum_app_write_per_namespace', 'zk_cnt_jobs_write_per_namespace', 'zk_sum_jobs_write_per_namespace',
      'zk_cnt_app_read_per_namespace', 'zk_sum_app_read_per_namespace', 'zk_cnt_jobs_read_per_namespace', 'zk_sum_jobs_read_per_namespace']) {
      assert.equal(o.get(key), a.get(key), key);
    }
  });
});

describe('mntr next to Apache ZooKeeper 3.8, in a mixed ensemble', { skip: NO_APACHE ?? false }, () => {
  let ensemble: Ensemble;

  before(async () => {
    // Apache 1 and 3, ours 2: Apache's 3 leads first (highest sid), ours leads once 3 is gone.
    ensemble = await Ensemble.create([{ sid: 1, impl: 'apache' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'apache' }]);
    // Apache's two first, so that 3 leads whatever the JVMs' start-up time; ours joins them as a follower.
    ensemble.member(1).start();
    ensemble.member(3).start();
  });

  after(async () => {
    await ensemble?.close();
  });

  // Apache writes the ensemble's config into /zookeeper/config when a member starts and syncs, which counts as a write
  // in the "zookeeper" namespace; our members do not write that node, so those five keys are left out.
  const CONFIG_WRITE = /^zk_(avg|min|max|cnt|sum)_zookeeper_write_per_namespace$/;
  // Apache's leader samples each learner handler's packet queue (learner_handler_qp_size and _time_ms, per learner
  // sid); our leader writes packets straight to the learner's socket and keeps no such queue.
  const LEARNER_QUEUE = /^zk_(avg|min|max|cnt|sum|p50|p95|p99|p999)_\d+_learner_handler_qp_(size|time_ms)$/;
  const mntrOf = async (m: Member) =>
    new Map([...parseMntr(await fourLetterWord('127.0.0.1', m.clientPort, 'mntr'))].filter(([k]) => !CONFIG_WRITE.test(k) && !LEARNER_QUEUE.test(k)));

  test('a follower and then a leader report what Apache\'s do in the same roles', async () => {
    const leader = await ensemble.settled(90_000);
    assert.equal(leader.sid, 3, 'Apache\'s server 3 leads');
    ensemble.member(2).start();
    await waitFor(async () => (await modeOf(ensemble.member(2).clientPort)) === 'follower', 'our server 2 following', 60_000);
    await waitFor(async () => ((await mntrOf(leader)).get('zk_synced_followers') === '2' ? true : null), 'both followers synced to Apache\'s leader', 60_000);
    const apacheFollower = await mntrOf(ensemble.member(1));
    const oursFollowing = await mntrOf(ensemble.member(2));
    assert.deepEqual(kindDiffs(apacheFollower, oursFollowing), []);
    assert.deepEqual([...oursFollowing.keys()], [...apacheFollower.keys()]);
    for (const key of ['zk_server_state', 'zk_peer_state', 'zk_quorum_size', 'zk_synced_observers']) assert.equal(oursFollowing.get(key), apacheFollower.get(key), key);
    assert.equal(oursFollowing.get('zk_peer_state'), 'following - broadcast');

    // Same history on 1 and 2 (a write all three apply): the election after 3 is gone is decided by sid, for ours.
    const c = await NzkClient.connect(leader.connectString, 10_000, 10_000);
    try {
      await c.create('/before-failover', Buffer.from('x'));
    } finally {
      c.close();
    }
    await ensemble.caughtUp(60_000);
    const apacheLeader = await mntrOf(leader);
    await ensemble.member(3).kill9();
    const newLeader = await waitFor(async () => ((await modeOf(ensemble.member(2).clientPort)) === 'leader' ? ensemble.member(2) : null), 'our server 2 leading', 60_000);
    const oursLeading = await waitFor(async () => {
      const m = await mntrOf(newLeader);
      return m.get('zk_synced_followers') === '1' ? m : null;
    }, 'Apache\'s server 1 synced to our leader', 60_000);
    assert.deepEqual(kindDiffs(apacheLeader, oursLeading), []);
    assert.deepEqual([...oursLeading.keys()], [...apacheLeader.keys()]);
    for (const key of ['zk_server_state', 'zk_peer_state', 'zk_quorum_size', 'zk_synced_non_voting_followers', 'zk_synced_observers']) assert.equal(oursLeading.get(key), apacheLeader.get(key), key);
    assert.equal(apacheLeader.get('zk_synced_followers'), '2');
    assert.equal(oursLeading.get('zk_learners'), '1');
  });
});
