// Errors the log throws. `code` is the Kafka protocol error name the broker answers with, so a handler maps
// them without knowing the storage internals.
export type StorageErrorCode =
  | 'OFFSET_OUT_OF_RANGE'
  | 'CORRUPT_MESSAGE'
  | 'INVALID_RECORD'
  | 'RECORD_LIST_TOO_LARGE'
  | 'KAFKA_STORAGE_ERROR'
  | 'LOG_DIR_NOT_FOUND';

export class StorageError extends Error {
  constructor(readonly code: StorageErrorCode, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'StorageError';
  }
}

export class OffsetOutOfRangeError extends StorageError {
  constructor(message: string) {
    super('OFFSET_OUT_OF_RANGE', message);
  }
}

/** Bytes that do not frame as batches (appends) or fail their checks (recovery, follower appends). */
export class CorruptRecordError extends StorageError {
  constructor(message: string) {
    super('CORRUPT_MESSAGE', message);
  }
}

/** A log dir whose files are not what the broker wrote (bad checkpoint, unparsable partition dir, lock held). */
export class LogDirError extends StorageError {
  constructor(message: string, options?: { cause?: unknown }) {
    super('KAFKA_STORAGE_ERROR', message, options);
  }
}
