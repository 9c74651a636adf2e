// Waiting for a starting cluster: each ZooKeeper server until `srvr` shows a Mode (the ensemble has elected a leader
// and the server has synced with it), each broker until /brokers/ids/<id> exists, and a topic until its partitions
// have a leader and every replica in sync. A node whose process dies meanwhile fails the wait with its output's end.
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, tailFile, type SpawnedDaemon } from '../cli/daemon.js';
import { connectableHost, sendFourLetterWord } from '../cli/four-letter-word.js';
import { connectZooKeeper } from '../zookeeper/client/index.js';
import { KafkaZkClient } from '../kafka/zk/kafka-zk-client.js';
import { nodeName, outputFile, type ClusterLayout, type ZooKeeperNode } from './layout.js';
import type { ClusterNode } from './nodes.js';

const POLL_MS = 25;
export const START_TIMEOUT_MS = 60_000;

export class NodeFailedError extends Error {
  constructor(readonly node: ClusterNode, message: string) {
    super(message);
  }
}

/** The running processes of a starting cluster, by node. */
export type Processes = ReadonlyMap<ClusterNode, SpawnedDaemon>;

function checkAlive(processes: Processes, nodes: readonly ClusterNode[]): void {
  for (const node of nodes) {
    const d = processes.get(node);
    if (!d) continue;
    const exit = d.exit() ?? (isAlive(d.pid) ? undefined : 'unknown');
    if (exit === undefined) continue;
    const tail = tailFile(outputFile(node), 20);
    throw new NodeFailedError(node, `${nodeName(node)} (process ${d.pid}) exited (${exit}) while starting; end of ${outputFile(node)}:\n${tail}`);
  }
}

/** The Mode of `srvr` (leader, follower, observer, standalone), or undefined while the server is not serving. */
export async function zooKeeperMode(node: Pick<ZooKeeperNode, 'host' | 'clientPort'>, timeoutMs = 1000): Promise<string | undefined> {
  const text = await sendFourLetterWord(connectableHost(node.host), node.clientPort, 'srvr', timeoutMs).catch(() => '');
  return /^Mode: (\w+)$/m.exec(text)?.[1];
}

async function untilAll<T extends ClusterNode>(
  nodes: readonly T[],
  processes: Processes,
  probe: (node: T) => Promise<string | undefined>,
  ready: (node: T, value: string) => void,
  what: string,
  deadline: number,
): Promise<void> {
  const pending = new Set(nodes);
  while (pending.size > 0) {
    checkAlive(processes, [...pending]);
    const results = await Promise.all([...pending].map(async (n) => [n, await probe(n).catch(() => undefined)] as const));
    for (const [node, value] of results) {
      if (value === undefined) continue;
      pending.delete(node);
      ready(node, value);
    }
    if (pending.size === 0) break;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${[...pending].map(nodeName).join(', ')} to ${what}`);
    await sleep(POLL_MS);
  }
}

export function waitForEnsemble(layout: ClusterLayout, processes: Processes, ready: (node: ZooKeeperNode, mode: string) => void, deadline: number): Promise<void> {
  return untilAll(layout.zookeepers, processes, (z) => zooKeeperMode(z), ready, 'elect a leader', deadline);
}

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
