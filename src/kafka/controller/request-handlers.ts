// Requests brokers send to the controller: AlterIsr (API 56), ControlledShutdown (API 7) and preferred leader
// elections (ElectLeaders / the admin znode), plus the auto-rebalance imbalance check.
import { NO_LEADER, type TopicPartition } from '../zk/zk-data.js';
import type { ControllerContext, PartitionRef } from './context.js';
import type { Machines } from './controller.js';
import type { AlterIsrPartitionResult, AlterIsrResponse, ControlledShutdownResponse, ElectLeadersResponse } from './effects.js';
import { Errors } from './error-codes.js';
import type { ControllerEvent } from './events.js';
import type { MachineEnv } from './machine-env.js';

type AlterIsrEvent = Extract<ControllerEvent, { type: 'AlterIsr' }>;
type ControlledShutdownEvent = Extract<ControllerEvent, { type: 'ControlledShutdown' }>;

/**
 * The leader's ISR change: the sender's broker epoch must equal the cached one; a request with an older leader
 * epoch is fenced; an unchanged ISR returns the current state; the write is conditional on the request's
 * currentIsrVersion (a mismatch is INVALID_UPDATE_VERSION). The leader epoch is not bumped and no LeaderAndIsr
 * is sent; all brokers get UpdateMetadata. Beyond Kafka 2.8, an ISR that drops the leader or names a broker
 * outside the replica set is refused with INVALID_REQUEST rather than written.
 */
export function handleAlterIsr(env: MachineEnv, event: AlterIsrEvent): AlterIsrResponse {
  const { ctx, batch } = env;
  const cached = ctx.liveBrokers.get(event.brokerId);
  if (!cached || cached.epoch !== event.brokerEpoch) return { api: 'AlterIsr', errorCode: Errors.STALE_BROKER_EPOCH, topics: [] };
  const changed: PartitionRef[] = [];
  const topics = event.topics.map((t) => ({
    name: t.name,
    partitions: t.partitions.map((req): AlterIsrPartitionResult => {
      const p = { topic: t.name, partition: req.partitionIndex };
      const l = ctx.getLeadership(p);
      const fail = (errorCode: number): AlterIsrPartitionResult => ({ partitionIndex: req.partitionIndex, errorCode, leaderId: -1, leaderEpoch: -1, isr: [], currentIsrVersion: -1 });
      const current = (): AlterIsrPartitionResult => {
        const now = ctx.getLeadership(p)!;
        return { partitionIndex: req.partitionIndex, errorCode: Errors.NONE, leaderId: now.state.leader, leaderEpoch: now.state.leaderEpoch, isr: [...now.state.isr], currentIsrVersion: now.zkVersion };
      };
      if (!l) return fail(Errors.UNKNOWN_TOPIC_OR_PARTITION);
      if (req.leaderEpoch < l.state.leaderEpoch) return fail(Errors.FENCED_LEADER_EPOCH);
      if (l.state.leader === event.brokerId && req.leaderEpoch === l.state.leaderEpoch && sameMembers(req.newIsr, l.state.isr)) return current();
      if (req.leaderEpoch > l.state.leaderEpoch || l.state.leader !== event.brokerId) return fail(Errors.FENCED_LEADER_EPOCH);
      if (req.currentIsrVersion !== l.zkVersion) return fail(Errors.INVALID_UPDATE_VERSION);
      const replicas = ctx.replicas(p);
      const distinct = new Set(req.newIsr).size === req.newIsr.length;
      if (!distinct || !req.newIsr.includes(event.brokerId) || req.newIsr.some((b) => !replicas.includes(b))) return fail(Errors.INVALID_REQUEST);
      // A broker whose registration is gone is not added (Kafka 3.3's check, KIP-841; 2.8 takes it): the leader may
      // propose it from a fetch made just before it left, and once its removal from the ISR has been written, nothing
      // would take it out of an idle partition's ISR again.
      if (req.newIsr.some((b) => !l.state.isr.includes(b) && !ctx.liveBrokers.has(b))) return fail(Errors.INELIGIBLE_REPLICA);
      env.updateLeadership(p, { ...l.state, isr: [...req.newIsr] });
      changed.push(p);
      return current();
    }),
  }));
  if (changed.length > 0) batch.addUpdateMetadata(ctx.liveOrShuttingDownBrokerIds(), changed);
  return { api: 'AlterIsr', errorCode: Errors.NONE, topics };
}

const sameMembers = (a: readonly number[], b: readonly number[]): boolean => a.length === b.length && a.every((x) => b.includes(x));

/**
 * Marks the broker as shutting down, moves leadership off it for partitions with more than one replica, takes its
 * follower replicas offline, and answers with the partitions it still leads.
 */
