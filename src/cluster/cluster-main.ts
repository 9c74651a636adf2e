// The fast entries of quickstart, init and cluster status|stop: their arguments (node:util parseArgs, the flags their
// oclif commands declare for --help) and the library call. Bad arguments are one line on stderr and exit 2.
import { parseArgs } from 'node:util';
import { DEFAULT_CLUSTER_DIR, readLayout } from './layout.js';

type Io = { out(text: string): void; err(text: string): void };

const stdio: Io = { out: (t) => void process.stdout.write(t), err: (t) => void process.stderr.write(t) };

class UsageError extends Error {}

function count(value: string | undefined, flag: string, min: number): number | undefined {
  if (value === undefined) return undefined;
  if (!/^\d+$/.test(value) || Number(value) < min) throw new UsageError(`--${flag}: expected an integer of at least ${min}, got '${value}'`);
  return Number(value);
}

function port(value: string | undefined, flag: string): number | undefined {
  const n = count(value, flag, 1);
  if (n !== undefined && n > 65535) throw new UsageError(`--${flag}: expected a port (1-65535), got '${value}'`);
  return n;
}

type Options = Record<string, { type: 'string' | 'boolean' }>;

function parse(argv: readonly string[], options: Options): { values: Record<string, string | boolean | undefined> } {
  try {
    const { values } = parseArgs({ args: [...argv], options: { ...options, help: { type: 'boolean', short: 'h' } }, allowPositionals: false, strict: true });
    return { values: values as Record<string, string | boolean | undefined> };
  } catch (err) {
    throw new UsageError((err as Error).message.split('\n')[0]!);
  }
}

/** Runs `main` with usage errors mapped to exit 2; null (oclif shows the help) for --help. */
async function guarded(name: string, argv: readonly string[], main: () => Promise<number>): Promise<number | null> {
  if (argv.includes('--help') || argv.includes('-h')) return null;
  try {
    return await main();
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    process.stderr.write(`zkafka ${name}: ${err.message} (see zkafka ${name} --help)\n`);
    return 2;
  }
}

export function runQuickstartMain(argv: readonly string[]): Promise<number | null> {
  return guarded('quickstart', argv, async () => {
    const { values: v } = parse(argv, {
      zookeepers: { type: 'string' },
      brokers: { type: 'string' },
      dir: { type: 'string' },
      detach: { type: 'boolean' },
      host: { type: 'string' },
      'zookeeper-port': { type: 'string' },
      'quorum-port': { type: 'string' },
      'election-port': { type: 'string' },
      'broker-port': { type: 'string' },
    });
    const opts = {
      dir: (v['dir'] as string | undefined) ?? DEFAULT_CLUSTER_DIR,
      detach: v['detach'] === true,
      zookeepers: count(v['zookeepers'] as string | undefined, 'zookeepers', 1),
      brokers: count(v['brokers'] as string | undefined, 'brokers', 1),
      host: v['host'] as string | undefined,
      zookeeperPort: port(v['zookeeper-port'] as string | undefined, 'zookeeper-port'),
      quorumPort: port(v['quorum-port'] as string | undefined, 'quorum-port'),
      electionPort: port(v['election-port'] as string | undefined, 'election-port'),
      brokerPort: port(v['broker-port'] as string | undefined, 'broker-port'),
    };
    const { runQuickstart } = await import('./quickstart.js');
    let signal: NodeJS.Signals | undefined;
    const signalled = new Promise<NodeJS.Signals>((resolve) => {
      const on = (sig: NodeJS.Signals) => {
        if (signal === undefined) process.stderr.write(`\n${sig}: stopping the cluster (brokers first, then ZooKeeper)\n`);
        signal ??= sig;
        resolve(sig);
      };
      process.on('SIGINT', on).on('SIGTERM', on);
    });
    const code = await runQuickstart(opts, {
      ...stdio,
      colour: process.stdout.isTTY === true && !process.env['NO_COLOR'],
      signalled,
      stopping: () => signal !== undefined,
      now: () => performance.now(),
    });
    // The nodes run in sessions of their own; nothing of this process needs to finish.
    process.exit(code);
  });
}

export function runInitMain(argv: readonly string[]): Promise<number | null> {
  return guarded('init', argv, async () => {
    const { values: v } = parse(argv, {
      zookeepers: { type: 'string' },
      brokers: { type: 'string' },
      dir: { type: 'string' },
      'host-prefix': { type: 'string' },
      'kafka-host-prefix': { type: 'string' },
    });
    if (v['dir'] === undefined) throw new UsageError('--dir is required');
    const { runInit } = await import('./init.js');
    const lines = runInit({
      dir: v['dir'] as string,
      zookeepers: count(v['zookeepers'] as string | undefined, 'zookeepers', 1) ?? 3,
      brokers: count(v['brokers'] as string | undefined, 'brokers', 1) ?? 3,
      hostPrefix: (v['host-prefix'] as string | undefined) ?? 'zk',
      kafkaHostPrefix: (v['kafka-host-prefix'] as string | undefined) ?? 'k',
    });
    stdio.out(`${lines.join('\n')}\n`);
    return 0;
  });
}

export function runClusterMain(argv: readonly string[]): Promise<number | null> {
  const [sub, ...rest] = argv;
  if (sub === 'status') return guarded('cluster status', rest, () => clusterStatus(rest));
  if (sub === 'stop') {
    return guarded('cluster stop', rest, async () => {
      const { values: v } = parse(rest, { dir: { type: 'string' } });
      const { runClusterStop } = await import('./stop.js');
      return runClusterStop((v['dir'] as string | undefined) ?? DEFAULT_CLUSTER_DIR, stdio);
    });
  }
  return Promise.resolve(null);
}

async function clusterStatus(argv: readonly string[]): Promise<number> {
  const { values: v } = parse(argv, { dir: { type: 'string' }, zookeeper: { type: 'string' } });
  if (v['dir'] !== undefined && v['zookeeper'] !== undefined) throw new UsageError('give --dir or --zookeeper, not both');
  const status = await import('./status.js');
  let target;
  if (v['zookeeper'] !== undefined) {
    target = status.targetOfConnect(v['zookeeper'] as string);
  } else {
    const dir = (v['dir'] as string | undefined) ?? DEFAULT_CLUSTER_DIR;
    const layout = readLayout(dir);
    if (!layout) throw new UsageError(`no cluster in ${dir} (it has no cluster.json); give --zookeeper host:port,...`);
    target = status.targetOfLayout(layout);
  }
  const s = await status.readStatus(target);
  stdio.out(await status.renderStatus(s, process.stdout.isTTY === true && !process.env['NO_COLOR']));
  return status.healthCode(s);
}
