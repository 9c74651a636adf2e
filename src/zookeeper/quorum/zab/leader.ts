// ZAB's leader (Apache 3.8 Leader + LearnerHandler) as a pure state machine: epoch agreement with a quorum,
// per-learner synchronisation (DIFF / TRUNC / SNAP), then broadcast (PROPOSAL → quorum of ACKs → COMMIT),
// pings, and stepping down when the quorum of synced followers is lost.
import { configText, tryParseConfigText, verifierOf, type QuorumConfig } from '../quorum-config.js';
import type { MajorityQuorumVerifier } from '../quorum-verifier.js';
import { reconfigTextOf } from '../reconfig-txn.js';
import { PacketType, ZAB_PROTOCOL_VERSION } from '../wire/packet-types.js';
import type { Txn, ZabMessage } from '../wire/zab-messages.js';
import { counterOf, epochOf, makeZxid } from '../zxid.js';
import { lastLoggedZxid, type DurableState, type LoggedTxnReader, type PersistIds, type PersistOp, type ZabLimits, type ZabOutput } from './types.js';

type LearnerStage = 'info' | 'epoch-sent' | 'awaiting-epoch-quorum' | 'newleader-sent' | 'newleader-acked' | 'uptodate';

interface LearnerHandler {
  sid: bigint;
  observer: boolean;
  stage: LearnerStage;
  acceptedEpoch: number;
  lastZxid: bigint;
  lastHeardTick: number;
}

export interface LeaderOptions {
  mySid: bigint;
  verifier: MajorityQuorumVerifier;
  limits: ZabLimits;
  /** What is on disk now (no persist effects of an earlier role may still be pending). */
  durable: DurableState;
  /** Zxid of the leader's data tree (its snapshot plus what it applied); logged txns after it are not applied yet. */
  appliedZxid: bigint;
  persistIds: PersistIds;
  /** The quorum config text sent with NEWLEADER. */
  config?: Buffer;
  /**
   * Dynamic reconfiguration is on: the active config. Learners that are not members are accepted as non-voting
   * followers, reconfig proposals are committed with COMMITANDACTIVATE / INFORMANDACTIVATE, and a hand-written
   * config (version 0) takes the new epoch's zxid as its version when the leader is established.
   */
  quorumConfig?: QuorumConfig;
  /** Committed txns older than the in-memory window, from the log on disk (DIFF instead of SNAP when it can). */
  readLoggedTxns?: LoggedTxnReader;
  /** The last config seen proposed before a restart (zoo.cfg.dynamic.next). */
  lastSeenConfig?: QuorumConfig;
}

interface PendingReconfig {
  zxid: bigint;
  config: QuorumConfig;
  verifier: MajorityQuorumVerifier;
}

export type LeaderPhase = 'discovery' | 'synchronization' | 'broadcast' | 'stopped';

export class ZabLeader {
  readonly mySid: bigint;
  private verifier: MajorityQuorumVerifier;
  private readonly limits: ZabLimits;
  private readonly ids: PersistIds;
  private config: Buffer;
  /** The active config (dynamic reconfiguration on), or null. */
  private quorumConfig: QuorumConfig | null;
  /** The config this leader's epoch starts with, when it changes the version of a hand-written one. */
  private epochConfig: QuorumConfig | null = null;
  /** The reconfig proposed and not committed yet (Apache's lastSeenQuorumVerifier ahead of the active one). */
  private pendingReconfig: PendingReconfig | null = null;
  /** False after a reconfig that removed this leader: nothing more is committed here (Apache allowedToCommit). */
  private allowedToCommit = true;
  private recoveredConfig: QuorumConfig | null = null;
  private readonly readLoggedTxns: LoggedTxnReader | null;
  phase: LeaderPhase = 'discovery';
  /** The epoch being established (null until a quorum reported its accepted epochs). */
  newEpoch: number | null = null;
  private acceptedEpoch: number;
  private currentEpoch: number;
  private readonly learners = new Map<bigint, LearnerHandler>();
  private readonly connecting = new Map<bigint, number>();
  private readonly epochAcks = new Set<bigint>();
  private readonly newLeaderAcks = new Set<bigint>();
  private epochQuorumReached = false;
  /** Transactions kept in memory: applied ones (the DIFF window) followed by unapplied ones. */
  private history: Txn[];
  /** Zxid just before history[0]: the oldest point a learner can be DIFFed from. */
  private historyBase: bigint;
  /** How many entries at the front of history are committed (zxid <= lastCommitted). */
  private committedCount = 0;
  /** Everything up to here was in the leader's log when elected: committed once the epoch is established. */
  private readonly initialLastZxid: bigint;
  private leaderSummary: { currentEpoch: number; lastZxid: bigint };
  lastCommitted: bigint;
  lastProposed: bigint;
  private readonly acks = new Map<bigint, Set<bigint>>();
  private readonly pendingPersist = new Map<number, { kind: 'accepted-epoch' | 'current-epoch' } | { kind: 'proposal'; zxid: bigint }>();
  private readonly pendingSyncs: { sid: bigint; afterZxid: bigint }[] = [];
  private tickCount = 0;

