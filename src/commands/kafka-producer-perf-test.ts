import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaProducerPerfTest extends Command {
  static override aliases = ['producer-perf-test'];
  static override summary = "Measure producer throughput and latency (Kafka's kafka-producer-perf-test.sh 2.8).";
  static override description =
    'Sends --num-records records of --record-size bytes (or lines of --payload-file) at up to --throughput records/s ' +
    '(-1: unthrottled), printing Kafka\'s report line every 5 s and the totals with 50th/95th/99th/99.9th latency percentiles.';
  static override usage = ['<%= command.id %> --topic TOPIC --num-records N (--record-size B | --payload-file F) --throughput T (--producer-props k=v... | --producer.config F)'];
  static override examples = [
    '<%= config.bin %> kafka-producer-perf-test --topic perf --num-records 1000000 --record-size 100 --throughput -1 --producer-props bootstrap.servers=127.0.0.1:9092',
    '<%= config.bin %> kafka-producer-perf-test --topic perf --num-records 50000 --payload-file lines.txt --throughput 10000 --producer-props bootstrap.servers=127.0.0.1:9092 acks=all',
  ];
  // argparse-style options are parsed by the tool.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-producer-perf-test', this.argv);
  }
}
