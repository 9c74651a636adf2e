import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { runKafkaServerStart } from '../cli/kafka-server-start-main.js';
import { singleDashToLong } from '../cli/single-dash.js';

export default class KafkaServerStart extends Command {
  static override summary = "Start a Kafka broker from a server.properties (Kafka's kafka-server-start.sh).";
  static override description =
    'Runs in the foreground until SIGINT/SIGTERM, logging in Kafka\'s format. --override key=value replaces a value from ' +
    'the file. With -daemon it runs in the background, writes its output to $LOG_DIR/kafkaServer.out (default ./logs) ' +
    'and its pid to $LOG_DIR/kafkaServer.pid, and returns once the broker accepts connections.';
  static override usage = ['kafka-server-start [-daemon] <server.properties> [--override key=value]...'];
  static override examples = [
    '<%= config.bin %> kafka-server-start templates/local/server-1.properties',
    '<%= config.bin %> kafka-server-start -daemon templates/local/server-2.properties',
    '<%= config.bin %> kafka-server-start templates/local/server-3.properties --override zookeeper.connect=127.0.0.1:2181,127.0.0.1:2182,127.0.0.1:2183',
    '<%= config.bin %> kafka-server-start templates/server.properties --override broker.id=1',
  ];
  static override args = {
    config: Args.string({ description: 'server.properties' }),
  };
  static override flags = {
    daemon: Flags.boolean({ description: 'run in the background (also -daemon)' }),
    override: Flags.string({ description: 'key=value replacing the value from the file (repeatable)', multiple: true, multipleNonGreedy: true }),
  };

  async run(): Promise<void> {
    const { args, flags } = await this.parse(KafkaServerStart, singleDashToLong(this.argv, ['daemon']));
    process.exitCode = await runKafkaServerStart({
      config: args.config,
      daemon: flags.daemon,
      overrides: flags.override ?? [],
      entry: process.argv[1]!,
      usageName: `${this.config.bin} kafka-server-start`,
    });
  }
}
