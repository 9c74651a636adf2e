// A seeded, in-process ensemble of QuorumPeers: an election network that loses, delays, duplicates and reorders
// notifications; quorum connections that are FIFO (TCP) but break; partitions; disks whose writes complete later
// and are lost on a crash; crashes and restarts from what was fsynced; a client proposing writes at the leader.
// Checkers run after every step. Everything derives from the seed, so a failing seed replays exactly.
import { createHash } from 'node:crypto';
import { MajorityQuorumVerifier, type QuorumMember } from '../../src/zookeeper/quorum/quorum-verifier.js';
import { configText, verifierOf, type QuorumConfig } from '../../src/zookeeper/quorum/quorum-config.js';
import { reconfigTextOf } from '../../src/zookeeper/quorum/reconfig-txn.js';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { encodeTxn } from '../../src/zookeeper/tree/txn.js';
import { QuorumPeer, type PeerOutput } from '../../src/zookeeper/quorum/quorum-peer.js';
import { ServerState, type Notification } from '../../src/zookeeper/quorum/wire/election-messages.js';
import { PacketType } from '../../src/zookeeper/quorum/wire/packet-types.js';
import type { Txn, ZabMessage } from '../../src/zookeeper/quorum/wire/zab-messages.js';
import { ZabLeader } from '../../src/zookeeper/quorum/zab/leader.js';
import { applyPersistOps, DEFAULT_ZAB_LIMITS, type DurableState, type PersistOp, type ZabLimits } from '../../src/zookeeper/quorum/zab/types.js';
import { epochOf, zxidHex } from '../../src/zookeeper/quorum/zxid.js';

export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export class SimulationFailure extends Error {}

export interface SimOptions {
  voters: number;
  observers?: number;
  /** Steps with faults; then the network heals and everyone restarts for `healSteps`. */
  faultSteps: number;
  healSteps: number;
  stepMs?: number;
  limits?: Partial<ZabLimits>;
  /**
   * Dynamic reconfiguration: `spares` more servers start with the members plus themselves (non-voters until a
   * reconfig adds them); the leader now and then proposes adding a server or removing a voter.
   */
  reconfig?: { spares: number };
}

interface Disk {
  state: DurableState;
  /** The applied history the snapshot holds (our stand-in for a serialized data tree). */
  snapshot: Txn[];
  pending: { id: number; ops: PersistOp[]; dueMs: number }[];
}

interface Server {
  sid: bigint;
  up: boolean;
  peer: QuorumPeer | null;
  disk: Disk;
  applied: Txn[];
  restartAtMs: number;
  /** The active config as its dynamic file holds it (reconfig mode); survives crashes. */
  config: QuorumConfig | null;
}

interface Conn {
  id: number;
  leader: bigint;
  learner: bigint;
  open: boolean;
  /** Next time a message may arrive in each direction (keeps FIFO order). */
  nextToLearnerMs: number;
  nextToLeaderMs: number;
}

type Event =
  | { kind: 'notification'; atMs: number; seq: number; from: bigint; to: bigint; n: Notification }
  | { kind: 'zab'; atMs: number; seq: number; conn: Conn; from: bigint; to: bigint; m: ZabMessage };

const same = (a: Txn, b: Txn) => a.zxid === b.zxid && a.data.equals(b.data);

export class QuorumSimulation {
  readonly rand: () => number;
  readonly servers = new Map<bigint, Server>();
  readonly verifier: MajorityQuorumVerifier;
  private readonly limits: ZabLimits;
  private readonly stepMs: number;
  nowMs = 0;
  step = 0;
  private seq = 0;
  private events: Event[] = [];
  private conns: Conn[] = [];
  private nextConnId = 1;
  /** Groups that can talk: a server talks to another only when both are in the same group. */
  private partition = new Map<bigint, number>();
  private faults = true;
  private writes = 0;
  /** The longest committed history any leader applied. */
  readonly committed: Txn[] = [];
  private readonly zxidData = new Map<bigint, Buffer>();
  private readonly epochLeaders = new Map<number, bigint>();
  readonly trace = createHash('sha256');
  /** Recent trace lines, kept when ZK_QUORUM_DEBUG is set (printed on failure). */
  readonly recent: string[] = [];
  private readonly debug = process.env['ZK_QUORUM_DEBUG'] !== undefined;
  stats = { elections: 0, establishments: 0, commits: 0, crashes: 0, snaps: 0, truncs: 0, diffs: 0, reconfigs: 0, activations: 0 };
  /** Every config any server activated, by version: one text per version. */
  readonly configs = new Map<bigint, string>();
  /** The newest committed reconfig's config. */
  lastReconfig: QuorumConfig | null = null;

