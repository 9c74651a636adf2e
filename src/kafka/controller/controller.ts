// The ZooKeeper-mode Kafka controller as a pure state machine: `handle(event)` returns the effects (fenced ZooKeeper
// writes, requests to brokers, replies) in the order they must be carried out. No clocks, timers, sockets or
// randomness inside: topic ids come from the injected `randomBytes`.
//
// Wiring (the broker's job): one FIFO queue of ControllerEvents. Run the election with
// KafkaZkClient.registerControllerAndIncrementControllerEpoch; on success load a snapshot and enqueue
// BecomeController, and arm the watches listed in events.ts. For each event: effects = controller.handle(event);
// failed = await kafkaZk.applyControllerEffects(effects); if failed, handle(failed) (the controller resigns, and a
// `resigned` effect with deleteControllerZnode asks for KafkaZkClient.deleteController); otherwise hand
// sendRequest effects to the broker channels and reply effects to the waiting API handlers. Responses to
// StopReplica(delete) come back as TopicDeletionStopReplicaResponse events.
import { ControllerContext, partitionKey, type PartitionRef, type ReplicaRef } from './context.js';
import type { Effect, Reply } from './effects.js';
import type { ClusterSnapshot, ControllerEvent, RegisteredBroker, TopicSnapshot } from './events.js';
import { MachineEnv, type ControllerLog } from './machine-env.js';
import { ControllerEpochBehindError, PartitionStateMachine } from './partition-state-machine.js';
import { ReplicaStateMachine } from './replica-state-machine.js';
import { RequestBatch } from './request-batch.js';
import { TopicDeletionManager } from './topic-deletion.js';
import { randomUuidBase64 } from '../zk/uuid.js';
import { Errors } from './error-codes.js';
import { handleReassignments, handleZkReassignment, isReassigning, maybeCompleteReassignment, onPartitionReassignment } from './reassignment.js';
import { handleAlterIsr, handleControlledShutdown, handlePreferredElection, handleUncleanElection, imbalancedPartitions } from './request-handlers.js';


export interface ControllerConfig {
  brokerId: number;
  /** delete.topic.enable (default true). */
  deleteTopicEnable?: boolean;
  /** unclean.leader.election.enable for a topic (its override, else the broker default false). */
  uncleanLeaderElectionEnabled?: (topic: string) => boolean;
  /** inter.broker.listener.name: the endpoint put in LeaderAndIsr liveLeaders. */
  interBrokerListener?: string;
  /** leader.imbalance.per.broker.percentage (default 10). */
  leaderImbalancePerBrokerPercentage?: number;
  /** Source of randomness for topic ids. */
  randomBytes: (n: number) => Uint8Array;
  log?: ControllerLog;
}

/** Handles one event at a time; the caller feeds events from one queue and applies the returned effects in order. */
export class KafkaController {
  readonly ctx = new ControllerContext();
  private active = false;
  private readonly cfg: Required<ControllerConfig>;

  constructor(config: ControllerConfig) {
    this.cfg = {
      deleteTopicEnable: true,
      uncleanLeaderElectionEnabled: () => false,
      interBrokerListener: 'PLAINTEXT',
      leaderImbalancePerBrokerPercentage: 10,
      log: () => {},
      ...config,
    };
  }

  get isActive(): boolean {
    return this.active;
  }

  handle(event: ControllerEvent): Effect[] {
    const effects: Effect[] = [];
    if (event.type === 'BecomeController') {
      this.active = true;
      this.ctx.clear();
      this.ctx.epoch = event.controllerEpoch;
      this.ctx.epochZkVersion = event.epochZkVersion;
    } else if (!this.active) {
      const reply = notControllerReply(event);
      if (reply) effects.push(reply);
      return effects;
    }
    const env = new MachineEnv(this.ctx, new RequestBatch(this.ctx, this.cfg.brokerId, this.cfg.interBrokerListener), effects, this.cfg.log, this.cfg.uncleanLeaderElectionEnabled);
    const partitions = new PartitionStateMachine(env);
    const replicas = new ReplicaStateMachine(env);
    const deletion = new TopicDeletionManager(env, partitions, replicas, this.cfg.deleteTopicEnable);
    const m: Machines = { env, partitions, replicas, deletion };
    try {
      this.dispatch(event, m);
    } catch (err) {
      if (!(err instanceof ControllerEpochBehindError)) throw err;
      this.cfg.log('error', err.message);
      const resigned = this.resign(false);
      const reply = notControllerReply(event);
      return reply ? [...resigned, reply] : resigned;
    }
    if (event.type === 'Resign' || event.type === 'ZkWriteFailed') return effects;
    effects.push(...env.batch.flush());
    // Replies go last so that the state they report has been written first.
    effects.sort((a, b) => Number(a.type === 'reply') - Number(b.type === 'reply'));
    return effects;
  }

