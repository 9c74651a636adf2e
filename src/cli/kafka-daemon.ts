import { readFileSync } from 'node:fs';
import { connect } from 'node:net';
import { logDirectory } from './daemon.js';
import { connectableHost } from './four-letter-word.js';
import { isKafkaServerArgv, KAFKA_START_COMMAND, kafkaOutFile, kafkaPidFile, parseKafkaStarted } from './kafka-process.js';
import { startServerDaemon, type DaemonIo } from './server-daemon.js';

/**
 * `kafka-server-start -daemon`: runs the same command without `-daemon` in the background, output in
 * `$LOG_DIR/kafkaServer.out` (as kafka-run-class.sh -name kafkaServer -daemon), pid in `$LOG_DIR/kafkaServer.pid`,
 * and returns once the broker has started and accepts connections (exit 0) or has died (exit 1, with the end of its
 * output).
 */
export function startKafkaDaemon(args: readonly string[], runJs: string, io: DaemonIo): Promise<number> {
  const logDir = logDirectory();
  const logFile = kafkaOutFile(logDir);
  return startServerDaemon({
    name: 'kafka server',
    pidFile: kafkaPidFile(logDir),
    logFile,
    args: [runJs, KAFKA_START_COMMAND, ...args],
    isServerArgv: isKafkaServerArgv,
    probe: () => probe(logFile),
    readiness: 'start',
  }, io);
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
