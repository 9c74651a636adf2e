// librdkafka (through kcat) against our record batches, with no broker: a stub that speaks just enough of
// ApiVersions, Metadata v1, Produce v7 and Fetch v10 to capture what kcat produces (every codec librdkafka
// writes: gzip, raw snappy, LZ4 frames, zstd) and to serve it batches our builder wrote.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { spawnSync } from 'node:child_process';
import net from 'node:net';
import { after, before, describe, it } from 'node:test';
import { BatchScanner } from '../../../../../src/kafka/protocol/records/batch-scanner.js';
import { RecordBatchView } from '../../../../../src/kafka/protocol/records/record-batch.js';
import { buildRecordBatch } from '../../../../../src/kafka/protocol/records/record-batch-builder.js';
import { readRecords } from '../../../../../src/kafka/protocol/records/record-reader.js';

const TOPIC = 'records-interop';
const RUN_TIMEOUT_MS = 60_000;

class Writer {
  private parts: Buffer[] = [];
  private push(size: number, write: (b: Buffer) => void): this {
    const b = Buffer.alloc(size);
    write(b);
    this.parts.push(b);
    return this;
  }
  int8(v: number) { return this.push(1, (b) => b.writeInt8(v)); }
  int16(v: number) { return this.push(2, (b) => b.writeInt16BE(v)); }
  int32(v: number) { return this.push(4, (b) => b.writeInt32BE(v)); }
  int64(v: number) { return this.push(8, (b) => b.writeBigInt64BE(BigInt(v))); }
  string(s: string | null) {
    if (s === null) return this.int16(-1);
    this.int16(Buffer.byteLength(s));
    this.parts.push(Buffer.from(s));
    return this;
  }
  bytes(b: Buffer) {
    this.int32(b.length);
    this.parts.push(b);
    return this;
  }
  done(): Buffer { return Buffer.concat(this.parts); }
}

class Reader {
  constructor(readonly buf: Buffer, public pos = 0) {}
  int8() { return this.buf.readInt8((this.pos += 1) - 1); }
  int16() { return this.buf.readInt16BE((this.pos += 2) - 2); }
  int32() { return this.buf.readInt32BE((this.pos += 4) - 4); }
  int64() { return Number(this.buf.readBigInt64BE((this.pos += 8) - 8)); }
  string() { const n = this.int16(); return n < 0 ? null : this.buf.toString('utf8', this.pos, (this.pos += n)); }
  bytes() { const n = this.int32(); return n < 0 ? null : this.buf.subarray(this.pos, (this.pos += n)); }
}

// api key, min, max: MsgVer2 needs Produce 3 + Fetch 4, zstd Produce 7 + Fetch 10, lz4 FindCoordinator 0, and
// librdkafka 2.0.2 compresses with gzip, snappy or lz4 only when the Produce range includes v0 (with a minimum of
// 2 or 3 it silently sends those batches uncompressed; zstd is unaffected).
const APIS: [number, number, number][] = [[0, 0, 7], [1, 4, 10], [3, 1, 1], [10, 0, 0], [18, 0, 0]];

class StubBroker {
  readonly produced: Buffer[] = [];
  served = Buffer.alloc(0);
  private server = net.createServer((socket) => this.serve(socket));
  port = 0;

