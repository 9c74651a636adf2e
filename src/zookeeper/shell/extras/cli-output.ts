// Printing for the extra commands: lines to the shell's output (one call per line). Failures are thrown: the
// shell prints them on stderr as zkCli words them (cli-error.ts) and the command's status becomes 1.
import type { ZooKeeperClient } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import type { ShellCommand, ShellContext } from '../command.js';

export function printLines(ctx: ShellContext, lines: readonly string[]): void {
  for (const line of lines) ctx.output.out(line);
}

export function printJson(ctx: ShellContext, value: unknown): void {
  ctx.output.out(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** zkCli prints a command's usage line when its arguments are wrong. */
export function usageError(command: ShellCommand): CliError {
  return new CliError(`${command.name} ${command.usage}`);
}

export function clientOf(ctx: ShellContext): ZooKeeperClient {
  if (ctx.client === null) throw new CliError('Not connected');
  return ctx.client;
}