  constructor(opts: LeaderOptions) {
    this.mySid = opts.mySid;
    this.verifier = opts.verifier;
    this.limits = opts.limits;
    this.ids = opts.persistIds;
    this.config = opts.config ?? Buffer.alloc(0);
    this.quorumConfig = opts.quorumConfig ?? null;
    // A reconfig in the log that this server never activated (it crashed first, or only logged the proposal): it
    // is committed with the rest of the log when this epoch is established, and its config with it.
    if (this.quorumConfig) {
      for (const t of opts.durable.log) {
        const text = t.zxid > this.quorumConfig.version ? reconfigTextOf(t.data) : null;
        if (text !== null) this.recoveredConfig = { ...parseReconfig(text), version: t.zxid };
      }
      // zoo.cfg.dynamic.next names the same config when its reconfig is in the log (Apache writes it before logging
      // the proposal); one whose proposal never reached the log cannot be committed by this leader and is not used.
      const seen = opts.lastSeenConfig;
      if (seen && seen.version === this.recoveredConfig?.version) this.recoveredConfig = seen;
    }
    this.readLoggedTxns = opts.readLoggedTxns ?? null;
    this.acceptedEpoch = opts.durable.acceptedEpoch;
    this.currentEpoch = opts.durable.currentEpoch;
    const unapplied = opts.durable.log.filter((t) => t.zxid > opts.appliedZxid);
    this.history = unapplied;
    this.historyBase = opts.appliedZxid;
    this.initialLastZxid = lastLoggedZxid(opts.durable);
    this.lastCommitted = opts.appliedZxid;
    this.lastProposed = this.initialLastZxid;
    this.leaderSummary = { currentEpoch: this.currentEpoch, lastZxid: this.initialLastZxid };
  }

  /** Starts discovery: the leader's own accepted epoch is the first contribution to the new epoch. */
  start(): ZabOutput[] {
    const out: ZabOutput[] = [];
    this.contributeEpoch(this.mySid, this.acceptedEpoch, out);
    return out;
  }

  get established(): boolean {
    return this.phase === 'broadcast';
  }

  /** Sizes of the proposed txns (Apache's Leader.getProposalStats): -1 before the first proposal. */
  readonly proposalSizes = { last: -1, min: -1, max: -1 };

  /** Connected learners, and the followers and observers among them that are synced (LeaderZooKeeperServer's gauges). */
  learnerCounts(): { learners: number; syncedFollowers: number; syncedNonVotingFollowers: number; syncedObservers: number } {
    let syncedFollowers = 0;
    let syncedNonVotingFollowers = 0;
    let syncedObservers = 0;
    for (const h of this.learners.values()) {
      if (h.stage !== 'uptodate') continue;
      if (h.observer) {
        syncedObservers++;
        continue;
      }
      // Apache counts every forwarding follower as synced, and the non-voting ones (joining by reconfig) again apart.
      syncedFollowers++;
      if (!this.verifier.isVoter(h.sid)) syncedNonVotingFollowers++;
    }
    return { learners: this.learners.size, syncedFollowers, syncedNonVotingFollowers, syncedObservers };
  }

