// Fast Leader Election (Apache ZooKeeper 3.8 FastLeaderElection.lookForLeader plus its receiving thread) as a pure
// state machine. Inputs: start, a notification from a sid, the passing of time, peers connecting/disconnecting.
// Outputs: notifications to send and, once, the decision. Time is an injected number of milliseconds.
import type { MajorityQuorumVerifier } from '../quorum-verifier.js';
import { NOTIFICATION_VERSION, ServerState, type Notification } from '../wire/election-messages.js';
import { sameVote, totalOrderPredicate, type Vote } from './vote.js';

export interface ElectionOptions {
  mySid: bigint;
  verifier: MajorityQuorumVerifier;
  /** The quorum config text carried in every notification. */
  config?: Buffer;
  /** How long a quorum for the current proposal must stand unchallenged before deciding (Apache: 200 ms). */
  finalizeWaitMs?: number;
  /** The cap of the doubling re-send interval (Apache: 60 s). */
  maxNotificationIntervalMs?: number;
}

export type ElectionOutput =
  | { kind: 'send'; to: bigint; notification: Notification }
  /** Nothing could be delivered: the transport should (re)connect to every voter. */
  | { kind: 'connect-all' }
  | { kind: 'decided'; state: ServerState.LEADING | ServerState.FOLLOWING | ServerState.OBSERVING; vote: Vote };

const MIN_LONG = -(1n << 63n);

export class FastLeaderElection {
  readonly mySid: bigint;
  private verifier: MajorityQuorumVerifier;
  private config: Buffer;
  private readonly finalizeWaitMs: number;
  private readonly maxNotificationIntervalMs: number;

  state: ServerState = ServerState.LOOKING;
  /** The election round ("logicalclock"). */
  logicalClock = 0n;
  /** While LOOKING: my proposal. After deciding: the vote I answer lookers with. */
  private proposal = { leader: 0n, zxid: 0n, peerEpoch: 0n };
  private initial = { leader: 0n, zxid: 0n, peerEpoch: 0n };
  private decidedVote: Vote | null = null;
  private readonly recvset = new Map<bigint, Vote>();
  private readonly outOfElection = new Map<bigint, Vote>();
  private readonly connected = new Set<bigint>();
  private notificationTimeoutMs: number;
  private deadlineMs = Number.POSITIVE_INFINITY;
  /** A quorum agrees with the proposal; decide at deadlineMs unless a better vote arrives first. */
  private finalizing = false;
  private running = false;

  constructor(opts: ElectionOptions) {
    this.mySid = opts.mySid;
    this.verifier = opts.verifier;
    this.config = opts.config ?? Buffer.alloc(0);
    this.finalizeWaitMs = opts.finalizeWaitMs ?? 200;
    this.maxNotificationIntervalMs = opts.maxNotificationIntervalMs ?? 60_000;
    this.notificationTimeoutMs = this.finalizeWaitMs;
  }

  get isLooking(): boolean {
    return this.running && this.state === ServerState.LOOKING;
  }

  /** The vote this server currently stands for (its proposal while looking). */
  currentVote(): Vote {
    if (this.decidedVote && this.state !== ServerState.LOOKING) return this.decidedVote;
    return { ...this.proposal, electionEpoch: this.logicalClock, state: ServerState.LOOKING, version: NOTIFICATION_VERSION };
  }

  /** Begins a new round, proposing myself with my last logged zxid and current epoch. */
  start(nowMs: number, lastLoggedZxid: bigint, currentEpoch: bigint): ElectionOutput[] {
    const voter = this.verifier.isVoter(this.mySid);
    this.initial = voter ? { leader: this.mySid, zxid: lastLoggedZxid, peerEpoch: currentEpoch } : { leader: MIN_LONG, zxid: MIN_LONG, peerEpoch: MIN_LONG };
    this.running = true;
    this.state = ServerState.LOOKING;
    this.decidedVote = null;
    this.logicalClock++;
    this.recvset.clear();
    this.outOfElection.clear();
    this.finalizing = false;
    this.proposal = { ...this.initial };
    this.notificationTimeoutMs = this.finalizeWaitMs;
    this.deadlineMs = nowMs + this.notificationTimeoutMs;
    const out: ElectionOutput[] = [];
    this.broadcast(nowMs, out);
    return out;
  }

