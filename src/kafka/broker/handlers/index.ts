// The handler registry: one file per API key, named by key. The ApiVersions table is exactly what is listed here.
import type { BrokerMetadata } from '../broker-metadata.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { AnyApiHandler } from '../handler.js';
import { metadataHandler } from './03-metadata.js';
import { apiVersionsHandler } from './18-api-versions.js';

export interface HandlerDeps {
  metadata: BrokerMetadata;
  /** The advertised table, read when ApiVersions is answered (the dispatcher builds it from this registry). */
  versionTable: () => readonly ApiVersionRange[];
}

export function brokerHandlers(deps: HandlerDeps): AnyApiHandler[] {
  return [metadataHandler(deps.metadata), apiVersionsHandler(deps.versionTable)];
}
