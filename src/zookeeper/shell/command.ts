// The contract between the zkcli shell and its commands: each command is one object in a table, so the
// non-interactive mode, the interactive prompt, tab completion and help all come from the same place.
import type { WatchListener, ZooKeeperClient } from '../client/index.js';

/** Where a command writes: zkCli.sh prints results on stdout and most errors on stderr. Each call is one line. */
export interface ShellOutput {
  out(text: string): void;
  err(text: string): void;
  /** stdout without a line break (zkCli prints some messages with print, not println). */
  write(text: string): void;
}

export interface ShellContext {
  /**
   * The client. The shell runs a command only while its session is alive (else it prints `Not connected`), so
   * commands that are not `local` may take it as non-null.
   */
  client: ZooKeeperClient | null;
  output: ShellOutput;
  /** `--output json` was given: read commands print one JSON document instead of zkCli's text. */
  json: boolean;
  /** Whether stdin/stdout are a terminal (interactive extras such as `browse` need one). */
  interactive: boolean;
  /** Shell-level services a command may need (connect, history, quit...). */
  shell: ShellControl;
  /**
   * zkCli's default watcher: pass it where zkCli sets a watch (`-w`), and the event is printed as zkCli prints it
   * (`WATCHER::` / `WatchedEvent state:... type:... path:...`), unless `printwatches off`.
   */
  watcher: WatchListener;
}

export interface ShellControl {
  connect(connectString: string): Promise<void>;
  close(): Promise<void>;
  /** Closes the session and ends the shell with the exit status of the previous command, as zkCli's quit. */
  quit(): void;
  /** Lines entered so far, by command number. */
  history(): readonly string[];
  /** Runs a line as if typed (redo). */
  run(line: string): Promise<number>;
  /** Watch events are printed by the shell as zkCli prints them; a command may need the current host for prompts. */
  connectString(): string;
  /** Per-shell state a command keeps from one run to the next (zkCli's command objects live as long as the shell). */
  memo: Map<string, unknown>;
  /** Whether watch events are printed (`printwatches on|off`). */
  printWatches: boolean;
}

export interface ShellCommand {
  name: string;
  /** zkCli's usage text after the name, e.g. `[-s] [-w] path`. */
  usage: string;
  /** For `help`, in zkCli's order. */
  summary?: string;
  /** Which positional argument (0 = first after the name) is a znode path, for tab completion. */
  pathArg?: number;
  /** Runs without a live session (connect, history, redo, printwatches, quit, help). */
  local?: boolean;
  /**
   * `args` are the words after the command name, as the shell split them (quotes removed). Returns zkCli's exit
   * status: 0 ok, 1 error (2 is for a bad invocation of the shell itself). A thrown error is printed on stderr
   * as zkCli prints it (see cli-error.ts) and gives status 1.
   */
  run(args: string[], ctx: ShellContext): Promise<number>;
}
