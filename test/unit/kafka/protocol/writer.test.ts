import assert from 'node:assert/strict';
import { test } from 'node:test';

import { encodeRequest } from '../../../../src/kafka/protocol/codec.js';
import { ApiKey } from '../../../../src/kafka/protocol/schemas/index.js';
import { KafkaWriter } from '../../../../src/kafka/protocol/writer.js';

test('growth past the first buffer keeps every byte in order (chunks, then one join)', () => {
  const w = new KafkaWriter(16);
  const expected: Buffer[] = [];
  for (let i = 0; i < 5000; i++) {
    w.int32(i);
    const b = Buffer.alloc(4);
    b.writeInt32BE(i);
    expected.push(b);
    if (i % 997 === 0) {
      const blob = Buffer.alloc(5000, i & 0xff);
      w.raw(blob);
      expected.push(blob);
    }
  }
  const want = Buffer.concat(expected);
  assert.equal(w.length, want.length);
  assert.ok(w.toBuffer().equals(want));
  assert.ok(Buffer.concat(w.toChunks()).equals(want));
});

test('a large records blob is passed by reference, not copied, into the request chunks', () => {
  const records = Buffer.alloc(1024 * 1024, 0x5a);
  const chunks = encodeRequest(
    { apiKey: ApiKey.Produce, apiVersion: 7, correlationId: 1, clientId: null },
    { transactionalId: null, acks: 1, timeoutMs: 1000, topicData: [{ name: 't', partitionData: [{ index: 0, records }] }] },
  );
  assert.ok(chunks.some((c) => c === records), 'the caller\'s Buffer object is one of the chunks');
  const total = chunks.reduce((n, c) => n + c.length, 0);
  assert.equal(chunks[0].readInt32BE(0), total - 4, 'size prefix counts every chunk after it');
});
