// Behaviour compatibility through node-zookeeper-client: one scripted use of every operation it offers runs against a
// fresh Apache ZooKeeper 3.8 and a fresh server of ours; the recorded results, errors and watch events must be the
// same modulo times and session ids.
import assert from 'node:assert/strict';
import { writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { apacheZooKeeperAvailable, startApacheZooKeeper } from '../support/apache-zk.js';
import { HiddenClient } from '../support/hidden-client.js';
import { startOurZooKeeper } from '../support/our-zk.js';
import { assertSameLines } from '../support/same-lines.js';

const apacheMissing = apacheZooKeeperAvailable();
if (apacheMissing) console.log(`skipping the node-zookeeper-client behaviour comparison: ${apacheMissing}`);

// node-zookeeper-client has no type declarations: the part used here.
interface NzkStat {
  czxid: Buffer;
  mzxid: Buffer;
  ctime: Buffer;
  mtime: Buffer;
  version: number;
  cversion: number;
  aversion: number;
  ephemeralOwner: Buffer;
  dataLength: number;
  numChildren: number;
  pzxid: Buffer;
}
interface NzkId {
  scheme: string;
  id: string;
}
interface NzkAcl {
  permission: number;
  id: NzkId;
}
interface NzkEvent {
  getName(): string;
  getPath(): string;
}
interface NzkError extends Error {
  getCode(): number;
  name: string;
}
interface NzkOpResult {
  type: number;
  path?: string;
  stat?: NzkStat;
  err?: number;
}
type Watcher = (event: NzkEvent) => void;
type Cb = (err: NzkError | null, ...values: unknown[]) => void;
interface NzkTransaction {
  create(path: string, data?: Buffer | number | NzkAcl[], acls?: NzkAcl[] | number, mode?: number): NzkTransaction;
  check(path: string, version?: number): NzkTransaction;
  setData(path: string, data: Buffer | null, version?: number): NzkTransaction;
  remove(path: string, version?: number): NzkTransaction;
  commit(cb: (err: NzkError | null, results: NzkOpResult[]) => void): void;
}
interface NzkClient {
  connect(): void;
  close(): void;
  on(event: 'state', listener: (state: { name: string }) => void): void;
  once(event: 'connected' | 'expired', listener: () => void): void;
  getSessionId(): Buffer;
  getSessionTimeout(): number;
  addAuthInfo(scheme: string, auth: Buffer): void;
  create(path: string, ...args: (Buffer | NzkAcl[] | number | Cb)[]): void;
  remove(path: string, version: number, cb: Cb): void;
  removeRecursive(path: string, cb: Cb): void;
  setData(path: string, data: Buffer | null, version: number, cb: Cb): void;
  getData(path: string, ...args: (Watcher | Cb)[]): void;
  setACL(path: string, acls: NzkAcl[], version: number, cb: Cb): void;
  getACL(path: string, cb: Cb): void;
  exists(path: string, ...args: (Watcher | Cb)[]): void;
  getChildren(path: string, ...args: (Watcher | Cb)[]): void;
  listSubTreeBFS(path: string, cb: Cb): void;
  mkdirp(path: string, ...args: (Buffer | NzkAcl[] | number | Cb)[]): void;
  transaction(): NzkTransaction;
}
interface NzkModule {
  createClient(connectString: string, options: { sessionTimeout?: number; spinDelay?: number; retries?: number }): NzkClient;
  ACL: new (permission: number, id: NzkId) => NzkAcl;
  Id: new (scheme: string, id: string) => NzkId;
  Permission: { READ: number; WRITE: number; CREATE: number; DELETE: number; ADMIN: number; ALL: number };
  CreateMode: { PERSISTENT: number; EPHEMERAL: number; PERSISTENT_SEQUENTIAL: number; EPHEMERAL_SEQUENTIAL: number };
}
const nzk = createRequire(import.meta.url)('node-zookeeper-client') as NzkModule;
const { ACL, Id, Permission, CreateMode } = nzk;

const CONNECT_TIMEOUT_MS = 10_000;
const EVENT_WAIT_MS = 5_000;
const CALL_TIMEOUT_MS = 5_000;
/** The container reaper runs every znode.container.checkIntervalMs (1 s in both configs): a few rounds, more if busy. */
const REAP_WAIT_MS = 20_000;
/** A 4 s session expires 4-6 s after its last traffic (expiry buckets of one 2 s tick); later on a busy machine. */
const EXPIRY_WAIT_MS = 30_000;

const world = (perms: number) => new ACL(perms, new Id('world', 'anyone'));
const digestAcl = (digest: string, perms: number) => new ACL(perms, new Id('digest', digest));
const ipAcl = (ip: string, perms: number) => new ACL(perms, new Id('ip', ip));
const USER1_DIGEST = 'user1:GMJqCvSAmNfv41XqBotWHO0HsNc='; // generateDigest("user1:pw1")
const USER2_DIGEST = 'user2:bpD4uPzrrsGNcJsBFLRErJIlBog='; // generateDigest("user2:pw2")

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * What one run records, one line per result, error or event. Normalised: ctime/mtime (wall clock) and session ids
 * (numbered in order of appearance). zxids stay: both servers log the same transactions from a fresh start.
 */
class Recorder {
  readonly lines: string[] = [];
  /** Events that race with another connection's replies, held until a sync point. */
  private deferred: string[] = [];
  private readonly sessions = new Map<bigint, string>();

  session(id: bigint): string {
    if (id === 0n) return '0';
    let name = this.sessions.get(id);
    if (name === undefined) {
      name = `session#${this.sessions.size + 1}`;
      this.sessions.set(id, name);
    }
    return name;
  }

  owner(buf: Buffer): string {
    const id = buf.readBigInt64BE(0);
    const top = BigInt.asUintN(64, id) >> 56n;
    // TTL nodes (0xff..) and containers (0x80..) keep their raw owner; only session ids vary run to run.
    return top >= 1n && top <= 0x7fn ? this.session(id) : `0x${BigInt.asUintN(64, id).toString(16)}`;
  }

  stat(s: NzkStat): string {
    const zxid = (b: Buffer) => `0x${b.readBigInt64BE(0).toString(16)}`;
    return (
      `{czxid=${zxid(s.czxid)} mzxid=${zxid(s.mzxid)} pzxid=${zxid(s.pzxid)} version=${s.version} cversion=${s.cversion} ` +
      `aversion=${s.aversion} owner=${this.owner(s.ephemeralOwner)} dataLength=${s.dataLength} numChildren=${s.numChildren}}`
    );
  }

  show(value: unknown): string {
    if (value === null || value === undefined) return String(value);
    if (Buffer.isBuffer(value)) return `data(${value.length})=${JSON.stringify(value.toString('latin1'))}`;
    if (Array.isArray(value)) return `[${value.map((v) => this.show(v)).join(', ')}]`;
    if (typeof value === 'object') {
      const o = value as Record<string, unknown>;
      if ('czxid' in o && 'ctime' in o) return this.stat(o as unknown as NzkStat);
      if ('permission' in o && 'id' in o) return `${(o.id as NzkId).scheme}:${(o.id as NzkId).id}=${o.permission as number}`;
      if ('type' in o) {
        const r = o as unknown as NzkOpResult;
        return `op${r.type}(${r.path ?? ''}${r.stat ? this.stat(r.stat) : ''}${r.err !== undefined ? `err=${r.err}` : ''})`;
      }
    }
    return JSON.stringify(value);
  }

  /** Runs one callback-style call and records what it gave. */
  call(label: string, run: (cb: Cb) => void): Promise<unknown[]> {
    return new Promise((resolve) => {
      let answered = false;
      const timer = setTimeout(() => {
        answered = true;
        this.lines.push(`${label} -> no answer within ${CALL_TIMEOUT_MS} ms`);
        resolve([]);
      }, CALL_TIMEOUT_MS);
      run((err, ...values) => {
        if (answered) return;
        answered = true;
        clearTimeout(timer);
        if (err) this.lines.push(`${label} -> ${err.name ?? 'Error'}[${typeof err.getCode === 'function' ? err.getCode() : '?'}]${values.length && values[0] !== undefined ? ' ' + values.map((v) => this.show(v)).join(' ') : ''}`);
        else this.lines.push(`${label} -> ok ${values.map((v) => this.show(v)).join(' ')}`.trimEnd());
        resolve(values);
      });
    });
  }

  watcher(label: string): Watcher {
    return (event) => this.lines.push(`event[${label}] ${event.getName()} ${event.getPath()}`);
  }

  /** A watcher on another session than the one making the change: its event races with the change's reply. */
  otherSessionWatcher(label: string): Watcher {
    return (event) => this.deferred.push(`event[${label}] ${event.getName()} ${event.getPath()}`);
  }

  /** Waits for `count` deferred events, then records them in a fixed order. */
  async settle(count: number, what: string): Promise<void> {
    await this.waitFor(what, () => this.deferred.length >= count);
    this.lines.push(...this.deferred.sort());
    this.deferred = [];
  }

  note(text: string): void {
    this.lines.push(text);
  }

  async waitFor(what: string, done: () => boolean, timeoutMs = EVENT_WAIT_MS): Promise<void> {
    const deadline = performance.now() + timeoutMs;
    while (!done()) {
      if (performance.now() > deadline) {
        this.note(`timed out waiting for ${what}`);
        return;
      }
      await sleep(20);
    }
  }

  count(prefix: string): number {
    return this.lines.filter((l) => l.startsWith(prefix)).length;
  }
}

/** The client's socket (node-zookeeper-client keeps it in its connection manager). */
function connectionSocket(client: NzkClient): { destroy(): void } {
  return (client as unknown as { connectionManager: { socket: { destroy(): void } } }).connectionManager.socket;
}

/** Holds the client's next reconnection until the returned function is called. */
function holdReconnect(client: NzkClient): () => void {
  const manager = (client as unknown as { connectionManager: { findNextServer(cb: (server: unknown) => void): void } }).connectionManager;
  const findNextServer = manager.findNextServer.bind(manager);
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  manager.findNextServer = (cb) => {
    manager.findNextServer = findNextServer;
    void gate.then(() => findNextServer(cb));
  };
  return release;
}

/** Each client's state changes; they race with other connections' traffic, so only checked at sync points. */
const stateLog = new WeakMap<NzkClient, string[]>();

async function connected(connectString: string, rec: Recorder, name: string, sessionTimeoutMs = 30_000): Promise<NzkClient> {
  const client = nzk.createClient(connectString, { sessionTimeout: sessionTimeoutMs, spinDelay: 100, retries: 0 });
  const states: string[] = [];
  client.on('state', (state) => states.push(state.name));
  stateLog.set(client, states);
  const up = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name}: no session from ${connectString} within ${CONNECT_TIMEOUT_MS} ms`)), CONNECT_TIMEOUT_MS);
    client.once('connected', () => {
      clearTimeout(timer);
      resolve();
    });
  });
  client.connect();
  await up;
  rec.note(`${name} session ${rec.session(client.getSessionId().readBigInt64BE(0))} timeout ${client.getSessionTimeout()} states ${stateLog.get(client)!.join(',')}`);
  return client;
}

/** The scripted use of the client: every call awaits its answer, so the recording follows the wire order. */
async function session(connectString: string, port: number): Promise<string[]> {
  const rec = new Recorder();
  const clients: NzkClient[] = [];
  let raw: HiddenClient | null = null;
  const open = async (name: string, timeoutMs?: number) => {
    const c = await connected(connectString, rec, name, timeoutMs);
    clients.push(c);
    return c;
  };
  try {
    const a = await open('a');
    const r = rec;
    const b = (text: string) => Buffer.from(text);

    // create: every mode, data or none, errors; the mode numbers the client has no name for
    await r.call('create /n1', (cb) => a.create('/n1', cb));
    await r.call('getData /n1', (cb) => a.getData('/n1', cb));
    await r.call('create /n1 again', (cb) => a.create('/n1', b('x'), cb));
    await r.call('create /n2 ephemeral', (cb) => a.create('/n2', b('hello'), CreateMode.EPHEMERAL, cb));
    await r.call('create /s- seq', (cb) => a.create('/s-', b('s'), CreateMode.PERSISTENT_SEQUENTIAL, cb));
    await r.call('create /s- seq', (cb) => a.create('/s-', CreateMode.PERSISTENT_SEQUENTIAL, cb));
    await r.call('create /es- eph seq', (cb) => a.create('/es-', b(''), CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    await r.call('create /n2/child', (cb) => a.create('/n2/child', cb));
    await r.call('create /none/child', (cb) => a.create('/none/child', cb));
    await r.call('create /c1 mode 4 (container) by create', (cb) => a.create('/c1', 4, cb));
    await r.call('exists /c1', (cb) => a.exists('/c1', cb));
    await r.call('create /t1 mode 5 (ttl) by create', (cb) => a.create('/t1', 5, cb));
    await r.call('create /t2 mode 6 (ttl seq) by create', (cb) => a.create('/t2', 6, cb));
    await r.call('create /m7 mode 7', (cb) => a.create('/m7', 7, cb));
    await r.call('create /bin binary', (cb) => a.create('/bin', Buffer.from([0, 1, 2, 0xff, 0xfe]), cb));
    await r.call('getData /bin', (cb) => a.getData('/bin', cb));
    await r.call('create /big 100 KiB', (cb) => a.create('/big', Buffer.alloc(100 * 1024, 0x61), cb));
    await r.call('exists /big', (cb) => a.exists('/big', cb));
    await r.call('create /zookeeper/q', (cb) => a.create('/zookeeper/q', cb));

    // ACLs on create, invalid ACLs
    await r.call('create /acl-multi', (cb) =>
      a.create('/acl-multi', b('m'), [world(Permission.READ), digestAcl(USER1_DIGEST, Permission.ALL), ipAcl('127.0.0.1', Permission.WRITE)], cb));
    await r.call('getACL /acl-multi', (cb) => a.getACL('/acl-multi', cb));
    await r.call('create /acl-bad scheme', (cb) => a.create('/acl-bad', [new ACL(Permission.ALL, new Id('bogus', 'x'))], cb));
    await r.call('create /acl-bad digest', (cb) => a.create('/acl-bad', [digestAcl('nouser', Permission.ALL)], cb));
    await r.call('create /acl-bad ip', (cb) => a.create('/acl-bad', [ipAcl('not-an-ip', Permission.ALL)], cb));
    await r.call('create /acl-auth without auth', (cb) => a.create('/acl-auth', [new ACL(Permission.ALL, new Id('auth', ''))], cb));

    // getData / setData with a data watch
    await r.call('create /d', (cb) => a.create('/d', b('v0'), cb));
    await r.call('getData /d watch', (cb) => a.getData('/d', r.watcher('data /d'), cb));
    await r.call('setData /d v0 ok', (cb) => a.setData('/d', b('v1'), 0, cb));
    await r.call('setData /d bad version', (cb) => a.setData('/d', b('v2'), 5, cb));
    await r.call('setData /d empty', (cb) => a.setData('/d', Buffer.alloc(0), -1, cb));
    await r.call('getData /d', (cb) => a.getData('/d', cb));
    await r.call('setData /nope', (cb) => a.setData('/nope', b('x'), -1, cb));
    await r.call('getData /gw missing watch', (cb) => a.getData('/gw', r.watcher('data /gw'), cb));
    await r.call('create /gw', (cb) => a.create('/gw', cb));

    // exists watches: created, changed, deleted
    await r.call('exists /e missing watch', (cb) => a.exists('/e', r.watcher('exists /e'), cb));
    await r.call('create /e', (cb) => a.create('/e', b('e'), cb));
    await r.call('exists /e watch', (cb) => a.exists('/e', r.watcher('exists /e again'), cb));
    await r.call('setData /e', (cb) => a.setData('/e', b('e2'), -1, cb));
    await r.call('exists /e watch', (cb) => a.exists('/e', r.watcher('exists /e third'), cb));
    await r.call('remove /e', (cb) => a.remove('/e', -1, cb));

    // getChildren: Java's HashSet order, child watches
    await r.call('create /h', (cb) => a.create('/h', cb));
    for (const name of ['alpha', 'beta', 'gamma', 'delta', 'x1', 'x10', 'x2', 'node-0000000001', 'Zed', 'a.b', 'λ']) {
      await r.call(`create /h/${name}`, (cb) => a.create(`/h/${name}`, cb));
    }
    await r.call('getChildren /h watch', (cb) => a.getChildren('/h', r.watcher('children /h'), cb));
    await r.call('getData /h watch', (cb) => a.getData('/h', r.watcher('data /h'), cb));
    await r.call('create /h/new', (cb) => a.create('/h/new', cb));
    await r.call('getChildren /h watch', (cb) => a.getChildren('/h', r.watcher('children /h 2'), cb));
    await r.call('remove /h/new', (cb) => a.remove('/h/new', -1, cb));
    // Java's HashMap order through resizes and removals: 150 children in one multi, every third removed, 20 more
    await r.call('create /many', (cb) => a.create('/many', cb));
    const many = (names: string[]) => names.reduce((tx, name) => tx.create(`/many/${name}`), a.transaction());
    const names = Array.from({ length: 150 }, (_, i) => (i % 5 === 0 ? `node-${i}` : i % 5 === 1 ? `${i * 7919}` : i % 5 === 2 ? `k${i}x${i % 13}` : i % 5 === 3 ? `lock-${String(i).padStart(10, '0')}` : `Z${i}`));
    await r.call('transaction 150 children', (cb) => many(names).commit((err, results) => cb(err, results?.length)));
    await r.call('transaction remove every third', (cb) =>
      names.filter((_, i) => i % 3 === 0).reduce((tx, name) => tx.remove(`/many/${name}`), a.transaction()).commit((err, results) => cb(err, results?.length)));
    await r.call('transaction 20 more', (cb) => many(Array.from({ length: 20 }, (_, i) => `late-${i}`)).commit((err, results) => cb(err, results?.length)));
    await r.call('getChildren /many', (cb) => a.getChildren('/many', cb));
    await r.call('getChildren /nope', (cb) => a.getChildren('/nope', r.watcher('children /nope'), cb));
    await r.call('getChildren /', (cb) => a.getChildren('/', cb));
    await r.call('listSubTreeBFS /h', (cb) => a.listSubTreeBFS('/h', cb));

    // remove: versions, NotEmpty, NoNode; a watch on a deleted node's children
    await r.call('create /rm', (cb) => a.create('/rm', cb));
    await r.call('create /rm/k', (cb) => a.create('/rm/k', cb));
    await r.call('getChildren /rm/k watch', (cb) => a.getChildren('/rm/k', r.watcher('children /rm/k'), cb));
    await r.call('remove /rm', (cb) => a.remove('/rm', -1, cb));
    await r.call('remove /rm/k bad version', (cb) => a.remove('/rm/k', 3, cb));
    await r.call('remove /rm/k v0', (cb) => a.remove('/rm/k', 0, cb));
    await r.call('remove /rm/k again', (cb) => a.remove('/rm/k', -1, cb));
    await r.call('remove /zookeeper', (cb) => a.remove('/zookeeper', -1, cb));

    // getACL / setACL and NoAuth after restricting
    await r.call('create /r', (cb) => a.create('/r', b('r'), cb));
    await r.call('setACL /r bad version', (cb) => a.setACL('/r', [world(Permission.READ)], 4, cb));
    await r.call('setACL /r read-only', (cb) => a.setACL('/r', [world(Permission.READ)], 0, cb));
    await r.call('getACL /r', (cb) => a.getACL('/r', cb));
    await r.call('setData /r', (cb) => a.setData('/r', b('x'), -1, cb));
    await r.call('create /r/kid', (cb) => a.create('/r/kid', cb));
    await r.call('setACL /r again', (cb) => a.setACL('/r', [world(Permission.ALL)], -1, cb));
    await r.call('create /wo', (cb) => a.create('/wo', b('w'), [world(Permission.WRITE)], cb));
    await r.call('getACL /wo', (cb) => a.getACL('/wo', cb));
    await r.call('getData /wo', (cb) => a.getData('/wo', cb));
    await r.call('exists /wo', (cb) => a.exists('/wo', cb));
    await r.call('getChildren /wo', (cb) => a.getChildren('/wo', cb));
    await r.call('setData /wo', (cb) => a.setData('/wo', b('w2'), -1, cb));
    await r.call('setACL /nope', (cb) => a.setACL('/nope', [world(Permission.ALL)], -1, cb));
    await r.call('getACL /nope', (cb) => a.getACL('/nope', cb));
    await r.call('getACL /', (cb) => a.getACL('/', cb));
    await r.call('getACL /zookeeper/config', (cb) => a.getACL('/zookeeper/config', cb));

    // addAuthInfo: digest ids open digest ACLs and expand `auth` ACLs
    await r.call('create /dig user2', (cb) => a.create('/dig', b('secret'), [digestAcl(USER2_DIGEST, Permission.ALL)], cb));
    await r.call('getData /dig', (cb) => a.getData('/dig', cb));
    a.addAuthInfo('digest', b('user1:pw1'));
    a.addAuthInfo('digest', b('user2:pw2'));
    await r.call('getData /dig after auth', (cb) => a.getData('/dig', cb));
    await r.call('create /acl-auth', (cb) => a.create('/acl-auth', [new ACL(Permission.ALL, new Id('auth', ''))], cb));
    await r.call('getACL /acl-auth', (cb) => a.getACL('/acl-auth', cb));
    await r.call('setACL /acl-multi', (cb) => a.setACL('/acl-multi', [new ACL(Permission.READ | Permission.ADMIN, new Id('auth', 'ignored'))], -1, cb));
    await r.call('getACL /acl-multi', (cb) => a.getACL('/acl-multi', cb));

    // transaction(): success, a failing check in the middle, a failing create
    await r.call('transaction ok', (cb) =>
      a.transaction().create('/tx', b('t0')).create('/tx/a', CreateMode.EPHEMERAL).setData('/tx', b('t1'), 0).check('/tx', 1).create('/tx/s-', CreateMode.PERSISTENT_SEQUENTIAL).remove('/tx/a').commit(cb));
    await r.call('getData /tx', (cb) => a.getData('/tx', cb));
    await r.call('getChildren /tx', (cb) => a.getChildren('/tx', cb));
    await r.call('transaction bad check', (cb) =>
      a.transaction().setData('/tx', b('t2')).check('/tx', 7).create('/tx/never').commit(cb));
    await r.call('transaction bad create', (cb) =>
      a.transaction().create('/tx2').create('/none/x').setData('/tx2', b('y')).commit(cb));
    await r.call('transaction NotEmpty', (cb) => a.transaction().remove('/tx').commit(cb));
    await r.call('transaction NoAuth', (cb) => a.transaction().setData('/wo', b('x')).setData('/r', b('y')).check('/r', 0).commit(cb));
    await r.call('transaction TTL flags on a create op', (cb) => a.transaction().create('/tx3').create('/tx4', 5).commit(cb));
    await r.call('exists /tx2', (cb) => a.exists('/tx2', cb));
    await r.call('exists /tx3', (cb) => a.exists('/tx3', cb));
    await r.call('getData /tx', (cb) => a.getData('/tx', cb));

    // mkdirp, removeRecursive
    await r.call('mkdirp /m/a/b/c', (cb) => a.mkdirp('/m/a/b/c', b('leaf'), cb));
    await r.call('mkdirp /m/a/b/c again', (cb) => a.mkdirp('/m/a/b/c', cb));
    await r.call('mkdirp /m/x', (cb) => a.mkdirp('/m/x', cb));
    await r.call('listSubTreeBFS /m', (cb) => a.listSubTreeBFS('/m', cb));
    await r.call('getChildren /m watch', (cb) => a.getChildren('/m', r.watcher('children /m'), cb));
    await r.call('exists /m/a/b/c watch', (cb) => a.exists('/m/a/b/c', r.watcher('exists /m/a/b/c'), cb));
    await r.call('removeRecursive /m', (cb) => a.removeRecursive('/m', cb));
    await r.call('exists /m', (cb) => a.exists('/m', cb));
    await r.call('removeRecursive /nope', (cb) => a.removeRecursive('/nope', cb));

    // A second session: its ephemerals vanish when it closes, and the first session's watches fire
    const second = await open('b');
    await r.call('b create /b-eph', (cb) => second.create('/b-eph', b('b'), CreateMode.EPHEMERAL, cb));
    await r.call('b create /b-es-', (cb) => second.create('/b-es-', CreateMode.EPHEMERAL_SEQUENTIAL, cb));
    await r.call('a exists /b-eph watch', (cb) => a.exists('/b-eph', r.watcher('exists /b-eph'), cb));
    await r.call('a getChildren / watch', (cb) => a.getChildren('/', r.watcher('children /'), cb));
    await r.call('a setData /b-eph', (cb) => a.setData('/b-eph', b('by a'), -1, cb));
    await r.call('a exists /b-eph watch', (cb) => a.exists('/b-eph', r.watcher('exists /b-eph 2'), cb));
    await r.call('b getData /d watch', (cb) => second.getData('/d', r.otherSessionWatcher('b data /d'), cb));
    await r.call('a setData /d', (cb) => a.setData('/d', b('from a'), -1, cb));
    await r.settle(1, 'b data /d event');
    const events = r.count('event[');
    second.close();
    await r.waitFor('the two events of b closing', () => r.count('event[') >= events + 2);
    await r.call('a exists /b-eph', (cb) => a.exists('/b-eph', cb));

    // Reconnecting with the same session: the client sends SetWatches with the last zxid it saw, and the server
    // fires the watches whose nodes changed meanwhile. The client's reconnect is held (a hook on its connection
    // manager) until another session has made the changes.
    const re = await open('re');
    for (const path of ['/sw1', '/sw3', '/sw4', '/sw5']) await r.call(`create ${path}`, (cb) => re.create(path, b('s'), cb));
    await r.call('re create /sw-eph', (cb) => re.create('/sw-eph', CreateMode.EPHEMERAL, cb));
    await r.call('re getData /sw1 watch', (cb) => re.getData('/sw1', r.watcher('re data /sw1'), cb));
    await r.call('re exists /sw2 watch', (cb) => re.exists('/sw2', r.watcher('re exists /sw2'), cb));
    await r.call('re getChildren /sw3 watch', (cb) => re.getChildren('/sw3', r.watcher('re children /sw3'), cb));
    await r.call('re getData /sw4 watch', (cb) => re.getData('/sw4', r.watcher('re data /sw4'), cb));
    await r.call('re getData /sw5 watch', (cb) => re.getData('/sw5', r.otherSessionWatcher('re data /sw5'), cb));
    const release = holdReconnect(re);
    connectionSocket(re).destroy();
    await r.call('a setData /sw1', (cb) => a.setData('/sw1', b('changed'), -1, cb));
    await r.call('a create /sw2', (cb) => a.create('/sw2', cb));
    await r.call('a create /sw3/kid', (cb) => a.create('/sw3/kid', cb));
    await r.call('a remove /sw4', (cb) => a.remove('/sw4', -1, cb));
    const reconnected = new Promise<void>((resolve) => re.once('connected', resolve));
    release();
    await reconnected;
    await r.waitFor('the four watches fired by SetWatches', () => r.count('event[re ') >= 4);
    r.note(`re states ${stateLog.get(re)!.join(',')}, session ${rec.session(re.getSessionId().readBigInt64BE(0))}`);
    await r.call('a setData /sw5', (cb) => a.setData('/sw5', b('later'), -1, cb));
    await r.settle(1, 'the /sw5 watch, set again by SetWatches');
    await r.call('re exists /sw-eph', (cb) => re.exists('/sw-eph', cb));

    // Session expiry: a session whose client stays away longer than its timeout loses its ephemerals, and the
    // client is told its session expired when it comes back.
    const gone = await open('gone', 4_000);
    await r.call('gone create /gone-eph', (cb) => gone.create('/gone-eph', CreateMode.EPHEMERAL, cb));
    await r.call('a exists /gone-eph watch', (cb) => a.exists('/gone-eph', r.watcher('a exists /gone-eph'), cb));
    const releaseGone = holdReconnect(gone);
    connectionSocket(gone).destroy();
    await r.waitFor('the expiry of session gone', () => r.count('event[a exists /gone-eph]') > 0, EXPIRY_WAIT_MS);
    const expired = new Promise<void>((resolve) => gone.once('expired', resolve));
    releaseGone();
    await Promise.race([expired, sleep(EVENT_WAIT_MS)]);
    r.note(`gone states ${stateLog.get(gone)!.join(',')}`);
    await r.call('a exists /gone-eph', (cb) => a.exists('/gone-eph', cb));

    // A container that loses its last child and an expired TTL node are deleted by the server's reaper. This client
    // can make neither (mode 4 by create is a plain node; in transaction() Apache answers with a create2 result it
    // cannot parse), so a raw session creates them.
    raw = await HiddenClient.open(port, 30_000);
    const openAcl = [{ perms: Permission.ALL, id: { scheme: 'world', id: 'anyone' } }];
    const rawCreate = async (label: string, type: number, body: object) => {
      const reply = await raw!.call(type, { data: Buffer.from('x'), acl: openAcl, ...body });
      r.note(`${label} -> err ${reply.header.err} zxid 0x${reply.header.zxid.toString(16)}`);
    };
    await rawCreate('raw createContainer /cont', OpCode.createContainer, { path: '/cont', flags: 4 });
    await rawCreate('raw create /cont/kid', OpCode.create, { path: '/cont/kid', flags: 0 });
    await rawCreate('raw createContainer /cont-unused', OpCode.createContainer, { path: '/cont-unused', flags: 4 });
    await rawCreate('raw createTTL /ttl 500 ms', OpCode.createTTL, { path: '/ttl', flags: 5, ttl: 500n });
    // Inside a multi a create's type follows its flags, whatever the op header says.
    const rawMulti = async (label: string, ops: { type: number; request: object }[]) => {
      const reply = await raw!.call(OpCode.multi, ops.map((op) => ({ type: op.type, request: { data: Buffer.from('x'), acl: openAcl, ...op.request } })));
      const results = (reply.body as { type: number; err: number; response?: { path?: string } }[] | undefined) ?? [];
      r.note(`${label} -> err ${reply.header.err} [${results.map((x) => `op${x.type}:${x.err}:${x.response?.path ?? ''}`).join(', ')}]`);
    };
    await rawMulti('raw multi', [
      { type: OpCode.create, request: { path: '/mc', flags: 4 } },
      { type: OpCode.create2, request: { path: '/mc2', flags: 0 } },
      { type: OpCode.createContainer, request: { path: '/mc3', flags: 0 } },
      { type: OpCode.createTTL, request: { path: '/mc4', flags: 0, ttl: 1000n } },
      { type: OpCode.createTTL, request: { path: '/mc5', flags: 5, ttl: 60_000n } },
      { type: OpCode.create, request: { path: '/mc/kid', flags: 0 } },
    ]);
    await r.call('remove /mc/kid', (cb) => a.remove('/mc/kid', -1, cb));
    await r.call('exists /cont watch', (cb) => a.exists('/cont', r.watcher('exists /cont'), cb));
    await r.call('exists /ttl watch', (cb) => a.exists('/ttl', r.otherSessionWatcher('exists /ttl'), cb));
    await r.call('remove /cont/kid', (cb) => a.remove('/cont/kid', -1, cb));
    await r.waitFor('the container reaper', () => r.count('event[exists /cont]') > 0, REAP_WAIT_MS);
    await r.settle(1, 'the TTL reaper');
    await r.call('exists /cont', (cb) => a.exists('/cont', cb));
    await r.call('exists /ttl', (cb) => a.exists('/ttl', cb));
    await r.call('exists /cont-unused (never had a child: kept)', (cb) => a.exists('/cont-unused', cb));
    await r.call('exists /mc (a container made by a create op in a multi)', (cb) => a.exists('/mc', cb));
    await r.call('exists /mc3 (a plain node made by a createContainer op in a multi)', (cb) => a.exists('/mc3', cb));

    // Session timeouts are clamped to [2, 20] ticks
    const short = await open('short', 1_000);
    short.close();
    const long = await open('long', 100_000);
    long.close();

    // An unknown auth scheme fails the session
    const bad = await open('bad-auth');
    bad.addAuthInfo('bogus', b('x'));
    await r.waitFor('AUTH_FAILED', () => stateLog.get(bad)!.includes('AUTH_FAILED'));
    r.note(`bad-auth states ${stateLog.get(bad)!.slice(0, 2).join(',')}`);

    await r.call('getChildren / at the end', (cb) => a.getChildren('/', cb));
    return [...rec.lines];
  } finally {
    for (const c of clients) c.close();
    raw?.destroy();
  }
}

test('node-zookeeper-client: one scripted session records the same results and events on Apache ZooKeeper and on ours', { skip: apacheMissing ?? false, timeout: 90_000 }, async () => {
  const started = performance.now();
  const [apacheZk, ourZk] = await Promise.all([startApacheZooKeeper(), startOurZooKeeper()]);
  try {
    // One after the other: the container reaper and session closes are timing-sensitive on a 2-core machine.
    const apache = await session(apacheZk.connectString, apacheZk.port);
    const ours = await session(ourZk.connectString, ourZk.port);
    console.log(`node-zookeeper-client script: ${apache.length} recorded lines on Apache; ${((performance.now() - started) / 1000).toFixed(1)} s for both`);
    // ZK_COMPAT_DUMP=<file> keeps both transcripts, for reading a difference whole.
    if (process.env.ZK_COMPAT_DUMP) writeFileSync(process.env.ZK_COMPAT_DUMP, `${apache.join('\n')}\n=====\n${ours.join('\n')}\n`);
    assert.ok(!apache.some((l) => l.startsWith('timed out') || l.includes('-> no answer')), apache.join('\n'));
    assert.ok(apache.includes('create /n1 again -> NODE_EXISTS[-110]'), apache.join('\n'));
    assertSameLines(ours, apache, 'node-zookeeper-client transcript');
  } finally {
    await Promise.all([apacheZk.stop(), ourZk.stop()]);
  }
});
