import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaReassignPartitions extends Command {
  static override summary = "Move partition replicas between brokers (Kafka 2.8's kafka-reassign-partitions.sh).";
  static override description =
    'Takes the options of Kafka 2.8\'s ReassignPartitionsCommand: --generate proposes an assignment of topics over a ' +
    'broker list, --execute starts a reassignment from a JSON file (optionally throttled), --verify reports its progress ' +
    'and removes the throttles once it is done, --cancel stops it, --list shows those in progress. --bootstrap-server ' +
    'uses the admin API; the deprecated --zookeeper host:port[/chroot] writes /admin/reassign_partitions (--generate, ' +
    '--execute, --verify). Prints what Kafka prints; exit status 0 on success, 1 on error. `--help` prints Kafka\'s option table.';
  static override usage = ['kafka-reassign-partitions (--bootstrap-server host:port | --zookeeper host:port[/chroot]) (--generate | --execute | --verify | --cancel | --list) [options]'];
  static override examples = [
    '<%= config.bin %> kafka-reassign-partitions --bootstrap-server localhost:9092 --topics-to-move-json-file topics.json --broker-list 1,2,3,4 --generate',
    '<%= config.bin %> kafka-reassign-partitions --bootstrap-server localhost:9092 --reassignment-json-file plan.json --execute --throttle 10000000',
    '<%= config.bin %> kafka-reassign-partitions --bootstrap-server localhost:9092 --reassignment-json-file plan.json --verify',
    '<%= config.bin %> kafka-reassign-partitions --bootstrap-server localhost:9092 --list',
  ];
  // Kafka's own option parser (jopt-simple rules) reads the arguments.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-reassign-partitions', this.argv);
  }
}
