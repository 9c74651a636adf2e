// kafka-topics as a process against three of our brokers (real processes) on our ZooKeeper, in both modes: the exact
// lines Kafka 2.8's tool prints, its exit codes, and the znodes --zookeeper writes (read back and compared as bytes).
// A chroot with no brokers keeps --zookeeper's deletion markers in place, as a cluster with deletion disabled would.
import { after, before, test } from 'node:test';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import assert from 'node:assert/strict';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runShim, runTool } from '../support/run-tool.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';

const BROKER_IDS = [1, 2, 3];
let zk: OurZk;
let client: ZooKeeperClient;
const processes = new BrokerProcesses();
const brokers = new Map<number, BrokerProcess>();
let bootstrap: string;
let zkConnect: string;

const topics = (...args: string[]) => runTool('kafka-topics', args);
const viaBroker = (...args: string[]) => topics('--bootstrap-server', bootstrap, ...args);
const viaZk = (...args: string[]) => topics('--zookeeper', zkConnect, ...args);
const viaBareZk = (...args: string[]) => topics('--zookeeper', `${zkConnect}/bare`, ...args);

async function znode(path: string): Promise<string> {
  return (await client.getData(path)).data!.toString('utf8');
}

before(async () => {
  zk = await startOurZooKeeper();
  zkConnect = zk.connectString;
  client = await connectZooKeeper(zkConnect);
  for (const id of BROKER_IDS) {
    brokers.set(id, processes.spawn(processes.workDir(), [`broker.id=${id}`, `zookeeper.connect=${zkConnect}`, 'num.partitions=2', 'offsets.topic.replication.factor=1', 'zookeeper.session.timeout.ms=6000']));
  }
  const started = await Promise.all([...brokers.values()].map((b) => b.started));
  bootstrap = started.map((s) => `127.0.0.1:${s.port}`).join(',');
  await client.mkdirp('/bare');
});

after(async () => {
  await client?.close();
  await processes.cleanup();
  await zk?.stop();
});

/** The describe lines Kafka prints for a topic whose partitions all have their preferred leader and full ISR. */
async function expectedDescribe(topic: string, configs: string): Promise<string> {
  const doc = JSON.parse(await znode(`/brokers/topics/${topic}`)) as { topic_id: string; partitions: Record<string, number[]> };
  const parts = Object.entries(doc.partitions).sort((a, b) => Number(a[0]) - Number(b[0]));
  let text = `Topic: ${topic}\tTopicId: ${doc.topic_id}\tPartitionCount: ${parts.length}\tReplicationFactor: ${parts[0]![1].length}\tConfigs: ${configs}\n`;
  for (const [p, r] of parts) text += `\tTopic: ${topic}\tPartition: ${p}\tLeader: ${r[0]}\tReplicas: ${r.join(',')}\tIsr: ${r.join(',')}\n`;
  return text;
}

async function describedSettled(topic: string, mode: 'broker' | 'zk', configs: string): Promise<string> {
  return waitFor(`${topic} described with leaders`, async () => {
    const r = mode === 'broker' ? await viaBroker('--describe', '--topic', topic) : await viaZk('--describe', '--topic', topic);
    const expected = await expectedDescribe(topic, configs).catch(() => null);
    return r.code === 0 && r.stdout === expected ? r.stdout : undefined;
  });
}

test('the documented --zookeeper create works through the shim and writes the topic as Kafka 2.8 does', async () => {
  const r = await runShim('kafka-topics.sh', ['--create', '--zookeeper', `${zkConnect},${zkConnect}`, '--replication-factor', '3', '--partitions', '1', '--topic', 'my-topic']);
  assert.deepEqual(r, { code: 0, stdout: 'Created topic my-topic.\n', stderr: '' });
  assert.equal(await znode('/config/topics/my-topic'), '{"version":1,"config":{}}');
  // The tool writes version 2 (no topic id); the controller gives the topic its id.
  const doc = await waitFor('the controller to add a topic id', async () => {
    const text = await znode('/brokers/topics/my-topic');
    return text.includes('"topic_id"') ? text : undefined;
  });
  const { topic_id: id, partitions } = JSON.parse(doc) as { topic_id: string; partitions: { '0': number[] } };
  assert.deepEqual([...partitions['0']].sort(), [1, 2, 3]);
  assert.equal(doc, `{"version":3,"topic_id":"${id}","partitions":{"0":[${partitions['0'].join(',')}]},"adding_replicas":{},"removing_replicas":{}}`);
  await describedSettled('my-topic', 'zk', '');
});

