// `zkafka cluster stop`: the nodes a quickstart started from a directory (its pid files), brokers first.
import { resolve } from 'node:path';
import { readLayout, zookeeperConnect } from './layout.js';
import { runningPid, stopCluster } from './nodes.js';
import { stopLine } from './quickstart.js';
import { connectKafkaZk } from './kafka-readiness.js';

export async function runClusterStop(dir: string, io: { out(text: string): void; err(text: string): void }): Promise<number> {
  const layout = readLayout(dir);
  if (!layout) {
    io.err(`no cluster in ${resolve(dir)} (it has no cluster.json)\n`);
    return 1;
  }
  const nodes = [...layout.zookeepers, ...layout.brokers];
  if (nodes.every((n) => runningPid(n) === undefined)) {
    io.out(`No cluster running from ${layout.dir}\n`);
    return 1;
  }
  let controllerId: number | null = null;
  if (layout.zookeepers.some((z) => runningPid(z) !== undefined)) {
    const kafkaZk = await connectKafkaZk(zookeeperConnect(layout), 2000).catch(() => undefined);
    controllerId = (await kafkaZk?.getControllerId().catch(() => null)) ?? null;
    await kafkaZk?.zk.close().catch(() => undefined);
  }
  const reports = await stopCluster(layout, controllerId, (r) => io.out(`${stopLine(r)}\n`));
  return reports.every((r) => r.clean) ? 0 : 1;
}
