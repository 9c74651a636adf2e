// What the partition and replica state machines share while the controller handles one event: the context, the
// request batch, and the list of effects (ZooKeeper writes, in order) the event produces.
import type { PartitionState } from '../zk/zk-data.js';
import type { ControllerContext, PartitionRef } from './context.js';
import { partitionKey } from './context.js';
import type { Effect, ZkWrite } from './effects.js';
import type { RequestBatch } from './request-batch.js';

export interface ControllerLog {
  /** Invalid state transitions and failed elections, as Kafka's state-change log reports them. */
  (level: 'info' | 'warn' | 'error', message: string): void;
}

export class MachineEnv {
  constructor(
    readonly ctx: ControllerContext,
    readonly batch: RequestBatch,
    readonly effects: Effect[],
    readonly log: ControllerLog,
    /** unclean.leader.election.enable in effect for a topic (topic override, else broker default). */
    readonly uncleanLeaderElectionEnabled: (topic: string) => boolean,
  ) {}

  zkWrite(write: ZkWrite): void {
    this.effects.push({ type: 'zkWrite', controllerEpochZkVersion: this.ctx.epochZkVersion, write });
  }

  /** Rewrites /brokers/topics/<t> from the context (a deep copy: effects never alias the controller's state). */
  writeTopicAssignment(topic: string): void {
    const parts = this.ctx.assignments.get(topic);
    if (!parts) return;
    const partitions = new Map([...parts].map(([p, a]) => [p, { replicas: [...a.replicas], addingReplicas: [...a.addingReplicas], removingReplicas: [...a.removingReplicas] }]));
    this.zkWrite({ kind: 'setTopicAssignment', topic, topicId: this.ctx.topicIds.get(topic) ?? null, partitions });
  }

  /** Creates the state znode (zkVersion 0) and records the leadership. */
  createLeadership(p: PartitionRef, state: PartitionState): void {
    this.zkWrite({ kind: 'createPartitionState', topic: p.topic, partition: p.partition, state });
    this.ctx.leadership.set(partitionKey(p.topic, p.partition), { state, zkVersion: 0 });
  }

  /** Conditional write against the cached zkVersion; the cache then holds what ZooKeeper will hold. */
  updateLeadership(p: PartitionRef, state: PartitionState): void {
    const current = this.ctx.getLeadership(p);
    if (!current) throw new Error(`no leadership cached for ${p.topic}-${p.partition}`);
    this.zkWrite({ kind: 'updatePartitionState', topic: p.topic, partition: p.partition, state, expectedZkVersion: current.zkVersion });
    this.ctx.leadership.set(partitionKey(p.topic, p.partition), { state, zkVersion: current.zkVersion + 1 });
  }
}

export const tpString = (p: PartitionRef): string => `${p.topic}-${p.partition}`;
