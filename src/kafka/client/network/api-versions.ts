// The ApiVersions exchange that starts every connection. The request goes at the highest version this client
// knows; a broker that does not know it answers UNSUPPORTED_VERSION with its own ApiVersions range (or none), and
// the client asks again at the highest version the broker named, or v0 — the Java client's NetworkClient rule.
import { ErrorCode } from '../../protocol/errors.js';
import type { ApiVersionsResponse } from '../../protocol/schemas/api-versions.js';
import { ApiKey } from '../../protocol/schemas/index.js';
import { kafkaError } from '../errors/client-errors.js';
import type { BrokerConnection } from './broker-connection.js';
import { clientMaxVersion, VersionTable, type VersionRange } from './version-table.js';

export const CLIENT_SOFTWARE_NAME = 'zkafka';
export const CLIENT_SOFTWARE_VERSION = '0.1.0';

export function versionTableOf(response: ApiVersionsResponse): VersionTable {
  const ranges = new Map<number, VersionRange>();
  for (const k of response.apiKeys) ranges.set(k.apiKey, { minVersion: k.minVersion, maxVersion: k.maxVersion });
  return new VersionTable(ranges);
}

/** The version to retry at after UNSUPPORTED_VERSION: what the broker said it supports, else 0. */
export function fallbackApiVersionsVersion(response: ApiVersionsResponse, asked: number): number {
  const own = response.apiKeys.find((k) => k.apiKey === ApiKey.ApiVersions);
  if (own === undefined) return 0;
  return Math.max(0, Math.min(own.maxVersion, asked - 1));
}

/**
 * The ApiVersions version a connection starts with: v3, which every broker since Kafka 2.4 answers (Kafka 2.8's
 * own clients send it), rather than a newer one that 2.x brokers would refuse at the cost of a second round trip.
 */
const FIRST_API_VERSIONS_VERSION = 3;

/** Runs ApiVersions on a fresh connection and installs the broker's version table on it. */
export async function negotiateVersions(conn: BrokerConnection): Promise<VersionTable> {
  let version = Math.min(FIRST_API_VERSIONS_VERSION, clientMaxVersion(ApiKey.ApiVersions));
  for (let attempt = 0; ; attempt++) {
    const response = await conn.send(ApiKey.ApiVersions, { clientSoftwareName: CLIENT_SOFTWARE_NAME, clientSoftwareVersion: CLIENT_SOFTWARE_VERSION }, { version });
    if (response.errorCode === ErrorCode.UNSUPPORTED_VERSION && version > 0 && attempt < 3) {
      version = fallbackApiVersionsVersion(response, version);
      continue;
    }
    if (response.errorCode !== 0) throw kafkaError(response.errorCode, null, `ApiVersions v${version} to ${conn.address}`);
    const table = versionTableOf(response);
    conn.setVersionTable(table);
    return table;
  }
}
