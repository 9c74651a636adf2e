// One member of a consumer group, talking to the group's coordinator over a connection of its own: finding the
// coordinator, JoinGroup (with the member id the broker requires first, v4+), the leader's assignment, SyncGroup,
// heartbeats in the background and LeaveGroup. What a heartbeat learns (a rebalance started, the member was
// fenced or forgotten) is kept as flags the consumer acts on at its next poll, as the Java client does.
import { ErrorCode } from '../../../protocol/errors.js';
import { ApiKey, type ApiMessages } from '../../../protocol/schemas/index.js';
import type { KafkaCluster } from '../../cluster/kafka-cluster.js';
import { backoffMs, sleep } from '../../cluster/retry.js';
import { findGroupCoordinatorRequest } from '../../admin/admin-requests.js';
import { KafkaConnectionError, KafkaRequestTimeoutError, kafkaError, throwIfError } from '../../errors/index.js';
import type { BrokerConnection } from '../../network/broker-connection.js';
import type { PartitionAssignor } from './assignors.js';
import { decodeAssignment, decodeSubscription, encodeAssignment, type Assignment, type Subscription } from './consumer-protocol.js';
import { heartbeatRequest, joinGroupRequest, leaveGroupRequest, syncGroupRequest, type MemberIdentity } from './group-requests.js';

export interface MembershipOptions {
  groupId: string;
  groupInstanceId: string | null;
  sessionTimeoutMs: number;
  rebalanceTimeoutMs: number;
  heartbeatIntervalMs: number;
  assignors: readonly PartitionAssignor[];
}

const COORDINATOR_CHANNEL = 'group-coordinator';
const COORDINATOR_GONE: ReadonlySet<number> = new Set([ErrorCode.NOT_COORDINATOR, ErrorCode.COORDINATOR_NOT_AVAILABLE]);
const RETRY_JOIN: ReadonlySet<number> = new Set([ErrorCode.COORDINATOR_LOAD_IN_PROGRESS, ErrorCode.REBALANCE_IN_PROGRESS]);
/** Errors after which this member's partitions may already belong to someone else: they are lost, not revoked. */
const FENCED: ReadonlySet<number> = new Set([ErrorCode.UNKNOWN_MEMBER_ID, ErrorCode.ILLEGAL_GENERATION]);

export class GroupMembership {
  memberId = '';
  generationId = -1;
  protocolName: string | null = null;
  leaderId = '';
  /** Set when the member must (re)join before its assignment can be trusted again. */
  rejoinNeeded = true;
  /** Set when the coordinator no longer knows this generation: the assignment is lost rather than revoked. */
  assignmentLost = false;
  /** A failure no rejoin fixes (FENCED_INSTANCE_ID, authorization); thrown by the next poll. */
  fatal: Error | undefined;
  /** Called when a heartbeat learns that a rejoin is needed, to end a poll that waits for records. */
  onRejoinNeeded: (() => void) | undefined;
  private coordinatorId = -1;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private heartbeatRunning = false;
  private stable = false;
  private closed = false;

  constructor(
    readonly cluster: KafkaCluster,
    readonly options: MembershipOptions,
  ) {}

  get identity(): MemberIdentity {
    return { groupId: this.options.groupId, memberId: this.memberId, groupInstanceId: this.options.groupInstanceId, generationId: this.generationId };
  }

  get isStable(): boolean {
    return this.stable && !this.rejoinNeeded;
  }

  private async findCoordinator(): Promise<number> {
    for (let attempt = 0; ; attempt++) {
      try {
        const r = await this.cluster.request({ kind: 'any' }, ApiKey.FindCoordinator, (v) => findGroupCoordinatorRequest(this.options.groupId, v));
        const c = r.coordinators !== undefined && r.coordinators.length > 0 ? r.coordinators[0] : { errorCode: r.errorCode ?? 0, errorMessage: r.errorMessage ?? null, nodeId: r.nodeId ?? -1 };
        throwIfError(c.errorCode, c.errorMessage, `FindCoordinator ${this.options.groupId}`);
        return c.nodeId;
      } catch (err) {
        if (!(err as { retriable?: boolean }).retriable || attempt >= this.cluster.retry.retries * 4 || this.closed) throw err;
        await sleep(backoffMs(attempt, this.cluster.retry));
      }
    }
  }

