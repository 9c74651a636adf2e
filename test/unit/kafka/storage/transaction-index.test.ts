import { test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import { TransactionIndex, TXN_INDEX_ENTRY_BYTES } from '../../../../src/kafka/storage/transaction-index.js';
import { kafkaTempDir } from '../../../support/kafka-log.js';

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
    assert.equal(reopened.entries.length, 3);
    assert.equal(fs.statSync(file).size, 3 * 34);
    await reopened.truncateTo(16);
    assert.deepEqual(reopened.entries.map((e) => e.producerId), [0, 1]);
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
