/**
 * Errors raised while reading or writing record batches. Each carries the Kafka error code a broker
 * returns for it, so a Produce handler can answer without a lookup table of its own.
 */

/** Kafka protocol error codes used by this layer. */
export const RecordsErrorCode = {
  CORRUPT_MESSAGE: 2,
  INVALID_TIMESTAMP: 32,
  UNSUPPORTED_COMPRESSION_TYPE: 76,
  INVALID_RECORD: 87,
} as const;

export type RecordsErrorCodeValue = (typeof RecordsErrorCode)[keyof typeof RecordsErrorCode];

export class RecordsError extends Error {
  constructor(
    message: string,
    readonly errorCode: RecordsErrorCodeValue,
    options?: { cause?: unknown },
  ) {
    super(message, options);
    this.name = 'RecordsError';
  }
}

/** Bad CRC, impossible sizes, unknown magic: the bytes are damaged (Kafka CorruptRecordException). */
export function corrupt(message: string, cause?: unknown): RecordsError {
  return new RecordsError(message, RecordsErrorCode.CORRUPT_MESSAGE, cause === undefined ? undefined : { cause });
}

/** Well-framed but breaking the format's rules (Kafka InvalidRecordException). */
export function invalid(message: string, cause?: unknown): RecordsError {
  return new RecordsError(message, RecordsErrorCode.INVALID_RECORD, cause === undefined ? undefined : { cause });
}

export function unsupportedCompression(message: string): RecordsError {
  return new RecordsError(message, RecordsErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
}
