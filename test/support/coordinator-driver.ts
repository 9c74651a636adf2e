// Drives a GroupCoordinator the way the broker adapter will: answers land in a map, appends go to an
// in-memory log per __consumer_offsets partition (completed at once unless held), and due timers fire.

import { GroupCoordinator } from '../../src/kafka/coordinator/coordinator.js';
import { decodeOffsetsLogRecord, type OffsetsLogEntry, type OffsetsLogRecord } from '../../src/kafka/coordinator/offsets-records.js';
import type {
  AppendRecord,
  CoordinatorConfig,
  CoordinatorResponse,
  Effect,
  JoinGroupRequest,
  JoinGroupResponse,
  OffsetFetchPartition,
  SyncGroupResponse,
  TxnOffsetCommitRequest,
} from '../../src/kafka/coordinator/types.js';

export const TEST_CONFIG: CoordinatorConfig = {
  groupMinSessionTimeoutMs: 6000,
  groupMaxSessionTimeoutMs: 1_800_000,
  groupInitialRebalanceDelayMs: 0,
  groupMaxSize: 1000,
  offsetMetadataMaxBytes: 4096,
  offsetsTopicNumPartitions: 3,
  offsetsRetentionMs: 7 * 24 * 3600 * 1000,
  offsetsRetentionCheckIntervalMs: 600_000,
};

export type AppendEffect = Extract<Effect, { kind: 'append' }>;

export class CoordinatorDriver {
  readonly c: GroupCoordinator;
  nowMs = 0;
  private nextRequestId = 1;
  private uuidCounter = 0;
  readonly responses = new Map<number, CoordinatorResponse>();
  readonly forgotten = new Set<number>();
  /** Records each partition's log received, in append order. */
  readonly log = new Map<number, AppendRecord[]>();
  /** The same as a load reads it: records of transactional appends carry their producer id; markers in between. */
  readonly entries = new Map<number, OffsetsLogEntry[]>();
  /** Appends awaiting completion while holdAppends is set. */
  readonly heldAppends: AppendEffect[] = [];
  holdAppends = false;
  /** Decides each acks=all append's outcome when not held (0 = success; a failure never reaches the log). */
  appendOutcome: () => number = () => 0;
  readonly allEffects: Effect[] = [];

  constructor(config: Partial<CoordinatorConfig> = {}, opts: { load?: boolean } = {}) {
    this.c = new GroupCoordinator({ ...TEST_CONFIG, ...config }, () => `uuid${++this.uuidCounter}`);
    this.apply(this.c.startup(0));
    if (opts.load !== false) {
      for (let p = 0; p < this.c.config.offsetsTopicNumPartitions; p++) this.loadPartition(p, 0);
    }
  }

  loadPartition(partition: number, leaderEpoch: number, records: OffsetsLogEntry[] = []): void {
    this.apply(this.c.beginLoad(this.nowMs, partition, leaderEpoch));
    this.apply(this.c.completeLoad(this.nowMs, partition, leaderEpoch, records));
  }

  /** The decoded records of a partition's log. */
  records(partition: number): OffsetsLogRecord[] {
    return (this.log.get(partition) ?? []).map((r) => decodeOffsetsLogRecord(r.key, r.value));
  }

  allRecords(): OffsetsLogRecord[] {
    const out: OffsetsLogRecord[] = [];
    for (const p of [...this.log.keys()].sort((a, b) => a - b)) out.push(...this.records(p));
    return out;
  }

  newRequestId(): number {
    return this.nextRequestId++;
  }

  apply(effects: Effect[]): void {
    const queue = [...effects];
    while (queue.length > 0) {
      const e = queue.shift()!;
      this.allEffects.push(e);
      switch (e.kind) {
        case 'respond':
          if (this.responses.has(e.requestId)) throw new Error(`request ${e.requestId} answered twice`);
          this.responses.set(e.requestId, e.response);
          break;
        case 'forget':
          this.forgotten.add(e.requestId);
          break;
        case 'append':
          if (e.acks === 'none') this.appendToLog(e);
          else if (this.holdAppends) this.heldAppends.push(e);
          else {
            const errorCode = this.appendOutcome();
            if (errorCode === 0) this.appendToLog(e);
            queue.push(...this.c.appendCompleted(this.nowMs, e.appendId, errorCode));
          }
          break;
        case 'timer':
          break;
      }
    }
    this.fireDue();
  }

