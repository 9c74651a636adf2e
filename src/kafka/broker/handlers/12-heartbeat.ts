// Heartbeat (key 12), versions 0-4: Kafka 2.8.2's range (v3 adds group.instance.id, v4 is flexible).
import { ApiKey } from '../../protocol/index.js';
import type { HeartbeatResponse } from '../../coordinator/types.js';
import type { ApiHandler } from '../handler.js';
import type { GroupHandlerDeps } from '../groups/group-handler-deps.js';

export function heartbeatHandler(deps: GroupHandlerDeps): ApiHandler<typeof ApiKey.Heartbeat> {
  return {
    apiKey: ApiKey.Heartbeat,
    minVersion: 0,
    maxVersion: 4,
    async handle(request) {
      const response = await deps.groups.request<HeartbeatResponse>((c, now, id) =>
        c.heartbeat(now, id, {
          groupId: request.groupId,
          generationId: request.generationId,
          memberId: request.memberId,
          groupInstanceId: request.groupInstanceId ?? null,
        }),
      );
      return { throttleTimeMs: 0, errorCode: response.errorCode };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode };
    },
  };
}
