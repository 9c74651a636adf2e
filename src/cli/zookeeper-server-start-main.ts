// What `zkafka zookeeper-server-start [-daemon] <config>` does, callable without oclif: the binary takes this
// path directly for the plain invocations, because a server's start-up time is part of the product.
// A standalone server's start path is imported statically: in the bundle it then loads with this module, in one
// round of module loading, where dynamic imports would add a second round after the config is read. Replicated
// mode, -daemon, metrics and the Kafka export stay behind dynamic imports.
import { loadOrReport, EXIT_CONFIG } from './config-errors.js';
import { removePidFileIfOwned } from './daemon.js';
import { serveUntilSignal } from './foreground.js';
import { startedLine, zooKeeperPidFile } from './zookeeper-process.js';
import { checkDataDir, loadZooKeeperConfig } from '../config/zookeeper-config.js';
import type { KafkaExportSettings } from '../config/zookeeper-kafka-export.js';
import { bindClientPort, type ClientPort } from '../zookeeper/server/client-port.js';
import { startZooKeeperServer, ZOOKEEPER_VERSION, type RunningZooKeeperServer } from '../zookeeper/server/start.js';

const CLOSE_TIMEOUT_MS = 30_000;

export interface ZooKeeperStartArgs {
  config?: string;
  daemon: boolean;
  /** The script path that started us (for -daemon to re-run itself). */
  entry: string;
  usageName: string;
}

/** Returns the exit code, except after serving in the foreground: then the process exits with the server's status. */
export async function runZooKeeperServerStart(args: ZooKeeperStartArgs): Promise<number> {
  if (args.config === undefined) {
    process.stderr.write(`USAGE: ${process.env['ZKAFKA_SCRIPT'] ?? args.usageName} [-daemon] zookeeper.properties\n`);
    return 1;
  }
  const config = loadOrReport(() => loadZooKeeperConfig(args.config!));
  if (!config) return EXIT_CONFIG;
  for (const warning of config.warnings) process.stderr.write(`${warning}\n`);
  const dirsReady = loadOrReport(() => {
    checkDataDir(config);
    return true;
  });
  if (!dirsReady) return EXIT_CONFIG;

  const out = (line: string) => process.stdout.write(`${line}\n`);
  const err = (line: string) => process.stderr.write(`${line}\n`);
  if (args.daemon) {
    const { startZooKeeperDaemon } = await import('./zookeeper-daemon.js');
    return startZooKeeperDaemon(config, args.config, args.entry, { out, err });
  }

  const replicated = config.mode === 'replicated';
  // Loaded while the metrics endpoint starts (when there is one).
  const startReplicated = replicated ? import('../zookeeper/ensemble/start-replicated.js').then((m) => m.startReplicatedServer) : null;
  // Awaited below; a failed load is reported there.
  startReplicated?.catch(() => {});
  let server: RunningZooKeeperServer | undefined;
  let metrics: { close(): Promise<void> } | undefined;
  let clientPort: ClientPort | undefined;
  try {
    // Before clients are served, as Apache starts its metrics provider: a port in use stops the start-up.
    metrics = config.metrics ? await (await import('../zookeeper/server/metrics-endpoint.js')).startZooKeeperMetricsEndpoint(config.metrics, () => server?.server, out) : undefined;
    if (startReplicated) {
      server = await (await startReplicated)(config, { log: out });
    } else {
      // Bound before the data dir is recovered, as Apache's ServerCnxnFactory is: clients that connect meanwhile wait.
      clientPort = await bindClientPort(config);
      server = await startZooKeeperServer(config, { log: out, clientPort });
    }
    if (config.metrics) server.server.metrics.prometheus = { exportProcessInfo: config.metrics.exportJvmInfo };
  } catch (error) {
    clientPort?.close();
    err(`zkafka: cannot start ZooKeeper server: ${error instanceof Error ? error.message : String(error)}`);
    await metrics?.close();
    return 1;
  }
  const running = config.kafkaExport ? await withKafkaExport(server, config.kafkaExport, out) : server;
  // handlers first: whoever reads the started line may signal at once
  const exit = serveUntilSignal(running, CLOSE_TIMEOUT_MS, err);
  out(startedLine(config.mode, server.address, server.dataDir));
  // A moment after serving starts: node:v8 takes a few milliseconds to load, which would delay the first requests
  // (clients that connected while the data dir was recovered, a supervisor's ruok), and the heap is small until
  // clients write.
  setTimeout(() => void limitHeapGrowth(), HEAP_LIMITS_DELAY_MS).unref();
  const status = await exit;
  removePidFileIfOwned(zooKeeperPidFile(config.dataDir), process.pid);
  process.exit(status);
}

