// Replication throttles with real processes: our ZooKeeper and three of our brokers (replica.fetch.max.bytes=100000,
// so the leader sends a new replica at most one such chunk per fetch). A partition on brokers 1 and 2 holds 2 MB when
// bin/kafka-reassign-partitions.sh --execute --throttle 20000 adds a replica on broker 3: once that replica has
// its first bytes it stays far behind for the seconds watched (unthrottled it copies the 2 MB in a moment), while
// an acks=all produce is still acknowledged (the in-sync follower is never throttled). Deleting the brokers' rates
// with bin/kafka-configs.sh lets the new replica catch up; --verify then reports the reassignment done and clears the
// topic's throttled replicas, and broker 3 holds the leader's batches byte for byte.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { ZkPaths, decodeConfigEntity } from '../../src/kafka/zk/zk-data.js';
import { connectZooKeeper, NoNodeError, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { readStoredBatches } from '../support/kafka-log.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { runShim, type ToolRun } from '../support/run-tool.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const { Kafka, logLevel } = kafkajs;

const BROKER_IDS = [1, 2, 3];
const TOPIC = 'throttled';
const RECORD_BYTES = 8000;
/** 25 sends of 10 records of 8000 bytes: 2 MB in batches below replica.fetch.max.bytes. */
const SENDS = 25;
const THROTTLE = 20_000;
/** How long the throttled replica is watched once it has its first bytes. */
const WATCH_MS = 5000;

let zkServer: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const brokers = new Map<number, { dir: string; port: number; process: BrokerProcess }>();

const bootstrap = () => [...brokers.values()].map((b) => `127.0.0.1:${b.port}`).join(',');

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  await Promise.all(
    BROKER_IDS.map(async (id) => {
      const dir = processes.workDir('zkafka-throttle-');
      const process = processes.spawn(dir, [
        `broker.id=${id}`, `zookeeper.connect=${zkServer.connectString}`,
        ...replicatedBrokerSettings({ sessionTimeoutMs: 6000, replicaLagTimeMaxMs: 10000 }),
        'replica.fetch.max.bytes=100000', 'auto.leader.rebalance.enable=false',
      ], 60_000);
      const { port } = await process.started;
      brokers.set(id, { dir, port, process });
    }),
  );
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, 60_000);
});

after(async () => {
  if (process.env.ZKAFKA_KEEP_BROKER_OUTPUT) {
    for (const [id, b] of brokers) writeFileSync(join(process.env.ZKAFKA_KEEP_BROKER_OUTPUT, `throttle-broker-${id}.log`), b.process.output());
  }
  await processes.cleanup();
  await zk?.close();
  await zkServer?.stop();
});

function kafka(clientId: string) {
  return new Kafka({ clientId, brokers: bootstrap().split(','), logLevel: logLevel.NOTHING, retry: { retries: 20, initialRetryTime: 100, maxRetryTime: 1000 } });
}

function partitionDir(brokerId: number): string {
  return join(brokers.get(brokerId)!.dir, 'kafka-logs', `${TOPIC}-0`);
}

/** Bytes of the partition's segments on a broker. */
function logBytes(brokerId: number): number {
  const dir = partitionDir(brokerId);
  if (!existsSync(dir)) return 0;
  return readdirSync(dir).filter((f) => f.endsWith('.log')).reduce((n, f) => n + statSync(join(dir, f)).size, 0);
}

function storedBatches(brokerId: number): string[] {
  return readStoredBatches(partitionDir(brokerId)).map((b) => `${b.baseOffset}:${b.bytes.toString('base64')}`);
}

async function configOf(entity: 'topics' | 'brokers', name: string): Promise<Record<string, string>> {
  try {
    return decodeConfigEntity((await zk.getData(ZkPaths.configEntity(entity, name))).data ?? Buffer.alloc(0));
  } catch (err) {
    if (err instanceof NoNodeError) return {};
    throw err;
  }
}

const isr = async () => (await kafkaZk.getPartitionState(TOPIC, 0))?.state.isr ?? [];
const reassign = (args: string[]): Promise<ToolRun> => runShim('kafka-reassign-partitions.sh', ['--bootstrap-server', bootstrap(), ...args], 120_000);
const configs = (args: string[]): Promise<ToolRun> => runShim('kafka-configs.sh', ['--bootstrap-server', bootstrap(), ...args], 120_000);

