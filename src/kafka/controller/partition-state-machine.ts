// Kafka's ZkPartitionStateMachine: moves partitions between NonExistent, New, Online and Offline, creating the
// initial leader/ISR of new partitions and running an election strategy for Online→Online and Offline→Online.
import { NO_LEADER, type PartitionState } from '../zk/zk-data.js';
import type { PartitionRef } from './context.js';
import {
  controlledShutdownPartitionLeader,
  offlinePartitionLeader,
  preferredReplicaLeader,
  reassignPartitionLeader,
  type ElectionOutcome,
} from './election.js';
import { tpString, type MachineEnv } from './machine-env.js';
import { isValidPartitionTransition, type PartitionStateName } from './states.js';

export type ElectionStrategy =
  | { kind: 'offline'; allowUnclean: boolean }
  | { kind: 'reassign' }
  | { kind: 'preferred' }
  | { kind: 'controlledShutdown' };

export interface ElectionResults {
  elected: PartitionRef[];
  /** Partitions that got no leader, with the reason. */
  failed: { partition: PartitionRef; reason: string }[];
}

export class PartitionStateMachine {
  constructor(private readonly env: MachineEnv) {}

  /** Partitions in an invalid previous state are reported and skipped. */
  handleStateChanges(partitions: readonly PartitionRef[], target: PartitionStateName, strategy?: ElectionStrategy): ElectionResults {
    const { ctx, log } = this.env;
    const results: ElectionResults = { elected: [], failed: [] };
    const valid = partitions.filter((p) => {
      const from = ctx.partitionState(p);
      if (isValidPartitionTransition(from, target)) return true;
      log('error', `Controller failed to change state for partition ${tpString(p)} from ${from} to ${target}: invalid transition`);
      return false;
    });
    switch (target) {
      case 'NewPartition':
      case 'OfflinePartition':
      case 'NonExistentPartition':
        for (const p of valid) ctx.setPartitionState(p, target);
        return results;
      case 'OnlinePartition': {
        const fresh = valid.filter((p) => ctx.partitionState(p) === 'NewPartition');
        const existing = valid.filter((p) => ctx.partitionState(p) !== 'NewPartition');
        for (const p of fresh) {
          if (this.initializeLeaderAndIsr(p)) results.elected.push(p);
          else results.failed.push({ partition: p, reason: 'no live replica' });
        }
        if (existing.length > 0) {
          const r = this.electLeaders(existing, strategy ?? { kind: 'offline', allowUnclean: false });
          results.elected.push(...r.elected);
          results.failed.push(...r.failed);
        }
        return results;
      }
    }
  }

  /** New partition: first live replica leads, all live replicas form the ISR, leader epoch 0. */
  private initializeLeaderAndIsr(p: PartitionRef): boolean {
    const { ctx, batch, log } = this.env;
    const replicas = ctx.replicas(p);
    const live = replicas.filter(ctx.isLive);
    if (live.length === 0) {
      log('error', `Controller failed to change state for partition ${tpString(p)} from NewPartition to OnlinePartition: No replica for the partition is alive. Live brokers are: [${ctx.liveOrShuttingDownBrokerIds().filter(ctx.isLive).join(',')}], Assigned replicas are: [${replicas.join(',')}]`);
      return false;
    }
    const state: PartitionState = { leader: live[0]!, leaderEpoch: 0, isr: live, controllerEpoch: ctx.epoch };
    this.env.createLeadership(p, state);
    batch.addLeaderAndIsr(live, p, true);
    ctx.setPartitionState(p, 'OnlinePartition');
    return true;
  }

  private electLeaders(partitions: readonly PartitionRef[], strategy: ElectionStrategy): ElectionResults {
    const { ctx, batch, log } = this.env;
    const results: ElectionResults = { elected: [], failed: [] };
    for (const p of partitions) {
      const leadership = ctx.getLeadership(p);
      if (!leadership) {
        results.failed.push({ partition: p, reason: 'no leadership information' });
        continue;
      }
      if (leadership.state.controllerEpoch > ctx.epoch) {
        // Another controller wrote this state: this one is a zombie. The controller treats this as ControllerMoved.
        throw new ControllerEpochBehindError(p, leadership.state.controllerEpoch, ctx.epoch);
      }
      const outcome = this.runStrategy(p, leadership.state, strategy);
      if (outcome === null) {
        results.failed.push({ partition: p, reason: `no eligible leader for ${strategy.kind} election` });
        log('error', `Controller failed to elect leader for partition ${tpString(p)} (${strategy.kind} election): no eligible replica among [${ctx.replicas(p).join(',')}] with ISR [${leadership.state.isr.join(',')}]`);
        continue;
      }
      this.env.updateLeadership(p, { leader: outcome.leader, leaderEpoch: leadership.state.leaderEpoch + 1, isr: outcome.isr, controllerEpoch: ctx.epoch });
      batch.addLeaderAndIsr(outcome.recipients, p, false);
      ctx.setPartitionState(p, 'OnlinePartition');
      results.elected.push(p);
    }
    return results;
  }

  private runStrategy(p: PartitionRef, state: PartitionState, strategy: ElectionStrategy): ElectionOutcome | null {
    const { ctx } = this.env;
    const replicas = ctx.replicas(p);
    switch (strategy.kind) {
      case 'offline':
        return offlinePartitionLeader(replicas, state.isr, ctx.isLive, strategy.allowUnclean || this.env.uncleanLeaderElectionEnabled(p.topic));
      case 'reassign':
        return reassignPartitionLeader(replicas, state.isr, ctx.isLive);
      case 'preferred':
        return preferredReplicaLeader(replicas, state.isr, ctx.isLive);
      case 'controlledShutdown':
        return controlledShutdownPartitionLeader(replicas, state.isr, ctx.isLiveOrShuttingDown, ctx.isShuttingDown);
    }
  }

  /** New and Offline partitions of topics not being deleted → Online, by offline election. */
  triggerOnlinePartitionStateChange(): ElectionResults {
    const { ctx } = this.env;
    const candidates = ctx
      .allPartitions()
      .filter((p) => !ctx.isTopicQueuedForDeletion(p.topic))
      .filter((p) => {
        const s = ctx.partitionState(p);
        return s === 'NewPartition' || s === 'OfflinePartition';
      });
    return this.handleStateChanges(candidates, 'OnlinePartition', { kind: 'offline', allowUnclean: false });
  }

  /** Leaderless partitions (leader −1 or not live) that are not being deleted. */
  partitionsWithOfflineLeader(): PartitionRef[] {
    const { ctx } = this.env;
    return ctx.allPartitions().filter((p) => {
      if (ctx.isTopicQueuedForDeletion(p.topic)) return false;
      const l = ctx.getLeadership(p);
      return l !== undefined && (l.state.leader === NO_LEADER || !ctx.isLive(l.state.leader));
    });
  }
}

export class ControllerEpochBehindError extends Error {
  override readonly name = 'ControllerEpochBehindError';
  constructor(p: PartitionRef, stored: number, ours: number) {
    super(`Aborted leader election for partition ${tpString(p)} since the LeaderAndIsr path was already written by another controller. This probably means that the current controller went through a soft failure and another controller was elected with epoch ${stored}, ours is ${ours}.`);
  }
}
