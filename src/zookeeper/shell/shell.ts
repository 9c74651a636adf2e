// The zkCli shell (ZooKeeperMain): one session, the line → command dispatch, history, redo, printwatches and
// the default watcher that prints events. Drivers (one-shot, stdin, terminal) feed it lines or words.
import { ZooKeeperClient, type WatchedEvent, type WatchListener } from '../client/index.js';
import { CliError, describeFailure, UncaughtJavaError } from './cli-error.js';
import type { ShellCommand, ShellContext, ShellControl, ShellOutput } from './command.js';
import { parseCommandLine } from './line-parser.js';
import { apacheUsage, CommandTable, JAVA_BUILTINS } from './registry.js';

export interface ZkShellOptions {
  sessionTimeoutMs: number;
  readOnly: boolean;
  waitForConnection: boolean;
  json: boolean;
  interactive: boolean;
  output: ShellOutput;
}

/** A failure zkCli does not catch: the JVM prints it and exits 1. */
export class FatalShellError extends Error {
  override readonly name = 'FatalShellError';
}

export class ZkShell implements ShellControl {
  readonly table = new CommandTable();
  client: ZooKeeperClient | null = null;
  host = '';
  /** The status zkCli exits with: the last command's. */
  exitCode = 0;
  commandCount = 0;
  printWatches = true;
  readonly memo = new Map<string, unknown>();
  /** Set by quit: the session is closing and the shell must end once it has. */
  quitting: Promise<void> | null = null;
  private readonly lines: string[] = [];
  private lastTokens: string[] | null = null;
  private readonly context: ShellContext;

  constructor(private readonly opts: ZkShellOptions) {
    this.context = {
      client: null,
      output: opts.output,
      json: opts.json,
      interactive: opts.interactive,
      shell: this,
      watcher: this.watcher,
    };
  }

  /** zkCli's MyWatcher: every event it is given, connection states included. */
  readonly watcher: WatchListener = (event: WatchedEvent) => {
    if (!this.printWatches) return;
    // Java's event thread stops at AuthFailed: the Closed that follows is never delivered.
    if (event.type === 'None' && event.state === 'Closed' && this.client?.state === 'AUTH_FAILED') return;
    if (this.opts.json) {
      if (event.type !== 'None') this.opts.output.out(JSON.stringify({ event: { state: event.state, type: event.type, path: event.path } }));
      return;
    }
    this.opts.output.out('\nWATCHER::');
    this.opts.output.out(`\n${event.toString()}`);
  };

  get alive(): boolean {
    const state = this.client?.state;
    return state !== undefined && state !== 'CLOSED' && state !== 'AUTH_FAILED';
  }

  get state(): string {
    return this.client?.state ?? 'CLOSED';
  }

  prompt(): string {
    return `[zk: ${this.host}(${this.state}) ${this.commandCount}] `;
  }

  // ---------------------------------------------------------------------------------------------------------
  // ShellControl

  /** ZooKeeperMain.connectToZK: closes a live session first; with -waitforconnection, waits for SyncConnected. */
  async connect(connectString: string): Promise<void> {
    if (this.client && this.alive) await this.client.close();
    this.host = connectString;
    let client: ZooKeeperClient;
    try {
      client = new ZooKeeperClient(connectString, { sessionTimeoutMs: this.opts.sessionTimeoutMs, canBeReadOnly: this.opts.readOnly });
    } catch (err) {
      throw new UncaughtJavaError('java.lang.IllegalArgumentException', err instanceof Error ? err.message : String(err));
    }
    client.on('state', this.watcher);
    client.on('error', (err) => this.opts.output.err(err.message));
    this.client = client;
    this.context.client = client;
    if (this.opts.waitForConnection) {
      try {
        await client.waitForConnected(this.opts.sessionTimeoutMs);
      } catch {
        await client.close();
        throw new UncaughtJavaError(
          'java.io.IOException',
          'org.apache.zookeeper.KeeperException$ConnectionLossException: KeeperErrorCode = ConnectionLoss',
        );
      }
    }
  }

  async close(): Promise<void> {
    await this.client?.close();
  }

  quit(): void {
    this.quitting ??= this.close();
  }

  history(): readonly string[] {
    return this.lines;
  }

  connectString(): string {
    return this.host;
  }

  /** Runs a line as if typed: it gets the next command number. */
  async run(line: string): Promise<number> {
    await this.executeLine(line);
    return this.exitCode;
  }

  // ---------------------------------------------------------------------------------------------------------
  // Dispatch

  /** ZooKeeperMain.executeLine: empty lines are skipped; a line without words runs the previous command again. */
  async executeLine(line: string): Promise<void> {
    if (line === '') return;
    const tokens = parseCommandLine(line);
    if (tokens.length > 0) this.lastTokens = tokens;
    this.lines[this.commandCount] = line;
    try {
      if (this.lastTokens) await this.processCmd([...this.lastTokens]);
    } finally {
      this.commandCount++;
    }
  }

  /** ZooKeeperMain.processCmd for words as given (the one-shot mode passes its arguments unsplit). */
  async processCmd(tokens: string[]): Promise<number> {
    let status: number;
    try {
      status = await this.processZKCmd(tokens);
    } catch (err) {
      if (err instanceof FatalShellError) throw err;
      const failure = describeFailure(err);
      this.opts.output.err(failure.line);
      if (failure.fatal) {
        this.exitCode = failure.exitCode;
        throw new FatalShellError(failure.line);
      }
      status = failure.exitCode;
    }
    // quit ends the shell with the status of the command before it.
    if (!this.quitting) this.exitCode = status;
    return status;
  }

  /** redo: the entry's words run again (not counted as a new command) and take the redo's number in the history. */
  async redo(index: number): Promise<void> {
    const tokens = parseCommandLine(this.lines[index] ?? '');
    if (tokens.length === 0 || tokens[0] === 'redo') throw new CliError('No redoing redos');
    this.lines[this.commandCount] = this.lines[index]!;
    this.lastTokens = tokens;
    await this.processCmd([...tokens]);
  }

  private async processZKCmd(tokens: string[]): Promise<number> {
    const name = tokens[0]!;
    const command: ShellCommand | undefined = await this.table.resolve(name);
    if (!command) {
      for (const line of await apacheUsage()) this.opts.output.err(line);
      throw new CliError(`Command not found: Command not found ${name}`, 127);
    }
    if (command.local) {
      const status = await command.run(tokens.slice(1), this.context);
      if (JAVA_BUILTINS.has(name) && !this.alive && !this.quitting) this.opts.output.out('Not connected');
      return status;
    }
    if (!this.alive) {
      this.opts.output.out('Not connected');
      return 0;
    }
    return command.run(tokens.slice(1), this.context);
  }
}
