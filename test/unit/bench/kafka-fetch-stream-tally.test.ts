// The load generator's streaming tally of Fetch responses counts what tallyFetch counts on the whole frame, however
// the bytes are split across socket reads, and moves the same offsets.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { ApiKey, encodeResponse } from '../../../src/kafka/protocol/index.js';
import { FetchStreamTally } from '../../../bench/kafka/fetch-stream-tally.js';
import { FETCH_VERSION, fetchResponseTemplate, recordBatch, responseFrame, tallyFetch, type FetchTally } from '../../../bench/kafka/load-frames.js';

function streamed(frames: Buffer[], partitions: number, chunkBytes: number): { tallies: FetchTally[]; offsets: number[] } {
  const offsets = new Array<number>(partitions).fill(0);
  const tallies: FetchTally[] = [];
  const s = new FetchStreamTally(offsets, (t) => tallies.push({ ...t }));
  const all = Buffer.concat(frames);
  for (let pos = 0; pos < all.length; pos += chunkBytes) s.push(all.subarray(pos, pos + chunkBytes));
  return { tallies, offsets };
}

test('streamed fetch responses split at any byte count tally as the whole frames do', () => {
  const batch = recordBatch(3);
  // Three whole batches and a partial one per partition, two responses back to back.
  const frame = Buffer.concat(responseFrame(fetchResponseTemplate('topic', 3, 3 * batch.length + 100, batch), 5));
  const records = Buffer.concat([frame.subarray(-(3 * batch.length)), batch.subarray(0, 100)]);
  const withPartial = Buffer.concat(encodeResponse(ApiKey.Fetch, FETCH_VERSION, 6, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{ topic: 'topic', partitions: [0, 1, 2].map((partitionIndex) => ({
      partitionIndex, errorCode: partitionIndex === 2 ? 6 : 0, highWatermark: 9n, lastStableOffset: 9n, logStartOffset: 0n,
      abortedTransactions: partitionIndex === 1 ? [{ producerId: 1n, firstOffset: 2n }] : null, preferredReadReplica: -1, records: partitionIndex === 0 ? null : records,
    })) }],
  }));
  const expectedOffsets = [0, 0, 0];
  const expected = [tallyFetch(frame.subarray(4), expectedOffsets), tallyFetch(withPartial.subarray(4), expectedOffsets)];
  assert.equal(expected[0]!.records, 27);
  assert.equal(expected[1]!.error, 6);
  for (const chunkBytes of [1, 2, 7, 61, 64, 1000, frame.length, 1 << 20]) {
    const { tallies, offsets } = streamed([frame, withPartial], 3, chunkBytes);
    assert.deepEqual(tallies, expected, `chunks of ${chunkBytes}`);
    assert.deepEqual(offsets, expectedOffsets, `chunks of ${chunkBytes}`);
  }
});

test('a response without records is tallied as soon as its last byte arrives', () => {
  const empty = Buffer.concat(encodeResponse(ApiKey.Fetch, FETCH_VERSION, 1, {
    throttleTimeMs: 0, errorCode: 0, sessionId: 0,
    responses: [{ topic: '', partitions: [{ partitionIndex: 0, errorCode: 0, highWatermark: 0n, lastStableOffset: 0n, logStartOffset: 0n, abortedTransactions: null, preferredReadReplica: -1, records: null }] }],
  }));
  const { tallies } = streamed([empty], 1, 5);
  assert.deepEqual(tallies, [{ records: 0, bytes: 0, error: 0 }]);
});
