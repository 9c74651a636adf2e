// One group's membership and offsets (Kafka's GroupMetadata/MemberMetadata). Pure data plus the rules
// that only look at the group itself; the coordinator drives transitions, timers and persistence.

import { CONSUMER_PROTOCOL_TYPE, subscribedTopicsOf } from './consumer-subscription.js';
import type { JoinGroupProtocol } from './types.js';

export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

const VALID_PREVIOUS: Record<GroupState, readonly GroupState[]> = {
  Empty: ['PreparingRebalance'],
  PreparingRebalance: ['Stable', 'CompletingRebalance', 'Empty'],
  CompletingRebalance: ['PreparingRebalance'],
  Stable: ['CompletingRebalance'],
  Dead: ['Stable', 'PreparingRebalance', 'CompletingRebalance', 'Empty', 'Dead'],
};

export class IllegalGroupTransition extends Error {
  override name = 'IllegalGroupTransition';
}

/** A member; an unanswered JoinGroup (SyncGroup) request id marks it as awaiting join (sync). */
export interface MemberMetadata {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  rebalanceTimeoutMs: number;
  sessionTimeoutMs: number;
  protocolType: string;
  protocols: JoinGroupProtocol[];
  assignment: Uint8Array;
  awaitingJoinRequestId: number | null;
  awaitingSyncRequestId: number | null;
  isNew: boolean;
  latestHeartbeatMs: number;
  /** When the member's session (or join wait) runs out; null = no expiry scheduled. */
  heartbeatDeadlineMs: number | null;
}

export interface CommittedOffset {
  offset: bigint;
  leaderEpoch: number;
  metadata: string;
  commitTimestampMs: number;
  /** -1 = none. */
  expireTimestampMs: number;
  /** Order of the append that wrote it, so a late completion never overwrites a newer commit. */
  appendSeq: number;
}

/** A transactional commit: `appended` once its record is in the log (only then may a COMMIT marker apply it). */
export interface PendingTxnOffset {
  offset: CommittedOffset;
  appended: boolean;
}

export function topicPartitionKey(topic: string, partition: number): string {
  return `${partition}:${topic}`;
}

export function splitTopicPartitionKey(key: string): { topic: string; partition: number } {
  const at = key.indexOf(':');
  return { topic: key.slice(at + 1), partition: Number(key.slice(0, at)) };
}

export class GroupMetadata {
  state: GroupState = 'Empty';
  currentStateTimestampMs: number | null;
  generationId = 0;
  protocolType: string | null = null;
  protocolName: string | null = null;
  leaderId: string | null = null;
  /** Insertion order is the order Kafka's leader fallback and protocol vote tie-break use here. */
  readonly members = new Map<string, MemberMetadata>();
  readonly staticMembers = new Map<string, string>();
  /** Pending member id → deadline by which it must rejoin (JoinGroup v4+ MEMBER_ID_REQUIRED). */
  readonly pendingMembers = new Map<string, number>();
  readonly offsets = new Map<string, CommittedOffset>();
  /** Commits appended but not yet acknowledged, by topic-partition. */
  readonly pendingOffsetCommits = new Map<string, CommittedOffset>();
  /** Transactional commits by producer id, then topic-partition: kept until the producer's marker ends them. */
  readonly pendingTxnOffsetCommits = new Map<number, Map<string, PendingTxnOffset>>();
  numMembersAwaitingJoin = 0;
  newMemberAdded = false;
  subscribedTopics: Set<string> | null = null;
  /** The rebalance's join deadline (DelayedJoin / InitialDelayedJoin), if one is running. */
  join: { deadlineMs: number; initial: boolean; delayMs: number; remainingMs: number } | null = null;

  constructor(readonly groupId: string, nowMs: number | null) {
    this.currentStateTimestampMs = nowMs;
  }

  is(state: GroupState): boolean {
    return this.state === state;
  }

  transitionTo(state: GroupState, nowMs: number): void {
    if (!VALID_PREVIOUS[state].includes(this.state)) {
      throw new IllegalGroupTransition(`group ${this.groupId}: ${this.state} -> ${state} is not allowed`);
    }
    this.state = state;
    this.currentStateTimestampMs = nowMs;
  }

  canRebalance(): boolean {
    return VALID_PREVIOUS.PreparingRebalance.includes(this.state);
  }

  has(memberId: string): boolean {
    return this.members.has(memberId);
  }

  get(memberId: string): MemberMetadata {
    const m = this.members.get(memberId);
    if (!m) throw new Error(`group ${this.groupId} has no member ${memberId}`);
    return m;
  }

  isLeader(memberId: string): boolean {
    return this.leaderId === memberId;
  }

