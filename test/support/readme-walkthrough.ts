// The README's "Walkthrough" section as steps to run: every ```sh block between the `## Walkthrough` heading and
// the next `## ` heading, in order. In a block, a line is a command (a trailing backslash joins the next line);
// `#` lines right under a command, with no blank line between, are what it prints: its stdout and stderr lines,
// exactly, interleaved as a terminal shows them. Other `#` lines are comments. A command that starts a server in the foreground
// (`bin/zookeeper-server-start.sh` or `bin/kafka-server-start.sh` without -daemon) is what a reader runs in a
// terminal of its own.
//
// The README names the ports and /tmp paths of templates/local; `Localizer` moves them for a test run: each of
// FIXED_PORTS becomes a free port, and /tmp/ becomes <dir>/tmp/, in the commands, in the outputs they show and in
// a copy of templates/ made under <dir>, which is where the commands then run (with bin/ linked to the real one).
import { cpSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface WalkthroughCommand {
  /** The command as the README has it (continuation lines joined). */
  command: string;
  /** The lines shown under it as its output (without `# `); empty when none are shown. */
  output: string[];
  /** 1-based line of the README where it starts. */
  line: number;
  /** Starts a server in the foreground: it keeps running while the next commands run. */
  foregroundServer: boolean;
}

export type WalkthroughBlock = WalkthroughCommand[];

const SERVER_START = /^bin\/(zookeeper|kafka)-server-start\.sh\s/;

export function isForegroundServer(command: string): boolean {
  return SERVER_START.test(command) && !/\s-daemon(\s|$)/.test(command);
}

/** The sh blocks of the README's Walkthrough section, each as its commands. */
export function walkthroughBlocks(markdown: string): WalkthroughBlock[] {
  const lines = markdown.split('\n');
  const start = lines.findIndex((l) => /^## Walkthrough\s*$/.test(l));
  if (start < 0) throw new Error('README.md has no "## Walkthrough" section');
  const blocks: WalkthroughBlock[] = [];
  for (let i = start + 1; i < lines.length && !lines[i]!.startsWith('## '); i++) {
    if (lines[i] !== '```sh') continue;
    const block: WalkthroughBlock = [];
    // The command whose output the next `#` lines show: the one right above, with no blank line between.
    let open: WalkthroughCommand | undefined;
    for (i++; lines[i] !== '```'; i++) {
      if (i >= lines.length) throw new Error(`README.md: an sh block of the Walkthrough is not closed`);
      const text = lines[i]!;
      if (text.trim() === '') {
        open = undefined;
      } else if (text.startsWith('#')) {
        open?.output.push(text.replace(/^# ?/, ''));
      } else {
        const line = i + 1;
        let command = text;
        while (command.endsWith('\\')) command = `${command.slice(0, -1)}${lines[++i]!.trimStart()}`;
        open = { command: command.trim(), output: [], line, foregroundServer: isForegroundServer(command.trim()) };
        block.push(open);
      }
    }
    blocks.push(block);
  }
  return blocks;
}

/** Output lines, without the newline after the last one and without trailing blanks (table columns pad them). */
export function outputLines(text: string): string[] {
  return text === '' ? [] : text.replace(/\n$/, '').split('\n').map((l) => l.trimEnd());
}

/** Whether `shown` is `stdout` and `stderr` interleaved, each in its own order (as a terminal shows the two). */
export function isInterleaving(shown: readonly string[], stdout: readonly string[], stderr: readonly string[]): boolean {
  if (shown.length !== stdout.length + stderr.length) return false;
  // reachable[j]: shown[0, i + j) can be stdout[0, i) and stderr[0, j) interleaved, for the current i.
  let reachable = stderr.map((_, j) => stderr.slice(0, j + 1).every((l, k) => l === shown[k]));
  reachable.unshift(true);
  for (let i = 1; i <= stdout.length; i++) {
    const next = [reachable[0]! && stdout[i - 1] === shown[i - 1]];
    for (let j = 1; j <= stderr.length; j++) {
      next.push((reachable[j]! && stdout[i - 1] === shown[i + j - 1]) || (next[j - 1]! && stderr[j - 1] === shown[i + j - 1]));
    }
    reachable = next;
  }
  return reachable[stderr.length]!;
}

/** The ports of templates/local and of the README's commands: ZooKeeper client, quorum and election, Kafka. */
export const FIXED_PORTS = [2181, 2182, 2183, 2888, 2889, 2890, 3888, 3889, 3890, 9092, 9093, 9094] as const;

export class Localizer {
  private readonly pattern = new RegExp(`(?<![\\d.])(${FIXED_PORTS.join('|')})(?!\\d)`, 'g');

  constructor(
    readonly dir: string,
    readonly ports: ReadonlyMap<number, number>,
  ) {}

  /** `text` with every fixed port replaced by its free port and /tmp/ by <dir>/tmp/. */
  apply(text: string): string {
    return text.replace(this.pattern, (p) => String(this.ports.get(Number(p)))).replace(/(?<![\w/])\/tmp\//g, `${this.dir}/tmp/`);
  }

  /** <dir>/bin linked to the real bin/, <dir>/templates a localized copy of the real templates/. */
  prepare(home: string): void {
    symlinkSync(join(home, 'bin'), join(this.dir, 'bin'));
    mkdirSync(join(this.dir, 'tmp'));
    cpSync(join(home, 'templates'), join(this.dir, 'templates'), { recursive: true });
    for (const file of filesUnder(join(this.dir, 'templates'))) writeFileSync(file, this.apply(readFileSync(file, 'utf8')));
  }
}

function filesUnder(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? filesUnder(path) : [path];
  });
}