  constructor(readonly seed: number, readonly opts: SimOptions) {
    this.rand = mulberry32(seed);
    this.stepMs = opts.stepMs ?? 10;
    this.limits = { ...DEFAULT_ZAB_LIMITS, initLimitTicks: 10, syncLimitTicks: 5, committedLogMax: 20, zxidCounterLimit: 150, ...opts.limits };
    const members: QuorumMember[] = [];
    for (let i = 1; i <= opts.voters; i++) members.push({ sid: BigInt(i), type: 'participant' });
    for (let i = 1; i <= (opts.observers ?? 0); i++) members.push({ sid: BigInt(opts.voters + i), type: 'observer' });
    this.verifier = new MajorityQuorumVerifier(members);
    const spec = (sid: bigint, role: 'participant' | 'observer') => ({ id: Number(sid), host: `h${sid}`, quorumPort: 1000 + Number(sid), electionPort: 2000 + Number(sid), role, clientPort: 3000 + Number(sid) });
    const initial: QuorumConfig = { servers: new Map(members.map((m) => [Number(m.sid), spec(m.sid, m.type)])), version: 0n };
    const all = [...members];
    for (let i = 1; i <= (opts.reconfig?.spares ?? 0); i++) all.push({ sid: BigInt(members.length + i), type: 'participant' });
    for (const m of all) {
      const own = opts.reconfig ? { servers: new Map([...initial.servers, [Number(m.sid), spec(m.sid, m.type)]]), version: 0n } : null;
      const s: Server = { sid: m.sid, up: false, peer: null, disk: { state: { acceptedEpoch: 0, currentEpoch: 0, snapshotZxid: 0n, log: [] }, snapshot: [], pending: [] }, applied: [], restartAtMs: 0, config: own };
      this.servers.set(m.sid, s);
    }
    for (const s of this.servers.values()) this.boot(s);
  }

  private note(line: string): void {
    this.trace.update(`${this.step} ${line}\n`);
    if (this.debug) {
      this.recent.push(`${this.nowMs}ms ${line}`);
      if (this.recent.length > 400) this.recent.shift();
    }
  }

  private fail(what: string): never {
    if (this.debug) console.error(this.recent.join('\n'));
    throw new SimulationFailure(`seed=${this.seed} step=${this.step} t=${this.nowMs}ms: ${what}`);
  }

  private int(n: number): number {
    return Math.floor(this.rand() * n);
  }

  private boot(s: Server): void {
    s.up = true;
    s.applied = [...s.disk.snapshot];
    const durable: DurableState = { ...s.disk.state, log: [...s.disk.state.log] };
    const verifier = s.config ? verifierOf(s.config) : this.verifier;
    const quorum = s.config ? { quorumConfig: s.config, config: Buffer.from(configText(s.config)) } : {};
    s.peer = new QuorumPeer({ mySid: s.sid, verifier, limits: this.limits, tickTimeMs: 100, durable, appliedZxid: s.disk.state.snapshotZxid, finalizeWaitMs: 200, maxNotificationIntervalMs: 1600, ...quorum });
    for (const other of this.servers.values()) if (other !== s) s.peer.election.peerConnected(other.sid);
    this.handle(s, s.peer.start(this.nowMs));
  }

  private crash(s: Server): void {
    this.note(`${s.sid} crash`);
    this.stats.crashes++;
    s.up = false;
    s.peer = null;
    s.disk.pending = [];
    s.restartAtMs = this.nowMs + 200 + this.int(2000);
    for (const c of this.conns) if (c.open && (c.leader === s.sid || c.learner === s.sid)) this.closeConn(c);
  }

