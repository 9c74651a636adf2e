import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { compress, decompress, getCodec } from '../../../../../src/kafka/protocol/records/compression/index.js';
import { compressFrame, decompressFrame, headerChecksum } from '../../../../../src/kafka/protocol/records/compression/lz4.js';
import { compressRaw, compressXerial, XERIAL_BLOCK_BYTES } from '../../../../../src/kafka/protocol/records/compression/snappy.js';
import { xxhash32 } from '../../../../../src/kafka/protocol/records/compression/xxhash32.js';
import { zstdDecompressedBound } from '../../../../../src/kafka/protocol/records/compression/zstd.js';
import { crc32cBackend } from '../../../../../src/kafka/protocol/records/crc32c.js';
import { RecordsError } from '../../../../../src/kafka/protocol/records/errors.js';
import { requireNativeAddon } from '../../../../../src/kafka/protocol/records/native-addon.js';

const logLines = (bytes: number) => {
  const lines: string[] = [];
  let size = 0;
  for (let i = 0; size < bytes; i++) {
    const line = `2024-01-01T00:00:${String(i % 60).padStart(2, '0')}Z INFO [worker-${i % 16}] Fetch completed id=${(i * 2654435761) >>> 0} topic=orders-${i % 7}\n`;
    lines.push(line);
    size += line.length;
  }
  return Buffer.from(lines.join('')).subarray(0, bytes);
};

const inputs = { empty: Buffer.alloc(0), small: Buffer.from('hello kafka'), logs: logLines(300_000), random: randomBytes(100_000) };
const corruptError = (error: unknown) => error instanceof RecordsError && error.errorCode === 2;

