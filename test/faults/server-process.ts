// Runs our ZooKeeper server as a child process (`bin/run.js zookeeper-server-start <zoo.cfg>`), so that a test
// can SIGKILL it, see its exit status and output, and survive whatever the server does.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** dist/test/faults/ → the repository root. */
export const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));

const LISTENING = /listening on (?:\[[^\]]*\]|[^\s,]+):(\d+),/;

const live = new Set<ChildProcess>();
process.once('exit', () => {
  for (const child of live) child.kill('SIGKILL');
});

export interface ExitStatus {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface ServerProcess {
  port: number;
  pid: number;
  /** Spawn to the "listening on" line. */
  startupMs: number;
  stdout(): string;
  stderr(): string;
  exited: Promise<ExitStatus>;
  isRunning(): boolean;
  kill9(): Promise<ExitStatus>;
  /** SIGTERM (a clean shutdown), SIGKILL after `timeoutMs`. */
  stop(timeoutMs?: number): Promise<ExitStatus>;
}

export type ConfigValues = Record<string, string | number | boolean>;

export function tempDir(prefix: string): { path: string; remove(): void } {
  const path = mkdtempSync(join(tmpdir(), prefix));
  return { path, remove: () => rmSync(path, { recursive: true, force: true }) };
}

/** Writes `<dir>/zoo.cfg` with the given keys (dataDir and clientPort must be among them) and returns its path. */
export function writeConfig(dir: string, values: ConfigValues): string {
  const file = join(dir, 'zoo.cfg');
  const lines = Object.entries({ tickTime: 2000, 'admin.enableServer': false, ...values }).map(([k, v]) => `${k}=${v}`);
  writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function spawnServer(configFile: string): { child: ChildProcess; out: string[]; err: string[]; exited: Promise<ExitStatus> } {
  const child = spawn(process.execPath, [RUN_JS, 'zookeeper-server-start', configFile], { stdio: ['ignore', 'pipe', 'pipe'] });
  live.add(child);
  const out: string[] = [];
  const err: string[] = [];
  child.stdout!.setEncoding('utf8').on('data', (s: string) => out.push(s));
  child.stderr!.setEncoding('utf8').on('data', (s: string) => err.push(s));
  const exited = new Promise<ExitStatus>((resolve) => {
    child.once('exit', (code, signal) => {
      live.delete(child);
      resolve({ code, signal });
    });
  });
  return { child, out, err, exited };
}

/** Starts the server and resolves once it prints its "listening on" line; rejects (and kills it) otherwise. */
export async function startServerProcess(configFile: string, timeoutMs = 15_000): Promise<ServerProcess> {
  const startedAt = performance.now();
  const { child, out, err, exited } = spawnServer(configFile);
  const port = await new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => fail(`no "listening on" line within ${timeoutMs} ms`), timeoutMs);
    const onData = () => {
      const m = LISTENING.exec(out.join(''));
      if (!m) return;
      clearTimeout(timer);
      child.stdout!.off('data', onData);
      resolve(Number(m[1]));
    };
    function fail(why: string) {
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(new Error(`server did not start: ${why}\nstdout: ${out.join('')}\nstderr: ${err.join('')}`));
    }
    child.stdout!.on('data', onData);
    void exited.then((s) => fail(`exited with ${s.code ?? s.signal}`));
  });
  const startupMs = performance.now() - startedAt;
  let running = true;
  void exited.then(() => (running = false));
  const stop = async (graceMs = 10_000) => {
    if (!running) return exited;
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), graceMs);
    const status = await exited;
    clearTimeout(timer);
    return status;
  };
  return {
    port,
    pid: child.pid!,
    startupMs,
    stdout: () => out.join(''),
    stderr: () => err.join(''),
    exited,
    isRunning: () => running,
    kill9: async () => {
      if (running) child.kill('SIGKILL');
      return exited;
    },
    stop,
  };
}

/**
 * Runs the start command on a config the server is expected to refuse. A server that starts anyway (prints its
 * "listening on" line) or hangs for `timeoutMs` is killed, and `started` / `timedOut` say so.
 */
export async function runServerToExit(
  configFile: string,
  timeoutMs = 15_000,
): Promise<ExitStatus & { stdout: string; stderr: string; started: boolean; timedOut: boolean }> {
  const { child, out, err, exited } = spawnServer(configFile);
  let timedOut = false;
  let started = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, timeoutMs);
  child.stdout!.on('data', () => {
    if (!started && LISTENING.test(out.join(''))) {
      started = true;
      child.kill('SIGKILL');
    }
  });
  const status = await exited;
  clearTimeout(timer);
  return { ...status, stdout: out.join(''), stderr: err.join(''), started, timedOut };
}
