import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class ConsoleConsumer extends Command {
  static override aliases = ['kafka-console-consumer'];
  static override summary = "Print a topic's records (Kafka's kafka-console-consumer.sh 2.8: the same options, output and exit codes).";
  static override description =
    'Consumes in a consumer group (--group, else a random console-consumer-NNNNN group that commits nothing), or one partition ' +
    'with --partition/--offset. --property print.key=true etc. choose the columns of the default formatter. Ends at ' +
    '--max-messages, after --timeout-ms without records, or on Ctrl-C (committing and leaving the group), and prints ' +
    '"Processed a total of N messages" on stderr. Run it with --help for the option table.';
  static override usage = ['<%= command.id %> --bootstrap-server <host:port> (--topic <t> | --include <regex>) [options]'];
  static override examples = [
    '<%= config.bin %> console-consumer --bootstrap-server localhost:9092 --topic quickstart-events --from-beginning',
    '<%= config.bin %> console-consumer --bootstrap-server localhost:9092 --topic t --group g --property print.key=true --property key.separator=:',
    '<%= config.bin %> console-consumer --bootstrap-server localhost:9092 --topic t --partition 0 --offset 42 --max-messages 10',
    "<%= config.bin %> kafka-console-consumer --bootstrap-server localhost:9092 --include 'logs-.*' --timeout-ms 5000",
  ];
  // Kafka's options (jopt-simple style) are parsed by the tool itself.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('console-consumer', this.argv);
  }
}
