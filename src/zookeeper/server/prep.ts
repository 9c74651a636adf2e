// Prep stage: validates a write against the tree plus pending changes and turns it into a transaction.
// Failed writes become error transactions, which still take a zxid, as in Apache ZooKeeper.
import { CreateMode, Err, OpCode, Perms } from '../jute/constants.js';
import type { MultiOp } from '../jute/protocol-frames.js';
import type {
  ACL, CheckVersionRequest, CreateRequest, CreateTTLRequest, DeleteRequest, Id, ReconfigRequest, SetACLRequest, SetDataRequest, TxnHeader,
} from '../jute/records.generated.js';
import { aclAllows, isValidIpAcl } from '../tree/acl.js';
import { MAX_TTL_MS, kindOfOwner, CONTAINER_OWNER, ttlOwner } from '../tree/data-node.js';
import { CONFIG_PATH, QUOTA_PATH, ZOOKEEPER_PATH } from '../tree/data-tree.js';
import { invalidPathReason, parentOf } from '../tree/paths.js';
import type { Txn, TxnBody } from '../tree/txn.js';
import type { PendingChanges, NodeRecord } from './pending-changes.js';
import { KeeperError, type Request } from './request.js';

export interface PrepContext {
  pending: PendingChanges;
  skipACL: boolean;
  extendedTypesEnabled: boolean;
  reconfigEnabled: boolean;
  /** The session's ephemerals in the tree (closeSession). */
  ephemeralsOf(sessionId: bigint): Iterable<string>;
  /**
   * An ensemble leader's membership change: checks the request against the quorum (RECONFIGINPROGRESS, BADVERSION,
   * BADARGUMENTS, NEWCONFIGNOQUORUM) and returns the new config's text. Absent (standalone, followers): UNIMPLEMENTED.
   */
  reconfig?(req: Request, r: ReconfigRequest, zxid: bigint): Buffer;
  /** An unexpected failure preparing a request, which becomes an error txn (MARSHALLINGERROR) as in Apache. */
  onUnexpected?(err: unknown, req: Request): void;
}

const SPECIAL_PATHS = new Set(['/', ZOOKEEPER_PATH, QUOTA_PATH, CONFIG_PATH]);

export const WRITE_OPS: ReadonlySet<number> = new Set([
  OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL, OpCode.delete, OpCode.deleteContainer,
  OpCode.setData, OpCode.setACL, OpCode.check, OpCode.multi, OpCode.reconfig, OpCode.createSession, OpCode.closeSession,
]);

function validatePath(path: string | null, sequential = false): string {
  if (invalidPathReason(path, sequential) !== null) throw new KeeperError(Err.BADARGUMENTS, path ?? undefined);
  return path!;
}

function checkAcl(ctx: PrepContext, req: Request, acl: ACL[] | null, perm: number, path: string): void {
  if (ctx.skipACL) return;
  if (!aclAllows(acl, perm, req.auth, req.clientIp)) throw new KeeperError(Err.NOAUTH, path);
}

function record(ctx: PrepContext, path: string): NodeRecord {
  const rec = ctx.pending.get(path);
  if (!rec) throw new KeeperError(Err.NONODE, path);
  return rec;
}

function checkAndIncVersion(current: number, expected: number, path: string): number {
  if (expected !== -1 && expected !== current) throw new KeeperError(Err.BADVERSION, path);
  return (current + 1) | 0;
}

