import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { adler32 } from '../../../src/zookeeper/storage/adler32.js';
import { TxnLog, calculateFileSizeWithPadding, defaultTxnLogIo, type TxnLogIo, type TxnLogOptions } from '../../../src/zookeeper/storage/txn-log.js';
import { listLogFiles, readLoggedTxns, scanLogBuffer } from '../../../src/zookeeper/storage/txn-log-reader.js';
import { encodeTxn } from '../../../src/zookeeper/tree/txn.js';
import { rmDir, sampleTxn, sampleTxns, tmpDir, txnBytes } from './helpers.js';

const PREALLOC = 64 * 1024;
const opts = (extra: Partial<TxnLogOptions> = {}): TxnLogOptions => ({
  preAllocSizeBytes: PREALLOC, forceSync: true, fsyncWarningThresholdMs: 1000, ...extra,
});

function countingIo(): { io: TxnLogIo; calls: Record<string, number> } {
  const calls: Record<string, number> = { write: 0, fdatasync: 0, open: 0, syncDir: 0 };
  const io: TxnLogIo = {
    ...defaultTxnLogIo,
    open: (f) => (calls.open++, defaultTxnLogIo.open(f)),
    write: (...a) => (calls.write++, defaultTxnLogIo.write(...a)),
    fdatasync: (fd) => (calls.fdatasync++, defaultTxnLogIo.fdatasync(fd)),
    syncDir: (d) => (calls.syncDir++, defaultTxnLogIo.syncDir(d)),
  };
  return { io, calls };
}

test('padding follows FilePadding.calculateFileSizeWithPadding', () => {
  assert.equal(calculateFileSizeWithPadding(0, 0, 1000), 1000);
  assert.equal(calculateFileSizeWithPadding(100, 10000, 1000), 10000);
  assert.equal(calculateFileSizeWithPadding(6000, 10000, 1000), 11000);
  assert.equal(calculateFileSizeWithPadding(12500, 10000, 1000), 13000);
  assert.equal(calculateFileSizeWithPadding(12500, 10000, 0), 10000);
});

test('a log file has the ZKLG header, checksummed entries ending in B, then zeros to a preAllocSize multiple', async () => {
  const dir = tmpDir();
  try {
    const log = await TxnLog.open(path.join(dir, 'version-2'), opts());
    const txns = sampleTxns(1n, 3);
    for (const t of txns) log.append(t);
    await log.flush();
    await log.close();
    const file = path.join(dir, 'version-2', 'log.1');
    const buf = fs.readFileSync(file);
    assert.equal(buf.subarray(0, 16).toString('hex'), '5a4b4c4700000002' + '0000000000000000');
    let p = 16;
    for (const t of txns) {
      const body = encodeTxn(t);
      assert.equal(buf.readBigUInt64BE(p), BigInt(adler32(body)));
      assert.equal(buf.readInt32BE(p + 8), body.length);
      assert.ok(buf.subarray(p + 12, p + 12 + body.length).equals(body));
      assert.equal(buf[p + 12 + body.length], 0x42);
      p += 13 + body.length;
    }
    assert.equal(buf.length % PREALLOC, 16, "16 bytes of header + n * preAllocSize, as Apache pads");
    assert.ok(buf.subarray(p).every((b) => b === 0));
    assert.equal(log.currentFileBytes, p);
  } finally {
    rmDir(dir);
  }
});

test('appended txns read back identically, and roll() starts log.<zxid of the next txn>', async () => {
  const dir = tmpDir();
  try {
    const logDir = path.join(dir, 'version-2');
    const log = await TxnLog.open(logDir, opts());
    const txns = sampleTxns(0x100000001n, 50);
    for (const t of txns.slice(0, 20)) log.append(t);
    await log.flush();
    log.roll();
    assert.equal(log.currentFileBytes, 0);
    for (const t of txns.slice(20, 35)) log.append(t);
    log.roll(); // a roll between two flushes: the batch spans two files
    for (const t of txns.slice(35)) log.append(t);
    await log.flush();
    await log.close();
    assert.deepEqual(listLogFiles(logDir).map((f) => f.name), ['log.100000001', 'log.100000015', 'log.100000024']);
    const read = [...readLoggedTxns(logDir)];
    assert.deepEqual(read.map((r) => txnBytes(r.txn)), txns.map(txnBytes));
    assert.deepEqual([...readLoggedTxns(logDir, 0x100000030n)].map((r) => r.txn.hdr.zxid), txns.slice(48).map((t) => t.hdr.zxid));
  } finally {
    rmDir(dir);
  }
});

