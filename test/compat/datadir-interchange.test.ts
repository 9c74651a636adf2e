// One data dir, two servers: Apache ZooKeeper 3.8 starts on the files our server wrote (its log replayed, or
// its snapshot loaded) and serves the same tree, Stat for Stat and ACL for ACL, and the reverse; sessions and
// their ephemerals carry over too. Apache's own tools read the log and snapshot our running server wrote.
// (storage-apache.test.ts covers the file formats on txns written by the storage layer directly.)
import assert from 'node:assert/strict';
import { cpSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import type { ACL, Stat } from '../../src/zookeeper/jute/records.generated.js';
import { RawZkClient } from '../faults/raw-client.js';
import { startServerProcess, tempDir, writeConfig } from '../faults/server-process.js';
import { logEntries } from '../faults/txn-log-file.js';
import {
  apacheZooKeeperAvailable,
  runJavaClass,
  runZkCliScript,
  SNAPSHOT_FORMATTER,
  startApacheZooKeeper,
  TXN_LOG_TOOLKIT,
} from '../support/apache-zk.js';
import { DIGEST_USER, PRINTABLE_PATHS, ROOT, dumpDifferences, dumpTree, writeTree, type NodeDump } from './znode-tree.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping data dir interchange with Apache ZooKeeper: ${unavailable}`);
const skip = unavailable ?? false;

const OWNER_TIMEOUT_MS = 30_000;

function ourConfig(dir: string, dataDir: string): string {
  return writeConfig(dir, { dataDir, clientPort: 0, extendedTypesEnabled: true, preAllocSize: 1024 });
}

async function readerOn(port: number): Promise<RawZkClient> {
  const reader = await RawZkClient.connect(port);
  assert.equal((await reader.auth('digest', DIGEST_USER)).header.err, 0);
  return reader;
}

async function dumpOf(port: number): Promise<Map<string, NodeDump>> {
  const reader = await readerOn(port);
  try {
    return await dumpTree(reader);
  } finally {
    await reader.closeSession();
  }
}

function assertSameTree(expected: Map<string, NodeDump>, actual: Map<string, NodeDump>, what: string): void {
  const diffs = dumpDifferences(expected, actual);
  assert.deepEqual(diffs, [], `${what}: ${diffs.length} differences`);
  assert.ok(expected.size >= 25, `only ${expected.size} nodes compared`);
}

/** The session left open when its server stopped is still alive on the other server, its ephemerals with it. */
async function assertSessionCarriedOver(port: number, owner: { id: bigint; passwd: Buffer }, dump: Map<string, NodeDump>): Promise<void> {
  const again = await RawZkClient.connect(port, { sessionId: owner.id, passwd: owner.passwd, timeoutMs: OWNER_TIMEOUT_MS });
  try {
    const r = await again.request(OpCode.exists, { path: `${ROOT}/eph`, watch: false });
    assert.equal(r.header.err, 0);
    assert.equal((r.body as { stat: Stat }).stat.ephemeralOwner, owner.id);
    assert.equal(dump.get(`${ROOT}/eph`)?.stat.ephemeralOwner, owner.id);
  } finally {
    again.destroy();
  }
}

const PERM_LETTERS: Record<string, number> = { r: 1, w: 2, c: 4, d: 8, a: 16 };
const hex = (v: bigint) => `0x${BigInt.asUintN(64, v).toString(16)}`;

/** zkCli's `get -s` and `getAcl` output for each path, read back into data, stat fields and ACLs. */
function parseZkCli(stdout: string, paths: string[]): Map<string, { data: string; stat: Record<string, string>; acl: ACL[] }> {
  const lines = stdout.split('\n');
  let i = 0;
  const out = new Map<string, { data: string; stat: Record<string, string>; acl: ACL[] }>();
  for (const path of paths) {
    const statAt = lines.indexOf(lines.slice(i).find((l) => l.startsWith('cZxid = '))!, i);
    assert.ok(statAt > i, `no stat block for ${path} in zkCli output`);
    const data = lines.slice(i, statAt).join('\n');
    const stat: Record<string, string> = {};
    for (i = statAt; i < statAt + 11; i++) {
      const [key, value] = lines[i]!.split(' = ');
      stat[key!] = value!;
    }
    const acl: ACL[] = [];
    while (lines[i]?.startsWith("'")) {
      const [, scheme, id] = /^'([^,]*),'(.*)$/.exec(lines[i]!)!;
      const perms = [...lines[i + 1]!.replace(/^: /, '')].reduce((m, ch) => m | (PERM_LETTERS[ch] ?? 0), 0);
      acl.push({ perms, id: { scheme: scheme!, id: id! } });
      i += 2;
    }
    out.set(path, { data, stat, acl });
  }
  return out;
}

/** What Apache's own zkCli shows for the printable nodes matches our dump of the same tree. */
async function assertZkCliSees(connectString: string, dump: Map<string, NodeDump>): Promise<void> {
  const script = ['addauth digest ' + DIGEST_USER, ...PRINTABLE_PATHS.flatMap((p) => [`get -s ${p}`, `getAcl ${p}`])];
  const result = await runZkCliScript(connectString, script, { timeoutMs: 30_000 });
  assert.equal(result.code, 0, result.stderr);
  const seen = parseZkCli(result.stdout, PRINTABLE_PATHS);
  for (const path of PRINTABLE_PATHS) {
    const want = dump.get(path)!;
    const got = seen.get(path)!;
    const wantData = want.data === null ? 'null' : Buffer.from(want.data, 'hex').toString('utf8');
    assert.equal(got.data, wantData, `${path}: zkCli data`);
    const s = want.stat;
    assert.deepEqual(
      got.stat,
      {
        ...got.stat,
        cZxid: hex(s.czxid),
        mZxid: hex(s.mzxid),
        pZxid: hex(s.pzxid),
        cversion: String(s.cversion),
        dataVersion: String(s.version),
        aclVersion: String(s.aversion),
        ephemeralOwner: hex(s.ephemeralOwner),
        dataLength: String(s.dataLength),
        numChildren: String(s.numChildren),
      },
      `${path}: zkCli stat`,
    );
    assert.deepEqual(got.acl, want.acl, `${path}: zkCli getAcl`);
  }
}

/** Output lines cut to 200 characters (the tools print whole node data). */
function shortLines(text: string): string[] {
  return text.split('\n').map((l) => l.slice(0, 200));
}

function newest(dir: string, prefix: string): string {
  const files = readdirSync(dir).filter((f) => f.startsWith(prefix));
  files.sort((a, b) => Number(BigInt('0x' + a.slice(prefix.length)) - BigInt('0x' + b.slice(prefix.length))));
  return join(dir, files[files.length - 1]!);
}

test('Apache ZooKeeper 3.8 serves the tree our server wrote: from our txn log, from our snapshot, and its tools read both', { skip, timeout: 55_000 }, async (t) => {
  const dir = tempDir('zk-interchange-a-');
  const stops: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  });

  // Our server writes the tree; one session stays open.
  const logOnlyDir = join(dir.path, 'log-only');
  const ours = await startServerProcess(ourConfig(dir.path, logOnlyDir));
  stops.push(() => ours.kill9());
  const writer = await RawZkClient.connect(ours.port);
  const ownerClient = await RawZkClient.connect(ours.port, { timeoutMs: OWNER_TIMEOUT_MS });
  const owner = { id: ownerClient.sessionId, passwd: ownerClient.passwd };
  await writeTree(writer, ownerClient);
  await writer.closeSession();
  const expected = await dumpOf(ours.port);
  ownerClient.destroy();
  assert.equal((await ours.stop()).code, 0, ours.stderr());

  // A copy whose state is in a snapshot: our server snapshots the recovered tree when it starts.
  const snapshotDir = join(dir.path, 'with-snapshot');
  cpSync(logOnlyDir, snapshotDir, { recursive: true });
  const restarted = await startServerProcess(ourConfig(dir.path, snapshotDir));
  stops.push(() => restarted.kill9());
  assert.equal((await restarted.stop()).code, 0);

  // (c) Apache's TxnLogToolkit and SnapshotFormatter on the files our server wrote.
  const v2 = join(snapshotDir, 'version-2');
  const log = newest(v2, 'log.');
  const logged = logEntries(readFileSync(log)).length;
  const dump = await runJavaClass(TXN_LOG_TOOLKIT, [log], { jvmProps: { 'user.timezone': 'UTC' } });
  assert.equal(dump.code, 0, dump.stderr.slice(0, 2000));
  const dumped = shortLines(dump.stdout);
  assert.ok(!dumped.some((l) => l.includes('CRC ERROR')), 'TxnLogToolkit found a CRC error');
  assert.ok(dumped.includes(`EOF reached after ${logged} txns.`), `TxnLogToolkit did not read all ${logged} txns: ${dumped.at(-1)}`);
  for (const kind of [' createTtl /interchange/ttl,', ' createContainer /interchange/container,', ' multi create:', " setACL '/interchange/acl/changed,", ' createSession ']) {
    assert.ok(dumped.some((l) => l.includes(kind)), `TxnLogToolkit printed no "${kind.trim()}" line`);
  }
  const snapshot = newest(v2, 'snapshot.');
  const formatted = await runJavaClass(SNAPSHOT_FORMATTER, [snapshot]);
  assert.equal(formatted.code, 0, formatted.stderr.slice(0, 2000));
  const snapLines = shortLines(formatted.stdout);
  // Apache's DataTree holds the root twice (as "" and "/"), and SnapshotFormatter counts both.
  const details = snapLines.find((l) => l.startsWith('ZNode Details'));
  assert.equal(details, `ZNode Details (count=${expected.size + 1}):`, `SnapshotFormatter on ${expected.size} znodes`);
  assert.ok(snapLines.includes(`${hex(owner.id)}, ${OWNER_TIMEOUT_MS}, 2`), 'SnapshotFormatter does not list the open session with its 2 ephemerals');
  t.diagnostic(`TxnLogToolkit read ${logged} txns of ${log}; SnapshotFormatter read ${expected.size} znodes of ${snapshot}`);

  for (const [name, dataDir] of [['txn log replay', logOnlyDir], ['snapshot load', snapshotDir]] as const) {
    const apache = await startApacheZooKeeper({ dataDir });
    stops.push(() => apache.kill9());
    t.diagnostic(`Apache started on our data dir (${name}) in ${apache.startMs.toFixed(0)} ms`);
    assertSameTree(expected, await dumpOf(apache.port), `Apache after ${name}`);
    await assertSessionCarriedOver(apache.port, owner, expected);
    if (name === 'txn log replay') await assertZkCliSees(apache.connectString, expected);
    await apache.stop();
  }
});

