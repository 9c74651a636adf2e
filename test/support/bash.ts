// Shell commands as a user types them: `bash -c` with the given working directory and environment, either run to
// the end (output and exit code collected) or left running like a server in a terminal of its own, in a process
// group of its own so that whatever it started can be killed with it.
import { spawn, type ChildProcess } from 'node:child_process';

export interface BashOptions {
  cwd?: string;
  /** Added to this process's environment (NO_COLOR=1 is always set: tools print what they print to a pipe). */
  env?: NodeJS.ProcessEnv;
}

export interface BashRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `script` under `bash -c` to its end; rejects (after SIGKILL) if it takes longer than `timeoutMs`. */
export function runBash(script: string, timeoutMs: number, opts: BashOptions = {}): Promise<BashRun> {
  return new Promise((resolve, reject) => {
    const child = spawnBash(script, opts);
    let stdout = '';
    let stderr = '';
    child.stdout!.on('data', (d: Buffer) => (stdout += d));
    child.stderr!.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      killGroup(child);
      reject(new Error(`\`${script}\` did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** A command left running, as in a terminal of its own. */
export interface BashBackground {
  command: string;
  child: ChildProcess;
  /** stdout and stderr so far, interleaved as they arrived. */
  output(): string;
  /** Its exit code, or null when a signal ended it. */
  exit: Promise<number | null>;
  running(): boolean;
  /** SIGKILL to its whole process group (no-op once it has exited). */
  kill(): void;
}

export function startBash(command: string, opts: BashOptions = {}): BashBackground {
  const child = spawnBash(command, opts);
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d));
  child.stderr!.on('data', (d: Buffer) => (out += d));
  const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  const running = () => child.exitCode === null && child.signalCode === null;
  return { command, child, output: () => out, exit, running, kill: () => running() && killGroup(child) };
}

function spawnBash(script: string, opts: BashOptions): ChildProcess {
  return spawn('bash', ['-c', script], {
    cwd: opts.cwd,
    env: { ...process.env, NO_COLOR: '1', ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
}

function killGroup(child: ChildProcess): void {
  try {
    process.kill(-child.pid!, 'SIGKILL');
  } catch {
    child.kill('SIGKILL');
  }
}
