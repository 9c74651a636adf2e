import { Command } from '@oclif/core/command';
import * as Flags from '@oclif/core/flags';
import { runFastCommand } from '../cli/command-table.js';

export default class Quickstart extends Command {
  static override summary = 'Start a local ZooKeeper ensemble and Kafka brokers, each its own process, and create my-topic.';
  static override description =
    'Writes zoo.cfg (server.N lines, myid) and server.properties files from templates/ into --dir (default ./zkafka-cluster), ' +
    'starts every node, waits for the ensemble to elect a leader and for each broker to register, creates my-topic ' +
    '(replication factor 3, 1 partition) as kafka-topics.sh --create --zookeeper does, then prints the nodes and the ' +
    'commands to try. Ctrl-C (SIGINT/SIGTERM) stops the brokers (controlled shutdown), then ZooKeeper. With --detach the ' +
    'nodes keep running (pid files in --dir) until `cluster stop`. A second run on the same --dir reuses its files and data. ' +
    'Node N uses base port + N - 1; a port in use is an error (exit 1).';
  static override usage = ['quickstart [--zookeepers N] [--brokers N] [--dir DIR] [--detach] [--zookeeper-port P] [--quorum-port P] [--election-port P] [--broker-port P]'];
  static override examples = [
    '<%= config.bin %> quickstart',
    '<%= config.bin %> quickstart --zookeepers 1 --brokers 1 --dir /tmp/dev-cluster',
    '<%= config.bin %> quickstart --detach && <%= config.bin %> cluster status && <%= config.bin %> cluster stop',
    '<%= config.bin %> quickstart --zookeeper-port 12181 --quorum-port 12888 --election-port 13888 --broker-port 19092',
  ];
  static override flags = {
    zookeepers: Flags.integer({ description: 'ZooKeeper servers (default 3)', min: 1 }),
    brokers: Flags.integer({ description: 'Kafka brokers (default 3)', min: 1 }),
    dir: Flags.string({ description: 'configs, data and logs of the cluster', default: 'zkafka-cluster' }),
    detach: Flags.boolean({ description: 'leave the nodes running in the background and return' }),
    host: Flags.string({ description: 'address every node listens on', default: '127.0.0.1' }),
    'zookeeper-port': Flags.integer({ description: 'client port of ZooKeeper server 1', default: 2181 }),
    'quorum-port': Flags.integer({ description: 'quorum port of ZooKeeper server 1', default: 2888 }),
    'election-port': Flags.integer({ description: 'election port of ZooKeeper server 1', default: 3888 }),
    'broker-port': Flags.integer({ description: 'port of broker 1', default: 9092 }),
  };
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand('quickstart', this.argv);
  }
}
