// Runs a zkafka subcommand (`node bin/run.js <subcommand> ...`) or one of the bin/*.sh shims as a child process and
// collects its exit code and output. Asynchronous, so servers running in the test process keep answering it.
import { spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export const BIN_DIR = fileURLToPath(new URL('../../../bin/', import.meta.url));

export interface ToolRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

function collect(command: string, args: readonly string[], timeoutMs: number): Promise<ToolRun> {
  return new Promise((resolve, reject) => {
    // NO_COLOR and pipes: the tool prints exactly what Kafka's would, without spinners or colour.
    const child = spawn(command, [...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, NO_COLOR: '1' } });
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
  return collect(process.execPath, [`${BIN_DIR}run.js`, subcommand, ...args], timeoutMs);
}

/** `bin/<script> ...args`, through bash as a user would type it. */
export function runShim(script: string, args: readonly string[], timeoutMs = 60_000): Promise<ToolRun> {
  return collect(`${BIN_DIR}${script}`, args, timeoutMs);
}
