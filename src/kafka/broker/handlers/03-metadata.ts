// Metadata (key 3), versions 0-11: Kafka 2.8.2's range. v12 (trunk: null topic names in the response, topic ids
// answered by name) is not advertised.
// v0: an empty topic list means all topics; v1+: null means all topics and an empty list none (librdkafka asks for
// brokers only that way). v4+ carries allowAutoTopicCreation (v0-3 always allow it): with an auto-creation given,
// an unknown topic is handed to it (admin/auto-create.ts: LEADER_NOT_AVAILABLE once created), else it is
// UNKNOWN_TOPIC_OR_PARTITION. v10/v11 name topics only: a topic given by id (or with a null
// name) is answered INVALID_REQUEST, as Kafka 2.8 refuses such requests. Authorized operations (v8+) stay at
// Kafka's "not requested" value: there is no authorizer.
// Per partition, as KafkaApis asks the metadata cache: a leader that is alive but has no endpoint on the listener the
// request came in on is no leader (LISTENER_NOT_FOUND from v6, LEADER_NOT_AVAILABLE before); v0 lists only replicas
// reachable on that listener and says REPLICA_NOT_AVAILABLE when some are not.
import { ApiKey, ErrorCode } from '../../protocol/index.js';
import type {
  MetadataRequest,
  MetadataResponse,
  MetadataResponseMetadataResponsePartition as ResponsePartition,
  MetadataResponseMetadataResponseTopic as ResponseTopic,
} from '../../protocol/schemas/metadata.js';
import { ZERO_UUID, type BrokerMetadata, type MetadataPartition, type MetadataTopic } from '../broker-metadata.js';
import type { ApiHandler, RequestContext } from '../handler.js';
import type { TopicAutoCreation } from '../../admin/auto-create.js';

/** How the request's listener and version shape a partition (KafkaApis: errorUnavailableEndpoints/Listeners). */
interface View {
  reachable: ReadonlySet<number>;
  apiVersion: number;
}

function describePartition(p: MetadataPartition, view: View): ResponsePartition {
  const filter = (ids: readonly number[]) => (view.apiVersion === 0 ? ids.filter((id) => view.reachable.has(id)) : [...ids]);
  const replicaNodes = filter(p.replicas);
  const isrNodes = filter(p.isr);
  let errorCode = p.errorCode;
  let leaderId = p.leaderId;
  if (leaderId >= 0 && !view.reachable.has(leaderId)) {
    errorCode = view.apiVersion >= 6 ? ErrorCode.LISTENER_NOT_FOUND : ErrorCode.LEADER_NOT_AVAILABLE;
    leaderId = -1;
  } else if (errorCode === ErrorCode.NONE && (replicaNodes.length < p.replicas.length || isrNodes.length < p.isr.length)) {
    errorCode = ErrorCode.REPLICA_NOT_AVAILABLE;
  }
  return {
    errorCode,
    partitionIndex: p.partition,
    leaderId,
    leaderEpoch: p.leaderEpoch,
    replicaNodes,
    isrNodes,
    offlineReplicas: [...p.offlineReplicas],
  };
}

function describeTopic(topic: MetadataTopic, view: View): ResponseTopic {
  return {
    errorCode: ErrorCode.NONE,
    name: topic.name,
    topicId: topic.topicId,
    isInternal: topic.isInternal,
    partitions: topic.partitions.map((p) => describePartition(p, view)),
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
      const view: View = { reachable: new Set(metadata.aliveBrokers(ctx.listenerName).map((b) => b.id)), apiVersion: ctx.apiVersion };
      if (isAllTopics(request, ctx.apiVersion)) return answer(ctx, [...metadata.allTopics()].map((t) => describeTopic(t, view)));
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
        if (topic) topics.push(describeTopic(topic, view));
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
