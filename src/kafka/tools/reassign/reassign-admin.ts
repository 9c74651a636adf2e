// kafka-reassign-partitions --bootstrap-server (Kafka 2.8's admin-client mode): every action through the brokers'
// admin API — ListPartitionReassignments, AlterPartitionReassignments, Metadata, DescribeCluster and
// IncrementalAlterConfigs for the throttles.
import { KafkaAdmin } from '../../client/admin/kafka-admin.js';
import { ConfigResourceType, type ConfigOp } from '../../client/admin/admin-requests.js';
import { UnknownTopicOrPartitionError } from '../../client/errors/index.js';
import { adminOptions } from '../admin-client-config.js';
import { javaToString } from '../java-errors.js';
import { ReassignCommandError, TerseReassignmentFailure, compareTopicPartitions, tpName, type PartitionTarget, type ParsedReassignment } from './reassign-json.js';
import {
  CANNOT_EXECUTE_BECAUSE_OF_EXISTING,
  YOU_MUST_RUN_VERIFY_PERIODICALLY,
  clearingBrokerThrottlesText,
  clearingTopicThrottlesText,
  currentAssignmentText,
  interBrokerThrottleText,
  ongoingReassignmentsText,
  reassignmentStatesText,
  startedText,
  type PartitionReassignmentState,
} from './reassign-report.js';
import {
  BROKER_FOLLOWER_THROTTLE,
  BROKER_LEADER_THROTTLE,
  BROKER_LOG_DIR_THROTTLE,
  BROKER_THROTTLES,
  TOPIC_FOLLOWER_THROTTLE,
  TOPIC_LEADER_THROTTLE,
  TOPIC_THROTTLES,
  followerThrottles,
  leaderThrottles,
  plural,
  proposedMoveMap,
  reassigningBrokers,
  scalaSetOrder,
  scalaStringSetOrder,
  type MoveMap,
} from './reassign-throttles.js';
import { brokerMetadataFor, calculateAssignment, checkTopicsToMove } from './reassign-generate.js';
import { formatReassignmentJson } from './reassign-json.js';
import { executeMoves, findLogDirMoveStates, moveDone, replicaMoves, replicaMoveStatesText } from './reassign-log-dirs.js';

type Say = (line: string) => void;

interface Ongoing {
  topic: string;
  partition: number;
  replicas: number[];
  addingReplicas: number[];
  removingReplicas: number[];
}

export class AdminReassignService {
  constructor(readonly admin: KafkaAdmin) {}

  static open(bootstrapServer: string, commandConfig: string | undefined): AdminReassignService {
    return new AdminReassignService(new KafkaAdmin({ ...adminOptions(bootstrapServer, commandConfig), clientId: 'reassign-partitions-tool' }));
  }

  close(): Promise<void> {
    return this.admin.close();
  }

