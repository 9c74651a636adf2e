// A consumer in a consumer group: subscribes to topics or a pattern, joins the group through its coordinator
// (eager rebalancing: everything is revoked before a rejoin), starts each assigned partition at the group's
// committed offset or auto.offset.reset, and commits positions automatically (enable.auto.commit) or on
// request. Fetching is the assign-mode KafkaConsumer's.
import { KafkaArgumentError, KafkaClosedError } from '../errors/index.js';
import { partitionKey, type PartitionRef } from '../cluster/leader-requests.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { MetricReading } from '../metrics/client-metrics.js';
import { KafkaConsumer, type ConsumerOptions, type ConsumerRecord, type FetchedChunk } from './kafka-consumer.js';
import { assignorByName, type PartitionAssignor } from './group/assignors.js';
import { encodeSubscription, type Subscription } from './group/consumer-protocol.js';
import { GroupMembership } from './group/group-membership.js';
import { commitOffsets, fetchCommittedOffsets } from './group/group-offsets.js';
import type { OffsetToCommit } from './group/group-requests.js';

export interface RebalanceListener {
  /** Before a rebalance takes partitions away (offsets can still be committed here). */
  onPartitionsRevoked?(partitions: PartitionRef[]): void | Promise<void>;
  /** After the new assignment is in place, before records of it are returned. */
  onPartitionsAssigned?(partitions: PartitionRef[]): void | Promise<void>;
  /** When the partitions already belong to someone else (the member was fenced or forgotten). */
  onPartitionsLost?(partitions: PartitionRef[]): void | Promise<void>;
}

export interface GroupConsumerOptions extends ConsumerOptions {
  /** group.id */
  groupId: string;
  /** group.instance.id: static membership (the member keeps its assignment across restarts within the session timeout). */
  groupInstanceId?: string;
  /** session.timeout.ms (default 10000, Kafka 2.8's) */
  sessionTimeoutMs?: number;
  /** max.poll.interval.ms, sent as the rebalance timeout (default 300000) */
  rebalanceTimeoutMs?: number;
  /** heartbeat.interval.ms (default 3000) */
  heartbeatIntervalMs?: number;
  /** enable.auto.commit (default true) */
  enableAutoCommit?: boolean;
  /** auto.commit.interval.ms (default 5000) */
  autoCommitIntervalMs?: number;
  /** partition.assignment.strategy, in order of preference (default range, as Kafka 2.8). */
  assignors?: readonly (PartitionAssignor | string)[];
  /** exclude.internal.topics: a pattern does not match __consumer_offsets and the like (default true). */
  excludeInternalTopics?: boolean;
  rebalanceListener?: RebalanceListener;
}

function resolveAssignor(a: PartitionAssignor | string): PartitionAssignor {
  if (typeof a !== 'string') return a;
  // Java class names (org.apache.kafka.clients.consumer.RangeAssignor) name the same assignors.
  const short = a.replace(/^org\.apache\.kafka\.clients\.consumer\./, '').replace(/Assignor$/, '').toLowerCase();
  const found = assignorByName(a) ?? assignorByName(short);
  if (found === undefined) throw new KafkaArgumentError(`unknown partition assignor ${a} (known: range, roundrobin, cooperative-sticky, RoundRobinAssigner)`);
  return found;
}

export class KafkaGroupConsumer {
  readonly consumer: KafkaConsumer;
  readonly membership: GroupMembership;
  private readonly autoCommit: boolean;
  private readonly autoCommitIntervalMs: number;
  private readonly excludeInternal: boolean;
  private readonly listener: RebalanceListener;
  private subscription: readonly string[] | RegExp | null = null;
  private topics: string[] = [];
  private assigned: PartitionRef[] = [];
  private readonly lastCommitted = new Map<string, bigint>();
  private nextAutoCommitAt = 0;
  private autoCommitting: Promise<void> | undefined;
  private nextPatternCheckAt = 0;
  private closed = false;

