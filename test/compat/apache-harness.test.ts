// The Apache ZooKeeper harness itself: server start/stop, zkCli in both modes, and the on-disk toolkits.
import assert from 'node:assert/strict';
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import {
  apacheZooKeeperAvailable,
  cleanZkCliOutput,
  fourLetterWord,
  runJavaClass,
  runZkCli,
  runZkCliScript,
  SNAPSHOT_FORMATTER,
  startApacheZooKeeper,
  TXN_LOG_TOOLKIT,
} from '../support/apache-zk.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping Apache ZooKeeper harness tests: ${unavailable}`);
const skip = unavailable ?? false;

function filesIn(dir: string, prefix: string): string[] {
  return readdirSync(dir)
    .filter((name) => name.startsWith(prefix))
    .map((name) => join(dir, name));
}

test('cleanZkCliOutput drops the banner and connection events, keeps node events', () => {
  const raw = [
    'Connecting to 127.0.0.1:2181',
    'Welcome to ZooKeeper!',
    'JLine support is disabled',
    '',
    'WATCHER::',
    'hello',
    '',
    'WatchedEvent state:SyncConnected type:None path:null',
    '',
    '',
    'WATCHER::',
    '',
    'WatchedEvent state:SyncConnected type:NodeDataChanged path:/x',
    '',
  ].join('\n');
  assert.equal(cleanZkCliOutput(raw), 'hello\n\nWatchedEvent state:SyncConnected type:NodeDataChanged path:/x\n');
});

test('cleanZkCliOutput mends a line the connection event cut in two', () => {
  // `ls /` prints "[" and the rest separately; the event thread's println("\nWATCHER::") can land in between.
  const raw = '[\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\nx, zookeeper]\n';
  assert.equal(cleanZkCliOutput(raw), '[x, zookeeper]\n');
  assert.equal(cleanZkCliOutput('[x, zookeeper]\n\nWATCHER::\n\nWatchedEvent state:SyncConnected type:None path:null\n'), '[x, zookeeper]\n');
});

test('Apache ZooKeeper: ruok, zkCli create/get, stop, txn log and snapshot toolkits', { skip, timeout: 120_000 }, async () => {
  const zk = await startApacheZooKeeper();
  console.log(`Apache ZooKeeper on ${zk.connectString}: spawn to imok ${zk.startMs.toFixed(0)} ms, RSS ${(zk.rssBytes() / 2 ** 20).toFixed(1)} MiB`);
  try {
    assert.equal(await fourLetterWord(zk.host, zk.port, 'ruok'), 'imok');
    assert.match(await fourLetterWord(zk.host, zk.port, 'srvr'), /Mode: standalone/);
    assert.ok(zk.rssBytes() > 10 * 2 ** 20);

    const created = await runZkCli(zk.connectString, ['create', '/x', 'hello']);
    assert.equal(created.code, 0, created.stderr);
    assert.match(created.stderr, /^Created \/x$/m);
    assert.match(created.rawStdout, /^Connecting to 127\.0\.0\.1:\d+$/m);

    const got = await runZkCli(zk.connectString, ['get', '/x']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, 'hello\n');

    const missing = await runZkCli(zk.connectString, ['get', '/nope']);
    assert.equal(missing.code, 1);
    assert.match(missing.stderr, /^Node does not exist: \/nope$/m);

    const script = await runZkCliScript(zk.connectString, ['create /y "hello world"', 'get /y', 'ls /']);
    assert.equal(script.code, 0, script.stderr);
    assert.equal(script.stdout, 'hello world\n[x, y, zookeeper]\n');
    assert.match(script.stderr, /^Created \/y$/m);
    assert.match(script.rawStdout, /^Welcome to ZooKeeper!$/m);
  } finally {
    await zk.stop();
  }
  assert.notEqual((await zk.exited).signal, 'SIGKILL', 'SIGTERM should have been enough');
  await assert.rejects(fourLetterWord(zk.host, zk.port, 'ruok', 2_000));

  const [txnLog] = filesIn(join(zk.dataDir, 'version-2'), 'log.');
  assert.ok(txnLog, 'a transaction log file');
  const dump = await runJavaClass(TXN_LOG_TOOLKIT, [txnLog], { jvmProps: { 'user.timezone': 'UTC' } });
  assert.equal(dump.code, 0, dump.stderr);
  assert.match(dump.stdout, /^ZooKeeper Transactional Log File with dbid 0 txnlog format version 2$/m);
  assert.match(dump.stdout, / create \/x,hello,/);
  assert.match(dump.stdout, / create \/y,hello world,/);
  assert.match(dump.stdout, /^EOF reached after \d+ txns\.$/m);

  const [snapshot] = filesIn(join(zk.dataDir, 'version-2'), 'snapshot.');
  assert.ok(snapshot, 'a snapshot file');
  const formatted = await runJavaClass(SNAPSHOT_FORMATTER, [snapshot]);
  assert.equal(formatted.code, 0, formatted.stderr);
  assert.match(formatted.stdout, /^ZNode Details \(count=\d+\):$/m);
  assert.match(formatted.stdout, /^\/zookeeper$/m);
});

test('Apache ZooKeeper: kill -9 and restart on the same dataDir keeps the data', { skip, timeout: 120_000 }, async () => {
  const first = await startApacheZooKeeper();
  try {
    const created = await runZkCli(first.connectString, ['create', '/kept', 'v1']);
    assert.equal(created.code, 0, created.stderr);
  } finally {
    await first.kill9();
  }
  assert.equal((await first.exited).signal, 'SIGKILL');

  const second = await startApacheZooKeeper({ dataDir: first.dataDir });
  try {
    const got = await runZkCli(second.connectString, ['get', '/kept']);
    assert.equal(got.code, 0, got.stderr);
    assert.equal(got.stdout, 'v1\n');
  } finally {
    await second.stop();
  }
});
