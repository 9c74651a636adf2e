// The broker's log-dir moves wired to its config: the copy rate follows replica.alter.log.dirs.io.max.bytes.per.second
// as the broker's dynamic configs change, chunks are at most replica.fetch.max.bytes, and a swap a crash cut short is
// completed before any partition is hosted.
import type { KafkaConfig } from '../../../config/kafka-config.js';
import type { ZkTopicConfigSource } from '../../admin/topic-config-source.js';
import type { LogDir } from '../../storage/log-dir.js';
import type { TopicPartition } from '../../storage/topic-partition.js';
import type { KafkaZkClient } from '../../zk/kafka-zk-client.js';
import type { BrokerLog } from '../broker-log.js';
import type { Partition } from '../replica/partition.js';
import { LogDirMover } from './log-dir-mover.js';
import { LogDirThrottleConfig } from './log-dir-throttle.js';

export interface LogDirMovesWiring {
  brokerId: number;
  config: Pick<KafkaConfig, 'replicaFetchMaxBytes'>;
  dirs: readonly LogDir[];
  log: BrokerLog;
  kafkaZk: () => KafkaZkClient;
  topicConfigs: Pick<ZkTopicConfigSource, 'onDefaultsChange'>;
  partition: (tp: TopicPartition) => Partition | undefined;
  knownPartition: (tp: TopicPartition) => boolean;
}

export async function startLogDirMoves(w: LogDirMovesWiring): Promise<LogDirMover> {
  const throttle = new LogDirThrottleConfig(w.kafkaZk, w.brokerId);
  await throttle.refresh();
  w.topicConfigs.onDefaultsChange(() => void throttle.refresh());
  const mover = new LogDirMover({
    dirs: w.dirs,
    partition: w.partition,
    knownPartition: w.knownPartition,
    bytesPerSecond: () => throttle.bytesPerSecond,
    maxChunkBytes: w.config.replicaFetchMaxBytes,
    log: w.log,
  });
  await mover.recoverInterruptedSwaps();
  return mover;
}