  /** Syncs waiting for the proposals before them to commit. */
  get pendingSyncCount(): number {
    return this.pendingSyncs.length;
  }

  /** Learners currently connected, with their stage (for status and tests). */
  learnerStages(): Map<bigint, LearnerStage> {
    return new Map([...this.learners].map(([sid, h]) => [sid, h.stage]));
  }

  learnerDisconnected(sid: bigint): ZabOutput[] {
    this.learners.delete(sid);
    return [];
  }

  receive(from: bigint, m: ZabMessage): ZabOutput[] {
    const out: ZabOutput[] = [];
    if (this.phase === 'stopped') return out;
    if (m.type === PacketType.FOLLOWERINFO || m.type === PacketType.OBSERVERINFO) {
      const observer = m.type === PacketType.OBSERVERINFO || (this.quorumConfig ? this.verifier.observers.has(from) : !this.verifier.isVoter(from));
      this.onLearnerInfo(from, observer, m.acceptedEpoch, out);
      return out;
    }
    const h = this.learners.get(from);
    if (!h) return out;
    h.lastHeardTick = this.tickCount;
    switch (m.type) {
      case PacketType.ACKEPOCH:
        this.onAckEpoch(h, m.currentEpoch, m.lastZxid, out);
        break;
      case PacketType.ACK:
        this.onAck(h, m.zxid, out);
        break;
      case PacketType.PING:
        if (m.sessions.length > 0) out.push({ kind: 'sessions-touched', from, sessions: m.sessions });
        break;
      case PacketType.REQUEST:
        if (this.established) out.push({ kind: 'request', from, request: m });
        break;
      case PacketType.REVALIDATE:
        if ('timeoutMs' in m) out.push({ kind: 'revalidate', from, sessionId: m.sessionId, timeoutMs: m.timeoutMs });
        break;
      default:
        this.drop(h, `unexpected packet type ${m.type}`, out);
    }
    return out;
  }

  persisted(id: number): ZabOutput[] {
    const out: ZabOutput[] = [];
    const what = this.pendingPersist.get(id);
    if (!what) return out;
    this.pendingPersist.delete(id);
    if (this.phase === 'stopped') return out;
    switch (what.kind) {
      case 'accepted-epoch':
        this.acceptedEpoch = this.newEpoch!;
        for (const h of this.learners.values()) if (h.stage === 'info') this.sendLeaderInfo(h, out);
        this.onAckEpochFrom(this.mySid, out);
        break;
      case 'current-epoch':
        this.currentEpoch = this.newEpoch!;
        this.newLeaderAcks.add(this.mySid);
        this.maybeEstablish(out);
        break;
      case 'proposal':
        this.ackFrom(this.mySid, what.zxid, out);
        break;
    }
    return out;
  }

  /** Proposes a transaction (data = TxnHeader + record, the zxid field is the caller's to fill). */
  propose(makeData: (zxid: bigint) => Buffer): { zxid: bigint; out: ZabOutput[] } | null {
    if (!this.established || this.newEpoch === null) return null;
    if (this.acks.size >= this.limits.maxOutstandingProposals) return null;
    const out: ZabOutput[] = [];
    const counter = epochOf(this.lastProposed) === this.newEpoch ? counterOf(this.lastProposed) + 1 : 1;
    if (counter >= this.limits.zxidCounterLimit) {
      this.stop('zxid lower 32 bits have rolled over, forcing re-election, and therefore new epoch start', out);
      return { zxid: -1n, out };
    }
    const zxid = makeZxid(this.newEpoch, counter);
    const txn: Txn = { zxid, data: makeData(zxid) };
    const reconfig = this.quorumConfig ? reconfigTextOf(txn.data) : null;
    if (reconfig !== null) {
      const config = { ...parseReconfig(reconfig), version: zxid };
      this.pendingReconfig = { zxid, config, verifier: verifierOf(config) };
      this.config = Buffer.from(configText(config), 'utf8');
      out.push({ kind: 'last-seen-config', configText: configText(config) });
    }
    const sizes = this.proposalSizes;
    sizes.last = txn.data.length;
    if (sizes.min === -1 || sizes.last < sizes.min) sizes.min = sizes.last;
    if (sizes.last > sizes.max) sizes.max = sizes.last;
    this.history.push(txn);
    this.lastProposed = zxid;
    this.acks.set(zxid, new Set());
    for (const h of this.learners.values()) {
      if (!h.observer && (h.stage === 'newleader-sent' || h.stage === 'newleader-acked' || h.stage === 'uptodate')) out.push({ kind: 'send', to: h.sid, message: { type: PacketType.PROPOSAL, txn } });
    }
    this.persist([{ op: 'append', txns: [txn] }], { kind: 'proposal', zxid }, out);
    return { zxid, out };
  }

