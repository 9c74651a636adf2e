// DescribeLogDirs' view of the broker's storage (Kafka's ReplicaManager.describeLogDirs): every log dir with the
// partitions it holds, their size, and the offset lag: for the current replica max(high watermark - log end, 0), for
// a future replica being moved into the dir the current replica's log end minus its own.
import type { LogDirsSource, LogDirState } from '../admin/log-dirs-source.js';
import { ErrorCode } from '../protocol/index.js';
import type { LogDir } from '../storage/log-dir.js';
import type { TopicPartition } from '../storage/topic-partition.js';

export function storageLogDirs(dirs: readonly LogDir[]): LogDirsSource {
  const currentLogEnd = (tp: TopicPartition): number | undefined => {
    for (const d of dirs) {
      const log = d.getLog(tp);
      if (log) return log.logEndOffset;
    }
    return undefined;
  };
  return {
    logDirs(): LogDirState[] {
      return dirs.map((d) => {
        const logs = [...d.logs.values()];
        const futures = [...d.futureLogs.values()];
        return {
          path: d.dir,
          // A log that met an I/O error is what Kafka would have taken its whole dir offline for.
          errorCode: [...logs, ...futures].some((l) => l.failedWith !== null) ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
          partitions: [
            ...logs.map((log) => ({
              topic: log.ctx.topicPartition.topic,
              partition: log.ctx.topicPartition.partition,
              size: BigInt(log.sizeBytes),
              offsetLag: BigInt(Math.max(log.highWatermark - log.logEndOffset, 0)),
              isFuture: false,
            })),
            ...futures.map((log) => {
              const end = currentLogEnd(log.ctx.topicPartition);
              return {
                topic: log.ctx.topicPartition.topic,
                partition: log.ctx.topicPartition.partition,
                size: BigInt(log.sizeBytes),
                // Kafka's INVALID_OFFSET_LAG when the current replica is not there.
                offsetLag: end === undefined ? -1n : BigInt(end - log.logEndOffset),
                isFuture: true,
              };
            }),
          ],
        };
      });
    },
  };
}
