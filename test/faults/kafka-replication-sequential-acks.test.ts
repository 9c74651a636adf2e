// acks=all produces sent one after another, or pipelined, over one connection to the leader of replication-factor-3
// partitions, with followers long-polling for replica.fetch.wait.max.ms = 60 s: each is answered once the followers have fetched
// its records, which needs every parked follower fetch to be woken by the append and every follower to fetch again
// at once after appending. A produce left waiting for a follower's long poll to run out would wait 60 s and be
// answered REQUEST_TIMED_OUT after its own 20 s timeout. Three real broker processes on our ZooKeeper;
// ZKAFKA_KEEP_BROKER_OUTPUT=<dir> keeps every broker's output there.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs from 'kafkajs';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { buildBatch } from '../support/kafka-batches.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const { Kafka, logLevel } = kafkajs;

const BROKER_IDS = [1, 2, 3];
const FETCH_WAIT_MS = 60_000;
const PRODUCE_TIMEOUT_MS = 20_000;
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: 6000, replicaLagTimeMaxMs: FETCH_WAIT_MS }),
  `replica.fetch.wait.max.ms=${FETCH_WAIT_MS}`,
  `replica.socket.timeout.ms=${FETCH_WAIT_MS}`,
];

let zkServer: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const ports = new Map<number, number>();
const started = new Map<number, BrokerProcess>();

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  for (const id of BROKER_IDS) ports.set(id, await freePort());
  await Promise.all(BROKER_IDS.map(async (id) => {
    const dir = processes.workDir('zkafka-sequential-acks-');
    const broker = processes.spawn(dir, [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${ports.get(id)}`, `zookeeper.connect=${zkServer.connectString}`, ...COMMON], 60_000);
    started.set(id, broker);
    await broker.started;
  }));
});

after(async () => {
  const keep = process.env.ZKAFKA_KEEP_BROKER_OUTPUT;
  if (keep) for (const [id, b] of started) writeFileSync(join(keep, `broker-${id}.log`), b.output());
  await processes.cleanup();
  await zk?.close();
  await zkServer?.stop();
});

async function createTopic(topic: string, partitions: number): Promise<void> {
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, 30_000);
  const admin = new Kafka({ clientId: 'admin', brokers: [...ports.values()].map((p) => `127.0.0.1:${p}`), logLevel: logLevel.NOTHING }).admin();
  await admin.connect();
  try {
    await admin.createTopics({ topics: [{ topic, numPartitions: partitions, replicationFactor: 3 }], waitForLeaders: true });
  } finally {
    await admin.disconnect();
  }
}

async function leaderOf(topic: string, partition: number): Promise<number> {
  return waitFor(`${topic}-${partition} led with three in sync`, async () => {
    const s = await kafkaZk.getPartitionState(topic, partition);
    return s && s.state.isr.length === 3 && s.state.leader >= 0 ? s.state.leader : undefined;
  });
}

/**
 * Waits until the leader has taken the controller's LeaderAndIsr for the partitions (the state znode can be ahead of
 * it): an acks=1 produce to them is accepted. acks=1, so nothing of the followers is waited for yet.
 */
async function leaderServes(client: BrokerNetworkClient, topic: string, partitions: readonly number[]): Promise<void> {
  await waitFor(`the leader serves ${topic}`, async () => {
    const r = await client.send(ApiKey.Produce, 8, {
      transactionalId: null, acks: 1, timeoutMs: PRODUCE_TIMEOUT_MS,
      topicData: [{ name: topic, partitionData: partitions.map((index) => ({ index, records: buildBatch({ count: 1, valueBytes: 10, fill: 90 }) })) }],
    });
    return r.responses[0]!.partitionResponses.every((p) => p.errorCode === ErrorCode.NONE);
  });
}

test('acks=all produces pipelined on one connection are each answered without waiting out a follower\'s long poll', async () => {
  const topic = 'pipelined-acks';
  await createTopic(topic, 1);
  const leader = await leaderOf(topic, 0);
  const client = new BrokerNetworkClient('127.0.0.1', ports.get(leader)!, 'pipelined-producer', PRODUCE_TIMEOUT_MS * 2);
  try {
    await leaderServes(client, topic, [0]);
    const answers = await Promise.all(Array.from({ length: 40 }, (_, i) => client.send(ApiKey.Produce, 8, {
      transactionalId: null, acks: -1, timeoutMs: PRODUCE_TIMEOUT_MS,
      topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ count: 1 + (i % 3), valueBytes: 10, fill: 65 + (i % 26) }) }] }],
    })));
    const codes = answers.map((r) => r.responses[0]!.partitionResponses[0]!.errorCode);
    assert.deepEqual(codes, codes.map(() => ErrorCode.NONE));
    // Appended in the order sent: base offsets ascend.
    const bases = answers.map((r) => Number(r.responses[0]!.partitionResponses[0]!.baseOffset));
    assert.deepEqual(bases, [...bases].sort((a, b) => a - b));
  } finally {
    client.close();
  }
});

test('sequential acks=all produces over one connection are each answered without waiting out a follower\'s long poll, and the request after each sees its records below the high watermark', async () => {
  const topic = 'sequential-acks';
  await createTopic(topic, 1);
  const leader = await leaderOf(topic, 0);
  const client = new BrokerNetworkClient('127.0.0.1', ports.get(leader)!, 'sequential-producer', PRODUCE_TIMEOUT_MS * 2);
  try {
    await leaderServes(client, topic, [0]);
    let records = 1;
    for (let i = 0; i < 20; i++) {
      records += 1 + (i % 3);
      const produced = await client.send(ApiKey.Produce, 8, {
        transactionalId: null, acks: -1, timeoutMs: PRODUCE_TIMEOUT_MS,
        topicData: [{ name: topic, partitionData: [{ index: 0, records: buildBatch({ count: 1 + (i % 3), valueBytes: 10, fill: 65 + (i % 26) }) }] }],
      });
      const offsets = await client.send(ApiKey.ListOffsets, 5, {
        replicaId: -1, isolationLevel: 0, topics: [{ name: topic, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
      });
      assert.equal(produced.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE, `produce ${i}`);
      assert.equal(Number(offsets.topics[0]!.partitions[0]!.offset), records, `high watermark after produce ${i}`);
    }
  } finally {
    client.close();
  }
});

test('acks=all produces to eight partitions each, pipelined on one connection, are answered without waiting out a long poll', async () => {
  const topic = 'sequential-acks-8';
  await createTopic(topic, 8);
  const leaders = await Promise.all(Array.from({ length: 8 }, (_, p) => leaderOf(topic, p)));
  // Every request goes to one broker, carrying the partitions it leads.
  const leader = leaders[0]!;
  const led = leaders.flatMap((l, p) => (l === leader ? [p] : []));
  const client = new BrokerNetworkClient('127.0.0.1', ports.get(leader)!, 'sequential-producer', PRODUCE_TIMEOUT_MS * 2);
  try {
    await leaderServes(client, topic, led);
    const answers = await Promise.all(Array.from({ length: 20 }, () => client.send(ApiKey.Produce, 8, {
      transactionalId: null, acks: -1, timeoutMs: PRODUCE_TIMEOUT_MS,
      topicData: [{ name: topic, partitionData: led.map((index) => ({ index, records: buildBatch({ count: 2, valueBytes: 100, fill: 66 }) })) }],
    })));
    for (const [i, r] of answers.entries()) {
      assert.deepEqual(r.responses[0]!.partitionResponses.map((p) => p.errorCode), led.map(() => ErrorCode.NONE), `produce ${i}`);
    }
  } finally {
    client.close();
  }
});