  /** A forwarded (or local, sid = mySid) sync: answered once everything proposed so far is committed. */
  sync(sid: bigint): ZabOutput[] {
    const out: ZabOutput[] = [];
    if (!this.established || this.pendingSyncs.length >= this.limits.maxPendingSyncs) return out;
    this.pendingSyncs.push({ sid, afterZxid: this.lastProposed });
    this.flushSyncs(out);
    return out;
  }

  revalidateReply(sid: bigint, sessionId: bigint, valid: boolean): ZabOutput[] {
    if (!this.learners.has(sid)) return [];
    return [{ kind: 'send', to: sid, message: { type: PacketType.REVALIDATE, sessionId, valid } }];
  }

  tick(): ZabOutput[] {
    const out: ZabOutput[] = [];
    if (this.phase === 'stopped') return out;
    this.tickCount++;
    if (!this.established) {
      if (this.tickCount > this.limits.initLimitTicks) this.stop('timeout while waiting for a quorum of followers to sync', out);
      return out;
    }
    for (const h of [...this.learners.values()]) {
      const limit = h.stage === 'uptodate' ? this.limits.syncLimitTicks : this.limits.initLimitTicks;
      if (this.tickCount - h.lastHeardTick > limit) this.drop(h, 'learner silent for too long', out);
      // Only a learner that was sent UPTODATE: Apache's Learner.syncWithLeader takes a PING during its sync as an
      // unexpected packet and exits (status 13), so an Apache follower joining while pings were due never got up.
      else if (h.stage === 'uptodate') out.push({ kind: 'send', to: h.sid, message: { type: PacketType.PING, zxid: this.lastProposed, sessions: [] } });
    }
    const synced = [this.mySid, ...[...this.learners.values()].filter((h) => h.stage === 'newleader-acked' || h.stage === 'uptodate').map((h) => h.sid)];
    if (!this.verifier.containsQuorum(synced)) this.stop('not sufficient followers synced', out);
    return out;
  }

  private persist(ops: PersistOp[], what: { kind: 'accepted-epoch' | 'current-epoch' } | { kind: 'proposal'; zxid: bigint }, out: ZabOutput[]): void {
    const id = this.ids.take();
    this.pendingPersist.set(id, what);
    out.push({ kind: 'persist', id, ops });
  }

  private stop(reason: string, out: ZabOutput[]): void {
    if (this.phase === 'stopped') return;
    this.phase = 'stopped';
    for (const sid of this.learners.keys()) out.push({ kind: 'disconnect', sid, reason });
    this.learners.clear();
    out.push({ kind: 'stopped', reason });
  }

  private drop(h: LearnerHandler, reason: string, out: ZabOutput[]): void {
    this.learners.delete(h.sid);
    out.push({ kind: 'disconnect', sid: h.sid, reason });
  }

