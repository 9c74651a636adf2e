// Wire constants of the ZooKeeper client protocol (ZooDefs, KeeperException.Code, Watcher).

export const OpCode = {
  notification: 0,
  create: 1,
  delete: 2,
  exists: 3,
  getData: 4,
  setData: 5,
  getACL: 6,
  setACL: 7,
  getChildren: 8,
  sync: 9,
  ping: 11,
  getChildren2: 12,
  check: 13,
  multi: 14,
  create2: 15,
  reconfig: 16,
  checkWatches: 17,
  removeWatches: 18,
  createContainer: 19,
  deleteContainer: 20,
  createTTL: 21,
  multiRead: 22,
  auth: 100,
  setWatches: 101,
  sasl: 102,
  getEphemerals: 103,
  getAllChildrenNumber: 104,
  setWatches2: 105,
  addWatch: 106,
  whoAmI: 107,
  createSession: -10,
  closeSession: -11,
  error: -1,
} as const;
export type OpCodeName = keyof typeof OpCode;

export const OP_NAMES: Record<number, string> = Object.fromEntries(Object.entries(OpCode).map(([k, v]) => [v, k]));

/** KeeperException.Code: name, Java's message text, and whether a client may retry. */
export const ERROR_TABLE = [
  [0, 'OK', 'ok', false],
  [-1, 'SYSTEMERROR', 'SystemError', false],
  [-2, 'RUNTIMEINCONSISTENCY', 'RuntimeInconsistency', false],
  [-3, 'DATAINCONSISTENCY', 'DataInconsistency', false],
  [-4, 'CONNECTIONLOSS', 'ConnectionLoss', true],
  [-5, 'MARSHALLINGERROR', 'MarshallingError', false],
  [-6, 'UNIMPLEMENTED', 'Unimplemented', false],
  [-7, 'OPERATIONTIMEOUT', 'OperationTimeout', true],
  [-8, 'BADARGUMENTS', 'BadArguments', false],
  [-12, 'UNKNOWNSESSION', 'Unknown session', false],
  [-13, 'NEWCONFIGNOQUORUM', 'NewConfigNoQuorum', false],
  [-14, 'RECONFIGINPROGRESS', 'ReconfigInProgress', true],
  [-100, 'APIERROR', 'APIError', false],
  [-101, 'NONODE', 'NoNode', false],
  [-102, 'NOAUTH', 'NoAuth', false],
  [-103, 'BADVERSION', 'BadVersion', false],
  [-108, 'NOCHILDRENFOREPHEMERALS', 'NoChildrenForEphemerals', false],
  [-110, 'NODEEXISTS', 'NodeExists', false],
  [-111, 'NOTEMPTY', 'Directory not empty', false],
  [-112, 'SESSIONEXPIRED', 'Session expired', false],
  [-113, 'INVALIDCALLBACK', 'Invalid callback', false],
  [-114, 'INVALIDACL', 'InvalidACL', false],
  [-115, 'AUTHFAILED', 'AuthFailed', false],
  [-118, 'SESSIONMOVED', 'Session moved', true],
  [-119, 'NOTREADONLY', 'Not a read-only call', false],
  [-120, 'EPHEMERALONLOCALSESSION', 'Ephemeral node on local session', false],
  [-121, 'NOWATCHER', 'No such watcher', false],
  [-122, 'REQUESTTIMEOUT', 'Request timeout', true],
  [-123, 'RECONFIGDISABLED', 'Reconfig is disabled', false],
  [-124, 'SESSIONCLOSEDREQUIRESASLAUTH', 'Session closed because client failed to authenticate', false],
  [-125, 'QUOTAEXCEEDED', 'Quota has exceeded', false],
  [-127, 'THROTTLEDOP', 'Op throttled due to high load', true],
] as const;

export const Err = Object.fromEntries(ERROR_TABLE.map(([code, name]) => [name, code])) as {
  [E in (typeof ERROR_TABLE)[number] as E[1]]: E[0];
};
export const ERROR_NAMES: Record<number, string> = Object.fromEntries(ERROR_TABLE.map(([code, name]) => [code, name]));
export const ERROR_MESSAGES: Record<number, string> = Object.fromEntries(ERROR_TABLE.map(([code, , msg]) => [code, msg]));

export const EventType = {
  None: -1,
  NodeCreated: 1,
  NodeDeleted: 2,
  NodeDataChanged: 3,
  NodeChildrenChanged: 4,
  DataWatchRemoved: 5,
  ChildWatchRemoved: 6,
  PersistentWatchRemoved: 7,
} as const;

export const KeeperState = {
  Unknown: -1,
  Disconnected: 0,
  NoSyncConnected: 1,
  SyncConnected: 3,
  AuthFailed: 4,
  ConnectedReadOnly: 5,
  SaslAuthenticated: 6,
  Expired: -112,
  Closed: 7,
} as const;

/** removeWatches / checkWatches `type`. */
export const WatcherType = { Children: 1, Data: 2, Any: 3, Persistent: 4, PersistentRecursive: 5 } as const;

export const AddWatchMode = { Persistent: 0, PersistentRecursive: 1 } as const;

export const CreateMode = {
  PERSISTENT: 0,
  EPHEMERAL: 1,
  PERSISTENT_SEQUENTIAL: 2,
  EPHEMERAL_SEQUENTIAL: 3,
  CONTAINER: 4,
  PERSISTENT_WITH_TTL: 5,
  PERSISTENT_SEQUENTIAL_WITH_TTL: 6,
} as const;

export const Perms = { READ: 1, WRITE: 2, CREATE: 4, DELETE: 8, ADMIN: 16, ALL: 31 } as const;

/** Special xids in reply headers. */
export const Xid = { Notification: -1, Ping: -2, Auth: -4, SetWatches: -8 } as const;

export const DEFAULT_JUTE_MAX_BUFFER = 0xfffff;
