// What zkCli prints on stderr when a command fails (CliException and its subclasses) and the exit status it
// leaves behind: CliWrapperException's one-line texts for server errors, the raw message for bad paths.
import { Err } from '../jute/constants.js';
import { IllegalArgumentError, ZooKeeperError } from '../client/index.js';

/** A command failure: `message` goes to stderr as one line, the shell's exit status becomes `exitCode`. */
export class CliError extends Error {
  override readonly name = 'CliError';
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Java's uncaught exception in zkCli's main thread (e.g. `set -v abc`): the JVM prints it and exits 1. */
export class UncaughtJavaError extends Error {
  override readonly name = 'UncaughtJavaError';
  constructor(readonly javaClass: string, detail: string) {
    super(detail);
  }

  /** The first line Java prints for it. */
  get line(): string {
    return `Exception in thread "main" ${this.javaClass}: ${this.message}`;
  }
}

/** Integer.parseInt with Java's failure, which zkCli does not catch. */
export function javaParseInt(text: string | undefined): number {
  const value = text !== undefined && /^[+-]?\d+$/.test(text) ? Number(text) : NaN;
  if (!Number.isInteger(value) || value > 0x7fffffff || value < -0x80000000) {
    throw new UncaughtJavaError('java.lang.NumberFormatException', text === undefined ? 'Cannot parse null string: null' : `For input string: "${text}"`);
  }
  return value;
}

/** Long.parseLong with Java's failure. */
export function javaParseLong(text: string | undefined, radix = 10): bigint {
  const digits = radix === 16 ? /^[+-]?[0-9a-fA-F]+$/ : /^[+-]?\d+$/;
  if (text === undefined || !digits.test(text)) {
    throw new UncaughtJavaError('java.lang.NumberFormatException', text === undefined ? 'Cannot parse null string: null' : `For input string: "${text}"${radix === 10 ? '' : ` under radix ${radix}`}`);
  }
  const negative = text.startsWith('-');
  const body = text.replace(/^[+-]/, '');
  const magnitude = BigInt(radix === 16 ? `0x${body}` : body);
  const value = negative ? -magnitude : magnitude;
  if (value > 0x7fffffffffffffffn || value < -0x8000000000000000n) {
    throw new UncaughtJavaError('java.lang.NumberFormatException', `For input string: "${text}"${radix === 10 ? '' : ` under radix ${radix}`}`);
  }
  return value;
}

/** CliWrapperException.getMessage for a KeeperException. */
export function keeperErrorLine(err: ZooKeeperError): string {
  const path = err.path ?? 'null';
  switch (err.code) {
    case Err.NONODE:
      return `Node does not exist: ${path}`;
    case Err.NOCHILDRENFOREPHEMERALS:
      return `Ephemerals cannot have children: ${path}`;
    case Err.NODEEXISTS:
      return `Node already exists: ${path}`;
    case Err.NOTEMPTY:
      return `Node not empty: ${path}`;
    case Err.NOTREADONLY:
      return `Not a read-only call: ${path}`;
    case Err.INVALIDACL:
      return `Acl is not valid : ${path}`;
    case Err.NOAUTH:
      return `Insufficient permission : ${path}`;
    case Err.BADARGUMENTS:
      return `Arguments are not valid : ${path}`;
    case Err.BADVERSION:
      return `version No is not valid : ${path}`;
    case Err.RECONFIGINPROGRESS:
      return 'Another reconfiguration is in progress -- concurrent reconfigs not supported (yet)';
    case Err.NEWCONFIGNOQUORUM:
      return 'No quorum of new config is connected and up-to-date with the leader of last committed config - try invoking reconfiguration after new servers are connected and synced';
    case Err.QUOTAEXCEEDED:
      return `Quota has exceeded : ${path}`;
    default:
      return err.message;
  }
}

/** The stderr line and exit status for anything a command threw, as zkCli's processCmd reports it. */
export function describeFailure(err: unknown): { line: string; exitCode: number; fatal: boolean } {
  if (err instanceof CliError) return { line: err.message, exitCode: err.exitCode, fatal: false };
  if (err instanceof ZooKeeperError) return { line: keeperErrorLine(err), exitCode: 1, fatal: false };
  // Client-side argument checks (paths, TTLs) are MalformedPathException/MalformedCommandException: the message alone.
  if (err instanceof IllegalArgumentError) return { line: err.message, exitCode: 1, fatal: false };
  if (err instanceof UncaughtJavaError) return { line: err.line, exitCode: 1, fatal: true };
  const message = err instanceof Error ? err.message : String(err);
  return { line: message, exitCode: 1, fatal: false };
}
