import type { ZooKeeperConfig } from '../../config/zookeeper-config.js';

export interface StartOptions {
  log: (line: string) => void;
}

export interface RunningZooKeeperServer {
  address: { host: string; port: number };
  dataDir: string;
  close(): Promise<void>;
  closed: Promise<void>;
}

export async function startZooKeeperServer(config: ZooKeeperConfig, opts: StartOptions): Promise<RunningZooKeeperServer> {
  void config;
  void opts;
  throw new Error('not implemented');
}
