// The settings a partition's leader applies besides the log's own (Kafka's LogConfig topic keys): how produced
// batches are stored and how many in-sync replicas an acks=-1 write needs.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import type { KafkaValue } from '../../../config/kafka-key-types.js';
import { logConfigFromTopicConfig } from '../../admin/topic-config-source.js';
import type { LogConfig } from '../../storage/log-config.js';

/** compression.type: `producer` keeps each batch as sent; a codec name recompresses to it. */
export type TopicCompression = 'producer' | 'uncompressed' | 'gzip' | 'snappy' | 'lz4' | 'zstd';

export interface PartitionConfig {
  log: LogConfig;
  compressionType: TopicCompression;
  /** min.insync.replicas */
  minInsyncReplicas: number;
  /** message.timestamp.type */
  messageTimestampType: 'CreateTime' | 'LogAppendTime';
  /** message.timestamp.difference.max.ms: how far a CreateTime may be from the broker's clock. */
  messageTimestampDifferenceMaxMs: number;
}

const COMPRESSIONS: readonly TopicCompression[] = ['producer', 'uncompressed', 'gzip', 'snappy', 'lz4', 'zstd'];

/** The record-batch codec id for a compression.type, or null for `producer`. */
export function targetCodec(compression: TopicCompression): number | null {
  return compression === 'producer' ? null : COMPRESSIONS.indexOf(compression) - 1;
}

export function topicCompression(value: string): TopicCompression {
  const v = value.toLowerCase() as TopicCompression;
  if (!COMPRESSIONS.includes(v)) throw new RangeError(`compression.type: expected one of ${COMPRESSIONS.join(', ')}, got ${value}`);
  return v;
}

/** The broker-wide defaults (server.properties), which a topic's own configs override. */
export function brokerPartitionConfig(config: KafkaConfig, log: LogConfig): PartitionConfig {
  return {
    log,
    compressionType: topicCompression(config.compressionType),
    minInsyncReplicas: config.minInsyncReplicas,
    messageTimestampType: config.logMessageTimestampType,
    messageTimestampDifferenceMaxMs: config.logMessageTimestampDifferenceMaxMs,
  };
}

/** A topic's settings from its effective topic-level values (its overrides over the broker's defaults). */
export function partitionConfigOf(values: ReadonlyMap<string, KafkaValue>, base: PartitionConfig): PartitionConfig {
  const timestampType = values.get('message.timestamp.type');
  return {
    log: logConfigFromTopicConfig(values),
    compressionType: values.has('compression.type') ? topicCompression(String(values.get('compression.type'))) : base.compressionType,
    minInsyncReplicas: values.has('min.insync.replicas') ? Number(values.get('min.insync.replicas')) : base.minInsyncReplicas,
    messageTimestampType: timestampType === 'LogAppendTime' || timestampType === 'CreateTime' ? timestampType : base.messageTimestampType,
    messageTimestampDifferenceMaxMs: values.has('message.timestamp.difference.max.ms')
      ? Number(values.get('message.timestamp.difference.max.ms'))
      : base.messageTimestampDifferenceMaxMs,
  };
}
