// What Kafka's tools share (kafka.utils.CommandLineUtils, CommandDefaultOptions and the tools' log4j layout): the
// --help/--version options, the usage text, log lines and the Java names of client errors.
import { KafkaProtocolError } from '../client/errors/kafka-protocol-error.js';
import { KafkaArgumentError, KafkaBlockTimeoutError, KafkaClosedError, KafkaConnectionError, KafkaRequestTimeoutError, KafkaUnsupportedApiError } from '../client/errors/client-errors.js';
import { formatToolUsage, type OptionSpec } from './tool-options.js';

export { HELP_OPTION, VERSION_OPTION } from './kafka-tool-common.js';

/** printUsageAndDie: the message, then the option table; examples (ours) after it. */
export function usageText(message: string, specs: readonly OptionSpec[], examples: readonly string[] = []): string {
  const lines = [message, formatToolUsage(specs)];
  if (examples.length > 0) lines.push('', 'Examples:', ...examples.map((e) => `  ${e}`));
  return lines.join('\n') + '\n';
}

const two = (n: number) => String(n).padStart(2, '0');

/** A line in the tools' log4j layout: `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL message (logger)`. */
export function toolLogLine(level: 'ERROR' | 'WARN' | 'INFO', message: string, logger: string, now = new Date()): string {
  const stamp = `${now.getFullYear()}-${two(now.getMonth() + 1)}-${two(now.getDate())} ${two(now.getHours())}:${two(now.getMinutes())}:${two(now.getSeconds())},${String(now.getMilliseconds()).padStart(3, '0')}`;
  return `[${stamp}] ${level} ${message} (${logger})`;
}

/** The Java client's exception class for an error of ours, as a stack trace's first line names it. */
export function javaExceptionName(err: unknown): string {
  const errors = 'org.apache.kafka.common.errors.';
  if (err instanceof KafkaProtocolError) return errors + err.constructor.name.replace(/Error$/, 'Exception');
  if (err instanceof KafkaBlockTimeoutError || err instanceof KafkaRequestTimeoutError) return `${errors}TimeoutException`;
  if (err instanceof KafkaConnectionError) return `${errors}NetworkException`;
  if (err instanceof KafkaUnsupportedApiError) return `${errors}UnsupportedVersionException`;
  if (err instanceof KafkaArgumentError) return `${errors}InvalidConfigurationException`;
  if (err instanceof KafkaClosedError) return 'java.lang.IllegalStateException';
  return 'org.apache.kafka.common.KafkaException';
}

/** `<class>: <message>`, the first line of printStackTrace. */
export function javaExceptionLine(err: unknown): string {
  return `${javaExceptionName(err)}: ${err instanceof Error ? err.message : String(err)}`;
}
