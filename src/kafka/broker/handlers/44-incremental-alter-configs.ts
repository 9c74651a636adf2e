// IncrementalAlterConfigs (key 44), versions 0-1: Kafka 2.8.2's range (v1 flexible). Any broker answers.
// SET/DELETE/APPEND/SUBTRACT apply to the resource's current overrides; see admin/config-alter.ts for the checks.
import { ApiKey } from '../../protocol/index.js';
import type { IncrementalAlterConfigsResponse } from '../../protocol/schemas/incremental-alter-configs.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { incrementalAlterConfigs } from '../../admin/config-alter.js';
import type { ApiHandler } from '../handler.js';

export function incrementalAlterConfigsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.IncrementalAlterConfigs> {
  return {
    apiKey: ApiKey.IncrementalAlterConfigs,
    minVersion: 0,
    maxVersion: 1,
    async handle(request): Promise<IncrementalAlterConfigsResponse> {
      const responses: IncrementalAlterConfigsResponse['responses'] = [];
      for (const r of request.resources) {
        const ops = r.configs.map((c) => ({ name: c.name, op: c.configOperation, value: c.value }));
        const outcome = await incrementalAlterConfigs(ctx, r.resourceType, r.resourceName, ops, request.validateOnly);
        responses.push({ ...outcome, resourceType: r.resourceType, resourceName: r.resourceName });
      }
      return { throttleTimeMs: 0, responses };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, responses: request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })) };
    },
  };
}
