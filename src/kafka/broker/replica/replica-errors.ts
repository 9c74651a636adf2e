// One error type for everything a produce or fetch can fail with, carrying the Kafka error code to answer with;
// errors of the records and storage layers are mapped to their codes here.
import { ErrorCode } from '../../protocol/index.js';
import { RecordsError } from '../../protocol/records/index.js';
import { StorageError } from '../../storage/errors.js';

export class ReplicaError extends Error {
  override readonly name = 'ReplicaError';
  constructor(readonly errorCode: number, message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** The Kafka error code for an error thrown while appending or reading; null when it is not a known kind (a bug). */
export function errorCodeOf(err: unknown): number | null {
  if (err instanceof ReplicaError) return err.errorCode;
  if (err instanceof RecordsError) return err.errorCode;
  if (err instanceof StorageError) return ErrorCode[err.code];
  if ((err as NodeJS.ErrnoException)?.syscall) return ErrorCode.KAFKA_STORAGE_ERROR;
  return null;
}
