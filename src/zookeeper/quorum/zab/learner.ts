// ZAB's follower and observer (Apache 3.8 Learner / Follower / Observer) as a pure state machine: announce the
// accepted epoch, accept the leader's epoch (persisting it before ACKEPOCH), take DIFF / TRUNC / SNAP plus the
// proposals that follow, persist all of it and the current epoch before acking NEWLEADER, start serving on
// UPTODATE, then log-and-ack proposals and apply commits in zxid order.
import { reconfigTextOf } from '../reconfig-txn.js';
import { PacketType, ZAB_PROTOCOL_VERSION } from '../wire/packet-types.js';
import type { SessionTouch, Txn, ZabMessage } from '../wire/zab-messages.js';
import { counterOf, epochOf, makeZxid } from '../zxid.js';
import { type DurableState, type PersistIds, type PersistOp, type ZabLimits, type ZabOutput } from './types.js';

export type LearnerStage = 'connecting' | 'info-sent' | 'epoch-acking' | 'epoch-acked' | 'syncing' | 'newleader-persisting' | 'newleader-acked' | 'serving' | 'stopped';

export interface LearnerOptions {
  mySid: bigint;
  leaderSid: bigint;
  observer: boolean;
  limits: ZabLimits;
  durable: DurableState;
  /** Zxid of the data tree now (default: the snapshot's); logged transactions after it are not applied yet. */
  appliedZxid?: bigint;
  persistIds: PersistIds;
  /** Most sessions a ping reply carries; the rest wait for the next ping. */
  maxTouchedSessions?: number;
  /** Dynamic reconfiguration is on: the config NEWLEADER carries is activated on UPTODATE. */
  reconfigEnabled?: boolean;
  /** The version of the active config (sent in FOLLOWERINFO / OBSERVERINFO). */
  configVersion?: bigint;
}

type Continuation = { kind: 'ack-epoch' } | { kind: 'ack-newleader'; proposals: bigint[] } | { kind: 'ack'; zxid: bigint } | { kind: 'none' };

export class ZabLearner {
  readonly mySid: bigint;
  readonly leaderSid: bigint;
  readonly observer: boolean;
  private readonly limits: ZabLimits;
  private readonly ids: PersistIds;
  stage: LearnerStage = 'connecting';
  private acceptedEpoch: number;
  private currentEpoch: number;
  private newEpoch = -1;
  /** In-memory log: what is on disk plus what was received and not yet persisted. */
  private log: Txn[];
  private base: bigint;
  private committed: bigint;
  /** Applied to the data tree (nothing until UPTODATE: the tree starts at the snapshot). */
  private applied: bigint;
  private syncOps: PersistOp[] = [];
  private readonly pendingPersist = new Map<number, Continuation>();
  private readonly touched = new Map<bigint, number>();
  private readonly maxTouchedSessions: number;
  private tickCount = 0;
  private lastHeardTick = 0;
  private readonly reconfigEnabled: boolean;
  private readonly configVersion: bigint;
  /** The config NEWLEADER carried, activated on UPTODATE. */
  private newLeaderConfig: string | null = null;

  constructor(opts: LearnerOptions) {
    this.mySid = opts.mySid;
    this.leaderSid = opts.leaderSid;
    this.observer = opts.observer;
    this.limits = opts.limits;
    this.ids = opts.persistIds;
    this.acceptedEpoch = opts.durable.acceptedEpoch;
    this.currentEpoch = opts.durable.currentEpoch;
    this.log = [...opts.durable.log];
    this.base = opts.durable.snapshotZxid;
    this.applied = opts.appliedZxid ?? this.base;
    this.committed = this.applied;
    this.maxTouchedSessions = opts.maxTouchedSessions ?? 100_000;
    this.reconfigEnabled = opts.reconfigEnabled ?? false;
    this.configVersion = opts.configVersion ?? 0n;
  }

  get serving(): boolean {
    return this.stage === 'serving';
  }

  private lastZxid(): bigint {
    return this.log.length > 0 ? this.log[this.log.length - 1]!.zxid : this.base;
  }

