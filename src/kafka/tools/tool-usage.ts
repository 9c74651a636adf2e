// How Kafka's tools end on a command-line problem (CommandLineUtils.printUsageAndDie): the message, then the
// option table, on stderr, exit code 1. `--help` is the same in 2.8, with the tool's one-line summary; we add
// examples under the table.
import { formatToolUsage, type OptionSpec } from './tool-options.js';

export interface ToolIo {
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
}

export function printUsageAndDie(io: ToolIo, specs: readonly OptionSpec[], message: string, examples: readonly string[] = []): number {
  const tail = examples.length > 0 ? `\n\nExamples:\n${examples.map((e) => `  ${e}`).join('\n')}` : '';
  io.stderr.write(`${message}\n${formatToolUsage(specs)}${tail}\n`);
  return 1;
}

export const HELP_SPEC: OptionSpec = { name: 'help', description: 'Print usage information.' };
export const VERSION_SPEC: OptionSpec = { name: 'version', description: 'Display Kafka version.' };
