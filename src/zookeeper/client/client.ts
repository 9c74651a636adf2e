// The ZooKeeper client: every operation as a promise with typed errors, watches as listeners, connection
// states as events. Behaviour follows Apache's Java client (ZooKeeper.java).
import { EventEmitter } from 'node:events';
import { codecOf } from '../jute/codec.js';
import { AddWatchMode, Err, OpCode, WatcherType } from '../jute/constants.js';
import { decodeMultiResponse, type MultiResult } from '../jute/protocol-frames.js';
import type { JuteReader } from '../jute/reader.js';
import type { ACL, ClientInfo, Stat, WatcherEvent } from '../jute/records.generated.js';
import { HostProvider, parseConnectString, type HostAddress } from './connect-string.js';
import { errorFromCode, IllegalArgumentError, InvalidACLError, NoWatcherError, ZooKeeperError } from './errors.js';
import { Chroot, validatePath } from './paths.js';
import { mkdirp, removeRecursive, type RemoveRecursiveOptions } from './recursive.js';
import { Session, type ClientState } from './session.js';
import {
  createModeFlag,
  createOpcode,
  createRecord,
  isReadOp,
  isSequential,
  OPEN_ACL_UNSAFE,
  toBuffer,
  toMultiOp,
  toOpResult,
  Transaction,
  validateOp,
  validateTTL,
  type CreateModeName,
  type Data,
  type Op,
  type OpResult,
} from './transaction.js';
import { setWatchesPackets, WatchRegistry, type WatchKind, type WatcherTypeName } from './watch-registry.js';
import { eventTypeName, keeperStateName, WatchedEvent, type KeeperStateName, type WatchListener } from './watched-event.js';

export interface ZooKeeperClientOptions {
  /** Requested session timeout; the server clamps it to its min/max. */
  sessionTimeoutMs?: number;
  /** Accept a read-only server (sent as the ConnectRequest's readOnly byte). */
  canBeReadOnly?: boolean;
  /** Resume an existing session. */
  sessionId?: bigint;
  sessionPassword?: Buffer;
  /** Requests sent and not yet answered, at most; further ones wait in order. */
  maxOutstandingRequests?: number;
  /** Longest reply frame accepted (Java's jute.maxbuffer on the client). */
  maxPacketBytes?: number;
  spinDelayMs?: number;
  reconnectJitterMs?: number;
  /** Host order and reconnect jitter; Math.random by default. */
  random?: () => number;
}

export const DEFAULT_SESSION_TIMEOUT_MS = 30_000;
export const CONFIG_NODE = '/zookeeper/config';

export type PersistentWatchMode = keyof typeof AddWatchMode;

const codecs = {
  create: codecOf('CreateResponse'),
  create2: codecOf('Create2Response'),
  stat: codecOf('Stat'),
  getData: codecOf('GetDataResponse'),
  getACL: codecOf('GetACLResponse'),
  getChildren: codecOf('GetChildrenResponse'),
  getChildren2: codecOf('GetChildren2Response'),
  getEphemerals: codecOf('GetEphemeralsResponse'),
  allChildren: codecOf('GetAllChildrenNumberResponse'),
  whoAmI: codecOf('WhoAmIResponse'),
};

const none = (): void => undefined;

/** Java's ZooKeeper.validateACL. */
function validateACL(acl: ACL[] | null | undefined): void {
  if (!acl || acl.length === 0 || acl.some((a) => a == null)) throw new InvalidACLError();
}

export interface ZooKeeperClientEvents {
  /** Connection-state events (type None), as Java's default watcher sees them. */
  state: [WatchedEvent];
  SyncConnected: [WatchedEvent];
  Disconnected: [WatchedEvent];
  Expired: [WatchedEvent];
  AuthFailed: [WatchedEvent];
  ConnectedReadOnly: [WatchedEvent];
  Closed: [WatchedEvent];
  /** A watch listener threw. */
  error: [Error];
}

export class ZooKeeperClient extends EventEmitter<ZooKeeperClientEvents> {
  readonly chroot: string | null;
  private readonly paths: Chroot;
  private readonly watches = new WatchRegistry();
  private readonly session: Session;

