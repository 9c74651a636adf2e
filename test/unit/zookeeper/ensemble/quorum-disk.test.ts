import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { OpCode } from '../../../../src/zookeeper/jute/constants.js';
import { QuorumDisk, readEpochFile, readMyId } from '../../../../src/zookeeper/ensemble/quorum-disk.js';
import { readLoggedTxns } from '../../../../src/zookeeper/storage/txn-log-reader.js';
import { TxnLog } from '../../../../src/zookeeper/storage/txn-log.js';
import { encodeTxn } from '../../../../src/zookeeper/tree/txn.js';
import type { PersistOp } from '../../../../src/zookeeper/quorum/zab/types.js';

function tempDir(t: { after(fn: () => void): void }): string {
  const dir = mkdtempSync(join(tmpdir(), 'zkafka-quorum-disk-'));
  t.after(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

const txn = (zxid: bigint) => ({
  zxid,
  data: encodeTxn({ hdr: { clientId: 0x42n, cxid: 0, zxid, time: 0n, type: OpCode.createSession }, body: { type: OpCode.createSession, record: { timeOut: 4000 } } }),
});

test('myid: the first line as a positive integer; missing or malformed is an error naming the file', (t) => {
  const dir = tempDir(t);
  assert.throws(() => readMyId(dir), { message: `${join(dir, 'myid')} file is missing` });
  writeFileSync(join(dir, 'myid'), '3\nignored\n');
  assert.equal(readMyId(dir), 3);
  writeFileSync(join(dir, 'myid'), 'three\n');
  assert.throws(() => readMyId(dir), /serverid three is not a number/);
});

test('a missing epoch file is recreated from the epoch of the last logged zxid', (t) => {
  const dir = tempDir(t);
  assert.equal(readEpochFile(dir, 'acceptedEpoch', 0x300000005n), 3);
  assert.equal(readFileSync(join(dir, 'acceptedEpoch'), 'utf8'), '3');
  writeFileSync(join(dir, 'currentEpoch'), '7');
  assert.equal(readEpochFile(dir, 'currentEpoch', 0n), 7);
});

test('persist effects run in order, each done only once on disk: epochs, appends, a truncate', async (t) => {
  const dir = tempDir(t);
  let log = await TxnLog.open(dir, { preAllocSizeBytes: 4096, forceSync: true, fsyncWarningThresholdMs: 1000 });
  t.after(() => log.close());
  const disk = new QuorumDisk({ snapDir: dir, logDir: dir, txnLog: () => log, reopenTxnLog: async () => void (log = await TxnLog.open(dir, { preAllocSizeBytes: 4096, forceSync: true, fsyncWarningThresholdMs: 1000 })), log: () => {} });
  const done: string[] = [];
  const run = (name: string, ops: PersistOp[]) =>
    new Promise<void>((resolve, reject) => disk.persist(ops, () => {
      done.push(name);
      resolve();
    }, reject));
  const first = run('epoch', [{ op: 'accepted-epoch', epoch: 4 }]);
  const second = run('sync', [{ op: 'append', txns: [txn(0x400000001n), txn(0x400000002n), txn(0x400000003n)] }, { op: 'current-epoch', epoch: 4 }]);
  await Promise.all([first, second]);
  assert.deepEqual(done, ['epoch', 'sync']);
  assert.equal(readFileSync(join(dir, 'acceptedEpoch'), 'utf8'), '4');
  assert.equal(readFileSync(join(dir, 'currentEpoch'), 'utf8'), '4');
  assert.deepEqual([...readLoggedTxns(dir)].map((e) => e.txn.hdr.zxid), [0x400000001n, 0x400000002n, 0x400000003n]);

  await run('trunc', [{ op: 'truncate', zxid: 0x400000001n }, { op: 'append', txns: [txn(0x500000001n)] }]);
  assert.deepEqual([...readLoggedTxns(dir)].map((e) => e.txn.hdr.zxid), [0x400000001n, 0x500000001n]);
});