  private onLearnerInfo(sid: bigint, observer: boolean, acceptedEpoch: number, out: ZabOutput[]): void {
    if (sid === this.mySid) return;
    if (!this.quorumConfig && !this.verifier.isVoter(sid) && !this.verifier.observers.has(sid)) return;
    if (this.learners.has(sid)) out.push({ kind: 'disconnect', sid, reason: 'the learner connected again' });
    const h: LearnerHandler = { sid, observer, stage: 'info', acceptedEpoch, lastZxid: -1n, lastHeardTick: this.tickCount };
    this.learners.set(sid, h);
    if (this.newEpoch === null) this.contributeEpoch(sid, acceptedEpoch, out);
    else if (this.acceptedEpoch === this.newEpoch) this.sendLeaderInfo(h, out);
  }

  /** getEpochToPropose: the new epoch is one past every accepted epoch heard while a quorum gathers. */
  private contributeEpoch(sid: bigint, acceptedEpoch: number, out: ZabOutput[]): void {
    this.connecting.set(sid, acceptedEpoch);
    if (!this.connecting.has(this.mySid)) return;
    const voters = [...this.connecting.keys()].filter((s) => s === this.mySid || !this.learners.get(s)?.observer);
    if (!this.verifier.containsQuorum(voters)) return;
    this.newEpoch = Math.max(...this.connecting.values()) + 1;
    if (this.recoveredConfig) this.epochConfig = this.recoveredConfig;
    else if (this.quorumConfig && this.quorumConfig.version === 0n) {
      // Leader.lead: an initial config without a version gets this epoch's first zxid as its version.
      this.epochConfig = { ...this.quorumConfig, version: makeZxid(this.newEpoch, 0) };
    }
    if (this.epochConfig) {
      this.config = Buffer.from(configText(this.epochConfig), 'utf8');
      out.push({ kind: 'last-seen-config', configText: configText(this.epochConfig) });
    }
    this.persist([{ op: 'accepted-epoch', epoch: this.newEpoch }], { kind: 'accepted-epoch' }, out);
  }

  private sendLeaderInfo(h: LearnerHandler, out: ZabOutput[]): void {
    h.stage = 'epoch-sent';
    out.push({ kind: 'send', to: h.sid, message: { type: PacketType.LEADERINFO, newEpoch: this.newEpoch!, protocolVersion: ZAB_PROTOCOL_VERSION } });
  }

  private onAckEpoch(h: LearnerHandler, currentEpoch: number, lastZxid: bigint, out: ZabOutput[]): void {
    if (h.stage !== 'epoch-sent') return this.drop(h, 'ACKEPOCH out of order', out);
    h.lastZxid = lastZxid;
    if (currentEpoch !== -1) {
      const s = this.leaderSummary;
      if (currentEpoch > s.currentEpoch || (currentEpoch === s.currentEpoch && lastZxid > s.lastZxid)) return this.drop(h, 'follower is ahead of the leader', out);
    }
    h.stage = 'awaiting-epoch-quorum';
    if (currentEpoch !== -1 && !h.observer) this.onAckEpochFrom(h.sid, out);
    else if (this.epochQuorumReached) this.syncLearner(h, out);
  }

  /** waitForEpochAck: once a quorum (leader included) acked the epoch, sync everyone waiting and persist currentEpoch. */
  private onAckEpochFrom(sid: bigint, out: ZabOutput[]): void {
    this.epochAcks.add(sid);
    if (this.epochQuorumReached) {
      const h = this.learners.get(sid);
      if (h) this.syncLearner(h, out);
      return;
    }
    if (!this.epochAcks.has(this.mySid) || !this.verifier.containsQuorum(this.epochAcks)) return;
    this.epochQuorumReached = true;
    this.phase = 'synchronization';
    this.persist([{ op: 'current-epoch', epoch: this.newEpoch! }], { kind: 'current-epoch' }, out);
    for (const h of this.learners.values()) if (h.stage === 'awaiting-epoch-quorum') this.syncLearner(h, out);
  }

  /** Everything up to here is committed from a learner's point of view once the epoch is established. */
  private syncCommitted(): bigint {
    return this.lastCommitted > this.initialLastZxid ? this.lastCommitted : this.initialLastZxid;
  }

