// Carries out what the pure QuorumPeer asks for (see its header): election and quorum connections, disk writes,
// applying commits to the server's tree, and the request pipeline of the role it holds.
import { Err, OpCode } from '../jute/constants.js';
import { configText } from '../quorum/quorum-config.js';
import { KeeperError } from '../server/request.js';
import { QuorumPeer, type PeerOutput } from '../quorum/quorum-peer.js';
import type { QuorumConfig } from '../quorum/quorum-config.js';
import type { MajorityQuorumVerifier } from '../quorum/quorum-verifier.js';
import { ServerState } from '../quorum/wire/election-messages.js';
import { PacketType } from '../quorum/wire/packet-types.js';
import type { ZabMessage } from '../quorum/wire/zab-messages.js';
import { ZabLeader } from '../quorum/zab/leader.js';
import { ZabLearner } from '../quorum/zab/learner.js';
import type { DurableState, LoggedTxnReader, ZabLimits, ZabOutput } from '../quorum/zab/types.js';
import { prepDeleteContainer, prepWrite } from '../server/prep.js';
import { kindOfOwner } from '../tree/data-node.js';
import type { Request } from '../server/request.js';
import { snapshotSource } from '../server/start.js';
import type { ZooKeeperServer } from '../server/zookeeper-server.js';
import { DataNode } from '../tree/data-node.js';
import { decodeTxn, encodeTxn, type Txn } from '../tree/txn.js';
import { ElectionTransport, type PeerAddress } from './election-transport.js';
import { prepareReconfig } from './reconfig-prep.js';
import { QuorumDisk } from './quorum-disk.js';
import { LeaderListener, LearnerConnection, encodeZabMessage } from './quorum-transport.js';
import { ReplicatedPipeline, forwardedRequest, requestBytes, type EnsembleRole } from './replicated-pipeline.js';
import { ReadOnlyMode } from './read-only-mode.js';
import { SessionOwners, sessionMovedTxn } from './session-owners.js';
import { snapBodyChunks, type SnapBody } from './snap-stream.js';

export interface MemberAddresses {
  quorum: PeerAddress;
  election: PeerAddress;
}

export interface EnsembleMemberOptions {
  mySid: bigint;
  verifier: MajorityQuorumVerifier;
  addresses: Map<bigint, MemberAddresses>;
  limits: ZabLimits;
  tickTimeMs: number;
  durable: DurableState;
  appliedZxid: bigint;
  /** The quorum config text (notifications, NEWLEADER). */
  config: Buffer;
  server: ZooKeeperServer;
  disk: QuorumDisk;
  maxPacketBytes: number;
  /** readonlymode.enabled: serve read-only clients while cut off from the quorum. */
  readOnlyModeEnabled?: boolean;
  /** As leader, committed txns from the on-disk log for learners behind the in-memory window. */
  readLoggedTxns?: LoggedTxnReader;
  log(line: string): void;
  /** Dynamic reconfiguration (reconfigEnabled): the active config, and what to do when a new one is active. */
  reconfig?: {
    config: QuorumConfig;
    standaloneEnabled: boolean;
    /** Write zoo.cfg.dynamic.<version> and point zoo.cfg at it; `lastSeen`: it is the last config seen, remove zoo.cfg.dynamic.next. */
    onConfig(config: QuorumConfig, lastSeen: boolean): void;
    /** Write zoo.cfg.dynamic.next: a reconfig was proposed. */
    onNextConfig(config: QuorumConfig): void;
    /** The last config seen proposed before a restart (zoo.cfg.dynamic.next). */
    lastSeenConfig?: QuorumConfig;
  };
}

/** How often the peer's clock is advanced: FLE's finalize wait is 200 ms, ZAB ticks are tickTime. */
const TICK_INTERVAL_MS = 50;

