// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { ReplicaControl, TxnMarkerListener } from '../broker-contracts.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ControlRequestFence } from '../control-request-fence.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { ZkTopicAutoCreation } from '../../admin/auto-create.js';
import type { ControllerRequests } from '../../admin/controller-requests.js';
import type { LogDirsSource } from '../../admin/log-dirs-source.js';
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
import { createTopicsHandler } from './19-create-topics.js';
import { deleteTopicsHandler } from './20-delete-topics.js';
import { deleteRecordsHandler } from './21-delete-records.js';
import { initProducerIdHandler } from './22-init-producer-id.js';
import { offsetForLeaderEpochHandler } from './23-offset-for-leader-epoch.js';
import { writeTxnMarkersHandler } from './27-write-txn-markers.js';
import { describeConfigsHandler } from './32-describe-configs.js';
import { alterConfigsHandler } from './33-alter-configs.js';
import { alterReplicaLogDirsHandler, type ReplicaDirChanger } from './34-alter-replica-log-dirs.js';
import { describeLogDirsHandler } from './35-describe-log-dirs.js';
import { createPartitionsHandler } from './37-create-partitions.js';
import { electLeadersHandler } from './43-elect-leaders.js';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs.js';
import { alterPartitionReassignmentsHandler } from './45-alter-partition-reassignments.js';
import { listPartitionReassignmentsHandler } from './46-list-partition-reassignments.js';
import { describeClientQuotasHandler } from './48-describe-client-quotas.js';
import { alterClientQuotasHandler } from './49-alter-client-quotas.js';
import { describeUserScramCredentialsHandler } from './50-describe-user-scram-credentials.js';
import { alterUserScramCredentialsHandler } from './51-alter-user-scram-credentials.js';
import { alterIsrHandler } from './56-alter-isr.js';
import { describeClusterHandler } from './60-describe-cluster.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';
import { offsetCommitHandler } from './08-offset-commit.js';
import { offsetFetchHandler } from './09-offset-fetch.js';
import { findCoordinatorHandler } from './10-find-coordinator.js';
import { joinGroupHandler } from './11-join-group.js';
import { heartbeatHandler } from './12-heartbeat.js';
import { leaveGroupHandler } from './13-leave-group.js';
import { syncGroupHandler } from './14-sync-group.js';
import { describeGroupsHandler } from './15-describe-groups.js';
import { listGroupsHandler } from './16-list-groups.js';
import { deleteGroupsHandler } from './42-delete-groups.js';
import { offsetDeleteHandler } from './47-offset-delete.js';
import type { TxnHandlerDeps } from '../txn/txn-handler-deps.js';
import { addPartitionsToTxnHandler } from './24-add-partitions-to-txn.js';
import { addOffsetsToTxnHandler } from './25-add-offsets-to-txn.js';
import { endTxnHandler } from './26-end-txn.js';
import { txnOffsetCommitHandler } from './28-txn-offset-commit.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
  /** The data plane (Produce, Fetch, ...); left out, only Metadata and ApiVersions are served. */
  replicas?: ReplicaManager;
  /** Producer ids for InitProducerId; without it idempotent producers are refused. */
  producerIds?: ProducerIdManager;
  /** ZooKeeper-backed admin (topic creation, configs): without it the admin APIs are not served. */
  admin?: AdminContext;
  /** The local controller's request API: with it (and admin) ElectLeaders and AlterPartitionReassignments are served. */
  controllerRequests?: ControllerRequests;
  /** The broker's log dirs as its storage sees them: with it DescribeLogDirs is served. */
  logDirs?: LogDirsSource;
  /** Moves of replicas between this broker's log dirs: with it AlterReplicaLogDirs is served. */
  logDirMoves?: ReplicaDirChanger;
  /** The group coordinator's parts; without them the group APIs are not served. */
  groups?: GroupHandlerDeps;
  /** The transaction coordinator's parts; without them transactional ids get COORDINATOR_NOT_AVAILABLE. */
  txn?: TxnHandlerDeps;
  /** Told of every transaction marker WriteTxnMarkers wrote on a local leader. */
  txnMarkers?: TxnMarkerListener;
  /** request.timeout.ms: how long WriteTxnMarkers waits for the in-sync replicas. */
  requestTimeoutMs?: number;
}

function groupHandlers(deps: GroupHandlerDeps, txn: TxnHandlerDeps | undefined): AnyApiHandler[] {
  return [
    offsetCommitHandler(deps),
    offsetFetchHandler(deps),
    findCoordinatorHandler(deps, txn),
    joinGroupHandler(deps),
    heartbeatHandler(deps),
    leaveGroupHandler(deps),
    syncGroupHandler(deps),
    describeGroupsHandler(deps),
    listGroupsHandler(deps),
    deleteGroupsHandler(deps),
    offsetDeleteHandler(deps),
    txnOffsetCommitHandler(deps),
  ];
}

/** What the controller-to-broker and broker-to-controller APIs need (a ZooKeeper-mode broker has them all). */
export interface ClusterHandlerDeps {
  metadataCache: ZkMetadataCache;
  replicaControl: ReplicaControl;
  fence: ControlRequestFence;
  controller: ControllerApi;
}

export function brokerHandlers(deps: HandlerDeps & Partial<ClusterHandlerDeps>): AnyApiHandler[] {
  const { admin } = deps;
  const handlers: AnyApiHandler[] = [
    metadataHandler(deps.metadata, admin === undefined ? undefined : new ZkTopicAutoCreation(admin)),
    apiVersionsHandler(deps.versionTable),
  ];
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
      initProducerIdHandler(deps.producerIds, deps.txn),
      offsetForLeaderEpochHandler(r),
      writeTxnMarkersHandler(r, deps.txnMarkers, deps.requestTimeoutMs),
    );
  }
  if (deps.logDirs !== undefined) handlers.push(describeLogDirsHandler(deps.logDirs));
  if (deps.logDirMoves !== undefined) handlers.push(alterReplicaLogDirsHandler(deps.logDirMoves));
  if (admin !== undefined) {
    handlers.push(
      createTopicsHandler(admin),
      deleteTopicsHandler(admin),
      describeConfigsHandler(admin),
      alterConfigsHandler(admin),
      createPartitionsHandler(admin),
      incrementalAlterConfigsHandler(admin),
      listPartitionReassignmentsHandler(admin),
      describeClientQuotasHandler(admin),
      alterClientQuotasHandler(admin),
      describeUserScramCredentialsHandler(admin),
      alterUserScramCredentialsHandler(admin),
      describeClusterHandler(deps.metadata),
    );
    if (deps.controllerRequests !== undefined) {
      handlers.push(electLeadersHandler(admin, deps.controllerRequests), alterPartitionReassignmentsHandler(admin, deps.controllerRequests));
    }
  }
  if (deps.groups) handlers.push(...groupHandlers(deps.groups, deps.txn));
  if (deps.txn) handlers.push(addPartitionsToTxnHandler(deps.txn), addOffsetsToTxnHandler(deps.txn), endTxnHandler(deps.txn));
  return handlers;
}
