/** gzip (codec 1) with node:zlib: one member written at the default level 6 as Java's GZIPOutputStream; concatenated members are read. */
import { promisify } from 'node:util';
import zlib from 'node:zlib';
import { corrupt } from '../errors.js';
import { type CodecOptions, type CompressionCodec, DEFAULT_MAX_DECOMPRESSED_BYTES, type DecompressOptions, SYNC_BELOW_BYTES } from './codec.js';

const gzipAsync = promisify(zlib.gzip);
const gunzipAsync = promisify(zlib.gunzip);

export const codec: CompressionCodec = {
  name: 'gzip',
  async compress(input: Buffer, _options?: CodecOptions): Promise<Buffer> {
    return input.length < SYNC_BELOW_BYTES ? zlib.gzipSync(input) : gzipAsync(input);
  },
  async decompress(input: Buffer, options?: DecompressOptions): Promise<Buffer> {
    const maxOutputLength = options?.maxBytes ?? DEFAULT_MAX_DECOMPRESSED_BYTES;
    try {
      return input.length < SYNC_BELOW_BYTES / 4 ? zlib.gunzipSync(input, { maxOutputLength }) : await gunzipAsync(input, { maxOutputLength });
    } catch (error) {
      throw corrupt(`gzip records cannot be decompressed: ${(error as Error).message}`, error);
    }
  },
};
