/**
 * snappy (codec 2). Two dialects arrive: the Java client's snappy-java stream (xerial framing: 16-byte
 * header "\x82SNAPPY\0", version 1, compatible version 1, then chunks of int32 length + raw block, each
 * block covering up to 32 KiB) and librdkafka's single raw block. Both are read; the xerial framing is
 * written, as Java's producer does, because every client reads it. Blocks come from the `snappy`
 * package (napi-rs, prebuilt binary).
 */
import { corrupt } from '../errors.js';
import { requireNativeAddon } from '../native-addon.js';
import { type CodecOptions, type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES, type DecompressOptions } from './codec.js';

interface SnappyBinding {
  compressSync(input: Uint8Array): Buffer;
  uncompressSync(input: Uint8Array, options?: { asBuffer?: boolean }): Buffer | string;
}

const snappy = requireNativeAddon<SnappyBinding>('snappy', /snappy[^/\\]*\.node$/).exports;

export const XERIAL_MAGIC = Buffer.from([0x82, 0x53, 0x4e, 0x41, 0x50, 0x50, 0x59, 0x00]);
export const XERIAL_HEADER_BYTES = 16;
const XERIAL_VERSION = 1;
const XERIAL_COMPATIBLE_VERSION = 1;
/** snappy-java's default block size, which the Java producer uses. */
export const XERIAL_BLOCK_BYTES = 32 * 1024;

export function isXerial(input: Buffer): boolean {
  return input.length >= XERIAL_HEADER_BYTES && input.compare(XERIAL_MAGIC, 0, 8, 0, 8) === 0;
}

/** Uncompressed length from a raw block's preamble (unsigned little-endian base-128 varint). */
export function rawUncompressedLength(block: Buffer): number {
  let value = 0;
  for (let i = 0, shift = 0; i < 5 && i < block.length; i++, shift += 7) {
    const b = block[i];
    value += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) return value;
  }
  throw corrupt('snappy block has no valid length preamble');
}

function uncompressBlock(block: Buffer, budget: number): Buffer {
  const length = rawUncompressedLength(block);
  if (length > budget) throw corrupt(`snappy records decompress to more than the limit of ${budget} bytes`);
  try {
    return snappy.uncompressSync(block, { asBuffer: true }) as Buffer;
  } catch (error) {
    throw corrupt(`snappy records cannot be decompressed: ${(error as Error).message}`, error);
  }
}

function xerialDecompress(input: Buffer, maxBytes: number): Buffer {
  const blocks: Buffer[] = [];
  let total = 0;
  let pos = XERIAL_HEADER_BYTES;
  while (pos < input.length) {
    // snappy-java reads concatenated streams: a header may reappear between chunks.
    if (input.length - pos >= XERIAL_HEADER_BYTES && input.compare(XERIAL_MAGIC, 0, 8, pos, pos + 8) === 0) {
      pos += XERIAL_HEADER_BYTES;
      continue;
    }
    if (input.length - pos < 4) throw corrupt('xerial snappy chunk length is cut short');
    const length = input.readInt32BE(pos);
    pos += 4;
    if (length < 0 || length > input.length - pos) throw corrupt(`xerial snappy chunk of ${length} bytes runs past the end`);
    const block = uncompressBlock(input.subarray(pos, pos + length), maxBytes - total);
    blocks.push(block);
    total += block.length;
    pos += length;
  }
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, total);
}

export function compressXerial(input: Buffer): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(XERIAL_HEADER_BYTES);
  XERIAL_MAGIC.copy(header, 0);
  header.writeInt32BE(XERIAL_VERSION, 8);
  header.writeInt32BE(XERIAL_COMPATIBLE_VERSION, 12);
  parts.push(header);
  let total = XERIAL_HEADER_BYTES;
  for (let pos = 0; pos < input.length; pos += XERIAL_BLOCK_BYTES) {
    const block = snappy.compressSync(input.subarray(pos, Math.min(input.length, pos + XERIAL_BLOCK_BYTES)));
    const length = Buffer.allocUnsafe(4);
    length.writeInt32BE(block.length, 0);
    parts.push(length, block);
    total += 4 + block.length;
  }
  return Buffer.concat(parts, total);
}

/** One raw block, as librdkafka writes. */
export function compressRaw(input: Buffer): Buffer {
  return snappy.compressSync(input);
}

export const codec: CompressionCodec = {
  name: 'snappy',
  async compress(input: Buffer, _options?: CodecOptions): Promise<Buffer> {
    return compressXerial(input);
  },
  async decompress(input: Buffer, options?: DecompressOptions): Promise<Buffer> {
    const maxBytes = options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    return isXerial(input) ? xerialDecompress(input, maxBytes) : uncompressBlock(input, maxBytes);
  },
};