  private canTalk(a: bigint, b: bigint): boolean {
    return (this.partition.get(a) ?? 0) === (this.partition.get(b) ?? 0);
  }

  private closeConn(c: Conn): void {
    if (!c.open) return;
    c.open = false;
    for (const [sid, other] of [[c.leader, c.learner], [c.learner, c.leader]] as const) {
      const s = this.servers.get(sid)!;
      if (s.up && s.peer) this.handle(s, s.peer.zabDisconnected(this.nowMs, other));
    }
  }

  private connOf(a: bigint, b: bigint): Conn | undefined {
    return this.conns.find((c) => c.open && ((c.leader === a && c.learner === b) || (c.leader === b && c.learner === a)));
  }

  private push(e: Event): void {
    this.events.push(e);
  }

  private sendNotification(from: bigint, to: bigint, n: Notification): void {
    if (this.faults && this.rand() < 0.1) return; // lost
    const copies = this.faults && this.rand() < 0.05 ? 2 : 1;
    for (let i = 0; i < copies; i++) this.push({ kind: 'notification', atMs: this.nowMs + 1 + this.int(this.faults ? 60 : 10), seq: this.seq++, from, to, n });
  }

  private sendZab(s: Server, to: bigint, m: ZabMessage): void {
    const c = this.connOf(s.sid, to);
    if (!c) return;
    if (m.type === PacketType.SNAP) {
      const last = s.applied.length > 0 ? s.applied[s.applied.length - 1]!.zxid : s.disk.state.snapshotZxid;
      if (last !== m.zxid) this.fail(`server ${s.sid} sends SNAP ${zxidHex(m.zxid)} but its tree is at ${zxidHex(last)}`);
      m = { ...m, snapshot: [...s.applied] };
      this.stats.snaps++;
    } else if (m.type === PacketType.TRUNC) this.stats.truncs++;
    else if (m.type === PacketType.DIFF) this.stats.diffs++;
    if (this.debug && m.type !== PacketType.PING && m.type !== PacketType.PROPOSAL && m.type !== PacketType.COMMIT && m.type !== PacketType.ACK) this.note(`${s.sid} -> ${to} ${PacketType[m.type]} ${'zxid' in m ? zxidHex(m.zxid) : ''} ${m.type === PacketType.ACKEPOCH ? `${m.currentEpoch}` : ''}`);
    const toLearner = c.leader === s.sid;
    const at = Math.max(this.nowMs + 1 + this.int(this.faults ? 30 : 5), toLearner ? c.nextToLearnerMs : c.nextToLeaderMs);
    if (toLearner) c.nextToLearnerMs = at;
    else c.nextToLeaderMs = at;
    this.push({ kind: 'zab', atMs: at, seq: this.seq++, conn: c, from: s.sid, to, m });
  }

  /** Carries out a peer's outputs: the adapter's job, done in memory. */
  private handle(s: Server, outputs: PeerOutput[]): void {
    for (const o of outputs) {
      if (!s.up) return;
      switch (o.kind) {
        case 'send':
          if ('notification' in o) this.sendNotification(s.sid, o.to, o.notification);
          else this.sendZab(s, o.to, o.message);
          break;
        case 'connect-all':
          break;
        case 'persist':
          s.disk.pending.push({ id: o.id, ops: o.ops, dueMs: this.nowMs + 1 + this.int(this.faults ? 40 : 5) });
          if (this.debug) this.note(`${s.sid} persist ${o.ops.map((op) => ('zxid' in op ? `${op.op}:${zxidHex(op.zxid)}` : 'txns' in op ? `append:${op.txns.map((t) => zxidHex(t.zxid)).join(',')}` : `${op.op}:${op.epoch}`)).join(' ')}`);
          break;
        case 'apply':
          this.onApply(s, o.txn);
          break;
        case 'load-snapshot': {
          const snap = o.snapshot as Txn[];
          s.applied = [...snap];
          this.checkPrefix(s, 'loaded snapshot');
          break;
        }
        case 'role':
          this.note(`${s.sid} role ${ServerState[o.state]} leader=${o.leader}`);
          if (o.state === ServerState.LOOKING) this.stats.elections++;
          for (const c of this.conns) if (c.open && (c.leader === s.sid || c.learner === s.sid)) this.closeConn(c);
          break;
        case 'connect-leader':
          this.tryConnect(s, o.leader);
          break;
        case 'disconnect': {
          const c = this.connOf(s.sid, o.sid);
          if (c) this.closeConn(c);
          break;
        }
        case 'serving':
          this.onServing(s, o.epoch);
          break;
        case 'stopped':
          this.note(`${s.sid} stopped: ${o.reason}`);
          break;
        case 'config':
          this.onConfig(s, o.config, o.text);
          break;
        default:
          break;
      }
    }
  }

