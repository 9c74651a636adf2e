// kafka-topics --bootstrap-server (TopicCommand.AdminClientTopicService, Kafka 2.8): everything through the admin
// API of the brokers with our client library. Create prints `Created topic <t>.`; alter and delete print nothing.
import { KafkaAdmin, type PartitionReassignment } from '../../client/admin/kafka-admin.js';
import { ConfigResourceType } from '../../client/admin/admin-requests.js';
import { ClusterAuthorizationFailedError, KafkaUnsupportedApiError, TopicAlreadyExistsError } from '../../client/errors/index.js';
import type { PartitionMetadata, TopicMetadata } from '../../client/cluster/cluster-metadata.js';
import { adminOptions } from '../admin-client-config.js';
import { ensureTopicExists, selectTopics } from './topic-filter.js';
import type { TopicsArgs } from './topics-options.js';
import type { DescribeResult, ListedTopic, TopicService } from './topic-service.js';
import type { TopicDescription } from './topic-description.js';
import { TopicCommandError, type TopicCommandInput } from './topic-command-input.js';
import { javaHashMapOrder } from '../java-hash-map-order.js';

const SHORT_MAX = 32767;

/** TopicCommand.getReplicationFactor: while a reassignment touches the partition, its replicas less those being added. */
function replicationFactorOf(p: PartitionMetadata, ra: PartitionReassignment | undefined): number {
  const changing = new Set([...(ra?.addingReplicas ?? []), ...(ra?.removingReplicas ?? [])]);
  if (ra !== undefined && p.replicas.some((r) => changing.has(r))) return ra.replicas.filter((r) => !ra.addingReplicas.includes(r)).length;
  return p.replicas.length;
}

export class AdminTopicService implements TopicService {
  private constructor(readonly admin: KafkaAdmin) {}

  static open(args: TopicsArgs): AdminTopicService {
    return new AdminTopicService(new KafkaAdmin(adminOptions(args.bootstrapServer!, args.commandConfig)));
  }

  private async topics(args: TopicsArgs): Promise<string[]> {
    return selectTopics(await this.admin.listTopics({ includeInternal: !args.excludeInternal }), args.topic, args.excludeInternal);
  }

  async create(args: TopicsArgs, input: TopicCommandInput): Promise<boolean> {
    const rf = args.replicationFactor;
    if (rf !== undefined && (rf > SHORT_MAX || rf < 1)) throw new TopicCommandError(`The replication factor must be between 1 and ${SHORT_MAX} inclusive`);
    if (args.partitions !== undefined && args.partitions < 1) throw new TopicCommandError('The partitions must be greater than 0');
    const configs = Object.fromEntries(input.configsToAdd);
    const newTopic = input.replicaAssignment
      ? { name: args.topic!, assignments: Object.fromEntries(input.replicaAssignment), configs }
      : { name: args.topic!, numPartitions: args.partitions ?? -1, replicationFactor: rf ?? -1, configs };
    try {
      await this.admin.createTopics([newTopic]);
      return true;
    } catch (err) {
      if (!(err instanceof TopicAlreadyExistsError && args.ifNotExists)) throw err;
      return false;
    }
  }

  async leadersElected(topic: string): Promise<boolean> {
    const [t] = await this.admin.describeTopics([topic]);
    return t !== undefined && t.partitions.length > 0 && t.partitions.every((p) => p.leader >= 0);
  }

  async list(args: TopicsArgs): Promise<ListedTopic[]> {
    return (await this.topics(args)).map((name) => ({ name, markedForDeletion: false }));
  }

  async alter(args: TopicsArgs, input: TopicCommandInput): Promise<void> {
    const topics = await this.topics(args);
    ensureTopicExists(topics, args.topic, !args.ifExists);
    if (topics.length === 0) return;
    const current = input.replicaAssignment ? await this.admin.describeTopics(topics) : [];
    const list = topics.map((topic) => {
      if (!input.replicaAssignment) return { topic, count: args.partitions! };
      const start = current.find((t) => t.name === topic)!.partitions.length;
      return { topic, count: args.partitions!, assignments: [...input.replicaAssignment].filter(([p]) => p >= start).map(([, r]) => r) };
    });
    await this.admin.createPartitions(list);
  }

  async describe(args: TopicsArgs): Promise<DescribeResult> {
    const topics = await this.topics(args);
    ensureTopicExists(topics, args.topic, !args.ifExists);
    if (topics.length === 0) return { topics: [], liveBrokers: new Set() };
    const configs = await Promise.all(topics.map((name) => this.admin.describeConfigs({ type: ConfigResourceType.TOPIC, name })));
    const liveBrokers = new Set((await this.admin.describeCluster()).brokers.map((b) => b.nodeId));
    const metadata = await this.admin.describeTopics(topics);
    const byName = new Map<string, TopicMetadata>(metadata.map((t) => [t.name, t]));
    const reassignments = await this.reassignments(metadata);
    // DescribeTopicsResult.all() is a java.util.HashMap: topics come out in its iteration order.
    const out: TopicDescription[] = [];
    for (const name of javaHashMapOrder(javaHashMapOrder(topics, topics.length), topics.length)) {
      const t = byName.get(name)!;
      const entries = configs[topics.indexOf(name)]!;
      const minIsrText = entries.find((e) => e.name === 'min.insync.replicas')?.value;
      const minIsr = minIsrText === undefined || minIsrText === null ? undefined : Number(minIsrText);
      const rf = (p: PartitionMetadata) => replicationFactorOf(p, reassignments.get(`${name}-${p.partition}`));
      out.push({
        name,
        topicId: t.topicId,
        partitionCount: t.partitions.length,
        replicationFactor: t.partitions[0] === undefined ? 0 : rf(t.partitions[0]),
        configs: entries.filter((e) => !e.isDefault).map((e) => [e.name, e.value ?? 'null']),
        markedForDeletion: false,
        partitions: t.partitions.map((p) => {
          const ra = reassignments.get(`${name}-${p.partition}`);
          return {
            partition: p.partition,
            leader: p.leader >= 0 ? p.leader : null,
            replicas: [...p.replicas],
            isr: [...p.isr],
            replicationFactor: rf(p),
            ...(ra === undefined ? {} : { addingReplicas: ra.addingReplicas, removingReplicas: ra.removingReplicas }),
            ...(minIsr === undefined ? {} : { minIsr }),
          };
        }),
      });
    }
    return { topics: out, liveBrokers };
  }

  /** listAllReassignments: none when the cluster cannot say (UnsupportedVersion / ClusterAuthorization). */
  private async reassignments(metadata: readonly TopicMetadata[]): Promise<Map<string, PartitionReassignment>> {
    try {
      return await this.admin.listPartitionReassignments(metadata.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partition }))));
    } catch (err) {
      if (err instanceof KafkaUnsupportedApiError || err instanceof ClusterAuthorizationFailedError) return new Map();
      throw err;
    }
  }

  async delete(args: TopicsArgs): Promise<void> {
    const topics = await this.topics(args);
    ensureTopicExists(topics, args.topic, !args.ifExists);
    await this.admin.deleteTopics(topics);
  }

  async close(): Promise<void> {
    await this.admin.close();
  }
}
