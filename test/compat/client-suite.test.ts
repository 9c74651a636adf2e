// The ZooKeeper client's operations, watches, ACLs, multi and chroot, run against Apache ZooKeeper 3.8 and against
// our server; both runs must record the same results.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { OpCode, Perms } from '../../src/zookeeper/jute/constants.js';
import {
  AuthFailedError,
  BadArgumentsError,
  BadVersionError,
  CREATOR_ALL_ACL,
  IllegalArgumentError,
  InvalidACLError,
  NoAuthError,
  NoChildrenForEphemeralsError,
  NodeExistsError,
  NoNodeError,
  NotEmptyError,
  NoWatcherError,
  Op,
  OPEN_ACL_UNSAFE,
  WatchedEvent,
  type ZooKeeperClient,
  type ZooKeeperError,
} from '../../src/zookeeper/client/index.js';
import { describeAgainstBoth, rejection, type ClientSuite } from '../support/client-servers.js';

const TEST_TIMEOUT_MS = 20_000;

function collector(): { events: string[]; listener: (e: WatchedEvent) => void } {
  const events: string[] = [];
  return { events, listener: (e) => events.push(`${e.type} ${e.path}`) };
}

/** Opcodes clients sent through the proxy since `mark`, pings left out. */
function opcodesSince(s: ClientSuite, mark: number): number[] {
  return s.target.proxy.requests.slice(mark).filter((r) => r.opcode !== OpCode.ping).map((r) => r.opcode);
}

/** After another client's write has returned, one round trip on `watcher` guarantees it has the event. */
async function settle(watcher: ZooKeeperClient): Promise<void> {
  await watcher.exists('/');
}

