// DescribeClientQuotas (key 48), version 0: Kafka 2.8.2's range. Any broker answers from ZooKeeper's
// /config/users and /config/clients (admin/client-quotas.ts); quotas are stored, not enforced.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { DescribeClientQuotasResponse } from '../../protocol/schemas/describe-client-quotas.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { CLIENT_ID_ENTITY, USER_ENTITY, describeClientQuotas } from '../../admin/client-quotas.js';
import { AdminError } from '../../admin/topic-name.js';
import type { ApiHandler } from '../handler.js';

export function describeClientQuotasHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.DescribeClientQuotas> {
  const failed = (errorCode: number, errorMessage: string | null): DescribeClientQuotasResponse => ({ throttleTimeMs: 0, errorCode, errorMessage, entries: null });
  return {
    apiKey: ApiKey.DescribeClientQuotas,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<DescribeClientQuotasResponse> {
      try {
        const found = await describeClientQuotas(ctx.admin, request.components, request.strict);
        return {
          throttleTimeMs: 0,
          errorCode: ErrorCode.NONE,
          errorMessage: null,
          entries: found.map(({ entity, values }) => ({
            entity: [
              ...(entity.user !== undefined ? [{ entityType: USER_ENTITY, entityName: entity.user }] : []),
              ...(entity.clientId !== undefined ? [{ entityType: CLIENT_ID_ENTITY, entityName: entity.clientId }] : []),
            ],
            values: values.map(([key, value]) => ({ key, value })),
          })),
        };
      } catch (err) {
        if (err instanceof AdminError) return failed(err.errorCode, err.errorMessage);
        throw err;
      }
    },
    errorResponse(_request, errorCode) {
      return failed(errorCode, null);
    },
  };
}
