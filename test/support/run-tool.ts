// Runs `bin/run.js <args>` as a child process without blocking the event loop (a broker in this process must keep
// answering it): exit code, stdout bytes and stderr text.
import { spawn, type ChildProcess } from 'node:child_process';
import { RUN_JS } from './kafka-broker-process.js';

export interface ToolRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export interface RunningTool {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  done: Promise<ToolRun>;
}

export function startTool(args: readonly string[], timeoutMs = 60_000): RunningTool {
  const child = spawn(process.execPath, [RUN_JS, ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
  const out: Buffer[] = [];
  let err = '';
  child.stdout!.on('data', (d: Buffer) => out.push(d));
  child.stderr!.on('data', (d: Buffer) => (err += d));
  const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs);
  const done = new Promise<ToolRun>((resolve) =>
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr: err });
    }),
  );
  return { child, stdout: () => Buffer.concat(out).toString(), stderr: () => err, done };
}

export function runTool(args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
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