  constructor(connectString: string, options: ZooKeeperClientOptions = {}) {
    super();
    const cs = parseConnectString(connectString);
    this.chroot = cs.chroot;
    this.paths = new Chroot(cs.chroot);
    const random = options.random ?? Math.random;
    const sessionTimeoutMs = options.sessionTimeoutMs ?? DEFAULT_SESSION_TIMEOUT_MS;
    if (!(sessionTimeoutMs > 0)) throw new IllegalArgumentError(`sessionTimeoutMs must be positive, got ${sessionTimeoutMs}`);
    this.session = new Session(
      new HostProvider(cs.hosts, random),
      {
        sessionTimeoutMs,
        canBeReadOnly: options.canBeReadOnly ?? false,
        sessionId: options.sessionId,
        sessionPassword: options.sessionPassword,
        maxOutstandingRequests: options.maxOutstandingRequests ?? 1000,
        maxPacketBytes: options.maxPacketBytes ?? 0xfffff,
        spinDelayMs: options.spinDelayMs ?? 1000,
        reconnectJitterMs: options.reconnectJitterMs ?? 1000,
        random,
      },
      {
        onState: (state) => this.onState(state),
        onNotification: (event) => this.onNotification(event),
        watchPackets: (zxid) => this.watchPackets(zxid),
      },
    );
  }

  // ------------------------------------------------------------------------------------------------------------
  // Session

  get state(): ClientState {
    return this.session.state;
  }

  get sessionId(): bigint {
    return this.session.sessionId;
  }

  get sessionPassword(): Buffer {
    return this.session.password;
  }

  get negotiatedSessionTimeoutMs(): number {
    return this.session.negotiatedTimeoutMs;
  }

  get lastZxid(): bigint {
    return this.session.lastZxid;
  }

  /** The server of the current (or last attempted) connection. */
  get currentServer(): HostAddress | null {
    return this.session.server;
  }

  /** Requests sent and awaiting a reply plus those waiting to be sent. */
  get outstandingRequests(): number {
    return this.session.outstanding;
  }

