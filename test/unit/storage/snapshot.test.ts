import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { adler32 } from '../../../src/zookeeper/storage/adler32.js';
import {
  findValidSnapshots, loadSnapshotFile, looksLikeValidSnapshot, serializeSnapshot, writeSnapshot, type SnapshotNode,
} from '../../../src/zookeeper/storage/snapshot.js';
import { OPEN, READ, SESSION, rmDir, sampleTree, tmpDir } from './helpers.js';

const sessions: [bigint, number][] = [[SESSION, 30000], [SESSION + 1n, 4000]];

test('snapshot bytes: ZKSN header, sessions, ACL map without the -1 key, nodes, "/" and the Adler32 seal', () => {
  const buf = Buffer.concat(serializeSnapshot({ zxid: 3n, sessions, nodes: sampleTree() }));
  assert.equal(buf.subarray(0, 16).toString('hex'), '5a4b534e00000002' + 'ffffffffffffffff');
  assert.equal(buf.readInt32BE(16), 2);
  assert.equal(buf.readBigInt64BE(20), SESSION);
  assert.equal(buf.readInt32BE(28), 30000);
  // Two distinct non-null lists (OPEN used twice by equal value, READ once) → keys 1 and 2.
  let p = 44;
  assert.equal(buf.readInt32BE(p), 2);
  assert.equal(buf.readBigInt64BE(p + 4), 1n);
  assert.equal(buf.readInt32BE(p + 12), 1);
  assert.equal(buf.readInt32BE(p + 16), 31);
  // Each entry: key (8) + count (4) + ACL {perms 4, "world" 4+5, "anyone" 4+6}; then the root: path "", empty
  // data, acl key -1, and its StatPersisted starting with czxid 0.
  p += 4 + 2 * (8 + 4 + 23);
  assert.equal(buf.subarray(p, p + 24).toString('hex'), '00000000' + '00000000' + 'ffffffffffffffff' + '0000000000000000');
  const sealAt = buf.length - 8 - 5;
  assert.equal(buf.subarray(sealAt - 5, sealAt).toString('hex'), '000000012f');
  assert.equal(buf.readBigInt64BE(sealAt), BigInt(adler32(buf, 0, sealAt)));
  assert.equal(buf.subarray(buf.length - 5).toString('hex'), '000000012f');
});

test('write then load round-trips sessions, nodes, data, ACLs and stats', async () => {
  const dir = tmpDir();
  try {
    const nodes = sampleTree();
    const file = await writeSnapshot(dir, { zxid: 0x200000007n, sessions: new Map(sessions), nodes });
    assert.equal(path.basename(file), 'snapshot.200000007');
    assert.deepEqual(fs.readdirSync(dir), ['snapshot.200000007'], 'no temporary file left behind');
    const loaded = loadSnapshotFile(file);
    assert.equal(loaded.zxid, 0x200000007n);
    assert.deepEqual([...loaded.sessions], sessions);
    assert.deepEqual(loaded.nodes, nodes);
    assert.equal(loaded.digest, undefined);
    assert.equal(loaded.nodes[0].acl, null);
    assert.deepEqual(loaded.nodes[4].acl, READ);
    assert.deepEqual(loaded.nodes[1].acl, OPEN);
  } finally {
    rmDir(dir);
  }
});

test('a big tree is written in ~1 MiB chunks and reads back', async () => {
  const dir = tmpDir();
  try {
    const nodes: SnapshotNode[] = [sampleTree()[0]];
    for (let i = 0; i < 20000; i++) nodes.push({ ...sampleTree()[1], path: `/n${i}`, data: Buffer.alloc(200, i % 256) });
    const chunks = serializeSnapshot({ zxid: 9n, sessions: [], nodes });
    assert.ok(chunks.length >= 4);
    const file = await writeSnapshot(dir, { zxid: 9n, sessions: [], nodes });
    // Written a chunk at a time into reused buffers, the file is the bytes encoded at once.
    assert.ok(fs.readFileSync(file).equals(Buffer.concat(chunks)));
    const sliced = await writeSnapshot(path.join(dir, 'sliced'), { zxid: 9n, sessions: [], nodes }, { background: true, busy: () => false });
    assert.ok(fs.readFileSync(sliced).equals(Buffer.concat(chunks)));
    const loaded = loadSnapshotFile(file);
    assert.equal(loaded.nodes.length, nodes.length);
    assert.deepEqual(loaded.nodes[20000].data, Buffer.alloc(200, 19999 % 256));
  } finally {
    rmDir(dir);
  }
});

function withDigest(base: Buffer, zxid: bigint, version: number, digest: bigint): Buffer {
  const section = Buffer.alloc(20);
  section.writeBigInt64BE(zxid, 0);
  section.writeInt32BE(version, 8);
  section.writeBigInt64BE(digest, 12);
  const body = Buffer.concat([base, section]);
  const seal = Buffer.alloc(13);
  seal.writeBigInt64BE(BigInt(adler32(body)), 0);
  seal.writeInt32BE(1, 8);
  seal[12] = 0x2f;
  return Buffer.concat([body, seal]);
}

test('the optional digest section is read and its seal checked', () => {
  const dir = tmpDir();
  try {
    const base = Buffer.concat(serializeSnapshot({ zxid: 5n, sessions: [], nodes: sampleTree() }));
    const file = path.join(dir, 'snapshot.5');
    fs.writeFileSync(file, withDigest(base, 5n, 2, 1234567890123n));
    assert.deepEqual(loadSnapshotFile(file).digest, { zxid: 5n, version: 2, digest: 1234567890123n });
    fs.writeFileSync(file, withDigest(base, 0n, 2, 0n));
    assert.equal(loadSnapshotFile(file).digest, undefined, 'an empty digest (zxid 0) is no digest');
    const bad = withDigest(base, 5n, 2, 1n);
    bad[bad.length - 14] ^= 1;
    fs.writeFileSync(file, bad);
    assert.throws(() => loadSnapshotFile(file), /CRC corruption/);
  } finally {
    rmDir(dir);
  }
});

test('corruption is detected: flipped byte, bad magic, truncation; gz snapshots load', () => {
  const dir = tmpDir();
  try {
    const good = Buffer.concat(serializeSnapshot({ zxid: 7n, sessions, nodes: sampleTree() }));
    const file = path.join(dir, 'snapshot.7');
    const flipped = Buffer.from(good);
    flipped[60] ^= 0x40;
    fs.writeFileSync(file, flipped);
    assert.throws(() => loadSnapshotFile(file), (e: Error & { code?: string }) => e.code === 'ZK_SNAPSHOT_INVALID');
    const magic = Buffer.from(good);
    magic[0] = 0;
    fs.writeFileSync(file, magic);
    assert.throws(() => loadSnapshotFile(file), /mismatching magic headers/);
    fs.writeFileSync(file, good.subarray(0, good.length - 3));
    assert.equal(looksLikeValidSnapshot(file), false);
    fs.writeFileSync(path.join(dir, 'snapshot.8.gz'), zlib.gzipSync(good));
    assert.equal(loadSnapshotFile(path.join(dir, 'snapshot.8.gz')).nodes.length, 6);
    fs.writeFileSync(path.join(dir, 'snapshot.9'), good);
    fs.writeFileSync(path.join(dir, 'snapshotx.10'), good);
    assert.deepEqual(findValidSnapshots(dir, 100).map((f) => f.name), ['snapshot.9', 'snapshot.8.gz']);
    assert.deepEqual(findValidSnapshots(dir, 1).map((f) => f.name), ['snapshot.9']);
  } finally {
    rmDir(dir);
  }
});
