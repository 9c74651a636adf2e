// DescribeUserScramCredentials (key 50), version 0: Kafka 2.8.2's range. Any broker answers from /config/users:
// the mechanisms and iterations of each user's credentials, never the keys. (The broker does not authenticate with
// them: it has no SASL listener.)
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type { DescribeUserScramCredentialsResponse } from '../../protocol/schemas/describe-user-scram-credentials.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { describeUserScramCredentials } from '../../admin/client-quotas.js';
import type { ApiHandler } from '../handler.js';

export function describeUserScramCredentialsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.DescribeUserScramCredentials> {
  return {
    apiKey: ApiKey.DescribeUserScramCredentials,
    minVersion: 0,
    maxVersion: 0,
    async handle(request): Promise<DescribeUserScramCredentialsResponse> {
      const results = await describeUserScramCredentials(ctx.admin, request.users === null ? null : request.users.map((u) => u.name));
      return { throttleTimeMs: 0, errorCode: ErrorCode.NONE, errorMessage: null, results };
    },
    errorResponse(_request, errorCode) {
      return { throttleTimeMs: 0, errorCode, errorMessage: null, results: [] };
    },
  };
}