  /**
   * syncFollower: a learner holding only committed history is sent the rest (DIFF); one holding transactions the
   * leader never committed is first truncated to a point the leader has (TRUNC, never across an epoch); anything
   * else, or a learner older than the in-memory window, gets the whole applied tree (SNAP).
   */
  private syncLearner(h: LearnerHandler, out: ZabOutput[]): void {
    const peerLast = h.lastZxid;
    const committed = this.syncCommitted();
    let from: bigint | null = null;
    const send = (message: ZabMessage) => out.push({ kind: 'send', to: h.sid, message });
    if (peerLast === committed) {
      send({ type: PacketType.DIFF, zxid: committed });
      from = committed;
    } else if (peerLast > committed) {
      if (epochOf(peerLast) === epochOf(committed) && committed >= this.historyBase) {
        send({ type: PacketType.TRUNC, zxid: committed });
        from = committed;
      }
    } else if (peerLast >= this.historyBase) {
      let prev = this.historyBase;
      let found = peerLast === prev;
      for (const t of this.history) {
        if (found || t.zxid > peerLast) break;
        if (t.zxid === peerLast) found = true;
        else prev = t.zxid;
      }
      if (found) {
        send({ type: PacketType.DIFF, zxid: committed });
        from = peerLast;
      } else if (epochOf(prev) === epochOf(peerLast)) {
        // The learner has transactions this leader never had (an old leader's unreplicated tail).
        send({ type: PacketType.TRUNC, zxid: prev });
        from = prev;
      }
    } else if (this.readLoggedTxns) {
      // Older than the in-memory window: Apache's "Use txnlog and committedLog" when the log is small enough.
      const older = this.readLoggedTxns(peerLast, this.historyBase);
      if (older) {
        send({ type: PacketType.DIFF, zxid: committed });
        for (const t of older) {
          send({ type: PacketType.PROPOSAL, txn: t });
          send({ type: PacketType.COMMIT, zxid: t.zxid });
        }
        from = peerLast;
      }
    }
    if (from === null) {
      // The snapshot is of the leader's applied tree, which is exactly at lastCommitted.
      send({ type: PacketType.SNAP, zxid: this.lastCommitted });
      from = this.lastCommitted;
    }
    for (const t of this.history) {
      if (t.zxid <= from) continue;
      if (t.zxid <= committed) {
        send({ type: PacketType.PROPOSAL, txn: t });
        send({ type: PacketType.COMMIT, zxid: t.zxid });
      } else if (!h.observer) {
        send({ type: PacketType.PROPOSAL, txn: t });
      }
    }
    h.stage = 'newleader-sent';
    send({ type: PacketType.NEWLEADER, zxid: makeZxid(this.newEpoch!, 0), config: this.config });
  }

  private onAck(h: LearnerHandler, zxid: bigint, out: ZabOutput[]): void {
    const newLeaderZxid = makeZxid(this.newEpoch ?? 0, 0);
    if (zxid === newLeaderZxid) {
      if (h.stage !== 'newleader-sent') return;
      h.stage = 'newleader-acked';
      if (!h.observer) this.newLeaderAcks.add(h.sid);
      if (this.established) this.sendUpToDate(h, out);
      else this.maybeEstablish(out);
      return;
    }
    if (h.observer || h.stage === 'newleader-sent') return;
    this.ackFrom(h.sid, zxid, out);
  }

  private sendUpToDate(h: LearnerHandler, out: ZabOutput[]): void {
    h.stage = 'uptodate';
    out.push({ kind: 'send', to: h.sid, message: { type: PacketType.UPTODATE } });
  }

