// Runs a zkafka subcommand (`node bin/run.js <subcommand> ...`) or one of the bin/*.sh shims as a child process and
// collects its exit code and output. Asynchronous, so servers running in the test process keep answering it.
import { spawn, type ChildProcess } from 'node:child_process';
import { RUN_JS } from './kafka-broker-process.js';
import { fileURLToPath } from 'node:url';

export const BIN_DIR = fileURLToPath(new URL('../../../bin/', import.meta.url));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export interface CommandOptions {
  /** This process's environment with NO_COLOR set by default. */
  env?: NodeJS.ProcessEnv;
  cwd?: string;
  timeoutMs?: number;
}

/** Any command's exit code and output. */
export function runCommand(command: string, args: readonly string[], opts: CommandOptions = {}): Promise<ToolRun> {
  return collect(command, args, opts.timeoutMs ?? 60_000, opts.env, opts.cwd);
}

function collect(command: string, args: readonly string[], timeoutMs: number, env?: NodeJS.ProcessEnv, cwd?: string): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    // NO_COLOR and pipes: the tool prints exactly what Kafka's would, without spinners or colour.
    const child = spawn(command, [...args], { cwd, stdio: ['ignore', 'pipe', 'pipe'], env: env ?? { ...process.env, NO_COLOR: '1' } });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`${command} ${args.join(' ')} did not finish in ${timeoutMs} ms\n${stdout}\n${stderr}`));
    }, timeoutMs);
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}

/** `node bin/run.js <subcommand> ...args`. */
export function runTool(subcommand: string, args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
  return collect(process.execPath, [RUN_JS, subcommand, ...args], timeoutMs);
}

/** `bin/<script> ...args`, through bash as a user would type it. */
export function runShim(script: string, args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
  return collect(`${BIN_DIR}${script}`, args, timeoutMs);
}

/** A tool's run with its stdout as bytes (formatters print whatever bytes the records hold). */
export interface ToolBytesRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunningTool {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<ToolBytesRun>;
}

export function startTool(args: readonly string[], timeoutMs = 60_000): RunningTool {
  const child = spawn(process.execPath, [RUN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<ToolBytesRun>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    }),
  );
  return { child, stdout: () => Buffer.concat(out).toString(), stderr: () => err, done };
}

export function runToolBytes(args: readonly string[], timeoutMs = 60_000): Promise<ToolBytesRun> {
  return startTool(args, timeoutMs).done;
}

/** Runs a shell pipeline whose first command is the tool (`| head` tests); stdout and the tool's exit status. */
export function runToolPipeline(args: readonly string[], rest: string, timeoutMs = 60_000): Promise<{ stdout: string; stderr: string; toolStatus: number }> {
  const quoted = [process.execPath, RUN_JS, ...args].map((a) => `'${a.replace(/'/g, `'\\''`)}'`).join(' ');
  return new Promise((resolve, reject) => {
    const child = spawn('bash', ['-c', `${quoted} ${rest}; echo "STATUS:\${PIPESTATUS[0]}" >&2`], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d));
    child.stderr.on('data', (d: Buffer) => (err += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`pipeline did not finish: ${err}`));
    }, timeoutMs);
    child.on('close', () => {
      clearTimeout(timer);
      const m = /STATUS:(\d+)/.exec(err);
      resolve({ stdout: out, stderr: err.replace(/STATUS:\d+\n?/, ''), toolStatus: m ? Number(m[1]) : -1 });
    });
  });
}
