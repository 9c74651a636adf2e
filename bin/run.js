#!/usr/bin/env node
// The zkafka binary. Subcommands in the fast-command table (servers, zkcli, the Kafka tools) skip oclif's module
// loading; everything else, and their oclif-parsed forms (help), goes through oclif.
const [subcommand, ...rest] = process.argv.slice(2);
const { fastCommand } = await import('../dist/src/cli/command-table.js');
const main = await fastCommand(subcommand);
const code = main ? await main(rest) : null;
if (code !== null) {
  process.exitCode = code;
} else {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
