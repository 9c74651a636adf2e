// What the group coordinator takes in and gives back. The broker adapter decodes a request, calls the
// coordinator with the current time and an opaque requestId, and carries out the returned effects:
//
//   respond  send this response for requestId (JoinGroup and SyncGroup may answer long after the call;
//            OffsetCommit answers only when its append completed)
//   forget   requestId was superseded by a newer JoinGroup/SyncGroup from the same member and will
//            never be answered (Kafka drops the older callback too); the adapter may release it
//   append   append these key/value records (value null = tombstone) to __consumer_offsets partition p
//            as one batch; when acks is 'all' report appendCompleted(appendId, errorCode) once the write
//            is replicated or failed; 'none' appends (expiry and deletion tombstones) are fire-and-forget;
//            with `producer` the batch is that producer's transactional batch (TxnOffsetCommit)
//   timer    the coordinator's earliest deadline changed: call tick(nowMs) at or after deadlineMs
//            (null = nothing scheduled). tick() with an earlier time is harmless.
//
// Everything else (sockets, the log, FindCoordinator's metadata lookup) lives in the adapter. Its duties:
//   - call startup() once, beginLoad/completeLoad when it becomes leader of a __consumer_offsets
//     partition (records from log start to log end, decoded with decodeOffsetsLogRecord, those of
//     transactional batches with their producer id, and the transaction markers of control batches),
//     unload() when it stops being leader; txnMarkerWritten() when a marker is written to a partition;
//   - FindCoordinator (key type 0): the leader of partition partitionFor(groupId);
//   - fill version-dependent fields: OffsetCommit v1 per-partition commit timestamps, v2-v4
//     retentionTimeMs (-1 otherwise), committedLeaderEpoch -1 below v6; OffsetCommit v0, which Kafka 2.8
//     keeps in ZooKeeper, is not handled here; LeaveGroup v0-v2 become a one-member batch and take the
//     response's member error as the top-level error; OffsetFetch v0-v1 carry a group error per partition
//     and v2-v7 at top level; ListGroups and DescribeGroups send errorCode as given.

import type { KafkaConfig } from '../../config/kafka-config.js';

export type CoordinatorConfig = Pick<
  KafkaConfig,
  | 'groupMinSessionTimeoutMs'
  | 'groupMaxSessionTimeoutMs'
  | 'groupInitialRebalanceDelayMs'
  | 'groupMaxSize'
  | 'offsetMetadataMaxBytes'
  | 'offsetsTopicNumPartitions'
  | 'offsetsRetentionMs'
  | 'offsetsRetentionCheckIntervalMs'
>;

/** The transactional producer a TxnOffsetCommit writes for. */
export interface TxnProducer {
  producerId: number;
  producerEpoch: number;
}

export interface AppendRecord {
  key: Buffer;
  value: Buffer | null;
}

export type Effect =
  | { kind: 'respond'; requestId: number; response: CoordinatorResponse }
  | { kind: 'forget'; requestId: number }
  | { kind: 'append'; appendId: number; partition: number; acks: 'all' | 'none'; timestampMs: number; records: AppendRecord[]; producer?: TxnProducer }
  | { kind: 'timer'; deadlineMs: number | null };

export interface JoinGroupProtocol {
  name: string;
  metadata: Uint8Array;
}

export interface JoinGroupRequest {
  apiVersion: number;
  groupId: string;
  sessionTimeoutMs: number;
  /** Ignored for v0, which has none (the session timeout is used). */
  rebalanceTimeoutMs: number;
  memberId: string;
  groupInstanceId: string | null;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  clientId: string;
  clientHost: string;
}

export interface JoinGroupResponseMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Uint8Array;
}

export interface JoinGroupResponse {
  api: 'JoinGroup';
  errorCode: number;
  generationId: number;
  protocolType: string | null;
  protocolName: string | null;
  leader: string;
  memberId: string;
  members: JoinGroupResponseMember[];
}

export interface SyncGroupRequest {
  apiVersion: number;
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v5+; null when absent. */
  protocolType: string | null;
  protocolName: string | null;
  assignments: { memberId: string; assignment: Uint8Array }[];
}

