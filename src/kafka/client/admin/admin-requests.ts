// Request bodies the admin client sends, built for the version the connection negotiated (fields that exist only
// in some versions are filled accordingly). Pure functions, so their bytes can be compared with other clients'.
import type { CreatePartitionsRequest } from '../../protocol/schemas/create-partitions.js';
import type { CreateTopicsRequest } from '../../protocol/schemas/create-topics.js';
import type { DeleteRecordsRequest } from '../../protocol/schemas/delete-records.js';
import type { DeleteTopicsRequest } from '../../protocol/schemas/delete-topics.js';
import type { DescribeConfigsRequest } from '../../protocol/schemas/describe-configs.js';
import type { AlterConfigsRequest } from '../../protocol/schemas/alter-configs.js';
import type { IncrementalAlterConfigsRequest } from '../../protocol/schemas/incremental-alter-configs.js';
import type { ListOffsetsRequest } from '../../protocol/schemas/list-offsets.js';
import type { OffsetFetchRequest } from '../../protocol/schemas/offset-fetch.js';
import type { OffsetCommitRequest } from '../../protocol/schemas/offset-commit.js';
import type { FindCoordinatorRequest } from '../../protocol/schemas/find-coordinator.js';

/** The null topic id (a name is given instead). */
const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface NewTopic {
  name: string;
  /** -1 (default): the broker's num.partitions. */
  numPartitions?: number;
  /** -1 (default): the broker's default.replication.factor. */
  replicationFactor?: number;
  /** Replica assignment: partition → broker ids (then numPartitions and replicationFactor must be -1). */
  assignments?: Record<number, number[]>;
  configs?: Record<string, string | null>;
}

export function createTopicsRequest(topics: readonly NewTopic[], timeoutMs: number, validateOnly: boolean): CreateTopicsRequest {
  return {
    topics: topics.map((t) => ({
      name: t.name,
      numPartitions: t.numPartitions ?? -1,
      replicationFactor: t.replicationFactor ?? -1,
      assignments: Object.entries(t.assignments ?? {}).map(([p, brokerIds]) => ({ partitionIndex: Number(p), brokerIds })),
      configs: Object.entries(t.configs ?? {}).map(([name, value]) => ({ name, value })),
    })),
    timeoutMs,
    validateOnly,
  };
}

export function deleteTopicsRequest(names: readonly string[], timeoutMs: number, version: number): DeleteTopicsRequest {
  return version >= 6 ? { topics: names.map((name) => ({ name, topicId: ZERO_UUID })), timeoutMs } : { topicNames: [...names], timeoutMs };
}

export interface NewPartitions {
  topic: string;
  /** The partition count after the change. */
  count: number;
  /** Broker ids of each new partition's replicas. */
  assignments?: number[][];
}

export function createPartitionsRequest(list: readonly NewPartitions[], timeoutMs: number, validateOnly: boolean): CreatePartitionsRequest {
  return {
    topics: list.map((p) => ({ name: p.topic, count: p.count, assignments: p.assignments === undefined ? null : p.assignments.map((brokerIds) => ({ brokerIds })) })),
    timeoutMs,
    validateOnly,
  };
}

/** Kafka's ConfigResource.Type ids. */
export const ConfigResourceType = { TOPIC: 2, BROKER: 4, BROKER_LOGGER: 8 } as const;
export type ConfigResourceTypeId = (typeof ConfigResourceType)[keyof typeof ConfigResourceType];

export interface ConfigResource {
  type: ConfigResourceTypeId;
  name: string;
}

export function describeConfigsRequest(resources: readonly (ConfigResource & { keys?: string[] | null })[], includeSynonyms: boolean, version: number): DescribeConfigsRequest {
  return {
    resources: resources.map((r) => ({ resourceType: r.type, resourceName: r.name, configurationKeys: r.keys ?? null })),
    includeSynonyms: version >= 1 ? includeSynonyms : undefined,
  };
}

export function alterConfigsRequest(resources: readonly (ConfigResource & { configs: Record<string, string | null> })[], validateOnly: boolean): AlterConfigsRequest {
  return {
    resources: resources.map((r) => ({ resourceType: r.type, resourceName: r.name, configs: Object.entries(r.configs).map(([name, value]) => ({ name, value })) })),
    validateOnly,
  };
}

/** AlterConfigOp.OpType ids. */
export const ConfigOperation = { SET: 0, DELETE: 1, APPEND: 2, SUBTRACT: 3 } as const;

