import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { encodeAbortedTxn, TransactionIndex, TXN_INDEX_ENTRY_BYTES } from '../../../../src/kafka/storage/transaction-index.js';
import { applyAppendedBatches, ProducerStateManager } from '../../../../src/kafka/broker/replica/producer-state.js';
import { loadProducerState } from '../../../../src/kafka/broker/replica/producer-state-loader.js';
import { buildEndTxnMarker, buildRecordBatchSync } from '../../../../src/kafka/protocol/records/index.js';
import { kafkaTempDir, openTestLog, testConfig } from '../../../support/kafka-log.js';

test('entries are 34 bytes in Kafka layout: int16 version 0, producerId, firstOffset, lastOffset, lastStableOffset', async () => {
  const tmp = kafkaTempDir('txnindex-');
  try {
    const file = join(tmp.path, '00000000000000000000.txnindex');
    const index = await TransactionIndex.create(file);
    assert.equal(fs.existsSync(file), false, 'created by its first entry, as Kafka does');
    await index.append({ producerId: 0x0102030405, firstOffset: 7, lastOffset: 9, lastStableOffset: 10 });
    await index.append({ producerId: 2, firstOffset: 11, lastOffset: 300, lastStableOffset: 12 });
    await index.close();
    const bytes = fs.readFileSync(file);
    assert.equal(TXN_INDEX_ENTRY_BYTES, 34);
    assert.equal(bytes.toString('hex'),
      '0000' + '0000000102030405' + '0000000000000007' + '0000000000000009' + '000000000000000a'
      + '0000' + '0000000000000002' + '000000000000000b' + '000000000000012c' + '000000000000000c');
    await assert.rejects(index.append({ producerId: 3, firstOffset: 1, lastOffset: 300, lastStableOffset: 301 }), RangeError);
  } finally {
    tmp.remove();
  }
});

test('a torn tail is cut when opened; truncation drops entries whose marker is at or after the offset', async () => {
  const tmp = kafkaTempDir('txnindex-');
  try {
    const file = join(tmp.path, '00000000000000000000.txnindex');
    const index = await TransactionIndex.create(file);
    for (let i = 0; i < 3; i++) await index.append({ producerId: i, firstOffset: i * 10, lastOffset: i * 10 + 5, lastStableOffset: i * 10 + 6 });
    await index.close();
    fs.appendFileSync(file, Buffer.alloc(20, 1));
    const reopened = await TransactionIndex.open(file);
    assert.equal(reopened.entryCount, 3);
    assert.equal(reopened.lastOffset, 25);
    assert.equal(fs.statSync(file).size, 3 * 34);
    await reopened.truncateTo(16);
    assert.deepEqual([...reopened.entries()].map((e) => e.producerId), [0, 1]);
    assert.equal(reopened.lastOffset, 15);
    assert.equal(fs.statSync(file).size, 2 * 34);
    assert.equal(await reopened.appendIfNew({ producerId: 1, firstOffset: 10, lastOffset: 15, lastStableOffset: 16 }), false);
    await reopened.close();
  } finally {
    tmp.remove();
  }
});

test("collect is Kafka's collectAbortedTxns: overlapping entries, complete once a last stable offset reaches the bound", async () => {
  const tmp = kafkaTempDir('txnindex-');
  try {
    const index = await TransactionIndex.create(join(tmp.path, '00000000000000000000.txnindex'));
    await index.append({ producerId: 1, firstOffset: 0, lastOffset: 4, lastStableOffset: 2 });
    await index.append({ producerId: 2, firstOffset: 2, lastOffset: 8, lastStableOffset: 9 });
    await index.append({ producerId: 3, firstOffset: 20, lastOffset: 25, lastStableOffset: 26 });
    assert.deepEqual(index.collect(5, 9).aborted.map((e) => e.producerId), [2]);
    assert.equal(index.collect(5, 9).complete, true);
    assert.deepEqual(index.collect(0, 3).aborted.map((e) => e.producerId), [1, 2]);
    assert.deepEqual(index.collect(9, 30), { aborted: [{ producerId: 3, firstOffset: 20, lastOffset: 25, lastStableOffset: 26 }], complete: false });
    await index.close();
  } finally {
    tmp.remove();
  }
});

