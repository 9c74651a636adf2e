import { basename, join, resolve } from 'node:path';
import { processCwd } from './daemon.js';

export const ZOOKEEPER_START_COMMAND = 'zookeeper-server-start';
export const ZOOKEEPER_VERSION_TEXT = '3.8.0-compatible';

/** `<dataDir>/zookeeper_server.pid`, zkServer.sh's default ZOOPIDFILE. */
export function zooKeeperPidFile(dataDir: string): string {
  return join(dataDir, 'zookeeper_server.pid');
}

export interface ListenAddress {
  host: string;
  port: number;
}

export function formatAddress({ host, port }: ListenAddress): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** The line a server prints once it accepts clients; `-daemon` reads the address back from it. */
export function startedLine(mode: string, address: ListenAddress, dataDir: string): string {
  return `zkafka ZooKeeper ${ZOOKEEPER_VERSION_TEXT} server started, ${mode}, listening on ${formatAddress(address)}, dataDir ${dataDir}`;
}

const STARTED = /^zkafka ZooKeeper \S+ server started, \S+, listening on (\[[^\]]*\]|[^\s,]+):(\d+),/m;

export function parseStartedLine(text: string): { line: string; address: ListenAddress } | undefined {
  const match = STARTED.exec(text);
  if (!match) return undefined;
  const end = text.indexOf('\n', match.index);
  const line = text.slice(match.index, end < 0 ? undefined : end);
  return { line, address: { host: match[1]!.replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) } };
}

/** Where the start command sits in a zkafka argv (`node …/bin/run.js zookeeper-server-start …`), or -1. */
function startCommandIndex(argv: readonly string[]): number {
  for (let i = 1; i < argv.length; i++) {
    if (argv[i] !== ZOOKEEPER_START_COMMAND) continue;
    const launcher = basename(argv[i - 1]!);
    if (launcher === 'run.js' || launcher === 'zkafka') return i;
  }
  return -1;
}

export function isZooKeeperServerArgv(argv: readonly string[]): boolean {
  return startCommandIndex(argv) >= 0;
}

/** The absolute config path a running start command was given (resolved against that process's cwd). */
export function configPathOf(pid: number, argv: readonly string[]): string | undefined {
  const i = startCommandIndex(argv);
  if (i < 0) return undefined;
  const config = argv.slice(i + 1).find((arg) => !arg.startsWith('-'));
  const cwd = processCwd(pid);
  return config === undefined || cwd === undefined ? undefined : resolve(cwd, config);
}
