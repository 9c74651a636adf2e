import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { BatchScanner, recordBatches } from '../../../../../src/kafka/protocol/records/batch-scanner.js';
import { buildEndTxnMarker, controlRecordType, parseEndTxnMarkerValue } from '../../../../../src/kafka/protocol/records/control-records.js';
import { crc32, crc32c, crc32cBackend, crc32cJs } from '../../../../../src/kafka/protocol/records/crc32c.js';
import { RecordsError } from '../../../../../src/kafka/protocol/records/errors.js';
import { RecordBatchView, TimestampType } from '../../../../../src/kafka/protocol/records/record-batch.js';
import { buildRecordBatch, buildRecordBatchSync } from '../../../../../src/kafka/protocol/records/record-batch-builder.js';
import { RecordCursor, RecordReader, readRecords } from '../../../../../src/kafka/protocol/records/record-reader.js';
import { readVarint, readVarlong, sizeOfVarlong, writeVarint, writeVarlong } from '../../../../../src/kafka/protocol/records/record-varint.js';

// One record (key "k", value "v", timestamp 1000), producer 7 epoch 1 sequence 3; CRC-32C computed independently.
const GOLDEN_BATCH = Buffer.from(
  '0000000000000000' + '0000003a' + 'ffffffff' + '02' + 'dfc111b7' + '0000' + '00000000' + '00000000000003e8' + '00000000000003e8' +
    '0000000000000007' + '0001' + '00000003' + '00000001' + '10000000026b027600',
  'hex',
);

/** sse4_crc32 is an optional dependency: expected to serve CRC-32C where it installed and the CPU has the instruction. */
function sse4Expected(): boolean {
  try {
    createRequire(import.meta.url).resolve('sse4_crc32');
  } catch {
    return false;
  }
  return existsSync('/proc/cpuinfo') && /^flags\s*:.*\bsse4_2\b/m.test(readFileSync('/proc/cpuinfo', 'utf8'));
}

const isRecordsError = (code: number) => (error: unknown) => error instanceof RecordsError && error.errorCode === code;

describe('CRC', () => {
  it('uses a native binary (sse4_crc32 when it built and the CPU has SSE 4.2) and matches the check values and the JS tables', () => {
    assert.equal(crc32cBackend(), sse4Expected() ? 'sse4.2' : 'native');
    assert.equal(crc32c(Buffer.from('123456789')), 0xe3069283);
    assert.equal(crc32(Buffer.from('123456789')), 0xcbf43926);
    for (const size of [0, 1, 7, 127, 128, 4096, 100_003]) {
      const buf = randomBytes(size);
      assert.equal(crc32c(buf), crc32cJs(buf), `size ${size}`);
      assert.equal(crc32c(buf.subarray(size >> 1), crc32c(buf.subarray(0, size >> 1))), crc32c(buf), `chained, size ${size}`);
    }
  });
});

describe('zigzag varints', () => {
  it('encodes as protobuf sint32/sint64', () => {
    const cases: [number, string][] = [
      [0, '00'], [-1, '01'], [1, '02'], [-64, '7f'], [64, '8001'], [300, 'd804'],
      [2147483647, 'feffffff0f'], [-2147483648, 'ffffffff0f'], [1700000000000, '80a0abfef962'], [-1700000000001, '81a0abfef962'],
    ];
    for (const [value, hex] of cases) {
      const buf = Buffer.alloc(10);
      const end = writeVarlong(buf, 0, value);
      assert.equal(buf.subarray(0, end).toString('hex'), hex, `write ${value}`);
      assert.equal(sizeOfVarlong(value), hex.length / 2);
      const cursor = { pos: 0 };
      assert.equal(readVarlong(buf, cursor, end), value, `read ${value}`);
      assert.equal(cursor.pos, end);
      if (Math.abs(value) <= 2147483647) assert.equal(readVarint(buf, { pos: 0 }, end), value);
    }
    const small = Buffer.alloc(5);
    assert.equal(writeVarint(small, 0, -2147483648), 5);
  });

  it('rejects overlong and truncated varints', () => {
    assert.throws(() => readVarint(Buffer.from('ffffffffff01', 'hex'), { pos: 0 }, 6), isRecordsError(87));
    assert.throws(() => readVarint(Buffer.from('ff', 'hex'), { pos: 0 }, 1), isRecordsError(87));
    assert.throws(() => readVarlong(Buffer.from('ffffffffffffffffffff01', 'hex'), { pos: 0 }, 11), isRecordsError(87));
  });
});

