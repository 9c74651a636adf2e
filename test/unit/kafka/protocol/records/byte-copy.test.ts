// copyBytes: every length around the word size and the long-range switch, at unaligned offsets in both buffers, and
// a value-only record written by BatchWriter.appendValue reads back as the same record append() writes.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { copyBytes } from '../../../../../src/kafka/protocol/records/byte-copy.js';
import { BatchWriter } from '../../../../../src/kafka/client/producer/batch-writer.js';

test('copyBytes copies exactly [start, end) to pos and touches nothing around it', () => {
  const src = Buffer.alloc(2048);
  for (let i = 0; i < src.length; i++) src[i] = (i * 131 + 7) & 0xff;
  for (const n of [0, 1, 3, 4, 5, 7, 8, 9, 31, 100, 255, 511, 512, 513, 1000]) {
    for (const [start, pos] of [[0, 0], [1, 3], [5, 2], [7, 11]] as const) {
      const dst = Buffer.alloc(1200, 0xee);
      const view = new DataView(dst.buffer, dst.byteOffset, dst.byteLength);
      copyBytes(src, start, start + n, dst, view, pos);
      assert.deepEqual(dst.subarray(pos, pos + n), src.subarray(start, start + n), `n=${n} start=${start} pos=${pos}`);
      assert.ok(dst.subarray(0, pos).every((b) => b === 0xee));
      assert.ok(dst.subarray(pos + n).every((b) => b === 0xee));
    }
  }
});

test('appendValue writes the record append() writes for a value with no key or headers', async () => {
  const block = Buffer.from('xxfirst value\nsecond, a longer value to cross a few words\n');
  const a = new BatchWriter(1024);
  const b = new BatchWriter(1024);
  const spans: [number, number][] = [[2, 13], [14, block.length - 1], [14, 14]];
  for (const [i, [start, end]] of spans.entries()) {
    a.appendValue(block, start, end, 1_700_000_000_000 + i);
    b.append(null, Buffer.from(block.subarray(start, end)), [], 1_700_000_000_000 + i);
  }
  const id = { compression: 0, producerId: -1n, producerEpoch: -1, baseSequence: -1 };
  assert.deepEqual(await a.seal(id), await b.seal(id));
  assert.deepEqual([...a.records()].map((r) => r.value!.toString()), ['first value', 'second, a longer value to cross a few words', '']);
});
