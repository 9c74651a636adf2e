import { Command } from '@oclif/core/command';
import { runFastCommand } from '../cli/command-table.js';

export default class Zkcli extends Command {
  static override aliases = ['zookeeper-shell'];
  static override summary = "ZooKeeper's command-line shell (Apache zkCli.sh 3.8): the same commands, output and exit statuses.";
  static override description =
    'With a command it runs it and exits (0 ok, 1 error, 127 unknown command). Without one it reads commands from stdin, ' +
    'or on a terminal shows the `[zk: host(STATE) n]` prompt with line editing, history (~/.zkafka_zkcli_history) and ' +
    'tab completion of commands and znode paths. Type `help` for the commands; `--output json` makes read commands print JSON.';
  static override usage = ['<%= command.id %> [-server host:port[,host:port...][/chroot]] [-timeout ms] [-r] [-waitforconnection] [--output json] [command args...]'];
  static override examples = [
    '<%= config.bin %> zkcli -server 127.0.0.1:2181 ls /',
    '<%= config.bin %> zkcli -server 127.0.0.1:2181 create /app "hello world"',
    '<%= config.bin %> zkcli -server 127.0.0.1:2181 --output json get -s /app',
    '<%= config.bin %> zookeeper-shell 127.0.0.1:2181 ls /brokers/ids',
  ];
  // zkCli's own options are single-dash and the command's arguments pass through untouched.
  static override strict = false;

  async run(): Promise<void> {
    await runFastCommand(this.id === 'zookeeper-shell' ? 'zookeeper-shell' : 'zkcli', this.argv);
  }
}
