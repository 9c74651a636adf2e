// Where each node of a cluster lives: its ports, config file, data directory, output and pid files. A local cluster
// (quickstart) keeps its layout in <dir>/cluster.json, so a second run, `cluster status` and `cluster stop` find the
// same nodes again.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';

export interface ZooKeeperNode {
  kind: 'zookeeper';
  id: number;
  host: string;
  clientPort: number;
  quorumPort: number;
  electionPort: number;
  /** The node's directory: zoo.cfg, zookeeper.out. */
  home: string;
  /** dataDir: myid, version-2/, zookeeper_server.pid. */
  dataDir: string;
}

export interface BrokerNode {
  kind: 'kafka';
  id: number;
  host: string;
  port: number;
  /** The node's directory: server.properties, kafkaServer.out, kafkaServer.pid. */
  home: string;
  /** log.dirs. */
  logDir: string;
}

export interface ClusterLayout {
  dir: string;
  zookeepers: ZooKeeperNode[];
  brokers: BrokerNode[];
}

export interface LocalClusterOptions {
  dir: string;
  zookeepers: number;
  brokers: number;
  host: string;
  /** First client port; server N listens on zookeeperPort + N - 1 (likewise the quorum, election and broker ports). */
  zookeeperPort: number;
  quorumPort: number;
  electionPort: number;
  brokerPort: number;
}

export const DEFAULT_LOCAL_CLUSTER: Omit<LocalClusterOptions, 'dir'> = {
  zookeepers: 3,
  brokers: 3,
  host: '127.0.0.1',
  zookeeperPort: 2181,
  quorumPort: 2888,
  electionPort: 3888,
  brokerPort: 9092,
};

export const DEFAULT_CLUSTER_DIR = 'zkafka-cluster';
const LAYOUT_FILE = 'cluster.json';

export function localLayout(opts: LocalClusterOptions): ClusterLayout {
  const dir = resolve(opts.dir);
  const zookeepers = range(opts.zookeepers).map((id): ZooKeeperNode => {
    const home = join(dir, `zk${id}`);
    return {
      kind: 'zookeeper', id, host: opts.host, home, dataDir: join(home, 'data'),
      clientPort: opts.zookeeperPort + id - 1, quorumPort: opts.quorumPort + id - 1, electionPort: opts.electionPort + id - 1,
    };
  });
  const brokers = range(opts.brokers).map((id): BrokerNode => {
    const home = join(dir, `kafka${id}`);
    return { kind: 'kafka', id, host: opts.host, port: opts.brokerPort + id - 1, home, logDir: join(home, 'data') };
  });
  return { dir, zookeepers, brokers };
}

export function range(n: number): number[] {
  return Array.from({ length: n }, (_, i) => i + 1);
}

export function zooCfgPath(n: ZooKeeperNode): string {
  return join(n.home, 'zoo.cfg');
}

export function serverPropertiesPath(n: BrokerNode): string {
  return join(n.home, 'server.properties');
}

export function outputFile(n: ZooKeeperNode | BrokerNode): string {
  return join(n.home, n.kind === 'zookeeper' ? 'zookeeper.out' : 'kafkaServer.out');
}

/** zkServer.sh's <dataDir>/zookeeper_server.pid; kafkaServer.pid beside a broker's output. */
export function pidFile(n: ZooKeeperNode | BrokerNode): string {
  return n.kind === 'zookeeper' ? join(n.dataDir, 'zookeeper_server.pid') : join(n.home, 'kafkaServer.pid');
}

export function zookeeperConnect(layout: ClusterLayout): string {
  return layout.zookeepers.map((z) => `${z.host}:${z.clientPort}`).join(',');
}

export function bootstrapServers(layout: ClusterLayout): string {
  return layout.brokers.map((b) => `${b.host}:${b.port}`).join(',');
}

export function nodeName(n: ZooKeeperNode | BrokerNode): string {
  return n.kind === 'zookeeper' ? `zookeeper ${n.id}` : `broker ${n.id}`;
}

export function layoutFile(dir: string): string {
  return join(resolve(dir), LAYOUT_FILE);
}

/** The layout a previous quickstart wrote into `dir`, or undefined when there is none. */
export function readLayout(dir: string): ClusterLayout | undefined {
  const file = layoutFile(dir);
  if (!existsSync(file)) return undefined;
  const saved = JSON.parse(readFileSync(file, 'utf8')) as ClusterLayout;
  if (!Array.isArray(saved.zookeepers) || !Array.isArray(saved.brokers)) throw new Error(`${file}: not a cluster layout`);
  return { ...saved, dir: resolve(dir) };
}

export function writeLayout(layout: ClusterLayout): void {
  mkdirSync(layout.dir, { recursive: true });
  writeFileSync(layoutFile(layout.dir), `${JSON.stringify(layout, null, 2)}\n`);
}
