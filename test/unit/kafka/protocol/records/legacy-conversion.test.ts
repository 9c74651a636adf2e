import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BatchScanner } from '../../../../../src/kafka/protocol/records/batch-scanner.js';
import { buildEndTxnMarker } from '../../../../../src/kafka/protocol/records/control-records.js';
import { crc32 } from '../../../../../src/kafka/protocol/records/crc32c.js';
import { downConvert } from '../../../../../src/kafka/protocol/records/down-convert.js';
import { RecordsError } from '../../../../../src/kafka/protocol/records/errors.js';
import { buildLegacyMessageSet, LegacyEntryView, readLegacyRecords } from '../../../../../src/kafka/protocol/records/legacy-records.js';
import { RecordBatchView, TimestampType } from '../../../../../src/kafka/protocol/records/record-batch.js';
import { buildRecordBatch, buildRecordBatchSync } from '../../../../../src/kafka/protocol/records/record-batch-builder.js';
import { readRecords } from '../../../../../src/kafka/protocol/records/record-reader.js';
import { upConvert } from '../../../../../src/kafka/protocol/records/up-convert.js';

// Offsets 5 and 6: ("k","v") at 1000 and (null,"w") at 1001; CRC-32 computed independently.
const V2_SOURCE = () =>
  buildRecordBatchSync([{ key: 'k', value: 'v', timestamp: 1000, headers: [{ key: 'dropped', value: 'x' }] }, { key: null, value: 'w', timestamp: 1001 }], { baseOffset: 5 });
const EXPECTED_V1 =
  '000000000000000500000018e4e321bc010000000000000003e8000000016b0000000176' + '00000000000000060000001791733702010000000000000003e9ffffffff0000000177';
const EXPECTED_V0 = '0000000000000005000000101fecd70a0000000000016b0000000176' + '00000000000000060000000fa50b8f630000ffffffff0000000177';

const entries = async (blob: Buffer) => {
  const out: { magic: number; offset: number; records: { offset: number; timestamp: number; key: string | null; value: string | null }[] }[] = [];
  const scanner = new BatchScanner(blob);
  while (scanner.next()) {
    const entry = new LegacyEntryView(blob, scanner.batchStart);
    const records = (await readLegacyRecords(entry)).map((r) => ({ offset: r.offset, timestamp: r.timestamp, key: r.key?.toString() ?? null, value: r.value?.toString() ?? null }));
    out.push({ magic: entry.magic, offset: entry.offset, records });
  }
  return out;
};

describe('down-conversion', () => {
  it('writes uncompressed v2 records as magic 1 and magic 0 messages, byte for byte', async () => {
    assert.equal((await downConvert(V2_SOURCE(), 1)).toString('hex'), EXPECTED_V1);
    assert.equal((await downConvert(V2_SOURCE(), 0)).toString('hex'), EXPECTED_V0);
  });

  it('drops records before the fetch offset from uncompressed batches, control batches, and a partial tail', async () => {
    const marker = buildEndTxnMarker({ producerId: 1, producerEpoch: 0, commit: true, coordinatorEpoch: 0, timestamp: 1, baseOffset: 7 });
    const blob = Buffer.concat([V2_SOURCE(), marker, V2_SOURCE().subarray(0, 30)]);
    assert.equal((await downConvert(blob, 1, { firstOffset: 6 })).toString('hex'), EXPECTED_V1.slice(72));
  });

  it('keeps the codec: a gzip batch becomes one v1 wrapper at the last offset with relative inner offsets', async () => {
    const batch = await buildRecordBatch(
      [{ key: 'a', value: '1', timestamp: 50 }, { key: 'b', value: '2', timestamp: 70 }, { key: 'c', value: '3', timestamp: 60, offsetDelta: 4 }],
      { baseOffset: 20, compression: 1 },
    );
    const converted = await downConvert(batch, 1, { firstOffset: 100 });
    const wrapper = new LegacyEntryView(converted);
    assert.deepEqual([wrapper.magic, wrapper.offset, wrapper.compression, wrapper.timestamp, wrapper.sizeInBytes], [1, 24, 1, 70, converted.length]);
    assert.deepEqual(await entries(converted), [
      { magic: 1, offset: 24, records: [ { offset: 20, timestamp: 50, key: 'a', value: '1' }, { offset: 21, timestamp: 70, key: 'b', value: '2' }, { offset: 24, timestamp: 60, key: 'c', value: '3' } ] },
    ]);
    const v0 = await downConvert(batch, 0);
    assert.deepEqual((await entries(v0))[0].records.map((r) => [r.offset, r.timestamp]), [[20, -1], [21, -1], [24, -1]]);
  });

  it('stamps LogAppendTime from the batch, writes lz4 for magic 0 with the legacy header checksum, and refuses zstd', async () => {
    const lat = await buildRecordBatch([{ value: 'x', timestamp: 1 }], { timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 999, compression: 3 });
    const v1 = await downConvert(lat, 1);
    const wrapper = new LegacyEntryView(v1);
    assert.deepEqual([wrapper.timestampType, wrapper.timestamp], [TimestampType.LOG_APPEND_TIME, 999]);
    assert.equal((await entries(v1))[0].records[0].timestamp, 999);
    const v0 = await downConvert(lat, 0);
    assert.equal(new LegacyEntryView(v0).value![6], 0x1a, 'magic-0 LZ4 frames carry the pre-KIP-57 header checksum');
    const zstd = await buildRecordBatch([{ value: 'x' }], { compression: 4 });
    await assert.rejects(downConvert(zstd, 1), (e: unknown) => e instanceof RecordsError && e.errorCode === 76);
  });

  it('copies entries already at or below the target magic', async () => {
    const v1 = Buffer.from(EXPECTED_V1, 'hex');
    assert.equal((await downConvert(v1, 1)).toString('hex'), EXPECTED_V1);
    assert.equal((await downConvert(v1, 0)).toString('hex'), EXPECTED_V0);
  });
});

