// `zkafka init`: the files of a cluster on real hosts, byte for byte, and what it prints.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

const runJs = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const TEMPLATE_ZOO = readFileSync(fileURLToPath(new URL('../../../templates/zoo.cfg', import.meta.url)), 'utf8');
const TEMPLATE_SERVER = readFileSync(fileURLToPath(new URL('../../../templates/server.properties', import.meta.url)), 'utf8');

function init(args: string[]) {
  const r = spawnSync(process.execPath, [runJs, 'init', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

test("init writes the documentation's three-host layout", (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = init(['--zookeepers', '3', '--brokers', '3', '--dir', dir]);
  assert.equal(r.code, 0, r.stderr);
  assert.equal(r.stderr, '');
  assert.deepEqual(readdirSync(dir).sort(), ['k1', 'k2', 'k3', 'zk1', 'zk2', 'zk3']);
  // With three hosts the documented templates/zoo.cfg is already right for every host: written unchanged.
  const zooCfg = TEMPLATE_ZOO;
  assert.match(zooCfg, /^clientPort=2181\ninitLimit=5\nsyncLimit=2\nserver\.1=zk1:2888:3888\nserver\.2=zk2:2888:3888\nserver\.3=zk3:2888:3888$/m);
  for (const i of [1, 2, 3]) {
    assert.deepEqual(readdirSync(join(dir, `zk${i}`)).sort(), ['myid', 'zoo.cfg']);
    assert.equal(readFileSync(join(dir, `zk${i}`, 'zoo.cfg'), 'utf8'), zooCfg);
    assert.equal(readFileSync(join(dir, `zk${i}`, 'myid'), 'utf8'), `${i}\n`);
    assert.deepEqual(readdirSync(join(dir, `k${i}`)), ['server.properties']);
    // The documented server.properties with this host's broker.id (the first line) and the ensemble's connect string.
    assert.equal(readFileSync(join(dir, `k${i}`, 'server.properties'), 'utf8'), TEMPLATE_SERVER.replace(/^broker\.id=0$/m, `broker.id=${i}`));
  }
  assert.match(TEMPLATE_SERVER, /^zookeeper\.connect=zk1:2181,zk2:2181,zk3:2181$/m);
  const lines = r.stdout.split('\n');
  assert.deepEqual(lines.slice(0, 9), [
    `wrote ${dir}/zk1/zoo.cfg  (on zk1: /path/to/zoo.cfg)`,
    `wrote ${dir}/zk1/myid  (on zk1: /tmp/zookeeper/myid)`,
    `wrote ${dir}/zk2/zoo.cfg  (on zk2: /path/to/zoo.cfg)`,
    `wrote ${dir}/zk2/myid  (on zk2: /tmp/zookeeper/myid)`,
    `wrote ${dir}/zk3/zoo.cfg  (on zk3: /path/to/zoo.cfg)`,
    `wrote ${dir}/zk3/myid  (on zk3: /tmp/zookeeper/myid)`,
    `wrote ${dir}/k1/server.properties  (on k1: /path/to/server.properties)`,
    `wrote ${dir}/k2/server.properties  (on k2: /path/to/server.properties)`,
    `wrote ${dir}/k3/server.properties  (on k3: /path/to/server.properties)`,
  ]);
  assert.ok(r.stdout.endsWith('  bin/kafka-topics.sh --create --zookeeper zk1:2181,zk2:2181,zk3:2181 --replication-factor 3 --partitions 1 --topic my-topic\n'));
});

test('init with other counts and host prefixes', (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-init-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  const r = init(['--zookeepers', '5', '--brokers', '2', '--dir', dir, '--host-prefix', 'zookeeper-', '--kafka-host-prefix', 'kafka-']);
  assert.equal(r.code, 0, r.stderr);
  assert.deepEqual(readdirSync(dir).sort(), ['kafka-1', 'kafka-2', ...[1, 2, 3, 4, 5].map((i) => `zookeeper-${i}`)]);
  const zooCfg = readFileSync(join(dir, 'zookeeper-4', 'zoo.cfg'), 'utf8');
  assert.deepEqual(zooCfg.split('\n').filter((l) => l.startsWith('server.')), [1, 2, 3, 4, 5].map((i) => `server.${i}=zookeeper-${i}:2888:3888`));
  assert.equal(readFileSync(join(dir, 'zookeeper-4', 'myid'), 'utf8'), '4\n');
  const props = readFileSync(join(dir, 'kafka-2', 'server.properties'), 'utf8');
  assert.equal(
    props,
    TEMPLATE_SERVER.replace(/^broker\.id=0$/m, 'broker.id=2').replace(/^zookeeper\.connect=.*$/m, `zookeeper.connect=${[1, 2, 3, 4, 5].map((i) => `zookeeper-${i}:2181`).join(',')}`),
  );
  assert.match(r.stdout, /--replication-factor 2 --partitions 1 --topic my-topic\n$/);
});

test('init without --dir, or with a bad count, is a usage error', () => {
  const none = init(['--zookeepers', '3']);
  assert.equal(none.code, 2);
  assert.equal(none.stderr, 'zkafka init: --dir is required (see zkafka init --help)\n');
  const bad = init(['--zookeepers', 'x', '--dir', '/tmp/never-written']);
  assert.equal(bad.code, 2);
  assert.equal(bad.stderr, "zkafka init: --zookeepers: expected an integer of at least 1, got 'x' (see zkafka init --help)\n");
});
