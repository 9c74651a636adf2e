// node dist/bench/kafka/records-bench.js [--seconds 1]: CRC-32C (native and JS), each compression codec on 1 MiB of
// log lines (the generator of shared/reference/machine-limits-and-anchors.md §2e), and batch build/scan/decode
// rates, with kafkajs's record batch decoder on the same batches in the same run. Figures are wall-clock MB/s or
// ops/s on a shared 2-core machine: compare ratios within one run, not numbers across runs.
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { parseArgs } from 'node:util';
import { BatchScanner } from '../../src/kafka/protocol/records/batch-scanner.js';
import { compress, decompress, getCodec } from '../../src/kafka/protocol/records/compression/index.js';
import { crc32c, crc32cBackend, crc32cJs } from '../../src/kafka/protocol/records/crc32c.js';
import { RecordBatchView } from '../../src/kafka/protocol/records/record-batch.js';
import { buildRecordBatch, buildRecordBatchSync, type RecordInput } from '../../src/kafka/protocol/records/record-batch-builder.js';
import { decodeRecords, RecordCursor, RecordReader } from '../../src/kafka/protocol/records/record-reader.js';

const require = createRequire(import.meta.url);
const { values } = parseArgs({ args: process.argv.slice(2), options: { seconds: { type: 'string' } }, strict: false });
const SECONDS = Number(values.seconds ?? process.env['RECORDS_BENCH_SECONDS'] ?? '1');
if (!(SECONDS > 0 && SECONDS <= 30)) throw new Error(`--seconds: expected a number in (0, 30], got '${values.seconds}'`);

function log(line: string): void {
  process.stdout.write(`${line}\n`);
}

/** Runs `fn` (each call handles `unitsPerCall` units) for SECONDS after a warm-up; returns units per second. */
async function rate(fn: () => unknown, unitsPerCall: number): Promise<number> {
  const warmUntil = process.hrtime.bigint() + BigInt(Math.round(Math.min(0.5, SECONDS / 2) * 1e9));
  while (process.hrtime.bigint() < warmUntil) await fn();
  let calls = 0;
  const start = process.hrtime.bigint();
  let elapsed = 0;
  do {
    for (let i = 0; i < 8; i++) await fn();
    calls += 8;
    elapsed = Number(process.hrtime.bigint() - start) / 1e9;
  } while (elapsed < SECONDS);
  return (calls * unitsPerCall) / elapsed;
}

const fmt = (n: number) => (n >= 100 ? n.toFixed(0) : n.toFixed(1)).padStart(8);

function makeLog(size: number): Buffer {
  let seed = 12345;
  const rnd = () => (seed = (seed * 1103515245 + 12345) & 0x7fffffff) / 0x7fffffff;
  const lv = ['INFO', 'INFO', 'INFO', 'DEBUG', 'WARN', 'ERROR'];
  const msgs = ['Processed request', 'Session established for client', 'Committed offset', 'Fetch completed', 'Connection closed by peer', 'Leader epoch changed'];
  const words = ['alpha', 'beta', 'gamma', 'delta', 'kafka', 'zk', 'node', 'topic', 'partition', 'broker'];
  const parts: string[] = [];
  let n = 0;
  let t = 1700000000000;
  while (n < size) {
    t += Math.floor(rnd() * 50);
    const line =
      `${new Date(t).toISOString()} ${lv[Math.floor(rnd() * 6)]} [worker-${Math.floor(rnd() * 16)}] ${msgs[Math.floor(rnd() * 6)]} id=${Math.floor(rnd() * 1e9).toString(16)} ` +
      `topic=${words[Math.floor(rnd() * 10)]}-${Math.floor(rnd() * 100)} latency_ms=${(rnd() * 100).toFixed(2)} user=${words[Math.floor(rnd() * 10)]}${Math.floor(rnd() * 1000)}\n`;
    parts.push(line);
    n += line.length;
  }
  return Buffer.from(parts.join('')).subarray(0, size);
}

async function benchCrc(): Promise<void> {
  log(`CRC-32C (${crc32cBackend()} binary; anchors §2d: @node-rs/crc32 7,442 MB/s at 1 MiB, 4,357 at 1 KiB; JS slicing-by-8 2,014 / 1,951)`);
  log('  bytes      native MB/s   JS MB/s   (crc32c() uses JS below 256 bytes)');
  const { crc32c: nativeCrc } = require('@node-rs/crc32') as { crc32c(b: Uint8Array): number };
  for (const size of [1 << 20, 1024, 256, 128, 64, 32]) {
    const buf = randomBytes(size);
    if (nativeCrc(buf) !== crc32cJs(buf) || crc32c(buf) !== crc32cJs(buf)) throw new Error('CRC mismatch');
    const repeat = Math.max(1, Math.floor(65536 / size));
    const nat = await rate(() => { for (let i = 0; i < repeat; i++) nativeCrc(buf); }, size * repeat);
    const js = await rate(() => { for (let i = 0; i < repeat; i++) crc32cJs(buf); }, size * repeat);
    log(`  ${String(size).padStart(7)}  ${fmt(nat / 1e6)}     ${fmt(js / 1e6)}`);
  }
}

