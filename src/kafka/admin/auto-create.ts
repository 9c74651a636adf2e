// Topic auto-creation for Metadata requests (KafkaApis.getTopicMetadata in 2.8): an unknown topic is created with
// num.partitions and default.replication.factor (rack-aware where every broker has a rack) and answered
// LEADER_NOT_AVAILABLE until the controller brings it online. __consumer_offsets and __transaction_state are created
// with the offsets.topic.* and transaction.state.log.* settings once enough brokers are alive (INVALID_REPLICATION_FACTOR
// before).
import type { KafkaConfig } from '../../config/kafka-config.js';
import { ErrorCode } from '../protocol/index.js';
import type { AdminContext } from './admin-context.js';
import { adminErrorOf } from './admin-zk.js';
import { AdminError, GROUP_METADATA_TOPIC, TRANSACTION_STATE_TOPIC, isInternalTopic } from './topic-name.js';

export interface AutoCreateOutcome {
  errorCode: number;
  isInternal: boolean;
}

/** What the Metadata handler needs: a decision and, where allowed, a creation, for one unknown topic. */
export interface TopicAutoCreation {
  /** `allowed`: the request allows auto-creation (v0-3 always, v4+ its flag). */
  unknownTopic(topic: string, allowed: boolean): Promise<AutoCreateOutcome>;
}

/** GroupCoordinator.offsetsTopicConfigs. */
export function offsetsTopicConfigs(segmentBytes: number): Record<string, string> {
  return { 'cleanup.policy': 'compact', 'segment.bytes': String(segmentBytes), 'compression.type': 'producer' };
}

export type TransactionStateTopicConfig = Pick<KafkaConfig, 'transactionStateLogNumPartitions' | 'transactionStateLogReplicationFactor' | 'transactionStateLogMinIsr' | 'transactionStateLogSegmentBytes'>;

/** TransactionStateManager.transactionTopicConfigs. */
export function transactionStateTopicConfigs(config: Pick<TransactionStateTopicConfig, 'transactionStateLogMinIsr' | 'transactionStateLogSegmentBytes'>): Record<string, string> {
  return {
    'unclean.leader.election.enable': 'false',
    'compression.type': 'uncompressed',
    'cleanup.policy': 'compact',
    'min.insync.replicas': String(config.transactionStateLogMinIsr),
    'segment.bytes': String(config.transactionStateLogSegmentBytes),
  };
}

export class ZkTopicAutoCreation implements TopicAutoCreation {
  constructor(private readonly ctx: AdminContext) {}

  async unknownTopic(topic: string, allowed: boolean): Promise<AutoCreateOutcome> {
    const { config } = this.ctx;
    if (topic === TRANSACTION_STATE_TOPIC) {
      const { transactionStateLogNumPartitions: partitions, transactionStateLogReplicationFactor: rf, transactionStateLogMinIsr: minIsr, transactionStateLogSegmentBytes: segmentBytes } = config;
      if (partitions === undefined || rf === undefined || minIsr === undefined || segmentBytes === undefined) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, isInternal: true };
      const alive = (await this.ctx.admin.zk.getBrokerIds()).length;
      if (alive < rf) return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, isInternal: true };
      return this.create(topic, partitions, rf, transactionStateTopicConfigs({ transactionStateLogMinIsr: minIsr, transactionStateLogSegmentBytes: segmentBytes }));
    }
    if (topic === GROUP_METADATA_TOPIC) {
      const alive = (await this.ctx.admin.zk.getBrokerIds()).length;
      if (alive < config.offsetsTopicReplicationFactor) return { errorCode: ErrorCode.INVALID_REPLICATION_FACTOR, isInternal: true };
      return this.create(topic, config.offsetsTopicNumPartitions, config.offsetsTopicReplicationFactor, offsetsTopicConfigs(config.offsetsTopicSegmentBytes));
    }
    if (!allowed || !config.autoCreateTopicsEnable) return { errorCode: ErrorCode.UNKNOWN_TOPIC_OR_PARTITION, isInternal: false };
    return this.create(topic, config.numPartitions, config.defaultReplicationFactor, {});
  }

  /** KafkaApis.createTopic: created or already there (another broker won) is LEADER_NOT_AVAILABLE. */
  private async create(topic: string, numPartitions: number, replicationFactor: number, configs: Record<string, string>): Promise<AutoCreateOutcome> {
    const isInternal = isInternalTopic(topic);
    try {
      await this.ctx.admin.create({ name: topic, numPartitions, replicationFactor, assignments: new Map(), configs }, false, 'safe');
      return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, isInternal };
    } catch (err) {
      const e: AdminError = adminErrorOf(err);
      if (e.errorCode === ErrorCode.TOPIC_ALREADY_EXISTS) return { errorCode: ErrorCode.LEADER_NOT_AVAILABLE, isInternal };
      return { errorCode: e.errorCode, isInternal };
    }
  }
}