  private maybeEstablish(out: ZabOutput[]): void {
    if (this.established || !this.newLeaderAcks.has(this.mySid) || !this.verifier.containsQuorum(this.newLeaderAcks)) return;
    // The NEWLEADER of an epoch that activates a logged reconfig needs a quorum of the new config as well.
    if (this.recoveredConfig && !verifierOf(this.recoveredConfig).containsQuorum(this.newLeaderAcks)) return;
    this.phase = 'broadcast';
    // The history the leader was elected with is committed now: a quorum logged it and acked NEWLEADER.
    for (const t of this.history) {
      if (t.zxid > this.initialLastZxid) break;
      if (t.zxid > this.lastCommitted) out.push({ kind: 'apply', txn: t });
    }
    if (this.initialLastZxid > this.lastCommitted) this.lastCommitted = this.initialLastZxid;
    this.committedCount = 0;
    while (this.committedCount < this.history.length && this.history[this.committedCount]!.zxid <= this.lastCommitted) this.committedCount++;
    this.trimHistory();
    if (this.epochConfig) {
      // startZkServer: the config this epoch starts with names its leader, as a committed reconfig does; a leader
      // that is not the designated one commits nothing more.
      const config = this.epochConfig;
      const designatedLeader = this.designatedLeader({ zxid: makeZxid(this.newEpoch!, 0), config, verifier: verifierOf(config) }, this.newLeaderAcks);
      this.activate(config, out, designatedLeader);
      if (designatedLeader !== this.mySid) this.allowedToCommit = false;
    }
    out.push({ kind: 'serving', epoch: this.newEpoch! });
    for (const h of this.learners.values()) if (h.stage === 'newleader-acked') this.sendUpToDate(h, out);
    this.commitReady(out);
  }

  private ackFrom(sid: bigint, zxid: bigint, out: ZabOutput[]): void {
    const set = this.acks.get(zxid);
    if (!set) return;
    set.add(sid);
    this.commitReady(out);
  }

  /** Commits, in zxid order, every proposal whose acks form a quorum. */
  private commitReady(out: ZabOutput[]): void {
    if (!this.established) return;
    while (this.allowedToCommit) {
      const next = this.history[this.committedCount];
      if (!next) break;
      const set = this.acks.get(next.zxid);
      if (!set || !this.verifier.containsQuorum(set)) break;
      // From a reconfig on, proposals need a quorum of the new config as well (Apache's qvAcksetPairs).
      const pending = this.pendingReconfig;
      if (pending && pending.zxid <= next.zxid && !pending.verifier.containsQuorum(set)) break;
      this.acks.delete(next.zxid);
      this.lastCommitted = next.zxid;
      this.committedCount++;
      const activating = pending?.zxid === next.zxid ? pending : null;
      const designatedLeader = activating ? this.designatedLeader(activating, set) : this.mySid;
      for (const h of this.learners.values()) {
        if (h.stage !== 'newleader-sent' && h.stage !== 'newleader-acked' && h.stage !== 'uptodate') continue;
        let message: ZabMessage;
        if (activating) message = h.observer ? { type: PacketType.INFORMANDACTIVATE, txn: next, designatedLeader } : { type: PacketType.COMMITANDACTIVATE, zxid: next.zxid, designatedLeader };
        else message = h.observer ? { type: PacketType.INFORM, txn: next } : { type: PacketType.COMMIT, zxid: next.zxid };
        out.push({ kind: 'send', to: h.sid, message });
      }
      out.push({ kind: 'apply', txn: next });
      if (activating) {
        this.pendingReconfig = null;
        this.activate(activating.config, out, designatedLeader);
        // A leader the new config does not keep hands over: its followers leave for the designated leader.
        if (designatedLeader !== this.mySid) this.allowedToCommit = false;
      }
    }
    this.trimHistory();
    this.flushSyncs(out);
  }