/** The server with its events published to Kafka: serverStop goes out first, the producer closes last (briefly). */
async function withKafkaExport(server: RunningZooKeeperServer, settings: KafkaExportSettings, log: (line: string) => void): Promise<RunningZooKeeperServer> {
  const { startKafkaExport } = await import('./zookeeper-kafka-export.js');
  const exporter = startKafkaExport(server.server, settings, ZOOKEEPER_VERSION, log);
  return {
    ...server,
    close: async () => {
      exporter.serverStopping();
      try {
        await server.close();
      } finally {
        await exporter.stop();
      }
    },
  };
}

/**
 * V8 lets the old generation grow to up to 4x what survived the last full collection before it collects again. A
 * server's heap is mostly its tree, and every write replaces node data, so under load it sat at 3-4x the tree's size
 * (peak RSS 250-300 MB with 100k nodes in bench:zk, where the live heap is about 50 MB). Letting it double keeps
 * peak RSS at 130-145 MB there. Growing by half kept it at about 120 MB, but the full collections it took twice as
 * often, each with incremental marking steps on the event loop, showed in the writes' tail latency: p99 of the
 * create/setData/delete mix 1.02-1.09x Apache's in two of three runs, against 0.67-0.86x at 100% in three
 * alternating runs. A --heap-growing-percent given to node wins.
 */
const HEAP_GROWING_PERCENT = 100;

/**
 * The young generation doubles from 1 MiB semi-spaces to 16 MiB ones under load: 32 MiB resident for garbage a
 * request leaves, most of which is dead at the next scavenge. At 4 MiB the requests in flight still die young, and
 * the other 24 MiB are a tenth of a loaded server's memory. The maximum is fixed when the process starts, but V8
 * reads the growth factor each time it grows the space, so once it has reached the size it stops growing. A
 * --max-semi-space-size or --semi-space-growth-factor given to node wins.
 */
const SEMI_SPACE_CAP_BYTES = 4 * 1024 * 1024;
const HEAP_LIMITS_DELAY_MS = 250;
const SEMI_SPACE_CHECK_MS = 100;

async function limitHeapGrowth(): Promise<void> {
  const flags = process.execArgv;
  const given = (name: string) => flags.some((a) => new RegExp(`^--${name.replaceAll('-', '[-_]')}`).test(a));
  const v8 = await import('node:v8');
  if (!given('heap-growing-percent')) v8.setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (given('max-semi-space-size') || given('semi-space-growth-factor')) return;
  const timer = setInterval(() => {
    const young = v8.getHeapSpaceStatistics().find((s) => s.space_name === 'new_space');
    // The new space's size counts both semi-spaces.
    if (young && young.space_size < 2 * SEMI_SPACE_CAP_BYTES) return;
    v8.setFlagsFromString('--semi-space-growth-factor=1');
    clearInterval(timer);
  }, SEMI_SPACE_CHECK_MS);
  timer.unref();
}

/** `zkafka zookeeper-server-start` on the argv after the subcommand: the exit code, or null when oclif must handle it. */
export async function zooKeeperServerStartFromArgv(argv: readonly string[]): Promise<number | null> {
  const args = parseZooKeeperStartArgv(argv);
  return args ? runZooKeeperServerStart({ ...args, entry: process.argv[1]!, usageName: 'zkafka zookeeper-server-start' }) : null;
}

/** argv after the subcommand → args, or null when it needs oclif (help, unknown flags). */
export function parseZooKeeperStartArgv(argv: readonly string[]): { config?: string; daemon: boolean } | null {
  let daemon = false;
  let config: string | undefined;
  for (const arg of argv) {
    if (arg === '-daemon' || arg === '--daemon') daemon = true;
    else if (arg.startsWith('-') || config !== undefined) return null;
    else config = arg;
  }
  return { config, daemon };
}