const ROLE_NAMES: Record<ServerState, string> = {
  [ServerState.LOOKING]: 'looking',
  [ServerState.FOLLOWING]: 'follower',
  [ServerState.LEADING]: 'leader',
  [ServerState.OBSERVING]: 'observer',
};

export class EnsembleMember {
  readonly peer: QuorumPeer;
  readonly pipeline: ReplicatedPipeline;
  private readonly election: ElectionTransport;
  private leaderListener: LeaderListener | null = null;
  private learnerConn: LearnerConnection | null = null;
  private learnerLeader: bigint | null = null;
  private timer: NodeJS.Timeout | null = null;
  /** Reconnects waiting for the leader's REVALIDATE answer, by session. */
  private readonly revalidating = new Map<bigint, ((valid: boolean | null) => void)[]>();
  private stopped = false;
  /** Leader: the server each session is attached to (SESSIONMOVED checks). */
  private readonly owners = new SessionOwners();
  private readonly readOnlyMode: ReadOnlyMode | null;
  /** Bumped on every role change: completions of an old role's async work are ignored. */
  private generation = 0;
  /** When the current role began (the leader's uptime gauge). */
  roleSinceMs = Date.now();

  constructor(private readonly opts: EnsembleMemberOptions) {
    this.peer = new QuorumPeer({
      mySid: opts.mySid, verifier: opts.verifier, limits: opts.limits, tickTimeMs: opts.tickTimeMs, durable: opts.durable,
      appliedZxid: opts.appliedZxid, config: opts.config, quorumConfig: opts.reconfig?.config,
      ...(opts.reconfig?.lastSeenConfig ? { lastSeenConfig: opts.reconfig.lastSeenConfig } : {}),
      ...(opts.readLoggedTxns ? { readLoggedTxns: opts.readLoggedTxns } : {}),
    });
    const electionPeers = new Map([...opts.addresses].map(([sid, a]) => [sid, a.election]));
    this.election = new ElectionTransport({
      mySid: opts.mySid,
      peers: electionPeers,
      listen: opts.addresses.get(opts.mySid)!.election,
      connectTimeoutMs: 5000,
      acceptUnknown: opts.reconfig !== undefined,
      onNotification: (from, n) => this.handle(this.peer.receiveNotification(Date.now(), from, n)),
      onConnected: (sid) => this.peer.election.peerConnected(sid),
      onDisconnected: (sid) => this.peer.election.peerDisconnected(sid),
      log: opts.log,
    });
    this.pipeline = new ReplicatedPipeline(opts.server, () => this.currentRole());
    this.readOnlyMode = opts.readOnlyModeEnabled ? new ReadOnlyMode(opts.server, opts.tickTimeMs, opts.log) : null;
    opts.server.pipeline = this.pipeline;
    opts.server.serving = false;
    opts.server.expiresSessions = false;
    opts.server.modeName = 'looking';
    if (opts.reconfig) {
      const { standaloneEnabled } = opts.reconfig;
      opts.server.prepCtx.reconfig = (_req, r, zxid) => {
        const role = this.peer.role;
        if (!(role instanceof ZabLeader)) throw new KeeperError(Err.UNIMPLEMENTED);
        return prepareReconfig(role, r, zxid, standaloneEnabled);
      };
      this.showConfig(opts.reconfig.config);
    }
  }

  /** The active config as /zookeeper/config shows it (QuorumPeer.initConfigInZKDatabase). */
  private showConfig(config: QuorumConfig): void {
    this.opts.server.tree.setConfigData(Buffer.from(configText(config), 'utf8'), config.version, BigInt(Date.now()));
  }

