import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class ConsoleProducer extends Command {
  static override aliases = ['kafka-console-producer'];
  static override summary = "Read lines from stdin and produce them to a topic (Kafka's kafka-console-producer.sh 2.8).";
  static override description =
    'One record per line; with --property parse.key=true / parse.headers=true lines are `h1:v1,h2:v2<TAB>key<TAB>value`. ' +
    'Kafka 2.8 options, defaults and messages (acks=1, linger.ms=1000 via --timeout, batch.size via --max-partition-memory-bytes). ' +
    'Prompts with > only on a terminal. Exits 1 if any record could not be sent. Run with --help for the full option table.';
  static override usage = ['<%= command.id %> --bootstrap-server <host:port> --topic <topic> [options]'];
  static override examples = [
    '<%= config.bin %> console-producer --bootstrap-server 127.0.0.1:9092 --topic orders < orders.txt',
    '<%= config.bin %> console-producer --bootstrap-server 127.0.0.1:9092 --topic orders --property parse.key=true --property key.separator=:',
    '<%= config.bin %> kafka-console-producer --broker-list 127.0.0.1:9092 --topic t --compression-codec lz4 --sync',
  ];
  // Kafka's own option syntax (jopt-simple) is parsed by the tool.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand(this.id === 'kafka-console-producer' ? 'kafka-console-producer' : 'console-producer', this.argv);
  }
}
