// Errors the client raises itself (as opposed to error codes a broker answered with), and the code → class lookup.
import { ERROR_CLASSES, UnknownServerError } from './kafka-errors.js';
import { KafkaClientError, KafkaProtocolError } from './kafka-protocol-error.js';

/** The connection failed or closed before the response came; another attempt (maybe to another broker) may work. */
export class KafkaConnectionError extends KafkaClientError {
  constructor(message: string, options?: ErrorOptions) {
    super(message, true, options);
  }
}

/** No response within request.timeout.ms; the connection is closed, as the Java client does. */
export class KafkaRequestTimeoutError extends KafkaClientError {
  constructor(message: string) {
    super(message, true);
  }
}

/** send() could not get buffer space or metadata within max.block.ms. */
export class KafkaBlockTimeoutError extends KafkaClientError {
  constructor(message: string) {
    super(message, false);
  }
}

/** The client and the broker share no version of an API (or the broker lacks the API). */
export class KafkaUnsupportedApiError extends KafkaClientError {
  constructor(message: string) {
    super(message, false);
  }
}

/** Bad arguments from the caller (a negative partition, an unknown compression name, ...). */
export class KafkaArgumentError extends KafkaClientError {
  constructor(message: string) {
    super(message, false);
  }
}

/** The client (producer, consumer, admin) was closed. */
export class KafkaClosedError extends KafkaClientError {
  constructor(what: string) {
    super(`${what} is closed`, false);
  }
}

/** The typed error for a Kafka error code; a code missing from the table becomes an UnknownServerError that keeps it. */
export function kafkaError(code: number, message?: string | null, context?: string): KafkaProtocolError {
  const Class = ERROR_CLASSES.get(code);
  const text = message ?? undefined;
  const err = Class !== undefined ? new Class(text) : new KafkaProtocolError(code, text);
  if (context !== undefined) err.message = `${context}: ${err.message}`;
  return err;
}

/** Throws the typed error for a non-zero code. */
export function throwIfError(code: number, message?: string | null, context?: string): void {
  if (code !== 0) throw kafkaError(code, message, context);
}

export function isRetriable(err: unknown): boolean {
  return err instanceof KafkaClientError && err.retriable;
}

export { UnknownServerError };