  /** The connection to the leader is open: announce myself (FOLLOWERINFO / OBSERVERINFO). */
  connected(): ZabOutput[] {
    if (this.stage !== 'connecting') return [];
    this.stage = 'info-sent';
    this.lastHeardTick = this.tickCount;
    const type = this.observer ? PacketType.OBSERVERINFO : PacketType.FOLLOWERINFO;
    return [this.send({ type, acceptedEpoch: this.acceptedEpoch, sid: this.mySid, protocolVersion: ZAB_PROTOCOL_VERSION, configVersion: this.configVersion })];
  }

  disconnected(): ZabOutput[] {
    // Before connected() the closed connection is an older one to the same leader (a reconfig named this leader
    // again for the role that follows at once): this learner has not lost anything yet.
    if (this.stage === 'connecting') return [];
    const out: ZabOutput[] = [];
    this.stop('connection to the leader lost', out);
    return out;
  }

  /** Records traffic on a session; the next ping reply carries it to the leader. */
  touchSession(sessionId: bigint, timeoutMs: number): void {
    if (this.touched.size < this.maxTouchedSessions || this.touched.has(sessionId)) this.touched.set(sessionId, timeoutMs);
  }

  /** Forwards a client write or sync to the leader. */
  forward(request: Extract<ZabMessage, { type: PacketType.REQUEST }>): ZabOutput[] {
    if (this.stage !== 'serving') return [];
    return [this.send(request)];
  }

  revalidate(sessionId: bigint, timeoutMs: number): ZabOutput[] {
    if (this.stage !== 'serving') return [];
    return [this.send({ type: PacketType.REVALIDATE, sessionId, timeoutMs })];
  }

  tick(): ZabOutput[] {
    const out: ZabOutput[] = [];
    if (this.stage === 'stopped') return out;
    this.tickCount++;
    const limit = this.stage === 'serving' || this.stage === 'newleader-acked' ? this.limits.syncLimitTicks : this.limits.initLimitTicks;
    if (this.tickCount - this.lastHeardTick > limit) this.stop('no word from the leader', out);
    return out;
  }

  persisted(id: number): ZabOutput[] {
    const out: ZabOutput[] = [];
    const k = this.pendingPersist.get(id);
    if (!k) return out;
    this.pendingPersist.delete(id);
    if (this.stage === 'stopped') return out;
    switch (k.kind) {
      case 'ack-epoch':
        this.acceptedEpoch = this.newEpoch;
        this.stage = 'epoch-acked';
        out.push(this.send({ type: PacketType.ACKEPOCH, lastZxid: this.lastZxid(), currentEpoch: this.currentEpoch }));
        break;
      case 'ack-newleader':
        this.currentEpoch = this.newEpoch;
        this.stage = 'newleader-acked';
        out.push(this.send({ type: PacketType.ACK, zxid: makeZxid(this.newEpoch, 0) }));
        // Proposals that came with the sync are logged now too: ack them, or ones the leader has not committed
        // yet would wait for this learner forever.
        if (!this.observer) for (const zxid of k.proposals) out.push(this.send({ type: PacketType.ACK, zxid }));
        break;
      case 'ack':
        if (!this.observer) out.push(this.send({ type: PacketType.ACK, zxid: k.zxid }));
        break;
      case 'none':
        break;
    }
    return out;
  }

  receive(from: bigint, m: ZabMessage): ZabOutput[] {
    const out: ZabOutput[] = [];
    if (this.stage === 'stopped' || from !== this.leaderSid) return out;
    this.lastHeardTick = this.tickCount;
    switch (m.type) {
      case PacketType.LEADERINFO:
        this.onLeaderInfo(m.newEpoch, out);
        break;
      case PacketType.DIFF:
      case PacketType.TRUNC:
      case PacketType.SNAP:
        this.onSyncStart(m, out);
        break;
      case PacketType.PROPOSAL:
        this.onProposal(m.txn, out);
        break;
      case PacketType.COMMIT:
        this.onCommit(m.zxid, out);
        break;
      case PacketType.INFORM:
        if (this.onProposal(m.txn, out)) this.onCommit(m.txn.zxid, out);
        break;
      case PacketType.COMMITANDACTIVATE: {
        const txn = this.log.find((t) => t.zxid === m.zxid);
        this.onCommit(m.zxid, out);
        this.activate(txn, m.designatedLeader, out);
        break;
      }
      case PacketType.INFORMANDACTIVATE:
        if (this.onProposal(m.txn, out)) {
          this.onCommit(m.txn.zxid, out);
          this.activate(m.txn, m.designatedLeader, out);
        }
        break;
      case PacketType.NEWLEADER:
        if (this.reconfigEnabled && m.config.length > 1) {
          this.newLeaderConfig = m.config.toString('utf8');
          out.push({ kind: 'last-seen-config', configText: this.newLeaderConfig });
        }
        this.onNewLeader(m.zxid, out);
        break;
      case PacketType.UPTODATE:
        this.onUpToDate(out);
        break;
      case PacketType.PING:
        this.onPing(m.zxid, out);
        break;
      case PacketType.SYNC:
        if (this.stage === 'serving') out.push({ kind: 'sync-done', sid: this.mySid });
        break;
      case PacketType.REVALIDATE:
        if ('valid' in m) out.push({ kind: 'revalidated', sessionId: m.sessionId, valid: m.valid });
        break;
      default:
        this.stop(`unexpected packet type ${m.type} from the leader`, out);
    }
    return out;
  }

