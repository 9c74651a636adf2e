// Apache's ContainerManager: deletes emptied containers and expired TTL nodes through deleteContainer
// transactions, at most maxPerMinute of them a minute.
import { kindOfOwner, ttlOfOwner } from '../tree/data-node.js';
import type { ZooKeeperServer } from './zookeeper-server.js';

export function containerCandidates(server: ZooKeeperServer, nowMs: number, maxNeverUsedIntervalMs: number): string[] {
  const tree = server.tree;
  const out: string[] = [];
  for (const path of tree.containers) {
    const node = tree.get(path);
    if (!node || node.numChildren > 0) continue;
    const elapsed = nowMs - Number(node.mtime);
    if (node.cversion > 0 || (maxNeverUsedIntervalMs !== 0 && elapsed > maxNeverUsedIntervalMs)) out.push(path);
  }
  for (const path of tree.ttls) {
    const node = tree.get(path);
    if (!node || node.numChildren > 0 || kindOfOwner(node.ephemeralOwner) !== 'ttl') continue;
    const ttl = Number(ttlOfOwner(node.ephemeralOwner));
    if (ttl !== 0 && nowMs - Number(node.mtime) > ttl) out.push(path);
  }
  return out;
}

export function startContainerReaper(server: ZooKeeperServer, checkIntervalMs: number, maxPerMinute: number, maxNeverUsedIntervalMs: number): { stop(): void } {
  const minGapMs = maxPerMinute > 0 ? 60000 / maxPerMinute : 0;
  let stopped = false;
  let timer: NodeJS.Timeout | null = null;
  const run = async () => {
    for (const path of containerCandidates(server, Date.now(), maxNeverUsedIntervalMs)) {
      if (stopped) return;
      server.reapContainer(path);
      if (minGapMs >= 1) await new Promise((r) => setTimeout(r, minGapMs).unref());
    }
  };
  const schedule = () => {
    if (stopped) return;
    timer = setTimeout(() => void run().finally(schedule), checkIntervalMs);
    timer.unref();
  };
  schedule();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
    },
  };
}
