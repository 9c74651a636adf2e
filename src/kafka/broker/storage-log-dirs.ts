// DescribeLogDirs' view of the broker's storage (Kafka's ReplicaManager.describeLogDirs): every log dir with the
// partitions it holds, their size, and the offset lag of the current replica (max(high watermark - log end, 0)).
import type { LogDirsSource, LogDirState } from '../admin/log-dirs-source.js';
import { ErrorCode } from '../protocol/index.js';
import type { LogDir } from '../storage/log-dir.js';

export function storageLogDirs(dirs: readonly LogDir[]): LogDirsSource {
  return {
    logDirs(): LogDirState[] {
      return dirs.map((d) => {
        const logs = [...d.logs.values()];
        return {
          path: d.dir,
          // A log that met an I/O error is what Kafka would have taken its whole dir offline for.
          errorCode: logs.some((l) => l.failedWith !== null) ? ErrorCode.KAFKA_STORAGE_ERROR : ErrorCode.NONE,
          partitions: logs.map((log) => ({
            topic: log.ctx.topicPartition.topic,
            partition: log.ctx.topicPartition.partition,
            size: BigInt(log.sizeBytes),
            offsetLag: BigInt(Math.max(log.highWatermark - log.logEndOffset, 0)),
            isFuture: false,
          })),
        };
      });
    },
  };
}
