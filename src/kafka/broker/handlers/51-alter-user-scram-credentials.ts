// AlterUserScramCredentials (key 51), version 0: Kafka 2.8.2's range. Any broker answers: the client sends salt
// and salted password, the broker derives stored and server keys and writes them to /config/users/<user> with a
// /config/changes notification, as ZkAdminManager does.
import { ApiKey } from '../../protocol/index.js';
import type { AlterUserScramCredentialsResponse } from '../../protocol/schemas/alter-user-scram-credentials.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { alterUserScramCredentials } from '../../admin/client-quotas.js';
import type { ApiHandler } from '../handler.js';

export function alterUserScramCredentialsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.AlterUserScramCredentials> {
  return {
    apiKey: ApiKey.AlterUserScramCredentials,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<AlterUserScramCredentialsResponse> {
      return { throttleTimeMs: 0, results: await alterUserScramCredentials(ctx.admin, request.deletions, request.upsertions) };
    },
    errorResponse(request, errorCode) {
      const users = [...new Set([...request.deletions, ...request.upsertions].map((a) => a.name))];
      return { throttleTimeMs: 0, results: users.map((user) => ({ user, errorCode, errorMessage: null })) };
    },
  };
}