  hasStaticMember(groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId);
  }

  /** A request naming a known group.instance.id with another member id comes from a fenced duplicate. */
  isStaticMemberFenced(memberId: string, groupInstanceId: string | null): boolean {
    return groupInstanceId !== null && this.staticMembers.has(groupInstanceId) && this.staticMembers.get(groupInstanceId) !== memberId;
  }

  rebalanceTimeoutMs(): number {
    let max = 0;
    for (const m of this.members.values()) max = Math.max(max, m.rebalanceTimeoutMs);
    return max;
  }

  add(member: MemberMetadata): void {
    if (this.members.size === 0) this.protocolType = member.protocolType;
    if (this.leaderId === null) this.leaderId = member.memberId;
    this.members.set(member.memberId, member);
    if (member.awaitingJoinRequestId !== null) this.numMembersAwaitingJoin++;
  }

  remove(memberId: string): void {
    const m = this.members.get(memberId);
    if (!m) return;
    this.members.delete(memberId);
    if (m.awaitingJoinRequestId !== null) this.numMembersAwaitingJoin--;
    if (this.isLeader(memberId)) {
      const first = this.members.keys().next();
      this.leaderId = first.done ? null : first.value;
    }
  }

  /** Sets the member's protocols and awaiting JoinGroup; returns the superseded request, if any. */
  updateMember(member: MemberMetadata, protocols: JoinGroupProtocol[], requestId: number | null): number | null {
    member.protocols = protocols;
    const previous = member.awaitingJoinRequestId;
    if (requestId !== null && previous === null) this.numMembersAwaitingJoin++;
    else if (requestId === null && previous !== null) this.numMembersAwaitingJoin--;
    member.awaitingJoinRequestId = requestId;
    return previous;
  }

  /** Clears the member's awaiting JoinGroup and returns its request id (to be answered). */
  takeJoinRequest(member: MemberMetadata): number | null {
    const id = member.awaitingJoinRequestId;
    if (id !== null) {
      member.awaitingJoinRequestId = null;
      this.numMembersAwaitingJoin--;
    }
    return id;
  }

  hasAllMembersJoined(): boolean {
    return this.members.size === this.numMembersAwaitingJoin && this.pendingMembers.size === 0;
  }

  notYetRejoinedMembers(): MemberMetadata[] {
    return [...this.members.values()].filter((m) => m.awaitingJoinRequestId === null);
  }

  /** Protocols every member supports. */
  private candidateProtocols(): Set<string> {
    const counts = new Map<string, number>();
    for (const m of this.members.values()) {
      for (const name of new Set(m.protocols.map((p) => p.name))) counts.set(name, (counts.get(name) ?? 0) + 1);
    }
    return new Set([...counts].filter(([, c]) => c === this.members.size).map(([name]) => name));
  }

  /** Can a member with these protocols join? (GroupMetadata.supportsProtocols) */
  supportsProtocols(memberProtocolType: string, memberProtocols: readonly JoinGroupProtocol[]): boolean {
    if (this.is('Empty')) return memberProtocolType !== '' && memberProtocols.length > 0;
    if (this.protocolType !== memberProtocolType) return false;
    const candidates = this.candidateProtocols();
    return memberProtocols.some((p) => candidates.has(p.name));
  }

  /** Each member votes for its most preferred candidate protocol; most votes wins (ties: first voted). */
  selectProtocol(): string {
    if (this.members.size === 0) throw new Error(`group ${this.groupId}: cannot select a protocol for an empty group`);
    const candidates = this.candidateProtocols();
    const votes = new Map<string, number>();
    for (const m of this.members.values()) {
      const vote = m.protocols.find((p) => candidates.has(p.name));
      if (vote) votes.set(vote.name, (votes.get(vote.name) ?? 0) + 1);
    }
    let best: string | null = null;
    let bestVotes = -1;
    for (const [name, n] of votes) {
      if (n > bestVotes) {
        best = name;
        bestVotes = n;
      }
    }
    if (best === null) throw new Error(`group ${this.groupId}: members share no protocol`);
    return best;
  }

  /** The member's metadata for the group's selected protocol. */
  memberMetadataFor(member: MemberMetadata, protocol: string): Uint8Array {
    const p = member.protocols.find((x) => x.name === protocol);
    if (!p) throw new Error(`member ${member.memberId} does not support protocol ${protocol}`);
    return p.metadata;
  }

  /** If the leader has not rejoined, hand leadership to any member that has. False when none can lead. */
  maybeElectNewJoinedLeader(): boolean {
    if (this.leaderId === null) return false;
    const leader = this.members.get(this.leaderId);
    if (leader && leader.awaitingJoinRequestId !== null) return true;
    for (const m of this.members.values()) {
      if (m.awaitingJoinRequestId !== null) {
        this.leaderId = m.memberId;
        return true;
      }
    }
    return false;
  }

  initNextGeneration(nowMs: number): void {
    this.generationId++;
    if (this.members.size > 0) {
      this.protocolName = this.selectProtocol();
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('CompletingRebalance', nowMs);
    } else {
      this.protocolName = null;
      this.subscribedTopics = this.computeSubscribedTopics();
      this.transitionTo('Empty', nowMs);
    }
  }

  /** Topics all members subscribe to, for consumer groups; null when unknown (non-consumer or unparsable). */
  computeSubscribedTopics(): Set<string> | null {
    if (this.protocolType !== CONSUMER_PROTOCOL_TYPE || this.protocolName === null) {
      return this.protocolType === CONSUMER_PROTOCOL_TYPE && this.members.size === 0 ? new Set() : null;
    }
    const topics = new Set<string>();
    for (const m of this.members.values()) {
      const p = m.protocols.find((x) => x.name === this.protocolName);
      const t = p ? subscribedTopicsOf(p.metadata) : null;
      if (t === null) return null;
      for (const name of t) topics.add(name);
    }
    return topics;
  }

  isSubscribedToTopic(topic: string): boolean {
    return this.subscribedTopics !== null && this.subscribedTopics.has(topic);
  }

  /** Member ids in the group's current generation with their metadata for the selected protocol. */
  currentMemberMetadata(): { memberId: string; groupInstanceId: string | null; metadata: Uint8Array }[] {
    const protocol = this.protocolName;
    if (protocol === null) throw new Error(`group ${this.groupId}: no protocol selected`);
    return [...this.members.values()].map((m) => ({
      memberId: m.memberId,
      groupInstanceId: m.groupInstanceId,
      metadata: this.memberMetadataFor(m, protocol),
    }));
  }

  /** Moves a static member to a new member id (static rejoin); answers its old awaiting requests with the error. */
  replaceGroupInstance(oldMemberId: string, newMemberId: string, groupInstanceId: string): MemberMetadata {
    const member = this.get(oldMemberId);
    this.members.delete(oldMemberId);
    member.memberId = newMemberId;
    this.members.set(newMemberId, member);
    if (this.isLeader(oldMemberId)) this.leaderId = newMemberId;
    this.staticMembers.set(groupInstanceId, newMemberId);
    return member;
  }

  hasOffsets(): boolean {
    return this.offsets.size > 0 || this.pendingOffsetCommits.size > 0 || this.pendingTxnOffsetCommits.size > 0;
  }

  /** A commit of this partition is being written, or written by a transaction not yet ended. */
  hasPendingOffsetCommitsForTopicPartition(key: string): boolean {
    if (this.pendingOffsetCommits.has(key)) return true;
    for (const byTp of this.pendingTxnOffsetCommits.values()) if (byTp.has(key)) return true;
    return false;
  }

  prepareTxnOffsetCommit(producerId: number, key: string, offset: CommittedOffset, appended = false): void {
    let byTp = this.pendingTxnOffsetCommits.get(producerId);
    if (!byTp) this.pendingTxnOffsetCommits.set(producerId, (byTp = new Map()));
    byTp.set(key, { offset, appended });
  }

  /** The record of this commit is in the log (a newer commit of the same producer may have replaced it meanwhile). */
  onTxnOffsetCommitAppend(producerId: number, key: string, offset: CommittedOffset): void {
    const pending = this.pendingTxnOffsetCommits.get(producerId)?.get(key);
    if (pending?.offset === offset) pending.appended = true;
  }

  /** Its record could not be written: the client is told and retries. */
  failPendingTxnOffsetCommit(producerId: number, key: string, offset: CommittedOffset): void {
    const byTp = this.pendingTxnOffsetCommits.get(producerId);
    if (!byTp || byTp.get(key)?.offset !== offset) return;
    byTp.delete(key);
    if (byTp.size === 0) this.pendingTxnOffsetCommits.delete(producerId);
  }

  /**
   * The producer's transaction ended: on commit its offsets replace the committed ones they were written after
   * (a plain commit written later stays); on abort they are dropped.
   */
  completePendingTxnOffsetCommit(producerId: number, commit: boolean): void {
    const byTp = this.pendingTxnOffsetCommits.get(producerId);
    if (!byTp) return;
    this.pendingTxnOffsetCommits.delete(producerId);
    if (!commit) return;
    for (const [key, pending] of byTp) {
      // Kafka fails here (the coordinator never sends a marker before the commit's answer); the commit is dropped.
      if (!pending.appended) continue;
      const current = this.offsets.get(key);
      if (!current || current.appendSeq < pending.offset.appendSeq) this.offsets.set(key, pending.offset);
    }
  }
}