  private appendToLog(e: AppendEffect): void {
    const list = this.log.get(e.partition) ?? [];
    list.push(...e.records);
    this.log.set(e.partition, list);
    const entries = this.entries.get(e.partition) ?? [];
    for (const r of e.records) {
      const decoded = decodeOffsetsLogRecord(r.key, r.value);
      entries.push(e.producer ? { ...decoded, producerId: e.producer.producerId } : decoded);
    }
    this.entries.set(e.partition, entries);
  }

  /** A transaction marker is written to the partition's log and reported to the coordinator. */
  marker(partition: number, producerId: number, commit: boolean): void {
    const entries = this.entries.get(partition) ?? [];
    entries.push({ type: 'txn-marker', producerId, commit });
    this.entries.set(partition, entries);
    this.apply(this.c.txnMarkerWritten(this.nowMs, partition, producerId, commit));
  }

  /** Completes held appends in order; a non-zero errorCode fails them (nothing reaches the log). */
  completeHeld(errorCode = 0, count = Infinity): void {
    while (count-- > 0 && this.heldAppends.length > 0) {
      const e = this.heldAppends.shift()!;
      if (errorCode === 0) this.appendToLog(e);
      this.apply(this.c.appendCompleted(this.nowMs, e.appendId, errorCode));
    }
  }

  private fireDue(): void {
    for (let d = this.c.nextDeadlineMs(); d !== null && d <= this.nowMs; d = this.c.nextDeadlineMs()) {
      this.apply(this.c.tick(this.nowMs));
    }
  }

  /** Moves the clock forward, firing each deadline at its own time. */
  advance(ms: number): void {
    const target = this.nowMs + ms;
    for (let d = this.c.nextDeadlineMs(); d !== null && d <= target; d = this.c.nextDeadlineMs()) {
      this.nowMs = Math.max(this.nowMs, d);
      this.apply(this.c.tick(this.nowMs));
    }
    this.nowMs = target;
  }

  response<T extends CoordinatorResponse>(requestId: number): T | undefined {
    return this.responses.get(requestId) as T | undefined;
  }

  // ---- request shorthands ---------------------------------------------------------------------------

  join(groupId: string, opts: Partial<JoinGroupRequest> = {}): number {
    const id = this.newRequestId();
    this.apply(
      this.c.joinGroup(this.nowMs, id, {
        apiVersion: 5,
        groupId,
        sessionTimeoutMs: 10_000,
        rebalanceTimeoutMs: 30_000,
        memberId: '',
        groupInstanceId: null,
        protocolType: 'consumer',
        protocols: [{ name: 'range', metadata: Buffer.from('m') }],
        clientId: 'client',
        clientHost: '/127.0.0.1',
        ...opts,
      }),
    );
    return id;
  }

  /** JoinGroup v4+ without an id, then again with the id the coordinator handed out. */
  joinDynamic(groupId: string, opts: Partial<JoinGroupRequest> = {}): number {
    const first = this.join(groupId, { apiVersion: 5, ...opts });
    const r = this.response<JoinGroupResponse>(first);
    if (!r || r.errorCode !== 79) throw new Error(`expected MEMBER_ID_REQUIRED, got ${JSON.stringify(r)}`);
    return this.join(groupId, { apiVersion: 5, ...opts, memberId: r.memberId });
  }

  sync(groupId: string, generationId: number, memberId: string, assignments: { memberId: string; assignment: Uint8Array }[] = [], extra: { groupInstanceId?: string | null; protocolType?: string | null; protocolName?: string | null } = {}): number {
    const id = this.newRequestId();
    this.apply(
      this.c.syncGroup(this.nowMs, id, {
        apiVersion: 5,
        groupId,
        generationId,
        memberId,
        groupInstanceId: extra.groupInstanceId ?? null,
        protocolType: extra.protocolType ?? null,
        protocolName: extra.protocolName ?? null,
        assignments,
      }),
    );
    return id;
  }

  heartbeat(groupId: string, generationId: number, memberId: string, groupInstanceId: string | null = null): number {
    const id = this.newRequestId();
    this.apply(this.c.heartbeat(this.nowMs, id, { groupId, generationId, memberId, groupInstanceId }));
    const r = this.responses.get(id);
    if (!r || r.api !== 'Heartbeat') throw new Error('heartbeat not answered at once');
    return r.errorCode;
  }

  leave(groupId: string, members: { memberId: string; groupInstanceId: string | null }[]): number {
    const id = this.newRequestId();
    this.apply(this.c.leaveGroup(this.nowMs, id, { groupId, members }));
    return id;
  }

