import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { singleDashToLong } from '../cli/single-dash.js';
import { runZooKeeperServerStart } from '../cli/zookeeper-server-start-main.js';

export default class ZookeeperServerStart extends Command {
  static override summary = "Start a ZooKeeper server from a zoo.cfg (Kafka's zookeeper-server-start.sh).";
  static override description =
    'Runs in the foreground until SIGINT/SIGTERM. With -daemon it runs in the background, writes its output to ' +
    '$LOG_DIR/zookeeper.out (default ./logs) and its pid to <dataDir>/zookeeper_server.pid, and returns once the server answers.';
  static override usage = ['zookeeper-server-start [-daemon] <config>'];
  static override examples = [
    '<%= config.bin %> zookeeper-server-start templates/zoo-standalone.cfg',
    '<%= config.bin %> zookeeper-server-start -daemon templates/zoo-standalone.cfg',
    '<%= config.bin %> zookeeper-server-start templates/local/zk1.cfg',
  ];
  static override args = {
    config: Args.string({ description: 'zoo.cfg or zookeeper.properties' }),
  };
  static override flags = {
    daemon: Flags.boolean({ description: 'run in the background (also -daemon)' }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(ZookeeperServerStart, singleDashToLong(this.argv, ['daemon']));
    process.exitCode = await runZooKeeperServerStart({
      config: args.config,
      daemon: flags.daemon,
      entry: process.argv[1]!,
      usageName: `${this.config.bin} zookeeper-server-start`,
    });
  }
}
