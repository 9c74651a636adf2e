import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { runFastCommand } from '../../cli/command-table.js';

export default class ClusterStatus extends Command {
  static override summary = 'Show a cluster\'s ensemble members, brokers, controller and unhealthy partitions.';
  static override description =
    'Asks each ZooKeeper member for its mode (srvr), reads the registered brokers (/brokers/ids) and checks that each ' +
    'accepts connections, names the controller, and lists the partitions that are under-replicated (a replica not in ' +
    'the live ISR) or offline (no live leader) from /brokers/topics/<t>/partitions/<p>/state. Exit status 0 when ' +
    'healthy; otherwise the sum of 4 (a ZooKeeper member is down or there is no quorum), 8 (a broker is down), ' +
    '16 (under-replicated partitions) and 32 (offline partitions). With --dir the expected nodes come from the ' +
    'directory a quickstart wrote; with --zookeeper, the members are the hosts given and the brokers those registered.';
  static override usage = ['cluster status [--dir DIR | --zookeeper host:port,...]'];
  static override examples = [
    '<%= config.bin %> cluster status',
    '<%= config.bin %> cluster status --dir /tmp/dev-cluster',
    '<%= config.bin %> cluster status --zookeeper zk1:2181,zk2:2181,zk3:2181',
  ];
  static override flags = {
    dir: Flags.string({ description: 'a quickstart\'s directory (default ./zkafka-cluster)' }),
    zookeeper: Flags.string({ description: 'the ensemble\'s connect string' }),
  };
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('cluster', ['status', ...this.argv]);
  }
}
