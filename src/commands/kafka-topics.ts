import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaTopics extends Command {
  static override summary = "Create, delete, describe, or change a topic (Kafka 2.8's kafka-topics.sh).";
  static override description =
    'Takes the options of Kafka 2.8\'s TopicCommand, with --bootstrap-server (admin API) or --zookeeper host:port[/chroot] ' +
    '(reads and writes the znodes directly), and prints what it prints; exit status 0 on success, 1 on error. ' +
    '`--help` prints Kafka\'s option table. `--output json` prints one JSON document, `--output table` a table.';
  static override usage = ['kafka-topics (--bootstrap-server host:port | --zookeeper host:port[/chroot]) (--create | --list | --describe | --alter | --delete) [options]'];
  static override examples = [
    '<%= config.bin %> kafka-topics --create --zookeeper zk1:2181,zk2:2181,zk3:2181 --replication-factor 3 --partitions 1 --topic my-topic',
    '<%= config.bin %> kafka-topics --bootstrap-server localhost:9092 --describe --topic my-topic',
    '<%= config.bin %> kafka-topics --bootstrap-server localhost:9092 --list --output json',
  ];
  // Kafka's own option parser (jopt-simple rules) reads the arguments.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-topics', this.argv);
  }
}
