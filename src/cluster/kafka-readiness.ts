// Waiting for a starting cluster's brokers (until /brokers/ids/<id> exists) and for a topic (until its partitions have
// a leader and every replica in sync), through our ZooKeeper client.
import { setTimeout as sleep } from 'node:timers/promises';
import { connectZooKeeper } from '../zookeeper/client/index.js';
import { KafkaZkClient } from '../kafka/zk/kafka-zk-client.js';
import { nodeName, type ClusterLayout } from './layout.js';
import { checkAlive, POLL_MS, type Processes } from './readiness.js';

export async function connectKafkaZk(connect: string, timeoutMs: number): Promise<KafkaZkClient> {
  return new KafkaZkClient(await connectZooKeeper(connect, { sessionTimeoutMs: 30_000, waitForConnectedMs: timeoutMs }));
}

export async function waitForBrokers(layout: ClusterLayout, kafkaZk: KafkaZkClient, processes: Processes, ready: (id: number) => void, deadline: number): Promise<void> {
  const pending = new Set(layout.brokers.map((b) => b.id));
  for (;;) {
    for (const id of await kafkaZk.getBrokerIds()) {
      if (!pending.delete(id)) continue;
      ready(id);
    }
    if (pending.size === 0) return;
    const missing = layout.brokers.filter((b) => pending.has(b.id));
    checkAlive(processes, missing);
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${missing.map(nodeName).join(', ')} to register in ZooKeeper`);
    await sleep(POLL_MS);
  }
}

/** Until every partition of `topic` has a leader and all its replicas in the ISR. */
export async function waitForTopic(kafkaZk: KafkaZkClient, topic: string, processes: Processes, deadline: number): Promise<void> {
  for (;;) {
    const assignment = await kafkaZk.getTopicAssignment(topic);
    if (assignment !== null && assignment.partitions.size > 0) {
      let ready = true;
      for (const [partition, a] of assignment.partitions) {
        const state = await kafkaZk.getPartitionState(topic, partition);
        if (state === null || state.state.leader < 0 || !a.replicas.every((r) => state.state.isr.includes(r))) ready = false;
      }
      if (ready) return;
    }
    checkAlive(processes, [...processes.keys()]);
    if (Date.now() > deadline) throw new Error(`timed out waiting for every replica of ${topic} to be in sync`);
    await sleep(POLL_MS);
  }
}