describeAgainstBoth('ZooKeeper client', (s) => {
  test('create, read, update, delete: results, opcodes and typed errors', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    const mark = s.target.proxy.requests.length;
    assert.equal(await c.create('/crud', 'v1'), '/crud');
    const created = await c.create2('/crud/child', Buffer.from('c'));
    s.record('crud.create2', created);
    assert.equal(created.path, '/crud/child');
    s.record('crud.getData', await c.getData('/crud'));
    s.record('crud.setData', await c.setData('/crud', 'v2', 0));
    const badVersion = await rejection(c.setData('/crud', 'v3', 0));
    assert.ok(badVersion instanceof BadVersionError);
    assert.equal(badVersion.message, 'KeeperErrorCode = BadVersion for /crud');
    s.record('crud.badVersion', badVersion);
    s.record('crud.exists', await c.exists('/crud'));
    assert.equal(await c.exists('/crud/none'), null);
    s.record('crud.getChildren', await c.getChildren('/crud'));
    s.record('crud.getChildrenWithStat', await c.getChildrenWithStat('/crud'));
    s.record('crud.getAllChildrenNumber', await c.getAllChildrenNumber('/crud'));
    await c.sync('/crud');
    const notEmpty = await rejection(c.delete('/crud'));
    assert.ok(notEmpty instanceof NotEmptyError);
    assert.equal(notEmpty.message, 'KeeperErrorCode = Directory not empty for /crud');
    const noNode = await rejection(c.getData('/crud/none'));
    assert.ok(noNode instanceof NoNodeError);
    assert.deepEqual([noNode.code, noNode.codeName, noNode.path, noNode.retriable], [-101, 'NONODE', '/crud/none', false]);
    assert.equal(noNode.message, 'KeeperErrorCode = NoNode for /crud/none');
    const noParent = await rejection(c.create('/crud/none/x'));
    assert.ok(noParent instanceof NoNodeError);
    const exists = await rejection(c.create('/crud'));
    assert.ok(exists instanceof NodeExistsError);
    assert.equal(exists.message, 'KeeperErrorCode = NodeExists for /crud');
    assert.ok((await rejection(c.delete('/crud/child', 5))) instanceof BadVersionError);
    await c.delete('/crud/child', 0);
    s.record('crud.errors', [notEmpty, noNode, noParent, exists]);
    // null and empty data stay distinct.
    await c.create('/crud/null');
    await c.create('/crud/empty', '');
    assert.equal((await c.getData('/crud/null')).data, null);
    assert.deepEqual((await c.getData('/crud/empty')).data, Buffer.alloc(0));
    assert.deepEqual(opcodesSince(s, mark), [1, 15, 4, 5, 5, 3, 3, 8, 12, 104, 9, 2, 4, 1, 1, 2, 2, 1, 1, 4, 4]);
    // Caller errors are thrown before anything is sent.
    assert.throws(() => c.create('nope'), IllegalArgumentError);
    assert.throws(() => c.getData('/a/'), { message: 'Path must not end with / character' });
    assert.throws(() => c.create('/x', null, []), InvalidACLError);
    assert.throws(() => c.create('/x', null, OPEN_ACL_UNSAFE, 'PERSISTENT_WITH_TTL'), /ttl must be positive/);
  });

  test('create modes: ephemeral, sequential, container (19), TTL (21)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    await c.create('/modes');
    const mark = s.target.proxy.requests.length;
    const eph = await c.create2('/modes/eph', 'e', OPEN_ACL_UNSAFE, 'EPHEMERAL');
    assert.equal(eph.stat.ephemeralOwner, c.sessionId);
    const seq = [
      await c.create('/modes/n-', null, OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL'),
      await c.create('/modes/n-', null, OPEN_ACL_UNSAFE, 'EPHEMERAL_SEQUENTIAL'),
      await c.create('/modes/', null, OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL'),
    ];
    assert.deepEqual(seq, ['/modes/n-0000000001', '/modes/n-0000000002', '/modes/0000000003']);
    const container = await c.create('/modes/container', null, OPEN_ACL_UNSAFE, 'CONTAINER');
    const ttl = await c.create2('/modes/ttl', 't', OPEN_ACL_UNSAFE, 'PERSISTENT_WITH_TTL', 60_000);
    const ttlSeq = await c.create('/modes/ttl-', 't', OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL_WITH_TTL', 60_000);
    assert.equal(ttl.stat.ephemeralOwner, 0n);
    assert.deepEqual(opcodesSince(s, mark), [15, 1, 1, 1, 19, 21, 21]);
    const underEphemeral = await rejection(c.create('/modes/eph/x'));
    assert.ok(underEphemeral instanceof NoChildrenForEphemeralsError);
    s.record('modes', { eph, seq, container, ttl, ttlSeq, underEphemeral, ephemerals: (await c.getEphemerals('/modes')).sort() });
  });

  test('ACLs and digest auth: NoAuth, whoAmI, auth ACL, AuthFailed closes the session', { timeout: TEST_TIMEOUT_MS }, async () => {
    const owner = await s.connect();
    const mark = s.target.proxy.requests.length;
    await owner.addAuthInfo('digest', 'user1:12345');
    assert.ok(s.target.proxy.requests.slice(mark).some((r) => r.xid === -4 && r.opcode === OpCode.auth));
    const who = await owner.whoAmI();
    assert.deepEqual(who.find((w) => w.authScheme === 'digest'), { authScheme: 'digest', user: 'user1' });
    s.record('acl.whoAmI', who);
    await owner.create('/secure', 'secret', CREATOR_ALL_ACL);
    const acl = await owner.getACL('/secure');
    assert.deepEqual(acl.acl, [{ perms: Perms.ALL, id: { scheme: 'digest', id: 'user1:+owfoSBn/am19roBPzR1/MfCblE=' } }]);
    s.record('acl.getACL', acl);
    const stranger = await s.connect();
    const noAuth = await rejection(stranger.getData('/secure'));
    assert.ok(noAuth instanceof NoAuthError);
    assert.equal(noAuth.message, 'KeeperErrorCode = NoAuth for /secure');
    const readable = [{ perms: Perms.READ, id: { scheme: 'world', id: 'anyone' } }, ...acl.acl];
    s.record('acl.setACL', await owner.setACL('/secure', readable, 0));
    s.record('acl.setACLBadVersion', await rejection(owner.setACL('/secure', readable, 0)));
    s.record('acl.readAfter', await stranger.getData('/secure'));
    s.record('acl.noAuthWrite', await rejection(stranger.setData('/secure', 'x')));
    s.record('acl.invalidAcl', await rejection(stranger.create('/bad-acl', null, [{ perms: 31, id: { scheme: 'nosuch', id: 'x' } }])));

    const failing = await s.connect();
    const states: string[] = [];
    failing.on('state', (e) => states.push(e.state));
    const authFailed = await rejection(failing.addAuthInfo('nosuchscheme', 'x'));
    assert.ok(authFailed instanceof AuthFailedError);
    assert.equal(failing.state, 'AUTH_FAILED');
    assert.deepEqual(states, ['AuthFailed', 'Closed']);
    assert.ok((await rejection(failing.getData('/'))) instanceof AuthFailedError);
    s.record('acl.authFailed', { authFailed, states });
  });

  test('one-shot watches: each fires once with the client path', { timeout: TEST_TIMEOUT_MS }, async () => {
    const watcher = await s.connect();
    const writer = await s.connect();
    await writer.create('/w', 'a');
    await writer.create('/w/k');
    const data = collector();
    const exist = collector();
    const child = collector();
    const both = collector();
    await watcher.getData('/w', data.listener);
    await watcher.getData('/w', data.listener); // the same listener twice: still one event
    assert.equal(await watcher.exists('/w/new', exist.listener), null);
    await watcher.getChildren('/w', child.listener);
    await watcher.getData('/w/k', both.listener);
    await watcher.getChildren('/w/k', both.listener);
    assert.ok((await rejection(watcher.getData('/w/missing', data.listener))) instanceof NoNodeError);
    await writer.setData('/w', 'b');
    await writer.setData('/w', 'c');
    await writer.create('/w/new');
    await writer.delete('/w/k');
    await writer.create('/w/missing');
    await settle(watcher);
    assert.deepEqual(data.events, ['NodeDataChanged /w']);
    assert.deepEqual(exist.events, ['NodeCreated /w/new']);
    assert.deepEqual(child.events, ['NodeChildrenChanged /w']);
    assert.deepEqual(both.events, ['NodeDeleted /w/k']);
    s.record('watches.oneShot', [data.events, exist.events, child.events, both.events]);
  });

  test('persistent and recursive watches; removeWatches with local removal events', { timeout: TEST_TIMEOUT_MS }, async () => {
    const watcher = await s.connect();
    const writer = await s.connect();
    await writer.create('/pw');
    await writer.create('/pr');
    const persistent = collector();
    const recursive = collector();
    const mark = s.target.proxy.requests.length;
    await watcher.addWatch('/pw', 'Persistent', persistent.listener);
    await watcher.addWatch('/pr', 'PersistentRecursive', recursive.listener);
    assert.deepEqual(opcodesSince(s, mark), [OpCode.addWatch, OpCode.addWatch]);
    await writer.setData('/pw', '1');
    await writer.setData('/pw', '2');
    await writer.create('/pw/c');
    await writer.create('/pr/a');
    await writer.create('/pr/a/b');
    await writer.setData('/pr/a/b', 'x');
    await writer.delete('/pr/a/b');
    await settle(watcher);
    assert.deepEqual(persistent.events, ['NodeDataChanged /pw', 'NodeDataChanged /pw', 'NodeChildrenChanged /pw']);
    assert.deepEqual(recursive.events, ['NodeCreated /pr/a', 'NodeCreated /pr/a/b', 'NodeDataChanged /pr/a/b', 'NodeDeleted /pr/a/b']);

    await watcher.removeWatches('/pw', persistent.listener, 'Any');
    assert.equal(persistent.events.at(-1), 'PersistentWatchRemoved /pw');
    const oneShot = collector();
    await watcher.getData('/pr/a', oneShot.listener);
    await watcher.removeAllWatches('/pr/a', 'Data');
    assert.deepEqual(oneShot.events, ['DataWatchRemoved /pr/a']);
    const childWatch = collector();
    await watcher.getChildren('/pw', childWatch.listener);
    await watcher.removeAllWatches('/pw', 'Children');
    assert.deepEqual(childWatch.events, ['ChildWatchRemoved /pw']);
    const noWatcher = await rejection(watcher.removeAllWatches('/none', 'Data'));
    assert.ok(noWatcher instanceof NoWatcherError);
    assert.equal(noWatcher.message, 'KeeperErrorCode = No such watcher for /none');
    await writer.setData('/pw', '3');
    await writer.setData('/pr/a', '3');
    await settle(watcher);
    assert.equal(persistent.events.length, 4);
    assert.equal(oneShot.events.length, 1);
    s.record('watches.persistent', { persistent: persistent.events, recursive: recursive.events, oneShot: oneShot.events, childWatch: childWatch.events, noWatcher });
  });

  test('transactions (multi) and multiRead', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    const mark = s.target.proxy.requests.length;
    const ok = await c.transaction().create('/tx', 'a').create('/tx/1').setData('/tx', 'b').check('/tx', 1).commit();
    assert.deepEqual(ok.map((r) => r.type), ['create', 'create', 'setData', 'check']);
    const failed = await rejection(c.transaction().create('/tx/2').delete('/tx/none').create('/tx/3').commit());
    assert.ok(failed instanceof NoNodeError);
    assert.equal(failed.message, 'KeeperErrorCode = NoNode');
    assert.deepEqual((failed as ZooKeeperError).results, [
      { type: 'error', err: 0 },
      { type: 'error', err: -101 },
      { type: 'error', err: -2 },
    ]);
    assert.equal(await c.exists('/tx/2'), null);
    const reads = await c.multiRead([Op.getData('/tx'), Op.getChildren('/tx/none'), Op.getChildren('/tx')]);
    assert.deepEqual(opcodesSince(s, mark), [OpCode.multi, OpCode.multi, OpCode.exists, OpCode.multiRead]);
    assert.deepEqual(await c.multi([]), []);
    assert.throws(() => c.multi([Op.getData('/tx'), Op.delete('/tx')]), IllegalArgumentError);
    const versionFail = await rejection(c.transaction().check('/tx', 7).setData('/tx', 'z').commit());
    assert.ok(versionFail instanceof BadVersionError);
    s.record('multi', { ok, failed, results: (failed as ZooKeeperError).results, reads, versionFail, versionResults: (versionFail as ZooKeeperError).results });
  });

  test('chroot: added to every path sent, removed from every path received', { timeout: TEST_TIMEOUT_MS }, async () => {
    const root = await s.connect();
    await root.mkdirp('/app/sub');
    const c = await s.connect({ chroot: '/app' });
    assert.equal(c.chroot, '/app');
    assert.equal(await c.create('/x', 'v'), '/x');
    assert.equal(await c.create('/s-', null, OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL'), '/s-0000000002');
    assert.equal((await c.create2('/e', null, OPEN_ACL_UNSAFE, 'EPHEMERAL')).path, '/e');
    assert.deepEqual(await c.getEphemerals(), ['/e']);
    assert.deepEqual(await root.getData('/app/x'), await c.getData('/x'));
    const events = collector();
    await c.getData('/x', events.listener);
    await c.exists('/', events.listener);
    await c.getChildren('/', events.listener);
    await root.setData('/app/x', 'w');
    await root.setData('/app', 'root');
    await root.create('/app/y');
    await settle(c);
    assert.deepEqual(events.events, ['NodeDataChanged /x', 'NodeDataChanged /', 'NodeChildrenChanged /']);
    const tx = await c.transaction().create('/t').create('/t/u-', null, OPEN_ACL_UNSAFE, 'PERSISTENT_SEQUENTIAL').commit();
    assert.deepEqual(tx, [{ type: 'create', path: '/t' }, { type: 'create', path: '/t/u-0000000000' }]);
    const children = (await c.getChildren('/')).sort();
    assert.deepEqual(children, ['e', 's-0000000002', 'sub', 't', 'x', 'y']);
    const deleteRoot = await rejection(c.delete('/'));
    assert.ok(deleteRoot instanceof BadArgumentsError);
    s.record('chroot', { events: events.events, tx, children, deleteRoot, missing: await rejection(c.getData('/nope')) });
  });

  test('mkdirp and removeRecursive (zkCli deleteall in multi batches)', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect();
    assert.equal(await c.mkdirp('/deep/a/b/c', 'leaf'), '/deep/a/b/c');
    assert.equal(await c.mkdirp('/deep/a/b/c', 'other'), '/deep/a/b/c');
    assert.equal((await c.getData('/deep/a/b/c')).data?.toString(), 'leaf');
    assert.equal((await c.getData('/deep/a')).data, null);
    await Promise.all(Array.from({ length: 6 }, (_, i) => c.mkdirp(`/deep/a/n${i}/m`)));
    await Promise.all(Array.from({ length: 30 }, (_, i) => c.create(`/deep/f${i}`)));
    assert.equal(await c.getAllChildrenNumber('/deep'), 3 + 12 + 30);
    const mark = s.target.proxy.requests.length;
    await c.removeRecursive('/deep', { batchSize: 7 });
    assert.equal(await c.exists('/deep'), null);
    assert.equal(opcodesSince(s, mark).filter((o) => o === OpCode.multi).length, Math.ceil(46 / 7));
    const missing = await rejection(c.removeRecursive('/deep'));
    assert.ok(missing instanceof NoNodeError);
    s.record('recursive', { missing });
  });

  test('getConfig and reconfig on a standalone server', { timeout: TEST_TIMEOUT_MS }, async () => {
    const c = await s.connect({ chroot: '/' });
    const config = await c.getConfig();
    s.record('config', { config, reconfig: await rejection(c.reconfig({ joining: 'server.2=127.0.0.1:2888:3888;2181' })) });
  });
});
