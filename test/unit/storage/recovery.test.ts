import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { recover, type RecoveryResult } from '../../../src/zookeeper/storage/recovery.js';
import { writeSnapshot, type LoadedSnapshot } from '../../../src/zookeeper/storage/snapshot.js';
import { TxnLog } from '../../../src/zookeeper/storage/txn-log.js';
import { scanLogBuffer } from '../../../src/zookeeper/storage/txn-log-reader.js';
import type { Txn } from '../../../src/zookeeper/tree/txn.js';
import { encodeTxn } from '../../../src/zookeeper/tree/txn.js';
import { rmDir, sampleTree, sampleTxns, tmpDir, txnBytes } from './helpers.js';

const PREALLOC = 64 * 1024;

async function writeLog(logDir: string, txns: Txn[], rollBefore: bigint[] = []): Promise<void> {
  const log = await TxnLog.open(logDir, { preAllocSizeBytes: PREALLOC, forceSync: false, fsyncWarningThresholdMs: 1000 });
  for (const t of txns) {
    if (rollBefore.includes(t.hdr.zxid)) {
      await log.flush();
      log.roll();
    }
    log.append(t);
  }
  await log.close();
}

function run(dir: string, log?: string[]): { result: RecoveryResult; snapshots: LoadedSnapshot[]; txns: Txn[] } {
  const snapshots: LoadedSnapshot[] = [];
  const txns: Txn[] = [];
  const result = recover(dir, dir, { onSnapshot: (s) => snapshots.push(s), onTxn: (t) => txns.push(t) }, (l) => log?.push(l));
  return { result, snapshots, txns };
}

test('an empty or missing data dir recovers to nothing', () => {
  const dir = tmpDir();
  try {
    const { result, snapshots, txns } = run(dir);
    assert.deepEqual(result, { snapshot: null, lastZxid: 0n, txnsReplayed: 0, truncatedBytes: 0 });
    assert.equal(snapshots.length + txns.length, 0);
    assert.equal(run(path.join(dir, 'missing')).result.lastZxid, 0n);
  } finally {
    rmDir(dir);
  }
});

test('fuzzy replay: only txns after the snapshot zxid are replayed, across several log files', async () => {
  const dir = tmpDir();
  try {
    const txns = sampleTxns(1n, 30);
    await writeLog(dir, txns, [11n, 21n]);
    await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    await writeSnapshot(dir, { zxid: 15n, sessions: [], nodes: sampleTree() });
    const { result, snapshots, txns: replayed } = run(dir);
    assert.equal(snapshots.length, 1);
    assert.equal(snapshots[0].zxid, 15n);
    assert.equal(result.snapshot?.zxid, 15n);
    assert.deepEqual(replayed.map(txnBytes), txns.slice(15).map(txnBytes));
    assert.equal(result.lastZxid, 30n);
    assert.equal(result.txnsReplayed, 15);
    assert.equal(result.truncatedBytes, 0);

    // A snapshot that covers everything replays nothing; one at a file boundary starts in the next file.
    await writeSnapshot(dir, { zxid: 30n, sessions: [], nodes: sampleTree() });
    assert.equal(run(dir).result.txnsReplayed, 0);
    assert.equal(run(dir).result.lastZxid, 30n);
    fs.unlinkSync(path.join(dir, 'snapshot.1e'));
    fs.unlinkSync(path.join(dir, 'snapshot.f'));
    await writeSnapshot(dir, { zxid: 20n, sessions: [], nodes: sampleTree() });
    assert.deepEqual(run(dir).txns.map((t) => t.hdr.zxid), txns.slice(20).map((t) => t.hdr.zxid));
  } finally {
    rmDir(dir);
  }
});

test('a corrupt newest snapshot falls back to the previous one', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, sampleTxns(1n, 10));
    await writeSnapshot(dir, { zxid: 2n, sessions: [], nodes: sampleTree() });
    const newest = await writeSnapshot(dir, { zxid: 6n, sessions: [], nodes: sampleTree() });
    const buf = fs.readFileSync(newest);
    buf[40] ^= 1;
    fs.writeFileSync(newest, buf);
    const lines: string[] = [];
    const { result, txns } = run(dir, lines);
    assert.equal(result.snapshot?.zxid, 2n);
    assert.equal(txns.length, 8);
    assert.ok(lines.some((l) => l.startsWith('problem reading snap file')));
  } finally {
    rmDir(dir);
  }
});

test('log entries without any snapshot are refused as Apache refuses them', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, sampleTxns(1n, 3));
    assert.throws(() => run(dir), /No snapshot found, but there are log entries/);
  } finally {
    rmDir(dir);
  }
});

/** Offsets of every entry in a log file, and where the entries end. */
function entryOffsets(file: string): { offsets: number[]; end: number } {
  const offsets: number[] = [];
  const scan = scanLogBuffer(fs.readFileSync(file), file, (e) => offsets.push(e.offset));
  return { offsets, end: scan.goodEnd };
}

