// ApiVersions (key 18), versions 0-3: Kafka 2.8.2's range. v4 (trunk) is not advertised: 2.8 clients never send it,
// and an ApiVersions at a version outside this range gets the v0-shaped UNSUPPORTED_VERSION answer (dispatcher.ts)
// from which clients retry lower.
// v3 is the first flexible version: the request carries the client's software name and version; the response header
// stays v0 (the codec's responseHeaderVersion), the body gains tagged fields, and feature flags stay empty (a ZooKeeper
// -mode broker without the feature-versioning system, finalized epoch -1).
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { ApiVersionsResponse } from '../../protocol/schemas/api-versions.js';
import type { ApiVersionRange } from '../dispatcher.js';
import type { ApiHandler } from '../handler.js';

/** Kafka's ApiVersionsRequest.isValid: name and version are letters, digits, `-` and `.`, starting and ending alphanumeric. */
const SOFTWARE_TEXT = /^[a-zA-Z0-9](?:[a-zA-Z0-9\-.]*[a-zA-Z0-9])?$/;

export function apiVersionsHandler(versionTable: () => readonly ApiVersionRange[]): ApiHandler<typeof ApiKey.ApiVersions> {
  return {
    apiKey: ApiKey.ApiVersions,
    minVersion: 0,
    maxVersion: 3,
    handle(request, ctx) {
      const response: ApiVersionsResponse = { errorCode: ErrorCode.NONE, apiKeys: [], throttleTimeMs: 0 };
      if (ctx.apiVersion >= 3 && !(SOFTWARE_TEXT.test(request.clientSoftwareName ?? '') && SOFTWARE_TEXT.test(request.clientSoftwareVersion ?? ''))) {
        // As Kafka: an invalid client software name or version gets INVALID_REQUEST and no api keys.
        response.errorCode = ErrorCode.INVALID_REQUEST;
        return response;
      }
      response.apiKeys = versionTable().map((v) => ({ apiKey: v.apiKey, minVersion: v.minVersion, maxVersion: v.maxVersion }));
      return response;
    },
    errorResponse(_request, errorCode) {
      return { errorCode, apiKeys: [], throttleTimeMs: 0 };
    },
  };
}
