// Audit events with the fields of Apache ZooKeeper's audit log (AuditEvent.FieldName, AuditConstants, AuditHelper)
// plus our session events, made from an applied write. Only small strings are kept: the event waits in a queue.
import { userInfo } from 'node:os';
import { OpCode } from '../jute/constants.js';
import type { MultiOp } from '../jute/protocol-frames.js';
import type { ACL, Id } from '../jute/records.generated.js';
import { permString } from '../shell/format.js';
import type { TxnResult } from '../tree/data-tree.js';
import type { Txn } from '../tree/txn.js';
import type { Request } from '../server/request.js';

/** AuditConstants' operations, then ours for sessions and for events lost while Kafka was unreachable. */
export const AuditOperation = {
  serverStart: 'serverStart',
  serverStop: 'serverStop',
  create: 'create',
  delete: 'delete',
  setData: 'setData',
  setAcl: 'setAcl',
  multiOperation: 'multiOperation',
  reconfig: 'reconfig',
  ephemeralDeleted: 'ephemeralZNodeDeletionOnSessionCloseOrExpire',
  sessionCreated: 'sessionCreated',
  sessionClosed: 'sessionClosed',
  sessionExpired: 'sessionExpired',
  eventsDropped: 'eventsDropped',
} as const;

export type AuditResult = 'success' | 'failure' | 'invoked';

/** One audit record; undefined fields are left out, as Apache leaves out null ones. */
export interface AuditEvent {
  /** Milliseconds since the epoch. */
  time: number;
  session?: string;
  user?: string;
  ip?: string;
  operation: string;
  znode?: string;
  znode_type?: string;
  acl?: string;
  result: AuditResult;
  /** The transaction's zxid, `0x…` (writes only). */
  zxid?: string;
  /** sessionCreated: the negotiated timeout. */
  timeoutMs?: number;
  /** eventsDropped: how many since the last report, and in all. */
  dropped?: number;
  totalDropped?: number;
}

export const hex = (n: bigint): string => `0x${BigInt.asUintN(64, n).toString(16)}`;

/** ZKAuditProvider's user for the server's own events: the account the server runs as. */
export function serverUser(): string {
  try {
    return userInfo().username;
  } catch {
    return 'zookeeper';
  }
}

/** AuthUtil.getUsers: each auth id's user name (digest: the name before ':'), comma-separated; super has none. */
export function usersOf(auth: readonly Id[]): string | undefined {
  let out = '';
  for (const id of auth) {
    let user: string | null = null;
    if (id.scheme === 'ip' || id.scheme === 'sasl' || id.scheme === 'x509') user = id.id ?? '';
    else if (id.scheme === 'digest') user = (id.id ?? '').split(':')[0] ?? '';
    if (user === null) continue;
    out += out === '' ? user.trim() : `,${user.trim()}`;
  }
  return out === '' ? undefined : out;
}

/** CreateMode.fromFlag(flags).toString().toLowerCase(). */
const CREATE_MODES = ['persistent', 'ephemeral', 'persistent_sequential', 'ephemeral_sequential', 'container', 'persistent_with_ttl', 'persistent_sequential_with_ttl'];

function createMode(flags: unknown): string | undefined {
  return typeof flags === 'number' ? CREATE_MODES[flags] : undefined;
}

/** ZKUtil.aclToString: `scheme:id:perms` per entry, written one after the other as Apache does (no separator). */
export function aclText(acl: readonly ACL[] | null | undefined): string | undefined {
  if (!acl) return undefined;
  return acl.map((a) => `${a.id.scheme}:${a.id.id}:${permString(a.perms)}`).join('');
}

const CREATES: ReadonlySet<number> = new Set([OpCode.create, OpCode.create2, OpCode.createContainer, OpCode.createTTL]);

function requestField(body: unknown, name: 'path' | 'flags' | 'acl'): unknown {
  return body !== null && typeof body === 'object' ? (body as Record<string, unknown>)[name] : undefined;
}

/**
 * The audit events of an applied write (AuditHelper.addAuditLog, and DataTree's log of ephemerals deleted when a
 * session ends), with our session events. Appends to `out`; reads only, so the caller's objects stay as they are.
 */