test('--zookeeper writes the assignment and configs it was given, byte for byte', async () => {
  const r = await viaBareZk('--create', '--topic', 'assigned', '--replica-assignment', '1:2,2:3,3:1', '--config', 'retention.ms=1000', '--config', 'cleanup.policy=compact');
  assert.deepEqual(r, { code: 0, stdout: 'Created topic assigned.\n', stderr: '' });
  assert.equal(await znode('/bare/brokers/topics/assigned'), '{"version":2,"partitions":{"0":[1,2],"1":[2,3],"2":[3,1]},"adding_replicas":{},"removing_replicas":{}}');
  assert.equal(await znode('/bare/config/topics/assigned'), '{"version":1,"config":{"cleanup.policy":"compact","retention.ms":"1000"}}');
  const d = await viaBareZk('--describe', '--topic', 'assigned');
  assert.equal(
    d.stdout,
    'Topic: assigned\tPartitionCount: 3\tReplicationFactor: 2\tConfigs: cleanup.policy=compact,retention.ms=1000\n' +
      '\tTopic: assigned\tPartition: 0\tLeader: none\tReplicas: 1,2\tIsr: \n' +
      '\tTopic: assigned\tPartition: 1\tLeader: none\tReplicas: 2,3\tIsr: \n' +
      '\tTopic: assigned\tPartition: 2\tLeader: none\tReplicas: 3,1\tIsr: \n',
  );
  const unavailable = await viaBareZk('--describe', '--unavailable-partitions');
  assert.equal(unavailable.stdout.split('\n').filter((l) => l.startsWith('\tTopic: assigned')).length, 3);
  const bad = await viaBareZk('--create', '--topic', 'bad', '--replica-assignment', '1:1');
  assert.deepEqual(bad, { code: 1, stdout: 'Error while executing topic command : Partition replica lists may not contain duplicate entries: 1\n', stderr: '' });
  const unknown = await viaBareZk('--create', '--topic', 'bad', '--replica-assignment', '1', '--config', 'retention.mss=1');
  assert.deepEqual(unknown, { code: 1, stdout: 'Error while executing topic command : Unknown topic config name: retention.mss\n', stderr: '' });
});

test('--zookeeper delete marks the topic; list and describe show the mark; internal topics are refused', async () => {
  await viaBareZk('--create', '--topic', 'doomed', '--replica-assignment', '1');
  await viaBareZk('--create', '--topic', '__consumer_offsets', '--replica-assignment', '1');
  assert.deepEqual(await viaBareZk('--delete', '--topic', 'doomed'), {
    code: 0,
    stdout: 'Topic doomed is marked for deletion.\nNote: This will have no impact if delete.topic.enable is not set to true.\n',
    stderr: '',
  });
  assert.equal((await client.getData('/bare/admin/delete_topics/doomed')).data, null);
  assert.deepEqual(await viaBareZk('--delete', '--topic', 'doomed'), { code: 0, stdout: 'Topic doomed is already marked for deletion.\n', stderr: '' });
  assert.equal((await viaBareZk('--list')).stdout, '__consumer_offsets\nassigned\ndoomed - marked for deletion\n');
  assert.equal((await viaBareZk('--list', '--exclude-internal')).stdout, 'assigned\ndoomed - marked for deletion\n');
  assert.equal((await viaBareZk('--list', '--topic', 'as.*,doomed')).stdout, 'assigned\ndoomed - marked for deletion\n');
  assert.equal(
    (await viaBareZk('--describe', '--topic', 'doomed')).stdout,
    'Topic: doomed\tPartitionCount: 1\tReplicationFactor: 1\tConfigs: \tMarkedForDeletion: true\n\tTopic: doomed\tPartition: 0\tLeader: none\tReplicas: 1\tIsr: \tMarkedForDeletion: true\n',
  );
  assert.deepEqual(await viaBareZk('--delete', '--topic', '__consumer_offsets'), {
    code: 1,
    stdout: 'Error while executing topic command : Topic __consumer_offsets is a kafka internal topic and is not allowed to be marked for deletion.\n',
    stderr: '',
  });
  assert.deepEqual(await viaBareZk('--alter', '--topic', 'assigned', '--config', 'retention.ms=5', '--delete-config', 'cleanup.policy'), {
    code: 0,
    stdout:
      'WARNING: Altering topic configuration from this script has been deprecated and may be removed in future releases.\n' +
      '         Going forward, please use kafka-configs.sh for this functionality\nUpdated config for topic assigned.\n',
    stderr: '',
  });
  assert.equal(await znode('/bare/config/topics/assigned'), '{"version":1,"config":{"retention.ms":"5"}}');
  const changes = await client.getChildren('/bare/config/changes');
  assert.equal(await znode(`/bare/config/changes/${changes.sort().at(-1)}`), '{"version":2,"entity_path":"topics/assigned"}');
});

