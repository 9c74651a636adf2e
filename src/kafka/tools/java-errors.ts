// How a Java tool prints a Kafka error (Throwable.toString): the exception class Kafka's client maps the code to,
// then its message.
import { KafkaProtocolError } from '../client/errors/kafka-protocol-error.js';
import { errorInfo } from '../protocol/errors.js';

/** Codes whose exception class is not the error name in CamelCase. */
const CLASS_BY_NAME: Record<string, string> = {
  NON_EMPTY_GROUP: 'GroupNotEmptyException',
  NOT_LEADER_OR_FOLLOWER: 'NotLeaderOrFollowerException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
};

export function javaExceptionClass(err: unknown): string {
  if (err instanceof KafkaProtocolError) {
    const name = CLASS_BY_NAME[err.errorName] ?? `${err.errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_, __, c: string) => c.toUpperCase())}Exception`;
    return `org.apache.kafka.common.errors.${name}`;
  }
  if ((err as Error)?.name === 'KafkaRequestTimeoutError' || (err as Error)?.name === 'KafkaConnectionError') return 'org.apache.kafka.common.errors.TimeoutException';
  return `org.apache.kafka.common.KafkaException`;
}

/** Throwable.toString: `class: message`. */
export function javaToString(err: unknown): string {
  // Kafka's exceptions carry the error table's message, without our context prefix.
  const message = err instanceof KafkaProtocolError ? errorInfo(err.code).message ?? err.message : (err as Error)?.message;
  return message ? `${javaExceptionClass(err)}: ${message}` : javaExceptionClass(err);
}
