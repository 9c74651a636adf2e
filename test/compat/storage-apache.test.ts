// Our log and snapshot files against Apache ZooKeeper 3.8 (Debian's zookeeper package): its tools read our
// files, we read the files its server writes (byte for byte the same when we re-encode them), and its server
// starts on a data dir we wrote.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { OpCode, OP_NAMES } from '../../src/zookeeper/jute/constants.js';
import { recover } from '../../src/zookeeper/storage/recovery.js';
import { loadSnapshotFile, serializeSnapshot, writeSnapshot, type LoadedSnapshot, type SnapshotNode } from '../../src/zookeeper/storage/snapshot.js';
import { TxnLog } from '../../src/zookeeper/storage/txn-log.js';
import { listLogFiles, scanLogBuffer } from '../../src/zookeeper/storage/txn-log-reader.js';
import { encodeTxn, type Txn } from '../../src/zookeeper/tree/txn.js';
import {
  SNAPSHOT_FORMATTER, TXN_LOG_TOOLKIT, apacheZooKeeperAvailable, runJavaClass, runZkCli, startApacheZooKeeper,
} from '../support/apache-zk.js';
import { OPEN, READ, rmDir, stat, tmpDir } from '../unit/storage/helpers.js';

const skipReason = apacheZooKeeperAvailable() ?? false;

const LOG_OPTIONS = { preAllocSizeBytes: 64 * 1024 * 1024, forceSync: true, fsyncWarningThresholdMs: 1000 };

/** stdout and stderr of an Apache tool; fails on a non-zero exit unless told otherwise. */
async function runTool(mainClass: string, args: string[], okExit = true): Promise<string> {
  const r = await runJavaClass(mainClass, args);
  const out = r.stdout + r.stderr;
  if (okExit && r.code !== 0) throw new Error(`${mainClass} ${args.join(' ')} exited ${r.code}:\n${out}`);
  return out;
}

async function zkCli(connectString: string, ...command: string[]): Promise<string> {
  const r = await runZkCli(connectString, command);
  if (r.code !== 0) throw new Error(`zkCli ${command.join(' ')} exited ${r.code}:\n${r.stdout}${r.stderr}`);
  return r.stdout + r.stderr;
}

const SESSION = 0x1000000c0ffee01n;
const T0 = 1_700_000_000_000n;
const hdr = (zxid: bigint, type: number, cxid = Number(zxid)) => ({ clientId: SESSION, cxid, zxid, time: T0 + zxid, type });

function ourTxns(): Txn[] {
  return [
    { hdr: hdr(1n, OpCode.createSession), body: { type: OpCode.createSession, record: { timeOut: 30000 } } },
    { hdr: hdr(2n, OpCode.create), body: { type: OpCode.create, record: { path: '/ours', data: Buffer.from('from-zkafka'), acl: OPEN, ephemeral: false, parentCVersion: 1 } } },
    { hdr: hdr(3n, OpCode.create), body: { type: OpCode.create, record: { path: '/ours/child', data: Buffer.from('c'), acl: OPEN, ephemeral: false, parentCVersion: 1 } } },
    { hdr: hdr(4n, OpCode.setData), body: { type: OpCode.setData, record: { path: '/ours', data: Buffer.from('updated'), version: 1 } } },
    { hdr: hdr(5n, OpCode.create), body: { type: OpCode.create, record: { path: '/gone', data: null, acl: OPEN, ephemeral: false, parentCVersion: 3 } } },
    { hdr: hdr(6n, OpCode.delete), body: { type: OpCode.delete, record: { path: '/gone' } } },
    {
      hdr: hdr(7n, OpCode.multi),
      body: {
        type: OpCode.multi,
        record: { txns: [{ type: OpCode.create, record: { path: '/ours/m', data: Buffer.from('mm'), acl: OPEN, ephemeral: false, parentCVersion: 2 } }] },
      },
    },
  ];
}

/** The fresh tree Apache starts with, plus /base created at zxid 1. */
function ourTree(): SnapshotNode[] {
  return [
    { path: '', data: Buffer.alloc(0), acl: null, stat: stat(0n, { czxid: 0n, mzxid: 0n, pzxid: 1n, cversion: 1, ctime: 0n, mtime: 0n }) },
    { path: '/base', data: Buffer.from('snapshot-data'), acl: OPEN, stat: stat(1n) },
    { path: '/zookeeper', data: Buffer.alloc(0), acl: null, stat: stat(0n, { ctime: 0n, mtime: 0n }) },
    { path: '/zookeeper/config', data: Buffer.alloc(0), acl: READ, stat: stat(0n, { aversion: -1, ctime: 0n, mtime: 0n }) },
    { path: '/zookeeper/quota', data: Buffer.alloc(0), acl: null, stat: stat(0n, { ctime: 0n, mtime: 0n }) },
  ];
}