test('create, list, describe, alter and delete through the admin API', async () => {
  assert.deepEqual(await viaBroker('--create', '--topic', 'orders', '--partitions', '3', '--replication-factor', '2', '--config', 'retention.ms=86400000'), {
    code: 0,
    stdout: 'Created topic orders.\n',
    stderr: '',
  });
  assert.deepEqual(await viaBroker('--create', '--topic', 'plain'), { code: 0, stdout: 'Created topic plain.\n', stderr: '' });
  assert.equal((await viaBroker('--list', '--topic', 'orders|plain')).stdout, 'orders\nplain\n');
  await describedSettled('orders', 'broker', 'retention.ms=86400000');
  const plain = await describedSettled('plain', 'broker', '');
  assert.match(plain, /PartitionCount: 2\tReplicationFactor: 1\t/);

  // Several topics come out in the order of the admin client's HashMap, as Kafka prints them.
  const both = await viaBroker('--describe', '--topic', 'orders,plain');
  assert.deepEqual(both.stdout.split('\n').filter((l) => l.startsWith('Topic:')).map((l) => l.split('\t')[0]), ['Topic: orders', 'Topic: plain']);
  assert.equal((await viaBroker('--describe', '--topics-with-overrides', '--topic', 'orders,plain')).stdout, (await expectedDescribe('orders', 'retention.ms=86400000')).split('\n')[0] + '\n');

  assert.deepEqual(await viaBroker('--alter', '--topic', 'plain', '--partitions', '4'), { code: 0, stdout: '', stderr: '' });
  await waitFor('plain to have 4 partitions', async () => ((await viaBroker('--describe', '--topic', 'plain')).stdout.includes('PartitionCount: 4\t') ? true : undefined));
  assert.deepEqual(await viaBroker('--alter', '--topic', 'plain', '--partitions', '3'), {
    code: 1,
    stdout: 'Error while executing topic command : Topic currently has 4 partitions, which is higher than the requested 3.\n',
    stderr: '',
  });
  assert.deepEqual(await viaZk('--alter', '--topic', 'plain', '--partitions', '3'), {
    code: 1,
    stdout:
      'WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\n' +
      'Error while executing topic command : The number of partitions for a topic can only be increased. Topic plain currently has 4 partitions, 3 would not be an increase.\n',
    stderr: '',
  });
  assert.deepEqual(await viaZk('--alter', '--topic', 'plain', '--partitions', '5'), {
    code: 0,
    stdout: 'WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected\nAdding partitions succeeded!\n',
    stderr: '',
  });

  const json = JSON.parse((await viaBroker('--describe', '--topic', 'orders', '--output', 'json')).stdout) as { topics: { topic: string; configs: Record<string, string>; partitions: unknown[] }[] };
  assert.equal(json.topics.length, 1);
  assert.equal(json.topics[0]!.topic, 'orders');
  assert.deepEqual(json.topics[0]!.configs, { 'retention.ms': '86400000' });
  assert.equal(json.topics[0]!.partitions.length, 3);
  const list = JSON.parse((await viaBroker('--list', '--topic', 'orders', '--output', 'json')).stdout) as unknown;
  assert.deepEqual(list, { topics: [{ name: 'orders', markedForDeletion: false }] });
  const table = await viaBroker('--describe', '--topic', 'orders', '--output', 'table');
  assert.equal(table.code, 0);
  assert.match(table.stdout, /│ orders +│ [A-Za-z0-9_-]{22} │ 0 +│/);

  assert.deepEqual(await viaBroker('--delete', '--topic', 'plain'), { code: 0, stdout: '', stderr: '' });
  await waitFor('plain to be deleted', async () => ((await viaBroker('--list', '--topic', 'plain')).stdout === '\n' ? true : undefined));
});

