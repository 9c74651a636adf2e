/**
 * lz4 (codec 3): the standard LZ4 frame, framed here and compressed block by block with lz4-napi
 * (lz4_flex, prebuilt binary). Written as Kafka's KafkaLZ4BlockOutputStream does: FLG 0x60 (version 01,
 * independent blocks, no checksums, no content size), BD 0x40 (64 KiB blocks), a block stored raw when
 * compression does not shrink it, end mark 0. Read as its input stream does, plus dependent blocks and
 * dictionary-free frames from any standard writer (librdkafka, lz4 CLI).
 *
 * The header checksum (HC) is xxHash32 of the descriptor, second byte. Before KIP-57 Kafka hashed the
 * magic too; for magic 0 messages it still writes that "broken" HC and ignores HC when reading.
 */
import { corrupt } from '../errors.js';
import { requireNativeAddon } from '../native-addon.js';
import { type CodecOptions, type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES, type DecompressOptions } from './codec.js';
import { xxhash32 } from './xxhash32.js';

interface Lz4Binding {
  /** Raw block with its uncompressed size prepended (uint32 LE). */
  compressSync(data: Buffer): Buffer;
  /** Input = uint32 LE output capacity + raw block; `dict` = the bytes that precede the block. */
  uncompressSync(data: Uint8Array, dict?: Uint8Array | null): Buffer;
}

const lz4 = requireNativeAddon<Lz4Binding>('lz4-napi', /lz4-napi[^/\\]*\.node$/).exports;

export const LZ4_MAGIC = 0x184d2204;
const FLG_VERSION_MASK = 0xc0;
const FLG_VERSION = 0x40;
const FLG_BLOCK_INDEPENDENCE = 0x20;
const FLG_BLOCK_CHECKSUM = 0x10;
const FLG_CONTENT_SIZE = 0x08;
const FLG_CONTENT_CHECKSUM = 0x04;
const FLG_DICT_ID = 0x01;
const FLG_RESERVED = 0x02;
const BD_RESERVED = 0x8f;
const KAFKA_FLG = FLG_VERSION | FLG_BLOCK_INDEPENDENCE;
const KAFKA_BD = 0x40;
const BLOCK_BYTES = 64 * 1024;
const UNCOMPRESSED_BIT = 0x80000000;
const DICTIONARY_BYTES = 64 * 1024;

/** The header checksum byte over `descriptor` (FLG..), or over magic + descriptor for Kafka's magic-0 variant. */
export function headerChecksum(frame: Buffer, descriptorEnd: number, broken: boolean): number {
  return (xxhash32(frame.subarray(broken ? 0 : 4, descriptorEnd)) >>> 8) & 0xff;
}

export function compressFrame(input: Buffer, options?: CodecOptions): Buffer {
  const parts: Buffer[] = [];
  const header = Buffer.alloc(7);
  header.writeUInt32LE(LZ4_MAGIC, 0);
  header[4] = KAFKA_FLG;
  header[5] = KAFKA_BD;
  header[6] = headerChecksum(header, 6, options?.magic === 0);
  parts.push(header);
  let total = header.length;
  for (let pos = 0; pos < input.length; pos += BLOCK_BYTES) {
    const chunk = input.subarray(pos, Math.min(input.length, pos + BLOCK_BYTES));
    const prefixed = lz4.compressSync(chunk);
    const size = Buffer.allocUnsafe(4);
    if (prefixed.length - 4 < chunk.length) {
      size.writeUInt32LE(prefixed.length - 4, 0);
      parts.push(size, prefixed.subarray(4));
      total += prefixed.length;
    } else {
      size.writeUInt32LE((chunk.length | UNCOMPRESSED_BIT) >>> 0, 0);
      parts.push(size, chunk);
      total += 4 + chunk.length;
    }
  }
  parts.push(Buffer.alloc(4));
  return Buffer.concat(parts, total + 4);
}