  private async ongoing(partitions?: readonly { topic: string; partition: number }[]): Promise<Map<string, Ongoing>> {
    const listed = await this.admin.listPartitionReassignments(partitions);
    const out = new Map<string, Ongoing>();
    for (const [key, r] of listed) {
      const dash = key.lastIndexOf('-');
      out.set(key, { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)), ...r });
    }
    return out;
  }

  /** describeTopics: each topic's partitions with their replicas; a missing topic is the error Kafka's tool raises. */
  private async replicaAssignment(topics: readonly string[]): Promise<Map<string, PartitionTarget>> {
    const out = new Map<string, PartitionTarget>();
    for (const topic of new Set(topics)) {
      let described;
      try {
        [described] = await this.admin.describeTopics([topic]);
      } catch (err) {
        if (err instanceof UnknownTopicOrPartitionError) {
          throw new ReassignCommandError(`org.apache.kafka.common.errors.UnknownTopicOrPartitionException: Topic ${topic} not found.`, 'java.util.concurrent.ExecutionException');
        }
        throw err;
      }
      for (const p of described!.partitions) out.set(`${topic}-${p.partition}`, { topic, partition: p.partition, replicas: [...p.replicas] });
    }
    return out;
  }

  async generate(topics: readonly string[], brokerList: readonly number[], rackAware: boolean, say: Say): Promise<void> {
    checkTopicsToMove(topics);
    const current = [...(await this.replicaAssignment(topics)).values()];
    const cluster = await this.admin.describeCluster();
    const brokers = brokerMetadataFor(cluster.brokers.map((b) => ({ id: b.nodeId, rack: b.rack })), brokerList, rackAware);
    const proposed = calculateAssignment(current, brokers);
    say(`Current partition replica assignment\n${formatReassignmentJson(current)}\n`);
    say(`Proposed partition reassignment configuration\n${formatReassignmentJson(proposed)}`);
  }

  async execute(parsed: ParsedReassignment, opts: { additional: boolean; throttle: number; logDirThrottle: number; timeoutMs?: number }, say: Say): Promise<void> {
    const proposed = parsed.partitions;
    const ongoing = await this.ongoing();
    if (!opts.additional && ongoing.size > 0) throw new TerseReassignmentFailure(CANNOT_EXECUTE_BECAUSE_OF_EXISTING);
    const nodeIds = new Set((await this.admin.describeCluster()).brokers.map((b) => b.nodeId));
    for (const id of new Set(proposed.flatMap((p) => p.replicas))) {
      if (!nodeIds.has(id)) throw new ReassignCommandError(`Unknown broker id ${id}`);
    }
    const wanted = new Set(proposed.map(tpName));
    const current = new Map([...(await this.replicaAssignment(proposed.map((p) => p.topic)))].filter(([key]) => wanted.has(key)));
    say(currentAssignmentText(proposed, current));
    if (opts.throttle >= 0 || opts.logDirThrottle >= 0) {
      say(YOU_MUST_RUN_VERIFY_PERIODICALLY);
      if (opts.throttle >= 0) {
        const moves = proposedMoveMap(ongoing, proposed, new Map([...current].map(([k, p]) => [k, p.replicas])));
        await this.setTopicThrottles(moves);
        await this.setBrokerThrottles(reassigningBrokers(moves), [BROKER_LEADER_THROTTLE, BROKER_FOLLOWER_THROTTLE], opts.throttle);
        say(interBrokerThrottleText(opts.throttle));
      }
      if (opts.logDirThrottle >= 0) {
        const moving = [...new Set([...parsed.logDirs.keys()].map((k) => Number(k.slice(k.lastIndexOf('-') + 1))))];
        await this.setBrokerThrottles(moving, [BROKER_LOG_DIR_THROTTLE], opts.logDirThrottle);
        say(`The replica-alter-dir throttle limit was set to ${opts.logDirThrottle} B/s`);
      }
    }
    const results = await this.admin.alterPartitionReassignments(proposed.map((p) => ({ topic: p.topic, partition: p.partition, replicas: p.replicas })));
    const errors = [...results].filter(([, e]) => e !== null);
    if (errors.length > 0) {
      throw new TerseReassignmentFailure(`Error reassigning partition(s):\n${sortedErrors(errors).join('\n')}`);
    }
    say(startedText(proposed));
    if (parsed.logDirs.size > 0) await executeMoves(this.admin.cluster, replicaMoves(parsed.logDirs), opts.timeoutMs ?? 10_000, say);
  }

  async verify(parsed: ParsedReassignment, preserveThrottles: boolean, say: Say): Promise<void> {
    const targets = parsed.partitions;
    const ongoing = await this.ongoing();
    const states: PartitionReassignmentState[] = [];
    const described = new Map<string, Map<number, number[]> | null>();
    for (const t of targets) {
      const o = ongoing.get(tpName(t));
      if (o) {
        states.push({ ...t, currentReplicas: o.replicas, targetReplicas: t.replicas, done: false });
        continue;
      }
      if (!described.has(t.topic)) {
        try {
          const [d] = await this.admin.describeTopics([t.topic]);
          described.set(t.topic, new Map(d!.partitions.map((p) => [p.partition, p.replicas])));
        } catch (err) {
          if (!(err instanceof UnknownTopicOrPartitionError)) throw err;
          described.set(t.topic, null);
        }
      }
      states.push({ ...t, currentReplicas: described.get(t.topic)?.get(t.partition) ?? [], targetReplicas: t.replicas, done: true });
    }
    say(reassignmentStatesText(states));
    const moveStates = await findLogDirMoveStates(this.admin.cluster, replicaMoves(parsed.logDirs));
    say(replicaMoveStatesText(moveStates));
    const movesOngoing = [...moveStates.values()].some((m) => !moveDone(m));
    if (ongoing.size === 0 && !movesOngoing && !preserveThrottles) await this.clearAllThrottles(targets, say);
  }

  async cancel(parsed: ParsedReassignment, preserveThrottles: boolean, say: Say, timeoutMs = 10_000): Promise<void> {
    const targets = parsed.partitions;
    const ongoing = await this.ongoing(targets);
    const active = [...ongoing.values()].filter((r) => r.addingReplicas.length > 0 || r.removingReplicas.length > 0).sort(compareTopicPartitions);
    if (active.length > 0) {
      const results = await this.admin.alterPartitionReassignments(active.map((r) => ({ topic: r.topic, partition: r.partition, replicas: null })));
      const errors = [...results].filter(([, e]) => e !== null);
      if (errors.length > 0) throw new TerseReassignmentFailure(`Error cancelling partition reassignment${plural(errors.length)} for:\n${sortedErrors(errors).join('\n')}`);
      say(`Successfully cancelled partition reassignment${plural(active.length)} for: ${active.map(tpName).join(',')}`);
    } else {
      say('None of the specified partition reassignments are active.');
    }
    // Moves under way go back to the dir the replica is in now.
    const moving = [...(await findLogDirMoveStates(this.admin.cluster, replicaMoves(parsed.logDirs)))].flatMap(([m, state]) =>
      state.kind === 'active' ? [{ ...m, dir: state.currentLogDir }] : [],
    );
    if (moving.length === 0) say('None of the specified partition moves are active.');
    else await executeMoves(this.admin.cluster, moving, timeoutMs, say);
    if (!preserveThrottles) await this.clearAllThrottles(targets, say);
  }

  async list(say: Say): Promise<void> {
    say(ongoingReassignmentsText([...(await this.ongoing()).values()]));
  }

  /** clearAllThrottles: the rates on every live broker and every target broker, the replica lists on the topics. */
  private async clearAllThrottles(targets: readonly PartitionTarget[], say: Say): Promise<void> {
    const live = (await this.admin.describeCluster()).brokers.map((b) => b.nodeId);
    const brokers = scalaSetOrder([...live, ...targets.flatMap((t) => t.replicas)]);
    say(clearingBrokerThrottlesText(brokers));
    for (const id of brokers) {
      await this.admin.incrementalAlterConfigs({ type: ConfigResourceType.BROKER, name: String(id) }, BROKER_THROTTLES.map((name): ConfigOp => ({ name, op: 'DELETE', value: null })));
    }
    const topics = scalaStringSetOrder(targets.map((t) => t.topic));
    say(clearingTopicThrottlesText(topics));
    for (const topic of topics) {
      await this.admin.incrementalAlterConfigs({ type: ConfigResourceType.TOPIC, name: topic }, TOPIC_THROTTLES.map((name): ConfigOp => ({ name, op: 'DELETE', value: null })));
    }
  }

  private async setTopicThrottles(moves: MoveMap): Promise<void> {
    const leader = leaderThrottles(moves);
    const follower = followerThrottles(moves);
    for (const topic of new Set([...leader.keys(), ...follower.keys()])) {
      const ops: ConfigOp[] = [];
      if (leader.has(topic)) ops.push({ name: TOPIC_LEADER_THROTTLE, op: 'SET', value: leader.get(topic)! });
      if (follower.has(topic)) ops.push({ name: TOPIC_FOLLOWER_THROTTLE, op: 'SET', value: follower.get(topic)! });
      await this.admin.incrementalAlterConfigs({ type: ConfigResourceType.TOPIC, name: topic }, ops);
    }
  }

  private async setBrokerThrottles(brokers: readonly number[], names: readonly string[], rate: number): Promise<void> {
    for (const id of brokers) {
      await this.admin.incrementalAlterConfigs({ type: ConfigResourceType.BROKER, name: String(id) }, names.map((name): ConfigOp => ({ name, op: 'SET', value: String(rate) })));
    }
  }
}

/** `t-p: message` per failed partition, in partition order. */
function sortedErrors(errors: readonly [string, Error | null][]): string[] {
  const parsed = errors.map(([key, err]) => {
    const dash = key.lastIndexOf('-');
    return { topic: key.slice(0, dash), partition: Number(key.slice(dash + 1)), err: err! };
  });
  return parsed.sort(compareTopicPartitions).map((e) => `${tpName(e)}: ${'serverMessage' in e.err ? String(e.err.serverMessage) : javaToString(e.err)}`);
}