test('Apache TxnLogToolkit and SnapshotFormatter read the log and snapshot we wrote', { skip: skipReason, timeout: 60_000 }, async () => {
  const dir = tmpDir('zk-compat-');
  try {
    const logDir = path.join(dir, 'version-2');
    const log = await TxnLog.open(logDir, LOG_OPTIONS);
    for (const t of ourTxns()) log.append(t);
    await log.flush();
    await log.close();
    const snap = await writeSnapshot(logDir, { zxid: 0n, sessions: [[SESSION, 30000]], nodes: ourTree() });

    const dump = await runTool(TXN_LOG_TOOLKIT, [path.join(logDir, 'log.1')]);
    console.log(dump.split('\n').filter((l) => !l.startsWith('SLF4J')).join('\n'));
    assert.match(dump, /ZooKeeper Transactional Log File with dbid 0 txnlog format version 2/);
    assert.match(dump, /session 0x1000000c0ffee01 cxid 0x1 zxid 0x1 createSession 30000/);
    assert.match(dump, /zxid 0x2 create \/ours,from-zkafka,\[31,s\{'world,'anyone\}/);
    assert.match(dump, /zxid 0x4 setData \/ours,updated,1/);
    assert.match(dump, /zxid 0x6 delete '\/gone/);
    assert.match(dump, /zxid 0x7 multi /);
    assert.match(dump, /EOF reached after 7 txns\./);

    const formatted = await runTool(SNAPSHOT_FORMATTER, ['-d', snap]);
    console.log(formatted.split('\n').filter((l) => !l.startsWith('SLF4J')).slice(0, 16).join('\n'));
    assert.match(formatted, /ZNode Details \(count=6\)/);
    assert.match(formatted, /\n\/base\n {2}cZxid = 0x00000000000001\n/);
    assert.match(formatted, /data = c25hcHNob3QtZGF0YQ==/); // base64 of "snapshot-data"
    assert.match(formatted, /\/zookeeper\/config\n(.*\n){7} {2}aclVersion = -1/);
    assert.match(formatted, /Session Details \(sid, timeout, ephemeralCount\):\n0x1000000c0ffee01, 30000, 0/);
  } finally {
    rmDir(dir);
  }
});

test('we recover what Apache ZooKeeper wrote, and re-encode it to the same bytes', { skip: skipReason, timeout: 120_000 }, async () => {
  const dir = tmpDir('zk-compat-');
  try {
    const dataDir = path.join(dir, 'data');
    const server = await startApacheZooKeeper({ dataDir });
    try {
      assert.match(await zkCli(server.connectString, 'create', '/a', 'x'), /Created \/a/);
      await zkCli(server.connectString, 'set', '/a', 'y');
      await zkCli(server.connectString, 'create', '/b', '');
      await zkCli(server.connectString, 'delete', '/b');
    } finally {
      await server.stop();
    }

    const v2 = path.join(dataDir, 'version-2');
    const snapshots: LoadedSnapshot[] = [];
    const txns: Txn[] = [];
    const result = recover(v2, v2, { onSnapshot: (s) => snapshots.push(s), onTxn: (t) => txns.push(t) });
    assert.equal(snapshots.length, 1);
    assert.equal(path.basename(snapshots[0].file), 'snapshot.0');
    assert.deepEqual(snapshots[0].nodes.map((n) => n.path), ['', '/zookeeper', '/zookeeper/config', '/zookeeper/quota']);
    assert.deepEqual(snapshots[0].nodes[2].acl, READ, '/zookeeper/config is read-only for world');
    assert.equal(snapshots[0].nodes[2].stat.aversion, -1);
    assert.equal(snapshots[0].nodes[0].acl, null, 'the root carries the -1 ACL key');

    const summary = txns.map((t) => `${OP_NAMES[t.hdr.type]} ${'path' in (t.body.record ?? {}) ? (t.body.record as { path: string }).path : ''}`.trim());
    console.log(`Apache wrote: ${summary.join(', ')}`);
    assert.deepEqual(summary.filter((s) => !s.startsWith('createSession') && !s.startsWith('closeSession')), ['create /a', 'setData /a', 'create /b', 'delete /b']);
    assert.equal(summary.filter((s) => s === 'createSession').length, 4, 'one session per zkCli run');
    assert.equal(result.lastZxid, txns.at(-1)!.hdr.zxid);
    assert.equal(result.truncatedBytes, 0);
    assert.ok(txns.every((t) => t.digest !== undefined), 'Apache 3.8 logs a TxnDigest after each txn');

    // Each txn re-encodes to Apache's bytes, and our writer lays them out exactly as Apache's file does.
    const apacheLog = listLogFiles(v2)[0];
    const apacheBytes = fs.readFileSync(apacheLog.file);
    const entries: Buffer[] = [];
    const scan = scanLogBuffer(apacheBytes, apacheLog.file, (e) => entries.push(e.bytes));
    assert.deepEqual(txns.map((t) => encodeTxn(t).toString('hex')), entries.map((b) => b.toString('hex')));
    const ourDir = path.join(dir, 'ours');
    const log = await TxnLog.open(ourDir, LOG_OPTIONS);
    for (const t of txns) log.append(t);
    await log.close();
    const ourBytes = fs.readFileSync(path.join(ourDir, apacheLog.name));
    assert.ok(ourBytes.subarray(0, scan.goodEnd).equals(apacheBytes.subarray(0, scan.goodEnd)), 'same header and entries');
    assert.ok(ourBytes.subarray(scan.goodEnd).every((b) => b === 0), 'then zeros');
    assert.equal(apacheBytes.length, 16 + 64 * 1024 * 1024);

    // The snapshot re-serializes to Apache's bytes up to its first seal (we do not write the digest section).
    const apacheSnap = fs.readFileSync(snapshots[0].file);
    const ourSnap = Buffer.concat(serializeSnapshot({ zxid: 0n, sessions: snapshots[0].sessions, nodes: snapshots[0].nodes }));
    assert.ok(apacheSnap.subarray(0, ourSnap.length).equals(ourSnap), 'same snapshot bytes');
  } finally {
    rmDir(dir);
  }
});

test('Apache ZooKeeper starts on a data dir we wrote and serves our nodes', { skip: skipReason, timeout: 120_000 }, async () => {
  const dir = tmpDir('zk-compat-');
  try {
    const dataDir = path.join(dir, 'data');
    const v2 = path.join(dataDir, 'version-2');
    await writeSnapshot(v2, { zxid: 1n, sessions: [], nodes: ourTree() });
    const log = await TxnLog.open(v2, LOG_OPTIONS);
    // zxid 1 (/base) is in the snapshot already: a fuzzy snapshot, and Apache must skip it like we do.
    log.append({ hdr: hdr(1n, OpCode.create), body: { type: OpCode.create, record: { path: '/base', data: Buffer.from('snapshot-data'), acl: OPEN, ephemeral: false, parentCVersion: 1 } } });
    for (const t of ourTxns().slice(1)) log.append(t);
    await log.close();

    const server = await startApacheZooKeeper({ dataDir });
    try {
      assert.match(await zkCli(server.connectString, 'get', '/ours'), /^updated$/m);
      assert.match(await zkCli(server.connectString, 'ls', '/ours'), /\[child, m\]/);
      assert.match(await zkCli(server.connectString, 'get', '/base'), /^snapshot-data$/m);
      assert.match(await zkCli(server.connectString, 'ls', '/'), /\[base, ours, zookeeper\]/);
    } finally {
      await server.stop();
    }
    // Apache snapshots the restored tree at start-up; we read its snapshot back.
    const newest = loadSnapshotFile(path.join(v2, 'snapshot.7'));
    const byPath = new Map(newest.nodes.map((n) => [n.path, n]));
    assert.equal(byPath.get('/ours')?.data?.toString(), 'updated');
    assert.equal(byPath.get('/ours/m')?.data?.toString(), 'mm');
    assert.equal(byPath.has('/gone'), false);
  } finally {
    rmDir(dir);
  }
});

test('after recovery cuts a torn tail, Apache TxnLogToolkit reads the log without a CRC error', { skip: skipReason, timeout: 60_000 }, async () => {
  const dir = tmpDir('zk-compat-');
  try {
    const v2 = path.join(dir, 'version-2');
    await writeSnapshot(v2, { zxid: 0n, sessions: [], nodes: ourTree() });
    const log = await TxnLog.open(v2, LOG_OPTIONS);
    for (const t of ourTxns()) log.append(t);
    await log.close();
    const file = path.join(v2, 'log.1');
    const offsets: number[] = [];
    scanLogBuffer(fs.readFileSync(file), file, (e) => offsets.push(e.offset));
    // The last write half-reached the disk: its bytes are damaged and zeros follow.
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from('garbage'), 0, 7, offsets[6] + 30);
    fs.closeSync(fd);
    const before = await runTool(TXN_LOG_TOOLKIT, [file], false);
    assert.match(before, /CRC ERROR/);

    const replayed: Txn[] = [];
    const result = recover(v2, v2, { onSnapshot: () => {}, onTxn: (t) => replayed.push(t) });
    assert.equal(replayed.length, 6);
    assert.equal(result.lastZxid, 6n);
    const after = await runTool(TXN_LOG_TOOLKIT, [file]);
    assert.doesNotMatch(after, /CRC ERROR/);
    assert.match(after, /EOF reached after 6 txns\./);
  } finally {
    rmDir(dir);
  }
});
