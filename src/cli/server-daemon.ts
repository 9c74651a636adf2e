// What the ZooKeeper and Kafka server scripts share: starting the server in the background until it is ready, and
// stopping running servers with $SIGNAL (default SIGTERM), as zookeeper-server-stop.sh / kafka-server-stop.sh do.
import { rmSync } from 'node:fs';
import { relative, resolve } from 'node:path';
import { constants } from 'node:os';
import { isAlive, processArgv, readPidFile, removePidFileIfOwned, spawnDaemon, stopProcesses, tailFile, waitForDaemon, writePidFile } from './daemon.js';

export const DAEMON_START_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 20;
const STOP_TIMEOUT_MS = 30_000;

export interface DaemonIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

export interface ServerDaemon {
  /** As the scripts name it in messages: `zookeeper server`, `kafka server`. */
  name: string;
  pidFile: string;
  logFile: string;
  /** The command line of the foreground server (run.js and its arguments). */
  args: readonly string[];
  isServerArgv: (argv: string[]) => boolean;
  /** The line to print once the server is ready, undefined while it is not. */
  probe: () => Promise<string | undefined>;
  /** What "not ready" means, for the time-out message: `answer ruok`, `start`. */
  readiness: string;
}

/** Runs the server in the background and returns once it is ready (0) or has died or timed out (1, with its output's end). */
export async function startServerDaemon(d: ServerDaemon, io: DaemonIo): Promise<number> {
  const running = readPidFile(d.pidFile);
  if (running !== undefined && isAlive(running) && d.isServerArgv(processArgv(running) ?? [])) {
    io.err(`${d.name} already running as process ${running} (${d.pidFile}).`);
    return 1;
  }
  const daemon = spawnDaemon(d.args.map((a, i) => (i === 0 ? resolve(a) : a)), d.logFile);
  writePidFile(d.pidFile, daemon.pid);

  const outcome = await waitForDaemon(daemon, d.probe, DAEMON_START_TIMEOUT_MS);
  const shownLog = relative(process.cwd(), d.logFile) || d.logFile;
  if (outcome.kind === 'ready') {
    io.out(outcome.value);
    io.out(`running in the background as process ${daemon.pid}; output in ${shownLog}; pid file ${d.pidFile}`);
    return 0;
  }
  if (outcome.kind === 'timeout') {
    await stopProcesses([daemon.pid], 'SIGTERM', 10_000);
    io.err(`${d.name} did not ${d.readiness} within ${DAEMON_START_TIMEOUT_MS} ms and was stopped; end of ${shownLog}:`);
  } else {
    io.err(`${d.name} exited (${outcome.exit}) while starting; end of ${shownLog}:`);
  }
  const tail = tailFile(d.logFile, LOG_TAIL_LINES);
  if (tail !== '') io.err(tail);
  if (readPidFile(d.pidFile) === daemon.pid) rmSync(d.pidFile, { force: true });
  return 1;
}

/**
 * Signals `pids` with $SIGNAL (default SIGTERM) and waits up to 30 s; removes the pid file of those that stopped.
 * Returns the exit code: 1 when none ran (`No <name> to stop`), the signal is unknown, or one did not stop.
 */
export async function stopServers(name: string, pids: readonly number[], pidFile: string | undefined): Promise<number> {
  if (pids.length === 0) {
    process.stdout.write(`No ${name} to stop\n`);
    return 1;
  }
  const signal = `SIG${(process.env['SIGNAL'] ?? 'TERM').replace(/^SIG/, '')}`;
  if (!(signal in constants.signals)) {
    process.stderr.write(`unknown signal ${process.env['SIGNAL']}\n`);
    return 1;
  }
  const left = await stopProcesses(pids, signal as NodeJS.Signals, STOP_TIMEOUT_MS);
  for (const pid of pids) if (!left.includes(pid) && pidFile !== undefined) removePidFileIfOwned(pidFile, pid);
  if (left.length > 0) {
    process.stderr.write(`${name} process ${left.join(', ')} did not stop within ${STOP_TIMEOUT_MS / 1000} s\n`);
    return 1;
  }
  return 0;
}