  private tryConnect(s: Server, leader: bigint): void {
    const l = this.servers.get(leader);
    if (!l || !l.up || !l.peer || !(l.peer.role instanceof ZabLeader) || !this.canTalk(s.sid, leader)) return;
    if (this.faults && this.rand() < 0.1) return;
    const old = this.connOf(s.sid, leader);
    if (old) this.closeConn(old);
    const c: Conn = { id: this.nextConnId++, leader, learner: s.sid, open: true, nextToLearnerMs: 0, nextToLeaderMs: 0 };
    this.conns.push(c);
    this.handle(s, s.peer!.zabConnected(this.nowMs));
  }

  private onServing(s: Server, epoch: number): void {
    if (!(s.peer?.role instanceof ZabLeader)) return;
    this.stats.establishments++;
    const prev = this.epochLeaders.get(epoch);
    if (prev !== undefined && prev !== s.sid) this.fail(`two leaders established in epoch ${epoch}: ${prev} and ${s.sid}`);
    this.epochLeaders.set(epoch, s.sid);
  }

  private onApply(s: Server, txn: Txn): void {
    const prev = s.applied[s.applied.length - 1];
    if (prev && txn.zxid <= prev.zxid) this.fail(`server ${s.sid} applies ${zxidHex(txn.zxid)} after ${zxidHex(prev.zxid)}`);
    const seen = this.zxidData.get(txn.zxid);
    if (seen && !seen.equals(txn.data)) this.fail(`two transactions applied at ${zxidHex(txn.zxid)}: ${seen} and ${txn.data}`);
    this.zxidData.set(txn.zxid, txn.data);
    s.applied.push(txn);
    const i = s.applied.length - 1;
    if (i < this.committed.length) {
      if (!same(this.committed[i]!, txn)) this.fail(`server ${s.sid} applies ${zxidHex(txn.zxid)}=${txn.data} at position ${i} where ${zxidHex(this.committed[i]!.zxid)}=${this.committed[i]!.data} was committed`);
    } else if (s.peer?.role instanceof ZabLeader) {
      this.committed.push(txn);
      this.stats.commits++;
      const text = this.opts.reconfig ? reconfigTextOf(txn.data) : null;
      if (text !== null) this.lastReconfig = { servers: new Map(), version: txn.zxid };
    } else {
      this.fail(`server ${s.sid} (not leading) applies ${zxidHex(txn.zxid)} that no leader committed`);
    }
    this.note(`${s.sid} apply ${zxidHex(txn.zxid)}`);
  }

  /** A server activated a config: one config per version, versions only grow on a server. */
  private onConfig(s: Server, config: QuorumConfig, text: string): void {
    this.stats.activations++;
    const seen = this.configs.get(config.version);
    if (seen !== undefined && seen !== text) this.fail(`two configs with version ${zxidHex(config.version)}:\n${seen}\n${text}`);
    this.configs.set(config.version, text);
    if (s.config && config.version <= s.config.version) this.fail(`server ${s.sid} activates version ${zxidHex(config.version)} after ${zxidHex(s.config.version)}`);
    s.config = config;
    this.note(`${s.sid} config ${zxidHex(config.version)}`);
  }

