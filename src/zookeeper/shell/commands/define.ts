// Helpers for writing zkCli's commands as ShellCommands: Java's commands index their arguments with the command
// name at 0 (args[1] is the path), so `java` gets them that way.
import type { ZooKeeperClient } from '../../client/index.js';
import { CliError } from '../cli-error.js';
import { parseOptions, type OptionsSpec, type ParsedCommandLine } from '../cli-options.js';
import type { ShellCommand, ShellContext } from '../command.js';

export interface JavaCommand {
  name: string;
  usage: string;
  summary: string;
  pathArg?: number;
  local?: boolean;
  /** `argv` has the command name at 0, as zkCli's CliCommand.parse sees it; returns the exit status (default 0). */
  java(argv: string[], ctx: ShellContext): Promise<number | void>;
}

export function define(command: JavaCommand): ShellCommand {
  return {
    name: command.name,
    usage: command.usage,
    summary: command.summary,
    pathArg: command.pathArg,
    local: command.local,
    async run(args, ctx) {
      return (await command.java([command.name, ...args], ctx)) ?? 0;
    },
  };
}

/** CliCommand.getUsageStr(): name, a space, the options text (a trailing space when it is empty). */
export function usageError(command: { name: string; usage: string }): CliError {
  return new CliError(`${command.name} ${command.usage}`);
}

export function parse(spec: OptionsSpec, argv: string[]): ParsedCommandLine {
  return parseOptions(spec, argv);
}

/** The shell only runs server commands while the session is alive. */
export function clientOf(ctx: ShellContext): ZooKeeperClient {
  if (!ctx.client) throw new CliError('Not connected');
  return ctx.client;
}

export function printJson(ctx: ShellContext, doc: unknown): void {
  ctx.output.out(JSON.stringify(doc));
}

export function childPath(parent: string, child: string): string {
  return parent.length === 1 ? `/${child}` : `${parent}/${child}`;
}