  private send(message: ZabMessage): ZabOutput {
    return { kind: 'send', to: this.leaderSid, message };
  }

  private persist(ops: PersistOp[], then: Continuation, out: ZabOutput[]): void {
    const id = this.ids.take();
    this.pendingPersist.set(id, then);
    out.push({ kind: 'persist', id, ops });
  }

  private stop(reason: string, out: ZabOutput[]): void {
    if (this.stage === 'stopped') return;
    this.stage = 'stopped';
    out.push({ kind: 'stopped', reason });
  }

  private onLeaderInfo(newEpoch: number, out: ZabOutput[]): void {
    if (this.stage !== 'info-sent') return this.stop('LEADERINFO out of order', out);
    this.newEpoch = newEpoch;
    if (newEpoch > this.acceptedEpoch) {
      this.stage = 'epoch-acking';
      this.persist([{ op: 'accepted-epoch', epoch: newEpoch }], { kind: 'ack-epoch' }, out);
    } else if (newEpoch === this.acceptedEpoch) {
      this.stage = 'epoch-acked';
      out.push(this.send({ type: PacketType.ACKEPOCH, lastZxid: this.lastZxid(), currentEpoch: -1 }));
    } else {
      this.stop(`leader's epoch ${newEpoch} is less than accepted epoch ${this.acceptedEpoch}`, out);
    }
  }

  private onSyncStart(m: Extract<ZabMessage, { type: PacketType.DIFF | PacketType.TRUNC | PacketType.SNAP }>, out: ZabOutput[]): void {
    if (this.stage !== 'epoch-acked') return this.stop('sync packet out of order', out);
    this.stage = 'syncing';
    if (m.type === PacketType.TRUNC) {
      if (m.zxid < this.base || (m.zxid !== this.base && !this.log.some((t) => t.zxid === m.zxid))) return this.stop(`cannot truncate the log to ${m.zxid}`, out);
      this.log = this.log.filter((t) => t.zxid <= m.zxid);
      this.syncOps.push({ op: 'truncate', zxid: m.zxid });
    } else if (m.type === PacketType.SNAP) {
      // The tree takes the snapshot now, as Apache deserializes it into its database on SNAP: its content is the
      // leader's applied (committed) state, and it must match what the log is persisted against at NEWLEADER.
      out.push({ kind: 'load-snapshot', zxid: m.zxid, snapshot: m.snapshot });
      this.log = [];
      this.base = m.zxid;
      this.syncOps.push({ op: 'snapshot', zxid: m.zxid, snapshot: m.snapshot });
    }
    // What the learner keeps is in the leader's history, and up to the DIFF zxid it is committed once the leader
    // is established; a TRUNC or SNAP point is always committed.
    this.committed = m.type === PacketType.DIFF && m.zxid < this.lastZxid() ? m.zxid : this.lastZxid();
    if (m.type === PacketType.SNAP) this.applied = this.base;
    else if (this.applied > this.committed) this.stop(`applied ${this.applied} is past the leader's committed ${this.committed}`, out);
  }

