// One error class per ZooKeeper error code, built from ERROR_TABLE, all extending ZooKeeperError. Messages are
// Java's KeeperException.getMessage(): `KeeperErrorCode = <code message>[ for <path>]`.
import { ERROR_TABLE } from '../jute/constants.js';
import type { OpResult } from './transaction.js';

type ErrorRow = (typeof ERROR_TABLE)[number];
/** KeeperException.Code names as in the table, e.g. 'NONODE'. */
export type ErrorCodeName = Exclude<ErrorRow[1], 'OK'>;

const ROWS = new Map<number, ErrorRow>(ERROR_TABLE.map((row) => [row[0], row]));

/** Java's getCodeMessage: the table's text, or "Unknown error <code>". */
export function codeMessage(code: number): string {
  const row = ROWS.get(code);
  return row ? row[2] : `Unknown error ${code}`;
}

export function keeperErrorMessage(code: number, path?: string | null): string {
  const base = `KeeperErrorCode = ${codeMessage(code)}`;
  return path ? `${base} for ${path}` : base;
}

export class ZooKeeperError extends Error {
  readonly code: number;
  /** The KeeperException.Code name, e.g. 'NONODE'; 'UNKNOWN' for a code outside the table. */
  readonly codeName: string;
  readonly path: string | undefined;
  /** Whether repeating the same request may succeed (connection loss, timeouts, throttling). */
  readonly retriable: boolean;
  /** For a failed multi: every op's result, as Java's KeeperException.getResults(). */
  results?: OpResult[];

  constructor(code: number, path?: string | null, options?: ErrorOptions) {
    super(keeperErrorMessage(code, path), options);
    const row = ROWS.get(code);
    this.code = code;
    this.codeName = row ? row[1] : 'UNKNOWN';
    this.path = path ?? undefined;
    this.retriable = row ? row[3] : false;
  }
}
Object.defineProperty(ZooKeeperError.prototype, 'name', { value: 'ZooKeeperError', writable: true, configurable: true });

export interface ZooKeeperErrorClass {
  new (path?: string | null, options?: ErrorOptions): ZooKeeperError;
  readonly code: number;
  readonly codeName: string;
}

/**
 * Class-name stems where the table's message is not already the one CamelCase word Java names the exception
 * after (KeeperException.NotEmptyException for "Directory not empty", ...).
 */
const STEMS: Partial<Record<ErrorCodeName, string>> = {
  UNKNOWNSESSION: 'UnknownSession',
  NOTEMPTY: 'NotEmpty',
  SESSIONEXPIRED: 'SessionExpired',
  INVALIDCALLBACK: 'InvalidCallback',
  SESSIONMOVED: 'SessionMoved',
  NOTREADONLY: 'NotReadOnly',
  EPHEMERALONLOCALSESSION: 'EphemeralOnLocalSession',
  NOWATCHER: 'NoWatcher',
  REQUESTTIMEOUT: 'RequestTimeout',
  RECONFIGDISABLED: 'ReconfigDisabled',
  SESSIONCLOSEDREQUIRESASLAUTH: 'SessionClosedRequireSaslAuth',
  QUOTAEXCEEDED: 'QuotaExceeded',
  THROTTLEDOP: 'ThrottledOp',
};

function className(row: ErrorRow): string {
  const stem = STEMS[row[1] as ErrorCodeName] ?? row[2];
  if (!/^[A-Za-z]+$/.test(stem)) throw new Error(`no class name for ZooKeeper error ${row[1]}`);
  return stem.endsWith('Error') ? stem : `${stem}Error`;
}

function makeClass(row: ErrorRow): ZooKeeperErrorClass {
  const [code, codeName] = row;
  const cls = class extends ZooKeeperError {
    static readonly code = code;
    static readonly codeName = codeName;
    constructor(path?: string | null, options?: ErrorOptions) {
      super(code, path, options);
    }
  };
  const name = className(row);
  Object.defineProperty(cls, 'name', { value: name });
  Object.defineProperty(cls.prototype, 'name', { value: name, writable: true, configurable: true });
  return cls;
}