/** PrepRequestProcessor.fixupACL: validates the list and expands `auth` into the caller's authenticated ids. */
export function fixupAcl(acl: ACL[] | null, auth: readonly Id[], path: string): ACL[] {
  if (acl === null || acl.length === 0) throw new KeeperError(Err.INVALIDACL, path);
  // A single entry (the usual case) cannot repeat: no set of keys then.
  const seen = acl.length > 1 ? new Set<string>() : null;
  const out: ACL[] = [];
  const push = (a: ACL) => {
    if (seen !== null) {
      const key = `${a.perms}:${a.id.scheme}:${a.id.id}`;
      if (seen.has(key)) return;
      seen.add(key);
    }
    out.push(a);
  };
  for (const a of acl) {
    const { scheme, id } = a.id ?? {};
    if (scheme == null) throw new KeeperError(Err.INVALIDACL, path);
    if (scheme === 'world' && id === 'anyone') push(a);
    else if (scheme === 'auth') {
      let found = false;
      for (const cid of auth) {
        if (cid.scheme === 'digest') {
          found = true;
          push({ perms: a.perms, id: { scheme: cid.scheme, id: cid.id } });
        }
      }
      if (!found) throw new KeeperError(Err.INVALIDACL, path);
    } else if (scheme === 'digest') {
      // Java's id.split(":") must give exactly two parts (trailing empty parts are dropped).
      const parts = (id ?? '').split(':');
      while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
      if (parts.length !== 2) throw new KeeperError(Err.INVALIDACL, path);
      push(a);
    } else if (scheme === 'ip') {
      if (id == null || !isValidIpAcl(id)) throw new KeeperError(Err.INVALIDACL, path);
      push(a);
    } else {
      throw new KeeperError(Err.INVALIDACL, path);
    }
  }
  return out;
}

function sequenceSuffix(n: number): string {
  return n < 0 ? `-${String(-n).padStart(9, '0')}` : String(n).padStart(10, '0');
}

function prepCreate(ctx: PrepContext, req: Request, type: number, r: CreateRequest | CreateTTLRequest, zxid: bigint): TxnBody {
  const flags = r.flags;
  if (flags < 0 || flags > 6) throw new KeeperError(Err.BADARGUMENTS, r.path ?? undefined);
  const isTtlMode = flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
  const ttl = type === OpCode.createTTL ? (r as CreateTTLRequest).ttl : -1n;
  if (isTtlMode && !ctx.extendedTypesEnabled) throw new KeeperError(Err.UNIMPLEMENTED, r.path ?? undefined);
  if (isTtlMode ? ttl <= 0n || ttl > MAX_TTL_MS : ttl >= 0n) throw new KeeperError(Err.BADARGUMENTS, r.path ?? undefined);
  const requested = r.path;
  if (requested === null || requested.includes('\0') || requested.lastIndexOf('/') === -1) throw new KeeperError(Err.BADARGUMENTS, requested ?? undefined);
  const acl = fixupAcl(r.acl, req.auth, requested);
  const parentPath = parentOf(requested);
  const parent = record(ctx, parentPath);
  checkAcl(ctx, req, parent.acl, Perms.CREATE, requested);
  const sequential = flags === CreateMode.PERSISTENT_SEQUENTIAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL;
  const path = sequential ? requested + sequenceSuffix(parent.cversion) : requested;
  validatePath(path);
  if (ctx.pending.get(path)) throw new KeeperError(Err.NODEEXISTS, path);
  if (kindOfOwner(parent.ephemeralOwner) === 'ephemeral') throw new KeeperError(Err.NOCHILDRENFOREPHEMERALS, path);
  const newCversion = (parent.cversion + 1) | 0;
  const ephemeral = flags === CreateMode.EPHEMERAL || flags === CreateMode.EPHEMERAL_SEQUENTIAL;
  const owner = type === OpCode.createContainer || flags === CreateMode.CONTAINER ? CONTAINER_OWNER
    : isTtlMode ? ttlOwner(ttl) : ephemeral ? req.sessionId : 0n;
  ctx.pending.add({ ...parent, zxid, numChildren: parent.numChildren + 1, cversion: newCversion });
  ctx.pending.add({ zxid, path, exists: true, acl, version: 0, aversion: 0, cversion: 0, ephemeralOwner: owner, numChildren: 0 });
  if (type === OpCode.createContainer) return { type, record: { path, data: r.data, acl, parentCVersion: newCversion } };
  if (type === OpCode.createTTL) return { type, record: { path, data: r.data, acl, parentCVersion: newCversion, ttl } };
  return { type: type as 1 | 15, record: { path, data: r.data, acl, ephemeral, parentCVersion: newCversion } };
}