  /** The coordinator's connection, found first if unknown. */
  async coordinator(): Promise<BrokerConnection> {
    if (this.coordinatorId < 0) this.coordinatorId = await this.findCoordinator();
    try {
      return await this.cluster.channelConnection(this.coordinatorId, COORDINATOR_CHANNEL);
    } catch (err) {
      this.coordinatorId = -1;
      throw err;
    }
  }

  /** Sends to the coordinator; forgets the coordinator when it moved or its connection broke. */
  async send<K extends ApiKey>(apiKey: K, build: (version: number) => ApiMessages[K]['request'], timeoutMs?: number): Promise<ApiMessages[K]['response']> {
    const conn = await this.coordinator();
    try {
      return await conn.send(apiKey, build, { timeoutMs });
    } catch (err) {
      if (err instanceof KafkaConnectionError || err instanceof KafkaRequestTimeoutError) this.coordinatorId = -1;
      throw err;
    }
  }

  /** A coordinator answer code that says it moved: forget it so the next request finds it again. */
  noteCoordinatorError(code: number): void {
    if (COORDINATOR_GONE.has(code)) this.coordinatorId = -1;
  }

  /**
   * Joins (or rejoins) the group and returns this member's assignment. `partitionsPerTopic` gives the partition
   * counts the leader assigns from.
   */
  /** Set when the last JoinGroup only handed out a member id. */
  private memberIdGiven = false;

  async join(subscription: Subscription, encode: (s: Subscription) => Buffer, partitionsPerTopic: (topics: string[]) => Promise<Map<string, number>>): Promise<Assignment> {
    this.stopHeartbeats();
    this.stable = false;
    for (let attempt = 0; ; attempt++) {
      if (this.closed) throw kafkaError(ErrorCode.UNKNOWN_MEMBER_ID, 'the consumer is closing');
      let failure: number | undefined;
      this.memberIdGiven = false;
      try {
        const assignment = await this.joinOnce(subscription, encode, partitionsPerTopic);
        if (assignment !== null) {
          this.rejoinNeeded = false;
          this.assignmentLost = false;
          this.stable = true;
          this.startHeartbeats();
          return assignment;
        }
      } catch (err) {
        const code = (err as { code?: number }).code;
        const retriable = (err as { retriable?: boolean }).retriable || err instanceof KafkaConnectionError;
        if (!retriable && code === undefined) throw err;
        if (!retriable && code !== undefined && !COORDINATOR_GONE.has(code) && !RETRY_JOIN.has(code) && !FENCED.has(code)) throw err;
        failure = code;
      }
      if (failure !== undefined && COORDINATOR_GONE.has(failure)) this.coordinatorId = -1;
      // The broker's first answer to a new member is its member id, to join with at once (as the Java client does).
      if (failure === undefined && this.memberIdGiven && attempt === 0) continue;
      await sleep(backoffMs(Math.min(attempt, 5), this.cluster.retry));
    }
  }