describe('legacy message sets', () => {
  it('detects a flipped bit with the CRC-32', () => {
    const blob = Buffer.from(EXPECTED_V1, 'hex');
    blob[30] ^= 4;
    assert.throws(() => new LegacyEntryView(blob).ensureValid(), (e: unknown) => e instanceof RecordsError && e.errorCode === 2);
  });

  it('up-converts a compressed v1 set into one v2 batch as Kafka 2.8 does for Produce v2', async () => {
    const set = await buildLegacyMessageSet(
      [{ offset: 0, timestamp: 10, key: Buffer.from('a'), value: Buffer.from('1') }, { offset: 1, timestamp: 30, key: null, value: Buffer.from('2') }],
      { magic: 1, compression: 2 },
    );
    const { batch, recordCount } = await upConvert(set, { baseOffset: 500, partitionLeaderEpoch: 4, logAppendTime: 77 });
    const view = new RecordBatchView(batch);
    view.ensureValid();
    assert.deepEqual([recordCount, view.baseOffset, view.partitionLeaderEpoch, view.compression, view.maxTimestamp, view.lastOffsetDelta], [2, 500, 4, 2, 30, 1]);
    assert.deepEqual((await readRecords(view)).map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString()]), [[500, 10, 'a', '1'], [501, 30, null, '2']]);
    const asLogAppend = await upConvert(set, { baseOffset: 0, timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 77, compression: 0 });
    assert.equal(new RecordBatchView(asLogAppend.batch).maxTimestamp, 77);
  });

  it('refuses what Kafka refuses on up-conversion', async () => {
    const code = (c: number) => (e: unknown) => e instanceof RecordsError && e.errorCode === c;
    const lat = await buildLegacyMessageSet([{ offset: 0, timestamp: 1, key: null, value: Buffer.from('x') }], { magic: 1, timestampType: TimestampType.LOG_APPEND_TIME, logAppendTime: 5 });
    await assert.rejects(upConvert(lat, { baseOffset: 0 }), code(32));
    const mixed = Buffer.concat([Buffer.from(EXPECTED_V1, 'hex').subarray(0, 36), Buffer.from(EXPECTED_V0, 'hex').subarray(28)]);
    await assert.rejects(upConvert(mixed, { baseOffset: 0 }), code(87));
    const gz = await buildLegacyMessageSet([{ offset: 0, timestamp: 1, key: null, value: Buffer.from('x') }], { magic: 1, compression: 1 });
    await assert.rejects(upConvert(Buffer.concat([gz, gz]), { baseOffset: 0 }), code(87));
    const zstdWrapper = Buffer.from(gz);
    zstdWrapper[17] = (zstdWrapper[17] & ~7) | 4;
    zstdWrapper.writeUInt32BE(crc32(zstdWrapper.subarray(16)), 12);
    await assert.rejects(upConvert(zstdWrapper, { baseOffset: 0 }), code(76));
  });
});
