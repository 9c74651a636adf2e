// DeleteTopics (key 20), versions 0-6: Kafka 2.8.2's range. Served by the active controller only (NOT_CONTROLLER
// elsewhere). With delete.topic.enable=false every topic gets TOPIC_DELETION_DISABLED (INVALID_REQUEST before v3,
// which lacks that code). Each known topic is marked in /admin/delete_topics (already marked counts as success)
// and the answer waits up to timeout_ms until the metadata cache no longer has it, else REQUEST_TIMED_OUT.
// v6 names topics by id as well: an unknown id is UNKNOWN_TOPIC_ID, both name and id INVALID_REQUEST.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  DeleteTopicsRequest,
  DeleteTopicsResponse,
  DeleteTopicsResponseDeletableTopicResult as TopicResult,
} from '../../protocol/schemas/delete-topics.js';
import { adminErrorOf } from '../../admin/admin-zk.js';
import type { AdminContext } from '../../admin/admin-context.js';
import { waitForMetadata } from '../../admin/metadata-wait.js';
import { ZERO_UUID } from '../broker-metadata.js';
import type { ApiHandler } from '../handler.js';

interface Wanted {
  name: string | null;
  topicId: string;
}

function wanted(request: DeleteTopicsRequest, version: number): Wanted[] {
  if (version >= 6) return (request.topics ?? []).map((t) => ({ name: t.name, topicId: t.topicId }));
  return (request.topicNames ?? []).map((name) => ({ name, topicId: ZERO_UUID }));
}

export function deleteTopicsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.DeleteTopics> {
  return {
    apiKey: ApiKey.DeleteTopics,
    minVersion: 0,
    maxVersion: 6,
    async handle(request, rc): Promise<DeleteTopicsResponse> {
      const topics = wanted(request, rc.apiVersion);
      const respond = (results: TopicResult[]): DeleteTopicsResponse => ({ throttleTimeMs: 0, responses: results });
      const all = (errorCode: number) => respond(topics.map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null })));
      if (!ctx.isActiveController()) return all(ErrorCode.NOT_CONTROLLER);
      if (!ctx.config.deleteTopicEnable) return all(rc.apiVersion < 3 ? ErrorCode.INVALID_REQUEST : ErrorCode.TOPIC_DELETION_DISABLED);
      if (topics.some((t) => t.name !== null && t.topicId !== ZERO_UUID)) {
        return all(ErrorCode.INVALID_REQUEST);
      }
      const byId = new Map([...ctx.metadata.allTopics()].map((t) => [t.topicId, t.name]));
      const results: TopicResult[] = topics.map((t) => ({
        name: t.topicId === ZERO_UUID ? t.name : (byId.get(t.topicId) ?? null),
        topicId: t.topicId,
        errorCode: ErrorCode.NONE,
        errorMessage: null,
      }));
      const toDelete: string[] = [];
      for (const r of results) {
        if (r.name === null) r.errorCode = ErrorCode.UNKNOWN_TOPIC_ID;
        else if (ctx.metadata.topic(r.name) === undefined) r.errorCode = ErrorCode.UNKNOWN_TOPIC_OR_PARTITION;
        else toDelete.push(r.name);
      }
      const waiting = new Set<string>();
      for (const name of new Set(toDelete)) {
        try {
          await ctx.admin.deleteTopic(name);
          waiting.add(name);
        } catch (err) {
          const e = adminErrorOf(err);
          for (const r of results) if (r.name === name) Object.assign(r, { errorCode: e.errorCode, errorMessage: e.errorMessage });
        }
      }
      if (waiting.size > 0) {
        const gone = () => [...waiting].every((name) => ctx.metadata.topic(name) === undefined);
        await waitForMetadata(ctx.updates, gone, request.timeoutMs);
        for (const r of results) {
          if (r.name !== null && waiting.has(r.name) && ctx.metadata.topic(r.name) !== undefined) r.errorCode = ErrorCode.REQUEST_TIMED_OUT;
        }
      }
      return respond(results);
    },
    errorResponse(request, errorCode, rc) {
      return { throttleTimeMs: 0, responses: wanted(request, rc.apiVersion).map((t) => ({ name: t.name, topicId: t.topicId, errorCode, errorMessage: null })) };
    },
  };
}
