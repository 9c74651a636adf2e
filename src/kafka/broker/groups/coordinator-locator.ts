// Where FindCoordinator sends a group: the broker leading its __consumer_offsets partition, on the listener the
// request came in on. A missing __consumer_offsets is created (once at a time) with offsets.topic.num.partitions and
// offsets.topic.replication.factor, and COORDINATOR_NOT_AVAILABLE is answered until the metadata shows its leaders,
// as Kafka 2.8's KafkaApis.handleFindCoordinatorRequest does.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import { ErrorCode } from '../../protocol/index.js';
import type { TopicCreator } from '../broker-contracts.js';
import type { BrokerLog } from '../broker-log.js';
import type { BrokerMetadata } from '../broker-metadata.js';
import { OFFSETS_TOPIC } from './offsets-batches.js';

export interface CoordinatorNode {
  errorCode: number;
  nodeId: number;
  host: string;
  port: number;
}

/** Kafka's Node.noNode(). */
export const NO_NODE = { nodeId: -1, host: '', port: -1 } as const;

export type LocatorConfig = Pick<KafkaConfig, 'offsetsTopicNumPartitions' | 'offsetsTopicReplicationFactor' | 'offsetsTopicSegmentBytes'>;

export class CoordinatorLocator {
  private creating = false;

  constructor(
    private readonly metadata: BrokerMetadata,
    private readonly topics: TopicCreator,
    private readonly config: LocatorConfig,
    private readonly log: BrokerLog,
  ) {}

  /** The leader of __consumer_offsets partition `partition` as seen on `listenerName`. */
  locate(partition: number, listenerName: string): CoordinatorNode {
    const topic = this.metadata.topic(OFFSETS_TOPIC);
    if (topic === undefined) {
      this.createOffsetsTopic();
      return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
    }
    const leaderId = topic.partitions.find((p) => p.partition === partition)?.leaderId ?? -1;
    const leader = leaderId === -1 ? undefined : this.metadata.aliveBrokers(listenerName).find((b) => b.id === leaderId);
    if (leader === undefined) return { errorCode: ErrorCode.COORDINATOR_NOT_AVAILABLE, ...NO_NODE };
    return { errorCode: ErrorCode.NONE, nodeId: leader.id, host: leader.host, port: leader.port };
  }

  private createOffsetsTopic(): void {
    if (this.creating) return;
    this.creating = true;
    const request = {
      name: OFFSETS_TOPIC,
      numPartitions: this.config.offsetsTopicNumPartitions,
      replicationFactor: this.config.offsetsTopicReplicationFactor,
      assignments: new Map<number, readonly number[]>(),
      // GroupMetadataManager.offsetsTopicConfigs.
      configs: { 'cleanup.policy': 'compact', 'segment.bytes': String(this.config.offsetsTopicSegmentBytes), 'compression.type': 'producer' },
    };
    this.topics
      .createTopic(request, false)
      .then(
        (result) => {
          if (result.errorCode !== ErrorCode.NONE && result.errorCode !== ErrorCode.TOPIC_ALREADY_EXISTS) {
            this.log('WARN', `Could not create internal topic ${OFFSETS_TOPIC}: error code ${result.errorCode}${result.errorMessage ? ` (${result.errorMessage})` : ''}`, 'kafka.server.ZkAdminManager');
          }
        },
        (err: unknown) => this.log('ERROR', `Could not create internal topic ${OFFSETS_TOPIC}: ${(err as Error)?.stack ?? String(err)}`, 'kafka.server.ZkAdminManager'),
      )
      .finally(() => (this.creating = false));
  }
}