  /** What prep does for a reconfig: one at a time, a synced quorum in the new config; add a server or remove a voter. */
  private proposeReconfig(s: Server): void {
    const leader = s.peer!.role as ZabLeader;
    const current = leader.activeConfig;
    if (!current || leader.reconfigInProgress) return;
    const servers = new Map(current.servers);
    const absent = [...this.servers.keys()].filter((sid) => !servers.has(Number(sid)));
    const voters = [...servers.values()].filter((x) => x.role === 'participant');
    if (absent.length > 0 && (voters.length <= 2 || this.rand() < 0.5)) {
      const sid = absent[this.int(absent.length)]!;
      servers.set(Number(sid), { id: Number(sid), host: `h${sid}`, quorumPort: 1000 + Number(sid), electionPort: 2000 + Number(sid), role: this.rand() < 0.2 ? 'observer' : 'participant', clientPort: 3000 + Number(sid) });
    } else if (voters.length > 2) {
      servers.delete(voters[this.int(voters.length)]!.id);
    } else return;
    const next = { servers: new Map([...servers].sort(([a], [b]) => a - b)), version: 0n };
    if (!leader.quorumSyncedIn(verifierOf(next))) return;
    const r = s.peer!.propose(this.nowMs, (zxid) => encodeTxn({
      hdr: { clientId: 0n, cxid: 0, zxid, time: 0n, type: OpCode.reconfig },
      body: { type: OpCode.reconfig, record: { path: '/zookeeper/config', data: Buffer.from(configText({ ...next, version: zxid })), version: -1 } },
    }));
    if (!r) return;
    this.stats.reconfigs++;
    this.note(`${s.sid} proposes reconfig ${zxidHex(r.zxid)}`);
    this.handle(s, r.out);
  }

  private checkPrefix(s: Server, what: string): void {
    s.applied.forEach((t, i) => {
      if (i >= this.committed.length || !same(t, this.committed[i]!)) this.fail(`server ${s.sid} ${what}: position ${i} (${zxidHex(t.zxid)}) is not the committed history`);
    });
  }

  private propose(): void {
    const leaders = [...this.servers.values()].filter((s) => s.up && s.peer?.role instanceof ZabLeader && s.peer.role.established);
    if (leaders.length === 0) return;
    const s = leaders[this.int(leaders.length)]!;
    if (this.opts.reconfig && this.rand() < 0.05) return this.proposeReconfig(s);
    const data = Buffer.from(`w${++this.writes}`);
    const r = s.peer!.propose(this.nowMs, () => data);
    if (r) this.handle(s, r.out);
  }

  private randomFault(): void {
    const r = this.rand();
    const all = [...this.servers.values()];
    if (r < 0.004) {
      const s = all[this.int(all.length)]!;
      if (s.up) this.crash(s);
    } else if (r < 0.007) {
      this.partition = new Map(all.map((s) => [s.sid, this.int(2)]));
      for (const c of this.conns) if (c.open && !this.canTalk(c.leader, c.learner)) this.closeConn(c);
    } else if (r < 0.012) {
      this.partition = new Map();
    } else if (r < 0.014) {
      const open = this.conns.filter((c) => c.open);
      if (open.length > 0) this.closeConn(open[this.int(open.length)]!);
    }
  }

  private deliver(e: Event): void {
    const s = this.servers.get(e.to)!;
    if (!s.up || !s.peer) return;
    if (e.kind === 'notification') {
      if (!this.canTalk(e.from, e.to)) return;
      this.handle(s, s.peer.receiveNotification(this.nowMs, e.from, e.n));
    } else {
      if (!e.conn.open) return;
      this.handle(s, s.peer.receiveZab(this.nowMs, e.from, e.m));
    }
  }

  runStep(proposals = true): void {
    this.step++;
    this.nowMs += this.stepMs;
    if (this.faults) this.randomFault();
    for (const s of this.servers.values()) if (!s.up && this.nowMs >= s.restartAtMs) this.boot(s);
    // Network: deliver what is due, in a random order among same-time messages unless FIFO on a connection.
    const due = this.events.filter((e) => e.atMs <= this.nowMs);
    this.events = this.events.filter((e) => e.atMs > this.nowMs);
    due.sort((a, b) => a.atMs - b.atMs || a.seq - b.seq);
    for (const e of due) this.deliver(e);
    // Disks: complete writes in order.
    for (const s of this.servers.values()) {
      while (s.up && s.disk.pending.length > 0 && s.disk.pending[0]!.dueMs <= this.nowMs) {
        const w = s.disk.pending.shift()!;
        applyPersistOps(s.disk.state, w.ops);
        for (const op of w.ops) if (op.op === 'snapshot') s.disk.snapshot = [...(op.snapshot as Txn[])];
        this.handle(s, s.peer!.persisted(this.nowMs, w.id));
      }
    }
    for (const s of this.servers.values()) if (s.up && s.peer) this.handle(s, s.peer.tick(this.nowMs));
    if (proposals && this.rand() < 0.3) this.propose();
    this.check();
  }

