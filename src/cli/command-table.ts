// Subcommands that run without oclif (about a quarter of a second of module loading): a server must answer within a
// fraction of a second of being started, and a one-shot tool competes with a JVM and with C clients. `bin/run.js`
// looks a subcommand up here first (fastCommand: this table, then the cached tools' part of it, cached-tools.ts); the
// oclif command of the same name calls the same entry. Each entry imports only its own main module: for the servers and the busiest Kafka tools, the bundle
// of it that `npm run build` makes (scripts/bundle-servers.mjs) when there is one, as loading a dozen files costs a
// fraction of loading a few hundred modules one by one. Stack traces then name the bundle's files;
// `node --enable-source-maps` (or NODE_OPTIONS) maps them back to src/**/*.ts.
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { FastMain } from './tool-mains.js';

export type { FastMain } from './tool-mains.js';

const ENTRY = () => process.argv[1]!;
const BUNDLE_DIR = fileURLToPath(new URL('../../bundle/', import.meta.url));

/** A main module: its bundle under dist/bundle when built, else the module itself (same exports). */
async function bundledMain<T>(name: string, unbundled: () => Promise<T>): Promise<T> {
  const bundled = new URL(`../../bundle/${name}.js`, import.meta.url);
  return existsSync(fileURLToPath(bundled)) ? ((await import(bundled.href)) as T) : unbundled();
}

const FAST_COMMANDS: Readonly<Record<string, () => Promise<FastMain>>> = {
  // bin/run.js imports the bundle's entry itself when it is built.
  'zookeeper-server-start': async () => (await bundledMain('zookeeper-server-start-main', () => import('./zookeeper-server-start-main.js'))).zooKeeperServerStartFromArgv,
  'kafka-server-start': async () => {
    const main = await bundledMain('kafka-server-start-main', () => import('./kafka-server-start-main.js'));
    return async (argv) => {
      const args = main.parseKafkaStartArgv(argv);
      return args ? main.runKafkaServerStart({ ...args, entry: ENTRY(), usageName: 'zkafka kafka-server-start' }) : null;
    };
  },
  'kafka-configs': async () => {
    const { runKafkaConfigs } = await import('../kafka/tools/configs/configs-main.js');
    return (argv) => runKafkaConfigs(argv);
  },
  'kafka-reassign-partitions': async () => {
    const { runReassignPartitions } = await import('../kafka/tools/reassign/reassign-main.js');
    return (argv) => runReassignPartitions(argv);
  },
  'kafka-leader-election': async () => {
    const { runLeaderElection } = await import('../kafka/tools/leader-election/leader-election-main.js');
    return (argv) => runLeaderElection(argv);
  },
  'kafka-consumer-groups': async () => {
    const main = await import('../kafka/tools/consumer-groups/consumer-groups-main.js');
    return (argv) => main.runConsumerGroups(argv, { stdout: process.stdout, stderr: process.stderr });
  },
  'kafka-consumer-perf-test': async () => {
    const main = await import('../kafka/tools/consumer-perf/consumer-perf-main.js');
    return (argv) => main.runConsumerPerfTest(argv, { stdout: process.stdout, stderr: process.stderr });
  },
  zkcli: async () => zkCliMain(false),
  'zookeeper-shell': async () => zkCliMain(true),
  quickstart: async () => (await import('../cluster/cluster-main.js')).runQuickstartMain,
  init: async () => (await import('../cluster/cluster-main.js')).runInitMain,
  cluster: async () => (await import('../cluster/cluster-main.js')).runClusterMain,
};

async function zkCliMain(asZookeeperShell: boolean): Promise<FastMain> {
  return async (argv) => {
    if (argv[0] === '--help' || argv[0] === '-h') return null;
    const main = await import('../zookeeper/shell/main.js');
    const zkCliArgv = asZookeeperShell ? main.zookeeperShellArgv(argv) : argv;
    if (zkCliArgv === null) {
      process.stderr.write(`${main.ZOOKEEPER_SHELL_USAGE}\n`);
      process.exit(1);
    }
    const { homedir } = await import('node:os');
    // stdin is only opened when no command is given.
    const io = {
      get stdin() {
        return process.stdin;
      },
      stdout: process.stdout,
      stderr: process.stderr,
      homeDir: homedir(),
    };
    // zkCli exits without closing its session.
    process.exit(await main.runZkCli(zkCliArgv, io));
  };
}

/** The subcommand's fast entry, or undefined when only oclif has it. */
export async function fastCommand(subcommand: string | undefined): Promise<FastMain | undefined> {
  if (subcommand !== undefined && Object.hasOwn(FAST_COMMANDS, subcommand)) return FAST_COMMANDS[subcommand]!();
  const { cachedTool, cachedToolMain } = await import('./cached-tools.js');
  const tool = cachedTool(subcommand);
  if (tool === undefined) return undefined;
  // Its bundle when built (bin/run.js tries that first), else its modules.
  return cachedToolMain(subcommand, BUNDLE_DIR) ?? tool.main((await import(`../${tool.module}.js`)) as never);
}

/** For oclif commands that are only a shell around a fast entry: runs it and sets the exit code. */
export async function runFastCommand(subcommand: string, argv: readonly string[]): Promise<void> {
  const main = await fastCommand(subcommand);
  const code = main ? await main(argv) : null;
  if (code === null) throw new Error(`${subcommand} has no fast entry for these arguments`);
  process.exitCode = code;
}
