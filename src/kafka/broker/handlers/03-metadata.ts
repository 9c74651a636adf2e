// Metadata (key 3), versions 0-11: Kafka 2.8.2's range. v12 (trunk: null topic names in the response, topic ids
// answered by name) is not advertised.
// v0: an empty topic list means all topics; v1+: null means all topics and an empty list none (librdkafka asks for
// brokers only that way). v4+ carries allowAutoTopicCreation (v0-3 always allow it): with an auto-creation given,
// an unknown topic is handed to it (admin/auto-create.ts: LEADER_NOT_AVAILABLE once created), else it is
// UNKNOWN_TOPIC_OR_PARTITION. v10/v11 name topics only: a topic given by id (or with a null
// name) is answered INVALID_REQUEST, as Kafka 2.8 refuses such requests. Authorized operations (v8+) stay at
// Kafka's "not requested" value: there is no authorizer.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseMetadataResponseTopic as ResponseTopic,
} from '../../protocol/schemas/metadata.js';
import { ZERO_UUID, type BrokerMetadata, type MetadataTopic } from '../broker-metadata.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { TopicAutoCreation } from '../../admin/auto-create.js';

function describeTopic(topic: MetadataTopic): ResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.isInternal,
    partitions: topic.partitions.map((p) => ({
      errorCode: p.errorCode,
      partitionIndex: p.partition,
      leaderId: p.leaderId,
      leaderEpoch: p.leaderEpoch,
      replicaNodes: [...p.replicas],
      isrNodes: [...p.isr],
      offlineReplicas: [...p.offlineReplicas],
    })),
  };
}

function topicError(name: string | null, errorCode: number, isInternal = false): ResponseTopic {
  return { errorCode, name: name ?? '', topicId: ZERO_UUID, isInternal, partitions: [] };
}

function isAllTopics(request: MetadataRequest, version: number): boolean {
  return request.topics === null || (version === 0 && request.topics.length === 0);
}

export function metadataHandler(metadata: BrokerMetadata, autoCreation?: TopicAutoCreation): ApiHandler<typeof ApiKey.Metadata> {
  const answer = (ctx: RequestContext, topics: ResponseTopic[]): MetadataResponse => ({
    throttleTimeMs: 0,
    brokers: metadata.aliveBrokers(ctx.listenerName).map((b) => ({ nodeId: b.id, host: b.host, port: b.port, rack: b.rack })),
    clusterId: metadata.clusterId(),
    controllerId: metadata.controllerId(),
    topics,
  });
  return {
    apiKey: ApiKey.Metadata,
    minVersion: 0,
    maxVersion: 11,
    async handle(request, ctx) {
      if (isAllTopics(request, ctx.apiVersion)) return answer(ctx, [...metadata.allTopics()].map(describeTopic));
      const topics: ResponseTopic[] = [];
      const seen = new Set<string>();
      for (const wanted of request.topics ?? []) {
        if (wanted.name === null || (wanted.topicId !== undefined && wanted.topicId !== ZERO_UUID)) {
          topics.push(topicError(wanted.name, ErrorCode.INVALID_REQUEST));
          continue;
        }
        if (seen.has(wanted.name)) continue;
        seen.add(wanted.name);
        const topic = metadata.topic(wanted.name);
        if (topic) topics.push(describeTopic(topic));
        else if (autoCreation === undefined) topics.push(topicError(wanted.name, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION));
        else {
          const allowed = ctx.apiVersion < 4 || request.allowAutoTopicCreation !== false;
          const outcome = await autoCreation.unknownTopic(wanted.name, allowed);
          topics.push(topicError(wanted.name, outcome.errorCode, outcome.isInternal));
        }
      }
      return answer(ctx, topics);
    },
    errorResponse(request, errorCode, ctx) {
      return answer(ctx, (request.topics ?? []).map((t) => topicError(t.name, errorCode)));
    },
  };
}
