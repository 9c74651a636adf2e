import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaLeaderElection extends Command {
  static override summary = "Elect preferred or unclean partition leaders (Kafka 2.8's kafka-leader-election.sh).";
  static override description =
    'Takes the options of Kafka 2.8\'s LeaderElectionCommand: --election-type preferred moves leadership back to each ' +
    'partition\'s first replica, unclean gives leaderless partitions any live replica; for --topic/--partition, the ' +
    'partitions of --path-to-json-file or --all-topic-partitions, through the controller (ElectLeaders). Prints what ' +
    'Kafka prints; exit status 1 when a partition could not get a leader. `--help` prints Kafka\'s option table.';
  static override usage = ['kafka-leader-election --bootstrap-server host:port --election-type preferred|unclean (--all-topic-partitions | --topic <t> --partition <p> | --path-to-json-file <file>)'];
  static override examples = [
    '<%= config.bin %> kafka-leader-election --bootstrap-server localhost:9092 --election-type preferred --all-topic-partitions',
    '<%= config.bin %> kafka-leader-election --bootstrap-server localhost:9092 --election-type unclean --topic my-topic --partition 0',
  ];
  // Kafka's own option parser (jopt-simple rules) reads the arguments.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-leader-election', this.argv);
  }
}