  /** Resolves once connected; rejects if the client closes first or `timeoutMs` passes. */
  waitForConnected(timeoutMs = 30_000): Promise<void> {
    if (this.session.connected) return Promise.resolve();
    if (!this.session.alive) return Promise.reject(errorFromCode(Err.SESSIONEXPIRED));
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => done(new ZooKeeperError(Err.OPERATIONTIMEOUT)), timeoutMs);
      const onState = (event: WatchedEvent) => {
        if (event.state === 'SyncConnected' || event.state === 'ConnectedReadOnly') done(null);
        else if (event.state === 'Closed') done(errorFromCode(this.state === 'AUTH_FAILED' ? Err.AUTHFAILED : Err.SESSIONEXPIRED));
      };
      const done = (err: Error | null) => {
        clearTimeout(timer);
        this.off('state', onState);
        if (err) reject(err);
        else resolve();
      };
      this.on('state', onState);
    });
  }

  /** Closes the session (closeSession, waiting for its reply) and the connection. */
  close(): Promise<void> {
    return this.session.close();
  }

  private onState(state: KeeperStateName): void {
    if (state === 'Expired' || state === 'Closed' || state === 'AuthFailed') this.watches.clear();
    const event = new WatchedEvent('None', state, null);
    this.emitSafely('state', event);
    this.emitSafely(state as keyof ZooKeeperClientEvents, event);
  }

  private emitSafely(name: keyof ZooKeeperClientEvents, event: WatchedEvent): void {
    try {
      this.emit(name as 'state', event);
    } catch (err) {
      this.reportListenerError(err);
    }
  }

  private reportListenerError(err: unknown): void {
    const error = err instanceof Error ? err : new Error(String(err));
    if (this.listenerCount('error') > 0) this.emit('error', error);
    else
      queueMicrotask(() => {
        throw error;
      });
  }

  private deliver(listener: WatchListener, event: WatchedEvent): void {
    try {
      listener(event);
    } catch (err) {
      this.reportListenerError(err);
    }
  }

  private onNotification(raw: WatcherEvent): void {
    const path = this.paths.toClient(raw.path ?? '');
    const event = new WatchedEvent(eventTypeName(raw.type), keeperStateName(raw.state), path);
    for (const listener of this.watches.materialize(event.type, path)) this.deliver(listener, event);
  }

  private watchPackets(relativeZxid: bigint) {
    if (this.watches.isEmpty()) return [];
    const server = (kind: WatchKind) => this.watches.paths(kind).map((p) => this.paths.toServer(p));
    return setWatchesPackets(
      { data: server('data'), exist: server('exist'), child: server('child'), persistent: server('persistent'), persistentRecursive: server('persistentRecursive') },
      relativeZxid,
    );
  }

  // ------------------------------------------------------------------------------------------------------------
  // Requests

  /**
   * Sends one request. `onReply` runs first with the reply's error code (watch registration, as Java's
   * finishPacket); then the promise settles with decode(reader) or the typed error for `errorPath`.
   */
  private request<T>(
    opcode: number,
    body: unknown,
    errorPath: string | null,
    decode: (r: JuteReader) => T,
    onReply: (err: number) => void = none,
  ): Promise<T> {
    return new Promise<T>((resolve, reject) => {
      this.session.submit({
        opcode,
        body,
        xid: 0,
        complete: (err, _zxid, r) => {
          onReply(err);
          if (err !== 0) return reject(errorFromCode(err, errorPath));
          let value: T;
          try {
            value = decode(r!);
          } catch (decodeError) {
            reject(decodeError);
            throw decodeError; // a reply we cannot read: the connection is dropped, as Java does
          }
          resolve(value);
        },
      });
    });
  }

  private registerOn(kind: WatchKind, path: string, listener: WatchListener | undefined, okCodes: readonly number[] = [0]) {
    if (!listener) return none;
    return (err: number) => {
      if (okCodes.includes(err)) this.watches.add(kind === 'data' && err === Err.NONODE ? 'exist' : kind, path, listener);
    };
  }

  /** Creates a node; resolves with its actual path (sequential suffix included, chroot removed). Opcode 1, 19 or 21. */
  create(path: string, data: Data = null, acl: ACL[] = OPEN_ACL_UNSAFE, mode: CreateModeName | number = 'PERSISTENT', ttlMs = -1): Promise<string> {
    const flag = createModeFlag(mode);
    validatePath(path, isSequential(flag));
    validateTTL(flag, ttlMs);
    validateACL(acl);
    const opcode = createOpcode(flag, OpCode.create);
    const body = createRecord(this.paths.toServer(path), data, acl, flag, ttlMs);
    // 19 and 21 are answered with Create2Response.
    const decode = opcode === OpCode.create ? (r: JuteReader) => codecs.create.read(r).path! : (r: JuteReader) => codecs.create2.read(r).path!;
    return this.request(opcode, body, path, (r) => this.paths.toClient(decode(r)));
  }

  /** create returning the new node's Stat too. Opcode 15, 19 or 21. */
  create2(
    path: string,
    data: Data = null,
    acl: ACL[] = OPEN_ACL_UNSAFE,
    mode: CreateModeName | number = 'PERSISTENT',
    ttlMs = -1,
  ): Promise<{ path: string; stat: Stat }> {
    const flag = createModeFlag(mode);
    validatePath(path, isSequential(flag));
    validateTTL(flag, ttlMs);
    validateACL(acl);
    const body = createRecord(this.paths.toServer(path), data, acl, flag, ttlMs);
    return this.request(createOpcode(flag, OpCode.create2), body, path, (r) => {
      const res = codecs.create2.read(r);
      return { path: this.paths.toClient(res.path!), stat: res.stat };
    });
  }

  delete(path: string, version = -1): Promise<void> {
    validatePath(path);
    // As Java: "/" is sent unchanged under a chroot, so deleting the root fails the same way everywhere.
    const serverPath = path === '/' ? path : this.paths.toServer(path);
    return this.request(OpCode.delete, { path: serverPath, version }, path, none);
  }

  /** The node's Stat, or null when it does not exist; a listener sees its creation, change or deletion. */
  exists(path: string, watcher?: WatchListener): Promise<Stat | null> {
    validatePath(path);
    const body = { path: this.paths.toServer(path), watch: watcher !== undefined };
    return new Promise((resolve, reject) => {
      this.request(OpCode.exists, body, path, (r) => codecs.stat.read(r), this.registerOn('data', path, watcher, [0, Err.NONODE])).then(
        resolve,
        (err: unknown) => (err instanceof ZooKeeperError && err.code === Err.NONODE ? resolve(null) : reject(err)),
      );
    });
  }

  getData(path: string, watcher?: WatchListener): Promise<{ data: Buffer | null; stat: Stat }> {
    validatePath(path);
    const body = { path: this.paths.toServer(path), watch: watcher !== undefined };
    return this.request(OpCode.getData, body, path, (r) => codecs.getData.read(r), this.registerOn('data', path, watcher));
  }

  setData(path: string, data: Data, version = -1): Promise<Stat> {
    validatePath(path);
    return this.request(OpCode.setData, { path: this.paths.toServer(path), data: toBuffer(data), version }, path, (r) => codecs.stat.read(r));
  }

  getACL(path: string): Promise<{ acl: ACL[]; stat: Stat }> {
    validatePath(path);
    return this.request(OpCode.getACL, { path: this.paths.toServer(path) }, path, (r) => {
      const res = codecs.getACL.read(r);
      return { acl: res.acl ?? [], stat: res.stat };
    });
  }

  setACL(path: string, acl: ACL[], aclVersion = -1): Promise<Stat> {
    validatePath(path);
    validateACL(acl);
    return this.request(OpCode.setACL, { path: this.paths.toServer(path), acl, version: aclVersion }, path, (r) => codecs.stat.read(r));
  }

  /** Child names (unordered), opcode 8. */
  getChildren(path: string, watcher?: WatchListener): Promise<string[]> {
    validatePath(path);
    const body = { path: this.paths.toServer(path), watch: watcher !== undefined };
    return this.request(OpCode.getChildren, body, path, (r) => (codecs.getChildren.read(r).children ?? []) as string[], this.registerOn('child', path, watcher));
  }

  /** Child names and the node's Stat, opcode 12. */
  getChildrenWithStat(path: string, watcher?: WatchListener): Promise<{ children: string[]; stat: Stat }> {
    validatePath(path);
    const body = { path: this.paths.toServer(path), watch: watcher !== undefined };
    return this.request(
      OpCode.getChildren2,
      body,
      path,
      (r) => {
        const res = codecs.getChildren2.read(r);
        return { children: (res.children ?? []) as string[], stat: res.stat };
      },
      this.registerOn('child', path, watcher),
    );
  }

  /** Number of descendants of `path` (not counting itself). */
  getAllChildrenNumber(path: string): Promise<number> {
    validatePath(path);
    return this.request(OpCode.getAllChildrenNumber, { path: this.paths.toServer(path) }, path, (r) => codecs.allChildren.read(r).totalNumber);
  }

  /** This session's ephemeral nodes whose path starts with `prefixPath`, as client paths. */
  getEphemerals(prefixPath = '/'): Promise<string[]> {
    validatePath(prefixPath);
    const serverPrefix = this.paths.toServer(prefixPath);
    return this.request(OpCode.getEphemerals, { prefixPath: serverPrefix }, null, (r) =>
      ((codecs.getEphemerals.read(r).ephemerals ?? []) as string[]).filter((p) => this.paths.contains(p)).map((p) => this.paths.toClient(p)),
    );
  }

  /** Waits until the server this client talks to has caught up with the leader. */
  sync(path: string): Promise<void> {
    validatePath(path);
    return this.request(OpCode.sync, { path: this.paths.toServer(path) }, path, none);
  }

  /** The ensemble configuration (/zookeeper/config, never under the chroot). */
  getConfig(watcher?: WatchListener): Promise<{ data: Buffer | null; stat: Stat }> {
    return this.request(
      OpCode.getData,
      { path: CONFIG_NODE, watch: watcher !== undefined },
      CONFIG_NODE,
      (r) => codecs.getData.read(r),
      this.registerOn('data', CONFIG_NODE, watcher),
    );
  }

  /** Incremental (joining/leaving) or bulk (newMembers) reconfiguration; resolves with the new config. */
  reconfig(change: { joining?: string | null; leaving?: string | null; newMembers?: string | null; fromConfig?: bigint }): Promise<{ data: Buffer | null; stat: Stat }> {
    const body = {
      joiningServers: change.joining ?? null,
      leavingServers: change.leaving ?? null,
      newMembers: change.newMembers ?? null,
      curConfigId: change.fromConfig ?? -1n,
    };
    return this.request(OpCode.reconfig, body, null, (r) => codecs.getData.read(r));
  }

  whoAmI(): Promise<ClientInfo[]> {
    return this.request(OpCode.whoAmI, undefined, null, (r) => codecs.whoAmI.read(r).clientInfo ?? []);
  }

  /**
   * Adds credentials to this session (sent again after every reconnect). Resolves when the server accepts
   * them; a rejection by the server ends the session with AuthFailed, as in Java.
   */
  addAuthInfo(scheme: string, auth: string | Buffer): Promise<void> {
    return this.session.addAuth(scheme, typeof auth === 'string' ? Buffer.from(auth, 'utf8') : auth);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Watches

  /** A watch that stays until removed: PERSISTENT (the node) or PERSISTENT_RECURSIVE (the node and all below). */
  addWatch(path: string, mode: PersistentWatchMode, listener: WatchListener): Promise<void> {
    validatePath(path);
    if (typeof listener !== 'function') throw new IllegalArgumentError('Invalid Watcher, shouldn\'t be null!');
    const kind: WatchKind = mode === 'PersistentRecursive' ? 'persistentRecursive' : 'persistent';
    return this.request(OpCode.addWatch, { path: this.paths.toServer(path), mode: AddWatchMode[mode] }, path, none, this.registerOn(kind, path, listener));
  }

  /** Removes one listener (Java's removeWatches, sent as checkWatches); it receives a *WatchRemoved event. */
  removeWatches(path: string, listener: WatchListener, type: WatcherTypeName = 'Any', local = false): Promise<void> {
    if (typeof listener !== 'function') throw new IllegalArgumentError('Invalid Watcher, shouldn\'t be null!');
    return this.removeWatchRequest(OpCode.checkWatches, path, listener, type, local);
  }

  /** Removes every listener of `type` on `path` (Java's removeAllWatches). */
  removeAllWatches(path: string, type: WatcherTypeName = 'Any', local = false): Promise<void> {
    return this.removeWatchRequest(OpCode.removeWatches, path, null, type, local);
  }

  private removeWatchRequest(opcode: number, path: string, listener: WatchListener | null, type: WatcherTypeName, local: boolean): Promise<void> {
    validatePath(path);
    const body = { path: this.paths.toServer(path), type: WatcherType[type] };
    return new Promise((resolve, reject) => {
      const settle = (err: number) => {
        // Java's WatchDeregistration: check locally, then remove unless the server failed and `local` is off.
        if (!this.watches.contains(path, listener, type)) return reject(new NoWatcherError(path));
        if (err !== 0 && !local) return reject(errorFromCode(err, path));
        const state = err === Err.CONNECTIONLOSS || err === Err.SESSIONEXPIRED ? 'Disconnected' : 'SyncConnected';
        for (const [eventType, listeners] of this.watches.remove(path, listener, type)) {
          const event = new WatchedEvent(eventType, state, path);
          for (const l of listeners) this.deliver(l, event);
        }
        resolve();
      };
      this.session.submit({ opcode, body, xid: 0, complete: (err) => settle(err) });
    });
  }

  // ------------------------------------------------------------------------------------------------------------
  // multi

  transaction(): Transaction {
    return new Transaction((ops) => this.multi(ops));
  }

  /**
   * All-write ops run atomically (opcode 14) and reject with the first failing op's error carrying every
   * result; all-read ops go as multiRead (22) and resolve with per-op results, errors included.
   */
  multi(ops: readonly Op[]): Promise<OpResult[]> {
    for (const op of ops) validateOp(op);
    if (ops.length === 0) return Promise.resolve([]);
    const reads = ops.filter(isReadOp).length;
    if (reads !== 0 && reads !== ops.length) {
      throw new IllegalArgumentError('Mixing read and write operations (transactional and non-transactional) is not allowed in a multi request.');
    }
    const opcode = reads === 0 ? OpCode.multi : OpCode.multiRead;
    const body = ops.map((op) => toMultiOp(op, this.paths));
    return this.request(opcode, body, null, (r) => decodeMultiResponse(r)).then((raw: MultiResult[]) => {
      const results = raw.map((res) => toOpResult(res, this.paths));
      if (opcode === OpCode.multiRead) return results;
      const failed = results.find((res) => res.type === 'error' && res.err !== 0);
      if (failed && failed.type === 'error') {
        const error = errorFromCode(failed.err);
        error.results = results;
        throw error;
      }
      return results;
    });
  }

  multiRead(ops: readonly Op[]): Promise<OpResult[]> {
    if (!ops.every(isReadOp)) throw new IllegalArgumentError('multiRead takes only getData and getChildren ops');
    return this.multi(ops);
  }

  // ------------------------------------------------------------------------------------------------------------
  // Convenience

  /** Creates `path` and any missing ancestors (ancestors with no data); an existing node is not an error. */
  mkdirp(path: string, data: Data = null, acl: ACL[] = OPEN_ACL_UNSAFE, mode: CreateModeName | number = 'PERSISTENT'): Promise<string> {
    return mkdirp(this, path, data, acl, mode);
  }

  /** zkCli's deleteall: the whole subtree, leaves first, in multi batches. */
  removeRecursive(path: string, options: RemoveRecursiveOptions = {}): Promise<void> {
    return removeRecursive(this, path, options);
  }
}

/** Creates a client and waits until it is connected (closing it again if that takes over waitForConnectedMs). */
export async function connectZooKeeper(connectString: string, options: ZooKeeperClientOptions & { waitForConnectedMs?: number } = {}): Promise<ZooKeeperClient> {
  const client = new ZooKeeperClient(connectString, options);
  try {
    await client.waitForConnected(options.waitForConnectedMs);
  } catch (err) {
    await client.close();
    throw err;
  }
  return client;
}
