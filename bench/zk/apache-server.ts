// Apache ZooKeeper 3.8 standalone from Debian's jars, through the shared test harness, with the heap cap
// `zkServer.sh` gives it by default (ZK_SERVER_HEAP=1000 → -Xmx1000m).
import { apacheZooKeeperAvailable, startApacheZooKeeper } from '../../test/support/apache-zk.js';
import { rssBytes } from './proc-stats.js';
import { STARTUP_POLL_MS, type BenchServer } from './server-process.js';

export const APACHE_JVM_ARGS = ['-Xmx1000m'];

/** Why Apache ZooKeeper cannot run here, or null when it can. */
export function apacheUnavailable(): string | null {
  return apacheZooKeeperAvailable();
}

export async function startApacheServer(): Promise<BenchServer> {
  const zk = await startApacheZooKeeper({ jvmArgs: APACHE_JVM_ARGS, extraConfig: { maxClientCnxns: '0' }, pollIntervalMs: STARTUP_POLL_MS });
  return {
    name: 'Apache ZooKeeper',
    host: zk.host,
    port: zk.port,
    pid: zk.pid,
    startMs: zk.startMs,
    rssBytes: () => rssBytes(zk.pid),
    output: () => `see ${zk.logFile}`,
    stop: async () => {
      await zk.stop();
    },
  };
}