test('--if-exists and --if-not-exists, and the errors without them', async () => {
  await viaBroker('--create', '--topic', 'once', '--partitions', '1', '--replication-factor', '1');
  assert.deepEqual(await viaBroker('--create', '--topic', 'once'), { code: 1, stdout: "Error while executing topic command : Topic 'once' already exists.\n", stderr: '' });
  assert.deepEqual(await viaBroker('--create', '--topic', 'once', '--if-not-exists'), { code: 0, stdout: '', stderr: '' });
  assert.deepEqual(await viaZk('--create', '--topic', 'once', '--partitions', '1', '--replication-factor', '1', '--if-not-exists'), { code: 0, stdout: '', stderr: '' });
  for (const action of [['--describe'], ['--delete'], ['--alter', '--partitions', '9']]) {
    assert.deepEqual(await viaBroker(...action, '--topic', 'missing'), { code: 1, stdout: "Error while executing topic command : Topic 'missing' does not exist as expected\n", stderr: '' });
    assert.deepEqual(await viaBroker(...action, '--topic', 'missing', '--if-exists'), { code: 0, stdout: '', stderr: '' });
  }
  assert.deepEqual(await viaBroker('--create', '--topic', 'wide', '--replication-factor', '4'), {
    code: 1,
    stdout: 'Error while executing topic command : Replication factor: 4 larger than available brokers: 3.\n',
    stderr: '',
  });
  assert.deepEqual(await viaZk('--create', '--topic', 'wide', '--replication-factor', '4', '--partitions', '1'), {
    code: 1,
    stdout: 'Error while executing topic command : Replication factor: 4 larger than available brokers: 3.\n',
    stderr: '',
  });
  const dotted = await viaBroker('--create', '--topic', 'a.b', '--partitions', '1');
  assert.equal(dotted.stdout, "WARNING: Due to limitations in metric names, topics with a period ('.') or underscore ('_') could collide. To avoid issues it is best to use either, but not both.\nCreated topic a.b.\n");
});