  /** A new config is active: its members are reachable, it is on disk and in /zookeeper/config. */
  private onConfig(config: QuorumConfig, lastSeen: boolean, designatedLeader: bigint | null): void {
    for (const s of config.servers.values()) {
      const sid = BigInt(s.id);
      this.opts.addresses.set(sid, { quorum: { host: s.host, port: s.quorumPort }, election: { host: s.host, port: s.electionPort } });
      this.election.addPeer(sid, { host: s.host, port: s.electionPort });
    }
    this.showConfig(config);
    const designated = designatedLeader !== null ? `; designated leader ${designatedLeader}` : '';
    this.opts.log(`Reconfig: config version 0x${config.version.toString(16)} active: ${[...config.servers.values()].map((s) => `${s.id}:${s.role}`).join(', ')}${designated}`);
    try {
      this.opts.reconfig?.onConfig(config, lastSeen);
    } catch (err) {
      this.opts.log(`Cannot write the dynamic config file: ${(err as Error).message}`);
    }
  }

  /** A reconfig was proposed: its config is written as zoo.cfg.dynamic.next until it is active. */
  private onNextConfig(config: QuorumConfig): void {
    try {
      this.opts.reconfig?.onNextConfig(config);
    } catch (err) {
      // QuorumPeer.setLastSeenQuorumVerifier logs and goes on.
      this.opts.log(`Error writing next dynamic config file to disk: ${(err as Error).message}`);
    }
  }

  get server(): ZooKeeperServer {
    return this.opts.server;
  }

  async start(): Promise<void> {
    await this.election.start();
    this.timer = setInterval(() => this.handle(this.peer.tick(Date.now())), TICK_INTERVAL_MS);
    this.handle(this.peer.start(Date.now()));
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    this.readOnlyMode?.leave();
    this.learnerConn?.close();
    await this.leaderListener?.close();
    await this.election.close();
  }

  /** A reconnecting client on a learner: asks the leader whether its session is still valid. */
  revalidate(sessionId: bigint, timeoutMs: number, done: (valid: boolean | null) => void): void {
    const role = this.peer.role;
    if (!(role instanceof ZabLearner)) {
      // The leader's own tracker is the authority.
      const s = this.opts.server.sessions.sessions.get(sessionId);
      const valid = s !== undefined && !s.closing;
      if (valid && role instanceof ZabLeader) this.owners.set(sessionId, this.opts.mySid);
      return done(valid);
    }
    if (!role.serving) return done(null);
    let waiting = this.revalidating.get(sessionId);
    if (!waiting) this.revalidating.set(sessionId, (waiting = []));
    waiting.push(done);
    if (waiting.length === 1) this.handle(role.revalidate(sessionId, timeoutMs));
  }

  /** A client session saw traffic: a follower tells its leader in the next ping reply. */
  touched(sessionId: bigint, timeoutMs: number): void {
    if (this.peer.role instanceof ZabLearner) this.peer.role.touchSession(sessionId, timeoutMs);
  }

  private currentRole(): EnsembleRole | null {
    const role = this.peer.role;
    if (!this.opts.server.serving) return null;
    if (role instanceof ZabLeader) return { write: (req) => this.propose(req), sync: () => this.leaderSync(this.opts.mySid), reapContainer: (path) => this.reap(path) };
    if (role instanceof ZabLearner) return { write: (req) => this.forward(req), sync: (req) => this.forward(req), reapContainer: () => false };
    return null;
  }

  private propose(req: Request, from: bigint = this.opts.mySid): boolean {
    let txn: Txn | null = null;
    const server = this.opts.server;
    const r = this.peer.propose(Date.now(), (zxid) => {
      txn = this.owners.check(req, from) ? prepWrite(server.prepCtx, req, zxid, Date.now()) : sessionMovedTxn(req, zxid, Date.now());
      return encodeTxn(txn);
    });
    if (!r) return false;
    const t = txn as Txn | null;
    if (t && req.type === OpCode.closeSession && t.body.type === OpCode.closeSession) {
      const s = server.sessions.sessions.get(req.sessionId);
      if (s) s.closing = true;
    }
    this.handle(r.out);
    return t !== null;
  }

