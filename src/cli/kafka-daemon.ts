import { rmSync } from 'node:fs';
import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { relative, resolve } from 'node:path';
import { isAlive, logDirectory, processArgv, readPidFile, spawnDaemon, stopProcesses, tailFile, waitForDaemon, writePidFile } from './daemon.js';
import { connectableHost } from './four-letter-word.js';
import { isKafkaServerArgv, KAFKA_START_COMMAND, kafkaOutFile, kafkaPidFile, parseKafkaStarted } from './kafka-process.js';

export const DAEMON_START_TIMEOUT_MS = 60_000;
const LOG_TAIL_LINES = 20;

export interface DaemonIo {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `kafka-server-start -daemon`: runs the same command without `-daemon` in the background, output in
 * `$LOG_DIR/kafkaServer.out` (as kafka-run-class.sh -name kafkaServer -daemon), pid in `$LOG_DIR/kafkaServer.pid`,
 * and returns once the broker has started and accepts connections (exit 0) or has died (exit 1, with the end of its
 * output).
 */
export async function startKafkaDaemon(args: readonly string[], runJs: string, io: DaemonIo): Promise<number> {
  const logDir = logDirectory();
  const pidFile = kafkaPidFile(logDir);
  const running = readPidFile(pidFile);
  if (running !== undefined && isAlive(running) && isKafkaServerArgv(processArgv(running) ?? [])) {
    io.err(`kafka server already running as process ${running} (${pidFile}).`);
    return 1;
  }
  const logFile = kafkaOutFile(logDir);
  const daemon = spawnDaemon([resolve(runJs), KAFKA_START_COMMAND, ...args], logFile);
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
    io.err(`kafka server did not start within ${DAEMON_START_TIMEOUT_MS} ms and was stopped; end of ${shownLog}:`);
  } else {
    io.err(`kafka server exited (${outcome.exit}) while starting; end of ${shownLog}:`);
  }
  const tail = tailFile(logFile, LOG_TAIL_LINES);
  if (tail !== '') io.err(tail);
  if (readPidFile(pidFile) === daemon.pid) rmSync(pidFile, { force: true });
  return 1;
}

/** The started line from the output, once the first listener it names accepts a connection. */
async function probe(logFile: string): Promise<string | undefined> {
  let text: string;
  try {
    text = readFileSync(logFile, 'utf8');
  } catch {
    return undefined;
  }
  const started = parseKafkaStarted(text);
  if (!started) return undefined;
  const first = started.listeners[0];
  if (first && !(await accepts(connectableHost(first.host), first.port, 1000))) return undefined;
  return started.line;
}

function accepts(host: string, port: number, timeoutMs: number): Promise<boolean> {
  return new Promise((resolvePromise) => {
    const socket = connect({ host, port });
    const done = (ok: boolean) => {
      socket.destroy();
      resolvePromise(ok);
    };
    socket.setTimeout(timeoutMs, () => done(false));
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
  });
}