describe('record batch v2', () => {
  it('builds the exact bytes and reads every header field without decoding records', () => {
    const built = buildRecordBatchSync([{ key: 'k', value: 'v', timestamp: 1000 }], { producerId: 7, producerEpoch: 1, baseSequence: 3 });
    assert.equal(built.toString('hex'), GOLDEN_BATCH.toString('hex'));
    const b = new RecordBatchView(GOLDEN_BATCH);
    assert.deepEqual(
      [b.baseOffset, b.batchLength, b.sizeInBytes, b.partitionLeaderEpoch, b.magic, b.crc, b.attributes, b.compression, b.timestampType],
      [0, 58, 70, -1, 2, 0xdfc111b7, 0, 0, 0],
    );
    assert.deepEqual(
      [b.isTransactional, b.isControl, b.lastOffsetDelta, b.baseTimestamp, b.maxTimestamp, b.producerId, b.producerEpoch, b.baseSequence, b.recordCount, b.lastSequence],
      [false, false, 0, 1000, 1000, 7, 1, 3, 1, 3],
    );
    b.ensureValid();
  });

  it('fails validation when any bit covered by the CRC flips', () => {
    for (const byte of [21, 30, 60, GOLDEN_BATCH.length - 1]) {
      for (const bit of [0, 7]) {
        const copy = Buffer.from(GOLDEN_BATCH);
        copy[byte] ^= 1 << bit;
        const view = new RecordBatchView(copy);
        assert.equal(view.isValid(), false, `byte ${byte} bit ${bit}`);
        assert.throws(() => view.ensureValid(), isRecordsError(2));
      }
    }
  });

  it('rewrites base offset and leader epoch in place without touching the CRC, and stamps LogAppendTime with a new CRC', async () => {
    const copy = Buffer.from(GOLDEN_BATCH);
    const view = new RecordBatchView(copy);
    view.setLastOffset(1_234_567_890_123);
    view.setPartitionLeaderEpoch(9);
    assert.equal(copy.subarray(0, 8).toString('hex'), '0000011f71fb04cb');
    assert.equal(view.partitionLeaderEpoch, 9);
    assert.equal(view.crc, 0xdfc111b7);
    view.ensureValid();
    view.setMaxTimestamp(TimestampType.CREATE_TIME, 1000);
    assert.equal(view.crc, 0xdfc111b7, 'no change, no new CRC');
    view.setMaxTimestamp(TimestampType.LOG_APPEND_TIME, 5555);
    assert.equal(view.timestampType, TimestampType.LOG_APPEND_TIME);
    assert.equal(copy[22], 0x08);
    assert.notEqual(view.crc, 0xdfc111b7);
    view.ensureValid();
    const [record] = await readRecords(view);
    assert.equal(record.offset, 1_234_567_890_123);
    assert.equal(record.timestamp, 5555, 'LogAppendTime: every record reads maxTimestamp');
  });

  it('iterates concatenated batches and skips a truncated last batch as Fetch clients do', async () => {
    const a = buildRecordBatchSync([{ value: 'a' }, { value: 'b' }], { baseOffset: 10, now: 1 });
    const b = await buildRecordBatch([{ value: 'c'.repeat(500) }], { baseOffset: 12, compression: 1, now: 2 });
    const whole = Buffer.concat([a, b]);
    for (let cut = 0; cut <= whole.length; cut++) {
      const blob = whole.subarray(0, cut);
      const offsets = [...recordBatches(blob)].map((v) => v.baseOffset);
      const expected = cut === whole.length ? [10, 12] : cut >= a.length ? [10] : [];
      assert.deepEqual(offsets, expected, `cut at ${cut}`);
      const scanner = new BatchScanner(blob);
      while (scanner.next());
      assert.equal(scanner.partialTailBytes, cut - (expected.length === 2 ? whole.length : expected.length === 1 ? a.length : 0));
    }
    const reused = [...recordBatches(whole, { reuseView: true })];
    assert.equal(reused[0], reused[1], 'one view object re-pointed');
  });

  it('rejects impossible sizes and unknown magic', () => {
    const small = Buffer.from(GOLDEN_BATCH);
    small.writeInt32BE(13, 8);
    assert.throws(() => new BatchScanner(small).next(), isRecordsError(2));
    const magic = Buffer.from(GOLDEN_BATCH);
    magic[16] = 3;
    assert.throws(() => new BatchScanner(magic).next(), isRecordsError(2));
    const short = Buffer.from(GOLDEN_BATCH);
    short.writeInt32BE(40, 8);
    assert.throws(() => new BatchScanner(short).next(), isRecordsError(2));
    assert.throws(() => new BatchScanner(GOLDEN_BATCH, 0, GOLDEN_BATCH.length, 50).next(), isRecordsError(2));
  });

  it('decodes records: null key and value, headers, timestamps, sequences wrapping at 2^31', async () => {
    const batch = await buildRecordBatch(
      [
        { key: null, value: null, timestamp: 5000, headers: [{ key: 'h1', value: 'x' }, { key: 'h2', value: null }] },
        { key: Buffer.from([0, 1]), value: '', timestamp: 4000 },
        { key: 'z', value: 'last', timestamp: 9000, offsetDelta: 5 },
      ],
      { baseOffset: 100, producerId: 1, producerEpoch: 0, baseSequence: 2147483646, isTransactional: true },
    );
    const view = new RecordBatchView(batch);
    assert.deepEqual([view.baseTimestamp, view.maxTimestamp, view.lastOffsetDelta, view.recordCount, view.isTransactional], [5000, 9000, 5, 3, true]);
    const records = await readRecords(view);
    assert.deepEqual(
      records.map((r) => [r.offset, r.timestamp, r.key?.toString('hex') ?? null, r.value?.toString() ?? null, r.sequence]),
      [
        [100, 5000, null, null, 2147483646],
        [101, 4000, '0001', '', 2147483647],
        [105, 9000, '7a', 'last', 3],
      ],
    );
    assert.deepEqual(records[0].headers.map((h) => [h.key, h.value?.toString() ?? null]), [['h1', 'x'], ['h2', null]]);
  });

  it('walks records with one cursor and rejects records that do not add up', () => {
    const batch = buildRecordBatchSync([{ value: 'aa' }, { value: 'bb' }], { now: 1 });
    const view = new RecordBatchView(batch);
    const data = view.recordsBytes();
    const cursor = new RecordCursor();
    const reader = new RecordReader(data, 2);
    const values: string[] = [];
    while (reader.next(cursor)) values.push(data.toString('utf8', cursor.valueStart, cursor.valueStart + cursor.valueLength));
    assert.deepEqual(values, ['aa', 'bb']);
    const tooFew = new RecordReader(data, 3);
    assert.throws(() => { while (tooFew.next(cursor)); }, isRecordsError(87));
    const tooMany = new RecordReader(data, 1);
    assert.throws(() => { while (tooMany.next(cursor)); }, isRecordsError(87));
    const badLength = Buffer.from(data);
    badLength[0] += 2;
    assert.throws(() => { const r = new RecordReader(badLength, 2); while (r.next(cursor)); }, isRecordsError(87));
  });

  it('writes transaction markers as control batches', async () => {
    const marker = buildEndTxnMarker({ producerId: 42, producerEpoch: 3, commit: true, coordinatorEpoch: 17, timestamp: 77 });
    const view = new RecordBatchView(marker);
    view.ensureValid();
    assert.deepEqual([view.isControl, view.isTransactional, view.producerId, view.producerEpoch, view.baseSequence, view.compression], [true, true, 42, 3, -1, 0]);
    const [record] = await readRecords(view);
    assert.equal(record.key!.toString('hex'), '00000001');
    assert.equal(controlRecordType(record.key), 1);
    assert.deepEqual(parseEndTxnMarkerValue(record.value), { version: 0, coordinatorEpoch: 17 });
  });

  it('refuses producer states Kafka refuses', () => {
    assert.throws(() => buildRecordBatchSync([{ value: 'x' }], { isTransactional: true }), RangeError);
    assert.throws(() => buildRecordBatchSync([{ value: 'x' }], { producerId: 1, producerEpoch: 0 }), RangeError);
    assert.throws(() => buildRecordBatchSync([], {}), RangeError);
    assert.throws(() => buildRecordBatchSync([{ value: 'x', offsetDelta: 1 }, { value: 'y', offsetDelta: 1 }], {}), RangeError);
  });
});
