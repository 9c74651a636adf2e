// Kafka's TopicDeletionManager: queued topics are deleted replica by replica (StopReplica delete=true); a topic
// with a replica on a dead broker is ineligible until the broker returns; when every replica reports success the
// topic's znodes are deleted and the controller forgets it.
import type { ReplicaRef } from './context.js';
import type { MachineEnv } from './machine-env.js';
import type { PartitionStateMachine } from './partition-state-machine.js';
import type { ReplicaStateMachine } from './replica-state-machine.js';

export class TopicDeletionManager {
  constructor(
    private readonly env: MachineEnv,
    private readonly partitions: PartitionStateMachine,
    private readonly replicas: ReplicaStateMachine,
    private readonly deleteTopicEnable: boolean,
  ) {}

  /** Children of /admin/delete_topics; unknown topics just lose their marker. */
  enqueueTopics(topics: readonly string[]): void {
    const { ctx } = this.env;
    for (const topic of topics) {
      if (!this.deleteTopicEnable || !ctx.assignments.has(topic)) {
        this.env.zkWrite({ kind: 'deleteTopicDeletionMarker', topic });
        continue;
      }
      if (ctx.topicsToBeDeleted.has(topic)) continue;
      ctx.topicsToBeDeleted.add(topic);
      // A reassignment in progress is abandoned: every replica of the full set (adding and removing ones too) is
      // deleted with the topic. (Kafka waits for the reassignment instead, which never ends if the partition has
      // no leader, since partitions of topics queued for deletion are not elected.)
      if (ctx.partitionsOfTopic(topic).some((p) => ctx.isReassigning(p))) {
        for (const p of ctx.partitionsOfTopic(topic)) {
          const a = ctx.assignment(p.topic, p.partition)!;
          a.addingReplicas = [];
          a.removingReplicas = [];
        }
        this.env.writeTopicAssignment(topic);
      }
      if (ctx.replicasOfTopic(topic).some((r) => !ctx.isLiveOrShuttingDown(r.broker))) ctx.topicsIneligibleForDeletion.add(topic);
    }
    this.resumeDeletions();
  }

  /** StopReplica(delete) answers. */
  completeReplicaDeletion(replicas: readonly ReplicaRef[]): void {
    this.replicas.handleStateChanges(replicas, 'ReplicaDeletionSuccessful');
    this.resumeDeletions();
  }

  /** Error answers or dead brokers: the topic waits for retryDeletionOfIneligibleReplicas. */
  failReplicaDeletion(replicas: readonly ReplicaRef[]): void {
    const { ctx } = this.env;
    const queued = replicas.filter((r) => ctx.isTopicQueuedForDeletion(r.topic));
    for (const r of queued) ctx.topicsIneligibleForDeletion.add(r.topic);
    this.replicas.handleStateChanges(queued, 'ReplicaDeletionIneligible');
    this.resumeDeletions();
  }

  /** A broker came back: its ineligible replicas go back to Offline and their topics may proceed. */
  retryDeletionForBrokers(brokers: ReadonlySet<number>): void {
    const { ctx } = this.env;
    const topics = new Set<string>();
    for (const topic of ctx.topicsToBeDeleted) {
      const ineligible = ctx.replicasOfTopic(topic).filter((r) => ctx.replicaState(r) === 'ReplicaDeletionIneligible');
      if (ctx.replicasOfTopic(topic).some((r) => brokers.has(r.broker))) topics.add(topic);
      if (ineligible.some((r) => brokers.has(r.broker))) this.replicas.handleStateChanges(ineligible.filter((r) => ctx.isLiveOrShuttingDown(r.broker)), 'OfflineReplica');
    }
    for (const topic of topics) {
      if (ctx.replicasOfTopic(topic).every((r) => ctx.isLiveOrShuttingDown(r.broker))) ctx.topicsIneligibleForDeletion.delete(topic);
    }
    this.resumeDeletions();
  }

  resumeDeletions(): void {
    const { ctx } = this.env;
    for (const topic of [...ctx.topicsToBeDeleted].sort()) {
      const replicas = ctx.replicasOfTopic(topic);
      if (replicas.every((r) => ctx.replicaState(r) === 'ReplicaDeletionSuccessful')) {
        this.completeDeleteTopic(topic, replicas);
        continue;
      }
      const inProgress = replicas.some((r) => ctx.replicaState(r) === 'ReplicaDeletionStarted');
      if (inProgress || ctx.topicsIneligibleForDeletion.has(topic)) continue;
      this.onTopicDeletion(topic);
    }
  }

  private onTopicDeletion(topic: string): void {
    const { ctx, batch } = this.env;
    const partitions = ctx.partitionsOfTopic(topic);
    // Brokers learn first (leader −2) that the topic is going away.
    batch.addUpdateMetadata(ctx.liveOrShuttingDownBrokerIds(), partitions);
    const notYetOffline = partitions.filter((p) => ctx.partitionState(p) !== 'NonExistentPartition');
    this.partitions.handleStateChanges(notYetOffline.filter((p) => ctx.partitionState(p) !== 'OfflinePartition'), 'OfflinePartition');
    this.partitions.handleStateChanges(notYetOffline, 'NonExistentPartition');
    const replicas = ctx.replicasOfTopic(topic).filter((r) => ctx.replicaState(r) !== 'ReplicaDeletionSuccessful');
    const dead = replicas.filter((r) => !ctx.isLiveOrShuttingDown(r.broker));
    const live = replicas.filter((r) => ctx.isLiveOrShuttingDown(r.broker));
    this.replicas.handleStateChanges(dead, 'ReplicaDeletionIneligible');
    this.replicas.handleStateChanges(live.filter((r) => ctx.replicaState(r) !== 'OfflineReplica'), 'OfflineReplica');
    this.replicas.handleStateChanges(live, 'ReplicaDeletionStarted');
    if (dead.length > 0) ctx.topicsIneligibleForDeletion.add(topic);
  }

  private completeDeleteTopic(topic: string, replicas: readonly ReplicaRef[]): void {
    const { ctx } = this.env;
    this.replicas.handleStateChanges(replicas, 'NonExistentReplica');
    this.env.zkWrite({ kind: 'deleteTopic', topic });
    ctx.removeTopic(topic);
  }
}