  constructor(options: GroupConsumerOptions) {
    if (!options.groupId) throw new KafkaArgumentError('groupId is required for a group consumer');
    this.consumer = new KafkaConsumer({ ...options, allowAutoCreateTopics: options.allowAutoCreateTopics ?? true });
    const sessionTimeoutMs = options.sessionTimeoutMs ?? 10_000;
    this.membership = new GroupMembership(this.consumer.cluster, {
      groupId: options.groupId,
      groupInstanceId: options.groupInstanceId ?? null,
      sessionTimeoutMs,
      rebalanceTimeoutMs: options.rebalanceTimeoutMs ?? 300_000,
      heartbeatIntervalMs: options.heartbeatIntervalMs ?? Math.min(3000, Math.floor(sessionTimeoutMs / 3)),
      assignors: (options.assignors ?? ['range']).map(resolveAssignor),
    });
    this.membership.onRejoinNeeded = () => this.consumer.wakeup();
    this.autoCommit = options.enableAutoCommit ?? true;
    this.autoCommitIntervalMs = options.autoCommitIntervalMs ?? 5000;
    this.excludeInternal = options.excludeInternalTopics ?? true;
    this.listener = options.rebalanceListener ?? {};
  }

  get cluster(): KafkaCluster {
    return this.consumer.cluster;
  }

  /** The consumer's metrics, as Kafka names them (KafkaConsumer.metrics), read now. */
  metrics(): MetricReading[] {
    return this.consumer.metrics();
  }

  get groupId(): string {
    return this.membership.options.groupId;
  }

  get memberId(): string {
    return this.membership.memberId;
  }

  get generationId(): number {
    return this.membership.generationId;
  }

  connect(): Promise<unknown> {
    return this.consumer.connect();
  }

  /** Subscribes to topics by name, or to every topic whose whole name matches a pattern. */
  subscribe(topics: readonly string[] | RegExp): void {
    this.checkOpen();
    if (Array.isArray(topics)) {
      if (topics.length === 0) throw new KafkaArgumentError('subscribe to at least one topic (or call unsubscribe)');
      this.topics = [...new Set(topics)].sort();
      this.subscription = [...this.topics];
    } else {
      this.subscription = topics;
      this.topics = [];
      this.nextPatternCheckAt = 0;
    }
    this.membership.requestRejoin(false);
  }

  /** The partitions assigned by the last rebalance. */
  assignment(): PartitionRef[] {
    return this.assigned.map((p) => ({ ...p }));
  }

  /** Topics of the subscription (the pattern's matches so far, for a pattern). */
  subscribedTopics(): string[] {
    return [...this.topics];
  }

  position(topic: string, partition: number): bigint | null {
    return this.consumer.position(topic, partition);
  }

  seek(topic: string, partition: number, offset: bigint | 'earliest' | 'latest'): void {
    this.consumer.seek(topic, partition, offset);
  }

  /**
   * Records of the assigned partitions, waiting up to timeoutMs. Rebalances (and the callbacks) happen inside
   * poll, as do automatic commits.
   */
  poll(timeoutMs = 1000): Promise<ConsumerRecord[]> {
    return this.pollWith(timeoutMs, (ms) => this.consumer.poll(ms));
  }

  /** Whole fetched answers (KafkaConsumer.pollFetched), with poll()'s rebalances and automatic commits. */
  pollFetched(timeoutMs = 1000): Promise<FetchedChunk[]> {
    return this.pollWith(timeoutMs, (ms) => this.consumer.pollFetched(ms));
  }

  /** Answers from pollFetched() no longer used (KafkaConsumer.releaseFetched). */
  releaseFetched(chunks: readonly FetchedChunk[]): void {
    this.consumer.releaseFetched(chunks);
  }

