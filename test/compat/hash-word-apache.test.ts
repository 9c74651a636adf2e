// The `hash` four-letter word against Apache ZooKeeper 3.8: the tree digests (DigestCalculator over each node's path,
// data and stat fields czxid, mzxid, pzxid, ctime, mtime, version, cversion, aversion, ephemeralOwner) it lists
// every 128 zxids must be Apache's. The two servers never make the same tree from live traffic (zxids, times and
// session ids differ), so each replays the transaction log the other wrote: at the same zxid both trees are the same
// and so must be the digests.
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { test } from 'node:test';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { RawZkClient, createBody } from '../faults/raw-client.js';
import { startServerProcess, tempDir, writeConfig, type ServerProcess } from '../faults/server-process.js';
import { apacheZooKeeperAvailable, fourLetterWord, startApacheZooKeeper, type ApacheZk } from '../support/apache-zk.js';
import { writeTree } from './znode-tree.js';

const unavailable = apacheZooKeeperAvailable();
if (unavailable) console.log(`skipping the hash word against Apache ZooKeeper: ${unavailable}`);
const skip = unavailable ?? false;

/** Enough transactions for three entries of the digest history (zxids 0x80, 0x100, 0x180). */
const MIN_LAST_ZXID = 0x190n;
const OWNER_TIMEOUT_MS = 30_000;
const WORD_TIMEOUT_MS = 15_000;

function ourConfig(dir: string, dataDir: string, clientPort = 0): string {
  return writeConfig(dir, { dataDir, clientPort, extendedTypesEnabled: true, '4lw.commands.whitelist': '*' });
}

/** `hash` lines ("<zxid hex>: <digest>") as zxid → digest, up to `lastZxid`; every line must have that form. */
function digestHistory(answer: string, lastZxid: bigint): Map<bigint, string> {
  const out = new Map<bigint, string>();
  for (const line of answer.split('\n')) {
    if (line === '') continue;
    const m = /^([0-9a-f]+): (\d+)$/.exec(line);
    assert.ok(m, `not a hash line: ${JSON.stringify(line)}`);
    const zxid = BigInt(`0x${m[1]}`);
    if (zxid <= lastZxid) out.set(zxid, m[2]!);
  }
  return out;
}

/**
 * The same client calls on either server: a tree with every kind of node (data sizes, ACLs, sequential, ephemeral,
 * container, TTL, multi, deletes), then creates, sets, ACL changes and deletes until MIN_LAST_ZXID. The owner
 * session is left open, so its ephemerals (and their ephemeralOwner) are in the replayed tree.
 */
async function writeLoad(port: number): Promise<{ lastZxid: bigint; owner: RawZkClient }> {
  const writer = await RawZkClient.connect(port);
  const owner = await RawZkClient.connect(port, { timeoutMs: OWNER_TIMEOUT_MS });
  await writeTree(writer, owner);
  let lastZxid = 0n;
  const write = async (op: number, body: unknown) => {
    const reply = await writer.request(op, body);
    assert.equal(reply.header.err, 0, `op ${op} on ${JSON.stringify((body as { path: string }).path)}`);
    lastZxid = reply.header.zxid;
  };
  await write(OpCode.create, createBody('/load', Buffer.from('load')));
  for (let i = 0; lastZxid < MIN_LAST_ZXID; i++) {
    const path = `/load/n${i % 50}`;
    if (i < 50) await write(OpCode.create, createBody(path, Buffer.from(`created ${i}`)));
    // Permissions vary but keep write and admin, so the sets and ACL changes that follow still pass.
    else if (i % 7 === 0) await write(OpCode.setACL, { path, acl: [{ perms: [31, 27, 23, 19][i % 4]!, id: { scheme: 'world', id: 'anyone' } }], version: -1 });
    else if (i % 11 === 0) {
      await write(OpCode.delete, { path, version: -1 });
      await write(OpCode.create, createBody(path, i % 2 === 0 ? null : Buffer.alloc(i % 40, i)));
    } else await write(OpCode.setData, { path, data: Buffer.from(`set ${i}`), version: -1 });
  }
  await writer.closeSession();
  return { lastZxid, owner };
}

test('Apache replaying our transaction log lists the tree digests our hash listed, zxid for zxid', { skip, timeout: 120_000 }, async (t) => {
  const dir = tempDir('zk-hash-ours-');
  const dataDir = join(dir.path, 'data');
  let ours: ServerProcess | null = null;
  let apache: ApacheZk | null = null;
  t.after(async () => {
    await ours?.kill9();
    await apache?.kill9();
    dir.remove();
  });

  ours = await startServerProcess(ourConfig(dir.path, dataDir));
  const { lastZxid, owner } = await writeLoad(ours.port);
  const ourHistory = digestHistory(await fourLetterWord('127.0.0.1', ours.port, 'hash', WORD_TIMEOUT_MS), lastZxid);
  owner.destroy();
  assert.equal((await ours.stop()).code, 0, ours.stderr());
  assert.deepEqual([...ourHistory.keys()], [0x80n, 0x100n, 0x180n]);

  apache = await startApacheZooKeeper({ dataDir });
  const apacheHistory = digestHistory(await fourLetterWord(apache.host, apache.port, 'hash', WORD_TIMEOUT_MS), lastZxid);
  assert.deepEqual(Object.fromEntries(ourHistory), Object.fromEntries(apacheHistory));
});

test('our server replaying Apache\'s transaction log lists the tree digests Apache\'s hash listed', { skip, timeout: 120_000 }, async (t) => {
  const dir = tempDir('zk-hash-apache-');
  const dataDir = join(dir.path, 'data');
  let ours: ServerProcess | null = null;
  let apache: ApacheZk | null = null;
  t.after(async () => {
    await apache?.kill9();
    await ours?.kill9();
    dir.remove();
  });

  apache = await startApacheZooKeeper({ dataDir });
  const { lastZxid, owner } = await writeLoad(apache.port);
  const apacheHistory = digestHistory(await fourLetterWord(apache.host, apache.port, 'hash', WORD_TIMEOUT_MS), lastZxid);
  owner.destroy();
  await apache.stop();
  apache = null;
  assert.deepEqual([...apacheHistory.keys()], [0x80n, 0x100n, 0x180n]);

  ours = await startServerProcess(ourConfig(dir.path, dataDir));
  const ourHistory = digestHistory(await fourLetterWord('127.0.0.1', ours.port, 'hash', WORD_TIMEOUT_MS), lastZxid);
  assert.deepEqual(Object.fromEntries(ourHistory), Object.fromEntries(apacheHistory));
});