  async start(): Promise<void> {
    await new Promise<void>((resolve) => this.server.listen(0, '127.0.0.1', resolve));
    this.port = (this.server.address() as net.AddressInfo).port;
  }
  stop(): Promise<void> {
    return new Promise((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: net.Socket): void {
    let pending = Buffer.alloc(0);
    socket.on('error', () => {});
    socket.on('data', (chunk) => {
      pending = Buffer.concat([pending, chunk]);
      while (pending.length >= 4 && pending.length >= 4 + pending.readInt32BE(0)) {
        const frame = pending.subarray(4, 4 + pending.readInt32BE(0));
        pending = pending.subarray(4 + frame.length);
        const r = new Reader(frame);
        const apiKey = r.int16();
        const version = r.int16();
        const correlationId = r.int32();
        r.string();
        const body = this.handle(apiKey, version, r);
        if (body === undefined) continue;
        const head = Buffer.alloc(8);
        head.writeInt32BE(4 + body.length, 0);
        head.writeInt32BE(correlationId, 4);
        socket.write(Buffer.concat([head, body]));
      }
    });
  }

  private handle(apiKey: number, version: number, r: Reader): Buffer | undefined {
    const w = new Writer();
    switch (apiKey) {
      case 18: {
        if (version > 0) return w.int16(35).int32(1).int16(18).int16(0).int16(0).done();
        w.int16(0).int32(APIS.length);
        for (const [key, min, max] of APIS) w.int16(key).int16(min).int16(max);
        return w.done();
      }
      case 3: {
        w.int32(1).int32(0).string('127.0.0.1').int32(this.port).string(null).int32(0);
        return w.int32(1).int16(0).string(TOPIC).int8(0).int32(1).int16(0).int32(0).int32(0).int32(1).int32(0).int32(1).int32(0).done();
      }
      case 0: {
        r.string();
        const acks = r.int16();
        r.int32();
        for (let t = r.int32(); t > 0; t--) {
          r.string();
          for (let p = r.int32(); p > 0; p--) {
            r.int32();
            this.produced.push(Buffer.from(r.bytes()!));
          }
        }
        if (acks === 0) return undefined;
        return w.int32(1).string(TOPIC).int32(1).int32(0).int16(0).int64(0).int64(-1).int64(0).int32(0).done();
      }
      case 1: {
        r.int32(); r.int32(); r.int32(); r.int32(); r.int8(); r.int32(); r.int32();
        let fetchOffset = 0;
        for (let t = r.int32(); t > 0; t--) {
          r.string();
          for (let p = r.int32(); p > 0; p--) {
            r.int32();
            r.int32();
            fetchOffset = r.int64();
            r.int64();
            r.int32();
          }
        }
        const { records, highWatermark } = this.recordsFrom(fetchOffset);
        w.int32(0).int16(0).int32(0).int32(1).string(TOPIC).int32(1).int32(0).int16(0);
        return w.int64(highWatermark).int64(highWatermark).int64(0).int32(0).bytes(records).done();
      }
      default:
        throw new Error(`stub broker: unexpected api ${apiKey} v${version}`);
    }
  }

  private recordsFrom(fetchOffset: number): { records: Buffer; highWatermark: number } {
    const scanner = new BatchScanner(this.served);
    let start = -1;
    let highWatermark = 0;
    while (scanner.next()) {
      const batch = new RecordBatchView(this.served, scanner.batchStart);
      if (start < 0 && batch.lastOffset >= fetchOffset) start = scanner.batchStart;
      highWatermark = batch.nextOffset;
    }
    return { records: start < 0 ? Buffer.alloc(0) : this.served.subarray(start), highWatermark };
  }
}

function kcat(args: string[], input?: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    const timer = setTimeout(() => child.kill('SIGKILL'), RUN_TIMEOUT_MS);
    child.stdout.on('data', (d) => (out += d));
    child.stderr.on('data', (d) => (err += d));
    child.on('close', (code) => {
      clearTimeout(timer);
      if (code === 0) resolve(out);
      else reject(new Error(`kcat ${args.join(' ')} exited ${code}: ${err}`));
    });
    child.stdin.end(input ?? '');
  });
}

const skip = spawnSync('kcat', ['-V']).status !== 0 && 'kcat is not installed';

describe('librdkafka (kcat) interop', { skip }, () => {
  const broker = new StubBroker();
  before(() => broker.start());
  after(() => broker.stop());

  for (const [codec, type] of [['gzip', 1], ['snappy', 2], ['lz4', 3], ['zstd', 4]] as const) {
    it(`reads the ${codec} batch librdkafka produces`, async () => {
      broker.produced.length = 0;
      const lines = Array.from({ length: 50 }, (_, i) => `key-${i}:value-${i} ${'lorem ipsum '.repeat(i % 7)}`);
      await kcat(['-P', '-b', `127.0.0.1:${broker.port}`, '-t', TOPIC, '-p', '0', '-z', codec, '-K', ':', '-X', 'linger.ms=200'], lines.join('\n') + '\n');
      const values: string[] = [];
      for (const records of broker.produced) {
        const scanner = new BatchScanner(records);
        while (scanner.next()) {
          const batch = new RecordBatchView(records, scanner.batchStart);
          batch.ensureValid();
          assert.equal(batch.compression, type, `librdkafka wrote ${codec}`);
          for (const r of await readRecords(batch)) values.push(`${r.key}:${r.value}`);
        }
      }
      assert.deepEqual(values, lines);
    });
  }

  it('librdkafka consumes batches our builder wrote with every codec', async () => {
    const batches: Buffer[] = [];
    let offset = 0;
    for (const compression of [0, 1, 2, 3, 4]) {
      const records = [0, 1, 2].map((i) => ({ key: `c${compression}-k${i}`, value: `c${compression}-v${i} ${'x'.repeat(200)}`, headers: [{ key: 'h', value: `${i}` }], timestamp: 1_700_000_000_000 + i }));
      batches.push(await buildRecordBatch(records, { baseOffset: offset, compression, producerId: 9, producerEpoch: 0, baseSequence: offset }));
      offset += records.length;
    }
    broker.served = Buffer.concat(batches);
    const out = await kcat(['-C', '-b', `127.0.0.1:${broker.port}`, '-t', TOPIC, '-p', '0', '-o', '0', '-e', '-q', '-f', '%o %k %h %T %S\\n']);
    const expected = [0, 1, 2, 3, 4].flatMap((c) => [0, 1, 2].map((i) => `${c * 3 + i} c${c}-k${i} h=${i} ${1_700_000_000_000 + i} ${`c${c}-v${i} `.length + 200}`));
    assert.deepEqual(out.trim().split('\n'), expected);
  });
});