  commit(groupId: string, generationId: number, memberId: string, offsets: Record<string, bigint>, opts: { retentionTimeMs?: number; metadata?: string; groupInstanceId?: string | null } = {}): number {
    const byTopic = new Map<string, { partitionIndex: number; committedOffset: bigint; committedLeaderEpoch: number; commitTimestampMs: number; committedMetadata: string | null }[]>();
    for (const [tp, offset] of Object.entries(offsets)) {
      const at = tp.lastIndexOf('-');
      const topic = tp.slice(0, at);
      const list = byTopic.get(topic) ?? [];
      list.push({ partitionIndex: Number(tp.slice(at + 1)), committedOffset: offset, committedLeaderEpoch: -1, commitTimestampMs: -1, committedMetadata: opts.metadata ?? '' });
      byTopic.set(topic, list);
    }
    const id = this.newRequestId();
    this.apply(
      this.c.commitOffsets(this.nowMs, id, {
        apiVersion: 8,
        groupId,
        generationId,
        memberId,
        groupInstanceId: opts.groupInstanceId ?? null,
        retentionTimeMs: opts.retentionTimeMs ?? -1,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      }),
    );
    return id;
  }

  txnCommit(groupId: string, producerId: number, offsets: Record<string, bigint>, opts: Partial<Omit<TxnOffsetCommitRequest, 'groupId' | 'producerId' | 'topics'>> & { metadata?: string } = {}): number {
    const byTopic = new Map<string, TxnOffsetCommitRequest['topics'][number]['partitions']>();
    for (const [tp, offset] of Object.entries(offsets)) {
      const at = tp.lastIndexOf('-');
      const topic = tp.slice(0, at);
      const list = byTopic.get(topic) ?? [];
      list.push({ partitionIndex: Number(tp.slice(at + 1)), committedOffset: offset, committedLeaderEpoch: 3, committedMetadata: opts.metadata ?? 'txn' });
      byTopic.set(topic, list);
    }
    const id = this.newRequestId();
    this.apply(
      this.c.txnCommitOffsets(this.nowMs, id, {
        groupId,
        producerId,
        producerEpoch: opts.producerEpoch ?? 0,
        generationId: opts.generationId ?? -1,
        memberId: opts.memberId ?? '',
        groupInstanceId: opts.groupInstanceId ?? null,
        topics: [...byTopic].map(([name, partitions]) => ({ name, partitions })),
      }),
    );
    return id;
  }

  /** OffsetFetch of these `topic-partition`s: each one's answer. */
  fetch(groupId: string, tps: string[], requireStable: boolean): Map<string, OffsetFetchPartition> {
    const byTopic = new Map<string, number[]>();
    for (const tp of tps) {
      const at = tp.lastIndexOf('-');
      byTopic.set(tp.slice(0, at), [...(byTopic.get(tp.slice(0, at)) ?? []), Number(tp.slice(at + 1))]);
    }
    const id = this.newRequestId();
    this.apply(this.c.fetchOffsets(this.nowMs, id, [{ groupId, topics: [...byTopic].map(([name, partitionIndexes]) => ({ name, partitionIndexes })) }], requireStable));
    const r = this.responses.get(id);
    if (!r || r.api !== 'OffsetFetch') throw new Error('fetch not answered');
    const out = new Map<string, OffsetFetchPartition>();
    for (const t of r.groups[0]!.topics) for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, p);
    return out;
  }

  /** Committed offsets as `topic-partition → offset` (only the ones the coordinator reports). */
  fetchAll(groupId: string): Map<string, bigint> {
    const id = this.newRequestId();
    this.apply(this.c.fetchOffsets(this.nowMs, id, [{ groupId, topics: null }], false));
    const r = this.responses.get(id);
    if (!r || r.api !== 'OffsetFetch') throw new Error('fetch not answered');
    const out = new Map<string, bigint>();
    for (const t of r.groups[0]!.topics) for (const p of t.partitions) out.set(`${t.name}-${p.partitionIndex}`, p.committedOffset);
    return out;
  }

  joinResponse(id: number): JoinGroupResponse {
    const r = this.response<JoinGroupResponse>(id);
    if (!r) throw new Error(`JoinGroup ${id} not answered`);
    return r;
  }

  syncResponse(id: number): SyncGroupResponse {
    const r = this.response<SyncGroupResponse>(id);
    if (!r) throw new Error(`SyncGroup ${id} not answered`);
    return r;
  }
}
