// The seams between the broker's parts: the controller channel's requests drive the replica manager, the replica
// manager serves the data-plane handlers and the group coordinator, and the admin handlers create topics through
// ZooKeeper and wait for the metadata cache to show them. Each part is built against these interfaces only.

/** One partition's state as LeaderAndIsr carries it (LeaderAndIsrPartitionState). */
export interface PartitionStateUpdate {
  topic: string;
  /** Kafka's Uuid in the codec's textual form; the all-zero id when the topic has none. */
  topicId: string;
  partition: number;
  controllerEpoch: number;
  leader: number;
  leaderEpoch: number;
  isr: readonly number[];
  zkVersion: number;
  replicas: readonly number[];
  addingReplicas: readonly number[];
  removingReplicas: readonly number[];
  isNew: boolean;
}

export interface PartitionError {
  topic: string;
  partition: number;
  errorCode: number;
}

export interface StopReplicaPartition {
  topic: string;
  partition: number;
  /** -1 (or -2 for a deletion) when the controller sends no epoch, as StopReplica v0-v2 do. */
  leaderEpoch: number;
  deletePartition: boolean;
}

/** What the controller's LeaderAndIsr and StopReplica requests do on a broker (Kafka's ReplicaManager). */
export interface ReplicaControl {
  becomeLeaderOrFollower(controllerId: number, controllerEpoch: number, states: readonly PartitionStateUpdate[]): Promise<PartitionError[]>;
  stopReplicas(controllerId: number, controllerEpoch: number, partitions: readonly StopReplicaPartition[]): Promise<PartitionError[]>;
}

export interface LeaderAppendResult {
  errorCode: number;
  baseOffset: bigint;
  /** -1 unless the topic uses LogAppendTime. */
  logAppendTimeMs: bigint;
  logStartOffset: bigint;
}

export interface LocalReadResult {
  errorCode: number;
  /** Whole batches as stored, starting at or before the fetch offset. */
  records: Buffer;
  highWatermark: bigint;
  logStartOffset: bigint;
  /** The log end offset. */
  logEndOffset: bigint;
}

export interface LeadershipChange {
  topic: string;
  partition: number;
  /** True when this broker became leader; false when it stopped being leader (became follower or stopped). */
  isLeader: boolean;
  leaderEpoch: number;
}

/** Who is appending: a client's Produce, or a coordinator of this broker (control batches allowed, no sequence checks). */
export type AppendOrigin = 'client' | 'coordinator';

/** Told once a transaction marker written through WriteTxnMarkers is acknowledged on a local leader partition. */
export interface TxnMarkerListener {
  onTxnMarkerWritten(topic: string, partition: number, producerId: number, producerEpoch: number, commit: boolean): void;
}

/** What other parts of the broker (the group coordinator) use of the partitions this broker hosts. */
export interface LocalPartitions {
  /**
   * Appends record batches (magic 2) as leader: offsets assigned, CRC and size checked. Resolves once the records are
   * acknowledged for `requiredAcks` (-1: every in-sync replica has them).
   */
  appendAsLeader(topic: string, partition: number, records: Buffer, requiredAcks: number, origin?: AppendOrigin): Promise<LeaderAppendResult>;
  /**
   * Reads from the local leader up to its log end (Kafka's FetchLogEnd, as the group coordinator loads): a new leader's
   * high watermark can trail records every in-sync replica already acknowledged.
   */
  readAsLeader(topic: string, partition: number, fetchOffset: bigint, maxBytes: number): Promise<LocalReadResult>;
  /** Called after each leadership change of a local partition, in the order they happen. Returns an unsubscribe. */
  onLeadershipChange(listener: (change: LeadershipChange) => void): () => void;
}

/** Metadata cache changes (UpdateMetadata applied), for handlers that wait until a topic shows or goes. */
export interface MetadataUpdates {
  onUpdate(listener: () => void): () => void;
}

export interface TopicCreationRequest {
  name: string;
  /** -1: num.partitions. */
  numPartitions: number;
  /** -1: default.replication.factor. */
  replicationFactor: number;
  /** Explicit assignment (partition → broker ids); empty to let the assignment be computed. */
  assignments: ReadonlyMap<number, readonly number[]>;
  configs: Readonly<Record<string, string>>;
}

/** Creates topics in ZooKeeper the way Kafka's AdminZkClient does (used by CreateTopics and auto-creation). */
export interface TopicCreator {
  /** Resolves with NONE once the znodes are written, or the Kafka error code (TOPIC_ALREADY_EXISTS, ...). */
  createTopic(request: TopicCreationRequest, validateOnly: boolean): Promise<{ errorCode: number; errorMessage: string | null }>;
}