test('option errors end as Kafka 2.8 ends them', async () => {
  const noAction = await viaBroker('--topic', 'x');
  assert.equal(noAction.code, 1);
  assert.equal(noAction.stdout, '');
  assert.ok(noAction.stderr.startsWith('Command must include exactly one action: --list, --describe, --create, --alter or --delete\nOption                                   Description                            \n'));
  assert.deepEqual(await topics('--list'), { code: 1, stdout: '', stderr: 'Exception in thread "main" java.lang.IllegalArgumentException: Only one of --bootstrap-server or --zookeeper must be specified\n' });
  assert.deepEqual(await viaBroker('--list', '--bogus'), { code: 1, stdout: '', stderr: 'Exception in thread "main" joptsimple.UnrecognizedOptionException: bogus is not a recognized option\n' });
  assert.deepEqual(await viaBroker('--create', '--topic', 'x', '--partitions', 'many'), {
    code: 1,
    stdout: '',
    stderr: "Exception in thread \"main\" joptsimple.OptionArgumentConversionException: Cannot parse argument 'many' of option partitions\n",
  });
  const missing = await viaZk('--create', '--topic', 'x');
  assert.equal(missing.code, 1);
  assert.ok(missing.stderr.startsWith('Missing required argument "[partitions]"\n'));
  const combo = await viaBroker('--alter', '--topic', 'x', '--config', 'a=b', '--partitions', '2');
  assert.ok(combo.stderr.startsWith(`Option combination "[bootstrap-server],[config]" can't be used with option "[alter]" (the kafka-configs CLI supports altering topic configs with a --bootstrap-server option)\n`));
  const minIsr = await viaZk('--describe', '--under-min-isr-partitions');
  assert.ok(minIsr.stderr.startsWith(`Option "[under-min-isr-partitions]" can't be used with option "[zookeeper]"\n`));
  assert.deepEqual(await viaBroker('--list', '--command-config', '/nonexistent/admin.properties'), {
    code: 1,
    stdout: '',
    stderr: 'Exception in thread "main" java.nio.file.NoSuchFileException: /nonexistent/admin.properties\n',
  });
  const dir = processes.workDir('zkafka-topics-tool-');
  writeFileSync(join(dir, 'admin.properties'), 'client.id=topics-tool-test\nrequest.timeout.ms=20000\n');
  const withConfig = await viaBroker('--list', '--topic', 'once', '--command-config', join(dir, 'admin.properties'));
  assert.deepEqual(withConfig, { code: 0, stdout: 'once\n', stderr: '' });
  assert.deepEqual(await topics('--version'), { code: 0, stdout: '2.8.2 (Commit:3146c6ff4a24)\n', stderr: '' });
  const help = await topics('--help');
  assert.equal(help.code, 1);
  const lines = help.stderr.split('\n');
  assert.equal(lines[0], 'This tool helps to create, delete, describe, or change a topic.');
  assert.equal(lines[3], '--alter                                  Alter the number of partitions,        ');
  assert.ok(lines.includes('                                         \tcleanup.policy                        '));
  // jopt-simple pads every row of its table to 80 columns.
  const table = lines.slice(1, lines.indexOf(''));
  assert.ok(table.length > 60);
  assert.deepEqual(table.filter((l) => l.length !== 80), []);
  const wrapped = lines.findIndex((l) => l.endsWith('\tfollower.replication.throttled.       '));
  assert.equal(lines[wrapped + 1], '                                           replicas                             ');
});

test('report filters: under-replicated and unavailable partitions once a broker is gone', async () => {
  await viaBroker('--create', '--topic', 'spread', '--replica-assignment', '1:3,3:2,2:1');
  await viaBroker('--create', '--topic', 'solo', '--replica-assignment', '3');
  await describedSettled('spread', 'broker', '');
  await describedSettled('solo', 'broker', '');
  assert.equal((await viaBroker('--describe', '--under-replicated-partitions')).stdout, '');
  // Killed, not stopped: in a controlled shutdown (as in Kafka 2.8) the stopping broker follows the new leaders for a
  // moment and may be taken back into an ISR, where it stays while no new record makes it fall behind.
  await processes.kill9(brokers.get(3)!);
  const under = await waitFor('broker 3 out of the ISRs', async () => {
    const r = await viaBroker('--describe', '--under-replicated-partitions', '--topic', 'spread');
    return r.stdout.split('\n').length === 3 ? r.stdout : undefined;
  });
  assert.equal(under, '\tTopic: spread\tPartition: 0\tLeader: 1\tReplicas: 1,3\tIsr: 1\n\tTopic: spread\tPartition: 1\tLeader: 2\tReplicas: 3,2\tIsr: 2\n');
  assert.equal((await viaZk('--describe', '--under-replicated-partitions', '--topic', 'spread')).stdout, under);
  // Each run may ask another broker, whose metadata can trail the controller's for a moment.
  const unavailable = '\tTopic: solo\tPartition: 0\tLeader: none\tReplicas: 3\tIsr: 3\n';
  await printsEventually(['--describe', '--unavailable-partitions', '--topic', 'solo|spread'], unavailable);
  await printsEventually(['--describe', '--under-min-isr-partitions', '--topic', 'solo'], unavailable);
  await printsEventually(['--describe', '--at-min-isr-partitions', '--topic', 'spread'], under);
});

/** Runs `kafka-topics --bootstrap-server …` until it prints `expected`; fails with the last output if it never does. */
async function printsEventually(args: string[], expected: string): Promise<void> {
  let last = '';
  try {
    await waitFor(`kafka-topics ${args.join(' ')}`, async () => (last = (await viaBroker(...args)).stdout) === expected);
  } catch {
    const topic = args[args.indexOf('--topic') + 1]!;
    const full = await viaBroker('--describe', '--topic', topic);
    assert.equal(last, expected, `the whole description of ${topic}:\n${full.stdout}${full.stderr}`);
  }
}
