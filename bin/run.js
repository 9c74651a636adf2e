#!/usr/bin/env node
// The zkafka binary. Starting a server skips oclif (about a quarter of a second of module loading): a server
// must answer within a fraction of a second of being started. Everything else, and help, goes through oclif.
const [subcommand, ...rest] = process.argv.slice(2);
if (subcommand === 'zookeeper-server-start') {
  const main = await import('../dist/src/cli/zookeeper-server-start-main.js');
  const args = main.parseZooKeeperStartArgv(rest);
  if (args) {
    process.exitCode = await main.runZooKeeperServerStart({ ...args, entry: process.argv[1], usageName: 'zkafka zookeeper-server-start' });
  }
}
if (process.exitCode === undefined) {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