/** A command-line tool when installed (lz4, zstd from Debian); tests that need one say so when skipped. */
function tool(name: string): boolean {
  return spawnSync(name, ['--version']).status === 0;
}
function run(cmd: string, args: string[], input: Buffer): Buffer {
  const r = spawnSync(cmd, args, { input, maxBuffer: 64 * 1024 * 1024 });
  assert.equal(r.status, 0, `${cmd} ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

describe('compression codecs', () => {
  for (const type of [1, 2, 3, 4]) {
    it(`codec ${type} round-trips empty, small, log-like and incompressible input, and loads lazily once`, async () => {
      const codec = await getCodec(type);
      assert.equal(await getCodec(type), codec);
      for (const [name, input] of Object.entries(inputs)) {
        const packed = await compress(type, input, { magic: 2 });
        assert.deepEqual(await decompress(type, packed, { magic: 2 }), input, name);
      }
    });
  }

  it('loads each codec through its native binary, and says so loudly when a package has none', () => {
    assert.match(requireNativeAddon('lz4-napi', /lz4-napi[^/]*\.node$/).binaryPath, /\.node$/);
    assert.throws(() => requireNativeAddon('ini', /ini[^/]*\.node$/), /loaded without its native binary/);
    assert.throws(() => requireNativeAddon('no-such-package-here', /x\.node$/), /cannot load/);
  });

  it('loads no native binary at import, and each one on first use', () => {
    const index = new URL('../../../../../src/kafka/protocol/records/index.js', import.meta.url).href;
    const script = `import(${JSON.stringify(index)}).then(async (m) => {
      const loaded = () => Object.keys(require.cache).filter((k) => k.endsWith('.node')).length;
      const counts = [loaded()];
      m.crc32c(Buffer.alloc(1000));
      counts.push(loaded());
      await m.getCodec(4);
      counts.push(loaded());
      console.log(counts.join(','));
    });`;
    const r = spawnSync(process.execPath, ['-e', script], { encoding: 'utf8' });
    // CRC-32C loads @node-rs/crc32, and sse4_crc32 too where it serves CRC-32C.
    const crcBinaries = crc32cBackend() === 'sse4.2' ? 2 : 1;
    assert.equal(r.stdout.trim(), `0,${crcBinaries},${crcBinaries + 1}`, r.stderr);
  });

  it('refuses unknown codecs with UNSUPPORTED_COMPRESSION_TYPE', async () => {
    await assert.rejects(getCodec(5), (e: unknown) => e instanceof RecordsError && e.errorCode === 76);
  });

  it('every codec refuses output beyond maxBytes', async () => {
    const input = Buffer.alloc(1_000_000, 0x61);
    for (const type of [1, 2, 3, 4]) {
      const packed = await compress(type, input);
      await assert.rejects(decompress(type, packed, { maxBytes: 999_999 }), corruptError, `codec ${type}`);
      assert.equal((await decompress(type, packed, { maxBytes: 1_000_000 })).length, 1_000_000);
    }
  });

  it('rejects garbage as CORRUPT_MESSAGE', async () => {
    for (const type of [1, 2, 3, 4]) await assert.rejects(decompress(type, Buffer.from('definitely not compressed data')), corruptError, `codec ${type}`);
  });
});

describe('lz4 frame', () => {
  it('writes the frame header Kafka writes, with the broken header checksum for magic 0', () => {
    assert.equal(xxhash32(Buffer.alloc(0)), 0x02cc5d05);
    assert.equal(xxhash32(Buffer.from('Nobody inspects the spammish repetition')), 0xe2293b2f);
    const frame = compressFrame(Buffer.from('x'));
    assert.equal(frame.subarray(0, 7).toString('hex'), '04224d18604082');
    assert.equal(frame.subarray(7).toString('hex'), '01000080' + '78' + '00000000', 'incompressible block stored raw, then the end mark');
    const legacy = compressFrame(Buffer.from('x'), { magic: 0 });
    assert.equal(legacy[6], 0x1a);
    assert.equal(headerChecksum(legacy, 6, true), 0x1a);
    assert.throws(() => decompressFrame(legacy, { magic: 2 }), corruptError);
    assert.equal(decompressFrame(legacy, { magic: 0 }).toString(), 'x');
  });

  it('splits input into 64 KiB blocks', () => {
    const input = logLines(200_000);
    const frame = compressFrame(input);
    let pos = 7;
    const sizes: number[] = [];
    for (;;) {
      const field = frame.readUInt32LE(pos);
      pos += 4;
      if (field === 0) break;
      sizes.push(field);
      pos += field & 0x7fffffff;
    }
    assert.equal(pos, frame.length);
    assert.equal(sizes.length, Math.ceil(200_000 / 65536));
  });

  it('interoperates with the reference lz4 tool (checksums, content size, dependent blocks)', { skip: !tool('lz4') && 'the lz4 command is not installed' }, () => {
    const input = logLines(300_000);
    assert.deepEqual(run('lz4', ['-d', '-c', '-q'], compressFrame(input)), input);
    for (const flags of [['-B4'], ['-B4', '-BD'], ['-B7', '-BX'], ['-B5', '--content-size'], ['-B4', '--no-frame-crc']]) {
      const frame = run('lz4', ['-c', '-q', ...flags], input);
      assert.deepEqual(decompressFrame(frame), input, flags.join(' '));
    }
    const damaged = run('lz4', ['-c', '-q', '-BX', '-B4'], input);
    damaged[200] ^= 0xff;
    assert.throws(() => decompressFrame(damaged), corruptError);
  });
});

describe('snappy', () => {
  it('writes the xerial framing of snappy-java: header, then 32 KiB blocks with big-endian lengths', async () => {
    const input = logLines(100_000);
    const framed = compressXerial(input);
    assert.equal(framed.subarray(0, 16).toString('hex'), '82534e41505059000000000100000001');
    let pos = 16;
    let blocks = 0;
    while (pos < framed.length) {
      pos += 4 + framed.readInt32BE(pos);
      blocks++;
    }
    assert.equal(pos, framed.length);
    assert.equal(blocks, Math.ceil(100_000 / XERIAL_BLOCK_BYTES));
    assert.deepEqual(await decompress(2, framed), input);
  });

  it('reads a raw block as librdkafka writes, and concatenated xerial streams', async () => {
    const input = logLines(50_000);
    assert.deepEqual(await decompress(2, compressRaw(input)), input);
    const twice = Buffer.concat([compressXerial(input), compressXerial(input)]);
    assert.deepEqual(await decompress(2, twice), Buffer.concat([input, input]));
  });
});

describe('zstd', () => {
  it('interoperates with the reference zstd tool, streamed without a content size', { skip: !tool('zstd') && 'the zstd command is not installed' }, async () => {
    const input = logLines(400_000);
    const streamed = run('zstd', ['-c', '-q', '--no-check'], input);
    assert.equal(streamed[4] >>> 6, 0, 'no content size in the frame header');
    assert.deepEqual(await decompress(4, streamed), input);
    const bound = zstdDecompressedBound(streamed);
    assert.ok(bound >= input.length && bound <= input.length + 128 * 1024, `bound ${bound}`);
    assert.deepEqual(run('zstd', ['-d', '-c', '-q'], await compress(4, input)), input);
  });

  it('bounds RLE frames by their block headers before decompressing', async () => {
    // Hand-made frame: magic, descriptor 0 (no content size), window 1 KiB, blocks of RLE 'a' (1000 bytes each).
    const rleFrame = (blocks: number) => {
      const frame = Buffer.alloc(6 + 4 * blocks);
      frame.writeUInt32LE(0xfd2fb528, 0);
      for (let i = 0; i < blocks; i++) {
        frame.writeUIntLE((1000 << 3) | (1 << 1) | (i === blocks - 1 ? 1 : 0), 6 + 4 * i, 3);
        frame[9 + 4 * i] = 0x61;
      }
      return frame;
    };
    assert.equal(zstdDecompressedBound(rleFrame(1)), 1000);
    assert.deepEqual(await decompress(4, rleFrame(3)), Buffer.alloc(3000, 0x61));
    assert.equal(zstdDecompressedBound(rleFrame(5000)), 5_000_000);
    await assert.rejects(decompress(4, rleFrame(5000), { maxBytes: 4_999_999 }), corruptError);
  });
});
