// A ShellContext that records what a command prints, for the extras' tests.
import type { ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { describeFailure } from '../../../src/zookeeper/shell/cli-error.js';
import type { ShellCommand, ShellContext } from '../../../src/zookeeper/shell/command.js';

export interface RecordingContext extends ShellContext {
  stdout(): string;
  stderr(): string;
}

export function recordingContext(client: ZooKeeperClient | null, options: { json?: boolean; interactive?: boolean } = {}): RecordingContext {
  let out = '';
  let err = '';
  const unused = (): never => {
    throw new Error('not used by the extras');
  };
  return {
    client,
    json: options.json ?? false,
    interactive: options.interactive ?? false,
    output: { out: (line) => void (out += `${line}\n`), err: (line) => void (err += `${line}\n`), write: (text) => void (out += text) },
    watcher: () => undefined,
    shell: { connect: unused, close: unused, quit: unused, history: () => [], run: unused, connectString: () => '', memo: new Map(), printWatches: true },
    stdout: () => out,
    stderr: () => err,
  };
}

/** Runs a command as the shell does: a thrown failure becomes its stderr line and exit status. */
export async function runLikeShell(command: ShellCommand, args: string[], ctx: ShellContext): Promise<number> {
  try {
    return await command.run(args, ctx);
  } catch (err) {
    const failure = describeFailure(err);
    ctx.output.err(failure.line);
    return failure.exitCode;
  }
}
