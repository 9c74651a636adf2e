// The terminal mode, as zkCli with JLine: the `[zk: host(STATE) n] ` prompt, line editing and history (kept in
// ~/.zkafka_zkcli_history, bounded), tab completion of command names and of znode paths (children asked from the
// server), and events printed above the prompt without losing what is being typed.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { clearLine, createInterface, cursorTo, type Interface } from 'node:readline';
import type { ShellOutput } from './command.js';
import { FatalShellError, type ZkShell } from './shell.js';

export const HISTORY_FILE = '.zkafka_zkcli_history';
export const HISTORY_MAX_LINES = 1000;
const COMPLETION_TIMEOUT_MS = 2_000;

export interface TerminalIo {
  stdin: NodeJS.ReadableStream;
  stdout: NodeJS.WritableStream;
  stderr: NodeJS.WritableStream;
  homeDir: string;
}

/** History lines, oldest first, at most `max`. */
export function readHistory(file: string, max = HISTORY_MAX_LINES): string[] {
  try {
    return readFileSync(file, 'utf8').split('\n').filter((l) => l !== '').slice(-max);
  } catch {
    return [];
  }
}

function writeHistory(file: string, newestFirst: readonly string[]): void {
  try {
    writeFileSync(file, [...newestFirst].slice(0, HISTORY_MAX_LINES).reverse().map((l) => `${l}\n`).join(''), { mode: 0o600 });
    chmodSync(file, 0o600);
  } catch {
    // history is a convenience: an unwritable home must not stop the shell
  }
}

/** Completions for the text before the cursor: `[candidates, the part they replace]`. */
export async function complete(shell: ZkShell, before: string): Promise<[string[], string]> {
  const token = /\s$/.test(before) ? '' : (before.split(/\s+/).pop() ?? '');
  const firstWord = before.trimStart() === token;
  if (token.startsWith('/')) {
    const slash = token.lastIndexOf('/');
    const dir = slash === 0 ? '/' : token.slice(0, slash);
    const prefix = token.slice(slash + 1);
    const client = shell.client;
    if (!client || !shell.alive) return [[], token];
    let timer: NodeJS.Timeout | undefined;
    const children = await Promise.race([
      client.getChildren(dir).catch(() => [] as string[]),
      new Promise<string[]>((resolve) => (timer = setTimeout(() => resolve([]), COMPLETION_TIMEOUT_MS))),
    ]);
    clearTimeout(timer);
    const base = dir === '/' ? '/' : `${dir}/`;
    return [children.filter((c) => c.startsWith(prefix)).sort().map((c) => base + c), token];
  }
  if (!firstWord) return [[], token];
  const names = (await shell.table.all()).map((c) => c.name).sort();
  return [names.filter((n) => n.startsWith(token)).map((n) => `${n} `), token];
}

export class Terminal {
  readonly output: ShellOutput;
  private rl: Interface | null = null;
  /** A command is running: output goes straight out; otherwise it is printed above the prompt. */
  private busy = true;
  private readonly historyFile: string;
  private promptText: () => string = () => '';

  constructor(private readonly io: TerminalIo) {
    this.historyFile = join(io.homeDir, HISTORY_FILE);
    const print = (stream: NodeJS.WritableStream, text: string) => {
      if (this.busy || !this.rl) {
        stream.write(text);
        return;
      }
      clearLine(this.io.stdout, 0);
      cursorTo(this.io.stdout, 0);
      stream.write(text);
      // the prompt shows the connection state, which the event being printed may have changed
      this.rl.setPrompt(this.promptText());
      this.rl.prompt(true);
    };
    this.output = {
      out: (text) => print(io.stdout, `${text}\n`),
      err: (text) => print(io.stderr, `${text}\n`),
      write: (text) => print(io.stdout, text),
    };
  }

  async run(shell: ZkShell): Promise<void> {
    this.io.stdout.write('Welcome to ZooKeeper!\n');
    this.io.stdout.write('JLine support is enabled\n');
    const rl = createInterface({
      input: this.io.stdin,
      output: this.io.stdout,
      terminal: true,
      history: readHistory(this.historyFile).reverse(),
      historySize: HISTORY_MAX_LINES,
      removeHistoryDuplicates: false,
      completer: (line: string, callback: (err: Error | null, result: [string[], string]) => void) => {
        complete(shell, line).then(
          (result) => callback(null, result),
          () => callback(null, [[], line]),
        );
      },
    });
    this.rl = rl;
    this.promptText = () => shell.prompt();
    const history = (rl as unknown as { history: string[] }).history;
    await new Promise<void>((resolve) => {
      let closed = false;
      rl.on('close', () => {
        closed = true;
        resolve();
      });
      // Ctrl-C drops the line being typed; on an empty line it leaves, as Ctrl-D does.
      rl.on('SIGINT', () => {
        if (rl.line.length > 0) {
          this.io.stdout.write('^C\n');
          (rl as unknown as { line: string }).line = '';
          rl.setPrompt(shell.prompt());
          rl.prompt();
        } else {
          this.io.stdout.write('\n');
          rl.close();
        }
      });
      // Lines typed (or pasted) while a command runs wait their turn.
      const queue: string[] = [];
      let running = false;
      const drain = async () => {
        running = true;
        this.busy = true;
        while (queue.length > 0 && !closed) {
          const line = queue.shift()!;
          try {
            await shell.executeLine(line);
          } catch (err) {
            // zkCli would exit here (an uncaught exception); the line was printed, the prompt stays.
            if (!(err instanceof FatalShellError)) this.io.stderr.write(`${err instanceof Error ? err.message : String(err)}\n`);
          }
          if (line.trim() !== '') writeHistory(this.historyFile, history);
          if (shell.quitting) {
            await shell.quitting;
            rl.close();
            return;
          }
        }
        running = false;
        if (closed) return;
        this.busy = false;
        rl.setPrompt(shell.prompt());
        rl.prompt();
      };
      rl.on('line', (line) => {
        queue.push(line);
        if (!running) void drain();
      });
      this.busy = false;
      rl.setPrompt(shell.prompt());
      rl.prompt();
    });
    this.busy = true;
    this.rl = null;
  }
}