test('a torn last entry, cut at every byte (with or without zeros after), is dropped and truncated away', async () => {
  const dir = tmpDir();
  try {
    const txns = sampleTxns(1n, 8);
    const srcDir = path.join(dir, 'src');
    await writeLog(srcDir, txns);
    await writeSnapshot(srcDir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    const logFile = path.join(srcDir, 'log.1');
    const original = fs.readFileSync(logFile);
    const { offsets, end } = entryOffsets(logFile);
    const last = offsets[offsets.length - 1];
    const work = path.join(dir, 'work');
    for (let cut = last; cut < end; cut++) {
      for (const padded of [false, true]) {
        rmDir(work);
        fs.cpSync(srcDir, work, { recursive: true });
        const torn = Buffer.concat([original.subarray(0, cut), Buffer.alloc(padded ? original.length - cut : 0)]);
        fs.writeFileSync(path.join(work, 'log.1'), torn);
        const { result, txns: replayed } = run(work);
        assert.deepEqual(replayed.map(txnBytes), txns.slice(0, 7).map(txnBytes), `cut at ${cut} padded ${padded}`);
        assert.equal(result.lastZxid, 7n);
        const after = fs.readFileSync(path.join(work, 'log.1'));
        // What is left after entry 7 is nothing, or zeros that read as padding (the checksum's high word is 0).
        assert.ok(after.subarray(last).every((b) => b === 0), `only zeros after entry 7 (cut ${cut})`);
        assert.equal(result.truncatedBytes, torn.length - after.length);
        if (after.length > last) assert.equal(result.truncatedBytes, 0);
        const again = run(work);
        assert.equal(again.result.truncatedBytes, 0, 'a repaired log reads cleanly');
        assert.equal(again.txns.length, 7);
      }
    }
  } finally {
    rmDir(dir);
  }
});

test('a new log file torn anywhere in its header or first entry loses only that entry', async () => {
  const dir = tmpDir();
  try {
    const txns = sampleTxns(1n, 8);
    const srcDir = path.join(dir, 'src');
    await writeLog(srcDir, txns, [8n]);
    await writeSnapshot(srcDir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    const original = fs.readFileSync(path.join(srcDir, 'log.8'));
    const { end } = entryOffsets(path.join(srcDir, 'log.8'));
    const work = path.join(dir, 'work');
    for (let cut = 0; cut < end; cut++) {
      rmDir(work);
      fs.cpSync(srcDir, work, { recursive: true });
      fs.writeFileSync(path.join(work, 'log.8'), original.subarray(0, cut));
      const { result, txns: replayed } = run(work);
      assert.equal(replayed.length, 7, `cut at ${cut}`);
      assert.equal(result.lastZxid, 7n);
      assert.equal(run(work).result.truncatedBytes, 0, 'repaired');
    }
  } finally {
    rmDir(dir);
  }
});

test('a torn last batch: bad checksum followed by zeros is a torn tail; a missing B marker too', async () => {
  const dir = tmpDir();
  try {
    const txns = sampleTxns(1n, 6);
    await writeLog(dir, txns);
    await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    const file = path.join(dir, 'log.1');
    const { offsets } = entryOffsets(file);
    const buf = fs.readFileSync(file);
    buf[offsets[5] + 20] ^= 0xff; // inside the last txn's bytes
    fs.writeFileSync(file, buf);
    const { result, txns: replayed } = run(dir);
    assert.equal(replayed.length, 5);
    assert.equal(result.lastZxid, 5n);
    assert.equal(fs.statSync(file).size, offsets[5]);

    const len = encodeTxn(txns[4]).length;
    const b2 = fs.readFileSync(file);
    b2[offsets[4] + 12 + len] = 0x41;
    fs.writeFileSync(file, b2);
    assert.equal(run(dir).txns.length, 4);
  } finally {
    rmDir(dir);
  }
});

test('a checksum mismatch with valid entries after it is corruption: an error naming file and offset', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, sampleTxns(1n, 6));
    await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    const file = path.join(dir, 'log.1');
    const { offsets } = entryOffsets(file);
    const buf = fs.readFileSync(file);
    buf[offsets[2] + 20] ^= 0xff;
    fs.writeFileSync(file, buf);
    assert.throws(
      () => run(dir),
      (e: Error & { code?: string; file?: string; offset?: number }) =>
        e.code === 'ZK_LOG_CORRUPT' && e.file === file && e.offset === offsets[2] && e.message === `CRC check failed in ${file} at offset ${offsets[2]}, with valid entries after it`,
    );
    assert.equal(fs.readFileSync(file).length, buf.length, 'nothing truncated');
  } finally {
    rmDir(dir);
  }
});

test('an empty or all-zero last log file (created, never written) is removed', async () => {
  const dir = tmpDir();
  try {
    await writeLog(dir, sampleTxns(1n, 4));
    await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    fs.writeFileSync(path.join(dir, 'log.5'), Buffer.alloc(0));
    let r = run(dir);
    assert.equal(r.txns.length, 4);
    assert.equal(fs.existsSync(path.join(dir, 'log.5')), false);
    fs.writeFileSync(path.join(dir, 'log.5'), Buffer.alloc(PREALLOC));
    r = run(dir);
    assert.equal(r.txns.length, 4);
    assert.equal(r.result.truncatedBytes, PREALLOC);
    assert.equal(fs.existsSync(path.join(dir, 'log.5')), false);
    fs.writeFileSync(path.join(dir, 'log.5'), Buffer.from('ZK'));
    assert.equal(run(dir).txns.length, 4);
    assert.equal(fs.existsSync(path.join(dir, 'log.5')), false);
    fs.writeFileSync(path.join(dir, 'log.5'), Buffer.concat([Buffer.from('ZKLX'), Buffer.alloc(100)]));
    assert.throws(() => run(dir), /invalid magic number/);
  } finally {
    rmDir(dir);
  }
});

test('temporary files of interrupted snapshots are removed', async () => {
  const dir = tmpDir();
  try {
    await writeSnapshot(dir, { zxid: 0n, sessions: [], nodes: sampleTree() });
    fs.writeFileSync(path.join(dir, '.snapshot.5.1234.1.tmp'), 'half');
    assert.equal(run(dir).result.snapshot?.zxid, 0n);
    assert.deepEqual(fs.readdirSync(dir), ['snapshot.0']);
  } finally {
    rmDir(dir);
  }
});
