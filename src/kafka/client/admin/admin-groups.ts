// Consumer-group administration: listing (every broker is asked, as each coordinates some groups), and
// describe/delete/offsets, sent to the group's coordinator (found with FindCoordinator, found again when the
// answer is NOT_COORDINATOR or COORDINATOR_NOT_AVAILABLE).
import { ErrorCode } from '../../protocol/errors.js';
import { ApiKey } from '../../protocol/schemas/index.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { withRetries } from '../cluster/retry.js';
import { partitionKey } from '../cluster/leader-requests.js';
import { kafkaError, throwIfError } from '../errors/index.js';
import {
  adminOffsetCommitRequest,
  describeGroupsRequest,
  findGroupCoordinatorRequest,
  offsetFetchRequest,
  type PartitionOffset,
  type TopicPartitions,
} from './admin-requests.js';

export interface GroupListing {
  groupId: string;
  protocolType: string;
  /** v4+ brokers only; '' otherwise. */
  state: string;
}

export interface GroupMember {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  metadata: Buffer;
  assignment: Buffer;
}

export interface GroupDescription {
  groupId: string;
  state: string;
  protocolType: string;
  protocol: string;
  coordinator: number;
  members: GroupMember[];
}

export interface CommittedOffset {
  topic: string;
  partition: number;
  offset: bigint;
  leaderEpoch: number;
  metadata: string | null;
}

export interface OffsetDeleteResults {
  errorCode: number;
  partitions: { topic: string; partition: number; errorCode: number }[];
}

const COORDINATOR_MOVED: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);

export class AdminGroups {
  private readonly coordinators = new Map<string, number>();

  constructor(readonly cluster: KafkaCluster) {}

  /** The node id of the group's coordinator. */
  async findCoordinator(groupId: string): Promise<number> {
    const cached = this.coordinators.get(groupId);
    if (cached !== undefined) return cached;
    const nodeId = await withRetries(async () => {
      const r = await this.cluster.request({ kind: 'any' }, ApiKey.FindCoordinator, (v) => findGroupCoordinatorRequest(groupId, v));
      const c = r.coordinators !== undefined && r.coordinators.length > 0 ? r.coordinators[0] : { errorCode: r.errorCode ?? 0, errorMessage: r.errorMessage ?? null, nodeId: r.nodeId ?? -1 };
      throwIfError(c.errorCode, c.errorMessage, `FindCoordinator ${groupId}`);
      return c.nodeId;
    }, this.cluster.retry);
    this.coordinators.set(groupId, nodeId);
    return nodeId;
  }

  /** Runs `op` against the group's coordinator; a coordinator change is followed and the op retried. */
  private async atCoordinator<T>(groupId: string, op: (nodeId: number) => Promise<T>): Promise<T> {
    return withRetries(
      async () => op(await this.findCoordinator(groupId)),
      this.cluster.retry,
      (err) => {
        const code = (err as { code?: number }).code;
        if (code !== undefined && COORDINATOR_MOVED.has(code)) this.coordinators.delete(groupId);
        if ((err as Error).name === 'KafkaConnectionError') this.coordinators.delete(groupId);
      },
    );
  }