  /** Invariants after every step. */
  private check(): void {
    for (const s of this.servers.values()) {
      if (s.applied.length > this.committed.length) this.fail(`server ${s.sid} applied more than was committed`);
      const d = s.disk.state;
      if (d.acceptedEpoch < d.currentEpoch) this.fail(`server ${s.sid} has acceptedEpoch ${d.acceptedEpoch} < currentEpoch ${d.currentEpoch}`);
    }
  }

  heal(): void {
    this.faults = false;
    this.partition = new Map();
    for (const s of this.servers.values()) if (!s.up) s.restartAtMs = this.nowMs;
  }

  run(): this {
    for (let i = 0; i < this.opts.faultSteps; i++) this.runStep();
    this.heal();
    for (let i = 0; i < this.opts.healSteps; i++) this.runStep();
    this.checkLiveness();
    return this;
  }

  private establishedLeaders(): Server[] {
    return [...this.servers.values()].filter((s) => s.up && s.peer?.role instanceof ZabLeader && s.peer.role.established);
  }

  private allCaughtUp(): boolean {
    return [...this.servers.values()].every((s) => s.up && s.peer !== null && s.applied.length === this.committed.length && s.peer.role !== null && (s.peer.role instanceof ZabLeader ? s.peer.role.established : s.peer.role.serving));
  }

  /**
   * After healing (no faults, no crashes): within a bounded time one leader is established with everyone synced,
   * and a write proposed then commits on every server.
   */
  private checkLiveness(): void {
    const boundSteps = 1500;
    // A proposal that rolls the zxid counter over makes the leader step down; settle again and retry once.
    for (let attempt = 0; attempt < 2; attempt++) {
      let i = 0;
      while (!(this.establishedLeaders().length === 1 && this.allCaughtUp())) {
        if (++i > boundSteps) this.fail(`liveness: no settled ensemble ${boundSteps} steps after healing (${this.establishedLeaders().length} established leaders)`);
        this.runStep(false);
      }
      const before = this.committed.length;
      const leader = this.establishedLeaders()[0]!;
      const r = leader.peer!.propose(this.nowMs, () => Buffer.from('after-heal'));
      if (!r) this.fail('liveness: the established leader refused a proposal');
      this.handle(leader, r.out);
      if (r.zxid === -1n) continue;
      i = 0;
      while (!(this.committed.length > before && this.allCaughtUp())) {
        if (++i > boundSteps) this.fail(`liveness: the write proposed after healing did not reach every server in ${boundSteps} steps`);
        this.runStep(false);
      }
      this.checkConfigs();
      return;
    }
    this.fail('liveness: the leader stepped down twice on proposals after healing');
  }

  /** A committed reconfig is never lost: once healed, every server has it (or a newer one) active, the same one. */
  private checkConfigs(): void {
    if (!this.opts.reconfig) return;
    const versions = new Set([...this.servers.values()].map((s) => s.config?.version));
    if (versions.size !== 1) this.fail(`servers settled with different configs: ${[...this.servers.values()].map((s) => `${s.sid}:${zxidHex(s.config?.version ?? -1n)}`).join(' ')}`);
    const [version] = versions;
    if (this.lastReconfig && version! < this.lastReconfig.version) this.fail(`committed reconfig ${zxidHex(this.lastReconfig.version)} lost: servers run ${zxidHex(version!)}`);
  }

  digest(): string {
    return this.trace.copy().digest('hex');
  }

  maxEpoch(): number {
    return Math.max(0, ...[...this.epochLeaders.keys()], ...this.committed.map((t) => epochOf(t.zxid)));
  }
}