test('our server serves the tree Apache ZooKeeper 3.8 wrote, sessions included', { skip, timeout: 55_000 }, async (t) => {
  const dir = tempDir('zk-interchange-b-');
  const stops: Array<() => Promise<unknown>> = [];
  t.after(async () => {
    for (const stop of stops.reverse()) await stop().catch(() => {});
    dir.remove();
  });
  const dataDir = join(dir.path, 'data');
  const apache = await startApacheZooKeeper({ dataDir });
  stops.push(() => apache.kill9());
  const writer = await RawZkClient.connect(apache.port);
  const ownerClient = await RawZkClient.connect(apache.port, { timeoutMs: OWNER_TIMEOUT_MS });
  const owner = { id: ownerClient.sessionId, passwd: ownerClient.passwd };
  await writeTree(writer, ownerClient);
  await writer.closeSession();
  const cli = await runZkCliScript(apache.connectString, [
    `create ${ROOT}/zkcli "made by zkCli"`,
    `create -s ${ROOT}/zkcli/s- one`,
    `create -c ${ROOT}/zkcli/container`,
    `create ${ROOT}/zkcli/container/c two`,
    `create -t 3600000 ${ROOT}/zkcli/ttl three`,
    `set ${ROOT}/zkcli "made by zkCli, set"`,
    `setAcl ${ROOT}/zkcli world:anyone:cdrwa`,
  ]);
  assert.equal(cli.code, 0, cli.stderr);
  const expected = await dumpOf(apache.port);
  ownerClient.destroy();
  await apache.stop();

  const ours = await startServerProcess(ourConfig(dir.path, dataDir));
  stops.push(() => ours.kill9());
  t.diagnostic(`our server started on Apache's data dir in ${ours.startupMs.toFixed(0)} ms: ${/Recovered .*/.exec(ours.stdout())?.[0]}`);
  assertSameTree(expected, await dumpOf(ours.port), 'our server on Apache files');
  await assertSessionCarriedOver(ours.port, owner, expected);
  assert.equal((await ours.stop()).code, 0, ours.stderr());
});
