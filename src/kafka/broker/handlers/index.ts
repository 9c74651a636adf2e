// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { ZkTopicAutoCreation } from '../../admin/auto-create.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { createTopicsHandler } from './19-create-topics.js';
import { deleteTopicsHandler } from './20-delete-topics.js';
import { describeConfigsHandler } from './32-describe-configs.js';
import { alterConfigsHandler } from './33-alter-configs.js';
import { createPartitionsHandler } from './37-create-partitions.js';
import { incrementalAlterConfigsHandler } from './44-incremental-alter-configs.js';
import { describeLogDirsHandler } from './35-describe-log-dirs.js';
import type { LogDirsSource } from '../../admin/log-dirs-source.js';
import { electLeadersHandler } from './43-elect-leaders.js';
import { alterPartitionReassignmentsHandler } from './45-alter-partition-reassignments.js';
import { listPartitionReassignmentsHandler } from './46-list-partition-reassignments.js';
import { describeClusterHandler } from './60-describe-cluster.js';
import type { ControllerRequests } from '../../admin/controller-requests.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
  /** ZooKeeper-backed admin (topic creation, configs): without it the admin APIs are not served. */
  admin?: AdminContext;
  /** The local controller's request API: with it (and admin) ElectLeaders and AlterPartitionReassignments are served. */
  controller?: ControllerRequests;
  /** The broker's log dirs as its storage sees them: with it DescribeLogDirs is served. */
  logDirs?: LogDirsSource;
}

export function brokerHandlers(deps: HandlerDeps): AnyApiHandler[] {
  const { admin } = deps;
  const handlers: AnyApiHandler[] = [
    metadataHandler(deps.metadata, admin === undefined ? undefined : new ZkTopicAutoCreation(admin)),
    apiVersionsHandler(deps.versionTable),
  ];
  if (deps.logDirs !== undefined) handlers.push(describeLogDirsHandler(deps.logDirs));
  if (admin !== undefined) {
    handlers.push(
      createTopicsHandler(admin),
      deleteTopicsHandler(admin),
      describeConfigsHandler(admin),
      alterConfigsHandler(admin),
      createPartitionsHandler(admin),
      incrementalAlterConfigsHandler(admin),
      listPartitionReassignmentsHandler(admin),
      describeClusterHandler(deps.metadata),
    );
    if (deps.controller !== undefined) {
      handlers.push(electLeadersHandler(admin, deps.controller), alterPartitionReassignmentsHandler(admin, deps.controller));
    }
  }
  return handlers;
}