  /**
   * A reconfig named the leader (QuorumPeer.updateServerState with the reconfig flag): take the role under `vote`
   * without a round, answering lookers with it as if it had been elected.
   */
  designate(vote: Vote): ElectionOutput[] {
    const out: ElectionOutput[] = [];
    this.running = true;
    this.decide(vote.leader, vote.zxid, vote.electionEpoch, vote.peerEpoch, out);
    return out;
  }

  /** The server left the role it was elected to (ZAB ended) and is not looking yet: stop answering as leader/follower. */
  stop(): void {
    this.running = false;
    this.state = ServerState.LOOKING;
    this.decidedVote = null;
  }

  /**
   * The role established epoch `newEpoch` (leader established / learner up to date): report it as the vote's peer
   * epoch from now on, so the leader and followers that were elected in different rounds answer newcomers with
   * votes that agree (ZOOKEEPER-1732; Apache's QuorumPeer.updateElectionVote).
   */
  updateElectionVote(newEpoch: bigint): void {
    if (this.decidedVote) this.decidedVote = { ...this.decidedVote, peerEpoch: newEpoch };
  }

  /** A reconfig made a new config active: votes count by it, notifications carry its text. */
  reconfigure(verifier: MajorityQuorumVerifier, config: Buffer): void {
    this.verifier = verifier;
    this.config = config;
  }

  peerConnected(sid: bigint): void {
    this.connected.add(sid);
  }

  peerDisconnected(sid: bigint): void {
    this.connected.delete(sid);
  }

  /** A notification arrived from `from` (what FastLeaderElection's receiver thread and main loop do with it). */
  receive(nowMs: number, from: bigint, n: Notification): ElectionOutput[] {
    const out: ElectionOutput[] = [];
    if (!this.running) return out;
    if (!this.verifier.isVoter(from)) {
      // Observers and unknown servers only learn what I stand for.
      const v = this.currentVote();
      out.push(this.notify(from, v, this.logicalClock));
      return out;
    }
    if (this.state === ServerState.LOOKING) {
      this.handleWhileLooking(nowMs, from, n, out);
      if (n.state === ServerState.LOOKING && n.electionEpoch < this.logicalClock) out.push(this.notify(from, this.currentVote(), this.logicalClock));
    } else if (n.state === ServerState.LOOKING && this.decidedVote) {
      out.push(this.notify(from, this.decidedVote, this.decidedVote.electionEpoch));
    }
    return out;
  }

  /** Time passed: decide after an unchallenged finalize wait, or re-send after an empty notification timeout. */
  tick(nowMs: number): ElectionOutput[] {
    const out: ElectionOutput[] = [];
    if (!this.isLooking || nowMs < this.deadlineMs) return out;
    if (this.finalizing) {
      this.decide(this.proposal.leader, this.proposal.zxid, this.logicalClock, this.proposal.peerEpoch, out);
      return out;
    }
    if (this.connected.size > 0) this.broadcast(nowMs, out);
    else out.push({ kind: 'connect-all' });
    this.notificationTimeoutMs = Math.min(this.notificationTimeoutMs * 2, this.maxNotificationIntervalMs);
    this.deadlineMs = nowMs + this.notificationTimeoutMs;
    return out;
  }

  /** When the next tick can change something (for simulators that skip idle time). */
  nextDeadlineMs(): number {
    return this.isLooking ? this.deadlineMs : Number.POSITIVE_INFINITY;
  }

  private notify(to: bigint, v: { leader: bigint; zxid: bigint; peerEpoch: bigint }, electionEpoch: bigint): ElectionOutput {
    return { kind: 'send', to, notification: this.notification(v, electionEpoch) };
  }

  private notification(v: { leader: bigint; zxid: bigint; peerEpoch: bigint }, electionEpoch: bigint): Notification {
    return { state: this.state, leader: v.leader, zxid: v.zxid, electionEpoch, peerEpoch: v.peerEpoch, version: NOTIFICATION_VERSION, config: this.config };
  }

  private broadcast(nowMs: number, out: ElectionOutput[]): void {
    let toSelf = false;
    for (const sid of this.verifier.voters) {
      if (sid === this.mySid) toSelf = true;
      else out.push(this.notify(sid, this.proposal, this.logicalClock));
    }
    // A message to oneself never touches the network (QuorumCnxManager queues it locally).
    if (toSelf) this.handleWhileLooking(nowMs, this.mySid, this.notification(this.proposal, this.logicalClock), out);
  }

