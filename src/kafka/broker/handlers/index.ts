// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { ReplicaControl } from '../broker-contracts.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ControlRequestFence } from '../control-request-fence.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import type { ProducerIdManager } from '../replica/producer-id-manager.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import type { ControllerApi } from '../zk-controller/controller-service.js';
import type { ZkMetadataCache } from '../zk-metadata-cache.js';
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { leaderAndIsrHandler } from './04-leader-and-isr.js';
import { stopReplicaHandler } from './05-stop-replica.js';
import { updateMetadataHandler } from './06-update-metadata.js';
import { controlledShutdownHandler } from './07-controlled-shutdown.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { deleteRecordsHandler } from './21-delete-records.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch.js';
import { alterIsrHandler } from './56-alter-isr.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
  /** The data plane (Produce, Fetch, ...); left out, only Metadata and ApiVersions are served. */
  replicas?: ReplicaManager;
  /** Producer ids for InitProducerId; without it idempotent producers are refused. */
  producerIds?: ProducerIdManager;
}

/** What the controller-to-broker and broker-to-controller APIs need (a ZooKeeper-mode broker has them all). */
export interface ClusterHandlerDeps {
  metadataCache: ZkMetadataCache;
  replicaControl: ReplicaControl;
  fence: ControlRequestFence;
  controller: ControllerApi;
}

export function brokerHandlers(deps: HandlerDeps & Partial<ClusterHandlerDeps>): AnyApiHandler[] {
  const handlers: AnyApiHandler[] = [metadataHandler(deps.metadata), apiVersionsHandler(deps.versionTable)];
  if (deps.metadataCache && deps.replicaControl && deps.fence && deps.controller) {
    handlers.push(
      leaderAndIsrHandler(deps.replicaControl, deps.fence),
      stopReplicaHandler(deps.replicaControl, deps.fence),
      updateMetadataHandler(deps.metadataCache, deps.fence),
      controlledShutdownHandler(deps.controller),
      alterIsrHandler(deps.controller),
    );
  }
  const r = deps.replicas;
  if (r !== undefined) {
    handlers.push(
      produceHandler(r),
      fetchHandler(r),
      listOffsetsHandler(r),
      deleteRecordsHandler(r),
      initProducerIdHandler(deps.producerIds),
      offsetForLeaderEpochHandler(r),
    );
  }
  return handlers;
}