  /** Accepts the next proposal in order; returns false (and stops) on a gap or a repeat. */
  private onProposal(txn: Txn, out: ZabOutput[]): boolean {
    const syncing = this.stage === 'syncing';
    if (!syncing && this.stage !== 'newleader-persisting' && this.stage !== 'newleader-acked' && this.stage !== 'serving') {
      this.stop('proposal before sync', out);
      return false;
    }
    const last = this.lastZxid();
    const next = epochOf(txn.zxid) === epochOf(last) ? counterOf(txn.zxid) === counterOf(last) + 1 : epochOf(txn.zxid) > epochOf(last) && counterOf(txn.zxid) === 1;
    if (!next) {
      this.stop(`got zxid ${txn.zxid} after ${last}`, out);
      return false;
    }
    this.log.push(txn);
    if (this.reconfigEnabled) {
      // Follower / Learner.syncWithLeader: a reconfig proposal is the last seen config before it is logged.
      const text = reconfigTextOf(txn.data);
      if (text !== null) out.push({ kind: 'last-seen-config', configText: text });
    }
    if (syncing) this.syncOps.push({ op: 'append', txns: [txn] });
    else this.persist([{ op: 'append', txns: [txn] }], { kind: 'ack', zxid: txn.zxid }, out);
    return true;
  }

  private onCommit(zxid: bigint, out: ZabOutput[]): void {
    const next = this.log.find((t) => t.zxid > this.committed);
    if (!next || next.zxid !== zxid) return this.stop(`commit of ${zxid} is not the next logged proposal`, out);
    this.committed = zxid;
    if (this.stage === 'serving') this.applyCommitted(out);
  }

  /** A committed reconfig: its config becomes active (the peer decides whether this role can go on under it). */
  private activate(txn: Txn | undefined, designatedLeader: bigint, out: ZabOutput[]): void {
    if (this.stage === 'stopped') return;
    const text = txn ? reconfigTextOf(txn.data) : null;
    if (text === null) return this.stop('COMMITANDACTIVATE of a transaction that is not a reconfig', out);
    if (this.reconfigEnabled) out.push({ kind: 'activate', configText: text, designatedLeader });
  }

  private onNewLeader(zxid: bigint, out: ZabOutput[]): void {
    if (this.stage !== 'syncing' || epochOf(zxid) !== this.newEpoch || counterOf(zxid) !== 0) return this.stop('NEWLEADER out of order', out);
    this.stage = 'newleader-persisting';
    const ops = this.syncOps;
    this.syncOps = [];
    ops.push({ op: 'current-epoch', epoch: this.newEpoch });
    const proposals = ops.flatMap((op) => (op.op === 'append' ? op.txns.filter((t) => t.zxid > this.committed).map((t) => t.zxid) : []));
    this.persist(ops, { kind: 'ack-newleader', proposals }, out);
  }

  private onUpToDate(out: ZabOutput[]): void {
    if (this.stage !== 'newleader-acked') return this.stop('UPTODATE out of order', out);
    this.stage = 'serving';
    this.applyCommitted(out);
    if (this.newLeaderConfig !== null) out.push({ kind: 'activate', configText: this.newLeaderConfig, designatedLeader: null });
    this.newLeaderConfig = null;
    out.push({ kind: 'serving', epoch: this.newEpoch });
    out.push(this.send({ type: PacketType.ACK, zxid: makeZxid(this.newEpoch, 0) }));
  }

  private applyCommitted(out: ZabOutput[]): void {
    let i = 0;
    while (i < this.log.length && this.log[i]!.zxid <= this.applied) i++;
    for (; i < this.log.length; i++) {
      const t = this.log[i]!;
      if (t.zxid > this.committed) break;
      out.push({ kind: 'apply', txn: t });
      this.applied = t.zxid;
    }
    // Keep only what is not applied yet; the applied rest is on disk and in the tree. shift() trims in place: the
    // proposals in flight behind are not copied per commit.
    if (i === 0 || this.stage !== 'serving') return;
    this.base = this.log[i - 1]!.zxid;
    if (i === this.log.length) this.log = [];
    else for (let n = 0; n < i; n++) this.log.shift();
  }

  private onPing(zxid: bigint, out: ZabOutput[]): void {
    // Apache's Learner ignores pings until it is up to date: its leader takes anything but an ACK right after
    // NEWLEADER as a broken learner.
    if (this.stage !== 'serving') return;
    const sessions: SessionTouch[] = [];
    for (const [sessionId, timeoutMs] of this.touched) sessions.push({ sessionId, timeoutMs });
    this.touched.clear();
    out.push(this.send({ type: PacketType.PING, zxid, sessions }));
  }
}