test('group commit: concurrent appenders share writes and fsyncs, each flush resolves after its txn is durable', async () => {
  const dir = tmpDir();
  try {
    const { io, calls } = countingIo();
    const logDir = path.join(dir, 'version-2');
    const log = await TxnLog.open(logDir, opts({ io, preAllocSizeBytes: 64 * 1024 * 1024 }));
    const appenders = 32;
    const perAppender = 40;
    let zxid = 0n;
    let flushes = 0;
    const durableAt: number[] = [];
    await Promise.all(
      Array.from({ length: appenders }, async () => {
        for (let i = 0; i < perAppender; i++) {
          const t = sampleTxn(++zxid);
          log.append(t);
          await log.flush();
          flushes++;
          durableAt.push(calls.fdatasync);
        }
      }),
    );
    await log.close();
    const total = appenders * perAppender;
    assert.equal([...readLoggedTxns(logDir)].length, total);
    assert.equal(log.stats.txns, total);
    assert.ok(log.stats.batches < flushes / 4, `batches ${log.stats.batches} for ${flushes} flushes`);
    assert.equal(log.stats.dataWrites, log.stats.batches, 'one data write per batch');
    assert.equal(log.stats.fsyncs, log.stats.batches, 'one txn fsync per batch');
    assert.ok(durableAt.every((n) => n >= 1));
    assert.equal(calls.syncDir, 1, 'the directory is synced once, for the new file');
  } finally {
    rmDir(dir);
  }
});

test('flush with nothing appended resolves at once; forceSync=false never fsyncs', async () => {
  const dir = tmpDir();
  try {
    const { io, calls } = countingIo();
    const log = await TxnLog.open(dir, opts({ io, forceSync: false }));
    await log.flush();
    for (const t of sampleTxns(1n, 10)) log.append(t);
    await log.flush();
    await log.close();
    assert.equal(calls.fdatasync, 0);
    assert.equal([...readLoggedTxns(dir)].length, 10);
  } finally {
    rmDir(dir);
  }
});

test('close() writes what was appended but not flushed', async () => {
  const dir = tmpDir();
  try {
    const log = await TxnLog.open(dir, opts());
    for (const t of sampleTxns(1n, 5)) log.append(t);
    await log.close();
    assert.equal([...readLoggedTxns(dir)].length, 5);
    assert.throws(() => log.append(sampleTxn(6n)), /closed/);
  } finally {
    rmDir(dir);
  }
});

test('a failed disk write rejects the waiting flushes and every later one', async () => {
  const dir = tmpDir();
  try {
    let failNext = false;
    const io: TxnLogIo = {
      ...defaultTxnLogIo,
      fdatasync: (fd) => (failNext ? Promise.reject(Object.assign(new Error('EIO: i/o error'), { code: 'EIO' })) : defaultTxnLogIo.fdatasync(fd)),
    };
    const lines: string[] = [];
    const log = await TxnLog.open(dir, opts({ io, log: (l) => lines.push(l) }));
    log.append(sampleTxn(1n));
    await log.flush();
    failNext = true;
    log.append(sampleTxn(2n));
    const a = log.flush();
    const b = log.flush();
    await assert.rejects(a, /EIO/);
    await assert.rejects(b, /EIO/);
    log.append(sampleTxn(3n));
    await assert.rejects(log.flush(), /EIO/);
    await log.close();
    assert.ok(lines.some((l) => l.includes('Severe unrecoverable error')));
  } finally {
    rmDir(dir);
  }
});

test('an fsync slower than fsyncWarningThresholdMs is logged and counted', async () => {
  const dir = tmpDir();
  try {
    const io: TxnLogIo = {
      ...defaultTxnLogIo,
      fdatasync: async (fd) => {
        await new Promise((r) => setTimeout(r, 30));
        await defaultTxnLogIo.fdatasync(fd);
      },
    };
    const lines: string[] = [];
    const log = await TxnLog.open(dir, opts({ io, fsyncWarningThresholdMs: 5, log: (l) => lines.push(l) }));
    log.append(sampleTxn(1n));
    await log.flush();
    await log.close();
    assert.equal(log.stats.fsyncThresholdExceeded, 1);
    assert.ok(lines.some((l) => /^fsync-ing the write ahead log in SyncThread:0 took \d+ms which will adversely effect operation latency/.test(l)), lines.join('\n'));
    assert.ok(lines.includes('Creating new log file: log.1'));
  } finally {
    rmDir(dir);
  }
});

