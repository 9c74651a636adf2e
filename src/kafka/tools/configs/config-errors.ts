// How kafka-configs ends on an error: IllegalArgumentException and InvalidConfigurationException print their message
// alone on stderr; anything else prints "Error while executing config command with args '...'" and the exception.
import { serverMessageOf } from '../kafka-tool-common.js';

/** Kafka's InvalidConfigurationException: reported by its message alone. */
export class InvalidConfigurationError extends Error {}

/** Any other failure, carrying the Java exception class Kafka's stack trace would start with. */
export class ConfigCommandFailure extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

const JAVA_NAMES: Readonly<Record<string, string>> = {
  TOPIC_ALREADY_EXISTS: 'TopicExistsException',
  INVALID_CONFIG: 'InvalidConfigurationException',
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
};

/** The Java exception an admin call's failure would be: ExecutionException around the error's own class. */
export function javaExceptionLine(err: unknown): string {
  if (err instanceof ConfigCommandFailure) return `${err.javaClass}: ${err.message}`;
  const serverMessage = serverMessageOf(err);
  if (serverMessage !== undefined) {
    const errorName = (err as { errorName: string }).errorName;
    const simple = JAVA_NAMES[errorName] ?? `${errorName.toLowerCase().replace(/(^|_)([a-z])/g, (_m, _s, c: string) => c.toUpperCase())}Exception`;
    return `java.util.concurrent.ExecutionException: org.apache.kafka.common.errors.${simple}: ${serverMessage}`;
  }
  return `java.lang.RuntimeException: ${err instanceof Error ? err.message : String(err)}`;
}
