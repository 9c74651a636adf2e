// Logs and snapshots larger than the reading window: entries and node data span window boundaries, and damage
// found past the first window is judged exactly as in a log read whole.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { OpCode } from '../../../src/zookeeper/jute/constants.js';
import { recover } from '../../../src/zookeeper/storage/recovery.js';
import { loadSnapshotFile, serializeSnapshot, writeSnapshot, type SnapshotNode } from '../../../src/zookeeper/storage/snapshot.js';
import { TxnLog } from '../../../src/zookeeper/storage/txn-log.js';
import { readLoggedTxns, scanLogBuffer, scanLogFile, truncateLogAfter } from '../../../src/zookeeper/storage/txn-log-reader.js';
import type { Txn } from '../../../src/zookeeper/tree/txn.js';
import { OPEN, rmDir, sampleTree, stat, tmpDir, txnBytes } from './helpers.js';

const DATA_BYTES = 900 * 1024;
const ENTRIES = 14;

function bigSetData(zxid: bigint): Txn {
  const data = Buffer.alloc(DATA_BYTES, Number(zxid % 251n));
  data.writeBigInt64BE(zxid, 0);
  return {
    hdr: { clientId: 0n, cxid: Number(zxid), zxid, time: 1_700_000_000_000n, type: OpCode.setData },
    body: { type: OpCode.setData, record: { path: '/a', data, version: Number(zxid) } },
  };
}

const TXNS = Array.from({ length: ENTRIES }, (_, i) => bigSetData(BigInt(i + 1)));

/** A data dir with snapshot.0 and log.1 holding TXNS (about 12.6 MB, three windows), and the entry offsets. */
async function bigLogDir(): Promise<{ dir: string; file: string; offsets: number[]; end: number }> {
  const dir = tmpDir();
  const log = await TxnLog.open(dir, { preAllocSizeBytes: 1024 * 1024, forceSync: false, fsyncWarningThresholdMs: 1000 });
  for (const t of TXNS) log.append(t);
  await log.close();
  await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
  const file = path.join(dir, 'log.1');
  const offsets: number[] = [];
  const scan = scanLogBuffer(fs.readFileSync(file), file, (e) => offsets.push(e.offset));
  return { dir, file, offsets, end: scan.goodEnd };
}

/** Equal lists of long strings, reported by index and length rather than by dumping megabytes. */
function assertSameList(actual: string[], expected: string[], what: string): void {
  assert.equal(actual.length, expected.length, `${what}: count`);
  const i = actual.findIndex((x, n) => x !== expected[n]);
  assert.equal(i, -1, `${what}: item ${i} differs (${actual[i]?.length} vs ${expected[i]?.length} chars)`);
}

function replay(dir: string, maxTxnBytes?: number): { txns: Txn[]; truncatedBytes: number } {
  const txns: Txn[] = [];
  const result = recover(dir, dir, { onSnapshot: () => {}, onTxn: (t) => txns.push(t) }, () => {}, { maxTxnBytes });
  return { txns, truncatedBytes: result.truncatedBytes };
}

test('a log of several windows reads back entry for entry as the whole-file reader reads it', async () => {
  const { dir, file, offsets, end } = await bigLogDir();
  try {
    assert.ok(end > 3 * 4 * 1024 * 1024, `log of ${end} bytes`);
    const seen: string[] = [];
    const seenOffsets: number[] = [];
    const scan = scanLogFile(file, (e) => {
      seen.push(e.bytes.toString('hex'));
      seenOffsets.push(e.offset);
    });
    assertSameList(seen, TXNS.map(txnBytes), 'entries read a window at a time');
    assert.deepEqual(seenOffsets, offsets);
    assert.equal(scan.goodEnd, end);
    assert.equal(scan.torn, null);
    assertSameList([...readLoggedTxns(dir)].map((r) => txnBytes(r.txn)), TXNS.map(txnBytes), 'readLoggedTxns');
    assertSameList(replay(dir).txns.map(txnBytes), TXNS.map(txnBytes), 'recovery');
    assert.deepEqual(truncateLogAfter(dir, 9n), [file]);
    assert.equal(fs.statSync(file).size, offsets[9], 'cut just before the entry of zxid 10');
  } finally {
    rmDir(dir);
  }
});

