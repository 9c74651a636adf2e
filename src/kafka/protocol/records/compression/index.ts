/**
 * The batch compression codecs by attribute id. Each codec module, and the native binary behind it, is
 * imported on first use only: commands that never meet a compressed batch never pay for loading them.
 */
import { RecordsError, RecordsErrorCode, unsupportedCompression } from '../errors.js';
import type { CodecOptions, CompressionCodec, DecompressOptions } from './codec.js';

export type { CodecOptions, CompressionCodec, DecompressOptions } from './codec.js';
export { DEFAULT_MAX_DECOMPRESSED_BYTES } from './codec.js';

export const COMPRESSION_NAMES = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

const loaders: Record<number, () => Promise<{ codec: CompressionCodec }>> = {
  1: () => import('./gzip.js'),
  2: () => import('./snappy.js'),
  3: () => import('./lz4.js'),
  4: () => import('./zstd.js'),
};

const loaded = new Map<number, Promise<CompressionCodec>>();

export function compressionName(type: number): string {
  return COMPRESSION_NAMES[type] ?? `unknown(${type})`;
}

/** The codec for attribute id `type` (1-4), loading it on first use. Throws UNSUPPORTED_COMPRESSION_TYPE for others. */
export function getCodec(type: number): Promise<CompressionCodec> {
  let codec = loaded.get(type);
  if (codec === undefined) {
    const load = loaders[type];
    if (load === undefined) return Promise.reject(unsupportedCompression(`compression type ${type} is not supported`));
    codec = load().then(
      (m) => m.codec,
      (error: unknown) => {
        loaded.delete(type);
        throw new RecordsError(`${compressionName(type)} codec cannot load: ${(error as Error).message}`, RecordsErrorCode.UNSUPPORTED_COMPRESSION_TYPE, {
          cause: error,
        });
      },
    );
    loaded.set(type, codec);
  }
  return codec;
}

export async function compress(type: number, input: Buffer, options?: CodecOptions): Promise<Buffer> {
  if (type === 0) return input;
  return (await getCodec(type)).compress(input, options);
}

export async function decompress(type: number, input: Buffer, options?: DecompressOptions): Promise<Buffer> {
  if (type === 0) return input;
  return (await getCodec(type)).decompress(input, options);
}
