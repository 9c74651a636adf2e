// One ensemble member: Fast Leader Election feeding a ZAB role (leader, follower or observer), and back to
// election when the role ends. Pure: no sockets, timers, clocks or randomness; time comes in as nowMs.
//
// The adapter (the server in replicated mode) carries out the outputs:
//   send (notification)  frame with wire/election-messages.ts over the election connection to `to`
//                        (QuorumCnxManager rules: the larger sid's connection survives, one queued message
//                        per peer, resend the last on reconnect); report peerConnected/peerDisconnected to
//                        peer.election; deliver received notifications with receiveNotification()
//   connect-all          (re)dial every voter's election port
//   connect-leader       open the quorum port of `leader` (retrying, as Learner.connectToLeader), then call
//                        zabConnected(); a closed connection is zabDisconnected(sid) on either side
//   send (message)       toQuorumPacket + encodeQuorumPacket on the quorum connection (no length prefix);
//                        after a SNAP, stream the data tree's snapshot (sessions, ACL map, nodes, "BenWasHere")
//                        as it stands after every apply given so far; the receiver decodes packets with
//                        decodeQuorumPacket/fromQuorumPacket and hands a SNAP's body in as `snapshot`
//   persist              run the ops in order on version-2/ (acceptedEpoch/currentEpoch files written
//                        atomically; append/truncate on log.<zxid>; snapshot = write snapshot.<zxid> from
//                        the tree loaded at load-snapshot and start a new log), fsync (group commit is fine),
//                        then call persisted(id), completions in the order given
//   apply / load-snapshot  change the data tree (the same path as log replay); apply is in zxid order
//   serving              start serving clients (and refuse them again on role LOOKING)
//   request / sync-done / sessions-touched / revalidate / revalidated
//                        the leader's request pipeline (prep → proposal → commit → final) turns forwarded
//                        requests into propose() calls; sync() for a forwarded sync; session tracker hooks
//   disconnect           close the quorum connection to that learner
// It also calls tick(nowMs) regularly (at least every tickTimeMs/2) and, on start, passes what recovery
// loaded: the epochs (missing files recreated from the last zxid's epoch), the log after the snapshot, and the
// snapshot's zxid as appliedZxid.
import { FastLeaderElection, type ElectionOutput } from './election/fast-leader-election.js';
import type { Vote } from './election/vote.js';
import { configText, tryParseConfigText, verifierOf, type QuorumConfig } from './quorum-config.js';
import type { MajorityQuorumVerifier } from './quorum-verifier.js';
import { ServerState, type Notification } from './wire/election-messages.js';
import type { ZabMessage } from './wire/zab-messages.js';
import { ZabLeader } from './zab/leader.js';
import { ZabLearner } from './zab/learner.js';
import { applyPersistOps, lastLoggedZxid, PersistIds, type DurableState, type LoggedTxnReader, type PersistOp, type ZabLimits, type ZabOutput } from './zab/types.js';

export interface QuorumPeerOptions {
  mySid: bigint;
  verifier: MajorityQuorumVerifier;
  limits: ZabLimits;
  tickTimeMs: number;
  /** What the server loaded from disk. */
  durable: DurableState;
  /** Zxid of the data tree as loaded (its snapshot's). */
  appliedZxid: bigint;
  config?: Buffer;
  /** Dynamic reconfiguration (reconfigEnabled): the active config, which committed reconfigs replace. */
  quorumConfig?: QuorumConfig;
  /** The last config seen proposed before a restart (zoo.cfg.dynamic.next), when newer than the active one. */
  lastSeenConfig?: QuorumConfig;
  /** Passed to the leader: committed txns from the on-disk log for learners behind its in-memory window. */
  readLoggedTxns?: LoggedTxnReader;
  finalizeWaitMs?: number;
  maxNotificationIntervalMs?: number;
}

