import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { resolve } from 'node:path';
import { loadOrReport } from '../cli/config-errors.js';
import { findProcesses, isAlive, processArgv, readPidFile, removePidFileIfOwned } from '../cli/daemon.js';
import { stopServers } from '../cli/server-daemon.js';
import { configPathOf, isZooKeeperServerArgv, zooKeeperPidFile } from '../cli/zookeeper-process.js';
import { loadZooKeeperConfig } from '../config/zookeeper-config.js';

export default class ZookeeperServerStop extends Command {
  static override summary = "Stop ZooKeeper servers started by zookeeper-server-start (Kafka's zookeeper-server-stop.sh).";
  static override description =
    'Sends SIGTERM (or $SIGNAL) and waits up to 30 s for the servers to exit. With a config, stops only the server ' +
    'using it (found by the pid file in its dataDir, or by its command line); without, every zkafka ZooKeeper server on this machine.';
  static override usage = ['zookeeper-server-stop [config]'];
  static override examples = ['<%= config.bin %> zookeeper-server-stop', '<%= config.bin %> zookeeper-server-stop templates/local/zk1.cfg'];
  static override args = {
    config: Args.string({ description: 'stop only the server started with this zoo.cfg' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(ZookeeperServerStop);
    const servers = (pid: number) => isAlive(pid) && isZooKeeperServerArgv(processArgv(pid) ?? []);
    let pids: number[];
    let pidFile: string | undefined;
    if (args.config !== undefined) {
      const config = loadOrReport(() => loadZooKeeperConfig(args.config!));
      if (!config) return;
      pidFile = zooKeeperPidFile(config.dataDir);
      const fromFile = readPidFile(pidFile);
      const configPath = resolve(args.config);
      pids = fromFile !== undefined && servers(fromFile)
        ? [fromFile]
        : findProcesses(isZooKeeperServerArgv).filter((pid) => configPathOf(pid, processArgv(pid) ?? []) === configPath);
    } else {
      pids = findProcesses(isZooKeeperServerArgv);
    }
    if (pids.length === 0 && pidFile !== undefined) {
      const stale = readPidFile(pidFile);
      if (stale !== undefined) removePidFileIfOwned(pidFile, stale);
    }
    process.exitCode = await stopServers('zookeeper server', pids, pidFile);
  }
}