test('files are sized in preAllocSize steps but only about 1 MiB ahead is written with zeros (none without forceSync)', async () => {
  const dir = tmpDir();
  try {
    const allocatedBytes = (f: string): number => fs.statSync(f).blocks * 512;
    const log = await TxnLog.open(dir, opts({ preAllocSizeBytes: 16 * 1024 * 1024 }));
    log.append(sampleTxn(1n));
    await log.flush();
    const file = path.join(dir, 'log.1');
    assert.equal(fs.statSync(file).size, 16 + 16 * 1024 * 1024);
    // The zeros are written in the background: wait for them (a busy disk may take a while).
    const deadline = performance.now() + 30_000;
    while (allocatedBytes(file) < 1024 * 1024 && performance.now() < deadline) await new Promise((r) => setTimeout(r, 10));
    await log.close();
    assert.ok(allocatedBytes(file) >= 1024 * 1024 && allocatedBytes(file) <= 2 * 1024 * 1024, String(allocatedBytes(file)));
    const scan = scanLogBuffer(fs.readFileSync(file), 'log.1');
    assert.equal(scan.entries, 1);
    assert.equal(scan.torn, null);

    const unsynced = await TxnLog.open(path.join(dir, 'nosync'), opts({ preAllocSizeBytes: 16 * 1024 * 1024, forceSync: false }));
    unsynced.append(sampleTxn(1n));
    await unsynced.close();
    const sparse = path.join(dir, 'nosync', 'log.1');
    assert.equal(fs.statSync(sparse).size, 16 + 16 * 1024 * 1024);
    assert.ok(allocatedBytes(sparse) <= 64 * 1024, String(allocatedBytes(sparse)));
  } finally {
    rmDir(dir);
  }
});

test('txnLogSizeLimitBytes: a flush leaving the file (preallocation included) past the limit rolls to a new file', async () => {
  const dir = tmpDir();
  try {
    const logDir = path.join(dir, 'version-2');
    const limitBytes = 40 * 1024;
    const log = await TxnLog.open(logDir, opts({ preAllocSizeBytes: 16 * 1024, txnLogSizeLimitBytes: limitBytes, forceSync: false }));
    const txns = sampleTxns(1n, 3000);
    for (let i = 0; i < txns.length; i += 10) {
      for (const t of txns.slice(i, i + 10)) log.append(t);
      await log.flush();
    }
    await log.close();
    const files = listLogFiles(logDir);
    assert.ok(files.length >= 4, `${files.length} log files`);
    const sizes = files.map((f) => fs.statSync(f.file).size);
    for (const size of sizes.slice(0, -1)) assert.ok(size > limitBytes, `a rolled file of ${size} bytes`);
    assert.equal(log.totalLogBytes, sizes.reduce((a, b) => a + b, 0), 'FileTxnLog.getTotalLogSize: every file, padded');
    assert.equal(log.currentFileLengthBytes, sizes[sizes.length - 1]);
    assert.deepEqual([...readLoggedTxns(logDir)].map((r) => txnBytes(r.txn)), txns.map(txnBytes));
    log.resetTotalLogBytes();
    assert.equal(log.totalLogBytes, sizes[sizes.length - 1], 'after a reset only the current file counts');
  } finally {
    rmDir(dir);
  }
});

test('without a size limit the log never rolls by itself; roll() adds the file to the running total', async () => {
  const dir = tmpDir();
  try {
    const logDir = path.join(dir, 'version-2');
    const log = await TxnLog.open(logDir, opts({ preAllocSizeBytes: 16 * 1024, forceSync: false }));
    for (const t of sampleTxns(1n, 3000)) log.append(t);
    await log.flush();
    const first = log.currentFileLengthBytes;
    log.roll();
    assert.equal(log.currentFileLengthBytes, 0);
    assert.equal(log.totalLogBytes, first);
    log.append(sampleTxn(5000n));
    await log.close();
    const sizes = listLogFiles(logDir).map((f) => fs.statSync(f.file).size);
    assert.deepEqual(sizes, [first, 16 + 16 * 1024]);
    assert.equal(log.totalLogBytes, first + sizes[1]);
  } finally {
    rmDir(dir);
  }
});

