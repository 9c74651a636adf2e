import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { resolve } from 'node:path';
import { findProcesses, logDirectory, processArgv } from '../cli/daemon.js';
import { isKafkaServerArgv, kafkaConfigPathOf, kafkaPidFile } from '../cli/kafka-process.js';
import { stopServers } from '../cli/server-daemon.js';

export default class KafkaServerStop extends Command {
  static override summary = "Stop Kafka brokers started by kafka-server-start (Kafka's kafka-server-stop.sh).";
  static override description =
    'Sends SIGTERM (or $SIGNAL) to every zkafka broker on this machine, or with a server.properties only to the broker ' +
    'started with it, and waits up to 30 s for them to exit.';
  static override usage = ['kafka-server-stop [server.properties]'];
  static override examples = ['<%= config.bin %> kafka-server-stop', '<%= config.bin %> kafka-server-stop templates/local/server-1.properties'];
  static override args = {
    config: Args.string({ description: 'stop only the broker started with this server.properties' }),
  };

  async run(): Promise<void> {
    const { args } = await this.parse(KafkaServerStop);
    let pids = findProcesses(isKafkaServerArgv);
    if (args.config !== undefined) {
      const configPath = resolve(args.config);
      pids = pids.filter((pid) => kafkaConfigPathOf(pid, processArgv(pid) ?? []) === configPath);
    }
    process.exitCode = await stopServers('kafka server', pids, kafkaPidFile(logDirectory()));
  }
}
