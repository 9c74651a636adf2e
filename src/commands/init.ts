import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { runFastCommand } from '../cli/command-table.js';

export default class Init extends Command {
  static override summary = 'Write the configs of a ZooKeeper + Kafka cluster on real hosts, one directory per host.';
  static override description =
    'As the documentation lays it out: ZooKeeper on zk1..zkN (zoo.cfg from templates/zoo.cfg with server.N=zkN:2888:3888 ' +
    'and clientPort 2181, the same on every host, plus that host\'s myid for its dataDir) and brokers on k1..kN ' +
    '(server.properties from templates/server.properties with broker.id=N and zookeeper.connect=zk1:2181,...). Prints ' +
    'each file it wrote and where it goes.';
  static override usage = ['init --dir DIR [--zookeepers N] [--brokers N] [--host-prefix zk] [--kafka-host-prefix k]'];
  static override examples = [
    '<%= config.bin %> init --zookeepers 3 --brokers 3 --dir cluster-configs',
    '<%= config.bin %> init --zookeepers 5 --brokers 4 --dir configs --host-prefix zookeeper- --kafka-host-prefix kafka-',
  ];
  static override flags = {
    dir: Flags.string({ description: 'where to write one directory per host', required: true }),
    zookeepers: Flags.integer({ description: 'ZooKeeper hosts', default: 3, min: 1 }),
    brokers: Flags.integer({ description: 'Kafka hosts', default: 3, min: 1 }),
    'host-prefix': Flags.string({ description: 'ZooKeeper host names: prefix + N', default: 'zk' }),
    'kafka-host-prefix': Flags.string({ description: 'Kafka host names: prefix + N', default: 'k' }),
  };
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('init', this.argv);
  }
}
