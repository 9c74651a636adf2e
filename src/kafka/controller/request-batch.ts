// Kafka's ControllerBrokerRequestBatch: the state machines add per-broker partition states while handling an event;
// flush() turns them into LeaderAndIsr, then UpdateMetadata, then StopReplica requests, and only for brokers that are
// live or shutting down.
import type { ControllerContext, PartitionRef } from './context.js';
import { partitionKey } from './context.js';
import {
  EPOCH_DURING_DELETE,
  LEADER_DURING_DELETE,
  NO_EPOCH,
  type Effect,
  type LeaderAndIsrPartitionState,
  type UpdateMetadataBroker,
  type UpdateMetadataPartitionState,
} from './effects.js';

interface StopReplicaEntry {
  partition: PartitionRef;
  leaderEpoch: number;
  deletePartition: boolean;
}

export class RequestBatch {
  /** broker → partition key → [partition, state]. */
  private readonly leaderAndIsr = new Map<number, Map<string, [PartitionRef, LeaderAndIsrPartitionState]>>();
  private readonly updateMetadataBrokers = new Set<number>();
  private readonly updateMetadataPartitions = new Map<string, [PartitionRef, UpdateMetadataPartitionState]>();
  private readonly stopReplica = new Map<number, Map<string, StopReplicaEntry>>();

  constructor(
    private readonly ctx: ControllerContext,
    private readonly controllerId: number,
    private readonly interBrokerListener: string,
  ) {}

  addLeaderAndIsr(brokers: readonly number[], p: PartitionRef, isNew: boolean): void {
    const leadership = this.ctx.getLeadership(p);
    const assignment = this.ctx.assignment(p.topic, p.partition);
    if (!leadership || !assignment) return;
    const key = partitionKey(p.topic, p.partition);
    for (const broker of brokers) {
      if (broker < 0) continue;
      let m = this.leaderAndIsr.get(broker);
      if (!m) this.leaderAndIsr.set(broker, (m = new Map()));
      const previousIsNew = m.get(key)?.[1].isNew ?? false;
      m.set(key, [
        p,
        {
          partitionIndex: p.partition,
          controllerEpoch: leadership.state.controllerEpoch,
          leader: leadership.state.leader,
          leaderEpoch: leadership.state.leaderEpoch,
          isr: [...leadership.state.isr],
          zkVersion: leadership.zkVersion,
          replicas: [...assignment.replicas],
          addingReplicas: [...assignment.addingReplicas],
          removingReplicas: [...assignment.removingReplicas],
          isNew: isNew || previousIsNew,
        },
      ]);
    }
    this.addUpdateMetadata(this.ctx.liveOrShuttingDownBrokerIds(), [p]);
  }

  /** With no partitions, the brokers still get an UpdateMetadata carrying the live broker list. */
  addUpdateMetadata(brokers: readonly number[], partitions: readonly PartitionRef[]): void {
    for (const b of brokers) this.updateMetadataBrokers.add(b);
    for (const p of partitions) {
      const leadership = this.ctx.getLeadership(p);
      const assignment = this.ctx.assignment(p.topic, p.partition);
      if (!leadership || !assignment) continue;
      const deleting = this.ctx.isTopicQueuedForDeletion(p.topic);
      this.updateMetadataPartitions.set(partitionKey(p.topic, p.partition), [
        p,
        {
          partitionIndex: p.partition,
          controllerEpoch: leadership.state.controllerEpoch,
          leader: deleting ? LEADER_DURING_DELETE : leadership.state.leader,
          leaderEpoch: leadership.state.leaderEpoch,
          isr: [...leadership.state.isr],
          zkVersion: leadership.zkVersion,
          replicas: [...assignment.replicas],
          offlineReplicas: assignment.replicas.filter((r) => !this.ctx.isLive(r)),
        },
      ]);
    }
  }

  addStopReplica(brokers: readonly number[], p: PartitionRef, deletePartition: boolean): void {
    const leaderEpoch = deletePartition ? EPOCH_DURING_DELETE : (this.ctx.getLeadership(p)?.state.leaderEpoch ?? NO_EPOCH);
    const key = partitionKey(p.topic, p.partition);
    for (const broker of brokers) {
      if (broker < 0) continue;
      let m = this.stopReplica.get(broker);
      if (!m) this.stopReplica.set(broker, (m = new Map()));
      const previous = m.get(key);
      m.set(key, { partition: p, leaderEpoch, deletePartition: deletePartition || (previous?.deletePartition ?? false) });
    }
  }

