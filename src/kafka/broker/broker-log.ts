// Broker log lines in Kafka's log4j layout: `[yyyy-MM-dd HH:mm:ss,SSS] LEVEL message (logger)`, local time, so
// scripts that watch a Kafka broker's output (for `started (kafka.server.KafkaServer)`) keep working.

export type LogLevel = 'DEBUG' | 'INFO' | 'WARN' | 'ERROR';

export interface BrokerLog {
  (level: LogLevel, message: string, logger: string): void;
}

export const KAFKA_SERVER_LOGGER = 'kafka.server.KafkaServer';
export const SOCKET_SERVER_LOGGER = 'kafka.network.SocketServer';
export const ACCEPTOR_LOGGER = 'kafka.network.Acceptor';
export const PROCESSOR_LOGGER = 'kafka.network.Processor';
export const LOG_MANAGER_LOGGER = 'kafka.log.LogManager';
export const LOG_CLEANER_LOGGER = 'kafka.log.LogCleaner';
export const REQUEST_LOGGER = 'kafka.server.KafkaApis';

const pad = (n: number, width = 2) => String(n).padStart(width, '0');

export function formatLogTime(date: Date): string {
  return (
    `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ` +
    `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())},${pad(date.getMilliseconds(), 3)}`
  );
}

export function formatLogLine(level: LogLevel, message: string, logger: string, date = new Date()): string {
  return `[${formatLogTime(date)}] ${level} ${message} (${logger})`;
}

/** A BrokerLog writing formatted lines to `write`; DEBUG lines are dropped unless `debug`. */
export function lineLog(write: (line: string) => void, debug = false): BrokerLog {
  return (level, message, logger) => {
    if (level === 'DEBUG' && !debug) return;
    write(formatLogLine(level, message, logger));
  };
}

export const silentLog: BrokerLog = () => {};