export function auditEventsOf(req: Request, txn: Txn, result: TxnResult, now: number, out: AuditEvent[], zkUser: string): void {
  const session = hex(req.sessionId);
  const ip = req.clientIp === '' ? undefined : req.clientIp;
  const user = req.conn === null ? zkUser : usersOf(req.auth);
  const zxid = hex(txn.hdr.zxid);
  const failed = result.err !== 0 || txn.body.type === OpCode.error;
  const res: AuditResult = failed ? 'failure' : 'success';
  const event = (operation: string, znode: string | undefined, extra: Partial<AuditEvent> = {}): void => {
    out.push({ time: now, session, user, ip, operation, znode, result: res, ...extra, zxid });
  };
  // AuditHelper takes a failed request's path from the request, an applied one's from the result.
  const requestPath = (): string | undefined => (requestField(req.body, 'path') as string | null | undefined) ?? undefined;
  const znode = (): string | undefined => (failed ? requestPath() : result.path ?? requestPath());
  const type = req.type;
  if (CREATES.has(type)) {
    event(AuditOperation.create, znode(), { znode_type: type === OpCode.createContainer ? 'container' : createMode(requestField(req.body, 'flags')) });
  } else if (type === OpCode.delete || type === OpCode.deleteContainer) {
    // A container the server reaps has no request body: its path is in the transaction.
    const txnPath = txn.body.type === OpCode.delete || txn.body.type === OpCode.deleteContainer ? txn.body.record.path ?? undefined : undefined;
    event(AuditOperation.delete, znode() ?? txnPath);
  } else if (type === OpCode.setData) {
    event(AuditOperation.setData, znode());
  } else if (type === OpCode.setACL) {
    event(AuditOperation.setAcl, znode(), { acl: aclText(requestField(req.body, 'acl') as ACL[] | undefined) });
  } else if (type === OpCode.reconfig) {
    event(AuditOperation.reconfig, undefined);
  } else if (type === OpCode.multi) {
    multiEvents(req, result, failed, event);
  } else if (type === OpCode.createSession && !failed) {
    const timeOut = txn.body.type === OpCode.createSession ? txn.body.record.timeOut : undefined;
    event(AuditOperation.sessionCreated, undefined, { timeoutMs: timeOut });
  } else if (type === OpCode.closeSession && txn.body.type === OpCode.closeSession) {
    // An expiry's closeSession is the server's own: the expiry itself was reported when it happened.
    if (!req.internal) event(AuditOperation.sessionClosed, undefined);
    for (const p of txn.body.record?.paths2Delete ?? []) {
      if (p !== null) out.push({ time: now, session, user: zkUser, operation: AuditOperation.ephemeralDeleted, znode: p, result: 'success', zxid });
    }
  }
}

/**
 * AuditHelper.logMultiOperation: each create, delete and setData of a multi that succeeded (a create's type taken
 * from the op at the same position, so sequential nodes get theirs too); one multiOperation failure otherwise.
 */
function multiEvents(req: Request, result: TxnResult, failed: boolean, event: (op: string, znode: string | undefined, extra?: Partial<AuditEvent>) => void): void {
  const ops = Array.isArray(req.body) ? (req.body as MultiOp[]) : [];
  if (failed || !result.multi || result.multi.some((r) => r.type === OpCode.error)) {
    event(AuditOperation.multiOperation, undefined, { result: 'failure' });
    return;
  }
  result.multi.forEach((sub, i) => {
    const op = ops[i];
    if (CREATES.has(sub.type)) {
      const mode = op?.type === OpCode.createContainer ? 'container' : createMode(requestField(op?.request, 'flags'));
      event(AuditOperation.create, sub.path, { znode_type: mode });
    } else if (sub.type === OpCode.delete || sub.type === OpCode.deleteContainer) {
      event(AuditOperation.delete, sub.path);
    } else if (sub.type === OpCode.setData) {
      event(AuditOperation.setData, sub.path);
    }
  });
}

/** The record's key: the session, else the znode; the server's own events have none. */
export function auditKey(e: AuditEvent): string | null {
  return e.session ?? e.znode ?? null;
}

/** The record's value: timestamp, server id, then Apache's fields in its order, then ours. */
export function auditJson(e: AuditEvent, serverId: number): string {
  return JSON.stringify({
    timestamp: new Date(e.time).toISOString(),
    serverId,
    session: e.session,
    user: e.user,
    ip: e.ip,
    operation: e.operation,
    znode: e.znode,
    znode_type: e.znode_type,
    acl: e.acl,
    result: e.result,
    zxid: e.zxid,
    timeoutMs: e.timeoutMs,
    dropped: e.dropped,
    totalDropped: e.totalDropped,
  });
}
