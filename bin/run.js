#!/usr/bin/env node
// The zkafka binary. Subcommands in the fast-command table (servers, zkcli, the Kafka tools) skip oclif's module
// loading; everything else, and their oclif-parsed forms (help), goes through oclif. A ZooKeeper server starts from
// its bundle (src/cli/command-table.ts's entry for it, without loading the table): one module fewer before it listens.
import { existsSync } from 'node:fs';

const [subcommand, ...rest] = process.argv.slice(2);
const zooKeeperBundle = new URL('../dist/bundle/zookeeper-server-start-main.js', import.meta.url);
const main =
  subcommand === 'zookeeper-server-start' && existsSync(zooKeeperBundle)
    ? (await import(zooKeeperBundle.href)).zooKeeperServerStartFromArgv
    : await (await import('../dist/src/cli/command-table.js')).fastCommand(subcommand);
const code = main ? await main(rest) : null;
if (code !== null) {
  process.exitCode = code;
} else {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