test('appendEncoded logs a serialized txn (a quorum proposal) byte for byte as append logs the txn', async () => {
  const dirs = [tmpDir(), tmpDir()];
  try {
    const txns = sampleTxns(0x100000001n, 4);
    const files: Buffer[] = [];
    for (const [i, dir] of dirs.entries()) {
      const log = await TxnLog.open(path.join(dir, 'version-2'), opts());
      for (const t of txns) (i === 0 ? log.append(t) : log.appendEncoded(encodeTxn(t)));
      await log.flush();
      await log.close();
      files.push(fs.readFileSync(path.join(dir, 'version-2', 'log.100000001')));
    }
    assert.ok(files[0]!.equals(files[1]!));
    assert.deepEqual([...readLoggedTxns(path.join(dirs[1]!, 'version-2'))].map((r) => r.txn.hdr.zxid), txns.map((t) => t.hdr.zxid));
  } finally {
    for (const d of dirs) rmDir(d);
  }
});

test("the next batch's fdatasync is issued before the flushes of the batch just made durable resolve", async () => {
  const dir = tmpDir();
  try {
    const events: string[] = [];
    const syncs: (() => void)[] = [];
    const io: TxnLogIo = {
      ...defaultTxnLogIo,
      fdatasync: (fd) => {
        events.push(`fdatasync ${syncs.length + 1}`);
        return defaultTxnLogIo.fdatasync(fd).then(() => new Promise<void>((resolve) => syncs.push(resolve)));
      },
    };
    const log = await TxnLog.open(dir, opts({ io }));
    const until = async (cond: () => boolean) => {
      while (!cond()) await new Promise((r) => setTimeout(r, 1));
    };
    log.append(sampleTxn(1n));
    const first = log.flush().then(() => events.push('flush 1 resolved'));
    await until(() => syncs.length === 1);
    log.append(sampleTxn(2n));
    const second = log.flush().then(() => events.push('flush 2 resolved'));
    syncs[0]!();
    await until(() => syncs.length === 2);
    syncs[1]!();
    await Promise.all([first, second]);
    await log.close();
    assert.deepEqual(events, ['fdatasync 1', 'fdatasync 2', 'flush 1 resolved', 'flush 2 resolved']);
    assert.equal([...readLoggedTxns(dir)].length, 2);
  } finally {
    rmDir(dir);
  }
});

test('zeros ahead of the write position grow with each batch by about what it wrote, not a chunk at a time', async () => {
  const dir = tmpDir();
  try {
    // Bytes written (txns and zeros) between one fdatasync and the next: what each sync carries.
    const perSync: number[] = [];
    let written = 0;
    const io: TxnLogIo = {
      ...defaultTxnLogIo,
      write: (fd, buf, offset, length, position) => ((written += length), defaultTxnLogIo.write(fd, buf, offset, length, position)),
      fdatasync: (fd) => (perSync.push(written), (written = 0), defaultTxnLogIo.fdatasync(fd)),
    };
    const log = await TxnLog.open(dir, opts({ io, preAllocSizeBytes: 64 * 1024 * 1024 }));
    let zxid = 0n;
    let batchBytes = 0;
    for (let batch = 0; batch < 300; batch++) {
      const before = log.currentFileBytes;
      for (let i = 0; i < 50; i++) log.append(sampleTxn(++zxid));
      batchBytes = Math.max(batchBytes, log.currentFileBytes - before);
      await log.flush();
    }
    await log.close();
    assert.ok(log.currentFileBytes > 1024 * 1024, 'the log passed the first megabyte of zeros');
    // The first sync of the file carries the first window of zeros; every later one its data and as much again, in pages.
    const later = perSync.slice(1);
    assert.ok(later.length >= 299);
    assert.ok(Math.max(...later) <= 2 * batchBytes + 2 * 4096, `at most ${Math.max(...later)} bytes per sync for batches of ${batchBytes}`);
    assert.equal([...readLoggedTxns(dir)].length, 300 * 50);
  } finally {
    rmDir(dir);
  }
});