export interface SyncGroupResponse {
  api: 'SyncGroup';
  errorCode: number;
  protocolType: string | null;
  protocolName: string | null;
  assignment: Uint8Array;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
}

export interface HeartbeatResponse {
  api: 'Heartbeat';
  errorCode: number;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** v0-2 carry one member (groupInstanceId null); v3+ a batch. */
  members: { memberId: string; groupInstanceId: string | null }[];
}

export interface LeaveGroupResponse {
  api: 'LeaveGroup';
  errorCode: number;
  members: { memberId: string; groupInstanceId: string | null; errorCode: number }[];
}

export interface OffsetCommitRequest {
  apiVersion: number;
  groupId: string;
  /** -1 for commits from outside group management. */
  generationId: number;
  memberId: string;
  groupInstanceId: string | null;
  /** v2-v4; -1 = broker default retention. */
  retentionTimeMs: number;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: bigint;
      /** v6+; -1 = none. */
      committedLeaderEpoch: number;
      /** v1 only; -1 = now. */
      commitTimestampMs: number;
      committedMetadata: string | null;
    }[];
  }[];
}

export interface OffsetCommitResponse {
  api: 'OffsetCommit';
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface TxnOffsetCommitRequest {
  groupId: string;
  producerId: number;
  producerEpoch: number;
  /** v3+; -1 (not checked) below. */
  generationId: number;
  /** v3+; '' (not checked) below. */
  memberId: string;
  groupInstanceId: string | null;
  topics: {
    name: string;
    partitions: {
      partitionIndex: number;
      committedOffset: bigint;
      /** v2+; -1 = none. */
      committedLeaderEpoch: number;
      committedMetadata: string | null;
    }[];
  }[];
}

export interface TxnOffsetCommitResponse {
  api: 'TxnOffsetCommit';
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface OffsetFetchGroup {
  groupId: string;
  /** null = every partition the group has an offset for. */
  topics: { name: string; partitionIndexes: number[] }[] | null;
}

export interface OffsetFetchPartition {
  partitionIndex: number;
  committedOffset: bigint;
  committedLeaderEpoch: number;
  metadata: string | null;
  errorCode: number;
}

export interface OffsetFetchGroupResult {
  groupId: string;
  /** Group-level error (validation); partitions is then empty. */
  errorCode: number;
  topics: { name: string; partitions: OffsetFetchPartition[] }[];
}

export interface OffsetFetchResponse {
  api: 'OffsetFetch';
  /** One entry per requested group (v0-v7 ask for one, v8 for several). */
  groups: OffsetFetchGroupResult[];
}

export interface OffsetDeleteRequest {
  groupId: string;
  topics: { name: string; partitions: number[] }[];
}

export interface OffsetDeleteResponse {
  api: 'OffsetDelete';
  errorCode: number;
  topics: { name: string; partitions: { partitionIndex: number; errorCode: number }[] }[];
}

export interface ListGroupsResponse {
  api: 'ListGroups';
  errorCode: number;
  groups: { groupId: string; protocolType: string; groupState: string }[];
}

export interface DescribedMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  memberMetadata: Uint8Array;
  memberAssignment: Uint8Array;
}

export interface DescribedGroup {
  errorCode: number;
  groupId: string;
  groupState: string;
  protocolType: string;
  protocolData: string;
  members: DescribedMember[];
}

export interface DescribeGroupsResponse {
  api: 'DescribeGroups';
  groups: DescribedGroup[];
}

export interface DeleteGroupsResponse {
  api: 'DeleteGroups';
  results: { groupId: string; errorCode: number }[];
}

export type CoordinatorResponse =
  | JoinGroupResponse
  | SyncGroupResponse
  | HeartbeatResponse
  | LeaveGroupResponse
  | OffsetCommitResponse
  | TxnOffsetCommitResponse
  | OffsetFetchResponse
  | OffsetDeleteResponse
  | ListGroupsResponse
  | DescribeGroupsResponse
  | DeleteGroupsResponse;
