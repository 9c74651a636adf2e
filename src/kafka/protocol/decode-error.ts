/**
 * Thrown for any malformed Kafka wire input: truncated data, a length prefix that is negative where
 * the field is not nullable or larger than the bytes left, a varint longer than its type allows.
 * A server catches it per request and closes (or answers) that connection only.
 */
export class KafkaDecodeError extends Error {
  override readonly name = 'KafkaDecodeError';
  readonly code = 'KAFKA_DECODE';

  constructor(
    message: string,
    /** Byte offset (in the buffer being read) where the problem was found. */
    readonly offset: number,
  ) {
    super(message);
  }
}

/** Thrown when a value cannot be written at the requested version (as Kafka's UnsupportedVersionException). */
export class KafkaEncodeError extends Error {
  override readonly name = 'KafkaEncodeError';
  readonly code = 'KAFKA_ENCODE';

  static nullField(field: string, version: number): KafkaEncodeError {
    return new KafkaEncodeError(`${field} is not nullable at version ${version}`);
  }

  /** Kafka's generated writers refuse to drop a non-ignorable field holding a non-default value. */
  static absentField(field: string, version: number): KafkaEncodeError {
    return new KafkaEncodeError(`attempted to write a non-default ${field} at version ${version}`);
  }
}