  isEmpty(): boolean {
    return this.leaderAndIsr.size === 0 && this.updateMetadataBrokers.size === 0 && this.stopReplica.size === 0;
  }

  /** The requests collected so far, as effects; the batch is empty afterwards. */
  flush(): Effect[] {
    const effects: Effect[] = [];
    const ctx = this.ctx;
    const common = (broker: number) => ({ controllerId: this.controllerId, controllerEpoch: ctx.epoch, brokerEpoch: ctx.liveBrokers.get(broker)!.epoch });
    for (const broker of [...this.leaderAndIsr.keys()].sort((a, b) => a - b)) {
      if (!ctx.isLiveOrShuttingDown(broker)) continue;
      const states = [...this.leaderAndIsr.get(broker)!.values()];
      const leaders = [...new Set(states.map(([, s]) => s.leader))].filter((l) => ctx.isLiveOrShuttingDown(l)).sort((a, b) => a - b);
      effects.push({
        type: 'sendRequest',
        brokerId: broker,
        request: {
          api: 'LeaderAndIsr',
          ...common(broker),
          type: 0,
          topicStates: groupByTopic(states, (topicName, partitionStates) => ({ topicName, topicId: ctx.topicIds.get(topicName) ?? null, partitionStates })),
          liveLeaders: leaders.map((id) => {
            const endpoint = this.endpointOf(id);
            return { brokerId: id, hostName: endpoint.host, port: endpoint.port };
          }),
        },
      });
    }
    if (this.updateMetadataBrokers.size > 0) {
      const liveBrokers = this.liveBrokerList();
      const partitionStates = [...this.updateMetadataPartitions.values()];
      for (const broker of [...this.updateMetadataBrokers].sort((a, b) => a - b)) {
        if (!ctx.isLiveOrShuttingDown(broker)) continue;
        effects.push({
          type: 'sendRequest',
          brokerId: broker,
          request: {
            api: 'UpdateMetadata',
            ...common(broker),
            topicStates: groupByTopic(partitionStates, (topicName, states) => ({ topicName, topicId: ctx.topicIds.get(topicName) ?? null, partitionStates: states })),
            liveBrokers,
          },
        });
      }
    }
    for (const broker of [...this.stopReplica.keys()].sort((a, b) => a - b)) {
      if (!ctx.isLiveOrShuttingDown(broker)) continue;
      const entries = [...this.stopReplica.get(broker)!.values()].map((e) => [e.partition, e] as [PartitionRef, StopReplicaEntry]);
      effects.push({
        type: 'sendRequest',
        brokerId: broker,
        request: {
          api: 'StopReplica',
          ...common(broker),
          topicStates: groupByTopic(entries, (topicName, es) => ({
            topicName,
            partitionStates: es.map((e) => ({ partitionIndex: e.partition.partition, leaderEpoch: e.leaderEpoch, deletePartition: e.deletePartition })),
          })),
        },
      });
    }
    this.leaderAndIsr.clear();
    this.updateMetadataBrokers.clear();
    this.updateMetadataPartitions.clear();
    this.stopReplica.clear();
    return effects;
  }

  private endpointOf(broker: number): { host: string; port: number } {
    const endpoints = this.ctx.liveBrokers.get(broker)!.registration.endpoints;
    const e = endpoints.find((x) => x.listenerName === this.interBrokerListener) ?? endpoints[0];
    return e ? { host: e.host, port: e.port } : { host: '', port: -1 };
  }

  private liveBrokerList(): UpdateMetadataBroker[] {
    return this.ctx.liveOrShuttingDownBrokerIds().map((id) => {
      const reg = this.ctx.liveBrokers.get(id)!.registration;
      return {
        id,
        endpoints: reg.endpoints.map((e) => ({ port: e.port, host: e.host, listener: e.listenerName, securityProtocol: e.securityProtocol })),
        rack: reg.rack,
      };
    });
  }
}

/** Groups [partition, value] pairs by topic (topics and partitions in ascending order). */
function groupByTopic<V, T>(entries: readonly [PartitionRef, V][], make: (topic: string, values: V[]) => T): T[] {
  const byTopic = new Map<string, [number, V][]>();
  for (const [p, v] of entries) {
    const list = byTopic.get(p.topic) ?? [];
    list.push([p.partition, v]);
    byTopic.set(p.topic, list);
  }
  return [...byTopic.keys()].sort().map((topic) => make(topic, byTopic.get(topic)!.sort((a, b) => a[0] - b[0]).map(([, v]) => v)));
}
