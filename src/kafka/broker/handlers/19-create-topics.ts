// CreateTopics (key 19), versions 0-7: Kafka 2.8.2's range. Served by the active controller only (NOT_CONTROLLER
// elsewhere). Topics named twice get INVALID_REQUEST; the rest are validated and written as ZkAdminManager does,
// then the answer waits (up to timeout_ms) until every new partition has a leader, else REQUEST_TIMED_OUT.
// v1+ carries error messages, v4+ lets a client leave the partition count and replication factor to the broker (-1;
// older clients always send both), v5+ answers with the partition count, replication factor and configs of each
// created topic (reset to -1/-1/[] on failure), v7 the topic id.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  CreateTopicsResponse,
  CreateTopicsResponseCreatableTopicResult as TopicResult,
} from '../../protocol/schemas/create-topics.js';
import { adminErrorOf, type CreatedTopic } from '../../admin/admin-zk.js';
import { brokerConfigLayers, type AdminContext } from '../../admin/admin-context.js';
import { describeTopicConfigs } from '../../admin/config-describer.js';
import { partitionsHaveLeaders, waitForMetadata } from '../../admin/metadata-wait.js';
import { ZERO_UUID } from '../broker-metadata.js';
import type { ApiHandler } from '../handler.js';

const emptyResult = (name: string, errorCode: number, errorMessage: string | null = null): TopicResult => ({
  name,
  topicId: ZERO_UUID,
  errorCode,
  errorMessage,
  topicConfigErrorCode: ErrorCode.NONE,
  numPartitions: -1,
  replicationFactor: -1,
  configs: [],
});

export function createTopicsHandler(ctx: AdminContext): ApiHandler<typeof ApiKey.CreateTopics> {
  return {
    apiKey: ApiKey.CreateTopics,
    minVersion: 0,
    maxVersion: 7,
    async handle(request, rc): Promise<CreateTopicsResponse> {
      const response = (topics: TopicResult[]): CreateTopicsResponse => ({ throttleTimeMs: 0, topics });
      if (!ctx.isActiveController()) return response(request.topics.map((t) => emptyResult(t.name, ErrorCode.NOT_CONTROLLER)));
      const counts = new Map<string, number>();
      for (const t of request.topics) counts.set(t.name, (counts.get(t.name) ?? 0) + 1);
      const validateOnly = request.validateOnly ?? false;
      const created = new Map<string, CreatedTopic>();
      const results: TopicResult[] = [];
      for (const t of request.topics) {
        if (counts.get(t.name)! > 1) {
          results.push(emptyResult(t.name, ErrorCode.INVALID_REQUEST, 'Found multiple entries for this topic.'));
          continue;
        }
        try {
          const topic = await ctx.admin.create(
            {
              name: t.name,
              numPartitions: t.numPartitions,
              replicationFactor: t.replicationFactor,
              assignments: new Map(t.assignments.map((a) => [a.partitionIndex, a.brokerIds])),
              configs: Object.fromEntries(t.configs.map((c) => [c.name, c.value as string])),
            },
            validateOnly,
          );
          created.set(t.name, topic);
          results.push({ ...emptyResult(t.name, ErrorCode.NONE), topicId: topic.topicId, numPartitions: topic.numPartitions, replicationFactor: topic.replicationFactor });
        } catch (err) {
          const e = adminErrorOf(err);
          results.push(emptyResult(t.name, e.errorCode, e.errorMessage));
        }
      }
      if (rc.apiVersion >= 5 && created.size > 0) {
        const layers = await brokerConfigLayers(ctx);
        for (const r of results) {
          const topic = created.get(r.name);
          if (topic === undefined) continue;
          r.configs = describeTopicConfigs(topic.configs, layers).map((c) => ({
            name: c.name,
            value: c.value,
            readOnly: c.readOnly,
            configSource: c.source,
            isSensitive: c.isSensitive,
          }));
        }
      }
      if (!validateOnly && created.size > 0 && request.timeoutMs > 0) {
        const allLed = () => [...created.values()].every((t) => partitionsHaveLeaders(ctx.metadata, t.name, t.numPartitions));
        await waitForMetadata(ctx.updates, allLed, request.timeoutMs);
        for (const r of results) {
          const topic = created.get(r.name);
          if (topic !== undefined && !partitionsHaveLeaders(ctx.metadata, topic.name, topic.numPartitions)) {
            Object.assign(r, emptyResult(r.name, ErrorCode.REQUEST_TIMED_OUT), { topicId: r.topicId });
          }
        }
      }
      return response(results);
    },
    errorResponse(request, errorCode) {
      return { throttleTimeMs: 0, topics: request.topics.map((t) => emptyResult(t.name, errorCode)) };
    },
  };
}
