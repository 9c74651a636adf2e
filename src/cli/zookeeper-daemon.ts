import { readFileSync, rmSync } from 'node:fs';
import { join, relative, resolve } from 'node:path';
import type { ZooKeeperConfig } from '../config/zookeeper-config.js';
import {
  isAlive,
  logDirectory,
  processArgv,
  readPidFile,
  spawnDaemon,
  stopProcesses,
  tailFile,
  waitForDaemon,
  writePidFile,
} from './daemon.js';
import { connectableHost, sendFourLetterWord } from './four-letter-word.js';
import { isZooKeeperServerArgv, parseStartedLine, ZOOKEEPER_START_COMMAND, zooKeeperPidFile } from './zookeeper-process.js';

export const DAEMON_START_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 20;

export interface DaemonIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `zookeeper-server-start -daemon`: runs the same command without `-daemon` in the background, output in
 * `<logDir>/zookeeper.out`, pid in `<dataDir>/zookeeper_server.pid`, and returns once the server answers
 * `ruok` (exit 0) or has died (exit 1, with the end of its output).
 */
export async function startZooKeeperDaemon(config: ZooKeeperConfig, configArg: string, runJs: string, io: DaemonIo): Promise<number> {
  const pidFile = zooKeeperPidFile(config.dataDir);
  const running = readPidFile(pidFile);
  if (running !== undefined && isAlive(running) && isZooKeeperServerArgv(processArgv(running) ?? [])) {
    io.err(`zookeeper server already running as process ${running} (${pidFile}).`);
    return 1;
  }
  const logFile = join(logDirectory(), 'zookeeper.out');
  const daemon = spawnDaemon([resolve(runJs), ZOOKEEPER_START_COMMAND, configArg], logFile);
  writePidFile(pidFile, daemon.pid);

  const outcome = await waitForDaemon(daemon, () => probe(logFile), DAEMON_START_TIMEOUT_MS);
  const shownLog = relative(process.cwd(), logFile) || logFile;
  if (outcome.kind === 'ready') {
    io.out(outcome.value);
    io.out(`running in the background as process ${daemon.pid}; output in ${shownLog}; pid file ${pidFile}`);
    return 0;
  }
  if (outcome.kind === 'timeout') {
    await stopProcesses([daemon.pid], 'SIGTERM', 10_000);
    io.err(`zookeeper server did not answer ruok within ${DAEMON_START_TIMEOUT_MS} ms and was stopped; end of ${shownLog}:`);
  } else {
    io.err(`zookeeper server exited (${outcome.exit}) while starting; end of ${shownLog}:`);
  }
  const tail = tailFile(logFile, LOG_TAIL_LINES);
  if (tail !== '') io.err(tail);
  if (readPidFile(pidFile) === daemon.pid) rmSync(pidFile, { force: true });
  return 1;
}

/** The started line from the log, once the address it names answers `ruok` (any answer: it may not be whitelisted). */
async function probe(logFile: string): Promise<string | undefined> {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const started = parseStartedLine(text);
  if (!started) return undefined;
  const answer = await sendFourLetterWord(connectableHost(started.address.host), started.address.port, 'ruok', 1000);
  return answer.length > 0 ? started.line : undefined;
}