export type PeerOutput =
  | Exclude<ElectionOutput, { kind: 'decided' }>
  | ZabOutput
  /** The server changed role (LOOKING when it went back to election). */
  | { kind: 'role'; state: ServerState; leader: bigint | null }
  /** A learner needs its connection to the leader's quorum port; call zabConnected() once it is open. */
  | { kind: 'connect-leader'; leader: bigint }
  /**
   * A new config is active (replaces the 'activate' a role gives): write it (zoo.cfg.dynamic.<version>, the
   * config node), reach its new members' election ports.
   */
  | { kind: 'config'; config: QuorumConfig; text: string; lastSeen: boolean; designatedLeader: bigint | null }
  /** A config was proposed and is the last one seen (QuorumPeer.setLastSeenQuorumVerifier): write zoo.cfg.dynamic.next. */
  | { kind: 'next-config'; config: QuorumConfig };

export class QuorumPeer {
  readonly mySid: bigint;
  readonly election: FastLeaderElection;
  role: ZabLeader | ZabLearner | null = null;
  /** The disk as it will be once every persist effect given so far completes. */
  private readonly durable: DurableState;
  private readonly persistedOps = new Map<number, PersistOp[]>();
  private readonly ids = new PersistIds();
  private applied: bigint;
  /** Decided but waiting for the previous role's writes to drain, so the new role starts from the real disk. */
  private pendingRole: { state: ServerState; vote: Vote } | null = null;
  private nextTickMs = 0;
  private verifier: MajorityQuorumVerifier;
  private quorumConfig: QuorumConfig | null;
  private config: Buffer | undefined;
  /**
   * Apache's reconfigFlag with the vote updateVote made: a reconfig named this leader (or changed this server's
   * role), so when the current role ends the server takes its role under it at once instead of electing.
   */
  private designated: Vote | null = null;
  /** Version of the last config seen (proposed or active): activating it clears zoo.cfg.dynamic.next. */
  private lastSeenVersion: bigint;

  constructor(private readonly opts: QuorumPeerOptions) {
    this.mySid = opts.mySid;
    this.verifier = opts.verifier;
    this.quorumConfig = opts.quorumConfig ?? null;
    this.config = opts.config;
    this.lastSeenVersion = opts.lastSeenConfig && opts.quorumConfig && opts.lastSeenConfig.version > opts.quorumConfig.version ? opts.lastSeenConfig.version : (opts.quorumConfig?.version ?? 0n);
    this.durable = { ...opts.durable, log: [...opts.durable.log] };
    this.applied = opts.appliedZxid;
    this.election = new FastLeaderElection({ mySid: opts.mySid, verifier: opts.verifier, config: opts.config, finalizeWaitMs: opts.finalizeWaitMs, maxNotificationIntervalMs: opts.maxNotificationIntervalMs });
  }

  get state(): ServerState {
    return this.election.state;
  }

  get appliedZxid(): bigint {
    return this.applied;
  }

  /** The active config (dynamic reconfiguration on), or null. */
  get activeConfig(): QuorumConfig | null {
    return this.quorumConfig;
  }

  get activeVerifier(): MajorityQuorumVerifier {
    return this.verifier;
  }

  start(nowMs: number): PeerOutput[] {
    this.nextTickMs = nowMs + this.opts.tickTimeMs;
    return this.lookAgain(nowMs, []);
  }

  tick(nowMs: number): PeerOutput[] {
    const out: PeerOutput[] = [];
    this.fromElection(nowMs, this.election.tick(nowMs), out);
    while (nowMs >= this.nextTickMs) {
      this.nextTickMs += this.opts.tickTimeMs;
      if (!this.role) continue;
      if (this.role instanceof ZabLearner && this.role.stage === 'connecting') out.push({ kind: 'connect-leader', leader: this.role.leaderSid });
      this.fromZab(nowMs, this.role.tick(), out);
    }
    return out;
  }

  receiveNotification(nowMs: number, from: bigint, n: Notification): PeerOutput[] {
    const out: PeerOutput[] = [];
    // FastLeaderElection: a looking server that hears of a newer config adopts it and starts its election over.
    if (this.quorumConfig && this.role === null && n.config.length > 0 && this.config && !n.config.equals(this.config)) {
      const text = n.config.toString('utf8');
      const version = tryParseConfigText(text)?.version ?? -1n;
      if (version > this.quorumConfig.version && this.pendingRole === null) {
        this.activate(text, null, out);
        this.election.stop();
        return this.lookAgain(nowMs, out);
      }
    }
    this.fromElection(nowMs, this.election.receive(nowMs, from, n), out);
    return out;
  }