test('a throttled reassignment holds the new replica back while in-sync replication goes on; removing the rates lets it catch up', async (t) => {
  const admin = kafka('admin').admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic: TOPIC, replicaAssignment: [{ partition: 0, replicas: [1, 2] }] }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
  await waitFor('both replicas in sync', async () => (await isr()).length === 2, 60_000);

  const plan = join(processes.workDir('zkafka-throttle-files-'), 'plan.json');
  writeFileSync(plan, JSON.stringify({ version: 1, partitions: [{ topic: TOPIC, partition: 0, replicas: [1, 2, 3] }] }));
  const producer = kafka('producer').producer({ idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (let i = 0; i < SENDS; i++) {
      await producer.send({ topic: TOPIC, acks: -1, messages: Array.from({ length: 10 }, (_, j) => ({ value: Buffer.alloc(RECORD_BYTES, (i * 10 + j) % 256) })) });
    }
    const leaderBytes = logBytes(1);
    assert.ok(leaderBytes >= SENDS * 10 * RECORD_BYTES, `leader holds ${leaderBytes} bytes`);

    const executed = await reassign(['--reassignment-json-file', plan, '--execute', '--throttle', String(THROTTLE)]);
    assert.equal(executed.code, 0, executed.stderr);
    assert.match(executed.stdout, new RegExp(`The inter-broker throttle limit was set to ${THROTTLE} B/s\n`));
    assert.deepEqual(await configOf('topics', TOPIC), { 'leader.replication.throttled.replicas': '0:1,0:2', 'follower.replication.throttled.replicas': '0:3' });

    // The first fetch is never held back; after it the quotas are exceeded for seconds (100 000 bytes at 20 000 B/s).
    await waitFor('the new replica has its first bytes', () => logBytes(3) > 0, 60_000);
    let most = 0;
    const watchEnd = Date.now() + WATCH_MS;
    while (Date.now() < watchEnd) {
      most = Math.max(most, logBytes(3));
      await new Promise((r) => setTimeout(r, 100));
    }
    most = Math.max(most, logBytes(3));
    t.diagnostic(`throttled replica: at most ${most} of ${leaderBytes} bytes within ${WATCH_MS} ms of its first bytes`);
    assert.ok(most < leaderBytes / 4, `the throttled replica reached ${most} of ${leaderBytes} bytes within ${WATCH_MS} ms`);
    assert.deepEqual([...(await isr())].sort(), [1, 2]);

    // The in-sync follower is not throttled: an acks=all produce is acknowledged meanwhile.
    const more = await producer.send({ topic: TOPIC, acks: -1, messages: [{ value: 'after the throttle' }] });
    assert.equal(more[0]?.errorCode, 0);
    assert.ok(logBytes(3) < leaderBytes / 2, 'the new replica is still far behind');
  } finally {
    await producer.disconnect();
  }

  for (const id of BROKER_IDS) {
    const run = await configs(['--entity-type', 'brokers', '--entity-name', String(id), '--alter', '--delete-config', 'leader.replication.throttled.rate,follower.replication.throttled.rate']);
    assert.deepEqual({ code: run.code, stdout: run.stdout, stderr: run.stderr }, { code: 0, stdout: `Completed updating config for broker ${id}.\n`, stderr: '' });
  }
  await waitFor('the new replica in sync', async () => (await isr()).includes(3), 120_000);
  const verified = await waitFor('the reassignment reported done', async () => {
    const run = await reassign(['--reassignment-json-file', plan, '--verify']);
    return run.stdout.includes('is complete') ? run : undefined;
  }, 120_000);
  assert.deepEqual(
    { code: verified.code, stdout: verified.stdout, stderr: verified.stderr },
    {
      code: 0,
      stdout: `Status of partition reassignment:\nReassignment of partition ${TOPIC}-0 is complete.\n\nClearing broker-level throttles on brokers 1,2,3\nClearing topic-level throttles on topic ${TOPIC}\n`,
      stderr: '',
    },
  );
  assert.deepEqual(await configOf('topics', TOPIC), {});
  await waitFor('broker 3 holds the leader\'s batches', () => {
    const leader = storedBatches(1);
    return leader.length > SENDS && JSON.stringify(storedBatches(3)) === JSON.stringify(leader);
  }, 60_000);
});
