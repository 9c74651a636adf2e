import { basename, join, resolve } from 'node:path';
import { processCwd } from './daemon.js';

export const KAFKA_START_COMMAND = 'kafka-server-start';
/** kafka-server-start.sh's usage line ($0 is the script name). */
export function kafkaStartUsage(name: string): string {
  return `USAGE: ${name} [-daemon] server.properties [--override property=value]*`;
}

/** kafka-run-class.sh -name kafkaServer: `$LOG_DIR/kafkaServer.out`; our pid file sits beside it. */
export const KAFKA_DAEMON_NAME = 'kafkaServer';

export function kafkaOutFile(logDir: string): string {
  return join(logDir, `${KAFKA_DAEMON_NAME}.out`);
}

export function kafkaPidFile(logDir: string): string {
  return join(logDir, `${KAFKA_DAEMON_NAME}.pid`);
}

const STARTED = /\[KafkaServer id=(-?\d+)\] started \(kafka\.server\.KafkaServer\)/;
const AWAITING = /Awaiting socket connections on (\[[^\]]*\]|[^\s]+):(\d+)\. \(kafka\.network\.Acceptor\)/g;

/** From a broker's output once it has started: its id, the started line and the address of each listener. */
export function parseKafkaStarted(text: string): { brokerId: number; line: string; listeners: { host: string; port: number }[] } | undefined {
  const match = STARTED.exec(text);
  if (!match) return undefined;
  const lineStart = text.lastIndexOf('\n', match.index) + 1;
  const lineEnd = text.indexOf('\n', match.index);
  const listeners = [...text.slice(0, match.index).matchAll(AWAITING)].map((m) => ({ host: m[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(m[2]) }));
  return { brokerId: Number(match[1]), line: text.slice(lineStart, lineEnd < 0 ? undefined : lineEnd), listeners };
}

/** Where the start command sits in a zkafka argv (`node …/bin/run.js kafka-server-start …`), or -1. */
function startCommandIndex(argv: readonly string[]): number {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] !== KAFKA_START_COMMAND) continue;
    const launcher = basename(argv[i - 1]!);
    if (launcher === 'run.js' || launcher === 'zkafka') return i;
  }
  return -1;
}

export function isKafkaServerArgv(argv: readonly string[]): boolean {
  return startCommandIndex(argv) >= 0;
}

/** The absolute server.properties path a running broker was given (resolved against that process's cwd). */
export function kafkaConfigPathOf(pid: number, argv: readonly string[]): string | undefined {
  const i = startCommandIndex(argv);
  if (i < 0) return undefined;
  const rest = argv.slice(i + 1);
  const config = rest.find((arg, j) => !arg.startsWith('-') && rest[j - 1] !== '--override');
  const cwd = processCwd(pid);
  return config === undefined || cwd === undefined ? undefined : resolve(cwd, config);
}
