import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ZooKeeperConfig } from '../config/zookeeper-config.js';
import { logDirectory } from './daemon.js';
import { connectableHost, sendFourLetterWord } from './four-letter-word.js';
import { startServerDaemon, type DaemonIo } from './server-daemon.js';
import { isZooKeeperServerArgv, parseStartedLine, ZOOKEEPER_START_COMMAND, zooKeeperPidFile } from './zookeeper-process.js';

/**
 * `zookeeper-server-start -daemon`: runs the same command without `-daemon` in the background, output in
 * `<logDir>/zookeeper.out`, pid in `<dataDir>/zookeeper_server.pid`, and returns once the server answers
 * `ruok` (exit 0) or has died (exit 1, with the end of its output).
 */
export function startZooKeeperDaemon(config: ZooKeeperConfig, configArg: string, runJs: string, io: DaemonIo): Promise<number> {
  const logFile = join(logDirectory(), 'zookeeper.out');
  return startServerDaemon({
    name: 'zookeeper server',
    pidFile: zooKeeperPidFile(config.dataDir),
    logFile,
    args: [runJs, ZOOKEEPER_START_COMMAND, configArg],
    isServerArgv: isZooKeeperServerArgv,
    probe: () => probe(logFile),
    readiness: 'answer ruok',
  }, io);
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
