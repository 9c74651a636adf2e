// Interop with kafkajs: the byte fixtures it recorded from real brokers and its own clients, its record
// batch encoder feeding our reader, and our builder feeding its decoder.
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { describe, it } from 'node:test';
import { BatchScanner } from '../../../../../src/kafka/protocol/records/batch-scanner.js';
import { compress, decompress } from '../../../../../src/kafka/protocol/records/compression/index.js';
import { buildLegacyMessageSet, LegacyEntryView, readLegacyRecords } from '../../../../../src/kafka/protocol/records/legacy-records.js';
import { RecordBatchView } from '../../../../../src/kafka/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../../../../src/kafka/protocol/records/record-batch-builder.js';
import { readRecords } from '../../../../../src/kafka/protocol/records/record-reader.js';
import { fetchResponseRecords, fixtureFiles, KAFKAJS_FIXTURES_DIR, produceRequestRecords, readFixture, versionOf } from './kafkajs-fixtures.js';

const require = createRequire(import.meta.url);
/* eslint-disable @typescript-eslint/no-explicit-any */
const kafkajsCompression = require('kafkajs/src/protocol/message/compression') as { Codecs: Record<number, () => unknown> };
const KafkajsDecoder = require('kafkajs/src/protocol/decoder') as new (buf: Buffer) => unknown;
const kafkajsRecordBatchDecoder = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<any>;
const kafkajsMessageSetDecoder = require('kafkajs/src/protocol/messageSet/decoder') as (d: unknown, size: number) => Promise<any[]>;
const { RecordBatch: kafkajsRecordBatch } = require('kafkajs/src/protocol/recordBatch/v0') as { RecordBatch: (o: any) => Promise<{ buffer: Buffer }> };
const kafkajsRecord = require('kafkajs/src/protocol/recordBatch/record/v0') as (o: any) => unknown;
const Long = require('kafkajs/src/utils/long') as { fromValue(v: number): unknown };

// kafkajs ships gzip only; give it our snappy, lz4 and zstd the way its codec plugins plug in.
for (const type of [2, 3, 4]) {
  kafkajsCompression.Codecs[type] = () => ({
    compress: (encoder: { buffer: Buffer }) => compress(type, encoder.buffer),
    decompress: (buffer: Buffer) => decompress(type, buffer),
  });
}

interface Flat {
  offset: string;
  key: string | null;
  value: string | null;
  headers?: [string, string | null][];
}