export interface ConfigOp {
  name: string;
  op: keyof typeof ConfigOperation;
  value?: string | null;
}

export function incrementalAlterConfigsRequest(resources: readonly (ConfigResource & { ops: ConfigOp[] })[], validateOnly: boolean): IncrementalAlterConfigsRequest {
  return {
    resources: resources.map((r) => ({
      resourceType: r.type,
      resourceName: r.name,
      configs: r.ops.map((o) => ({ name: o.name, configOperation: ConfigOperation[o.op], value: o.value ?? null })),
    })),
    validateOnly,
  };
}

/** ListOffsets special timestamps. */
export const OffsetSpec = { LATEST: -1n, EARLIEST: -2n, MAX_TIMESTAMP: -3n } as const;

export interface PartitionTimestamp {
  topic: string;
  partition: number;
  timestamp: bigint;
}

export function listOffsetsRequest(list: readonly PartitionTimestamp[], isolationLevel: number, version: number): ListOffsetsRequest {
  const topics = new Map<string, { partitionIndex: number; timestamp: bigint; maxNumOffsets?: number }[]>();
  for (const p of list) {
    let parts = topics.get(p.topic);
    if (parts === undefined) topics.set(p.topic, (parts = []));
    parts.push({ partitionIndex: p.partition, timestamp: p.timestamp, maxNumOffsets: version === 0 ? 1 : undefined });
  }
  return {
    replicaId: -1,
    isolationLevel: version >= 2 ? isolationLevel : undefined,
    topics: [...topics].map(([name, partitions]) => ({ name, partitions })),
  } as ListOffsetsRequest;
}

export function deleteRecordsRequest(list: readonly { topic: string; partition: number; offset: bigint }[], timeoutMs: number): DeleteRecordsRequest {
  const topics = new Map<string, { partitionIndex: number; offset: bigint }[]>();
  for (const p of list) {
    let parts = topics.get(p.topic);
    if (parts === undefined) topics.set(p.topic, (parts = []));
    parts.push({ partitionIndex: p.partition, offset: p.offset });
  }
  return { topics: [...topics].map(([name, partitions]) => ({ name, partitions })), timeoutMs };
}

export function findGroupCoordinatorRequest(groupId: string, version: number): FindCoordinatorRequest {
  return version >= 4 ? { keyType: 0, coordinatorKeys: [groupId] } : { key: groupId, keyType: version >= 1 ? 0 : undefined } as FindCoordinatorRequest;
}

export interface TopicPartitions {
  topic: string;
  partitions: number[];
}

/**
 * OffsetFetch for one group; `topics` null for every partition the group has offsets for (v2+). `requireStable` (v7+)
 * asks for UNSTABLE_OFFSET_COMMIT where a transaction's offsets are pending.
 */
export function offsetFetchRequest(groupId: string, topics: readonly TopicPartitions[] | null, version: number, requireStable = false): OffsetFetchRequest {
  const list = topics === null ? null : topics.map((t) => ({ name: t.topic, partitionIndexes: t.partitions }));
  if (version >= 8) return { groups: [{ groupId, topics: list }], requireStable };
  return { groupId, topics: list, requireStable: version >= 7 ? requireStable : undefined } as OffsetFetchRequest;
}

export interface PartitionOffset {
  topic: string;
  partition: number;
  offset: bigint;
  metadata?: string | null;
}

/** OffsetCommit from outside the group (generation -1, no member id), as AdminClient.alterConsumerGroupOffsets sends. */
export function adminOffsetCommitRequest(groupId: string, offsets: readonly PartitionOffset[]): OffsetCommitRequest {
  const topics = new Map<string, { partitionIndex: number; committedOffset: bigint; committedMetadata: string | null }[]>();
  for (const o of offsets) {
    let parts = topics.get(o.topic);
    if (parts === undefined) topics.set(o.topic, (parts = []));
    parts.push({ partitionIndex: o.partition, committedOffset: o.offset, committedMetadata: o.metadata ?? null });
  }
  return { groupId, generationIdOrMemberEpoch: -1, memberId: '', topics: [...topics].map(([name, partitions]) => ({ name, partitions })) };
}

export function describeGroupsRequest(groups: readonly string[]): { groups: string[]; includeAuthorizedOperations: boolean } {
  return { groups: [...groups], includeAuthorizedOperations: false };
}