  receiveZab(nowMs: number, from: bigint, m: ZabMessage): PeerOutput[] {
    const out: PeerOutput[] = [];
    if (this.role) this.fromZab(nowMs, this.role.receive(from, m), out);
    return out;
  }

  zabConnected(nowMs: number): PeerOutput[] {
    const out: PeerOutput[] = [];
    if (this.role instanceof ZabLearner) this.fromZab(nowMs, this.role.connected(), out);
    return out;
  }

  /** The quorum connection to `sid` closed (a learner's to its leader, or a leader's to a learner). */
  zabDisconnected(nowMs: number, sid: bigint): PeerOutput[] {
    const out: PeerOutput[] = [];
    if (this.role instanceof ZabLeader) this.fromZab(nowMs, this.role.learnerDisconnected(sid), out);
    else if (this.role instanceof ZabLearner && this.role.leaderSid === sid) this.fromZab(nowMs, this.role.disconnected(), out);
    return out;
  }

  persisted(nowMs: number, id: number): PeerOutput[] {
    const out: PeerOutput[] = [];
    this.persistedOps.delete(id);
    if (this.role) this.fromZab(nowMs, this.role.persisted(id), out);
    if (this.pendingRole && this.persistedOps.size === 0) {
      const { state, vote } = this.pendingRole;
      this.pendingRole = null;
      this.startRole(nowMs, state, vote, out);
    }
    return out;
  }

  /** Leader only: proposes a transaction; null when not an established leader or too many are outstanding. */
  propose(nowMs: number, makeData: (zxid: bigint) => Buffer): { zxid: bigint; out: PeerOutput[] } | null {
    if (!(this.role instanceof ZabLeader)) return null;
    const r = this.role.propose(makeData);
    if (!r) return null;
    const out: PeerOutput[] = [];
    this.fromZab(nowMs, r.out, out);
    return { zxid: r.zxid, out };
  }

  private lookAgain(nowMs: number, out: PeerOutput[]): PeerOutput[] {
    const designated = this.designated;
    this.designated = null;
    if (designated) return this.takeDesignatedRole(nowMs, designated, out);
    this.role = null;
    this.pendingRole = null;
    out.push({ kind: 'role', state: ServerState.LOOKING, leader: null });
    this.fromElection(nowMs, this.election.start(nowMs, lastLoggedZxid(this.durable), BigInt(this.durable.currentEpoch)), out);
    return out;
  }

  /** QuorumPeer.updateServerState with the reconfig flag set: LEADING if named, else FOLLOWING/OBSERVING the named leader. */
  private takeDesignatedRole(nowMs: number, vote: Vote, out: PeerOutput[]): PeerOutput[] {
    this.role = null;
    this.pendingRole = null;
    if (this.persistedOps.size > 0) out.push({ kind: 'role', state: ServerState.LOOKING, leader: null });
    this.fromElection(nowMs, this.election.designate(vote), out);
    return out;
  }

  private fromElection(nowMs: number, outputs: ElectionOutput[], out: PeerOutput[]): void {
    for (const o of outputs) {
      if (o.kind !== 'decided') {
        out.push(o);
        continue;
      }
      if (this.persistedOps.size > 0) this.pendingRole = { state: o.state, vote: o.vote };
      else this.startRole(nowMs, o.state, o.vote, out);
    }
  }