  private async pollWith<T>(timeoutMs: number, take: (ms: number) => Promise<T[]>): Promise<T[]> {
    this.checkOpen();
    if (this.subscription === null) throw new KafkaArgumentError('subscribe before poll');
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      await this.ensureActive();
      const records = await take(Math.max(0, deadline - Date.now()));
      this.maybeAutoCommit();
      if (records.length > 0 || Date.now() >= deadline || this.closed) return records;
    }
  }

  private checkOpen(): void {
    if (this.closed) throw new KafkaClosedError('the group consumer');
  }

  private async ensureActive(): Promise<void> {
    const m = this.membership;
    if (m.fatal) throw m.fatal;
    if (this.subscription instanceof RegExp && Date.now() >= this.nextPatternCheckAt) await this.matchPattern(this.subscription);
    if (!m.rejoinNeeded && m.isStable) return;
    await this.giveUpAssignment();
    const subscription: Subscription = { topics: this.topics, userData: null, ownedPartitions: [], generationId: -1, rackId: null };
    const assignment = await m.join(subscription, (s) => encodeSubscription(s, 1), (topics) => this.partitionCounts(topics));
    const parts = assignment.partitions.flatMap((t) => t.partitions.map((partition) => ({ topic: t.topic, partition })));
    const committed = await fetchCommittedOffsets(m, parts);
    this.lastCommitted.clear();
    this.consumer.assign(parts.map((p) => ({ ...p, offset: committed.get(partitionKey(p)) ?? undefined })));
    for (const [key, offset] of committed) if (offset !== null) this.lastCommitted.set(key, offset);
    this.assigned = parts;
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs;
    await this.listener.onPartitionsAssigned?.(this.assignment());
  }

  /** Before a rejoin: commit and revoke (or, when fenced, report lost) what this member had. */
  private async giveUpAssignment(): Promise<void> {
    if (this.assigned.length === 0) return;
    const had = this.assignment();
    if (this.membership.assignmentLost) {
      await this.listener.onPartitionsLost?.(had);
    } else {
      if (this.autoCommit) await this.commit().catch(() => {});
      await this.listener.onPartitionsRevoked?.(had);
    }
    this.assigned = [];
    this.consumer.assign([]);
  }

  private async matchPattern(pattern: RegExp): Promise<void> {
    const md = await this.cluster.refreshMetadata(null);
    this.nextPatternCheckAt = Date.now() + this.cluster.options.metadataMaxAgeMs;
    const whole = new RegExp(`^(?:${pattern.source})$`, pattern.flags.replace(/[gy]/g, ''));
    const matched = [...md.topics.values()].filter((t) => t.errorCode === 0 && !(this.excludeInternal && t.isInternal) && whole.test(t.name)).map((t) => t.name).sort();
    if (matched.join('\u0000') !== this.topics.join('\u0000')) {
      this.topics = matched;
      this.membership.requestRejoin(false);
    }
  }

  private async partitionCounts(topics: string[]): Promise<Map<string, number>> {
    const out = new Map<string, number>();
    if (topics.length === 0) return out;
    const md = await this.cluster.refreshMetadata(topics);
    for (const name of topics) {
      const t = md.topic(name);
      if (t !== undefined && t.errorCode === 0 && t.partitions.length > 0) out.set(name, t.partitions.length);
    }
    return out;
  }

  /** The positions of assigned partitions that moved since their last commit. */
  private consumedOffsets(): OffsetToCommit[] {
    const out: OffsetToCommit[] = [];
    for (const p of this.assigned) {
      const position = this.consumer.position(p.topic, p.partition);
      if (position !== null && this.lastCommitted.get(partitionKey(p)) !== position) out.push({ ...p, offset: position });
    }
    return out;
  }

  /** Commits the given offsets, or the positions of every assigned partition (commitSync). */
  async commit(offsets?: readonly OffsetToCommit[]): Promise<void> {
    const list = offsets ?? this.consumedOffsets();
    await commitOffsets(this.membership, list);
    for (const o of list) this.lastCommitted.set(partitionKey(o), o.offset);
  }

  /** The group's committed offsets of the partitions (null where none). */
  async committed(partitions: readonly PartitionRef[]): Promise<Map<string, bigint | null>> {
    return fetchCommittedOffsets(this.membership, partitions);
  }

  private maybeAutoCommit(): void {
    if (!this.autoCommit || this.autoCommitting !== undefined || Date.now() < this.nextAutoCommitAt || !this.membership.isStable) return;
    this.nextAutoCommitAt = Date.now() + this.autoCommitIntervalMs;
    this.autoCommitting = this.commit()
      .catch(() => {})
      .finally(() => (this.autoCommitting = undefined));
  }

  /** Commits (with auto commit), revokes, leaves the group and closes the connections. */
  async close(): Promise<void> {
    if (this.closed) return;
    try {
      await this.autoCommitting;
      if (this.membership.isStable) await this.giveUpAssignment().catch(() => {});
      await this.membership.leave();
    } finally {
      this.closed = true;
      await this.consumer.close();
    }
  }
}
