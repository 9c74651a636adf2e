// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import type { ProducerIdManager } from '../replica/producer-id-manager.js';
import type { ReplicaManager } from '../replica/replica-manager.js';
import { produceHandler } from './00-produce.js';
import { fetchHandler } from './01-fetch.js';
import { listOffsetsHandler } from './02-list-offsets.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { deleteRecordsHandler } from './21-delete-records.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
  /** The data plane (Produce, Fetch, ...); left out, only Metadata and ApiVersions are served. */
  replicas?: ReplicaManager;
  /** Producer ids for InitProducerId; without it idempotent producers are refused. */
  producerIds?: ProducerIdManager;
}

export function brokerHandlers(deps: HandlerDeps): AnyApiHandler[] {
  const control: AnyApiHandler[] = [metadataHandler(deps.metadata), apiVersionsHandler(deps.versionTable)];
  const r = deps.replicas;
  if (r === undefined) return control;
  return [
    ...control,
    produceHandler(r),
    fetchHandler(r),
    listOffsetsHandler(r),
    deleteRecordsHandler(r),
    initProducerIdHandler(deps.producerIds),
    offsetForLeaderEpochHandler(r),
  ];
}