export const ERROR_CLASSES = Object.fromEntries(
  ERROR_TABLE.filter((row) => row[0] !== 0).map((row) => [row[1], makeClass(row)]),
) as Record<ErrorCodeName, ZooKeeperErrorClass>;

const BY_CODE = new Map<number, ZooKeeperErrorClass>(Object.values(ERROR_CLASSES).map((cls) => [cls.code, cls]));

/** The typed error for a reply's error code (Java's KeeperException.create(code, path)). */
export function errorFromCode(code: number, path?: string | null, options?: ErrorOptions): ZooKeeperError {
  const cls = BY_CODE.get(code);
  return cls ? new cls(path, options) : new ZooKeeperError(code, path, options);
}

export const SystemError = ERROR_CLASSES.SYSTEMERROR;
export const RuntimeInconsistencyError = ERROR_CLASSES.RUNTIMEINCONSISTENCY;
export const DataInconsistencyError = ERROR_CLASSES.DATAINCONSISTENCY;
export const ConnectionLossError = ERROR_CLASSES.CONNECTIONLOSS;
export const MarshallingError = ERROR_CLASSES.MARSHALLINGERROR;
export const UnimplementedError = ERROR_CLASSES.UNIMPLEMENTED;
export const OperationTimeoutError = ERROR_CLASSES.OPERATIONTIMEOUT;
export const BadArgumentsError = ERROR_CLASSES.BADARGUMENTS;
export const UnknownSessionError = ERROR_CLASSES.UNKNOWNSESSION;
export const NewConfigNoQuorumError = ERROR_CLASSES.NEWCONFIGNOQUORUM;
export const ReconfigInProgressError = ERROR_CLASSES.RECONFIGINPROGRESS;
export const APIError = ERROR_CLASSES.APIERROR;
export const NoNodeError = ERROR_CLASSES.NONODE;
export const NoAuthError = ERROR_CLASSES.NOAUTH;
export const BadVersionError = ERROR_CLASSES.BADVERSION;
export const NoChildrenForEphemeralsError = ERROR_CLASSES.NOCHILDRENFOREPHEMERALS;
export const NodeExistsError = ERROR_CLASSES.NODEEXISTS;
export const NotEmptyError = ERROR_CLASSES.NOTEMPTY;
export const SessionExpiredError = ERROR_CLASSES.SESSIONEXPIRED;
export const InvalidCallbackError = ERROR_CLASSES.INVALIDCALLBACK;
export const InvalidACLError = ERROR_CLASSES.INVALIDACL;
export const AuthFailedError = ERROR_CLASSES.AUTHFAILED;
export const SessionMovedError = ERROR_CLASSES.SESSIONMOVED;
export const NotReadOnlyError = ERROR_CLASSES.NOTREADONLY;
export const EphemeralOnLocalSessionError = ERROR_CLASSES.EPHEMERALONLOCALSESSION;
export const NoWatcherError = ERROR_CLASSES.NOWATCHER;
export const RequestTimeoutError = ERROR_CLASSES.REQUESTTIMEOUT;
export const ReconfigDisabledError = ERROR_CLASSES.RECONFIGDISABLED;
export const SessionClosedRequireSaslAuthError = ERROR_CLASSES.SESSIONCLOSEDREQUIRESASLAUTH;
export const QuotaExceededError = ERROR_CLASSES.QUOTAEXCEEDED;
export const ThrottledOpError = ERROR_CLASSES.THROTTLEDOP;

/** A caller error caught before anything is sent (Java's IllegalArgumentException): bad path, bad mode, bad ttl. */
export class IllegalArgumentError extends Error {
  override readonly name = 'IllegalArgumentError';
}
