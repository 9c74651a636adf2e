/**
 * zstd (codec 4) with @mongodb-js/zstd 1.x (zstd through napi-rs, prebuilt binary, no install script).
 * Its binding decompresses a whole buffer with no output limit, so before calling it the frames are
 * walked (headers and block headers only) to bound what they can produce: a block yields at most
 * min(window, 128 KiB), a raw or RLE block exactly its stated size. Java's producer (zstd-jni streaming)
 * omits the content size, so the bound cannot come from the frame header alone.
 */
import { corrupt } from '../errors.js';
import { requireNativeAddon } from '../native-addon.js';
import { type CodecOptions, type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES, type DecompressOptions } from './codec.js';

interface ZstdBinding {
  compress(data: Buffer, level?: number | null): Promise<Buffer>;
  decompress(data: Buffer): Promise<Buffer>;
}

const zstd = requireNativeAddon<ZstdBinding>('@mongodb-js/zstd', /zstd[^/\\]*\.node$/).exports;

/** Kafka's default zstd level (ZSTD_CLEVEL_DEFAULT). */
export const ZSTD_DEFAULT_LEVEL = 3;
const FRAME_MAGIC = 0xfd2fb528;
const SKIPPABLE_MAGIC_MASK = 0xfffffff0;
const SKIPPABLE_MAGIC = 0x184d2a50;
const MAX_BLOCK_BYTES = 128 * 1024;

/** Upper bound of the decompressed size of all frames in `input`; throws CORRUPT_MESSAGE on malformed framing. */
export function zstdDecompressedBound(input: Buffer): number {
  let pos = 0;
  let bound = 0;
  const need = (bytes: number) => {
    if (input.length - pos < bytes) throw corrupt('zstd frame is cut short');
  };
  while (pos < input.length) {
    need(4);
    const magic = input.readUInt32LE(pos);
    pos += 4;
    if (((magic & SKIPPABLE_MAGIC_MASK) >>> 0) === SKIPPABLE_MAGIC) {
      need(4);
      pos += 4 + input.readUInt32LE(pos);
      if (pos > input.length) throw corrupt('zstd skippable frame is cut short');
      continue;
    }
    if (magic !== FRAME_MAGIC) throw corrupt('zstd records do not start with the zstd frame magic');
    need(1);
    const descriptor = input[pos++];
    const fcsFlag = descriptor >>> 6;
    const singleSegment = (descriptor & 0x20) !== 0;
    if (descriptor & 0x08) throw corrupt('zstd frame header has its reserved bit set');
    const hasChecksum = (descriptor & 0x04) !== 0;
    const dictIdBytes = [0, 1, 2, 4][descriptor & 3];
    let window = 0;
    if (!singleSegment) {
      need(1);
      const wd = input[pos++];
      const base = 2 ** (10 + (wd >>> 3));
      window = base + (base / 8) * (wd & 7);
    }
    pos += dictIdBytes;
    const fcsBytes = [singleSegment ? 1 : 0, 2, 4, 8][fcsFlag];
    need(fcsBytes);
    let contentSize = -1;
    if (fcsBytes === 1) contentSize = input[pos];
    else if (fcsBytes === 2) contentSize = input.readUInt16LE(pos) + 256;
    else if (fcsBytes === 4) contentSize = input.readUInt32LE(pos);
    else if (fcsBytes === 8) contentSize = input.readUInt32LE(pos) + input.readUInt32LE(pos + 4) * 4294967296;
    pos += fcsBytes;
    if (singleSegment) window = contentSize;
    const blockMax = Math.min(window, MAX_BLOCK_BYTES);
    let frameBound = 0;
    for (let last = false; !last; ) {
      need(3);
      const header = input[pos] | (input[pos + 1] << 8) | (input[pos + 2] << 16);
      pos += 3;
      last = (header & 1) === 1;
      const type = (header >>> 1) & 3;
      const size = header >>> 3;
      if (type === 3) throw corrupt('zstd block type is reserved');
      if (type === 1) {
        need(1);
        pos += 1;
        frameBound += size;
      } else {
        need(size);
        pos += size;
        frameBound += type === 0 ? size : blockMax;
      }
    }
    if (hasChecksum) {
      need(4);
      pos += 4;
    }
    bound += contentSize >= 0 ? Math.min(contentSize, frameBound) : frameBound;
  }
  return bound;
}

export const codec: CompressionCodec = {
  name: 'zstd',
  async compress(input: Buffer, _options?: CodecOptions): Promise<Buffer> {
    return zstd.compress(input, ZSTD_DEFAULT_LEVEL);
  },
  async decompress(input: Buffer, options?: DecompressOptions): Promise<Buffer> {
    const maxBytes = options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    const bound = zstdDecompressedBound(input);
    if (bound > maxBytes) throw corrupt(`zstd records may decompress to ${bound} bytes, more than the limit of ${maxBytes}`);
    try {
      return await zstd.decompress(input);
    } catch (error) {
      throw corrupt(`zstd records cannot be decompressed: ${(error as Error).message}`, error);
    }
  },
};
