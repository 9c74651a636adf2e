// The Kafka load generator's prebuilt frames are what a broker would accept and send: requests decode with the
// project's codec and carry the patched correlation id, and the raw server's responses read back as the broker's do.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiKey, decodeRequest } from '../../../src/kafka/protocol/index.js';
import type { ProduceRequest } from '../../../src/kafka/protocol/schemas/produce.js';
import { crc32c } from '../../../src/kafka/protocol/records/index.js';
import {
  fetchResponseTemplate, produceError, produceRequestTemplate, produceResponseTemplate, recordBatch, recordsPerBatch, requestFrame, responseFrame, tallyFetch,
} from '../../../bench/kafka/load-frames.js';

test('a produce request template sent with a correlation id decodes to one intact batch per partition', () => {
  const batch = recordBatch(15);
  const frame = Buffer.concat(requestFrame(produceRequestTemplate('t', 3, batch, -1), 4242));
  assert.equal(frame.readInt32BE(0), frame.length - 4);
  const { header, body: decoded } = decodeRequest(frame, 4);
  const body = decoded as ProduceRequest;
  assert.equal(header.requestApiKey, ApiKey.Produce);
  assert.equal(header.correlationId, 4242);
  assert.equal(body.acks, -1);
  assert.deepEqual(body.topicData.map((t) => t.name), ['t']);
  assert.deepEqual(body.topicData[0]!.partitionData.map((p) => p.index), [0, 1, 2]);
  for (const p of body.topicData[0]!.partitionData) assert.ok(p.records?.equals(batch));
  // The CRC covers attributes to the end and was computed when the batch was built.
  assert.equal(batch.readUInt32BE(17), crc32c(batch.subarray(21)));
});

test('batches sized for a byte budget stay within it with as many 1 KiB records as fit', () => {
  for (const bytes of [16 * 1024, 1024 * 1024]) {
    const n = recordsPerBatch(bytes);
    assert.ok(recordBatch(n).length <= bytes);
    assert.ok(recordBatch(n + 1).length > bytes);
  }
});

test('the raw server responses read back: no produce error, every fetched record counted and offsets advanced', () => {
  const produced = Buffer.concat(responseFrame(produceResponseTemplate('t', 8), 7));
  assert.equal(produced.readInt32BE(4), 7);
  assert.equal(produceError(produced.subarray(4)), 0);

  const batch = recordBatch(10);
  const fetched = Buffer.concat(responseFrame(fetchResponseTemplate('t', 2, 3 * batch.length + 5, batch), 9));
  assert.equal(fetched.readInt32BE(4), 9);
  const offsets = [0, 0];
  const tally = tallyFetch(fetched.subarray(4), offsets);
  assert.deepEqual(tally, { records: 60, bytes: 6 * batch.length, error: 0 });
  assert.deepEqual(offsets, [30, 30]);
});
