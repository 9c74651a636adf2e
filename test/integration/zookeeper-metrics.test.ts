// The ZooKeeper server's Prometheus endpoint (metricsProvider.className = Apache's PrometheusMetricsProvider), on a
// real `zkafka zookeeper-server-start` process: the page parses, shows the figures mntr shows, and they move with
// client work; /metrics only; zoo.cfg mistakes and a taken port stop the start with one line.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { NzkClient } from '../faults/nzk-client.js';
import { fourLetterWord } from '../support/apache-zk.js';
import { waitFor } from '../support/kafka-broker-process.js';
import { scrape, type Scrape } from '../support/prometheus-text.js';
import { runTool, startTool, type RunningTool } from '../support/run-tool.js';
import { javaDouble } from '../../src/zookeeper/server/four-letter-words/java-format.js';
import { COUNTERS, GAUGES, PERCENTILE_SUMMARIES, SUMMARIES } from '../../src/zookeeper/server/four-letter-words/metric-keys.js';

const PROMETHEUS = 'org.apache.zookeeper.metrics.prometheus.PrometheusMetricsProvider';
const workDir = mkdtempSync(join(tmpdir(), 'zkafka-zk-metrics-'));

function zooCfg(name: string, extra: Record<string, string>): string {
  const file = join(workDir, `${name}.cfg`);
  const lines = { dataDir: join(workDir, name), clientPort: '0', clientPortAddress: '127.0.0.1', '4lw.commands.whitelist': '*', 'admin.enableServer': 'false', ...extra };
  writeFileSync(file, Object.entries(lines).map(([k, v]) => `${k}=${v}\n`).join(''));
  return file;
}

after(() => rmSync(workDir, { recursive: true, force: true }));

function mntrValues(text: string): Map<string, string> {
  return new Map(text.split('\n').filter((l) => l !== '').map((l) => [l.slice(0, l.indexOf('\t')), l.slice(l.indexOf('\t') + 1)]));
}