test('thousands of entries across read chunks: found by marker offset, truncated and reopened, read from the file', async () => {
  const tmp = kafkaTempDir('txnindex-');
  try {
    const file = join(tmp.path, '00000000000000000000.txnindex');
    const index = await TransactionIndex.create(file);
    const entry = (i: number) => ({ producerId: i, firstOffset: i * 3, lastOffset: i * 3 + 1, lastStableOffset: i * 3 + 2 });
    for (let i = 0; i < 5000; i++) await index.append(entry(i));
    assert.deepEqual(index.collect(3000, 3010), { aborted: [entry(1000), entry(1001), entry(1002), entry(1003)], complete: true });
    assert.deepEqual(index.collect(14_998, 20_000), { aborted: [entry(4999)], complete: false });
    assert.deepEqual([...index.entries(6145)].map((e) => e.producerId).slice(0, 2), [2048, 2049]);
    // The entries live in the file: one rewritten there is what a search returns.
    const changed = { ...entry(2500), producerId: 77 };
    const fd = fs.openSync(file, 'r+');
    fs.writeSync(fd, Buffer.from(encodeAbortedTxn(changed)), 0, TXN_INDEX_ENTRY_BYTES, 2500 * TXN_INDEX_ENTRY_BYTES);
    fs.closeSync(fd);
    assert.deepEqual(index.collect(7501, 7502).aborted, [changed]);
    await index.truncateTo(3001);
    assert.equal(index.entryCount, 1000);
    assert.equal(index.lastOffset, 2998);
    await index.close();
    // A torn entry behind the 1000 whole ones is cut when the file is opened again.
    fs.appendFileSync(file, Buffer.alloc(TXN_INDEX_ENTRY_BYTES, 0xff));
    const reopened = await TransactionIndex.open(file);
    assert.equal(reopened.entryCount, 1000);
    assert.equal(fs.statSync(file).size, 1000 * TXN_INDEX_ENTRY_BYTES);
    assert.deepEqual([...reopened.entries(2998)], [entry(999)]);
    await reopened.append(entry(1000));
    assert.equal(reopened.entryCount, 1001);
    await reopened.close();
  } finally {
    tmp.remove();
  }
});

test("a segment's .txnindex is written by its ABORT markers and goes with the segment: retention and truncation", async () => {
  const tmp = kafkaTempDir('txnindex-log-');
  try {
    const dir = join(tmp.path, 'txn-0');
    const { log, scheduler } = await openTestLog(dir, testConfig());
    const state = new ProducerStateManager();
    await loadProducerState(log, state, 0);
    const put = (batch: Buffer) => log.appendAsLeader(batch, 0, (blob) => applyAppendedBatches(state, blob, 0));
    await put(buildRecordBatchSync([{ value: 'a' }], { producerId: 5, producerEpoch: 0, baseSequence: 0, isTransactional: true }));
    await put(buildEndTxnMarker({ producerId: 5, producerEpoch: 0, commit: false, coordinatorEpoch: 0, timestamp: 0 }));
    await log.roll();
    await put(buildRecordBatchSync([{ value: 'b' }], { producerId: 6, producerEpoch: 0, baseSequence: 0, isTransactional: true }));
    await put(buildEndTxnMarker({ producerId: 6, producerEpoch: 0, commit: false, coordinatorEpoch: 0, timestamp: 0 }));
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('.txnindex')).sort(), ['00000000000000000000.txnindex', '00000000000000000002.txnindex']);
    assert.deepEqual(log.collectAbortedTxns(0, 4).map((t) => [t.producerId, t.firstOffset, t.lastOffset, t.lastStableOffset]), [[5, 0, 1, 2], [6, 2, 3, 4]]);
    // Truncation below the second marker drops its entry.
    await log.truncateTo(3);
    assert.deepEqual(log.collectAbortedTxns(0, 4).map((t) => t.producerId), [5]);
    assert.equal(fs.statSync(join(dir, '00000000000000000002.txnindex')).size, 0);
    // Retention of the first segment takes its .txnindex along (renamed .deleted, then removed).
    log.updateHighWatermark(log.logEndOffset);
    await log.deleteRecordsTo(2);
    assert.equal(await log.deleteOldSegments(), 1);
    assert.ok(fs.existsSync(join(dir, '00000000000000000000.txnindex.deleted')));
    await scheduler.advance(log.config.fileDeleteDelayMs);
    assert.deepEqual(fs.readdirSync(dir).filter((n) => n.includes('.txnindex')), ['00000000000000000002.txnindex']);
    await log.close();
  } finally {
    tmp.remove();
  }
});
