import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { loadOrReport, EXIT_CONFIG } from '../cli/config-errors.js';
import { singleDashToLong } from '../cli/single-dash.js';
import { startedLine, zooKeeperPidFile } from '../cli/zookeeper-process.js';
import { checkDataDir, loadZooKeeperConfig } from '../config/zookeeper-config.js';

const CLOSE_TIMEOUT_MS = 30_000;

export default class ZookeeperServerStart extends Command {
  static override summary = "Start a ZooKeeper server from a zoo.cfg (Kafka's zookeeper-server-start.sh).";
  static override description =
    'Runs in the foreground until SIGINT/SIGTERM. With -daemon it runs in the background, writes its output to ' +
    '$LOG_DIR/zookeeper.out (default ./logs) and its pid to <dataDir>/zookeeper_server.pid, and returns once the server answers.';
  static override usage = ['zookeeper-server-start [-daemon] <config>'];
  static override examples = ['<%= config.bin %> zookeeper-server-start templates/zoo-standalone.cfg', '<%= config.bin %> zookeeper-server-start -daemon templates/zoo-standalone.cfg'];
  static override args = {
    config: Args.string({ description: 'zoo.cfg or zookeeper.properties' }),
  };
  static override flags = {
    daemon: Flags.boolean({ description: 'run in the background (also -daemon)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZookeeperServerStart, singleDashToLong(this.argv, ['daemon']));
    if (args.config === undefined) {
      process.stderr.write(`USAGE: ${process.env['ZKAFKA_SCRIPT'] ?? `${this.config.bin} zookeeper-server-start`} [-daemon] zookeeper.properties\n`);
      process.exitCode = 1;
      return;
    }
    const config = loadOrReport(() => loadZooKeeperConfig(args.config!));
    if (!config) return;
    for (const warning of config.warnings) process.stderr.write(`${warning}\n`);
    if (config.mode === 'replicated') {
      process.stderr.write(
        `${config.file}: replicated mode (${config.servers.size} server.N lines) is not available yet; remove the server.N lines to run one standalone server\n`,
      );
      process.exitCode = EXIT_CONFIG;
      return;
    }
    const dirsReady = loadOrReport(() => {
      checkDataDir(config);
      return true;
    });
    if (!dirsReady) return;

    const out = (line: string) => process.stdout.write(`${line}\n`);
    const err = (line: string) => process.stderr.write(`${line}\n`);
    if (flags.daemon) {
      const { startZooKeeperDaemon } = await import('../cli/zookeeper-daemon.js');
      process.exitCode = await startZooKeeperDaemon(config, args.config, process.argv[1]!, { out, err });
      return;
    }

    const { startZooKeeperServer } = await import('../zookeeper/server/start.js');
    const { serveUntilSignal } = await import('../cli/foreground.js');
    const { removePidFileIfOwned } = await import('../cli/daemon.js');
    let server;
    try {
      server = await startZooKeeperServer(config, { log: out });
    } catch (error) {
      err(`zkafka: cannot start ZooKeeper server: ${error instanceof Error ? error.message : String(error)}`);
      process.exitCode = 1;
      return;
    }
    // handlers first: whoever reads the started line may signal at once
    const exit = serveUntilSignal(server, CLOSE_TIMEOUT_MS, err);
    out(startedLine(config.mode, server.address, server.dataDir));
    const status = await exit;
    removePidFileIfOwned(zooKeeperPidFile(config.dataDir), process.pid);
    process.exit(status);
  }
}
