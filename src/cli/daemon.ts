import type { ChildProcess } from 'node:child_process';
import { createRequire } from 'node:module';
import { closeSync, mkdirSync, openSync, readdirSync, readFileSync, readlinkSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { nodeStartEnv } from './node-start-env.js';

/** Where `-daemon` puts a server's console output: `$LOG_DIR`, else `<cwd>/logs` (as kafka-run-class.sh). */
export function logDirectory(env: NodeJS.ProcessEnv = process.env, cwd = process.cwd()): string {
  return env['LOG_DIR'] ? resolve(cwd, env['LOG_DIR']) : join(cwd, 'logs');
}

export function readPidFile(file: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(file, 'utf8').trim();
  } catch {
    return undefined;
  }
  return /^\d+$/.test(text) ? Number(text) : undefined;
}

/** The pid without a newline, as zkServer.sh writes it. */
export function writePidFile(file: string, pid: number): void {
  writeFileSync(file, String(pid));
}

/** Removes the pid file only if it still names `pid` (a newer server may have taken it over). */
export function removePidFileIfOwned(file: string, pid: number): void {
  if (readPidFile(file) === pid) rmSync(file, { force: true });
}

/** True while the process runs: an exited one its parent has not reaped yet (a zombie) is not alive. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
  return !isZombie(pid);
}

/** /proc/<pid>/stat's state is Z (the command name in parentheses may hold spaces and parentheses itself). */
function isZombie(pid: number): boolean {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) === 'Z';
  } catch {
    return false;
  }
}

/** argv of a running process (Linux /proc), undefined if it is gone. */
export function processArgv(pid: number): string[] | undefined {
  try {
    const raw = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return raw.split('\0').filter((arg, i, all) => arg !== '' || i < all.length - 1);
  } catch {
    return undefined;
  }
}

export function processCwd(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}

/** Every other process whose argv satisfies `matches` (what `ps ax | grep` does in Kafka's stop scripts). */
export function findProcesses(matches: (argv: string[]) => boolean): number[] {
  let names: string[];
  try {
    names = readdirSync('/proc');
  } catch {
    return [];
  }
  const pids: number[] = [];
  for (const name of names) {
    if (!/^\d+$/.test(name)) continue;
    const pid = Number(name);
    if (pid === process.pid) continue;
    const argv = processArgv(pid);
    if (argv && argv.length > 0 && matches(argv)) pids.push(pid);
  }
  return pids.sort((a, b) => a - b);
}

/** Signals each process and waits until all have exited; returns those still alive after `timeoutMs`. */
export async function stopProcesses(pids: readonly number[], signal: NodeJS.Signals, timeoutMs: number): Promise<number[]> {
  for (const pid of pids) {
    try {
      process.kill(pid, signal);
    } catch {
      // already gone
    }
  }
  const deadline = Date.now() + timeoutMs;
  let alive = pids.filter(isAlive);
  while (alive.length > 0 && Date.now() < deadline) {
    await sleep(50);
    alive = alive.filter(isAlive);
  }
  return alive;
}

export interface SpawnedDaemon {
  child: ChildProcess;
  pid: number;
  logFile: string;
  /** Set once the child has exited: its exit code, or the signal name. */
  exit(): string | number | undefined;
}

/**
 * Starts `node <args>` detached in its own session, with stdin from /dev/null and stdout and stderr
 * truncated into `logFile`, like `nohup … > file 2>&1 < /dev/null &`; by default in this process's environment
 * as node-start-env.ts gives it.
 */
export function spawnDaemon(args: readonly string[], logFile: string, env: NodeJS.ProcessEnv = nodeStartEnv()): SpawnedDaemon {
  mkdirSync(resolve(logFile, '..'), { recursive: true });
  const fd = openSync(logFile, 'w');
  let exited: string | number | undefined;
  let child: ChildProcess;
  try {
    // node:child_process is loaded here rather than at import: a foreground server never spawns.
    const { spawn } = createRequire(import.meta.url)('node:child_process') as typeof import('node:child_process');
    child = spawn(process.execPath, [...process.execArgv, ...args], { detached: true, stdio: ['ignore', fd, fd], env });
  } finally {
    closeSync(fd);
  }
  child.on('exit', (code, signal) => {
    exited = signal ?? code ?? 'unknown';
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`cannot start ${process.execPath}`);
  return { child, pid: child.pid, logFile, exit: () => exited };
}

export type DaemonOutcome<T> =
  | { kind: 'ready'; value: T }
  | { kind: 'exited'; exit: string | number }
  | { kind: 'timeout' };

/** Polls `probe` until it returns a value, the daemon exits, or `timeoutMs` passes. */
export async function waitForDaemon<T>(
  daemon: SpawnedDaemon,
  probe: () => Promise<T | undefined>,
  timeoutMs: number,
  pollMs = 50,
): Promise<DaemonOutcome<T>> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value !== undefined) return { kind: 'ready', value };
    let exit = daemon.exit();
    if (exit === undefined && !isAlive(daemon.pid)) {
      // Gone (or a zombie) before Node reaped it and emitted 'exit': give the exit status a moment to arrive.
      const reapBy = Date.now() + 1000;
      while (daemon.exit() === undefined && Date.now() < reapBy) await sleep(10);
      exit = daemon.exit() ?? 'unknown';
    }
    if (exit !== undefined) return { kind: 'exited', exit };
    if (Date.now() >= deadline) return { kind: 'timeout' };
    await sleep(pollMs);
  }
}

/** The last `lines` lines of a text file ('' if unreadable). */
export function tailFile(file: string, lines: number): string {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch {
    return '';
  }
  const all = text.replace(/\n$/, '').split('\n');
  return all.slice(-lines).join('\n');
}
