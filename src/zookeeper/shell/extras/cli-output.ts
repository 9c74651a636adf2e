// Printing for the extra commands: lines to the shell's output (one call per line), and errors worded as zkCli
// words them.
import { ZooKeeperError } from '../../client/index.js';
import type { ShellCommand, ShellContext } from '../command.js';

export function printLines(ctx: ShellContext, lines: readonly string[]): void {
  for (const line of lines) ctx.output.out(line);
}

export function printError(ctx: ShellContext, line: string): void {
  ctx.output.err(line);
}

export function printJson(ctx: ShellContext, value: unknown): void {
  ctx.output.out(JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)));
}

/** zkCli's CliWrapperException texts for server errors; any other error by its message. */
const CLI_MESSAGES: Record<string, (path: string) => string> = {
  NONODE: (p) => `Node does not exist: ${p}`,
  NODEEXISTS: (p) => `Node already exists: ${p}`,
  NOTEMPTY: (p) => `Node not empty: ${p}`,
  NOCHILDRENFOREPHEMERALS: (p) => `Ephemerals cannot have children: ${p}`,
  BADVERSION: (p) => `version No is not valid : ${p}`,
  NOAUTH: (p) => `Insufficient permission : ${p}`,
  INVALIDACL: (p) => `Acl is not valid : ${p}`,
  BADARGUMENTS: (p) => `Arguments are not valid : ${p}`,
  NOTREADONLY: (p) => `Not a read-only call: ${p}`,
  QUOTAEXCEEDED: (p) => `Quota has exceeded : ${p}`,
};

export function cliErrorMessage(err: unknown): string {
  if (err instanceof ZooKeeperError) {
    const message = err.path === undefined ? undefined : CLI_MESSAGES[err.codeName];
    if (message) return message(err.path!);
  }
  return err instanceof Error ? err.message : String(err);
}

/** zkCli prints a command's usage line when its arguments are wrong. */
export function printUsage(ctx: ShellContext, command: ShellCommand): number {
  printError(ctx, `${command.name} ${command.usage}`);
  return 1;
}

export function requireClient(ctx: ShellContext): ShellContext['client'] {
  if (ctx.client === null) printError(ctx, 'Not connected');
  return ctx.client;
}
