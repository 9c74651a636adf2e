#!/usr/bin/env node
// The zkafka binary. Subcommands in the fast-command table (servers, zkcli, the Kafka tools) skip oclif's module
// loading; everything else, and their oclif-parsed forms (help), goes through oclif. A ZooKeeper server starts from
// its bundle (src/cli/command-table.ts's entry for it, without loading the table): one module fewer before it listens.
// The one-shot tools built as CommonJS bundles (src/cli/cached-tools.ts) start through require(), with no ES module
// loaded after this one.
import { existsSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';

const [subcommand, ...rest] = process.argv.slice(2);
const bundleDir = new URL('../dist/bundle/', import.meta.url);
const zooKeeperBundle = new URL('zookeeper-server-start-main.js', bundleDir);
const cachedTools = new URL('cached-tools.cjs', bundleDir);

async function fastMain() {
  if (subcommand === 'zookeeper-server-start' && existsSync(zooKeeperBundle)) return (await import(zooKeeperBundle.href)).zooKeeperServerStartFromArgv;
  const cached = existsSync(cachedTools) ? createRequire(import.meta.url)(fileURLToPath(cachedTools)).cachedToolMain(subcommand, fileURLToPath(bundleDir)) : undefined;
  return cached ?? (await (await import('../dist/src/cli/command-table.js')).fastCommand(subcommand));
}

const main = await fastMain();
const code = main ? await main(rest) : null;
if (code !== null) {
  process.exitCode = code;
} else {
  const { execute } = await import('@oclif/core/execute');
  await execute({ dir: import.meta.url });
}
