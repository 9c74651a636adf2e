// CreatePartitions (key 37), versions 0-3: Kafka 2.8.2's range. Served by the active controller only
// (NOT_CONTROLLER elsewhere). A topic named twice is INVALID_REQUEST "Duplicate topic in request.", one queued for
// deletion INVALID_TOPIC_EXCEPTION; the rest get their new partitions' assignment written into
// /brokers/topics/<t> (ZkAdminManager.createPartitions texts), and unless validate_only the answer waits up to
// timeout_ms for every partition to have a leader, else REQUEST_TIMED_OUT.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  CreatePartitionsResponse,
  CreatePartitionsResponseCreatePartitionsTopicResult as TopicResult,
} from '../../protocol/schemas/create-partitions.js';
import { adminErrorOf } from '../../admin/admin-zk.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { partitionsHaveLeaders, waitForMetadata } from '../../admin/metadata-wait.js';
import { ZkPaths } from '../../zk/zk-data.js';
import type { ApiHandler } from '../handler.js';

export function createPartitionsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.CreatePartitions> {
  return {
    apiKey: ApiKey.CreatePartitions,
    minVersion: 0,
    maxVersion: 3,
    async handle(request): Promise<CreatePartitionsResponse> {
      const respond = (results: TopicResult[]): CreatePartitionsResponse => ({ throttleTimeMs: 0, results });
      if (!ctx.isActiveController()) {
        return respond(request.topics.map((t) => ({ name: t.name, errorCode: ErrorCode.NOT_CONTROLLER, errorMessage: null })));
      }
      const counts = new Map<string, number>();
      for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const results: TopicResult[] = [];
      const grown = new Map<string, number>();
      const reported = new Set<string>();
      for (const t of request.topics) {
        if (counts.get(t.name)! > 1) {
          if (!reported.has(t.name)) results.push({ name: t.name, errorCode: ErrorCode.INVALID_REQUEST, errorMessage: 'Duplicate topic in request.' });
          reported.add(t.name);
          continue;
        }
        if ((await ctx.admin.zk.zk.exists(ZkPaths.deleteTopic(t.name))) !== null) {
          results.push({ name: t.name, errorCode: ErrorCode.INVALID_TOPIC_EXCEPTION, errorMessage: 'The topic is queued for deletion.' });
          continue;
        }
        try {
          const assignments = t.assignments === null ? null : t.assignments.map((a) => a.brokerIds);
          grown.set(t.name, await ctx.admin.createPartitions(t.name, t.count, assignments, request.validateOnly));
          results.push({ name: t.name, errorCode: ErrorCode.NONE, errorMessage: null });
        } catch (err) {
          const e = adminErrorOf(err);
          results.push({ name: t.name, errorCode: e.errorCode, errorMessage: e.errorMessage });
        }
      }
      if (!request.validateOnly && grown.size > 0 && request.timeoutMs > 0) {
        const allLed = () => [...grown].every(([name, count]) => partitionsHaveLeaders(ctx.metadata, name, count));
        await waitForMetadata(ctx.updates, allLed, request.timeoutMs);
        for (const r of results) {
          const count = grown.get(r.name);
          if (count !== undefined && !partitionsHaveLeaders(ctx.metadata, r.name, count)) r.errorCode = ErrorCode.REQUEST_TIMED_OUT;
        }
      }
      return respond(results);
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, results: request.topics.map((t) => ({ name: t.name, errorCode, errorMessage: null })) };
    },
  };
}
