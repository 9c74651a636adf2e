// The API versions a broker supports (from its ApiVersions answer) and the choice of version per request: the
// highest version both the broker and this client's schemas support, as the Java client picks it.
import { isValidVersion, parseVersions } from '../../protocol/codec.js';
import { ApiKey, REQUEST_SCHEMAS } from '../../protocol/schemas/index.js';
import type { MessageSchema } from '../../protocol/schema.js';
import { KafkaUnsupportedApiError } from '../errors/client-errors.js';

export interface VersionRange {
  minVersion: number;
  maxVersion: number;
}

/**
 * Upper bounds below our schemas' maxima, where a newer version changes what the client must supply:
 * Fetch v13+ names topics by id only, which this client does not track.
 */
const CLIENT_MAX_VERSION: Partial<Record<ApiKey, number>> = {
  [ApiKey.Fetch]: 12,
};

const API_NAMES = new Map<number, string>(Object.entries(ApiKey).map(([name, key]) => [key, name]));

export function apiKeyName(apiKey: number): string {
  return API_NAMES.get(apiKey) ?? `api key ${apiKey}`;
}

function schemaOf(apiKey: number): MessageSchema | undefined {
  return (REQUEST_SCHEMAS as Record<number, MessageSchema>)[apiKey];
}

/** The highest version of the api the client can send (its schema's maximum, or a lower cap). */
export function clientMaxVersion(apiKey: number): number {
  const schema = schemaOf(apiKey);
  if (schema === undefined) return -1;
  const cap = CLIENT_MAX_VERSION[apiKey as ApiKey];
  const ranges = parseVersions(schema.validVersions);
  const max = ranges === null ? -1 : ranges[1];
  return cap === undefined ? max : Math.min(cap, max);
}

export class VersionTable {
  constructor(private readonly ranges: ReadonlyMap<number, VersionRange>) {}

  has(apiKey: number): boolean {
    return this.ranges.get(apiKey) !== undefined && this.versionFor(apiKey, Infinity, false) >= 0;
  }

  range(apiKey: number): VersionRange | undefined {
    return this.ranges.get(apiKey);
  }

  /** The highest version both sides support, at most `maxVersion`; throws KafkaUnsupportedApiError if there is none. */
  pick(apiKey: number, maxVersion = Infinity): number {
    return this.versionFor(apiKey, maxVersion, true);
  }

  private versionFor(apiKey: number, maxVersion: number, throwIfNone: boolean): number {
    const broker = this.ranges.get(apiKey);
    const schema = schemaOf(apiKey);
    const name = apiKeyName(apiKey);
    if (broker === undefined || schema === undefined) {
      if (throwIfNone) throw new KafkaUnsupportedApiError(`the broker does not support ${name}`);
      return -1;
    }
    const top = Math.min(broker.maxVersion, clientMaxVersion(apiKey), maxVersion);
    for (let v = top; v >= broker.minVersion; v--) if (isValidVersion(schema, v)) return v;
    if (throwIfNone) {
      throw new KafkaUnsupportedApiError(`${name}: the broker supports versions ${broker.minVersion}-${broker.maxVersion}, this client ${schema.validVersions}`);
    }
    return -1;
  }
}
