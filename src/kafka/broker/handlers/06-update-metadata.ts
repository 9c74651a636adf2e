// UpdateMetadata (key 6), versions 0-7: Kafka 2.8.2's range (v7, topic ids, is what a 2.8 controller sends). From
// the controller only: fenced by broker epoch (STALE_BROKER_EPOCH) and controller epoch (STALE_CONTROLLER_EPOCH,
// Kafka's ControllerMovedException), then applied to the metadata cache. v0 names one PLAINTEXT host and port per
// broker; v1-v2 endpoints carry no listener name (the security protocol's name is the listener); v0-v4 list
// partitions ungrouped; offline replicas come from v4.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { UpdateMetadataRequest } from '../../protocol/schemas/update-metadata.js';
import { ZERO_UUID } from '../broker-metadata.js';
import type { ControlRequestFence } from '../control-request-fence.js';
import type { ApiHandler } from '../handler.js';
import { SECURITY_PROTOCOL_NAMES } from '../zk-controller/control-requests.js';
import type { CachedBroker, MetadataUpdate, ZkMetadataCache } from '../zk-metadata-cache.js';

function liveBrokers(request: UpdateMetadataRequest): CachedBroker[] {
  return request.liveBrokers.map((b) => {
    const endpoints = new Map<string, { host: string; port: number }>();
    if (b.endpoints === undefined && b.v0Host !== undefined) endpoints.set('PLAINTEXT', { host: b.v0Host, port: b.v0Port ?? -1 });
    for (const e of b.endpoints ?? []) endpoints.set(e.listener ?? SECURITY_PROTOCOL_NAMES[e.securityProtocol] ?? String(e.securityProtocol), { host: e.host, port: e.port });
    return { id: b.id, rack: b.rack ?? null, endpoints };
  });
}

function topicStates(request: UpdateMetadataRequest): MetadataUpdate['topicStates'] {
  const byTopic = new Map<string, { topicName: string; topicId: string; partitionStates: MetadataUpdate['topicStates'][number]['partitionStates'][number][] }>();
  const add = (topicName: string, topicId: string | undefined, p: NonNullable<UpdateMetadataRequest['ungroupedPartitionStates']>[number]) => {
    let t = byTopic.get(topicName);
    if (!t) byTopic.set(topicName, (t = { topicName, topicId: topicId ?? ZERO_UUID, partitionStates: [] }));
    t.partitionStates.push({
      partition: p.partitionIndex,
      controllerEpoch: p.controllerEpoch,
      leader: p.leader,
      leaderEpoch: p.leaderEpoch,
      isr: p.isr,
      zkVersion: p.zkVersion,
      replicas: p.replicas,
      offlineReplicas: p.offlineReplicas ?? [],
    });
  };
  for (const p of request.ungroupedPartitionStates ?? []) add(p.topicName, undefined, p);
  for (const t of request.topicStates ?? []) for (const p of t.partitionStates) add(t.topicName, t.topicId, p);
  return [...byTopic.values()];
}

export function updateMetadataHandler(cache: ZkMetadataCache, fence: ControlRequestFence): ApiHandler<typeof ApiKey.UpdateMetadata> {
  return {
    apiKey: ApiKey.UpdateMetadata,
    minVersion: 0,
    maxVersion: 7,
    handle(request) {
      if (fence.isBrokerEpochStale(request.brokerEpoch)) return { errorCode: ErrorCode.STALE_BROKER_EPOCH };
      if (!fence.admitControllerEpoch(request.controllerEpoch)) return { errorCode: ErrorCode.STALE_CONTROLLER_EPOCH };
      cache.update({ controllerId: request.controllerId, controllerEpoch: request.controllerEpoch, liveBrokers: liveBrokers(request), topicStates: topicStates(request) });
      return { errorCode: ErrorCode.NONE };
    },
    errorResponse(_request, errorCode) {
      return { errorCode };
    },
  };
}
