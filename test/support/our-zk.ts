// The project's ZooKeeper server, started in this process with the settings the Apache harness gives its own
// (apache-zk.ts), so the same client sessions can run against both and be compared.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { parseZooKeeperConfig } from '../../src/config/zookeeper-config.js';
import { startZooKeeperServer, type RunningZooKeeperServer } from '../../src/zookeeper/server/start.js';
import { SUPER_DIGEST } from './apache-zk.js';

export interface OurZkOptions {
  dataDir?: string;
  /** zoo.cfg keys; override the defaults written here. */
  extraConfig?: Record<string, string>;
}

/** The part of `ApacheZk` that an in-process server has too. */
export interface OurZk {
  port: number;
  host: string;
  connectString: string;
  dataDir: string;
  /** Holds zoo.cfg (and the data dir unless one was given); removed by stop(). */
  workDir: string;
  /** The server's log lines so far. */
  logLines: string[];
  /** startZooKeeperServer call to listening. */
  startMs: number;
  running: RunningZooKeeperServer;
  stop(): Promise<void>;
}

/** zoo.cfg as apache-zk.ts writes it, with the -D properties it passes to the JVM written as zoo.cfg keys. */
export function ourZooCfg(dataDir: string, extraConfig: Record<string, string> = {}): string {
  const config: Record<string, string> = {
    tickTime: '2000',
    dataDir,
    clientPort: '0',
    clientPortAddress: '127.0.0.1',
    '4lw.commands.whitelist': '*',
    'admin.enableServer': 'false',
    extendedTypesEnabled: 'true',
    'znode.container.checkIntervalMs': '1000',
    'DigestAuthenticationProvider.superDigest': SUPER_DIGEST,
    ...extraConfig,
  };
  return Object.entries(config).map(([key, value]) => `${key}=${value}\n`).join('');
}

/** Starts our server on 127.0.0.1 and a port the OS picks, in a temp dir. */
export async function startOurZooKeeper(opts: OurZkOptions = {}): Promise<OurZk> {
  const workDir = mkdtempSync(join(tmpdir(), 'zkafka-our-zk-'));
  const dataDir = resolve(opts.dataDir ?? join(workDir, 'data'));
  mkdirSync(dataDir, { recursive: true });
  const configFile = join(workDir, 'zoo.cfg');
  writeFileSync(configFile, ourZooCfg(dataDir, opts.extraConfig));
  const logLines: string[] = [];
  const startedAt = performance.now();
  let running: RunningZooKeeperServer;
  try {
    const text = ourZooCfg(dataDir, opts.extraConfig);
    running = await startZooKeeperServer(parseZooKeeperConfig(text, configFile), { log: (line) => logLines.push(line) });
  } catch (err) {
    rmSync(workDir, { recursive: true, force: true });
    throw err;
  }
  const startMs = performance.now() - startedAt;
  const { port } = running.address;
  let stopping: Promise<void> | null = null;
  return {
    port,
    host: '127.0.0.1',
    connectString: `127.0.0.1:${port}`,
    dataDir,
    workDir,
    logLines,
    startMs,
    running,
    stop() {
      stopping ??= running.close().finally(() => rmSync(workDir, { recursive: true, force: true }));
      return stopping;
    },
  };
}