  /**
   * Leader.getDesignatedLeader: this leader when the new config keeps it as a voter at the same quorum address;
   * else, of the new config's voters that acked `r`, the one that acked the most of the proposals outstanding after
   * it, taken in the order Apache's HashSet of their ids iterates (lowest id first, below the table size).
   */
  private designatedLeader(r: PendingReconfig, acks: ReadonlySet<bigint>): bigint {
    const now = this.quorumConfig?.servers.get(Number(this.mySid));
    const next = r.config.servers.get(Number(this.mySid));
    const sameAddress = !now || !next || (now.host === next.host && now.quorumPort === next.quorumPort);
    if (r.verifier.isVoter(this.mySid) && sameAddress) return this.mySid;
    let candidates = javaHashSetOrder([...acks].filter((sid) => sid !== this.mySid && r.verifier.isVoter(sid)));
    let current = candidates[0] ?? this.mySid;
    // Each outstanding proposal after it has an ack set per config it must be committed in: the active one, then r's.
    for (let i = this.committedCount; i < this.history.length; i++) {
      const t = this.history[i]!;
      if (t.zxid <= r.zxid) continue;
      const set = this.acks.get(t.zxid);
      if (!set) break;
      for (const v of [this.verifier, r.verifier]) {
        candidates = candidates.filter((sid) => set.has(sid) && v.isVoter(sid));
        if (candidates.length === 0) return current;
        current = candidates[0]!;
        if (candidates.length === 1) return current;
      }
    }
    return current;
  }

  private activate(config: QuorumConfig, out: ZabOutput[], designatedLeader: bigint | null = null): void {
    this.quorumConfig = config;
    this.verifier = verifierOf(config);
    this.epochConfig = null;
    const text = configText(config);
    this.config = Buffer.from(this.pendingReconfig ? configText(this.pendingReconfig.config) : text, 'utf8');
    out.push({ kind: 'activate', configText: text, designatedLeader });
  }

  /** A reconfig is proposed and not committed yet (prep answers RECONFIGINPROGRESS). */
  get reconfigInProgress(): boolean {
    return this.pendingReconfig !== null;
  }

  /** The config reconfig requests start from (its version is what `-v` must match). */
  get activeConfig(): QuorumConfig | null {
    return this.quorumConfig;
  }

  /** Leader.isQuorumSynced: this leader and the synced followers that vote in `v` form a quorum of `v`. */
  quorumSyncedIn(v: MajorityQuorumVerifier): boolean {
    const ids: bigint[] = [];
    if (v.isVoter(this.mySid)) ids.push(this.mySid);
    for (const h of this.learners.values()) if (!h.observer && h.stage === 'uptodate' && v.isVoter(h.sid)) ids.push(h.sid);
    return v.containsQuorum(ids);
  }

  private flushSyncs(out: ZabOutput[]): void {
    while (this.pendingSyncs.length > 0 && this.pendingSyncs[0]!.afterZxid <= this.lastCommitted) {
      const { sid } = this.pendingSyncs.shift()!;
      if (sid === this.mySid) out.push({ kind: 'sync-done', sid });
      else if (this.learners.has(sid)) out.push({ kind: 'send', to: sid, message: { type: PacketType.SYNC } });
    }
  }

  /** Keeps at most committedLogMax applied transactions in memory; older learners get a SNAP. */
  private trimHistory(): void {
    const drop = this.committedCount - this.limits.committedLogMax;
    if (drop <= 0) return;
    this.historyBase = this.history[drop - 1]!.zxid;
    // shift() trims the array in place: no copy of the window per commit.
    for (let i = 0; i < drop; i++) this.history.shift();
    this.committedCount -= drop;
  }
}

/**
 * The order a java.util.HashSet<Long> copied from these ids iterates in: by bucket (the hash, an id below 2^16
 * itself, masked by the table size, at least 16), then by id.
 */
export function javaHashSetOrder(sids: readonly bigint[]): bigint[] {
  const capacity = Math.max(Math.floor(sids.length / 0.75) + 1, 16);
  let table = 16;
  while (table < capacity) table *= 2;
  const bucket = (sid: bigint) => {
    const h = Number(BigInt.asIntN(32, sid ^ (sid >> 32n)));
    return (h ^ (h >>> 16)) & (table - 1);
  };
  return [...sids].sort((a, b) => bucket(a) - bucket(b) || (a < b ? -1 : a > b ? 1 : 0));
}

function parseReconfig(text: string): QuorumConfig {
  const c = tryParseConfigText(text);
  if (!c) throw new Error(`a reconfig txn carries an unreadable config: ${JSON.stringify(text)}`);
  return c;
}
