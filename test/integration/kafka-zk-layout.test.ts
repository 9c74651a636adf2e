// The Kafka ZooKeeper layout against our ZooKeeper server running as a real process: chroot creation, start-up
// paths, two broker registrations, controller election, a topic created and brought online by the controller,
// and the resulting znodes compared byte for byte, with their ephemeral/persistent kinds.
import { test, after, before } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BadVersionError } from '../../src/zookeeper/client/errors.js';
import { KafkaZkClient, ensureChroot } from '../../src/kafka/zk/kafka-zk-client.js';
import { BrokerIdInUseError, ControllerMovedError } from '../../src/kafka/zk/errors.js';
import { ZkPaths, PERSISTENT_ZK_PATHS, type BrokerRegistration } from '../../src/kafka/zk/zk-data.js';
import { assignReplicasToBrokers } from '../../src/kafka/controller/assignment.js';
import { KafkaController } from '../../src/kafka/controller/controller.js';

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
const TOPIC_ID = 'q1BFyzFZQ0-ubWV6lx7LdA';
const CLUSTER_ID = 'MkU3OEVBNTcwNTJENDM2Qg';

let dir: string;
let server: ChildProcess;
let hosts: string;
const clients: ZooKeeperClient[] = [];

before(async () => {
  dir = mkdtempSync(join(tmpdir(), 'zkafka-kafka-zk-'));
  writeFileSync(join(dir, 'zoo.cfg'), `dataDir=${dir}/data\nclientPort=0\nclientPortAddress=127.0.0.1\n`);
  server = spawn(process.execPath, [RUN_JS, 'zookeeper-server-start', 'zoo.cfg'], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  hosts = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no "listening on" line within 20 s: ${stdout}`)), 20_000);
    server.stdout!.on('data', (d: Buffer) => {
      stdout += d;
      const m = /listening on (127\.0\.0\.1:\d+)/.exec(stdout);
      if (m) {
        clearTimeout(timer);
        resolve(m[1]!);
      }
    });
    server.on('exit', (code) => reject(new Error(`server exited (${code}) while starting: ${stdout}`)));
  });
});

after(async () => {
  for (const c of clients) await c.close().catch(() => {});
  server?.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

async function connect(chroot = '/kafka'): Promise<ZooKeeperClient> {
  const c = await connectZooKeeper(`${hosts}${chroot}`, { sessionTimeoutMs: 6000 });
  clients.push(c);
  return c;
}

const registration = (id: number, port: number): BrokerRegistration => ({
  id,
  version: 5,
  endpoints: [{ listenerName: 'PLAINTEXT', host: '127.0.0.1', port, securityProtocol: 'PLAINTEXT' }],
  rack: null,
  jmxPort: -1,
  timestamp: '1700000000000',
  features: {},
});

async function text(zk: ZooKeeperClient, path: string): Promise<{ data: string; ephemeral: boolean }> {
  const { data, stat } = await zk.getData(path);
  return { data: data === null ? '' : data.toString('utf8'), ephemeral: stat.ephemeralOwner !== 0n };
}

test('brokers register, one is elected controller, a topic comes online; znodes are Kafka 2.8 bytes', async () => {
  await ensureChroot(`${hosts}/kafka`);
  const zk1 = await connect();
  const zk2 = await connect();
  const broker1 = new KafkaZkClient(zk1);
  const broker2 = new KafkaZkClient(zk2);
  await broker1.createTopLevelPaths();
  await broker2.createTopLevelPaths();
  for (const path of PERSISTENT_ZK_PATHS) assert.deepEqual(await text(zk1, path), { data: '', ephemeral: false }, path);
  assert.equal(await broker1.createOrGetClusterId(CLUSTER_ID), CLUSTER_ID);
  assert.equal(await broker2.createOrGetClusterId('AAAAAAAAAAAAAAAAAAAAAA'), CLUSTER_ID, 'the first id stays');

  const epoch1 = await broker1.registerBroker(registration(1, 9092));
  const epoch2 = await broker2.registerBroker(registration(2, 9093));
  assert.ok(epoch2 > epoch1, 'broker epochs are czxids');
  assert.equal(await broker1.registerBroker(registration(1, 9092)), epoch1, 'a retried registration by the same session succeeds');

  const won = await broker1.registerControllerAndIncrementControllerEpoch(1, 1700000000123);
  assert.deepEqual(won, { epoch: 1, zkVersion: 1 });
  await assert.rejects(broker2.registerControllerAndIncrementControllerEpoch(2, 1700000000456), ControllerMovedError);
  assert.equal(await broker2.getControllerId(), 1);

  // kafka-topics --create: assignment on the sorted live brokers, config then assignment.
  const assignment = assignReplicasToBrokers({ brokers: [{ id: 2, rack: null }, { id: 1, rack: null }], partitions: 2, replicationFactor: 2, startIndex: 0, replicaShift: 0 });
  const partitions = new Map([...assignment].map(([p, replicas]) => [p, { replicas, addingReplicas: [], removingReplicas: [] }]));
  await broker2.createTopic('events', TOPIC_ID, partitions, { 'retention.ms': '86400000' });
  await assert.rejects(broker2.createTopic('events', TOPIC_ID, partitions), { message: "Topic 'events' already exists." });

  // The controller: failover from ZooKeeper, then the topic (its watch would deliver this TopicChange).
  const controller = new KafkaController({ brokerId: 1, randomBytes: () => new Uint8Array(16) });
  const snapshot = await broker1.loadClusterSnapshot();
  assert.deepEqual(snapshot.brokers.map((b) => [b.registration.id, b.epoch]), [[1, epoch1], [2, epoch2]]);
  const failover = controller.handle({ type: 'BecomeController', controllerEpoch: won.epoch, epochZkVersion: won.zkVersion, snapshot: { ...snapshot, topics: [], partitionStates: [] } });
  assert.equal(await broker1.applyControllerEffects(failover), null);
  const topic = await broker1.getTopicAssignment('events');
  assert.ok(topic);
  const created = controller.handle({ type: 'TopicChange', topics: await broker1.getAllTopics(), assignments: [topic] });
  assert.equal(await broker1.applyControllerEffects(created), null);

  const expected: [string, string, boolean][] = [
    ['/cluster/id', `{"version":"1","id":"${CLUSTER_ID}"}`, false],
    ['/controller', '{"version":1,"brokerid":1,"timestamp":"1700000000123"}', true],
    ['/controller_epoch', '1', false],
    [
      '/brokers/ids/1',
      '{"version":5,"host":"127.0.0.1","port":9092,"jmx_port":-1,"timestamp":"1700000000000","endpoints":["PLAINTEXT://127.0.0.1:9092"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"features":{}}',
      true,
    ],
    [
      '/brokers/ids/2',
      '{"version":5,"host":"127.0.0.1","port":9093,"jmx_port":-1,"timestamp":"1700000000000","endpoints":["PLAINTEXT://127.0.0.1:9093"],"listener_security_protocol_map":{"PLAINTEXT":"PLAINTEXT"},"features":{}}',
      true,
    ],
    ['/brokers/topics/events', `{"version":3,"topic_id":"${TOPIC_ID}","partitions":{"0":[1,2],"1":[2,1]},"adding_replicas":{},"removing_replicas":{}}`, false],
    ['/config/topics/events', '{"version":1,"config":{"retention.ms":"86400000"}}', false],
    ['/brokers/topics/events/partitions', '', false],
    ['/brokers/topics/events/partitions/0', '', false],
    ['/brokers/topics/events/partitions/0/state', '{"controller_epoch":1,"leader":1,"version":1,"leader_epoch":0,"isr":[1,2]}', false],
    ['/brokers/topics/events/partitions/1/state', '{"controller_epoch":1,"leader":2,"version":1,"leader_epoch":0,"isr":[2,1]}', false],
  ];
  for (const [path, data, ephemeral] of expected) assert.deepEqual(await text(zk2, path), { data, ephemeral }, path);
  // Everything lives under the chroot.
  const root = await connect('');
  assert.deepEqual((await root.getChildren('/kafka')).sort(), ['admin', 'brokers', 'cluster', 'config', 'consumers', 'controller', 'controller_epoch', 'isr_change_notification', 'latest_producer_id_block', 'log_dir_event_notification']);

  // Fencing: a write with a stale /controller_epoch version is ControllerMoved; a stale partition version is BADVERSION.
  const state = { controllerEpoch: 1, leader: 2, leaderEpoch: 1, isr: [2, 1] };
  await assert.rejects(broker1.applyControllerWrite(0, { kind: 'updatePartitionState', topic: 'events', partition: 0, state, expectedZkVersion: 0 }), ControllerMovedError);
  await assert.rejects(broker1.applyControllerWrite(1, { kind: 'updatePartitionState', topic: 'events', partition: 0, state, expectedZkVersion: 5 }), BadVersionError);
  assert.equal((await broker1.getPartitionState('events', 0))?.zkVersion, 0);

  // kafka-topics --delete, then the controller's deletion: every replica answers StopReplica(delete) and the
  // topic's znodes go away.
  assert.equal(await broker2.markTopicForDeletion('events'), true);
  assert.equal(await broker2.markTopicForDeletion('events'), false);
  assert.deepEqual(await text(zk2, '/admin/delete_topics/events'), { data: '', ephemeral: false });
  const deletion = controller.handle({ type: 'TopicDeletion', topics: await zk1.getChildren(ZkPaths.deleteTopics) });
  assert.equal(await broker1.applyControllerEffects(deletion), null);
  for (const brokerId of [1, 2]) {
    const answered = controller.handle({ type: 'TopicDeletionStopReplicaResponse', brokerId, partitions: [0, 1].map((partition) => ({ topic: 'events', partition, errorCode: 0 })) });
    assert.equal(await broker1.applyControllerEffects(answered), null);
  }
  for (const path of ['/brokers/topics/events', '/config/topics/events', '/admin/delete_topics/events']) assert.equal(await zk2.exists(path), null, path);
  assert.deepEqual(await broker1.getAllTopics(), []);
});

test("a second registration of a broker id fails with Kafka's message; the controller sees brokers come and go", async () => {
  const zk1 = await connect();
  const other = new KafkaZkClient(await connect());
  const owner = (await zk1.exists(ZkPaths.brokerId(1)))!.ephemeralOwner;
  await assert.rejects(other.registerBroker(registration(1, 9192)), (err: unknown) => {
    assert.ok(err instanceof BrokerIdInUseError);
    assert.equal(err.message, `Error while creating ephemeral at /brokers/ids/1, node already exists and owner '${owner}' does not match current session '${other.zk.sessionId}'`);
    return true;
  });

  const seen: string[][] = [];
  const watcher = new KafkaZkClient(zk1);
  const stop = watcher.watchChildren(ZkPaths.brokerIds, (children) => seen.push([...children].sort()));
  await waitFor(() => seen.length >= 1);
  const temp = new KafkaZkClient(await connect());
  await temp.registerBroker(registration(7, 9999));
  await waitFor(() => seen.some((c) => c.includes('7')));
  await temp.zk.close();
  await waitFor(() => seen.length > 0 && !seen.at(-1)!.includes('7'));
  stop();

  // /controller vanishes with the controller's session; a data watch reports it gone (Reelect in Kafka).
  const controllerData: (string | null)[] = [];
  const stopController = watcher.watchData(ZkPaths.controller, (data) => controllerData.push(data === null ? null : data.toString('utf8')));
  await waitFor(() => controllerData.length >= 1);
  assert.equal(controllerData[0], '{"version":1,"brokerid":1,"timestamp":"1700000000123"}');
  await clients[0]!.close();
  await waitFor(() => controllerData.at(-1) === null);
  stopController();
});

async function waitFor(cond: () => boolean, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!cond()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 20));
  }
}
