// AlterConfigs (key 33), versions 0-2: Kafka 2.8.2's range. Any broker answers (ZooKeeper mode writes the configs
// itself). Each resource's entries replace its whole override set; see admin/config-alter.ts for the checks.
import { ApiKey } from '../../protocol/index.js';
import type { AlterConfigsResponse } from '../../protocol/schemas/alter-configs.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { alterConfigs } from '../../admin/config-alter.js';
import type { ApiHandler } from '../handler.js';

export function alterConfigsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.AlterConfigs> {
  return {
    apiKey: ApiKey.AlterConfigs,
    minVersion: 0,
    maxVersion: 2,
    async handle(request): Promise<AlterConfigsResponse> {
      const responses: AlterConfigsResponse['responses'] = [];
      for (const r of request.resources) {
        const outcome = await alterConfigs(ctx, r.resourceType, r.resourceName, r.configs, request.validateOnly);
        responses.push({ ...outcome, resourceType: r.resourceType, resourceName: r.resourceName });
      }
      return { throttleTimeMs: 0, responses };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, responses: request.resources.map((r) => ({ errorCode, errorMessage: null, resourceType: r.resourceType, resourceName: r.resourceName })) };
    },
  };
}
