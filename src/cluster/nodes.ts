// Each node of a local cluster as its own OS process: `zkafka zookeeper-server-start zoo.cfg` and `zkafka
// kafka-server-start server.properties`, in a session of their own (a Ctrl-C on the terminal reaches only the
// quickstart, which then stops them in order), output in <node>/zookeeper.out or kafkaServer.out, pid files in the
// cluster's directory.
import { rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { isAlive, processArgv, readPidFile, spawnDaemon, stopProcesses, writePidFile, type SpawnedDaemon } from '../cli/daemon.js';
import { isKafkaServerArgv, KAFKA_START_COMMAND } from '../cli/kafka-process.js';
import { isZooKeeperServerArgv, ZOOKEEPER_START_COMMAND } from '../cli/zookeeper-process.js';
import { outputFile, pidFile, serverPropertiesPath, zooCfgPath, type BrokerNode, type ClusterLayout, type ZooKeeperNode } from './layout.js';

export type ClusterNode = ZooKeeperNode | BrokerNode;

const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

/** How long a broker's controlled shutdown, or a ZooKeeper server's, may take before it is killed. */
export const STOP_TIMEOUT_MS = 30_000;

export function startNode(node: ClusterNode): SpawnedDaemon {
  const args = node.kind === 'zookeeper' ? [RUN_JS, ZOOKEEPER_START_COMMAND, zooCfgPath(node)] : [RUN_JS, KAFKA_START_COMMAND, serverPropertiesPath(node)];
  const daemon = spawnDaemon(args, outputFile(node));
  writePidFile(pidFile(node), daemon.pid);
  return daemon;
}

/** The pid of the node's process when its pid file names a live server of that kind. */
export function runningPid(node: ClusterNode): number | undefined {
  const pid = readPidFile(pidFile(node));
  if (pid === undefined || !isAlive(pid)) return undefined;
  const argv = processArgv(pid) ?? [];
  return (node.kind === 'zookeeper' ? isZooKeeperServerArgv : isKafkaServerArgv)(argv) ? pid : undefined;
}

export interface StopReport {
  node: ClusterNode;
  pid: number;
  /** False when it had to be killed. */
  clean: boolean;
}

/**
 * SIGTERM to the nodes' processes, then waits for them to exit (SIGKILL after STOP_TIMEOUT_MS); pid files are removed.
 * Nodes without a running process are skipped.
 */
export async function stopNodes(nodes: readonly ClusterNode[], timeoutMs = STOP_TIMEOUT_MS): Promise<StopReport[]> {
  const found = nodes.map((node) => ({ node, pid: runningPid(node) }));
  // A pid file left by a process that died (kill -9) names nothing to stop.
  for (const r of found) if (r.pid === undefined) rmSync(pidFile(r.node), { force: true });
  const running = found.filter((r): r is { node: ClusterNode; pid: number } => r.pid !== undefined);
  const left = await stopProcesses(running.map((r) => r.pid), 'SIGTERM', timeoutMs);
  if (left.length > 0) await stopProcesses(left, 'SIGKILL', 5_000);
  for (const r of running) rmSync(pidFile(r.node), { force: true });
  return running.map((r) => ({ ...r, clean: !left.includes(r.pid) }));
}

/**
 * Stops a cluster as Kafka's docs say to: brokers first, each with a controlled shutdown (the others before the
 * controller, so leadership moves once and the controller is there to move it), then the ZooKeeper servers.
 */
export async function stopCluster(layout: ClusterLayout, controllerId: number | null, report: (r: StopReport) => void): Promise<StopReport[]> {
  const out: StopReport[] = [];
  const run = async (nodes: readonly ClusterNode[]) => {
    for (const r of await stopNodes(nodes)) {
      report(r);
      out.push(r);
    }
  };
  await run(layout.brokers.filter((b) => b.id !== controllerId));
  await run(layout.brokers.filter((b) => b.id === controllerId));
  await run(layout.zookeepers);
  return out;
}