  /** Groups known to every broker of the cluster (each answers for the groups it coordinates). */
  async listGroups(): Promise<GroupListing[]> {
    const md = await this.cluster.refreshMetadata([]);
    const lists = await Promise.all(
      [...md.brokers.keys()].map(async (nodeId) => {
        const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.ListGroups, { statesFilter: [], typesFilter: [] });
        throwIfError(r.errorCode, null, `ListGroups at broker ${nodeId}`);
        return r.groups.map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.groupState ?? '' }));
      }),
    );
    return lists.flat().sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: readonly string[]): Promise<GroupDescription[]> {
    return Promise.all(
      groupIds.map((groupId) =>
        this.atCoordinator(groupId, async (nodeId) => {
          const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.DescribeGroups, describeGroupsRequest([groupId]));
          const g = r.groups.find((x) => x.groupId === groupId);
          if (g === undefined) throw kafkaError(ErrorCode.GROUP_ID_NOT_FOUND, null, `group ${groupId}`);
          throwIfError(g.errorCode, null, `group ${groupId}`);
          return {
            groupId,
            state: g.groupState,
            protocolType: g.protocolType,
            protocol: g.protocolData,
            coordinator: nodeId,
            members: g.members.map((m) => ({
              memberId: m.memberId,
              groupInstanceId: m.groupInstanceId ?? null,
              clientId: m.clientId,
              clientHost: m.clientHost,
              metadata: m.memberMetadata,
              assignment: m.memberAssignment,
            })),
          };
        }),
      ),
    );
  }

  async deleteGroups(groupIds: readonly string[]): Promise<void> {
    await Promise.all(
      groupIds.map((groupId) =>
        this.atCoordinator(groupId, async (nodeId) => {
          const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.DeleteGroups, { groupsNames: [groupId] });
          for (const g of r.results) throwIfError(g.errorCode, null, `group ${groupId}`);
        }),
      ),
    );
  }

  /** The group's committed offsets: of the given partitions, or of every partition it has one for. */
  async listConsumerGroupOffsets(groupId: string, topics: readonly TopicPartitions[] | null = null): Promise<CommittedOffset[]> {
    return this.atCoordinator(groupId, async (nodeId) => {
      const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.OffsetFetch, (v) => offsetFetchRequest(groupId, topics, v));
      const group = r.groups !== undefined && r.groups.length > 0 ? r.groups[0] : undefined;
      throwIfError(group?.errorCode ?? r.errorCode ?? 0, null, `group ${groupId}`);
      const list = group !== undefined ? group.topics : r.topics ?? [];
      const out: CommittedOffset[] = [];
      for (const t of list) {
        for (const p of t.partitions) {
          throwIfError(p.errorCode, null, `${t.name}-${p.partitionIndex}`);
          if (p.committedOffset < 0n) continue;
          out.push({ topic: t.name, partition: p.partitionIndex, offset: p.committedOffset, leaderEpoch: p.committedLeaderEpoch ?? -1, metadata: p.metadata });
        }
      }
      return out.sort((a, b) => (a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition));
    });
  }

  /** Commits offsets for a group that has no active members (the broker refuses otherwise: UNKNOWN_MEMBER_ID). */
  async alterConsumerGroupOffsets(groupId: string, offsets: readonly PartitionOffset[]): Promise<void> {
    await this.atCoordinator(groupId, async (nodeId) => {
      const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.OffsetCommit, adminOffsetCommitRequest(groupId, offsets));
      for (const t of r.topics) for (const p of t.partitions) throwIfError(p.errorCode, null, partitionKey({ topic: t.name, partition: p.partitionIndex }));
    });
  }

  async deleteConsumerGroupOffsets(groupId: string, topics: readonly TopicPartitions[]): Promise<void> {
    const r = await this.deleteConsumerGroupOffsetsResults(groupId, topics);
    throwIfError(r.errorCode, null, `group ${groupId}`);
    for (const p of r.partitions) throwIfError(p.errorCode, null, partitionKey(p));
  }

  /** OffsetDelete's answer as it is: the group's error code and each partition's (for tools that print them all). */
  async deleteConsumerGroupOffsetsResults(groupId: string, topics: readonly TopicPartitions[]): Promise<OffsetDeleteResults> {
    return this.atCoordinator(groupId, async (nodeId) => {
      const r = await this.cluster.request({ kind: 'node', nodeId }, ApiKey.OffsetDelete, {
        groupId,
        topics: topics.map((t) => ({ name: t.topic, partitions: t.partitions.map((partitionIndex) => ({ partitionIndex })) })),
      });
      // A moved coordinator is retried by atCoordinator.
      if (COORDINATOR_MOVED.has(r.errorCode)) throw kafkaError(r.errorCode, null, `group ${groupId}`);
      return { errorCode: r.errorCode, partitions: r.topics.flatMap((t) => t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex, errorCode: p.errorCode }))) };
    });
  }
}