  private dispatch(event: ControllerEvent, m: Machines): void {
    switch (event.type) {
      case 'BecomeController':
        return this.onFailover(event.snapshot, m);
      case 'Resign':
        m.env.effects.push(...this.resign(false));
        return;
      case 'ZkWriteFailed':
        this.cfg.log('error', `ZooKeeper write failed (${event.reason}): ${event.message}`);
        m.env.effects.push(...this.resign(event.reason !== 'controllerMoved'));
        return;
      case 'BrokerChange':
        return this.onBrokerChange(event.brokers, m);
      case 'BrokerModification': {
        const known = this.ctx.liveBrokers.get(event.broker.registration.id);
        if (!known || known.epoch !== event.broker.epoch) return;
        this.ctx.liveBrokers.set(event.broker.registration.id, event.broker);
        m.env.batch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), []);
        return;
      }
      case 'TopicChange':
        return this.onTopicChange(event.topics, event.assignments, m);
      case 'PartitionModifications':
        return this.onPartitionModifications(event.topic, m);
      case 'TopicDeletion':
        return m.deletion.enqueueTopics(event.topics);
      case 'TopicDeletionStopReplicaResponse': {
        const ok: ReplicaRef[] = [];
        const failed: ReplicaRef[] = [];
        for (const p of event.partitions) {
          const r = { topic: p.topic, partition: p.partition, broker: event.brokerId };
          if (!this.ctx.isTopicQueuedForDeletion(p.topic) || this.ctx.replicaState(r) !== 'ReplicaDeletionStarted') continue;
          (p.errorCode === 0 ? ok : failed).push(r);
        }
        if (failed.length > 0) m.deletion.failReplicaDeletion(failed);
        if (ok.length > 0) m.deletion.completeReplicaDeletion(ok);
        return;
      }
      case 'IsrChangeNotification': {
        const changed: PartitionRef[] = [];
        for (const s of event.partitions) {
          if (!this.ctx.assignment(s.topic, s.partition)) continue;
          this.ctx.leadership.set(partitionKey(s.topic, s.partition), { state: s.state, zkVersion: s.zkVersion });
          changed.push({ topic: s.topic, partition: s.partition });
        }
        m.env.batch.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), changed);
        for (const p of changed) maybeCompleteReassignment(m, p);
        if (event.sequenceNumbers.length > 0) m.env.zkWrite({ kind: 'deleteIsrChangeNotifications', sequenceNumbers: [...event.sequenceNumbers] });
        return;
      }
      case 'AlterIsr': {
        this.reply(m, event.requestId, handleAlterIsr(m.env, event));
        for (const t of event.topics) for (const p of t.partitions) maybeCompleteReassignment(m, { topic: t.name, partition: p.partitionIndex });
        return;
      }
      case 'PartitionReassignment':
        return this.reply(m, event.requestId, handleReassignments(m, event.reassignments));
      case 'ZkPartitionReassignment':
        return handleZkReassignment(m, event.reassignments);
      case 'UncleanReplicaElection':
        return this.reply(m, event.requestId, handleUncleanElection(m, event.partitions));
      case 'ControlledShutdown':
        return this.reply(m, event.requestId, handleControlledShutdown(m, event));
      case 'PreferredReplicaElection': {
        const reply = handlePreferredElection(m, event.partitions);
        if (event.source === 'zk') m.env.zkWrite({ kind: 'deletePreferredReplicaElection' });
        if (event.requestId !== undefined) this.reply(m, event.requestId, reply);
        return;
      }
      case 'UncleanLeaderElectionEnable': {
        // The injected uncleanLeaderElectionEnabled already answers with the new setting.
        const offline = this.ctx
          .allPartitions()
          .filter((p) => (event.topic === null || p.topic === event.topic) && !this.ctx.isTopicQueuedForDeletion(p.topic) && this.ctx.partitionState(p) === 'OfflinePartition');
        m.partitions.handleStateChanges(offline, 'OnlinePartition', { kind: 'offline', allowUnclean: false });
        return;
      }
      case 'AutoPreferredReplicaLeaderElection': {
        const candidates = imbalancedPartitions(this.ctx, this.cfg.leaderImbalancePerBrokerPercentage);
        if (candidates.length > 0) m.partitions.handleStateChanges(candidates, 'OnlinePartition', { kind: 'preferred' });
        return;
      }
    }
  }

  private reply(m: Machines, requestId: number, reply: Reply): void {
    m.env.effects.push({ type: 'reply', requestId, reply });
  }

  private resign(deleteControllerZnode: boolean): Effect[] {
    const effects: Effect[] = [...this.ctx.liveBrokers.keys()].map((brokerId) => ({ type: 'removeBrokerChannel' as const, brokerId }));
    this.active = false;
    this.ctx.clear();
    effects.push({ type: 'resigned', deleteControllerZnode });
    return effects;
  }

  // -------------------------------------------------------------------------------------------------------------

  private onFailover(snapshot: ClusterSnapshot, m: Machines): void {
    const { ctx } = this;
    for (const b of snapshot.brokers) {
      ctx.liveBrokers.set(b.registration.id, b);
      m.env.effects.push({ type: 'addBrokerChannel', brokerId: b.registration.id });
    }
    for (const t of snapshot.topics) this.addTopic(t, m);
    for (const s of snapshot.partitionStates) {
      if (!ctx.assignment(s.topic, s.partition)) continue;
      if (s.state.controllerEpoch > ctx.epoch) throw new ControllerEpochBehindError(s, s.state.controllerEpoch, ctx.epoch);
      ctx.leadership.set(partitionKey(s.topic, s.partition), { state: s.state, zkVersion: s.zkVersion });
    }
    if (snapshot.isrChangeSequenceNumbers.length > 0) {
      m.env.zkWrite({ kind: 'deleteIsrChangeNotifications', sequenceNumbers: [...snapshot.isrChangeSequenceNumbers] });
    }
    // Brokers must know each other's endpoints before any LeaderAndIsr names a leader.
    m.env.effects.push(...this.updateMetadataNow(ctx.liveOrShuttingDownBrokerIds()));
    for (const p of ctx.allPartitions()) {
      const l = ctx.getLeadership(p);
      ctx.setPartitionState(p, !l ? 'NewPartition' : ctx.isLive(l.state.leader) ? 'OnlinePartition' : 'OfflinePartition');
      for (const broker of ctx.replicas(p)) {
        ctx.setReplicaState({ ...p, broker }, ctx.isLive(broker) ? 'OnlineReplica' : 'ReplicaDeletionIneligible');
      }
    }
    const all = ctx.allPartitions().flatMap((p) => ctx.replicas(p).map((broker) => ({ ...p, broker })));
    m.replicas.handleStateChanges(all.filter((r) => ctx.isLive(r.broker)), 'OnlineReplica');
    m.replicas.handleStateChanges(all.filter((r) => !ctx.isLive(r.broker)), 'OfflineReplica');
    m.partitions.triggerOnlinePartitionStateChange();
    // Reassignments survive in the topic znodes (adding/removing replicas): resume them.
    const deleting = new Set(snapshot.topicsToDelete);
    for (const p of ctx.allPartitions()) if (isReassigning(m, p) && !deleting.has(p.topic)) onPartitionReassignment(m, p);
    m.deletion.enqueueTopics(snapshot.topicsToDelete);
    if (snapshot.pendingPreferredElection) {
      handlePreferredElection(m, snapshot.pendingPreferredElection);
      m.env.zkWrite({ kind: 'deletePreferredReplicaElection' });
    }
  }

  /** An UpdateMetadata with the broker list and no partitions, emitted ahead of the event's other requests. */
  private updateMetadataNow(brokers: number[]): Effect[] {
    const batch = new RequestBatch(this.ctx, this.cfg.brokerId, this.cfg.interBrokerListener);
    batch.addUpdateMetadata(brokers, []);
    return batch.flush();
  }

  private addTopic(t: TopicSnapshot, m: Machines): void {
    let topicId = t.topicId;
    const partitions = new Map([...t.partitions].map(([p, a]) => [p, { replicas: [...a.replicas], addingReplicas: [...a.addingReplicas], removingReplicas: [...a.removingReplicas] }]));
    // Kafka 2.8 (IBP >= 2.8) gives topics created by older tools an id on first sight.
    const needsId = topicId === null;
    if (topicId === null) topicId = randomUuidBase64(this.cfg.randomBytes(16));
    this.ctx.topicIds.set(t.topic, topicId);
    this.ctx.assignments.set(t.topic, partitions);
    if (needsId) m.env.writeTopicAssignment(t.topic);
  }

  private onBrokerChange(current: readonly RegisteredBroker[], m: Machines): void {
    const { ctx } = this;
    const currentById = new Map(current.map((b) => [b.registration.id, b]));
    const dead = new Set([...ctx.liveBrokers.keys()].filter((id) => !currentById.has(id)));
    const bounced = new Set(current.filter((b) => ctx.liveBrokers.has(b.registration.id) && ctx.liveBrokers.get(b.registration.id)!.epoch !== b.epoch).map((b) => b.registration.id));
    const added = new Set(current.filter((b) => !ctx.liveBrokers.has(b.registration.id)).map((b) => b.registration.id));
    if (dead.size + bounced.size + added.size === 0) return;
    for (const id of [...dead, ...bounced]) {
      ctx.liveBrokers.delete(id);
      ctx.shuttingDownBrokerIds.delete(id);
      m.env.effects.push({ type: 'removeBrokerChannel', brokerId: id });
    }
    if (dead.size + bounced.size > 0) this.onBrokerFailure(new Set([...dead, ...bounced]), m);
    const starting = new Set([...added, ...bounced]);
    for (const id of [...starting].sort((a, b) => a - b)) {
      ctx.liveBrokers.set(id, currentById.get(id)!);
      m.env.effects.push({ type: 'addBrokerChannel', brokerId: id });
    }
    if (starting.size > 0) this.onBrokerStartup(starting, m);
  }

  private onBrokerFailure(deadBrokers: ReadonlySet<number>, m: Machines): void {
    const { ctx } = this;
    const offlineReplicas = ctx.replicasOnBrokers(deadBrokers);
    const forDeletion = offlineReplicas.filter((r) => ctx.isTopicQueuedForDeletion(r.topic));
    const notForDeletion = offlineReplicas.filter((r) => !ctx.isTopicQueuedForDeletion(r.topic));
    const offlineLeaders = m.partitions.partitionsWithOfflineLeader();
    m.partitions.handleStateChanges(offlineLeaders, 'OfflinePartition');
    m.partitions.triggerOnlinePartitionStateChange();
    m.replicas.handleStateChanges(notForDeletion, 'OfflineReplica');
    if (forDeletion.length > 0) m.deletion.failReplicaDeletion(forDeletion);
    if (offlineLeaders.length === 0) m.env.batch.addUpdateMetadata(ctx.liveOrShuttingDownBrokerIds(), []);
  }

  private onBrokerStartup(newBrokers: ReadonlySet<number>, m: Machines): void {
    const { ctx } = this;
    const existing = ctx.liveOrShuttingDownBrokerIds().filter((id) => !newBrokers.has(id));
    m.env.effects.push(...this.updateMetadataNow(existing));
    // New brokers get every partition's state.
    const newIds = [...newBrokers].sort((a, b) => a - b);
    const full = new RequestBatch(ctx, this.cfg.brokerId, this.cfg.interBrokerListener);
    full.addUpdateMetadata(newIds, ctx.allPartitions());
    m.env.effects.push(...full.flush());
    const replicas = ctx.replicasOnBrokers(newBrokers).filter((r) => !ctx.isTopicQueuedForDeletion(r.topic));
    m.replicas.handleStateChanges(replicas, 'OnlineReplica');
    m.partitions.triggerOnlinePartitionStateChange();
    for (const p of ctx.allPartitions()) {
      if (isReassigning(m, p) && ctx.assignment(p.topic, p.partition)!.addingReplicas.some((b) => newBrokers.has(b))) onPartitionReassignment(m, p);
    }
    m.deletion.retryDeletionForBrokers(newBrokers);
  }

  private onTopicChange(topics: readonly string[], assignments: readonly TopicSnapshot[], m: Machines): void {
    const { ctx } = this;
    const current = new Set(topics);
    for (const known of [...ctx.assignments.keys()]) {
      // Deleted behind the controller's back (not through /admin/delete_topics): forget it.
      if (!current.has(known) && !ctx.isTopicQueuedForDeletion(known)) ctx.removeTopic(known);
    }
    const byName = new Map(assignments.map((a) => [a.topic, a]));
    const created: PartitionRef[] = [];
    for (const topic of [...current].sort()) {
      if (ctx.assignments.has(topic)) continue;
      const snapshot = byName.get(topic);
      if (!snapshot) {
        this.cfg.log('warn', `TopicChange lists ${topic} without its assignment; skipped`);
        continue;
      }
      this.addTopic(snapshot, m);
      created.push(...ctx.partitionsOfTopic(topic));
    }
    if (created.length > 0) this.onNewPartitionCreation(created, m);
  }

  private onPartitionModifications(t: TopicSnapshot, m: Machines): void {
    const { ctx } = this;
    const existing = ctx.assignments.get(t.topic);
    if (!existing) return;
    const added = [...t.partitions].filter(([p]) => !existing.has(p));
    if (added.length === 0) return;
    if (ctx.isTopicQueuedForDeletion(t.topic)) {
      // Partitions added to a topic being deleted are reverted.
      m.env.writeTopicAssignment(t.topic);
      return;
    }
    for (const [p, a] of added) existing.set(p, { replicas: [...a.replicas], addingReplicas: [...a.addingReplicas], removingReplicas: [...a.removingReplicas] });
    this.onNewPartitionCreation(added.map(([partition]) => ({ topic: t.topic, partition })), m);
  }

  private onNewPartitionCreation(partitions: PartitionRef[], m: Machines): void {
    const replicas = partitions.flatMap((p) => this.ctx.replicas(p).map((broker) => ({ ...p, broker })));
    m.partitions.handleStateChanges(partitions, 'NewPartition');
    m.replicas.handleStateChanges(replicas, 'NewReplica');
    m.partitions.handleStateChanges(partitions, 'OnlinePartition', { kind: 'offline', allowUnclean: false });
    m.replicas.handleStateChanges(replicas, 'OnlineReplica');
  }
}

export interface Machines {
  env: MachineEnv;
  partitions: PartitionStateMachine;
  replicas: ReplicaStateMachine;
  deletion: TopicDeletionManager;
}

function notControllerReply(event: ControllerEvent): Effect | null {
  const err = Errors.NOT_CONTROLLER;
  switch (event.type) {
    case 'AlterIsr':
      return { type: 'reply', requestId: event.requestId, reply: { api: 'AlterIsr', errorCode: err, topics: [] } };
    case 'ControlledShutdown':
      return { type: 'reply', requestId: event.requestId, reply: { api: 'ControlledShutdown', errorCode: err, remainingPartitions: [] } };
    case 'PreferredReplicaElection':
      return event.requestId === undefined ? null : { type: 'reply', requestId: event.requestId, reply: { api: 'ElectLeaders', errorCode: err, replicaElectionResults: [] } };
    case 'UncleanReplicaElection':
      return { type: 'reply', requestId: event.requestId, reply: { api: 'ElectLeaders', errorCode: err, replicaElectionResults: [] } };
    default:
      return null;
  }
}