export function decompressFrame(input: Buffer, options?: DecompressOptions): Buffer {
  const maxBytes = options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
  if (input.length < 7 || input.readUInt32LE(0) !== LZ4_MAGIC) throw corrupt('lz4 records do not start with the LZ4 frame magic');
  const flg = input[4];
  const bd = input[5];
  if ((flg & FLG_VERSION_MASK) !== FLG_VERSION) throw corrupt(`lz4 frame version ${flg >>> 6} is not supported`);
  if (flg & (FLG_RESERVED | FLG_DICT_ID) || bd & BD_RESERVED) throw corrupt('lz4 frame uses reserved bits or a dictionary');
  const blockMaxId = (bd >>> 4) & 7;
  if (blockMaxId < 4) throw corrupt(`lz4 frame block size id ${blockMaxId} is invalid`);
  const blockMax = 1 << (8 + 2 * blockMaxId);
  let pos = 6 + (flg & FLG_CONTENT_SIZE ? 8 : 0);
  if (input.length < pos + 1) throw corrupt('lz4 frame header is cut short');
  if (options?.magic !== 0 && input[pos] !== headerChecksum(input, pos, false)) throw corrupt('lz4 frame header checksum mismatch');
  pos++;

  const independent = (flg & FLG_BLOCK_INDEPENDENCE) !== 0;
  const blockChecksums = (flg & FLG_BLOCK_CHECKSUM) !== 0;
  const scratch = Buffer.allocUnsafe(4 + blockMax);
  scratch.writeUInt32LE(blockMax, 0);
  const blocks: Buffer[] = [];
  let total = 0;
  let window: Buffer | undefined;
  for (;;) {
    if (input.length - pos < 4) throw corrupt('lz4 frame ends without its end mark');
    const field = input.readUInt32LE(pos);
    pos += 4;
    if (field === 0) break;
    const size = field & 0x7fffffff;
    if (size > blockMax || input.length - pos < size + (blockChecksums ? 4 : 0)) throw corrupt(`lz4 block of ${size} bytes is too large or cut short`);
    const data = input.subarray(pos, pos + size);
    pos += size;
    if (blockChecksums) {
      if (input.readUInt32LE(pos) !== xxhash32(data)) throw corrupt('lz4 block checksum mismatch');
      pos += 4;
    }
    let block: Buffer;
    if (field & UNCOMPRESSED_BIT) {
      block = data;
    } else {
      data.copy(scratch, 4);
      try {
        block = lz4.uncompressSync(scratch.subarray(0, 4 + size), independent ? undefined : window);
      } catch (error) {
        throw corrupt(`lz4 block cannot be decompressed: ${(error as Error).message}`, error);
      }
    }
    total += block.length;
    if (total > maxBytes) throw corrupt(`lz4 records decompress to more than the limit of ${maxBytes} bytes`);
    blocks.push(block);
    if (!independent) window = lastBytes(blocks, DICTIONARY_BYTES);
  }
  // A content checksum may follow (flag 0x04); Kafka's reader does not verify it and neither do we.
  if (flg & FLG_CONTENT_CHECKSUM && input.length - pos < 4) throw corrupt('lz4 frame content checksum is cut short');
  return blocks.length === 1 ? blocks[0] : Buffer.concat(blocks, total);
}

/** The last `want` bytes of the output so far: the dictionary of a dependent block. */
function lastBytes(blocks: Buffer[], want: number): Buffer {
  let bytes = 0;
  let first = blocks.length;
  while (first > 0 && bytes < want) bytes += blocks[--first].length;
  const tail = first === blocks.length - 1 ? blocks[first] : Buffer.concat(blocks.slice(first), bytes);
  return tail.subarray(Math.max(0, tail.length - want));
}

export const codec: CompressionCodec = {
  name: 'lz4',
  async compress(input: Buffer, options?: CodecOptions): Promise<Buffer> {
    return compressFrame(input, options);
  },
  async decompress(input: Buffer, options?: DecompressOptions): Promise<Buffer> {
    return decompressFrame(input, options);
  },
};