async function ourRecords(records: Buffer): Promise<Flat[]> {
  const out: Flat[] = [];
  const scanner = new BatchScanner(records);
  while (scanner.next()) {
    if (scanner.magic === 2) {
      const batch = new RecordBatchView(records, scanner.batchStart);
      batch.ensureValid();
      for (const r of await readRecords(batch)) {
        out.push({ offset: String(r.offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null, headers: r.headers.map((h) => [h.key, h.value?.toString() ?? null]) });
      }
    } else {
      for (const r of await readLegacyRecords(new LegacyEntryView(records, scanner.batchStart))) {
        out.push({ offset: String(r.offset), key: r.key?.toString() ?? null, value: r.value?.toString() ?? null });
      }
    }
  }
  return out;
}

const skipFixtures = KAFKAJS_FIXTURES_DIR === undefined && 'shared/fixtures/kafkajs-protocol is not present beside the repository';

describe('kafkajs fixtures', { skip: skipFixtures }, () => {
  it('decodes every Fetch response as kafkajs decodes it (magic 0, 1, 2, gzip, snappy, mixed formats, partial tails)', async () => {
    const files = fixtureFiles('fetch', /response/);
    assert.ok(files.length >= 20);
    for (const file of files) {
      const version = versionOf(file);
      const body = readFixture('fetch', file);
      const theirs = (await require(`kafkajs/src/protocol/requests/fetch/v${version}/response`).decode(body)) as any;
      const theirRecords: Flat[] = [];
      for (const topic of theirs.responses) {
        for (const p of topic.partitions) {
          for (const m of p.messages) {
            const flat: Flat = { offset: String(m.offset), key: m.key?.toString() ?? null, value: m.value?.toString() ?? null };
            if (m.headers) flat.headers = Object.entries(m.headers as Record<string, Buffer | Buffer[]>).flatMap(([k, v]) => (Array.isArray(v) ? v : [v]).map((x): [string, string | null] => [k, x?.toString() ?? null]));
            theirRecords.push(flat);
          }
        }
      }
      const ours: Flat[] = [];
      for (const field of fetchResponseRecords(body, version)) ours.push(...(await ourRecords(field.records)));
      // kafkajs stops a message set where a v2 batch follows it (it expects the next Fetch to start there); we read on.
      const compared = file.includes('mixed_formats') ? ours.slice(0, theirRecords.length) : ours;
      if (file.includes('mixed_formats')) assert.equal(ours.length, theirRecords.length + 237 + 65 + 512);
      assert.deepEqual(compared.map(({ headers, ...r }) => r), theirRecords.map(({ headers, ...r }) => r), file);
      assert.deepEqual(compared.map((r) => r.headers ?? []), theirRecords.map((r) => r.headers ?? []), `${file} headers`);
    }
  });

  it('decodes the record sets of kafkajs Produce requests (v2 message sets, v3-v7 batches with headers)', async () => {
    const decoded: Record<string, Flat[]> = {};
    for (const file of fixtureFiles('produce', /request/)) {
      decoded[file] = [];
      for (const field of produceRequestRecords(readFixture('produce', file), versionOf(file))) decoded[file].push(...(await ourRecords(field.records)));
    }
    assert.deepEqual(decoded['v3_request.json'][0], {
      offset: '0', key: 'key-9d0f348cb2e730e1edc4', value: 'some-value-a17b4c81f9ecd1e896e3', headers: [['a', 'b'], ['c', 'd'], ['c', 'e']],
    });
    assert.equal(decoded['v7_request.json'].length, 10);
    assert.deepEqual(decoded['v7_request.json'][9].headers!.map((h) => h[0]), ['header-a9', 'header-b9', 'header-c9']);
    assert.equal(decoded['v2_request.json'].length, 3);
    assert.deepEqual(decoded['v2_request_gzip_linux.json'], decoded['v2_request_gzip_darwin.json']);
    assert.deepEqual(decoded['v2_request_gzip_linux.json'].map((r) => r.offset), ['-2', '-1', '0'], 'kafkajs numbers inner messages 0..2 and the wrapper -1');
  });
});

describe('kafkajs record batches', () => {
  for (const compression of [0, 1, 2, 3, 4]) {
    it(`codec ${compression}: kafkajs-encoded batches read here, and our batches read in kafkajs`, async () => {
      const records = [0, 1, 2].map((i) =>
        kafkajsRecord({ offsetDelta: i, timestampDelta: i * 10, key: Buffer.from(`key-${i}`), value: Buffer.from(`value-${i}`.repeat(50)), headers: { h: Buffer.from(`hv-${i}`) } }),
      );
      const theirs = await kafkajsRecordBatch({
        compression, firstTimestamp: 1_600_000_000_000, maxTimestamp: 1_600_000_000_020, lastOffsetDelta: 2, records,
        producerId: Long.fromValue(55), producerEpoch: 2, firstSequence: 9, transactional: true,
      });
      const view = new RecordBatchView(theirs.buffer);
      view.ensureValid();
      assert.deepEqual([view.compression, view.producerId, view.producerEpoch, view.baseSequence, view.isTransactional, view.recordCount], [compression, 55, 2, 9, true, 3]);
      const decoded = await readRecords(view);
      assert.deepEqual(decoded.map((r) => [r.offset, r.timestamp, r.key!.toString(), r.value!.toString().slice(0, 7), r.headers[0].value!.toString(), r.sequence]), [
        [0, 1_600_000_000_000, 'key-0', 'value-0', 'hv-0', 9],
        [1, 1_600_000_000_010, 'key-1', 'value-1', 'hv-1', 10],
        [2, 1_600_000_000_020, 'key-2', 'value-2', 'hv-2', 11],
      ]);

      const ours = await buildRecordBatch(
        [{ key: 'a', value: 'x'.repeat(300), timestamp: 5000, headers: [{ key: 'hk', value: 'hv' }] }, { key: null, value: null, timestamp: 5007 }],
        { baseOffset: 40, compression, producerId: 7, producerEpoch: 1, baseSequence: 3 },
      );
      const read = await kafkajsRecordBatchDecoder(new KafkajsDecoder(ours));
      assert.deepEqual([read.firstOffset, read.producerId, read.firstSequence, read.maxTimestamp, read.lastOffsetDelta], ['40', '7', 3, '5007', 1]);
      assert.deepEqual(read.records.map((r: any) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value?.toString().length ?? null, Object.keys(r.headers)]), [
        ['40', '5000', 'a', 300, ['hk']],
        ['41', '5007', null, null, []],
      ]);
    });
  }

  it('kafkajs reads our legacy message sets (magic 0 and 1, plain and gzip) at the absolute offsets', async () => {
    const records = [{ offset: 3, timestamp: 111, key: Buffer.from('k'), value: Buffer.from('v1') }, { offset: 4, timestamp: 222, key: null, value: Buffer.from('v2') }];
    for (const magic of [0, 1] as const) {
      for (const compression of [0, 1]) {
        const set = await buildLegacyMessageSet(records, { magic, compression });
        const messages = await kafkajsMessageSetDecoder(new KafkajsDecoder(set), set.length);
        assert.deepEqual(messages.map((m: any) => [String(m.offset), m.key?.toString() ?? null, m.value.toString(), m.magicByte]), [
          ['3', 'k', 'v1', magic],
          ['4', null, 'v2', magic],
        ], `magic ${magic} codec ${compression}`);
      }
    }
  });
});
