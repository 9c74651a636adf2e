// Launches a server as a child process, times it from spawn to its first `ruok` → `imok`, and stops it.
import { spawn, type ChildProcess } from 'node:child_process';
import { performance } from 'node:perf_hooks';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeStartEnv } from '../../src/cli/node-start-env.js';
import { sendFourLetterWord } from '../../src/cli/four-letter-word.js';
import { rssBytes } from './proc-stats.js';

export interface BenchServer {
  name: string;
  host: string;
  port: number;
  pid: number;
  /** Spawn to the first `imok`, in milliseconds. */
  startMs: number;
  rssBytes(): number;
  /** The last lines the process wrote, for error messages. */
  output(): string;
  stop(): Promise<void>;
}

export interface LaunchSpec {
  name: string;
  command: string;
  args: string[];
  host: string;
  port: number;
  env?: NodeJS.ProcessEnv;
  startTimeoutMs: number;
  /** Runs once the process has exited (e.g. removes its temp dir). */
  afterExit?: () => void;
}

/**
 * Pause between `ruok` attempts while a server starts, for both servers (startApacheServer passes it to the test
 * harness). An attempt before the port is bound is refused at once; one after it waits, connected, for the answer.
 * Both servers bind their port before they serve (ours some 10-20 ms before, Apache's a few tens), so the answer
 * times the start exactly unless the port was bound within the last pause. Refused attempts cost this process CPU
 * taken from the starting server on a small machine: about a fifth of a core every 2 ms, an eighth every 5 ms.
 */
export const STARTUP_POLL_MS = 5;
const RUOK_TIMEOUT_MS = 1_000;
const STOP_TIMEOUT_MS = 10_000;
const KEPT_OUTPUT_BYTES = 16 * 1024;

/** Children still running and the promise of their exit (clean-up included), so that an interrupted run can stop them. */
const running = new Map<ChildProcess, Promise<void>>();

/** Kills every server this process started and waits (bounded) for their clean-up. */
export async function killAllStartedServers(waitMs = 3_000): Promise<void> {
  const exits = [...running.entries()].map(([child, exited]) => {
    child.kill('SIGKILL');
    return exited;
  });
  await Promise.race([Promise.all(exits), sleep(waitMs)]);
}

export async function ruok(host: string, port: number): Promise<boolean> {
  try {
    return (await sendFourLetterWord(host, port, 'ruok', RUOK_TIMEOUT_MS)) === 'imok';
  } catch {
    return false;
  }
}

export async function launchServer(spec: LaunchSpec): Promise<BenchServer> {
  let output = '';
  const startedAt = performance.now();
  const child = spawn(spec.command, spec.args, { stdio: ['ignore', 'pipe', 'pipe'], env: spec.env ?? process.env });
  const keep = (chunk: Buffer) => {
    output = (output + chunk.toString('utf8')).slice(-KEPT_OUTPUT_BYTES);
  };
  child.stdout!.on('data', keep);
  child.stderr!.on('data', keep);
  let exitCode: number | string | null = null;
  const exited = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exitCode = code ?? signal;
      resolve();
    });
    child.once('error', (err) => {
      exitCode = err.message;
      resolve();
    });
  }).then(() => {
    running.delete(child);
    spec.afterExit?.();
  });
  running.set(child, exited);

  const stop = async () => {
    if (exitCode === null) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      await exited;
      clearTimeout(timer);
    }
  };

  while (!(await ruok(spec.host, spec.port))) {
    if (exitCode !== null) throw new Error(`${spec.name} exited (${exitCode}) before answering ruok:\n${output}`);
    if (performance.now() - startedAt > spec.startTimeoutMs) {
      await stop();
      throw new Error(`${spec.name} did not answer ruok within ${spec.startTimeoutMs} ms:\n${output}`);
    }
    await sleep(STARTUP_POLL_MS);
  }
  const startMs = performance.now() - startedAt;
  return {
    name: spec.name,
    host: spec.host,
    port: spec.port,
    pid: child.pid!,
    startMs,
    rssBytes: () => rssBytes(child.pid!),
    output: () => output,
    stop,
  };
}

/**
 * Spawn to exit of `node -e 0`, spawned as our server is (the environment bin/zkafka gives node, piped output): the
 * least any Node program takes to start, so that a Node server's start-up can be read as this floor plus its own time.
 */
export function nodeFloorMs(): Promise<number> {
  return new Promise((resolve, reject) => {
    const startedAt = performance.now();
    const child = spawn(process.execPath, ['-e', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: nodeStartEnv() });
    child.stdout!.resume();
    child.stderr!.resume();
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve(performance.now() - startedAt) : reject(new Error(`node -e 0 exited with ${code}`))));
  });
}
