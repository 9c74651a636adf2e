// kafka-reassign-partitions --zookeeper (Kafka 2.8's deprecated mode, --generate, --execute and --verify only):
// reads the assignments from /brokers/topics/<t>, asks for the move by creating /admin/reassign_partitions (which the
// controller acts on and empties partition by partition), and sets or clears throttles in /config/{topics,brokers}.
import { connectZooKeeper, NoNodeError, NodeExistsError } from '../../../zookeeper/client/index.js';
import { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import { ZkPaths, decodeConfigEntity, decodeReassignPartitions, encodeReassignPartitions } from '../../zk/zk-data.js';
import { AdminZk } from '../../admin/admin-zk.js';
import { DEFAULT_BROKER_VALUES } from '../topics/topic-command-input.js';
import { UncaughtToolError } from '../kafka-tool-common.js';
import { ReassignCommandError, TerseReassignmentFailure, formatReassignmentJson, tpName, type PartitionTarget, type ParsedReassignment } from './reassign-json.js';
import {
  CANNOT_EXECUTE_BECAUSE_OF_EXISTING,
  YOU_MUST_RUN_VERIFY_PERIODICALLY,
  clearingBrokerThrottlesText,
  clearingTopicThrottlesText,
  currentAssignmentText,
  interBrokerThrottleText,
  reassignmentStatesText,
  startedText,
} from './reassign-report.js';
import {
  BROKER_FOLLOWER_THROTTLE,
  BROKER_LEADER_THROTTLE,
  BROKER_THROTTLES,
  TOPIC_FOLLOWER_THROTTLE,
  TOPIC_LEADER_THROTTLE,
  TOPIC_THROTTLES,
  followerThrottles,
  leaderThrottles,
  proposedMoveMap,
  reassigningBrokers,
  scalaSetOrder,
  scalaStringSetOrder,
} from './reassign-throttles.js';
import { brokerMetadataFor, calculateAssignment, checkTopicsToMove } from './reassign-generate.js';

type Say = (line: string) => void;

/** KafkaZkClient(zkConnect, ..., 30000, 30000, ...): the tool's session and connection timeouts. */
const ZK_TIMEOUT_MS = 30_000;

export class ZkReassignService {
  private readonly admin: AdminZk;

  private constructor(private readonly kafkaZk: KafkaZkClient) {
    this.admin = new AdminZk({ zk: kafkaZk, brokerValues: DEFAULT_BROKER_VALUES, numPartitions: 1, defaultReplicationFactor: 1, usesTopicId: false });
  }

  static async open(connect: string): Promise<ZkReassignService> {
    let zk;
    try {
      zk = await connectZooKeeper(connect, { sessionTimeoutMs: ZK_TIMEOUT_MS, waitForConnectedMs: ZK_TIMEOUT_MS });
    } catch {
      throw new UncaughtToolError('kafka.zookeeper.ZooKeeperClientTimeoutException', 'Timed out waiting for connection while in state: CONNECTING');
    }
    return new ZkReassignService(new KafkaZkClient(zk));
  }

  close(): Promise<void> {
    return this.kafkaZk.zk.close();
  }

  /** getReplicaAssignmentForTopics: topics that do not exist are left out. */
  private async replicaAssignment(topics: Iterable<string>): Promise<Map<string, PartitionTarget>> {
    const out = new Map<string, PartitionTarget>();
    for (const topic of new Set(topics)) {
      const t = await this.kafkaZk.getTopicAssignment(topic);
      if (!t) continue;
      for (const [partition, a] of t.partitions) out.set(`${topic}-${partition}`, { topic, partition, replicas: [...a.replicas] });
    }
    return out;
  }

  private async reassignmentInProgress(): Promise<Map<string, PartitionTarget> | null> {
    try {
      const { data } = await this.kafkaZk.zk.getData(ZkPaths.reassignPartitions);
      return new Map(decodeReassignPartitions(data ?? Buffer.alloc(0)).map((p) => [tpName(p), p]));
    } catch (err) {
      if (err instanceof NoNodeError) return null;
      throw err;
    }
  }

  async generate(topics: readonly string[], brokerList: readonly number[], rackAware: boolean, say: Say): Promise<void> {
    checkTopicsToMove(topics);
    const current = [...(await this.replicaAssignment(topics)).values()];
    const registered = (await this.kafkaZk.getAllBrokers()).map((b) => ({ id: b.registration.id, rack: b.registration.rack }));
    const proposed = calculateAssignment(current, brokerMetadataFor(registered, brokerList, rackAware));
    say(`Current partition replica assignment\n${formatReassignmentJson(current)}\n`);
    say(`Proposed partition reassignment configuration\n${formatReassignmentJson(proposed)}`);
  }

  async execute(parsed: ParsedReassignment, throttle: number, say: Say): Promise<void> {
    if (parsed.logDirs.size > 0) throw new ReassignCommandError('bootstrap-server needs to be provided when replica reassignments are present.');
    const proposed = parsed.partitions;
    const existing = await this.replicaAssignment(proposed.map((p) => p.topic));
    const missing = proposed.filter((p) => !existing.has(tpName(p)));
    if (missing.length > 0) throw new ReassignCommandError(`The proposed assignment contains non-existent partitions: List(${missing.map(tpName).join(', ')})`);
    const brokerIds = await this.kafkaZk.getBrokerIds();
    const unknown = scalaSetOrder(proposed.flatMap((p) => p.replicas).filter((b) => !brokerIds.includes(b)));
    if (unknown.length > 0) throw new ReassignCommandError(`The proposed assignment contains non-existent brokerIDs: ${unknown.join(',')}`);
    if ((await this.kafkaZk.zk.exists(ZkPaths.reassignPartitions)) !== null) throw new TerseReassignmentFailure(CANNOT_EXECUTE_BECAUSE_OF_EXISTING);
    say(currentAssignmentText(proposed, existing));
    if (throttle >= 0) {
      say(YOU_MUST_RUN_VERIFY_PERIODICALLY);
      const moves = proposedMoveMap(new Map(), proposed, new Map([...existing].map(([k, p]) => [k, p.replicas])));
      const leader = leaderThrottles(moves);
      const follower = followerThrottles(moves);
      for (const topic of new Set([...leader.keys(), ...follower.keys()])) {
        const configs = await this.admin.topicOverrides(topic);
        if (leader.has(topic)) configs[TOPIC_LEADER_THROTTLE] = leader.get(topic)!;
        if (follower.has(topic)) configs[TOPIC_FOLLOWER_THROTTLE] = follower.get(topic)!;
        await this.admin.changeTopicConfig(topic, configs);
      }
      for (const id of reassigningBrokers(moves)) {
        const configs = await this.brokerConfig(id);
        configs[BROKER_LEADER_THROTTLE] = String(throttle);
        configs[BROKER_FOLLOWER_THROTTLE] = String(throttle);
        await this.admin.changeEntityConfig('brokers', String(id), configs);
      }
      say(interBrokerThrottleText(throttle));
    }
    try {
      await this.kafkaZk.zk.create(ZkPaths.reassignPartitions, encodeReassignPartitions(proposed));
    } catch (err) {
      if (err instanceof NodeExistsError) throw new ReassignCommandError('Partition reassignment currently in progress for Map(). Aborting operation', 'kafka.zk.ReassignPartitionsInProgressException');
      throw err;
    }
    say(startedText(proposed));
  }

  async verify(parsed: ParsedReassignment, preserveThrottles: boolean, say: Say): Promise<void> {
    if (parsed.logDirs.size > 0) throw new ReassignCommandError('bootstrap-server needs to be provided when replica reassignments are present.');
    say('Warning: because you are using the deprecated --zookeeper option, the results may be incomplete.  Use --bootstrap-server instead for more accurate results.');
    const inProgress = (await this.reassignmentInProgress()) ?? new Map<string, PartitionTarget>();
    const current = await this.replicaAssignment(parsed.partitions.map((p) => p.topic));
    const states = parsed.partitions.map((t) => ({ ...t, currentReplicas: current.get(tpName(t))?.replicas ?? [], targetReplicas: t.replicas, done: !inProgress.has(tpName(t)) }));
    say(reassignmentStatesText(states));
    if (inProgress.size === 0 && !preserveThrottles) await this.clearAllThrottles(parsed.partitions, say);
  }

  private async brokerConfig(id: number): Promise<Record<string, string>> {
    try {
      const path = ZkPaths.configEntity('brokers', String(id));
      return decodeConfigEntity((await this.kafkaZk.zk.getData(path)).data ?? Buffer.alloc(0), path);
    } catch (err) {
      if (err instanceof NoNodeError) return {};
      throw err;
    }
  }

  /** clearAllThrottles: removes the keys where they are set (and rewrites only those entities). */
  private async clearAllThrottles(targets: readonly PartitionTarget[], say: Say): Promise<void> {
    const brokers = scalaSetOrder([...(await this.kafkaZk.getAllBrokers()).map((b) => b.registration.id), ...targets.flatMap((t) => t.replicas)]);
    say(clearingBrokerThrottlesText(brokers));
    for (const id of brokers) {
      const configs = await this.brokerConfig(id);
      if (!BROKER_THROTTLES.some((k) => k in configs)) continue;
      for (const k of BROKER_THROTTLES) delete configs[k];
      await this.admin.changeEntityConfig('brokers', String(id), configs);
    }
    const topics = scalaStringSetOrder(targets.map((t) => t.topic));
    say(clearingTopicThrottlesText(topics));
    for (const topic of topics) {
      const configs = await this.admin.topicOverrides(topic);
      if (!TOPIC_THROTTLES.some((k) => k in configs)) continue;
      for (const k of TOPIC_THROTTLES) delete configs[k];
      await this.admin.changeTopicConfig(topic, configs);
    }
  }
}
