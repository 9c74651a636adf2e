// The watches of an active controller (events.ts): /brokers/ids children (BrokerChange), /brokers/topics children
// (TopicChange) and each topic's data (PartitionModifications), /admin/delete_topics children (TopicDeletion),
// /isr_change_notification children (IsrChangeNotification), /admin/preferred_replica_election and
// /admin/reassign_partitions. A firing only
// queues a read: the ZooKeeper data an event carries is read when the event's turn in the queue comes.
import type { KafkaController } from '../../controller/controller.js';
import type { ControllerEvent } from '../../controller/events.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import {
  ISR_CHANGE_PREFIX,
  ZkPaths,
  decodeIsrChangeNotification,
  decodePreferredReplicaElection,
  decodeReassignPartitions,
  sequenceNumberOf,
  type PartitionState,
} from '../../zk/zk-data.js';
import { NoNodeError } from '../../../zookeeper/client/index.js';
import { watchChildren, watchData, type StopWatch } from './zk-watch.js';

type Enqueue = (read: () => Promise<ControllerEvent | null>) => void;

export class ControllerWatches {
  private readonly stops: StopWatch[] = [];
  private readonly topicWatches = new Map<string, StopWatch>();

  constructor(
    private readonly kafkaZk: KafkaZkClient,
    private readonly machine: KafkaController,
    private readonly enqueue: Enqueue,
    private readonly onError: (err: unknown) => void,
  ) {}

  armAll(): void {
    this.stopAll();
    const zk = this.kafkaZk;
    this.stops.push(
      watchChildren(zk, ZkPaths.brokerIds, () => this.enqueue(async () => ({ type: 'BrokerChange', brokers: await zk.getAllBrokers() })), this.onError),
      watchChildren(zk, ZkPaths.topics, (topics) => this.enqueue(() => this.topicChange(topics)), this.onError),
      watchChildren(zk, ZkPaths.deleteTopics, (topics) => this.enqueue(async () => ({ type: 'TopicDeletion', topics: [...topics].sort() })), this.onError),
      watchChildren(zk, ZkPaths.isrChangeNotification, (children) => this.enqueue(() => this.isrChanges(children)), this.onError),
      watchData(
        zk,
        ZkPaths.preferredReplicaElection,
        (data) => {
          if (data !== null) this.enqueue(async () => ({ type: 'PreferredReplicaElection', source: 'zk', partitions: decodePreferredReplicaElection(data) }));
        },
        this.onError,
      ),
      this.watchReassignPartitions(),
    );
  }

  /** Kafka reacts to the creation of /admin/reassign_partitions only (and to its presence at failover). */
  private watchReassignPartitions(): StopWatch {
    let present = false;
    return watchData(
      this.kafkaZk,
      ZkPaths.reassignPartitions,
      (data) => {
        const created = data !== null && !present;
        present = data !== null;
        if (!created) return;
        this.enqueue(async () => {
          try {
            return { type: 'ZkPartitionReassignment', reassignments: decodeReassignPartitions(data) };
          } catch (err) {
            this.onError(err);
            return null;
          }
        });
      },
      this.onError,
    );
  }

  stopAll(): void {
    for (const stop of this.stops.splice(0)) stop();
    for (const stop of this.topicWatches.values()) stop();
    this.topicWatches.clear();
  }

  private async topicChange(topics: readonly string[]): Promise<ControllerEvent> {
    const current = new Set(topics);
    for (const [topic, stop] of this.topicWatches) {
      if (current.has(topic)) continue;
      stop();
      this.topicWatches.delete(topic);
    }
    const assignments = [];
    for (const topic of [...current].sort()) {
      if (!this.machine.ctx.assignments.has(topic)) {
        const a = await this.kafkaZk.getTopicAssignment(topic);
        if (a) assignments.push(a);
      }
      if (!this.topicWatches.has(topic)) this.topicWatches.set(topic, this.watchTopic(topic));
    }
    return { type: 'TopicChange', topics: [...current].sort(), assignments };
  }

  /** Partitions added to an existing topic; the first read (the topic as created) is TopicChange's business. */
  private watchTopic(topic: string): StopWatch {
    let first = true;
    return watchData(
      this.kafkaZk,
      ZkPaths.topic(topic),
      (data) => {
        if (first || data === null) {
          first = false;
          return;
        }
        this.enqueue(async () => {
          const t = await this.kafkaZk.getTopicAssignment(topic);
          return t ? { type: 'PartitionModifications', topic: t } : null;
        });
      },
      this.onError,
    );
  }

  private async isrChanges(children: readonly string[]): Promise<ControllerEvent | null> {
    if (children.length === 0) return null;
    const sequenceNumbers: string[] = [];
    const seen = new Set<string>();
    const partitions: { topic: string; partition: number; state: PartitionState; zkVersion: number }[] = [];
    for (const child of [...children].sort()) {
      const seq = sequenceNumberOf(child, ISR_CHANGE_PREFIX);
      sequenceNumbers.push(seq);
      let listed;
      try {
        listed = decodeIsrChangeNotification((await this.kafkaZk.zk.getData(ZkPaths.isrChange(seq))).data);
      } catch (err) {
        if (err instanceof NoNodeError) continue;
        throw err;
      }
      for (const p of listed) {
        const key = `${p.topic}\u0000${p.partition}`;
        if (seen.has(key)) continue;
        seen.add(key);
        const s = await this.kafkaZk.getPartitionState(p.topic, p.partition);
        if (s) partitions.push({ topic: p.topic, partition: p.partition, ...s });
      }
    }
    return { type: 'IsrChangeNotification', sequenceNumbers, partitions };
  }
}
