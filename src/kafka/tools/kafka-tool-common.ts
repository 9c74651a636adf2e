// What Kafka's command-line tools share (CommandDefaultOptions and CommandLineUtils): --help and --version, the
// usage-and-die exit, Java's way of reporting an exception that leaves main, and the output streams a tool writes.
import { formatToolUsage, ToolOptionError, type OptionSpec } from './tool-options.js';

export const HELP_OPTION: OptionSpec = { name: 'help', description: 'Print usage information.' };
export const VERSION_OPTION: OptionSpec = { name: 'version', description: 'Display Kafka version.' };

/** Where a tool writes; tests and the oclif command pass process streams. */
export interface ToolIo {
  out: (text: string) => void;
  err: (text: string) => void;
  /** stdout is a terminal and colour/spinners are allowed (not NO_COLOR). */
  interactive: boolean;
}

export function processIo(): ToolIo {
  return {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
    interactive: process.stdout.isTTY === true && process.stderr.isTTY === true && !('NO_COLOR' in process.env),
  };
}

/** CommandLineUtils.printUsageAndDie: the message and the option table on stderr, exit status 1. */
export class UsageError extends Error {}

/** A Java exception that escapes a tool's main: the JVM prints its class and message, and exits with 1. */
export class UncaughtToolError extends Error {
  constructor(
    readonly javaClass: string,
    message: string,
  ) {
    super(message);
  }
}

export const illegalArgument = (message: string) => new UncaughtToolError('java.lang.IllegalArgumentException', message);

/** Prints what Kafka prints for errors raised before the tool's own error handling, and returns the exit status. */
export function reportStartupError(err: unknown, specs: readonly OptionSpec[], io: ToolIo): number {
  if (err instanceof UsageError) {
    io.err(`${err.message}\n${formatToolUsage(specs)}`);
    return 1;
  }
  if (err instanceof ToolOptionError || err instanceof UncaughtToolError) {
    io.err(`Exception in thread "main" ${err.javaClass}: ${err.message}\n`);
    return 1;
  }
  throw err;
}

/** CommandLineUtils.checkRequiredArgs. */
export function checkRequired(has: (name: string) => boolean, ...names: string[]): void {
  for (const name of names) if (!has(name)) throw new UsageError(`Missing required argument "[${name}]"`);
}

/** CommandLineUtils.checkInvalidArgs: `used` may not be combined with any of `invalid`. */
export function checkInvalid(has: (name: string) => boolean, used: string, invalid: Iterable<string>): void {
  if (!has(used)) return;
  for (const name of invalid) if (has(name)) throw new UsageError(`Option "[${used}]" can't be used with option "[${name}]"`);
}

/** Java's String.split(regex) for a literal-free pattern: trailing empty strings removed. */
export function javaSplit(text: string, pattern: RegExp): string[] {
  const parts = text.split(pattern);
  while (parts.length > 0 && parts[parts.length - 1] === '') parts.pop();
  return parts;
}

/** The message of any error for the tool's one-line report. */
export function messageOf(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/**
 * A broker's error as the Java exception's message (KafkaProtocolError.serverMessage), read without importing the
 * client library, which one-shot commands load only when they talk to a broker.
 */
export function serverMessageOf(err: unknown): string | undefined {
  return err instanceof Error && 'serverMessage' in err && typeof err.serverMessage === 'string' ? err.serverMessage : undefined;
}