function prepOne(ctx: PrepContext, req: Request, type: number, body: unknown, zxid: bigint): TxnBody {
  switch (type) {
    case OpCode.create:
    case OpCode.create2:
    case OpCode.createContainer:
    case OpCode.createTTL:
      return prepCreate(ctx, req, type, body as CreateRequest, zxid);
    case OpCode.delete: {
      const r = body as DeleteRequest;
      const path = validatePath(r.path);
      if (SPECIAL_PATHS.has(path)) throw new KeeperError(Err.BADARGUMENTS, path);
      const parent = record(ctx, parentOf(path));
      checkAcl(ctx, req, parent.acl, Perms.DELETE, path);
      const node = record(ctx, path);
      checkAndIncVersion(node.version, r.version, path);
      if (node.numChildren > 0) throw new KeeperError(Err.NOTEMPTY, path);
      ctx.pending.add({ ...parent, zxid, numChildren: parent.numChildren - 1 });
      ctx.pending.add({ ...node, zxid, exists: false });
      return { type: OpCode.delete, record: { path } };
    }
    case OpCode.deleteContainer:
      // Only the server's own reaper may delete containers (see reapContainer).
      throw new KeeperError(Err.BADARGUMENTS);
    case OpCode.setData: {
      const r = body as SetDataRequest;
      const path = validatePath(r.path);
      const node = record(ctx, path);
      checkAcl(ctx, req, node.acl, Perms.WRITE, path);
      const version = checkAndIncVersion(node.version, r.version, path);
      ctx.pending.add({ ...node, zxid, version });
      return { type: OpCode.setData, record: { path, data: r.data, version } };
    }
    case OpCode.setACL: {
      const r = body as SetACLRequest;
      const path = validatePath(r.path);
      const acl = fixupAcl(r.acl, req.auth, path);
      const node = record(ctx, path);
      checkAcl(ctx, req, node.acl, Perms.ADMIN, path);
      const version = checkAndIncVersion(node.aversion, r.version, path);
      ctx.pending.add({ ...node, zxid, aversion: version, acl });
      return { type: OpCode.setACL, record: { path, acl, version } };
    }
    case OpCode.check: {
      const r = body as CheckVersionRequest;
      const path = validatePath(r.path);
      const node = record(ctx, path);
      checkAcl(ctx, req, node.acl, Perms.READ, path);
      return { type: OpCode.check, record: { path, version: checkAndIncVersion(node.version, r.version, path) } };
    }
    case OpCode.reconfig: {
      if (!ctx.reconfigEnabled) throw new KeeperError(Err.RECONFIGDISABLED);
      if (!ctx.reconfig) throw new KeeperError(Err.UNIMPLEMENTED);
      // PrepRequestProcessor's order: the quorum checks, then WRITE on /zookeeper/config (world-readable only by
      // default, so only the super user, skipACL or an ACL an admin set there may reconfigure).
      const data = ctx.reconfig(req, body as ReconfigRequest, zxid);
      const node = record(ctx, CONFIG_PATH);
      checkAcl(ctx, req, node.acl, Perms.WRITE, CONFIG_PATH);
      ctx.pending.add({ ...node, zxid, version: -1 });
      return { type: OpCode.reconfig, record: { path: CONFIG_PATH, data, version: -1 } };
    }
    default:
      throw new KeeperError(Err.MARSHALLINGERROR);
  }
}

const CREATE_OPS: ReadonlySet<number> = new Set([OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL]);

/**
 * The type Apache 3.8 gives a create inside a multi: its MultiOperationRecord rebuilds each create with
 * Op.create(path, data, acl, flags), whose type follows the flags, not the op header. So create2 and createContainer
 * ops with plain flags are creates (answered without a stat), container flags make a createContainer whatever the
 * header, and a createTTL op without TTL flags is a create that ignores its ttl. TTL flags on any other create give
 * a createTTL op that carries a CreateRequest, which Apache's prep fails to cast: null, the whole multi fails.
 */
function multiCreateType(opType: number, flags: number): number | null {
  if (flags === CreateMode.PERSISTENT_WITH_TTL || flags === CreateMode.PERSISTENT_SEQUENTIAL_WITH_TTL) {
    return opType === OpCode.createTTL ? OpCode.createTTL : null;
  }
  return flags === CreateMode.CONTAINER ? OpCode.createContainer : OpCode.create;
}