export function handleControlledShutdown(m: Machines, event: ControlledShutdownEvent): ControlledShutdownResponse {
  const { ctx, batch } = m.env;
  const cached = ctx.liveBrokers.get(event.brokerId);
  if (!cached) return { api: 'ControlledShutdown', errorCode: Errors.BROKER_NOT_AVAILABLE, remainingPartitions: [] };
  if (event.brokerEpoch !== -1n && event.brokerEpoch < cached.epoch) return { api: 'ControlledShutdown', errorCode: Errors.STALE_BROKER_EPOCH, remainingPartitions: [] };
  ctx.shuttingDownBrokerIds.add(event.brokerId);
  const toActOn = ctx
    .partitionsOnBroker(event.brokerId)
    .filter((p) => ctx.replicas(p).length > 1 && ctx.getLeadership(p) !== undefined && !ctx.isTopicQueuedForDeletion(p.topic));
  const led = toActOn.filter((p) => ctx.getLeadership(p)!.state.leader === event.brokerId);
  const followed = toActOn.filter((p) => ctx.getLeadership(p)!.state.leader !== event.brokerId);
  m.partitions.handleStateChanges(led, 'OnlinePartition', { kind: 'controlledShutdown' });
  for (const p of followed) batch.addStopReplica([event.brokerId], p, false);
  m.replicas.handleStateChanges(followed.map((p) => ({ ...p, broker: event.brokerId })), 'OfflineReplica');
  const remaining = ctx
    .partitionsOnBroker(event.brokerId)
    .filter((p) => ctx.replicas(p).length > 1 && ctx.getLeadership(p)?.state.leader === event.brokerId)
    .map((p) => ({ topicName: p.topic, partitionIndex: p.partition }));
  return { api: 'ControlledShutdown', errorCode: Errors.NONE, remainingPartitions: remaining };
}

/** Preferred election: ELECTION_NOT_NEEDED when the preferred replica already leads. */
export function handlePreferredElection(m: Machines, partitions: readonly TopicPartition[]): ElectLeadersResponse {
  return electLeaders(m, partitions, 'preferred');
}

/**
 * Unclean election (ElectLeaders type 1): only partitions whose leader is gone (−1 or not live) are elected, by the
 * offline strategy with unclean election allowed; the others are ELECTION_NOT_NEEDED.
 */
export function handleUncleanElection(m: Machines, partitions: readonly TopicPartition[]): ElectLeadersResponse {
  return electLeaders(m, partitions, 'unclean');
}

/** KafkaController.processReplicaLeaderElection for the admin API and the znode. */
function electLeaders(m: Machines, partitions: readonly TopicPartition[], type: 'preferred' | 'unclean'): ElectLeadersResponse {
  const { ctx } = m.env;
  const results = new Map<string, { partitionId: number; errorCode: number; errorMessage: string | null }[]>();
  const add = (p: TopicPartition, errorCode: number, errorMessage: string | null) => {
    const list = results.get(p.topic) ?? [];
    list.push({ partitionId: p.partition, errorCode, errorMessage });
    results.set(p.topic, list);
  };
  const toElect: PartitionRef[] = [];
  for (const p of partitions) {
    const l = ctx.getLeadership(p);
    if (!ctx.assignment(p.topic, p.partition) || !l) {
      add(p, Errors.UNKNOWN_TOPIC_OR_PARTITION, `The partition does not exist.`);
    } else if (ctx.isTopicQueuedForDeletion(p.topic)) {
      add(p, Errors.INVALID_TOPIC_EXCEPTION, 'The topic is being deleted');
    } else if (type === 'preferred' ? ctx.replicas(p)[0] === l.state.leader : l.state.leader !== NO_LEADER && ctx.isLive(l.state.leader)) {
      add(p, Errors.ELECTION_NOT_NEEDED, null);
    } else {
      toElect.push(p);
    }
  }
  const outcome = m.partitions.handleStateChanges(toElect, 'OnlinePartition', type === 'preferred' ? { kind: 'preferred' } : { kind: 'offline', allowUnclean: true });
  for (const p of outcome.elected) add(p, Errors.NONE, null);
  for (const f of outcome.failed) {
    const { topic, partition } = f.partition;
    if (type === 'preferred') {
      add(f.partition, Errors.PREFERRED_LEADER_NOT_AVAILABLE, `Failed to elect leader for partition ${topic}-${partition} under strategy PreferredReplicaPartitionLeaderElectionStrategy`);
    } else {
      add(f.partition, Errors.ELIGIBLE_LEADERS_NOT_AVAILABLE, `Failed to elect leader for partition ${topic}-${partition} under strategy OfflinePartitionLeaderElectionStrategy(true)`);
    }
  }
  return {
    api: 'ElectLeaders',
    errorCode: Errors.NONE,
    replicaElectionResults: [...results.keys()].sort().map((topic) => ({ topic, partitionResult: results.get(topic)!.sort((a, b) => a.partitionId - b.partitionId) })),
  };
}

/**
 * Partitions to move back to their preferred leader: for each broker whose share of preferred-but-not-led
 * partitions exceeds the threshold, those whose preferred replica is live and in the ISR (topics being deleted
 * are left alone).
 */
export function imbalancedPartitions(ctx: ControllerContext, imbalancePercentage: number): PartitionRef[] {
  const byPreferred = new Map<number, PartitionRef[]>();
  for (const p of ctx.allPartitions()) {
    if (ctx.isTopicQueuedForDeletion(p.topic)) continue;
    const preferred = ctx.replicas(p)[0];
    if (preferred === undefined) continue;
    const list = byPreferred.get(preferred) ?? [];
    list.push(p);
    byPreferred.set(preferred, list);
  }
  const out: PartitionRef[] = [];
  for (const [broker, prefers] of [...byPreferred].sort((a, b) => a[0] - b[0])) {
    const notLed = prefers.filter((p) => ctx.getLeadership(p)?.state.leader !== broker);
    if (prefers.length === 0 || (notLed.length * 100) / prefers.length <= imbalancePercentage) continue;
    out.push(...notLed.filter((p) => ctx.isLive(broker) && (ctx.getLeadership(p)?.state.isr.includes(broker) ?? false)));
  }
  return out;
}
