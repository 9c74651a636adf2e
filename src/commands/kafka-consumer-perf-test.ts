import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class KafkaConsumerPerfTest extends Command {
  static override summary = "Consume --messages records in a group and report throughput (Kafka's kafka-consumer-perf-test.sh 2.8).";
  static override description =
    'Prints the header `start.time, end.time, data.consumed.in.MB, MB.sec, data.consumed.in.nMsg, nMsg.sec, rebalance.time.ms, ' +
    'fetch.time.ms, fetch.MB.sec, fetch.nMsg.sec` and one summary line, or a line per --reporting-interval with ' +
    '--show-detailed-stats. Run it with --help for the option table.';
  static override usage = ['kafka-consumer-perf-test --bootstrap-server <host:port> --topic <t> --messages <n> [options]'];
  static override examples = [
    '<%= config.bin %> kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 1000000',
    '<%= config.bin %> kafka-consumer-perf-test --bootstrap-server localhost:9092 --topic perf --messages 100000 --show-detailed-stats --reporting-interval 1000',
  ];
  // Kafka's options (jopt-simple style) are parsed by the tool itself.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('kafka-consumer-perf-test', this.argv);
  }
}