  private startRole(nowMs: number, state: ServerState, vote: Vote, out: PeerOutput[]): void {
    const durable = { ...this.durable, log: [...this.durable.log] };
    out.push({ kind: 'role', state, leader: vote.leader });
    this.nextTickMs = nowMs + this.opts.tickTimeMs;
    if (state === ServerState.LEADING) {
      const leader = new ZabLeader({
        mySid: this.mySid, verifier: this.verifier, limits: this.opts.limits, durable, appliedZxid: this.applied, persistIds: this.ids, config: this.config, quorumConfig: this.quorumConfig ?? undefined,
        ...(this.opts.readLoggedTxns ? { readLoggedTxns: this.opts.readLoggedTxns } : {}), ...(this.opts.lastSeenConfig ? { lastSeenConfig: this.opts.lastSeenConfig } : {}),
      });
      this.role = leader;
      this.fromZab(nowMs, leader.start(), out);
    } else {
      this.role = new ZabLearner({
        mySid: this.mySid, leaderSid: vote.leader, observer: state === ServerState.OBSERVING, limits: this.opts.limits, durable, appliedZxid: this.applied, persistIds: this.ids,
        reconfigEnabled: this.quorumConfig !== null, configVersion: this.quorumConfig?.version,
      });
      out.push({ kind: 'connect-leader', leader: vote.leader });
    }
  }

  /**
   * QuorumPeer.processReconfig: a newer config replaces the active one. True when a learner cannot go on in its
   * role: the reconfig named another leader, or made it an observer or a participant it was not (updateLearnerType),
   * or, without a named leader, its leader is no longer a voter at the same address.
   */
  private activate(text: string, designatedLeader: bigint | null, out: PeerOutput[]): boolean {
    if (!this.quorumConfig) return false;
    const config = tryParseConfigText(text);
    if (!config || config.version <= this.quorumConfig.version) return false;
    const previous = this.quorumConfig;
    const wasObserver = this.verifier.observers.has(this.mySid);
    this.quorumConfig = config;
    this.verifier = verifierOf(config);
    const canonical = configText(config);
    this.config = Buffer.from(canonical, 'utf8');
    this.election.reconfigure(this.verifier, this.config);
    if (config.version > this.lastSeenVersion) this.lastSeenVersion = config.version;
    out.push({ kind: 'config', config, text: canonical, lastSeen: config.version === this.lastSeenVersion, designatedLeader });
    const role = this.role;
    const currentLeader = role instanceof ZabLearner ? role.leaderSid : role instanceof ZabLeader ? this.mySid : null;
    if (currentLeader === null) return false;
    const roleChange = wasObserver !== this.verifier.observers.has(this.mySid);
    const vote = this.election.currentVote();
    let leaderChange: boolean;
    if (designatedLeader !== null) {
      leaderChange = designatedLeader !== currentLeader;
      if (leaderChange || roleChange) this.designated = { ...vote, leader: designatedLeader, zxid: config.version };
    } else {
      const before = previous.servers.get(Number(currentLeader));
      const after = this.verifier.isVoter(currentLeader) ? config.servers.get(Number(currentLeader)) : undefined;
      leaderChange = !before || !after || before.host !== after.host || before.quorumPort !== after.quorumPort;
      this.designated = null;
    }
    return role instanceof ZabLearner && (leaderChange || roleChange);
  }

  private fromZab(nowMs: number, outputs: ZabOutput[], out: PeerOutput[]): void {
    for (const o of outputs) {
      switch (o.kind) {
        case 'persist':
          this.persistedOps.set(o.id, o.ops);
          applyPersistOps(this.durable, o.ops);
          out.push(o);
          break;
        case 'apply':
          this.applied = o.txn.zxid;
          out.push(o);
          break;
        case 'load-snapshot':
          this.applied = o.zxid;
          out.push(o);
          break;
        case 'serving':
          this.election.updateElectionVote(BigInt(o.epoch));
          out.push(o);
          break;
        case 'stopped':
          out.push(o);
          this.election.stop();
          this.lookAgain(nowMs, out);
          return;
        case 'last-seen-config': {
          // setLastSeenQuorumVerifier: a version already seen changes nothing.
          const config = this.quorumConfig ? tryParseConfigText(o.configText) : null;
          if (config && config.version !== this.lastSeenVersion) {
            this.lastSeenVersion = config.version;
            out.push({ kind: 'next-config', config });
          }
          break;
        }
        case 'activate':
          if (this.activate(o.configText, o.designatedLeader, out)) {
            out.push({ kind: 'stopped', reason: 'changes proposed in reconfig' });
            this.election.stop();
            this.lookAgain(nowMs, out);
            return;
          }
          break;
        default:
          out.push(o);
      }
    }
  }
}
