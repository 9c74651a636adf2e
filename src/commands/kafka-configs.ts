import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaConfigs extends Command {
  static override summary = "Describe and change topic, broker, user and client configs (Kafka 2.8's kafka-configs.sh).";
  static override description =
    'Takes the options of Kafka 2.8\'s ConfigCommand for topics, brokers, users (quotas, SCRAM credentials) and clients (quotas), with --bootstrap-server (admin API) or ' +
    '--zookeeper host:port[/chroot], and prints what it prints; exit status 0 on success, 1 on error. ' +
    '`--help` prints Kafka\'s option table. `--output json` prints one JSON document, `--output table` a table.';
  static override usage = ['kafka-configs (--bootstrap-server host:port | --zookeeper host:port[/chroot]) (--describe | --alter) --entity-type topics|brokers|users|clients [options]'];
  static override examples = [
    '<%= config.bin %> kafka-configs --bootstrap-server localhost:9092 --entity-type topics --entity-name my-topic --alter --add-config retention.ms=86400000',
    '<%= config.bin %> kafka-configs --bootstrap-server localhost:9092 --entity-type brokers --entity-default --describe',
    '<%= config.bin %> kafka-configs --zookeeper localhost:2181 --entity-type topics --entity-name my-topic --describe',
  ];
  // Kafka's own option parser (jopt-simple rules) reads the arguments.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-configs', this.argv);
  }
}
