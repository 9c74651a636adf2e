// What `zkafka kafka-server-start [-daemon] server.properties [--override key=value]...` does, callable without
// oclif: the binary takes this path directly, because a broker's start-up time is part of the product. Nothing heavy
// is imported before the config has loaded, and the broker itself only for the foreground path.
import { constants as osConstants } from 'node:os';
import { EXIT_CONFIG, loadOrReport } from './config-errors.js';
import { kafkaPidFile, kafkaStartUsage } from './kafka-process.js';
import { loadKafkaConfig } from '../config/kafka-config.js';

const CLOSE_TIMEOUT_MS = 30_000;

export interface KafkaStartArgs {
  config?: string;
  daemon: boolean;
  overrides: string[];
  /** The script path that started us (for -daemon to re-run itself). */
  entry: string;
  usageName: string;
}

/** Returns the exit code, except after serving in the foreground: then the process exits with the server's status. */
export async function runKafkaServerStart(args: KafkaStartArgs): Promise<number> {
  if (args.config === undefined) {
    process.stderr.write(`${kafkaStartUsage(process.env['ZKAFKA_SCRIPT'] ?? args.usageName)}\n`);
    return 1;
  }
  const config = loadOrReport(() => loadKafkaConfig(args.config!, args.overrides));
  if (!config) return EXIT_CONFIG;
  for (const warning of config.warnings) process.stderr.write(`${warning}\n`);

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (args.daemon) {
    const { startKafkaDaemon } = await import('./kafka-daemon.js');
    const rerun = [args.config, ...args.overrides.flatMap((o) => ['--override', o])];
    return startKafkaDaemon(rerun, args.entry, { out, err });
  }

  const { KafkaServer } = await import('../kafka/broker/kafka-server.js');
  const { lineLog, KAFKA_SERVER_LOGGER } = await import('../kafka/broker/broker-log.js');
  const { serveUntilSignal } = await import('./foreground.js');
  const lines = lineLog(out, process.env['ZKAFKA_DEBUG'] === '1');
  let startedLogged = false;
  const log: typeof lines = (level, message, logger) => {
    lines(level, message, logger);
    if (logger === KAFKA_SERVER_LOGGER && message.endsWith('] started')) startedLogged = true;
  };
  // A signal before the started line ends the process as it always would; one that comes just after it (before
  // serveUntilSignal listens) is kept and acted on once serving, so it ends in a clean shutdown rather than a kill.
  // This listener stays: removing a signal's last listener drops a signal already caught but not yet dispatched.
  const early: NodeJS.Signals[] = [];
  let serving: Promise<number> | undefined;
  const keep = (signal: NodeJS.Signals) => {
    if (!startedLogged) process.exit(128 + (osConstants.signals[signal] ?? 0));
    if (!serving) early.push(signal);
  };
  process.on('SIGINT', keep).on('SIGTERM', keep);
  let server;
  try {
    server = await KafkaServer.start({ config, log });
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    log('ERROR', `[KafkaServer id=${config.brokerId}] Fatal error during KafkaServer startup. Prepare to shutdown: ${message}`, KAFKA_SERVER_LOGGER);
    err(`zkafka: cannot start Kafka server: ${message}`);
    return 1;
  }
  serving = serveUntilSignal(server, CLOSE_TIMEOUT_MS, err);
  if (early[0] !== undefined) process.emit(early[0], early[0]);
  const status = await serving;
  const { logDirectory, removePidFileIfOwned } = await import('./daemon.js');
  removePidFileIfOwned(kafkaPidFile(logDirectory()), process.pid);
  process.exit(status);
}

/** argv after the subcommand → args, or null when it needs oclif (help, unknown flags). */
export function parseKafkaStartArgv(argv: readonly string[]): Omit<KafkaStartArgs, 'entry' | 'usageName'> | null {
  let daemon = false;
  let config: string | undefined;
  const overrides: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-daemon' || arg === '--daemon') daemon = true;
    else if (arg === '--override') {
      const value = argv[++i];
      if (value === undefined) return null;
      overrides.push(value);
    } else if (arg.startsWith('--override=')) overrides.push(arg.slice('--override='.length));
    else if (arg.startsWith('-') || config !== undefined) return null;
    else config = arg;
  }
  return { config, daemon, overrides };
}
