// kafka-topics --zookeeper (TopicCommand.ZookeeperTopicService, Kafka 2.8): reads and writes the cluster's znodes
// itself. Topics are created by AdminZk (AdminZkClient: validation, AdminUtils' replica assignment, /config/topics/<t>
// then /brokers/topics/<t> without a topic id, which the controller adds), deletions are /admin/delete_topics/<t>.
import { connectZooKeeper, NoNodeError } from '../../../zookeeper/client/index.js';
import { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { ZkPaths } from '../../zk/zk-data.js';
import { AdminZk } from '../../admin/admin-zk.js';
import { AdminError, isInternalTopic } from '../../admin/topic-name.js';
import { javaPropertiesOrder } from '../../admin/java-properties-order.js';
import { ErrorCode } from '../../protocol/index.js';
import { ensureTopicExists, selectTopics } from './topic-filter.js';
import { javaHashMapOrder } from '../java-hash-map-order.js';
import type { TopicsArgs } from './topics-options.js';
import type { DescribeResult, ListedTopic, TopicService } from './topic-service.js';
import type { TopicDescription } from './topic-description.js';
import { DEFAULT_BROKER_VALUES, TopicCommandError, type TopicCommandInput } from './topic-command-input.js';

/** KafkaZkClient(zkConnect, ..., 30000, 30000, ...): session and connection timeouts of the tool. */
const ZK_TIMEOUT_MS = 30_000;

export class ZkConnectTimeoutError extends Error {}

export async function connectTopicsZk(connect: string): Promise<ZkTopicService> {
  let zk;
  try {
    zk = await connectZooKeeper(connect, { sessionTimeoutMs: ZK_TIMEOUT_MS, waitForConnectedMs: ZK_TIMEOUT_MS });
  } catch {
    throw new ZkConnectTimeoutError('Timed out waiting for connection while in state: CONNECTING');
  }
  return new ZkTopicService(new KafkaZkClient(zk));
}

export class ZkTopicService implements TopicService {
  private readonly admin: AdminZk;

  constructor(private readonly kafkaZk: KafkaZkClient) {
    this.admin = new AdminZk({ zk: kafkaZk, brokerValues: DEFAULT_BROKER_VALUES, numPartitions: 1, defaultReplicationFactor: 1, usesTopicId: false });
  }

  private async topics(args: TopicsArgs): Promise<string[]> {
    return selectTopics(await this.kafkaZk.getAllTopics(), args.topic, args.excludeInternal);
  }

  private async markedForDeletion(topic: string): Promise<boolean> {
    return (await this.kafkaZk.zk.exists(ZkPaths.deleteTopic(topic))) !== null;
  }

  async create(args: TopicsArgs, input: TopicCommandInput): Promise<boolean> {
    const assignment = input.replicaAssignment;
    try {
      await this.admin.create(
        {
          name: args.topic!,
          numPartitions: assignment ? -1 : args.partitions!,
          replicationFactor: assignment ? -1 : args.replicationFactor!,
          assignments: assignment ?? new Map(),
          configs: Object.fromEntries(input.configsToAdd),
        },
        false,
        args.disableRackAware ? 'disabled' : 'enforced',
      );
      return true;
    } catch (err) {
      if (!(err instanceof AdminError && err.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS && args.ifNotExists)) throw err;
      return false;
    }
  }

  async list(args: TopicsArgs): Promise<ListedTopic[]> {
    const out: ListedTopic[] = [];
    for (const name of await this.topics(args)) out.push({ name, markedForDeletion: await this.markedForDeletion(name) });
    return out;
  }

  async alter(args: TopicsArgs, input: TopicCommandInput, say: (line: string) => void): Promise<void> {
    const topics = await this.topics(args);
    const { configsToAdd, configsToDelete, replicaAssignment: assignment } = input;
    ensureTopicExists(topics, args.topic, !args.ifExists);
    for (const topic of topics) {
      const configs = await this.admin.topicOverrides(topic);
      if (args.options.has('config') || args.options.has('delete-config')) {
        say('WARNING: Altering topic configuration from this script has been deprecated and may be removed in future releases.');
        say('         Going forward, please use kafka-configs.sh for this functionality');
        for (const [k, v] of configsToAdd) configs[k] = v;
        for (const k of configsToDelete) delete configs[k];
        await this.admin.validateTopicConfig(topic, configs);
        await this.admin.changeTopicConfig(topic, configs);
        say(`Updated config for topic ${topic}.`);
      }
      if (args.partitions !== undefined) {
        if (isInternalTopic(topic)) throw new TopicCommandError(`The number of partitions for the internal topic ${topic} cannot be changed.`);
        say('WARNING: If partitions are increased for a topic that has a key, the partition logic or ordering of the messages will be affected');
        const existing = await this.kafkaZk.getTopicAssignment(topic);
        if (existing === null || existing.partitions.size === 0) throw new TopicCommandError(`The topic ${topic} does not exist`);
        const current = existing.partitions.size;
        if (args.partitions - current <= 0) {
          throw new TopicCommandError(
            `The number of partitions for a topic can only be increased. Topic ${topic} currently has ${current} partitions, ${args.partitions} would not be an increase.`,
          );
        }
        const added = assignment === null ? null : [...assignment].filter(([p]) => p >= current).map(([, replicas]) => replicas);
        await this.admin.createPartitions(topic, args.partitions, added !== null && added.length > 0 ? added : null, false);
        say('Adding partitions succeeded!');
      }
    }
  }

  async describe(args: TopicsArgs, say: (line: string) => void): Promise<DescribeResult> {
    const topics = await this.topics(args);
    ensureTopicExists(topics, args.topic, !args.ifExists);
    const liveBrokers = new Set((await this.kafkaZk.getAllBrokers()).map((b) => b.registration.id));
    const out: TopicDescription[] = [];
    for (const topic of topics) {
      const assignment = await this.kafkaZk.getTopicAssignment(topic);
      if (assignment === null || assignment.partitions.size === 0) {
        say(`Topic ${topic} doesn't exist!`);
        continue;
      }
      // fetchEntityConfig's Properties, then TopicCommand's JConfig (a HashMap) over them: Kafka prints in that order.
      const overrides = javaPropertiesOrder(Object.entries(await this.admin.topicOverrides(topic)));
      const configs = javaHashMapOrder(Object.keys(overrides)).map((k): [string, string] => [k, overrides[k]!]);
      const partitions = [...assignment.partitions].sort((a, b) => a[0] - b[0]);
      const described: TopicDescription = {
        name: topic,
        topicId: assignment.topicId,
        partitionCount: partitions.length,
        replicationFactor: assignment.partitions.get(0)?.replicas.length ?? partitions[0]![1].replicas.length,
        configs,
        markedForDeletion: await this.markedForDeletion(topic),
        partitions: [],
      };
      for (const [partition, a] of partitions) {
        const state = await this.kafkaZk.getPartitionState(topic, partition).catch((err: unknown) => {
          if (err instanceof NoNodeError) return null;
          throw err;
        });
        const leader = state === null || state.state.leader < 0 ? null : state.state.leader;
        described.partitions.push({ partition, leader, replicas: [...a.replicas], isr: state === null ? [] : [...state.state.isr] });
      }
      out.push(described);
    }
    return { topics: out, liveBrokers };
  }

  async delete(args: TopicsArgs, say: (line: string) => void): Promise<void> {
    const topics = await this.topics(args);
    ensureTopicExists(topics, args.topic, !args.ifExists);
    for (const topic of topics) {
      if (isInternalTopic(topic)) throw new TopicCommandError(`Topic ${topic} is a kafka internal topic and is not allowed to be marked for deletion.`);
      let marked: boolean;
      try {
        marked = await this.kafkaZk.markTopicForDeletion(topic);
      } catch (err) {
        throw new TopicCommandError(`Error while deleting topic ${topic}`, { cause: err });
      }
      if (marked) {
        say(`Topic ${topic} is marked for deletion.`);
        say('Note: This will have no impact if delete.topic.enable is not set to true.');
      } else {
        say(`Topic ${topic} is already marked for deletion.`);
      }
    }
  }

  async close(): Promise<void> {
    await this.kafkaZk.zk.close();
  }
}