function prepMulti(ctx: PrepContext, req: Request, ops: MultiOp[], zxid: bigint): TxnBody {
  const txns: TxnBody[] = [];
  let failed = false;
  for (const op of ops) {
    if (failed) {
      txns.push({ type: OpCode.error, record: { err: Err.RUNTIMEINCONSISTENCY } });
      continue;
    }
    let type = op.type;
    if (CREATE_OPS.has(type)) {
      const effective = multiCreateType(type, (op.request as CreateRequest).flags);
      if (effective === null) {
        ctx.pending.rollback(zxid);
        throw new KeeperError(Err.MARSHALLINGERROR);
      }
      type = effective;
    }
    try {
      txns.push(prepOne(ctx, req, type, op.request, zxid));
    } catch (e) {
      if (!(e instanceof KeeperError)) throw e;
      failed = true;
      txns.push({ type: OpCode.error, record: { err: e.code } });
      ctx.pending.rollback(zxid);
    }
  }
  return { type: OpCode.multi, record: { txns } };
}

let lastTimeMs = -1;
let lastTime = 0n;

/** Transactions prepared in the same millisecond share one bigint time (nodes keep it as ctime/mtime). */
function txnTime(timeMs: number): bigint {
  if (timeMs !== lastTimeMs) {
    lastTimeMs = timeMs;
    lastTime = BigInt(timeMs);
  }
  return lastTime;
}

/** Turns a write request into its transaction (an error transaction when it fails). */
export function prepWrite(ctx: PrepContext, req: Request, zxid: bigint, timeMs: number): Txn {
  const hdr: TxnHeader = { clientId: req.sessionId, cxid: req.xid, zxid, time: txnTime(timeMs), type: req.type };
  let body: TxnBody;
  try {
    // 3.8.0 reads a client's deleteContainer path from the whole packet, header included: never a valid path.
    if (req.type === OpCode.deleteContainer) throw new KeeperError(Err.BADARGUMENTS);
    if (req.body === undefined) throw new KeeperError(Err.MARSHALLINGERROR);
    switch (req.type) {
      case OpCode.multi:
        body = prepMulti(ctx, req, req.body as MultiOp[], zxid);
        break;
      case OpCode.createSession:
        body = { type: OpCode.createSession, record: req.body as { timeOut: number } };
        break;
      case OpCode.closeSession:
        body = prepCloseSession(ctx, req.sessionId, zxid);
        break;
      default:
        body = prepOne(ctx, req, req.type, req.body, zxid);
    }
  } catch (e) {
    // Apache's PrepRequestProcessor: anything but a KeeperException is logged and answered MARSHALLINGERROR.
    if (!(e instanceof KeeperError)) ctx.onUnexpected?.(e, req);
    hdr.type = OpCode.error;
    body = { type: OpCode.error, record: { err: e instanceof KeeperError ? e.code : Err.MARSHALLINGERROR } };
  }
  return { hdr, body };
}

function prepCloseSession(ctx: PrepContext, sessionId: bigint, zxid: bigint): TxnBody {
  const paths = new Set(ctx.ephemeralsOf(sessionId));
  for (const rec of ctx.pending.records()) {
    if (!rec.exists) paths.delete(rec.path);
    else if (rec.ephemeralOwner === sessionId) paths.add(rec.path);
  }
  for (const path of paths) {
    const rec = ctx.pending.get(path);
    if (rec) ctx.pending.add({ ...rec, zxid, exists: false });
  }
  return { type: OpCode.closeSession, record: { paths2Delete: [...paths] } };
}

/** The reaper's deleteContainer: only empty containers/TTL nodes, never session ephemerals. */
export function prepDeleteContainer(ctx: PrepContext, path: string, zxid: bigint, timeMs: number): Txn | null {
  const node = ctx.pending.get(path);
  if (!node || node.numChildren > 0 || kindOfOwner(node.ephemeralOwner) === 'ephemeral') return null;
  const parent = ctx.pending.get(parentOf(path));
  if (parent) ctx.pending.add({ ...parent, zxid, numChildren: parent.numChildren - 1 });
  ctx.pending.add({ ...node, zxid, exists: false });
  return { hdr: { clientId: 0n, cxid: 0, zxid, time: txnTime(timeMs), type: OpCode.deleteContainer }, body: { type: OpCode.deleteContainer, record: { path } } };
}