  /** Apache's ContainerManager runs on the leader: an empty container or expired TTL node becomes deleteContainer. */
  private reap(path: string): boolean {
    const server = this.opts.server;
    const node = server.pending.get(path);
    // prepDeleteContainer's own checks, made first: once propose() calls back, a transaction must come out.
    if (!node || node.numChildren > 0 || kindOfOwner(node.ephemeralOwner) === 'ephemeral') return false;
    let made = false;
    const r = this.peer.propose(Date.now(), (zxid) => {
      const txn = prepDeleteContainer(server.prepCtx, path, zxid, Date.now());
      made = txn !== null;
      return encodeTxn(txn ?? { hdr: { clientId: 0n, cxid: 0, zxid, time: BigInt(Date.now()), type: OpCode.error }, body: { type: OpCode.error, record: { err: 0 } } });
    });
    if (!r) return false;
    this.handle(r.out);
    return made;
  }

  private leaderSync(sid: bigint): boolean {
    const role = this.peer.role;
    if (!(role instanceof ZabLeader)) return false;
    this.handle(role.sync(sid));
    return true;
  }

  private forward(req: Request): boolean {
    const role = this.peer.role;
    if (!(role instanceof ZabLearner) || !role.serving) return false;
    this.handle(role.forward({ type: PacketType.REQUEST, sessionId: req.sessionId, cxid: req.xid, opcode: req.type, body: requestBytes(req), authinfo: req.auth.map((a) => ({ scheme: a.scheme, id: a.id })) }));
    return true;
  }

  private handle(outputs: readonly (PeerOutput | ZabOutput)[]): void {
    for (const o of outputs) {
      if (this.stopped) return;
      this.handleOne(o);
    }
  }

  private handleOne(o: PeerOutput | ZabOutput): void {
    const server = this.opts.server;
    switch (o.kind) {
      case 'send':
        if ('notification' in o) this.election.send(o.to, o.notification);
        else this.sendZab(o.to, o.message);
        break;
      case 'connect-all':
        this.election.connectAll();
        break;
      case 'persist': {
        this.opts.disk.persist(
          o.ops,
          () => !this.stopped && this.handle(this.peer.persisted(Date.now(), o.id)),
          (err) => {
            // Apache halts when it cannot write its log or epochs: nothing after this may be acknowledged.
            this.opts.log(`Severe unrecoverable error writing to disk: ${err.message}; exiting`);
            process.exit(14);
          },
        );
        break;
      }
      case 'apply': {
        const txn = decodeTxn(o.txn.data);
        if (txn.hdr.type === OpCode.closeSession) this.owners.delete(txn.hdr.clientId);
        const result = server.applyCommitted(txn);
        this.pipeline.onApplied(txn, result);
        break;
      }
      case 'load-snapshot':
        this.loadSnapshot(o.zxid, o.snapshot as SnapBody);
        break;
      case 'request':
        this.onForwarded(o.from, o.request);
        break;
      case 'sessions-touched':
        for (const t of o.sessions) {
          const s = server.sessions.sessions.get(t.sessionId);
          if (s) server.sessions.touch(s, Date.now());
        }
        break;
      case 'revalidate': {
        const s = server.sessions.sessions.get(o.sessionId);
        const role = this.peer.role;
        if (s) server.sessions.touch(s, Date.now());
        const valid = s !== undefined && !s.closing;
        // Learner.revalidate on the leader: a valid session is now attached to the server that asked.
        if (valid) this.owners.set(o.sessionId, o.from);
        if (role instanceof ZabLeader) this.handle(role.revalidateReply(o.from, o.sessionId, valid));
        break;
      }
      case 'revalidated': {
        const waiting = this.revalidating.get(o.sessionId) ?? [];
        this.revalidating.delete(o.sessionId);
        for (const done of waiting) done(o.valid);
        break;
      }
      case 'sync-done':
        this.pipeline.onSyncDone();
        break;
      case 'serving':
        this.onServing(o.epoch);
        break;
      case 'disconnect':
        this.leaderListener?.disconnect(o.sid);
        break;
      case 'stopped':
        this.opts.log(`Leaving the ${server.modeName} role: ${o.reason}`);
        break;
      case 'role':
        this.onRole(o.state, o.leader);
        break;
      case 'connect-leader':
        this.connectLeader(o.leader);
        break;
      case 'config':
        this.onConfig(o.config, o.lastSeen, o.designatedLeader);
        break;
      case 'next-config':
        this.onNextConfig(o.config);
        break;
    }
  }

