// What DescribeLogDirs reports, supplied by the broker's storage (Kafka's ReplicaManager.describeLogDirs): each log
// dir with its state and the partitions it holds.

export interface LogDirPartition {
  topic: string;
  partition: number;
  /** Bytes of the partition's segments. */
  size: bigint;
  /** High watermark minus log end offset for the current replica, 0 for a future one being moved. */
  offsetLag: bigint;
  /** A replica being moved into this dir (`-future` directory). */
  isFuture: boolean;
}

export interface LogDirState {
  path: string;
  /** NONE, or KAFKA_STORAGE_ERROR for an offline dir. */
  errorCode: number;
  partitions: readonly LogDirPartition[];
}

export interface LogDirsSource {
  logDirs(): LogDirState[] | Promise<LogDirState[]>;
}
