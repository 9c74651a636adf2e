// Gathers what the broker's metrics page shows from the running broker's parts, at scrape time.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { GroupCoordinatorService } from '../groups/group-coordinator-service.js';
import { BrokerNetworkClient } from '../network-client.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { SocketServer } from '../socket-server.js';
import type { ZkMetadataCache } from '../zk-metadata-cache.js';
import type { BrokerMetricsView } from './broker-metrics-page.js';
import { committedOffsets, consumerLag, partitionKey, type LogEndSources } from './consumer-lag.js';
import type { RequestMetrics } from './request-metrics.js';

/** ListOffsets v1: the first version answering one offset per partition. */
const LIST_OFFSETS_VERSION = 1;
const LATEST_TIMESTAMP = -1n;

export interface BrokerMetricsParts {
  brokerId: number;
  interBrokerListenerName: string;
  /** How long a scrape waits for another broker's latest offsets. */
  requestTimeoutMs: number;
  replicas?: ReplicaManager;
  requests: RequestMetrics;
  socketServer: SocketServer;
  isActiveController(): boolean;
  metadataCache: ZkMetadataCache;
  groups?: GroupCoordinatorService;
}

function clusterPartitions(cache: ZkMetadataCache): { total: number; offline: number; topics: number } {
  let total = 0;
  let offline = 0;
  let topics = 0;
  for (const t of cache.allTopics()) {
    topics++;
    for (const p of t.partitions) {
      total++;
      if (p.leaderId < 0) offline++;
    }
  }
  return { total, offline, topics };
}

/** The latest offsets of partitions led elsewhere, one ListOffsets per leader; what fails stays unknown. */
async function remoteLogEnds(parts: BrokerMetricsParts, partitions: readonly { topic: string; partition: number }[]): Promise<Map<string, number>> {
  const byLeader = new Map<number, Map<string, number[]>>();
  for (const { topic, partition } of partitions) {
    const leader = parts.metadataCache.partitionState(topic, partition)?.leader;
    if (leader === undefined || leader < 0 || leader === parts.brokerId) continue;
    let topics = byLeader.get(leader);
    if (!topics) byLeader.set(leader, (topics = new Map()));
    let list = topics.get(topic);
    if (!list) topics.set(topic, (list = []));
    list.push(partition);
  }
  const ends = new Map<string, number>();
  await Promise.all([...byLeader].map(async ([leader, topics]) => {
    const e = parts.metadataCache.aliveEndpoint(leader, parts.interBrokerListenerName);
    if (!e) return;
    const client = new BrokerNetworkClient(e.host || 'localhost', e.port, `broker-${parts.brokerId}-metrics`, parts.requestTimeoutMs);
    try {
      const response = await client.send(ApiKey.ListOffsets, LIST_OFFSETS_VERSION, {
        replicaId: -1,
        topics: [...topics].map(([name, ps]) => ({ name, partitions: ps.map((partitionIndex) => ({ partitionIndex, timestamp: LATEST_TIMESTAMP })) })),
      });
      for (const t of response.topics) {
        for (const p of t.partitions) if (p.errorCode === ErrorCode.NONE && p.offset !== undefined) ends.set(partitionKey(t.name, p.partitionIndex), Number(p.offset));
      }
    } catch {
      // The leader could not tell: its partitions' lag is left out of this scrape.
    } finally {
      client.close();
    }
  }));
  return ends;
}

export async function brokerMetricsView(parts: BrokerMetricsParts): Promise<BrokerMetricsView> {
  const { replicas, socketServer } = parts;
  const open = new Map<string, number>();
  for (const c of socketServer.openConnections()) open.set(c.listenerName, (open.get(c.listenerName) ?? 0) + 1);
  for (const name of socketServer.connectionsCreated().keys()) if (!open.has(name)) open.set(name, 0);
  const active = parts.isActiveController();
  const sources: LogEndSources = {
    local: (topic, partition) => {
      const p = replicas?.getPartition(topic, partition);
      return p?.isLeader ? p.log.highWatermark : undefined;
    },
    remote: (partitions) => remoteLogEnds(parts, partitions),
  };
  const lag = parts.groups ? await consumerLag(committedOffsets(parts.groups.coordinator), sources) : [];
  return {
    brokerId: parts.brokerId,
    stats: replicas?.stats,
    requests: parts.requests,
    connections: { open, created: socketServer.connectionsCreated() },
    partitions: replicas?.hostedPartitions() ?? [],
    activeController: active,
    clusterPartitions: active ? clusterPartitions(parts.metadataCache) : undefined,
    lag,
  };
}