  private sendZab(to: bigint, m: ZabMessage): void {
    if (this.peer.role instanceof ZabLeader) {
      this.logSync(m, `to learner ${to}`);
      if (m.type === PacketType.SNAP) this.streamSnap(to, m.zxid);
      else this.leaderListener?.send(to, encodeZabMessage(m, false));
    }
    else if (this.learnerLeader === to) this.learnerConn?.send(encodeZabMessage(m, true));
  }

  /**
   * SNAP and the tree after it, encoded a slice at a time as the learner's socket drains: the walk starts now, at
   * the SNAP zxid, and what the leader applies meanwhile reaches the learner as the proposals queued behind it.
   */
  private streamSnap(to: bigint, zxid: bigint): void {
    const listener = this.leaderListener;
    if (!listener) return;
    const server = this.opts.server;
    const chunks = snapBodyChunks({ ...snapshotSource(server), zxid });
    listener.stream(to, encodeZabMessage({ type: PacketType.SNAP, zxid }, false), chunks, (bytes, completed) => {
      this.opts.log(
        completed
          ? `SNAP to learner ${to} streamed: ${bytes} bytes of the tree at 0x${zxid.toString(16)}; the leader applied up to 0x${server.lastProcessedZxid.toString(16)} meanwhile`
          : `SNAP to learner ${to} not finished: the connection closed after ${bytes} bytes`,
      );
    });
  }

  /** How each learner was synchronised: the line a test (or an operator) looks for. */
  private logSync(m: ZabMessage, peer: string): void {
    const name = m.type === PacketType.DIFF ? 'DIFF' : m.type === PacketType.TRUNC ? 'TRUNC' : m.type === PacketType.SNAP ? 'SNAP' : null;
    if (name) this.opts.log(`Sync ${name} 0x${(m as { zxid: bigint }).zxid.toString(16)} ${peer}`);
  }

  private onRole(state: ServerState, leader: bigint | null): void {
    const server = this.opts.server;
    this.generation++;
    this.readOnlyMode?.leave();
    this.owners.clear();
    this.roleSinceMs = Date.now();
    server.serving = false;
    server.expiresSessions = false;
    server.modeName = ROLE_NAMES[state];
    this.pipeline.reset();
    const revalidating = [...this.revalidating.values()].flat();
    this.revalidating.clear();
    for (const done of revalidating) done(null);
    server.pending.applied(0x7fffffffffffffffn);
    // Apache shuts the role's ZooKeeperServer down: every client reconnects (to this or another server).
    for (const c of [...server.connections]) c.close();
    server.dropLocalSessions();
    this.learnerConn?.close();
    this.learnerConn = null;
    this.learnerLeader = null;
    const oldListener = this.leaderListener;
    this.leaderListener = null;
    if (state === ServerState.LOOKING) {
      this.opts.log('LOOKING');
      this.readOnlyMode?.looking(() => !this.stopped && this.peer.state === ServerState.LOOKING);
      void oldListener?.close();
      return;
    }
    this.opts.log(`${ROLE_NAMES[state].toUpperCase()}${leader !== null ? ` (leader ${leader})` : ''}`);
    if (state === ServerState.LEADING) {
      // A closed listener's sockets report their ends too: only the current one's reach the peer.
      const listener: LeaderListener = new LeaderListener({
        listen: this.opts.addresses.get(this.opts.mySid)!.quorum,
        maxDataBytes: this.opts.maxPacketBytes,
        onMessage: (from, m) => {
          if (this.leaderListener !== listener) return;
          if (!this.opts.addresses.has(from) && !this.opts.reconfig) {
            this.opts.log(`Learner connection from server ${from}, which is not in the configuration: closed`);
            return listener.disconnect(from);
          }
          this.handle(this.peer.receiveZab(Date.now(), from, m));
        },
        onDisconnected: (sid) => this.leaderListener === listener && this.handle(this.peer.zabDisconnected(Date.now(), sid)),
        log: this.opts.log,
      });
      this.leaderListener = listener;
      const gen = this.generation;
      void (oldListener?.close() ?? Promise.resolve())
        .then(() => listener.start())
        .catch((err: Error) => {
          if (gen !== this.generation) return;
          this.opts.log(`Cannot listen on the quorum port: ${err.message}`);
        });
    } else void oldListener?.close();
  }

