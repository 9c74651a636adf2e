// Ops for multi (transaction) and multiRead, their results (Java's Op and OpResult), create modes and the
// opcode Java picks for each kind of create.
import { CreateMode, OpCode, Perms } from '../jute/constants.js';
import type { MultiOp, MultiResult } from '../jute/protocol-frames.js';
import type { ACL, Stat } from '../jute/records.generated.js';
import { IllegalArgumentError } from './errors.js';
import { validatePath, type Chroot } from './paths.js';

export type CreateModeName = keyof typeof CreateMode;
export type Data = Buffer | Uint8Array | string | null;

export const OPEN_ACL_UNSAFE: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'world', id: 'anyone' } }];
export const READ_ACL_UNSAFE: ACL[] = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }];
/** All permissions for the ids the creating connection has authenticated as. */
export const CREATOR_ALL_ACL: ACL[] = [{ perms: Perms.ALL, id: { scheme: 'auth', id: '' } }];

/** EphemeralType.TTL.maxValue(): 2^40 - 1 ms. */
export const MAX_TTL_MS = 0xffffffffff;

export function createModeFlag(mode: CreateModeName | number): number {
  const flag = typeof mode === 'number' ? mode : CreateMode[mode];
  if (!Number.isInteger(flag) || flag < 0 || flag > 6) throw new IllegalArgumentError(`Received an invalid create mode: ${String(mode)}`);
  return flag;
}

export const isSequential = (flag: number): boolean => flag === 2 || flag === 3 || flag === 6;
export const isTTL = (flag: number): boolean => flag === 5 || flag === 6;
export const isContainer = (flag: number): boolean => flag === 4;

/** Java's EphemeralType.validateTTL; ttl -1 means none. */
export function validateTTL(flag: number, ttlMs: number): void {
  if (isTTL(flag)) {
    if (!(ttlMs > 0 && ttlMs <= MAX_TTL_MS)) throw new IllegalArgumentError(`ttl must be positive and cannot be larger than: ${MAX_TTL_MS}`);
  } else if (ttlMs >= 0) {
    throw new IllegalArgumentError(`ttl not valid for mode: ${Object.keys(CreateMode)[flag]}`);
  }
}

export function toBuffer(data: Data | undefined): Buffer | null {
  if (data === null || data === undefined) return null;
  if (typeof data === 'string') return Buffer.from(data, 'utf8');
  return Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
}

export type Op =
  | { type: 'create'; path: string; data: Data; acl: ACL[]; mode: CreateModeName | number; ttlMs?: number }
  | { type: 'delete'; path: string; version: number }
  | { type: 'setData'; path: string; data: Data; version: number }
  | { type: 'check'; path: string; version: number }
  | { type: 'getData'; path: string }
  | { type: 'getChildren'; path: string };

export const Op = {
  create: (path: string, data: Data = null, acl: ACL[] = OPEN_ACL_UNSAFE, mode: CreateModeName | number = 'PERSISTENT', ttlMs?: number): Op =>
    ({ type: 'create', path, data, acl, mode, ttlMs }),
  delete: (path: string, version = -1): Op => ({ type: 'delete', path, version }),
  setData: (path: string, data: Data, version = -1): Op => ({ type: 'setData', path, data, version }),
  check: (path: string, version: number): Op => ({ type: 'check', path, version }),
  getData: (path: string): Op => ({ type: 'getData', path }),
  getChildren: (path: string): Op => ({ type: 'getChildren', path }),
};

export type OpResult =
  | { type: 'create'; path: string; stat?: Stat }
  | { type: 'delete' }
  | { type: 'setData'; stat: Stat }
  | { type: 'check' }
  | { type: 'getData'; data: Buffer | null; stat: Stat }
  | { type: 'getChildren'; children: string[] }
  /** err 0 marks an op before the failing one in a failed multi (Java's ErrorResult). */
  | { type: 'error'; err: number };