async function benchCodecs(): Promise<void> {
  const input = makeLog(1 << 20);
  log('\nCompression, 1 MiB of log lines, as Kafka frames them (anchors §2e: gzip 83/758, snappy raw 225/371, lz4 frame 288/384, zstd 557/2,345 MB/s)');
  log('  codec        ratio   compress MB/s   decompress MB/s');
  for (const [type, name] of [[1, 'gzip'], [2, 'snappy'], [3, 'lz4'], [4, 'zstd']] as const) {
    await getCodec(type);
    const packed = await compress(type, input);
    if (!(await decompress(type, packed)).equals(input)) throw new Error(`${name} round trip failed`);
    const c = await rate(() => compress(type, input), input.length);
    const d = await rate(() => decompress(type, packed), input.length);
    log(`  ${name.padEnd(10)} ${(input.length / packed.length).toFixed(2).padStart(6)}   ${fmt(c / 1e6)}        ${fmt(d / 1e6)}`);
  }
  // The bindings' own one-shot formats, for comparison with our framing around their blocks.
  const lz4 = require('lz4-napi') as { compressFrameSync(b: Buffer): Buffer; decompressFrameSync(b: Buffer): Buffer };
  const frame = lz4.compressFrameSync(input);
  log(`  lz4-napi frame API (4 MiB blocks)  ${fmt((await rate(() => lz4.compressFrameSync(input), input.length)) / 1e6)}        ${fmt((await rate(() => lz4.decompressFrameSync(frame), input.length)) / 1e6)}`);
  const snappy = require('snappy') as { compressSync(b: Buffer): Buffer; uncompressSync(b: Buffer): Buffer };
  const block = snappy.compressSync(input);
  log(`  snappy one raw block               ${fmt((await rate(() => snappy.compressSync(input), input.length)) / 1e6)}        ${fmt((await rate(() => snappy.uncompressSync(block), input.length)) / 1e6)}`);
}

async function benchBatches(): Promise<void> {
  const RECORDS = 1000;
  const value = Buffer.from('x'.repeat(100));
  const inputs: RecordInput[] = Array.from({ length: RECORDS }, (_, i) => ({ key: `key-${i}`, value, timestamp: 1_700_000_000_000 + i, headers: i % 10 === 0 ? [{ key: 'trace', value: 'abc' }] : undefined }));
  log(`\nBatches of ${RECORDS} records (100-byte values, string keys), records/s`);
  const built = buildRecordBatchSync(inputs, { producerId: 1, producerEpoch: 0, baseSequence: 0 });
  const blob = Buffer.concat(Array.from({ length: 100 }, () => built));
  log(`  build, uncompressed              ${fmt((await rate(() => buildRecordBatchSync(inputs), RECORDS)) / 1e3)} k`);
  log(`  build, lz4                       ${fmt((await rate(() => buildRecordBatch(inputs, { compression: 3 }), RECORDS)) / 1e3)} k`);
  const view = new RecordBatchView(built);
  log(`  scan 100 batches + check CRCs    ${fmt((await rate(() => { const s = new BatchScanner(blob); while (s.next()) view.reset(blob, s.batchStart).ensureValid(); }, 100 * RECORDS)) / 1e3)} k`);
  const cursor = new RecordCursor();
  log(`  walk records with one cursor     ${fmt((await rate(() => { const r = new RecordReader(view.recordsBytes(), RECORDS); while (r.next(cursor)); }, RECORDS)) / 1e3)} k`);
  log(`  decode records to objects        ${fmt((await rate(() => decodeRecords(view, view.recordsBytes()), RECORDS)) / 1e3)} k`);
  const Decoder = require('kafkajs/src/protocol/decoder') as new (b: Buffer) => unknown;
  const kafkajsDecode = require('kafkajs/src/protocol/recordBatch/v0/decoder') as (d: unknown) => Promise<unknown>;
  log(`  kafkajs decoder, same batch      ${fmt((await rate(() => kafkajsDecode(new Decoder(built)), RECORDS)) / 1e3)} k`);
}

await benchCrc();
await benchCodecs();
await benchBatches();
