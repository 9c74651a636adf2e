// Runs the kcat binary without blocking the event loop (a broker in this process must keep answering it).
import { spawn, spawnSync } from 'node:child_process';

export const kcatAvailable = spawnSync('kcat', ['-V']).status === 0;

export interface KcatRun {
  code: number | null;
  stdout: Buffer;
  stderr: string;
}

export function kcat(args: readonly string[], input?: string | Buffer, timeoutMs = 30_000): Promise<KcatRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('kcat', args, { stdio: ['pipe', 'pipe', 'pipe'] });
    const out: Buffer[] = [];
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => out.push(d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`kcat ${args.join(' ')} did not finish within ${timeoutMs} ms:\n${stderr}`));
    }, timeoutMs);
    child.on('error', (err) => {
      clearTimeout(timer);
      reject(err);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout: Buffer.concat(out), stderr });
    });
    child.stdin.end(input ?? '');
  });
}