  private connectLeader(leader: bigint): void {
    if (this.learnerConn && this.learnerLeader === leader) return this.learnerConn.connect();
    this.learnerConn?.close();
    const addr = this.opts.addresses.get(leader);
    if (!addr) return;
    this.learnerLeader = leader;
    const conn: LearnerConnection = new LearnerConnection({
      leader: addr.quorum,
      connectTimeoutMs: this.opts.tickTimeMs * this.opts.limits.initLimitTicks,
      maxDataBytes: this.opts.maxPacketBytes,
      onConnected: () => this.learnerConn === conn && this.handle(this.peer.zabConnected(Date.now())),
      onMessage: (m) => {
        if (this.learnerConn !== conn) return;
        this.logSync(m, `from leader ${leader}`);
        this.handle(this.peer.receiveZab(Date.now(), leader, m));
      },
      onDisconnected: () => this.learnerConn === conn && this.handle(this.peer.zabDisconnected(Date.now(), leader)),
      log: this.opts.log,
    });
    this.learnerConn = conn;
    conn.connect();
  }

  private onServing(epoch: number): void {
    const server = this.opts.server;
    server.serving = true;
    const leading = this.peer.role instanceof ZabLeader;
    server.expiresSessions = leading;
    if (leading) {
      // The leader's tracker starts every session's timeout afresh (Apache builds a new tracker on election).
      const now = Date.now();
      for (const s of server.sessions.sessions.values()) server.sessions.touch(s, now);
    }
    this.opts.log(`Serving clients as ${server.modeName} of epoch ${epoch}, last zxid 0x${server.lastProcessedZxid.toString(16)}`);
  }

  private onForwarded(from: bigint, m: Extract<ZabMessage, { type: PacketType.REQUEST }>): void {
    if (m.opcode === OpCode.sync) {
      this.leaderSync(from);
      return;
    }
    const req = forwardedRequest(m.sessionId, m.cxid, m.opcode, m.body, m.authinfo);
    if (!this.propose(req, from)) this.opts.log(`Forwarded request 0x${m.sessionId.toString(16)}:${m.cxid} type ${m.opcode} from server ${from} could not be proposed`);
  }

  private loadSnapshot(zxid: bigint, body: SnapBody): void {
    const server = this.opts.server;
    const tree = server.tree;
    tree.clear();
    for (const n of body.nodes) tree.loadNode(n.path, DataNode.fromPersisted(n.data, n.acl, n.stat));
    tree.lastProcessedZxid = zxid;
    tree.rebuildQuotas();
    server.digestLog.reset();
    const now = Date.now();
    for (const id of [...server.sessions.sessions.keys()]) if (!body.sessions.has(id)) server.sessions.remove(id);
    for (const [id, timeoutMs] of body.sessions) server.sessions.add(id, timeoutMs, now);
    this.opts.log(`Loaded the leader's snapshot at 0x${zxid.toString(16)}: ${body.nodes.length} nodes, ${body.sessions.size} sessions`);
  }
}
