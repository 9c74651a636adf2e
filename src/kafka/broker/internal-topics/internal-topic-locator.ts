// Where FindCoordinator sends a key: the broker leading the key's partition of a coordinator's internal topic
// (__consumer_offsets, __transaction_state), on the listener the request came in on. A missing topic is created (once
// at a time) and COORDINATOR_NOT_AVAILABLE is answered until the metadata shows its leaders, as Kafka 2.8's
// KafkaApis.handleFindCoordinatorRequest and getOrCreateInternalTopic do.
import { ErrorCode } from '../../protocol/index.js';
import type { TopicCreator } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';

export interface CoordinatorNode {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

/** Kafka's Node.noNode(). */
export const NO_NODE = { nodeId: -1, host: '', port: -1 } as const;

export interface InternalTopicSpec {
  name: string;
  numPartitions: number;
  replicationFactor: number;
  configs: Readonly<Record<string, string>>;
  /** Created only once this many brokers are alive (Kafka's createInternalTopic check); 0: no check. */
  minAliveBrokers: number;
}

export class InternalTopicLocator {
  private creating = false;

  constructor(
    private readonly metadata: BrokerMetadata,
    private readonly topics: TopicCreator,
    private readonly spec: InternalTopicSpec,
    private readonly log: BrokerLog,
  ) {}

  /** The leader of partition `partition` of the internal topic as seen on `listenerName`. */
  locate(partition: number, listenerName: string): CoordinatorNode {
    const topic = this.metadata.topic(this.spec.name);
    if (topic === undefined) {
      if (this.metadata.aliveBrokers(listenerName).length >= this.spec.minAliveBrokers) this.createTopic();
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
    }
    const leaderId = topic.partitions.find((p) => p.partition === partition)?.leaderId ?? -1;
    const leader = leaderId === -1 ? undefined : this.metadata.aliveBrokers(listenerName).find((b) => b.id === leaderId);
    if (leader === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
    return { errorCode: ErrorCode.NONE, nodeId: leader.id, host: leader.host, port: leader.port };
  }

  private createTopic(): void {
    if (this.creating) return;
    this.creating = true;
    const { name } = this.spec;
    const request = { name, numPartitions: this.spec.numPartitions, replicationFactor: this.spec.replicationFactor, assignments: new Map<number, readonly number[]>(), configs: { ...this.spec.configs } };
    this.topics
      .createTopic(request, false)
      .then(
        (result) => {
          if (result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
            this.log('WARN', `Could not create internal topic ${name}: error code ${result.errorCode}${result.errorMessage ? ` (${result.errorMessage})` : ''}`, 'kafka.server.ZkAdminManager');
          }
        },
        (err: unknown) => this.log('ERROR', `Could not create internal topic ${name}: ${(err as Error)?.stack ?? String(err)}`, 'kafka.server.ZkAdminManager'),
      )
      .finally(() => (this.creating = false));
  }
}