describe('ZooKeeper /metrics', () => {
  let server: RunningTool;
  let clientPort: number;
  let url: string;

  before(async () => {
    const cfg = zooCfg('zk', { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.httpHost': '127.0.0.1', 'metricsProvider.httpPort': '0', 'metricsProvider.exportJvmInfo': 'true' });
    server = startTool(['zookeeper-server-start', cfg]);
    const out = await waitFor('the server started', () => /listening on 127\.0\.0\.1:(\d+)/.test(server.stdout()) && server.stdout(), 30_000);
    clientPort = Number(/listening on 127\.0\.0\.1:(\d+)/.exec(out)![1]);
    const metricsPort = Number(/Started \/metrics HTTP endpoint at host: 127\.0\.0\.1, port: (\d+), exportJvmInfo: true/.exec(out)![1]);
    url = `http://127.0.0.1:${metricsPort}/metrics`;
  });

  after(async () => {
    server?.child.kill('SIGTERM');
    await server?.done;
  });

  test('every mntr gauge, counter and summary is on the page under its Apache name and type', async () => {
    const page = await scrape(url);
    for (const name of GAUGES) assert.equal(page.families.get(name)?.type, 'gauge', name);
    for (const name of COUNTERS) assert.equal(page.families.get(name)?.type, 'counter', name);
    for (const name of SUMMARIES) {
      assert.equal(page.families.get(name)?.type, 'summary', name);
      assert.deepEqual(page.matching(name).map((s) => s.labels.quantile), ['0.5'], `${name}: Apache's basic summary has the median only`);
    }
    for (const name of PERCENTILE_SUMMARIES) assert.deepEqual(page.matching(name).map((s) => s.labels.quantile), ['0.5', '0.9', '0.99'], name);
    assert.equal(page.families.get('read_per_namespace')?.type, 'summary');
    assert.ok((page.value('process_resident_memory_bytes') ?? 0) > 0, 'exportJvmInfo=true: process metrics');
  });

  test('after N creates znode_count grows by N and the page agrees with mntr', async () => {
    const N = 7;
    const before = await scrape(url);
    const client = await NzkClient.connect(`127.0.0.1:${clientPort}`, 10_000, 10_000);
    try {
      await client.create('/metrics-test', Buffer.from('abc'));
      for (let i = 1; i < N; i++) await client.create(`/metrics-test/n${i}`, Buffer.alloc(10));
      await client.create('/eph', Buffer.from('e'), 1 /* EPHEMERAL */);
      await client.getData('/metrics-test');
      const page = await scrape(url);
      const mntr = mntrValues(await fourLetterWord('127.0.0.1', clientPort, 'mntr'));
      assert.equal(page.value('znode_count')! - before.value('znode_count')!, N + 1);
      assert.equal(page.value('ephemerals_count'), 1);
      assert.equal(page.value('global_sessions'), 1);
      assert.equal(page.value('updatelatency_count')! - before.value('updatelatency_count')!, N + 1);
      // Every write of this session is a create in the metrics-test namespace (path plus data bytes), but the ephemeral.
      assert.equal(page.value('write_per_namespace_count', { key: 'metrics-test' }), N);
      assert.equal(page.value('write_per_namespace_sum', { key: 'metrics-test' }), '/metrics-test'.length + 3 + (N - 1) * ('/metrics-test/n1'.length + 10));
      assert.ok(page.value('fsynctime_count')! >= before.value('fsynctime_count')! + 1);
      // mntr with the Prometheus provider dumps that provider's samples, each value a Java double, as Apache's does.
      const lines = [...mntr.keys()];
      assert.deepEqual(lines.slice(0, 2), ['zk_version', 'zk_server_state']);
      assert.equal(mntr.get('zk_server_state'), 'standalone');
      assert.equal(mntr.has('zk_cnt_updatelatency'), false, 'no default-provider keys');
      assert.ok(mntr.has('zk_updatelatency{quantile="0.5"}'));
      assert.equal(mntr.get('zk_write_per_namespace_count{key="metrics-test"}'), `${N}.0`);
      for (const name of ['znode_count', 'ephemerals_count', 'approximate_data_size', 'watch_count', 'global_sessions', 'updatelatency_count', 'updatelatency_sum', 'fsynctime_count']) {
        assert.equal(mntr.get(`zk_${name}`), javaDouble(page.value(name)!), `${name} on the page and in mntr`);
      }
      assert.equal(lines.length, page.samples.length + 2, 'every sample of the page, after version and state');
    } finally {
      client.close();
    }
  });

  test('only /metrics answers, to GET and HEAD', async () => {
    const other = await fetch(url.replace('/metrics', '/'));
    assert.equal(other.status, 404);
    await other.text();
    const post = await fetch(url, { method: 'POST' });
    assert.equal(post.status, 405);
    await post.text();
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    assert.match(head.headers.get('content-type') ?? '', /^text\/plain; version=0\.0\.4/);
  });

  test('a metrics port in use stops the start with one line, before clients are served', async () => {
    const port = Number(new URL(url).port);
    const cfg = zooCfg('zk-clash', { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.httpHost': '127.0.0.1', 'metricsProvider.httpPort': String(port) });
    const r = await runTool('zookeeper-server-start', [cfg], 30_000);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `zkafka: cannot start ZooKeeper server: cannot serve metrics on 127.0.0.1:${port}: Address already in use\n`);
    assert.doesNotMatch(r.stdout, /listening on/);
  });
});

describe('zoo.cfg metricsProvider keys', () => {
  const cases: [string, Record<string, string>, RegExp][] = [
    ['an unknown provider class', { 'metricsProvider.className': 'com.example.Metrics' },
      /: metricsProvider\.className: expected org\.apache\.zookeeper\.metrics\.prometheus\.PrometheusMetricsProvider or .*DefaultMetricsProvider.*, got 'com\.example\.Metrics'\n$/],
    ['a port out of range', { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.httpPort': '70000' },
      /: metricsProvider\.httpPort: expected a port number \(0-65535\), got '70000'\n$/],
    ['exportJvmInfo not a boolean', { 'metricsProvider.className': PROMETHEUS, 'metricsProvider.exportJvmInfo': 'yes' },
      /: metricsProvider\.exportJvmInfo: expected 'true' or 'false', got 'yes'\n$/],
  ];
  for (const [what, extra, message] of cases) {
    test(`${what}: one line naming the file and the key, exit 2`, async () => {
      const cfg = zooCfg(`bad-${what.replace(/\W+/g, '-')}`, extra);
      const r = await runTool('zookeeper-server-start', [cfg], 30_000);
      assert.equal(r.code, 2, r.stderr);
      assert.equal(r.stderr.split('\n').length, 2, r.stderr);
      assert.ok(r.stderr.startsWith(cfg), r.stderr);
      assert.match(r.stderr, message);
    });
  }
});
