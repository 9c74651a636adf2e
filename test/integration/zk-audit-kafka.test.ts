// ZooKeeper's operational data in Kafka: a real `zookeeper-server-start` process with zkafka.kafka.* keys publishes
// its audit events (Apache's fields: session, user, ip, operation, znode, znode_type, acl, result) and mntr
// snapshots to a real broker process, read back with `console-consumer` (also from a three-member ensemble, where
// the member a client uses reports it). With Kafka unreachable (a dead port, or
// the broker killed with SIGKILL) every write still succeeds: the event queue stays within its bound and counts
// what it drops, and the counters show that no write waited for a delivery.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseStartedLine } from '../../src/cli/zookeeper-process.js';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { connectZooKeeper, OPEN_ACL_UNSAFE, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, RUN_JS, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { freePort } from '../support/ports.js';
import { Ensemble } from '../support/zk-ensemble.js';
import { runTool } from '../support/run-tool.js';

interface ZkProcess {
  child: ChildProcess;
  port: number;
  output(): string;
  exit: Promise<number | null>;
}

const dirs: string[] = [];
const zkProcesses: ZkProcess[] = [];

/** `bin/run.js zookeeper-server-start zoo.cfg` on 127.0.0.1 and a port the system picks, with the extra keys. */
async function startZooKeeperProcess(extra: Record<string, string>): Promise<ZkProcess> {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-zk-audit-'));
  dirs.push(dir);
  const cfg = { tickTime: '500', dataDir: join(dir, 'data'), clientPort: '0', clientPortAddress: '127.0.0.1', '4lw.commands.whitelist': '*', 'admin.enableServer': 'false', ...extra };
  writeFileSync(join(dir, 'zoo.cfg'), Object.entries(cfg).map(([k, v]) => `${k}=${v}\n`).join(''));
  const child = spawn(process.execPath, [RUN_JS, 'zookeeper-server-start', join(dir, 'zoo.cfg')], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const proc: ZkProcess = { child, port: 0, output: () => out, exit };
  zkProcesses.push(proc);
  const started = await waitFor(`ZooKeeper in ${dir} to start`, () => {
    if (child.exitCode !== null) throw new Error(`ZooKeeper exited:\n${out}`);
    return parseStartedLine(out);
  });
  proc.port = started.address.port;
  return proc;
}

async function mntr(port: number): Promise<Map<string, string>> {
  const text = await sendFourLetterWord('127.0.0.1', port, 'mntr', 10_000);
  return new Map(text.trim().split('\n').map((line) => line.split('\t') as [string, string]));
}

const num = (m: Map<string, string>, key: string): number => {
  const v = m.get(key);
  assert.ok(v !== undefined, `mntr has ${key}`);
  return Number(v);
};

/** `count` writes with up to 200 outstanding; resolves with how many succeeded. */
async function writeMany(client: ZooKeeperClient, prefix: string, count: number): Promise<number> {
  await client.create(prefix, null);
  let ok = 0;
  let next = 0;
  const worker = async () => {
    while (next < count) {
      const i = next++;
      if (i % 2 === 0) await client.create(`${prefix}/n${i}`, Buffer.from(`v${i}`));
      else await client.setData(prefix, Buffer.from(`v${i}`));
      ok++;
    }
  };
  await Promise.all(Array.from({ length: 200 }, worker));
  return ok;
}

let brokerZk: OurZk;
const brokers = new BrokerProcesses();
let broker: BrokerProcess;
let bootstrap: string;

before(async () => {
  brokerZk = await startOurZooKeeper();
  broker = brokers.spawn(brokers.workDir(), ['broker.id=1', `zookeeper.connect=${brokerZk.connectString}`, 'num.partitions=1', 'offsets.topic.replication.factor=1', 'group.initial.rebalance.delay.ms=0']);
  bootstrap = `127.0.0.1:${(await broker.started).port}`;
});

after(async () => {
  for (const p of zkProcesses) if (p.child.exitCode === null && p.child.signalCode === null) p.child.kill('SIGKILL');
  await Promise.all(zkProcesses.map((p) => p.exit));
  await brokers.cleanup();
  await brokerZk?.stop();
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

function consume(topic: string, maxMessages: number, extra: string[] = []): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return runTool('console-consumer', ['--bootstrap-server', bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(maxMessages), ...extra]);
}

describe('with the broker up, then killed', () => {
  let zk: ZkProcess;

  before(async () => {
    zk = await startZooKeeperProcess({
      'zkafka.kafka.bootstrap.servers': bootstrap,
      'zkafka.audit.topic': 'zk-audit',
      'zkafka.metrics.topic': 'zk-metrics',
      'zkafka.metrics.intervalMs': '200',
      'zkafka.kafka.queue.max': '64',
    });
  });

  test('console-consumer shows exactly the audit records of the writes, sessions and the server start', async () => {
    const client = await connectZooKeeper(`127.0.0.1:${zk.port}`);
    const session = `0x${client.sessionId.toString(16)}`;
    await client.create('/audit-a', Buffer.from('x'));
    await client.setData('/audit-a', Buffer.from('y'));
    await client.create('/audit-a/e', null, OPEN_ACL_UNSAFE, 'EPHEMERAL');
    await assert.rejects(client.create('/audit-a', null));
    await client.setACL('/audit-a', [{ perms: 31, id: { scheme: 'world', id: 'anyone' } }]);
    await client.delete('/audit-a/e');
    await client.delete('/audit-a');
    await client.close();

    const r = await consume('zk-audit', 10, ['--property', 'print.key=true']);
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stderr, 'Processed a total of 10 messages\n');
    const lines = r.stdout.trimEnd().split('\n').map((line) => {
      const tab = line.indexOf('\t');
      return { key: line.slice(0, tab), value: JSON.parse(line.slice(tab + 1)) as Record<string, unknown> };
    });
    const fields = lines.map(({ value }) => [value['operation'], value['znode'], value['session'], value['result'], value['ip']]);
    assert.deepEqual(fields, [
      ['serverStart', undefined, undefined, 'success', undefined],
      ['sessionCreated', undefined, session, 'success', '127.0.0.1'],
      ['create', '/audit-a', session, 'success', '127.0.0.1'],
      ['setData', '/audit-a', session, 'success', '127.0.0.1'],
      ['create', '/audit-a/e', session, 'success', '127.0.0.1'],
      ['create', '/audit-a', session, 'failure', '127.0.0.1'],
      ['setAcl', '/audit-a', session, 'success', '127.0.0.1'],
      ['delete', '/audit-a/e', session, 'success', '127.0.0.1'],
      ['delete', '/audit-a', session, 'success', '127.0.0.1'],
      ['sessionClosed', undefined, session, 'success', '127.0.0.1'],
    ]);
    assert.deepEqual(lines.map((l) => l.key), ['null', ...Array(9).fill(session)]);
    assert.deepEqual(lines.map((l) => l.value['znode_type']), [undefined, undefined, 'persistent', undefined, 'ephemeral', 'persistent', undefined, undefined, undefined, undefined]);
    assert.equal(lines[6]!.value['acl'], 'world:anyone:cdrwa');
    for (const { value } of lines.slice(1)) {
      assert.equal(value['user'], '127.0.0.1');
      assert.equal(value['serverId'], 1);
      assert.match(String(value['timestamp']), /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
      assert.match(String(value['zxid']), /^0x[0-9a-f]+$/);
    }
    // Nothing more than those: a consumer that waits for an 11th record stops at its idle timeout with 10.
    const all = await consume('zk-audit', 11, ['--timeout-ms', '1500']);
    assert.equal(all.stderr.split('\n').find((l) => l.startsWith('Processed')), 'Processed a total of 10 messages');
  });

  test('metrics snapshots carry the figures mntr reports', async () => {
    const r = await consume('zk-metrics', 2, ['--property', 'print.key=true']);
    assert.equal(r.code, 0, r.stderr);
    const records = r.stdout.trimEnd().split('\n').map((line) => ({ key: line.split('\t')[0], value: JSON.parse(line.slice(line.indexOf('\t') + 1)) }));
    assert.equal(records.length, 2);
    // Per-namespace summaries appear with the first write under each top-level node: left out of the comparison.
    const fixed = (keys: string[]) => keys.filter((k) => !k.includes('per_namespace'));
    const names = fixed([...(await mntr(zk.port)).keys()]);
    for (const { key, value } of records) {
      assert.equal(key, 'server.1');
      assert.equal(value.serverId, 1);
      assert.deepEqual(fixed(Object.keys(value.metrics)), names, 'the same keys as mntr, in its order');
      assert.equal(value.metrics.zk_server_state, 'standalone');
      assert.equal(typeof value.metrics.zk_znode_count, 'number');
      assert.equal(value.metrics.zk_zkafka_kafka_queue_max, 64);
    }
  });

  test('an ensemble: each member reports its start, and the member a client uses reports that client', async () => {
    const ensemble = await Ensemble.create([1, 2, 3].map((sid) => ({ sid, impl: 'ours' as const })), `zkafka.kafka.bootstrap.servers=${bootstrap}\nzkafka.audit.topic=zk-audit-ensemble\nzkafka.metrics.intervalMs=0\n`);
    try {
      ensemble.startAll();
      const leader = await ensemble.settled();
      const follower = ensemble.members.find((m) => m !== leader)!;
      const client = await connectZooKeeper(follower.connectString);
      const session = `0x${client.sessionId.toString(16)}`;
      await client.create('/ens', Buffer.from('x'));
      await client.close();
      const r = await consume('zk-audit-ensemble', 6);
      assert.equal(r.code, 0, r.stderr);
      const values = r.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as Record<string, unknown>);
      const starts = values.filter((v) => v['operation'] === 'serverStart');
      assert.deepEqual(starts.map((v) => v['serverId']).sort(), [1, 2, 3]);
      assert.deepEqual(
        values.filter((v) => v['operation'] !== 'serverStart').map((v) => [v['serverId'], v['operation'], v['znode'], v['session'], v['ip'], v['result']]),
        [
          [follower.sid, 'sessionCreated', undefined, session, '127.0.0.1', 'success'],
          [follower.sid, 'create', '/ens', session, '127.0.0.1', 'success'],
          [follower.sid, 'sessionClosed', undefined, session, '127.0.0.1', 'success'],
        ],
      );
    } finally {
      await ensemble.close();
    }
  });

  test('the broker killed with SIGKILL: writes all succeed, the queue stays bounded and counts its drops', async () => {
    await brokers.kill9(broker);
    const client = await connectZooKeeper(`127.0.0.1:${zk.port}`);
    try {
      assert.equal(await writeMany(client, '/after-kill', 1000), 1000);
      const m = await mntr(zk.port);
      assert.ok(num(m, 'zk_zkafka_kafka_events_dropped') > 0, 'events were dropped');
      assert.ok(num(m, 'zk_zkafka_kafka_queue_high_water') <= 64);
      assert.ok(num(m, 'zk_zkafka_kafka_queue_size') <= 64);
      assert.equal(await sendFourLetterWord('127.0.0.1', zk.port, 'ruok', 10_000), 'imok');
    } finally {
      await client.close();
    }
    // SIGTERM with Kafka gone: the server still exits cleanly (the producer neither holds nor hangs it).
    zk.child.kill('SIGTERM');
    assert.equal(await zk.exit, 0, zk.output());
  });
});

describe('with Kafka unreachable from the start', () => {
  const N = 3000;

  test('thousands of writes succeed and none waits for Kafka; the same writes on a server without the feature', async (t) => {
    const dead = await freePort();
    const on = await startZooKeeperProcess({ 'zkafka.kafka.bootstrap.servers': `127.0.0.1:${dead}`, 'zkafka.metrics.intervalMs': '0', 'zkafka.kafka.queue.max': '100' });
    const off = await startZooKeeperProcess({});
    const results: Record<string, { ok: number; opsPerSec: number }> = {};
    // Warms up this process's client code, so that the first measured server is not the slower for it.
    const warm = await connectZooKeeper(`127.0.0.1:${off.port}`);
    await writeMany(warm, '/warm-up', 500);
    await warm.close();
    for (const [name, zk] of [['off', off], ['on', on]] as const) {
      const client = await connectZooKeeper(`127.0.0.1:${zk.port}`);
      try {
        const t0 = performance.now();
        const ok = await writeMany(client, '/load', N);
        results[name] = { ok, opsPerSec: Math.round((N / (performance.now() - t0)) * 1000) };
        if (name === 'on') {
          const m = await mntr(on.port);
          // Every write's event was offered while it was applied: serverStart, sessionCreated, the parent node and
          // N writes, each either queued or dropped at that moment ...
          assert.equal(num(m, 'zk_zkafka_kafka_events_enqueued') + num(m, 'zk_zkafka_kafka_events_dropped'), N + 3);
          // ... and not one record reached Kafka, so no write's answer can have waited for a delivery.
          assert.equal(num(m, 'zk_zkafka_kafka_records_sent'), 0);
          assert.ok(num(m, 'zk_zkafka_kafka_send_failures') >= 1);
          assert.equal(num(m, 'zk_zkafka_kafka_delivering'), 0);
          assert.ok(num(m, 'zk_zkafka_kafka_events_dropped') >= N + 3 - 100 - 500, 'beyond the queue and one batch in hand, everything was dropped');
          assert.ok(num(m, 'zk_zkafka_kafka_queue_high_water') <= 100);
          assert.equal(num(m, 'zk_outstanding_requests'), 0);
        }
      } finally {
        await client.close();
      }
    }
    assert.deepEqual([results['off']!.ok, results['on']!.ok], [N, N]);
    assert.equal(await sendFourLetterWord('127.0.0.1', on.port, 'ruok', 10_000), 'imok');
    assert.match(await sendFourLetterWord('127.0.0.1', on.port, 'srvr', 10_000), /^Zookeeper version: .*\nMode: standalone\n/ms);
    const offMntr = await mntr(off.port);
    assert.equal([...offMntr.keys()].filter((k) => k.includes('zkafka')).length, 0, 'off by default: no export, no keys');
    const ratio = results['on']!.opsPerSec / results['off']!.opsPerSec;
    // For the record only: on a shared machine a timing says little, the counters above are the proof.
    t.diagnostic(`write ops/s without the export ${results['off']!.opsPerSec}, with Kafka unreachable ${results['on']!.opsPerSec} (ratio ${ratio.toFixed(2)})`);
    on.child.kill('SIGTERM');
    off.child.kill('SIGTERM');
    assert.deepEqual([await on.exit, await off.exit], [0, 0]);
  });
});
