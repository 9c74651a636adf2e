// The contract between the zkcli shell and its commands: each command is one object in a table, so the
// non-interactive mode, the interactive prompt, tab completion and help all come from the same place.
import type { ZooKeeperClient } from '../client/index.js';

/** Where a command writes: zkCli.sh prints results on stdout and most errors on stderr. */
export interface ShellOutput {
  out(text: string): void;
  err(text: string): void;
}

export interface ShellContext {
  /** The connected client, or null after `close` / before `connect`. */
  client: ZooKeeperClient | null;
  output: ShellOutput;
  /** `--output json` was given: read commands print one JSON document instead of zkCli's text. */
  json: boolean;
  /** Whether stdin/stdout are a terminal (interactive extras such as `browse` need one). */
  interactive: boolean;
  /** Shell-level services a command may need (connect, history, quit...). */
  shell: ShellControl;
}

export interface ShellControl {
  connect(connectString: string): Promise<void>;
  close(): Promise<void>;
  quit(): void;
  history(): readonly string[];
  /** Runs a line as if typed (redo). */
  run(line: string): Promise<number>;
  /** Watch events are printed by the shell as zkCli prints them; a command may need the current host for prompts. */
  connectString(): string;
}

export interface ShellCommand {
  name: string;
  /** zkCli's usage text after the name, e.g. `[-s] [-w] path`. */
  usage: string;
  /** For `help`, in zkCli's order. */
  summary?: string;
  /** Which positional argument is a znode path (for tab completion), if any. */
  pathArg?: number;
  /** Returns zkCli's exit status for the command: 0 ok, 1 error (2 is for a bad invocation of the shell itself). */
  run(args: string[], ctx: ShellContext): Promise<number>;
}