const READ_OPS = new Set<Op['type']>(['getData', 'getChildren']);
export const isReadOp = (op: Op): boolean => READ_OPS.has(op.type);

/** Java's Op.validate(): caller errors are thrown before anything is sent. */
export function validateOp(op: Op): void {
  if (op.type === 'create') {
    const flag = createModeFlag(op.mode);
    validatePath(op.path, isSequential(flag));
    validateTTL(flag, op.ttlMs ?? -1);
  } else {
    validatePath(op.path);
  }
}

/** The opcode Java's ZooKeeper.create picks: 19 for containers, 21 for TTL modes, else `plain` (1 or 15). */
export function createOpcode(flag: number, plain: number): number {
  if (isTTL(flag)) return OpCode.createTTL;
  if (isContainer(flag)) return OpCode.createContainer;
  return plain;
}

export function createRecord(serverPath: string, data: Data, acl: ACL[], flag: number, ttlMs: number): unknown {
  const base = { path: serverPath, data: toBuffer(data), acl, flags: flag };
  return isTTL(flag) ? { ...base, ttl: BigInt(ttlMs) } : base;
}

export function toMultiOp(op: Op, chroot: Chroot): MultiOp {
  const path = chroot.toServer(op.path);
  switch (op.type) {
    case 'create': {
      const flag = createModeFlag(op.mode);
      return { type: createOpcode(flag, OpCode.create), request: createRecord(path, op.data, op.acl, flag, op.ttlMs ?? -1) };
    }
    case 'delete':
      return { type: OpCode.delete, request: { path, version: op.version } };
    case 'setData':
      return { type: OpCode.setData, request: { path, data: toBuffer(op.data), version: op.version } };
    case 'check':
      return { type: OpCode.check, request: { path, version: op.version } };
    case 'getData':
      return { type: OpCode.getData, request: { path, watch: false } };
    case 'getChildren':
      return { type: OpCode.getChildren, request: { path, watch: false } };
  }
}

export function toOpResult(result: MultiResult, chroot: Chroot): OpResult {
  const response = result.response as Record<string, unknown> | undefined;
  switch (result.type) {
    case OpCode.create:
      return { type: 'create', path: chroot.toClient(response!.path as string) };
    case OpCode.create2:
      return { type: 'create', path: chroot.toClient(response!.path as string), stat: response!.stat as Stat };
    case OpCode.delete:
      return { type: 'delete' };
    case OpCode.setData:
      return { type: 'setData', stat: response!.stat as Stat };
    case OpCode.check:
      return { type: 'check' };
    case OpCode.getData:
      return { type: 'getData', data: response!.data as Buffer | null, stat: response!.stat as Stat };
    case OpCode.getChildren:
      return { type: 'getChildren', children: (response!.children as string[] | null) ?? [] };
    default:
      return { type: 'error', err: result.err };
  }
}

/** Builder for an atomic multi: `client.transaction().create(...).check(...).commit()`. */
export class Transaction {
  private readonly ops: Op[] = [];

  constructor(private readonly run: (ops: Op[]) => Promise<OpResult[]>) {}

  create(path: string, data: Data = null, acl: ACL[] = OPEN_ACL_UNSAFE, mode: CreateModeName | number = 'PERSISTENT', ttlMs?: number): this {
    this.ops.push(Op.create(path, data, acl, mode, ttlMs));
    return this;
  }

  delete(path: string, version = -1): this {
    this.ops.push(Op.delete(path, version));
    return this;
  }

  check(path: string, version: number): this {
    this.ops.push(Op.check(path, version));
    return this;
  }

  setData(path: string, data: Data, version = -1): this {
    this.ops.push(Op.setData(path, data, version));
    return this;
  }

  /** Resolves with one result per op; rejects with the first failing op's error, which carries `results`. */
  commit(): Promise<OpResult[]> {
    return this.run([...this.ops]);
  }
}
