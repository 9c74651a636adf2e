#!/usr/bin/env node
// The zkafka binary. Starting a server (ZooKeeper or Kafka) and running zkcli skip oclif (about a quarter of a second of module
// loading): a server must answer within a fraction of a second of being started, and a one-shot zkcli command
// competes with a JVM. Everything else, and help, goes through oclif.
const [subcommand, ...rest] = process.argv.slice(2);
if (subcommand === 'zookeeper-server-start') {
  const main = await import('../dist/src/cli/zookeeper-server-start-main.js');
  const args = main.parseZooKeeperStartArgv(rest);
  if (args) {
    process.exitCode = await main.runZooKeeperServerStart({ ...args, entry: process.argv[1], usageName: 'zkafka zookeeper-server-start' });
  }
} else if (subcommand === 'kafka-server-start') {
  const main = await import('../dist/src/cli/kafka-server-start-main.js');
  const args = main.parseKafkaStartArgv(rest);
  if (args) {
    process.exitCode = await main.runKafkaServerStart({ ...args, entry: process.argv[1], usageName: 'zkafka kafka-server-start' });
  }
} else if ((subcommand === 'zkcli' || subcommand === 'zookeeper-shell') && rest[0] !== '--help' && rest[0] !== '-h') {
  const main = await import('../dist/src/zookeeper/shell/main.js');
  const argv = subcommand === 'zookeeper-shell' ? main.zookeeperShellArgv(rest) : rest;
  if (argv === null) {
    process.stderr.write(`${main.ZOOKEEPER_SHELL_USAGE}\n`);
    process.exit(1);
  }
  const { homedir } = await import('node:os');
  // zkCli exits without closing its session.
  // stdin is only opened when no command is given.
  const io = { get stdin() { return process.stdin; }, stdout: process.stdout, stderr: process.stderr, homeDir: homedir() };
  process.exit(await main.runZkCli(argv, io));
}
if (process.exitCode === undefined) {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