test('a checksum mismatch past the first window with valid entries after it stops recovery, naming file and offset', async () => {
  const { dir, file, offsets } = await bigLogDir();
  try {
    const before = fs.readFileSync(file);
    const damaged = Buffer.from(before);
    damaged[offsets[8] + 5000] ^= 0x10;
    fs.writeFileSync(file, damaged);
    assert.throws(() => replay(dir), new RegExp(`^Error: CRC check failed in ${file} at offset ${offsets[8]}, with valid entries after it$`));
    assert.ok(fs.readFileSync(file).equals(damaged), 'the file is left as it was');

    // A zeroed entry (it reads as the preallocated end) with entries after it is corruption too.
    const zeroed = Buffer.from(before);
    zeroed.fill(0, offsets[6], offsets[7]);
    fs.writeFileSync(file, zeroed);
    assert.throws(() => replay(dir), /unreadable entry \(zero-length entry before non-zero bytes\) in .* at offset \d+/);
  } finally {
    rmDir(dir);
  }
});

test('a torn last entry past the first window is truncated away', async () => {
  const { dir, file, offsets } = await bigLogDir();
  try {
    const last = offsets[offsets.length - 1];
    fs.truncateSync(file, last + DATA_BYTES / 2);
    const { txns, truncatedBytes } = replay(dir);
    assertSameList(txns.map(txnBytes), TXNS.slice(0, -1).map(txnBytes), 'recovery');
    assert.equal(truncatedBytes, DATA_BYTES / 2);
    assert.equal(fs.statSync(file).size, last);
  } finally {
    rmDir(dir);
  }
});

test('an intact entry over jute.maxbuffer + extrasize stops recovery rather than being cut off as torn', async () => {
  const { dir, file, offsets } = await bigLogDir();
  try {
    const size = fs.statSync(file).size;
    assert.throws(() => replay(dir, 512 * 1024), new RegExp(`Unreasonable length = \\d+ of the txn in ${file} at offset ${offsets[0]}`));
    assert.equal(fs.statSync(file).size, size);
    // Torn, the same entry is an ordinary torn tail.
    fs.truncateSync(file, offsets[1] - 10);
    const { txns } = replay(dir, 512 * 1024);
    assert.equal(txns.length, 0);
    assert.equal(fs.statSync(file).size, offsets[0]);
  } finally {
    rmDir(dir);
  }
});

test('a snapshot of several windows, plain or gzipped, loads node for node; damage deep inside is caught', () => {
  const dir = tmpDir();
  try {
    const nodes: SnapshotNode[] = [...sampleTree()];
    for (let i = 0; i < 12; i++) {
      const data = Buffer.alloc(700 * 1024 + i, i + 1);
      nodes.push({ path: `/a/n${i}`, data, acl: OPEN, stat: stat(BigInt(10 + i)) });
    }
    const bytes = Buffer.concat(serializeSnapshot({ zxid: 30n, sessions: [[5n, 4000]], nodes }));
    assert.ok(bytes.length > 8 * 1024 * 1024);
    const file = path.join(dir, 'snapshot.1e');
    fs.writeFileSync(file, bytes);
    const loaded = loadSnapshotFile(file);
    assert.deepEqual(loaded.nodes.map((n) => [n.path, n.data?.toString('hex')]), nodes.map((n) => [n.path, n.data?.toString('hex')]));
    assert.deepEqual([...loaded.sessions], [[5n, 4000]]);
    assert.equal(loaded.zxid, 0x1en);
    fs.writeFileSync(`${file}.gz`, zlib.gzipSync(bytes));
    assert.deepEqual(loadSnapshotFile(`${file}.gz`).nodes.map((n) => n.data?.length), nodes.map((n) => n.data?.length));

    const damaged = Buffer.from(bytes);
    damaged[Math.floor(bytes.length * 0.6)] ^= 1;
    fs.writeFileSync(file, damaged);
    assert.throws(() => loadSnapshotFile(file), /CRC corruption/);
    fs.writeFileSync(file, bytes.subarray(0, 5 * 1024 * 1024));
    assert.throws(() => loadSnapshotFile(file), /cannot read snapshot .*truncated/);
    const gz = zlib.gzipSync(bytes);
    fs.writeFileSync(`${file}.gz`, gz.subarray(0, gz.length >> 1));
    assert.throws(() => loadSnapshotFile(`${file}.gz`), (e: Error & { code?: string }) => e.code === 'ZK_SNAPSHOT_INVALID');
    fs.writeFileSync(file, bytes);
    assert.throws(() => loadSnapshotFile(file, { maxFieldBytes: 100 * 1024 }), /Unreasonable length = 716800/);
  } finally {
    rmDir(dir);
  }
});
