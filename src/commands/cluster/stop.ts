import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { runFastCommand } from '../../cli/command-table.js';

export default class ClusterStop extends Command {
  static override summary = 'Stop the nodes a quickstart started from a directory: brokers first, then ZooKeeper.';
  static override description =
    'Reads the pid files in --dir and sends SIGTERM: the brokers other than the controller (controlled shutdown), then ' +
    'the controller, then the ZooKeeper servers, each waited for (up to 30 s, then killed). Exit 1 when none runs.';
  static override usage = ['cluster stop [--dir DIR]'];
  static override examples = ['<%= config.bin %> cluster stop', '<%= config.bin %> cluster stop --dir /tmp/dev-cluster'];
  static override flags = {
    dir: Flags.string({ description: 'the quickstart\'s directory', default: 'zkafka-cluster' }),
  };
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('cluster', ['stop', ...this.argv]);
  }
}
