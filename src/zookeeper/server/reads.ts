// Requests that do not change the tree: answered in the final stage against the applied tree.
import { AddWatchMode, Err, EventType, OpCode, Perms, WatcherType } from '../jute/constants.js';
import type { RecordName } from '../jute/codec.js';
import { MULTI_END_BYTES, REPLY_HEADER_BYTES, multiReadResultBytes, type MultiOp, type MultiResult } from '../jute/protocol-frames.js';
import type {
  ACL, AddWatchRequest, CheckWatchesRequest, ClientInfo, ExistsRequest, GetACLRequest, GetAllChildrenNumberRequest,
  GetChildrenRequest, GetDataRequest, GetEphemeralsRequest, SetWatches2, SyncRequest,
} from '../jute/records.generated.js';
import { OPEN_ACL_UNSAFE, aclAllows } from '../tree/acl.js';
import type { DataTree } from '../tree/data-tree.js';
import { javaHashSetOrder } from '../tree/java-hash-order.js';
import type { Watcher } from '../tree/watch-manager.js';
import { KeeperError, type Request } from './request.js';

export interface ReadResult {
  err: number;
  record?: RecordName | null;
  value?: unknown;
  /** The whole reply frame body (header included), where it was computed before encoding (multiRead). */
  replyBytes?: number;
}

export interface ReadContext {
  tree: DataTree;
  skipACL: boolean;
  /** Longest reply frame a request for many nodes at once (multiRead) may produce: jute.maxbuffer. */
  maxReplyBytes: number;
}

/** A reply that would be longer than ReadContext.maxReplyBytes; `replyBytes` is where counting stopped. */
export class ReplyTooLargeError extends Error {
  constructor(readonly replyBytes: number, readonly maxReplyBytes: number) {
    super(`reply of more than ${maxReplyBytes} bytes (at least ${replyBytes})`);
  }
}

function node(ctx: ReadContext, path: string | null) {
  const n = path === null ? undefined : ctx.tree.get(path);
  if (!n) throw new KeeperError(Err.NONODE, path ?? undefined);
  return n;
}

function checkAcl(ctx: ReadContext, req: Request, acl: ACL[] | null, perm: number): void {
  if (!ctx.skipACL && !aclAllows(acl, perm, req.auth, req.clientIp)) throw new KeeperError(Err.NOAUTH);
}

function ok(record: RecordName | null, value?: unknown): ReadResult {
  return { err: 0, record, value };
}

/** HashSet.clone() sizes the copy's table from its element count; Apache returns ephemerals in that order. */
function clonedSetCapacity(size: number): number {
  let cap = 1;
  while (cap < Math.floor(size / 0.75 + 1)) cap *= 2;
  return Math.max(cap, 1);
}

function getData(ctx: ReadContext, req: Request, r: GetDataRequest, watcher: Watcher | null): ReadResult {
  const n = node(ctx, r.path);
  checkAcl(ctx, req, n.acl, Perms.READ);
  if (r.watch && watcher) ctx.tree.watches.add('data', r.path!, watcher);
  return ok('GetDataResponse', { data: n.data, stat: n.stat() });
}

function getChildren(ctx: ReadContext, req: Request, r: GetChildrenRequest, watcher: Watcher | null, withStat: boolean): ReadResult {
  const n = node(ctx, r.path);
  checkAcl(ctx, req, n.acl, Perms.READ);
  if (r.watch && watcher) ctx.tree.watches.add('child', r.path!, watcher);
  const children = n.childList();
  return withStat ? ok('GetChildren2Response', { children, stat: n.stat() }) : ok('GetChildrenResponse', { children });
}

function setWatches(ctx: ReadContext, r: SetWatches2, w: Watcher): void {
  const { tree } = ctx;
  const rel = r.relativeZxid;
  for (const path of r.dataWatches ?? []) {
    if (path === null) continue;
    const n = tree.get(path);
    if (!n) w.process(EventType.NodeDeleted, path);
    else if (n.mzxid > rel) w.process(EventType.NodeDataChanged, path);
    else tree.watches.add('data', path, w);
  }
  for (const path of r.existWatches ?? []) {
    if (path === null) continue;
    if (tree.get(path)) w.process(EventType.NodeCreated, path);
    else tree.watches.add('data', path, w);
  }
  for (const path of r.childWatches ?? []) {
    if (path === null) continue;
    const n = tree.get(path);
    if (!n) w.process(EventType.NodeDeleted, path);
    else if (n.pzxid > rel) w.process(EventType.NodeChildrenChanged, path);
    else tree.watches.add('child', path, w);
  }
  for (const path of r.persistentWatches ?? []) if (path !== null) tree.watches.add('persistent', path, w);
  for (const path of r.persistentRecursiveWatches ?? []) if (path !== null) tree.watches.add('recursive', path, w);
}

/** WatcherType values checkWatches/removeWatches accept (others fail to parse: MarshallingError). */
const WATCHER_TYPES: ReadonlySet<number> = new Set(Object.values(WatcherType));

function whoAmI(req: Request): ClientInfo[] {
  return req.auth.map((id) => ({
    authScheme: id.scheme,
    user: id.scheme === 'digest' ? (id.id ?? '').split(':')[0] : id.id,
  }));
}

