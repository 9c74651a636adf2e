import * as Args from '@oclif/core/args';
import { Command } from '@oclif/core/command';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { findProcesses, logDirectory, processArgv, readPidFile, removePidFileIfOwned, stopProcesses } from '../cli/daemon.js';
import { isKafkaServerArgv, kafkaConfigPathOf, kafkaPidFile } from '../cli/kafka-process.js';

const STOP_TIMEOUT_MS = 30_000;

export default class KafkaServerStop extends Command {
  static override summary = "Stop Kafka brokers started by kafka-server-start (Kafka's kafka-server-stop.sh).";
  static override description =
    'Sends SIGTERM (or $SIGNAL) to every zkafka broker on this machine, or with a server.properties only to the broker ' +
    'started with it, and waits up to 30 s for them to exit.';
  static override usage = ['kafka-server-stop [server.properties]'];
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
    if (pids.length === 0) {
      process.stdout.write('No kafka server to stop\n');
      process.exitCode = 1;
      return;
    }
    const signal = `SIG${(process.env['SIGNAL'] ?? 'TERM').replace(/^SIG/, '')}`;
    if (!(signal in constants.signals)) {
      process.stderr.write(`unknown signal ${process.env['SIGNAL']}\n`);
      process.exitCode = 1;
      return;
    }
    const left = await stopProcesses(pids, signal as NodeJS.Signals, STOP_TIMEOUT_MS);
    const pidFile = kafkaPidFile(logDirectory());
    for (const pid of pids) if (!left.includes(pid)) removePidFileIfOwned(pidFile, pid);
    if (left.length > 0) {
      process.stderr.write(`kafka server process ${left.join(', ')} did not stop within ${STOP_TIMEOUT_MS / 1000} s\n`);
      process.exitCode = 1;
    }
  }
}
