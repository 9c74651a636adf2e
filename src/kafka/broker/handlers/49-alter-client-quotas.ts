// AlterClientQuotas (key 49), version 0: Kafka 2.8.2's range. Any broker answers: each entity's quota overrides are
// changed in ZooKeeper with a /config/changes notification (admin/client-quotas.ts); quotas are not enforced.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { AlterClientQuotasResponse } from '../../protocol/schemas/alter-client-quotas.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { CLIENT_ID_ENTITY, USER_ENTITY, alterClientQuotas, type QuotaEntity } from '../../admin/client-quotas.js';
import { AdminError } from '../../admin/topic-name.js';
import type { ApiHandler } from '../handler.js';

function quotaEntity(entity: readonly { entityType: string; entityName: string | null }[]): QuotaEntity {
  const out: QuotaEntity = {};
  for (const e of entity) {
    if (e.entityType === USER_ENTITY && !('user' in out)) out.user = e.entityName;
    else if (e.entityType === CLIENT_ID_ENTITY && !('clientId' in out)) out.clientId = e.entityName;
    else if (e.entityType === USER_ENTITY || e.entityType === CLIENT_ID_ENTITY) throw new AdminError(ErrorCode.INVALID_REQUEST, `Duplicate ${e.entityType} entity type`);
    else if (e.entityType === 'ip') throw new AdminError(ErrorCode.INVALID_REQUEST, 'IP quotas are not supported by this broker');
    else throw new AdminError(ErrorCode.UNSUPPORTED_VERSION, `Unhandled client quota entity type: ${e.entityType}`);
  }
  if (out.user === '' || out.clientId === '') throw new AdminError(ErrorCode.INVALID_REQUEST, 'Empty entity name is not supported');
  return out;
}

export function alterClientQuotasHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.AlterClientQuotas> {
  return {
    apiKey: ApiKey.AlterClientQuotas,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<AlterClientQuotasResponse> {
      const entries: AlterClientQuotasResponse['entries'] = [];
      for (const e of request.entries) {
        let errorCode: number = ErrorCode.NONE;
        let errorMessage: string | null = null;
        try {
          await alterClientQuotas(ctx.admin, quotaEntity(e.entity), e.ops.map((op) => ({ key: op.key, value: op.remove ? null : op.value })), request.validateOnly);
        } catch (err) {
          if (!(err instanceof AdminError)) throw err;
          errorCode = err.errorCode;
          errorMessage = err.errorMessage;
        }
        entries.push({ errorCode, errorMessage, entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })) });
      }
      return { throttleTimeMs: 0, entries };
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, entries: request.entries.map((e) => ({ errorCode, errorMessage: null, entity: e.entity.map((x) => ({ entityType: x.entityType, entityName: x.entityName })) })) };
    },
  };
}