function readOne(ctx: ReadContext, req: Request, type: number, body: unknown, watcher: Watcher | null): ReadResult {
  const { tree } = ctx;
  switch (type) {
    case OpCode.ping:
      return ok(null);
    case OpCode.exists: {
      const r = body as ExistsRequest;
      if (r.path === null || r.path.includes('\0')) throw new KeeperError(Err.BADARGUMENTS);
      // Apache's exists checks no ACL: a node's Stat is visible to anyone.
      const n = tree.get(r.path);
      if (r.watch && watcher) tree.watches.add('data', r.path, watcher);
      if (!n) throw new KeeperError(Err.NONODE, r.path);
      return ok('ExistsResponse', { stat: n.stat() });
    }
    case OpCode.getData:
      return getData(ctx, req, body as GetDataRequest, watcher);
    case OpCode.getChildren:
      return getChildren(ctx, req, body as GetChildrenRequest, watcher, false);
    case OpCode.getChildren2:
      return getChildren(ctx, req, body as GetChildrenRequest, watcher, true);
    case OpCode.getACL: {
      const n = node(ctx, (body as GetACLRequest).path);
      checkAcl(ctx, req, n.acl, Perms.READ | Perms.ADMIN);
      // A null ACL is what a snapshot's ACL key -1 loads as: Apache reads it as world:anyone:cdrwa.
      let acl = n.acl ?? OPEN_ACL_UNSAFE;
      if (!ctx.skipACL && !aclAllows(n.acl, Perms.ADMIN, req.auth, req.clientIp)) {
        acl = acl.map((a) => (a.id.scheme === 'digest' ? { perms: a.perms, id: { scheme: 'digest', id: (a.id.id ?? '').replace(/:.*/s, ':x') } } : a));
      }
      return ok('GetACLResponse', { acl, stat: n.stat() });
    }
    case OpCode.getAllChildrenNumber: {
      const path = (body as GetAllChildrenNumberRequest).path;
      const n = node(ctx, path);
      checkAcl(ctx, req, n.acl, Perms.READ);
      return ok('GetAllChildrenNumberResponse', { totalNumber: tree.countDescendants(path!) });
    }
    case OpCode.getEphemerals: {
      const prefix = (body as GetEphemeralsRequest).prefixPath;
      const mine = tree.ephemerals.get(req.sessionId) ?? new Set<string>();
      const all = javaHashSetOrder(mine, clonedSetCapacity(mine.size));
      const trimmed = prefix?.trim() ?? '';
      const ephemerals = trimmed === '' || trimmed === '/' ? all : all.filter((p) => p.startsWith(prefix!));
      return ok('GetEphemeralsResponse', { ephemerals });
    }
    case OpCode.sync:
      return ok('SyncResponse', { path: (body as SyncRequest).path });
    case OpCode.setWatches:
    case OpCode.setWatches2:
      if (watcher) setWatches(ctx, body as SetWatches2, watcher);
      return ok(null);
    case OpCode.addWatch: {
      const r = body as AddWatchRequest;
      if (r.mode !== AddWatchMode.Persistent && r.mode !== AddWatchMode.PersistentRecursive) throw new KeeperError(Err.MARSHALLINGERROR);
      if (watcher && r.path !== null) tree.watches.add(r.mode === AddWatchMode.Persistent ? 'persistent' : 'recursive', r.path, watcher);
      return ok('ErrorResponse', { err: 0 });
    }
    case OpCode.checkWatches:
    case OpCode.removeWatches: {
      const r = body as CheckWatchesRequest;
      if (!WATCHER_TYPES.has(r.type)) throw new KeeperError(Err.MARSHALLINGERROR);
      let found = false;
      if (watcher && r.path !== null) {
        found = type === OpCode.checkWatches ? tree.watches.has(r.type, r.path, watcher) : tree.watches.remove(r.type, r.path, watcher);
      }
      if (!found) throw new KeeperError(Err.NOWATCHER, r.path ?? undefined);
      return ok(null);
    }
    case OpCode.whoAmI:
      return ok('WhoAmIResponse', { clientInfo: whoAmI(req) });
    case OpCode.multiRead:
      return multiRead(ctx, req, body as MultiOp[]);
    default:
      throw new KeeperError(Err.UNIMPLEMENTED);
  }
}

/**
 * Each result's size is added up as it is read, so a reply that would pass the cap is refused before it is
 * built (and before the rest of the ops are read).
 */
function multiRead(ctx: ReadContext, req: Request, ops: MultiOp[]): ReadResult {
  const results: MultiResult[] = [];
  let replyBytes = REPLY_HEADER_BYTES + MULTI_END_BYTES;
  for (const op of ops) {
    let result: MultiResult;
    try {
      const res = readOne(ctx, req, op.type, { ...(op.request as object), watch: false }, null);
      result = { type: op.type, err: 0, response: res.value };
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      result = { type: OpCode.error, err: e.code, response: { err: e.code } };
    }
    replyBytes += multiReadResultBytes(result);
    if (replyBytes > ctx.maxReplyBytes) throw new ReplyTooLargeError(replyBytes, ctx.maxReplyBytes);
    results.push(result);
  }
  return { err: 0, record: null, value: results, replyBytes };
}

/** Executes a read; KeeperErrors become the reply's error code. ReplyTooLargeError is the caller's to handle. */
export function executeRead(ctx: ReadContext, req: Request, watcher: Watcher | null): ReadResult {
  if (req.body === undefined) return { err: Err.MARSHALLINGERROR };
  try {
    return readOne(ctx, req, req.type, req.body, watcher);
  } catch (e) {
    if (e instanceof KeeperError) return { err: e.code };
    throw e;
  }
}