  private beats(n: { leader: bigint; zxid: bigint; peerEpoch: bigint }, cur: { leader: bigint; zxid: bigint; peerEpoch: bigint }): boolean {
    return totalOrderPredicate(n.leader, n.zxid, n.peerEpoch, cur.leader, cur.zxid, cur.peerEpoch, (sid) => this.verifier.isVoter(sid));
  }

  private handleWhileLooking(nowMs: number, from: bigint, n: Notification, out: ElectionOutput[]): void {
    if (!this.isLooking) return;
    if (!this.verifier.isVoter(n.leader)) return;
    if (this.finalizing) {
      // Draining during the finalize wait: only a better vote matters; anything else is dropped.
      if (!this.beats(n, this.proposal)) {
        this.deadlineMs = nowMs + this.finalizeWaitMs;
        return;
      }
      this.finalizing = false;
      this.deadlineMs = nowMs + this.notificationTimeoutMs;
    }
    const vote: Vote = { leader: n.leader, zxid: n.zxid, electionEpoch: n.electionEpoch, peerEpoch: n.peerEpoch, state: n.state, version: n.version };
    switch (n.state) {
      case ServerState.LOOKING: {
        if (n.electionEpoch > this.logicalClock) {
          this.logicalClock = n.electionEpoch;
          this.recvset.clear();
          this.proposal = this.beats(n, this.initial) ? { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch } : { ...this.initial };
          this.broadcast(nowMs, out);
          if (!this.isLooking) return;
        } else if (n.electionEpoch < this.logicalClock) {
          return;
        } else if (this.beats(n, this.proposal)) {
          this.proposal = { leader: n.leader, zxid: n.zxid, peerEpoch: n.peerEpoch };
          this.broadcast(nowMs, out);
          if (!this.isLooking) return;
        }
        this.recvset.set(from, { ...vote, state: ServerState.LOOKING });
        const mine: Vote = { ...this.proposal, electionEpoch: this.logicalClock, state: ServerState.LOOKING, version: NOTIFICATION_VERSION };
        if (!this.finalizing && this.hasQuorumFor(this.recvset, mine)) {
          this.finalizing = true;
          this.deadlineMs = nowMs + this.finalizeWaitMs;
        }
        return;
      }
      case ServerState.OBSERVING:
        return;
      case ServerState.FOLLOWING:
      case ServerState.LEADING: {
        // A running ensemble answering: votes of the same round join recvset; all of them go to outOfElection.
        if (n.electionEpoch === this.logicalClock) {
          this.recvset.set(from, vote);
          if (this.hasQuorumFor(this.recvset, vote) && this.checkLeader(this.recvset, n.leader, n.electionEpoch)) {
            this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, out);
            return;
          }
        }
        this.outOfElection.set(from, vote);
        if (this.hasQuorumFor(this.outOfElection, vote) && this.checkLeader(this.outOfElection, n.leader, n.electionEpoch)) {
          this.logicalClock = n.electionEpoch;
          this.decide(n.leader, n.zxid, n.electionEpoch, n.peerEpoch, out);
        }
        return;
      }
    }
  }

  private hasQuorumFor(votes: Map<bigint, Vote>, v: Vote): boolean {
    const agreeing: bigint[] = [];
    for (const [sid, other] of votes) if (sameVote(other, v)) agreeing.push(sid);
    return this.verifier.containsQuorum(agreeing);
  }

  /** A leader other than me counts only if it told me itself that it is LEADING; I count only in my own round. */
  private checkLeader(votes: Map<bigint, Vote>, leader: bigint, electionEpoch: bigint): boolean {
    if (leader !== this.mySid) return votes.get(leader)?.state === ServerState.LEADING;
    return this.logicalClock === electionEpoch;
  }

  private decide(leader: bigint, zxid: bigint, electionEpoch: bigint, peerEpoch: bigint, out: ElectionOutput[]): void {
    // A server outside the config (removed, or about to be added) follows as a non-voting participant.
    const state = leader === this.mySid ? ServerState.LEADING : this.verifier.observers.has(this.mySid) ? ServerState.OBSERVING : ServerState.FOLLOWING;
    this.state = state;
    this.finalizing = false;
    this.deadlineMs = Number.POSITIVE_INFINITY;
    this.recvset.clear();
    this.outOfElection.clear();
    this.decidedVote = { leader, zxid, electionEpoch, peerEpoch, state, version: NOTIFICATION_VERSION };
    out.push({ kind: 'decided', state, vote: this.decidedVote });
  }
}
