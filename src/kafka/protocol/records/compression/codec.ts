/** What every compression codec module exports, and the limit on what a decompression may produce. */

export interface CodecOptions {
  /** Record format of the batch (0, 1 or 2): LZ4 frames of magic 0 carry Kafka's historic header checksum. */
  magic?: number;
}

export interface DecompressOptions extends CodecOptions {
  /** Refuse (CORRUPT_MESSAGE) input that would decompress to more bytes than this. */
  maxBytes?: number;
}

export interface CompressionCodec {
  readonly name: string;
  compress(input: Buffer, options?: CodecOptions): Promise<Buffer>;
  decompress(input: Buffer, options?: DecompressOptions): Promise<Buffer>;
}

/** Default bound on the records of one batch after decompression; a broker passes its own. */
export const DEFAULT_MAX_DECOMPRESSED_BYTES = 64 * 1024 * 1024;

/** Inputs below this are (de)compressed on the calling thread; larger ones on the libuv pool where the binding allows. */
export const SYNC_BELOW_BYTES = 64 * 1024;