  /** One JoinGroup + SyncGroup round: the assignment, or null to go round again. */
  private async joinOnce(subscription: Subscription, encode: (s: Subscription) => Buffer, partitionsPerTopic: (topics: string[]) => Promise<Map<string, number>>): Promise<Assignment | null> {
    const o = this.options;
    const metadata = encode(subscription);
    const protocols = o.assignors.map((a) => ({ name: a.name, metadata }));
    const join = await this.send(ApiKey.JoinGroup, () => joinGroupRequest(this.identity, o.sessionTimeoutMs, o.rebalanceTimeoutMs, protocols, null), o.rebalanceTimeoutMs + 5000);
    if (join.errorCode === ErrorCode.MEMBER_ID_REQUIRED) {
      this.memberId = join.memberId;
      this.memberIdGiven = true;
      return null;
    }
    if (join.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) {
      this.memberId = '';
      return null;
    }
    this.noteCoordinatorError(join.errorCode);
    throwIfError(join.errorCode, null, `JoinGroup ${o.groupId}`);
    this.memberId = join.memberId;
    this.generationId = join.generationId;
    this.protocolName = join.protocolName;
    this.leaderId = join.leader;
    let assignments = new Map<string, Buffer>();
    if (join.leader === join.memberId && !join.skipAssignment) assignments = await this.leaderAssign(join.protocolName, join.members, partitionsPerTopic);
    const sync = await this.send(ApiKey.SyncGroup, () => syncGroupRequest(this.identity, join.protocolName, assignments), o.rebalanceTimeoutMs + 5000);
    if (sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
    if (sync.errorCode === ErrorCode.REBALANCE_IN_PROGRESS || sync.errorCode === ErrorCode.UNKNOWN_MEMBER_ID || sync.errorCode === ErrorCode.ILLEGAL_GENERATION) return null;
    this.noteCoordinatorError(sync.errorCode);
    throwIfError(sync.errorCode, null, `SyncGroup ${o.groupId}`);
    return decodeAssignment(sync.assignment);
  }

  private async leaderAssign(
    protocolName: string | null,
    members: readonly { memberId: string; groupInstanceId?: string | null; metadata: Buffer }[],
    partitionsPerTopic: (topics: string[]) => Promise<Map<string, number>>,
  ): Promise<Map<string, Buffer>> {
    const assignor = this.options.assignors.find((a) => a.name === protocolName);
    if (assignor === undefined) throw kafkaError(ErrorCode.INCONSISTENT_GROUP_PROTOCOL, `the group chose assignor ${protocolName}, which this member did not offer`);
    const subscriptions = members.map((m) => ({ memberId: m.memberId, groupInstanceId: m.groupInstanceId ?? null, subscription: decodeSubscription(m.metadata) }));
    const topics = [...new Set(subscriptions.flatMap((s) => s.subscription.topics))].sort();
    const counts = await partitionsPerTopic(topics);
    const out = new Map<string, Buffer>();
    for (const [memberId, assignment] of assignor.assign(subscriptions, counts)) out.set(memberId, encodeAssignment(assignment, 0));
    return out;
  }

  startHeartbeats(): void {
    this.stopHeartbeats();
    const tick = () => {
      this.heartbeatTimer = setTimeout(async () => {
        if (!this.stable || this.closed) return;
        await this.heartbeat();
        if (this.stable && !this.closed) tick();
      }, this.options.heartbeatIntervalMs);
      this.heartbeatTimer.unref();
    };
    tick();
  }

  stopHeartbeats(): void {
    clearTimeout(this.heartbeatTimer);
    this.heartbeatTimer = undefined;
  }

  private async heartbeat(): Promise<void> {
    if (this.heartbeatRunning) return;
    this.heartbeatRunning = true;
    const generation = this.generationId;
    try {
      const r = await this.send(ApiKey.Heartbeat, () => heartbeatRequest(this.identity), this.options.sessionTimeoutMs);
      if (generation !== this.generationId || r.errorCode === 0) return;
      this.noteCoordinatorError(r.errorCode);
      if (r.errorCode === ErrorCode.REBALANCE_IN_PROGRESS) this.requestRejoin(false);
      else if (FENCED.has(r.errorCode)) {
        if (r.errorCode === ErrorCode.UNKNOWN_MEMBER_ID) this.memberId = '';
        this.requestRejoin(true);
      } else if (r.errorCode === ErrorCode.FENCED_INSTANCE_ID || r.errorCode === ErrorCode.GROUP_AUTHORIZATION_FAILED) {
        this.fatal = kafkaError(r.errorCode, null, `Heartbeat ${this.options.groupId}`);
        this.requestRejoin(true);
      }
    } catch {
      // The coordinator is found again by the next heartbeat or request.
    } finally {
      this.heartbeatRunning = false;
    }
  }

  /** Marks the member for a rejoin at the next poll (lost: the partitions are no longer this member's). */
  requestRejoin(lost: boolean): void {
    this.rejoinNeeded = true;
    if (lost) this.assignmentLost = true;
    this.onRejoinNeeded?.();
  }

  /** Leaves the group (a static member stays: its instance id keeps its place until the session times out). */
  async leave(reason = 'the consumer is being closed'): Promise<void> {
    this.stopHeartbeats();
    const wasMember = this.memberId !== '' && this.generationId >= 0;
    this.stable = false;
    this.closed = true;
    if (!wasMember || this.options.groupInstanceId !== null) return;
    try {
      const conn = await this.coordinator();
      const version = conn.versionFor(ApiKey.LeaveGroup);
      await conn.send(ApiKey.LeaveGroup, leaveGroupRequest(this.identity, version, reason), { version, timeoutMs: 5000 });
    } catch {
      // The session timeout removes the member anyway.
    }
    this.memberId = '';
    this.generationId = -1;
  }
}
