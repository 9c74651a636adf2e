// zkCli's session and shell commands: close and version (CLI commands), and connect, history, redo, printwatches,
// quit (handled by ZooKeeperMain itself, which then still prints `Not connected` when the session is gone).
import { readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { CliError, UncaughtJavaError } from '../cli-error.js';
import type { ShellCommand, ShellContext } from '../command.js';
import type { ZkShell } from '../shell.js';
import { define, parse, usageError } from './define.js';

function shellOf(ctx: ShellContext): ZkShell {
  return ctx.shell as ZkShell;
}

const NO_OPTIONS = { options: [] };

const close = define({
  name: 'close',
  usage: '',
  summary: 'close the session (the prompt then shows CLOSED; connect opens a new one)',
  async java(_argv, ctx) {
    await ctx.shell.close();
  },
});

/** `3.8.0-zkafka-<package version>, built on <when this file was compiled>`, in the shape of Version.getFullVersion. */
function fullVersion(): string {
  const here = fileURLToPath(import.meta.url);
  let version = 'unknown';
  try {
    version = (JSON.parse(readFileSync(new URL('../../../../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
  } catch {
    // not in a package layout
  }
  const built = statSync(here).mtime.toISOString();
  return `3.8.0-zkafka-${version}, built on ${built.slice(0, 10)} ${built.slice(11, 16)} UTC`;
}

const version = define({
  name: 'version',
  usage: '',
  summary: 'print the version of this shell',
  async java(argv, ctx) {
    const cl = parse(NO_OPTIONS, argv);
    if (cl.args.length > 1) throw usageError(this);
    ctx.output.out(`ZooKeeper CLI version: ${fullVersion()}`);
  },
});

const connect = define({
  name: 'connect',
  usage: 'host:port',
  summary: 'close the session and open one to the given servers (default: the current ones)',
  local: true,
  async java(argv, ctx) {
    await ctx.shell.connect(argv.length >= 2 ? argv[1]! : ctx.shell.connectString());
  },
});

const history = define({
  name: 'history',
  usage: '',
  summary: 'print the last commands with their numbers',
  local: true,
  async java(_argv, ctx) {
    const shell = shellOf(ctx);
    const lines = ctx.shell.history();
    for (let i = shell.commandCount - 10; i <= shell.commandCount; i++) {
      if (i >= 0) ctx.output.out(`${i} - ${lines[i] ?? 'null'}`);
    }
  },
});

/** Integer.decode: decimal, 0x/0X/# hex, leading-zero octal. */
function javaDecode(text: string): number {
  const m = /^([+-]?)(0[xX]|#|0(?=[0-7]))?([0-9a-fA-F]+)$/.exec(text);
  const radix = m?.[2] === undefined ? 10 : m[2] === '0' ? 8 : 16;
  const value = m ? parseInt(m[3]!, radix) : NaN;
  const digitsOk = m !== null && (radix === 16 || new RegExp(radix === 8 ? '^[0-7]+$' : '^\\d+$').test(m[3]!));
  if (!digitsOk || Number.isNaN(value)) throw new UncaughtJavaError('java.lang.NumberFormatException', `For input string: "${text}"`);
  return m![1] === '-' ? -value : value;
}

const redo = define({
  name: 'redo',
  usage: 'cmdno',
  summary: 'run command number cmdno again',
  local: true,
  async java(argv, ctx) {
    if (argv.length < 2) return;
    const shell = shellOf(ctx);
    const index = javaDecode(argv[1]!);
    if (shell.commandCount <= index || index < 0) throw new CliError('Command index out of range');
    await shell.redo(index);
  },
});

const printwatches = define({
  name: 'printwatches',
  usage: 'on|off',
  summary: 'switch the printing of watch events on or off; with no argument, say which',
  local: true,
  async java(argv, ctx) {
    if (argv.length === 1) ctx.output.out(`printwatches is ${ctx.shell.printWatches ? 'on' : 'off'}`);
    else ctx.shell.printWatches = argv[1] === 'on';
  },
});

const quit = define({
  name: 'quit',
  usage: '',
  summary: 'close the session and leave',
  local: true,
  async java(_argv, ctx) {
    ctx.shell.quit();
  },
});

export const SESSION_COMMANDS: ShellCommand[] = [close, version, connect, history, redo, printwatches, quit];
