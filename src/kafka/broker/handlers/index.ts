// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';
import { metadataHandler } from './03-metadata.js';
import { offsetCommitHandler } from './08-offset-commit.js';
import { offsetFetchHandler } from './09-offset-fetch.js';
import { findCoordinatorHandler } from './10-find-coordinator.js';
import { joinGroupHandler } from './11-join-group.js';
import { heartbeatHandler } from './12-heartbeat.js';
import { leaveGroupHandler } from './13-leave-group.js';
import { syncGroupHandler } from './14-sync-group.js';
import { describeGroupsHandler } from './15-describe-groups.js';
import { listGroupsHandler } from './16-list-groups.js';
import { apiVersionsHandler } from './18-api-versions.js';
import { deleteGroupsHandler } from './42-delete-groups.js';
import { offsetDeleteHandler } from './47-offset-delete.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
  /** The group coordinator's parts; without them the group APIs are not served. */
  groups?: GroupHandlerDeps;
}

function groupHandlers(deps: GroupHandlerDeps): AnyApiHandler[] {
  return [
    offsetCommitHandler(deps),
    offsetFetchHandler(deps),
    findCoordinatorHandler(deps),
    joinGroupHandler(deps),
    heartbeatHandler(deps),
    leaveGroupHandler(deps),
    syncGroupHandler(deps),
    describeGroupsHandler(deps),
    listGroupsHandler(deps),
    deleteGroupsHandler(deps),
    offsetDeleteHandler(deps),
  ];
}

export function brokerHandlers(deps: HandlerDeps): AnyApiHandler[] {
  return [metadataHandler(deps.metadata), apiVersionsHandler(deps.versionTable), ...(deps.groups ? groupHandlers(deps.groups) : [])];
}
