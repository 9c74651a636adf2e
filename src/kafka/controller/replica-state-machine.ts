// Kafka's ZkReplicaStateMachine: the state of each (partition, broker) replica and the requests and ISR changes that
// go with each transition.
import { NO_LEADER } from '../zk/zk-data.js';
import type { ReplicaRef } from './context.js';
import { tpString, type MachineEnv } from './machine-env.js';
import { isValidReplicaTransition, type ReplicaStateName } from './states.js';

const replicaString = (r: ReplicaRef): string => `[Topic=${r.topic},Partition=${r.partition},Replica=${r.broker}]`;

export class ReplicaStateMachine {
  constructor(private readonly env: MachineEnv) {}

  handleStateChanges(replicas: readonly ReplicaRef[], target: ReplicaStateName): void {
    const { ctx, log } = this.env;
    const valid = replicas.filter((r) => {
      const from = ctx.replicaState(r);
      if (isValidReplicaTransition(from, target)) return true;
      log('error', `Controller failed to change state of replica ${replicaString(r)} from ${from} to ${target}: invalid transition`);
      return false;
    });
    switch (target) {
      case 'NewReplica':
        for (const r of valid) this.toNew(r);
        return;
      case 'OnlineReplica':
        for (const r of valid) this.toOnline(r);
        return;
      case 'OfflineReplica':
        this.toOffline(valid);
        return;
      case 'ReplicaDeletionStarted':
        for (const r of valid) {
          this.env.batch.addStopReplica([r.broker], r, true);
          ctx.setReplicaState(r, target);
        }
        return;
      case 'ReplicaDeletionSuccessful':
      case 'ReplicaDeletionIneligible':
        for (const r of valid) ctx.setReplicaState(r, target);
        return;
      case 'NonExistentReplica':
        for (const r of valid) {
          const a = ctx.assignment(r.topic, r.partition);
          if (a) a.replicas = a.replicas.filter((b) => b !== r.broker);
          ctx.setReplicaState(r, target);
        }
        return;
    }
  }

  private toNew(r: ReplicaRef): void {
    const { ctx, batch, log } = this.env;
    const leadership = ctx.getLeadership(r);
    if (leadership) {
      if (leadership.state.leader === r.broker) {
        log('error', `Controller failed to change state of replica ${replicaString(r)} to NewReplica: the replica is the leader of ${tpString(r)}`);
        return;
      }
      batch.addLeaderAndIsr([r.broker], r, true);
    }
    ctx.setReplicaState(r, 'NewReplica');
  }

  private toOnline(r: ReplicaRef): void {
    const { ctx, batch } = this.env;
    if (ctx.replicaState(r) === 'NewReplica') {
      const a = ctx.assignment(r.topic, r.partition);
      if (a && !a.replicas.includes(r.broker)) a.replicas = [...a.replicas, r.broker];
    } else if (ctx.getLeadership(r)) {
      batch.addLeaderAndIsr([r.broker], r, false);
    }
    ctx.setReplicaState(r, 'OnlineReplica');
  }

  /**
   * StopReplica(delete=false) to each replica, then remove it from the ISR with a leader epoch bump (the last ISR
   * member stays; a removed leader leaves leader −1), and tell the partition's other replicas.
   */
  private toOffline(replicas: readonly ReplicaRef[]): void {
    const { ctx, batch } = this.env;
    for (const r of replicas) batch.addStopReplica([r.broker], r, false);
    for (const r of replicas) {
      const leadership = ctx.getLeadership(r);
      if (leadership) {
        const s = leadership.state;
        if (s.isr.includes(r.broker)) {
          const isr = s.isr.length === 1 ? s.isr : s.isr.filter((b) => b !== r.broker);
          const leader = s.leader === r.broker ? NO_LEADER : s.leader;
          this.env.updateLeadership(r, { leader, leaderEpoch: s.leaderEpoch + 1, isr, controllerEpoch: ctx.epoch });
        }
        if (!ctx.isTopicQueuedForDeletion(r.topic)) {
          batch.addLeaderAndIsr(ctx.replicas(r).filter((b) => b !== r.broker), r, false);
        }
      } else {
        batch.addUpdateMetadata(ctx.liveOrShuttingDownBrokerIds(), [r]);
      }
      ctx.setReplicaState(r, 'OfflineReplica');
    }
  }
}
