import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaConsumerGroups extends Command {
  static override summary = "List, describe, delete consumer groups and reset their offsets (Kafka's kafka-consumer-groups.sh 2.8).";
  static override description =
    'One action: --list [--state], --describe (--offsets, --members [--verbose] or --state) of --group or --all-groups, ' +
    '--delete, --delete-offsets, or --reset-offsets with one scenario (--to-earliest, --to-latest, --to-offset, --shift-by, ' +
    '--to-datetime, --by-duration, --to-current, --from-file) over --topic or --all-topics, planned (--dry-run) or applied ' +
    '(--execute). Output is column for column what Kafka prints. Run it with --help for the option table.';
  static override usage = ['kafka-consumer-groups --bootstrap-server <host:port> (--list | --describe | --delete | --delete-offsets | --reset-offsets) [options]'];
  static override examples = [
    '<%= config.bin %> kafka-consumer-groups --bootstrap-server localhost:9092 --list',
    '<%= config.bin %> kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group',
    '<%= config.bin %> kafka-consumer-groups --bootstrap-server localhost:9092 --describe --group my-group --members --verbose',
    '<%= config.bin %> kafka-consumer-groups --bootstrap-server localhost:9092 --reset-offsets --group my-group --topic orders --to-earliest --execute',
    '<%= config.bin %> kafka-consumer-groups --bootstrap-server localhost:9092 --delete --group my-group',
  ];
  // Kafka's options (jopt-simple style) are parsed by the tool itself.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-consumer-groups', this.argv);
  }
}
