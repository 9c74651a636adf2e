// `zkcli [-server host:port[,...][/chroot]] [-timeout ms] [-r] [-waitforconnection] [-client-configuration file]
// [--output json] [command args...]` as zkCli.sh runs ZooKeeperMain: one command and exit, or lines from stdin (no
// prompt, as zkCli without JLine), or an interactive prompt on a terminal.
import { accessSync, constants } from 'node:fs';
import { UncaughtJavaError } from './cli-error.js';
import type { ShellOutput } from './command.js';
import { FatalShellError, ZkShell } from './shell.js';

export interface ZkCliArgs {
  server: string;
  timeout: string;
  readOnly: boolean;
  waitForConnection: boolean;
  clientConfiguration?: string;
  json: boolean;
  /** The command and its arguments (passed on unsplit), or null for the line-reading modes. */
  command: string[] | null;
}

export interface ZkCliIo {
  /** Read only when no command is given (a getter keeps a one-shot command from opening it). */
  stdin: NodeJS.ReadableStream & { isTTY?: boolean };
  stdout: NodeJS.WritableStream & { isTTY?: boolean };
  stderr: NodeJS.WritableStream;
  /** For the history file of the interactive mode. */
  homeDir: string;
}

/** Exit statuses beyond a command's own: ZooKeeperMain exits 2 for an unusable -client-configuration file. */
export const EXIT_BAD_INVOCATION = 2;

/** MyCommandOptions.parseOptions: options up to the first word without a dash; unknown dashed words are skipped. */
export function parseZkCliArgv(argv: readonly string[], err: (line: string) => void): ZkCliArgs | { usageError: string } {
  const args: ZkCliArgs = { server: 'localhost:2181', timeout: '30000', readOnly: false, waitForConnection: false, json: false, command: null };
  for (let i = 0; i < argv.length; i++) {
    const opt = argv[i]!;
    const withValue = ['-server', '-timeout', '-client-configuration', '--output'].includes(opt);
    if (withValue && i + 1 >= argv.length) {
      err(`Error: no argument found for option ${opt}`);
      if (opt === '--output') return { usageError: '--output needs a format: json' };
      return args;
    }
    const output = opt === '--output' ? argv[++i]! : opt.startsWith('--output=') ? opt.slice('--output='.length) : undefined;
    if (output !== undefined) {
      if (output !== 'json' && output !== 'text') return { usageError: `--output: unknown format "${output}" (json or text)` };
      args.json = output === 'json';
    } else if (opt === '-server') args.server = argv[++i]!;
    else if (opt === '-timeout') args.timeout = argv[++i]!;
    else if (opt === '-r') args.readOnly = true;
    else if (opt === '-client-configuration') args.clientConfiguration = argv[++i]!;
    else if (opt === '-waitforconnection') args.waitForConnection = true;
    else if (!opt.startsWith('-')) {
      args.command = argv.slice(i);
      return args;
    }
  }
  return args;
}

function lineWriter(stream: NodeJS.WritableStream): (text: string) => void {
  return (text) => void stream.write(`${text}\n`);
}

/**
 * Kafka's zookeeper-shell.sh: the server comes first and gets `-server` put before it; `-zk-tls-config-file f` is
 * Kafka's TLS option (not supported here, dropped). null when no server was given (the script's usage then).
 */
export function zookeeperShellArgv(argv: readonly string[]): string[] | null {
  if (argv.length === 0) return null;
  const rest: string[] = [];
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] === '-zk-tls-config-file') i++;
    else rest.push(argv[i]!);
  }
  return ['-server', argv[0]!, ...rest];
}

export const ZOOKEEPER_SHELL_USAGE = 'USAGE: zookeeper-shell zookeeper_host:port[/path] [-zk-tls-config-file file] [args...]';

/** Runs zkcli; resolves with the exit status (the caller exits without closing the session, as zkCli does). */
export async function runZkCli(argv: readonly string[], io: ZkCliIo): Promise<number> {
  // A reader that goes away (`zkcli ... | head -1`) ends nothing: Java's PrintStream drops what it cannot write.
  io.stdout.on('error', () => {});
  io.stderr.on('error', () => {});
  const err = lineWriter(io.stderr);
  const out = lineWriter(io.stdout);
  const parsed = parseZkCliArgv(argv, err);
  if ('usageError' in parsed) {
    err(`zkcli: ${parsed.usageError}`);
    return EXIT_BAD_INVOCATION;
  }
  if (!parsed.json) out(`Connecting to ${parsed.server}`);
  if (parsed.clientConfiguration !== undefined) {
    try {
      accessSync(parsed.clientConfiguration, constants.R_OK);
    } catch {
      err(`org.apache.zookeeper.server.quorum.QuorumPeerConfig$ConfigException: Error while processing ${parsed.clientConfiguration}`);
      err(`Caused by: java.lang.IllegalArgumentException: ${parsed.clientConfiguration} file is missing`);
      return EXIT_BAD_INVOCATION;
    }
  }
  const sessionTimeoutMs = Number(parsed.timeout);
  if (!/^[+-]?\d+$/.test(parsed.timeout) || !Number.isSafeInteger(sessionTimeoutMs) || sessionTimeoutMs > 0x7fffffff) {
    err(new UncaughtJavaError('java.lang.NumberFormatException', `For input string: "${parsed.timeout}"`).line);
    return 1;
  }
  const interactive = parsed.command === null && io.stdin.isTTY === true && io.stdout.isTTY === true;
  let terminal: import('./interactive.js').Terminal | null = null;
  let output: ShellOutput = { out, err, write: (text) => void io.stdout.write(text) };
  if (interactive) {
    const { Terminal } = await import('./interactive.js');
    terminal = new Terminal(io);
    output = terminal.output;
  }
  const shell = new ZkShell({ sessionTimeoutMs, readOnly: parsed.readOnly, waitForConnection: parsed.waitForConnection, json: parsed.json, interactive, output });
  try {
    await shell.connect(parsed.server);
  } catch (error) {
    if (!(error instanceof UncaughtJavaError)) throw error;
    err(error.line);
    return 1;
  }
  try {
    if (parsed.command !== null) {
      await shell.processCmd([...parsed.command]);
    } else if (terminal) {
      await terminal.run(shell);
    } else {
      await readLines(shell, io, parsed.json);
    }
  } catch (error) {
    if (error instanceof FatalShellError) return 1;
    throw error;
  }
  if (shell.quitting) await shell.quitting;
  return shell.exitCode;
}

/** zkCli without JLine: a banner, then one line at a time from stdin, no prompt, until EOF or quit. */
async function readLines(shell: ZkShell, io: ZkCliIo, json: boolean): Promise<void> {
  if (!json) {
    io.stdout.write('Welcome to ZooKeeper!\n');
    io.stdout.write('JLine support is disabled\n');
  }
  const { createInterface } = await import('node:readline');
  const lines = createInterface({ input: io.stdin, crlfDelay: Infinity, terminal: false });
  try {
    for await (const line of lines) {
      await shell.executeLine(line);
      if (shell.quitting) return;
    }
  } finally {
    lines.close();
  }
}
