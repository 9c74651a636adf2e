// /metrics of a three-member ensemble of our servers: every member reports quorum_size, the leader its learners and
// synced followers (LeaderZooKeeperServer's gauges), and a write on the leader shows in every member's znode_count.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { NzkClient } from '../faults/nzk-client.js';
import { scrape } from '../support/prometheus-text.js';
import { Ensemble, waitFor, type Member } from '../support/zk-ensemble.js';

const METRICS = [
  'metricsProvider.className=org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider',
  'metricsProvider.httpHost=127.0.0.1',
  'metricsProvider.httpPort=0',
  'metricsProvider.exportJvmInfo=false',
].join('\n');

let ensemble: Ensemble;

function metricsUrl(m: Member): string {
  const port = /Started \/metrics HTTP endpoint at host: 127\.0\.0\.1, port: (\d+)/.exec(m.logText())?.[1];
  assert.ok(port, `server ${m.sid} logs its metrics port:\n${m.logText()}`);
  return `http://127.0.0.1:${port}/metrics`;
}

before(async () => {
  ensemble = await Ensemble.create([{ sid: 1, impl: 'ours' }, { sid: 2, impl: 'ours' }, { sid: 3, impl: 'ours' }], `${METRICS}\n`);
  ensemble.startAll();
});

after(async () => {
  await ensemble?.close();
});

test('leader and followers report their role\'s gauges, and the same tree', async () => {
  const leader = await ensemble.settled(60_000);
  const followers = ensemble.members.filter((m) => m !== leader);
  const leaderPage = await waitFor(async () => {
    const page = await scrape(metricsUrl(leader));
    return page.value('synced_followers') === 2 ? page : null;
  }, 'both followers synced', 30_000);
  assert.equal(leaderPage.value('quorum_size'), 3);
  assert.equal(leaderPage.value('learners'), 2);
  assert.equal(leaderPage.value('synced_observers'), 0);
  assert.ok(leaderPage.value('leader_uptime')! >= 0);
  assert.equal(leaderPage.families.has('process_resident_memory_bytes'), false, 'exportJvmInfo=false');
  for (const f of followers) {
    const page = await scrape(metricsUrl(f));
    assert.equal(page.value('quorum_size'), 3);
    assert.equal(page.families.has('synced_followers'), false, `follower ${f.sid} has no leader gauges`);
  }

  const before = await Promise.all(ensemble.members.map(async (m) => (await scrape(metricsUrl(m))).value('znode_count')!));
  const c = await NzkClient.connect(leader.connectString, 10_000, 10_000);
  try {
    await c.create('/ensemble-metrics', Buffer.from('x'));
    await c.create('/ensemble-metrics/child', Buffer.from('y'));
  } finally {
    c.close();
  }
  const sizes = await waitFor(async () => {
    const now = await Promise.all(ensemble.members.map(async (m) => (await scrape(metricsUrl(m))).value('znode_count')!));
    return now.every((n, i) => n === before[i]! + 2) ? now : null;
  }, 'the two nodes counted on every member', 30_000);
  assert.equal(new Set(sizes).size, 1);
  const page = await scrape(metricsUrl(leader));
  assert.ok(page.value('last_proposal_size')! > 0 && page.value('max_proposal_size')! >= page.value('min_proposal_size')!);
});
