// Waiting for a starting cluster's ZooKeeper servers: each until `srvr` answers at all (its process is up), then until
// it shows a Mode (the ensemble has elected a leader and the server has synced with it). A node whose process dies
// meanwhile fails the wait with its output's end. (The brokers' waits, which need the ZooKeeper client, are in
// kafka-readiness.ts.)
import { setTimeout as sleep } from 'node:timers/promises';
import { isAlive, tailFile, type SpawnedDaemon } from '../cli/daemon.js';
import { connectableHost, sendFourLetterWord } from '../cli/four-letter-word.js';
import { nodeName, outputFile, type ClusterLayout, type ZooKeeperNode } from './layout.js';
import type { ClusterNode } from './nodes.js';

export const POLL_MS = 25;
export const START_TIMEOUT_MS = 60_000;

export class NodeFailedError extends Error {
  constructor(readonly node: ClusterNode, message: string) {
    super(message);
  }
}

/** The running processes of a starting cluster, by node. */
export type Processes = ReadonlyMap<ClusterNode, SpawnedDaemon>;

export function checkAlive(processes: Processes, nodes: readonly ClusterNode[]): void {
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

/** Until every server's process answers `srvr` (serving or not). */
export function waitForZooKeeperProcesses(layout: ClusterLayout, processes: Processes, deadline: number): Promise<void> {
  const answer = (z: ZooKeeperNode) => sendFourLetterWord(connectableHost(z.host), z.clientPort, 'srvr', 1000).then((t) => (t.length > 0 ? t : undefined));
  return untilAll(layout.zookeepers, processes, answer, () => undefined, 'start', deadline);
}

export function waitForEnsemble(layout: ClusterLayout, processes: Processes, ready: (node: ZooKeeperNode, mode: string) => void, deadline: number): Promise<void> {
  return untilAll(layout.zookeepers, processes, (z) => zooKeeperMode(z), ready, 'elect a leader', deadline);
}

