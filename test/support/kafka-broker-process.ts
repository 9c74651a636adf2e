// Real `bin/run.js kafka-server-start` processes for cluster tests: each in its own temp dir with its own log dir,
// listening on a port the system picks, found again from its "Awaiting socket connections" and "started" lines.
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectZooKeeper } from '../../src/zookeeper/client/index.js';

export const RUN_JS = fileURLToPath(new URL('../../../bin/run.js', import.meta.url));
/** bin/zkafka, the installed binary (bin/run.js under node, in the environment node-start-env.ts gives): as users run it. */
export const ZKAFKA_BIN = fileURLToPath(new URL('../../../bin/zkafka', import.meta.url));
export const STARTED = /INFO \[KafkaServer id=(-?\d+)\] started \(kafka\.server\.KafkaServer\)/;
const AWAITING = /Awaiting socket connections on [^\s]+:(\d+)\. \(kafka\.network\.Acceptor\)/;
const CLUSTER = /INFO Cluster ID = (\S+) \(kafka\.server\.KafkaServer\)/;

export interface BrokerProcess {
  child: ChildProcess;
  dir: string;
  output(): string;
  exit: Promise<number | null>;
  /** Resolves once the started line is out: the broker's id, port and cluster id. */
  started: Promise<{ brokerId: number; port: number; clusterId: string }>;
}

/** Every broker spawned through one of these is killed and its dir removed by cleanup(). */
export class BrokerProcesses {
  private readonly all = new Set<BrokerProcess>();
  private readonly dirs: string[] = [];

  workDir(prefix = 'zkafka-cluster-'): string {
    const dir = mkdtempSync(join(tmpdir(), prefix));
    this.dirs.push(dir);
    return dir;
  }

  /**
   * Writes server.properties (log dir inside `dir`, listener on 127.0.0.1:0 unless given) and starts the broker;
   * `nodeArgs` go to node before bin/run.js (e.g. --cpu-prof, which NODE_OPTIONS does not take).
   */
  spawn(dir: string, lines: readonly string[], startTimeoutMs = 30_000, nodeArgs: readonly string[] = []): BrokerProcess {
    const config = join(dir, 'server.properties');
    const hasListeners = lines.some((l) => l.startsWith('listeners='));
    writeFileSync(config, [`log.dirs=${join(dir, 'kafka-logs')}`, ...(hasListeners ? [] : ['listeners=PLAINTEXT://127.0.0.1:0']), ...lines, ''].join('\n'));
    const child = spawn(process.execPath, [...nodeArgs, RUN_JS, 'kafka-server-start', config], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout!.on('data', (d: Buffer) => (out += d));
    child.stderr!.on('data', (d: Buffer) => (out += d));
    const exit = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
    const started = (async () => {
      const deadline = Date.now() + startTimeoutMs;
      while (!STARTED.test(out)) {
        if (child.exitCode !== null || child.signalCode !== null || Date.now() > deadline) throw new Error(`broker in ${dir} did not start:\n${out}`);
        await new Promise((r) => setTimeout(r, 10));
      }
      return { brokerId: Number(STARTED.exec(out)![1]), port: Number(AWAITING.exec(out)![1]), clusterId: CLUSTER.exec(out)![1]! };
    })();
    started.catch(() => {});
    const broker: BrokerProcess = { child, dir, output: () => out, exit, started };
    this.all.add(broker);
    return broker;
  }

  async kill9(broker: BrokerProcess): Promise<void> {
    broker.child.kill('SIGKILL');
    await broker.exit;
  }

  /** SIGTERM and the exit code. */
  async stop(broker: BrokerProcess): Promise<number | null> {
    broker.child.kill('SIGTERM');
    return broker.exit;
  }

  async cleanup(): Promise<void> {
    for (const b of this.all) if (b.child.exitCode === null && b.child.signalCode === null) b.child.kill('SIGKILL');
    await Promise.all([...this.all].map((b) => b.exit));
    for (const d of this.dirs) rmSync(d, { recursive: true, force: true });
  }
}

/** Polls `check` every 10 ms until it returns a value other than undefined/false, or throws after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await check();
      if (value !== undefined && value !== false) return value;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${String(last)}` : ''}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Waits until a killed broker's registration (/brokers/ids/N) is gone with its ZooKeeper session: a restarted broker
 * with the same id cannot register before, as with Kafka.
 */
export async function waitForRegistrationGone(connectString: string, brokerId: number, timeoutMs = 60_000): Promise<void> {
  const zk = await connectZooKeeper(connectString);
  try {
    await waitFor(`broker ${brokerId}'s registration to go with its session`, async () => (await zk.exists(`/brokers/ids/${brokerId}`)) === null, timeoutMs);
  } finally {
    await zk.close();
  }
}
