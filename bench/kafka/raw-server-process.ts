// Starts raw-server.js or raw-follower.js as its own process (as the broker is), waits for its port, and stops it;
// and, for those processes, the listening half of that exchange.
import { spawn } from 'node:child_process';
import { createServer, type Socket } from 'node:net';
import { fileURLToPath } from 'node:url';
import type { RawFollowerConfig } from './raw-follower.js';
import type { RawServerConfig } from './raw-server.js';

export interface RawServerProcess {
  port: number;
  pid: number;
  stop(): Promise<void>;
}

/** A raw follower's answer whenever what it has stored grows: the bytes stored so far, as a big-endian float64. */
export const RAW_FOLLOWER_ACK_BYTES = 8;

const RAW_SERVER_JS = fileURLToPath(new URL('./raw-server.js', import.meta.url));
const RAW_FOLLOWER_JS = fileURLToPath(new URL('./raw-follower.js', import.meta.url));
const START_TIMEOUT_MS = 10_000;

/** In a raw process: serves loopback connections on a free port, prints the `port <n>` line, exits on SIGTERM. */
export function listenOnLoopback(serve: (accepted: Socket) => void): void {
  const server = createServer({ pauseOnConnect: true }, serve);
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`port ${(server.address() as { port: number }).port}\n`);
  });
  process.on('SIGTERM', () => process.exit(0));
}

export function startRawServer(config: RawServerConfig): Promise<RawServerProcess> {
  return startProcess(RAW_SERVER_JS, config);
}

export function startRawFollower(config: RawFollowerConfig): Promise<RawServerProcess> {
  return startProcess(RAW_FOLLOWER_JS, config);
}

function startProcess(script: string, config: object): Promise<RawServerProcess> {
  const child = spawn(process.execPath, [script, JSON.stringify(config)], { stdio: ['ignore', 'pipe', 'inherit'] });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => {
      void stop();
      reject(new Error(`${script} printed no port within ${START_TIMEOUT_MS} ms`));
    }, START_TIMEOUT_MS);
    child.stdout!.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /^port (\d+)$/m.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ port: Number(m[1]), pid: child.pid!, stop });
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`${script} exited (${code}) before listening`));
    });
  });
}
