// Three real `kafka-server-start` processes on our ZooKeeper (run in this process), for the replication benchmark:
// fixed ports so a killed broker comes back where clients expect it, topics with explicit replica assignments, and
// the partition state as the controller wrote it.
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { KafkaAdmin } from '../../src/kafka/client/index.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../../test/support/kafka-broker-process.js';
import { startOurZooKeeper, type OurZk } from '../../test/support/our-zk.js';
import { freePort } from '../../test/support/ports.js';

export const BROKER_IDS = [1, 2, 3] as const;

export interface ClusterOptions {
  /** zookeeper.session.timeout.ms of every broker: how long a dead broker keeps its leaderships. */
  sessionTimeoutMs: number;
  /** Write a CPU profile of every broker process into this directory (broker-<id>-<start>.cpuprofile); empty: none. */
  cpuProfDir: string;
}

interface Node {
  dir: string;
  port: number;
  starts: number;
  process?: BrokerProcess;
}

export class ReplicationCluster {
  private readonly nodes = new Map<number, Node>();

  private constructor(
    private readonly opts: ClusterOptions,
    private readonly zkServer: OurZk,
    private readonly zk: ZooKeeperClient,
    readonly kafkaZk: KafkaZkClient,
    private readonly procs: BrokerProcesses,
  ) {}

  static async start(opts: ClusterOptions): Promise<ReplicationCluster> {
    // tickTime 500: ZooKeeper grants session timeouts from 1 s to 10 s.
    const zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
    const zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 10_000 });
    const cluster = new ReplicationCluster(opts, zkServer, zk, new KafkaZkClient(zk), new BrokerProcesses());
    if (opts.cpuProfDir) mkdirSync(opts.cpuProfDir, { recursive: true });
    for (const id of BROKER_IDS) cluster.nodes.set(id, { dir: cluster.procs.workDir(`zkafka-bench-replication-${id}-`), port: await freePort(), starts: 0 });
    await Promise.all(BROKER_IDS.map((id) => cluster.startBroker(id)));
    await waitFor('three brokers registered', async () => (await cluster.kafkaZk.getAllBrokers()).length === 3, 60_000);
    return cluster;
  }

  port(id: number): number {
    return this.node(id).port;
  }

  pid(id: number): number {
    return this.node(id).process!.child.pid!;
  }

  get bootstrap(): string {
    return [...this.nodes.values()].map((n) => `127.0.0.1:${n.port}`).join(',');
  }

  private node(id: number): Node {
    const n = this.nodes.get(id);
    if (!n) throw new Error(`no broker ${id}`);
    return n;
  }

  /** Starts (or restarts, on the same port and log dir) broker `id` and waits for its started line. */
  async startBroker(id: number): Promise<void> {
    const n = this.node(id);
    n.starts++;
    const profArgs = this.opts.cpuProfDir ? ['--cpu-prof', `--cpu-prof-dir=${resolve(this.opts.cpuProfDir)}`, `--cpu-prof-name=${profileName(id, n.starts)}`] : [];
    n.process = this.procs.spawn(n.dir, [
      `broker.id=${id}`,
      `listeners=PLAINTEXT://127.0.0.1:${n.port}`,
      `zookeeper.connect=${this.zkServer.connectString}`,
      `zookeeper.session.timeout.ms=${this.opts.sessionTimeoutMs}`,
      'offsets.topic.replication.factor=1',
      'min.insync.replicas=2',
    ], 60_000, profArgs);
    await n.process.started;
  }

  async kill9(id: number): Promise<void> {
    await this.procs.kill9(this.node(id).process!);
  }

  async controllerId(): Promise<number> {
    return waitFor('a controller', async () => (await this.kafkaZk.getControllerId()) ?? undefined, 60_000);
  }

  async partitionState(topic: string, partition: number) {
    const s = await this.kafkaZk.getPartitionState(topic, partition);
    if (!s) throw new Error(`${topic}-${partition} has no state znode`);
    return s.state;
  }

  /** Creates `topic` with one replica list per partition (the first replica leads) and waits for every replica in sync. */
  async createTopic(topic: string, assignments: readonly (readonly number[])[]): Promise<void> {
    const admin = new KafkaAdmin({ bootstrapServers: this.bootstrap });
    try {
      await admin.connect();
      await admin.createTopics([{ name: topic, assignments: Object.fromEntries(assignments.map((a, p) => [p, [...a]])) }]);
    } finally {
      await admin.close();
    }
    for (let p = 0; p < assignments.length; p++) {
      const want = assignments[p]!;
      await waitFor(`${topic}-${p} led by ${want[0]} with ${want.length} in sync`, async () => {
        const s = await this.kafkaZk.getPartitionState(topic, p);
        return s !== null && s.state.leader === want[0] && s.state.isr.length === want.length;
      }, 60_000);
    }
  }

  /** SIGTERM to every broker (each writes its CPU profile on the way out), then ZooKeeper stops. */
  async stop(): Promise<void> {
    try {
      await Promise.all([...this.nodes.values()].map(async (n) => {
        const p = n.process;
        if (p && p.child.exitCode === null && p.child.signalCode === null) await this.procs.stop(p);
      }));
    } finally {
      await this.procs.cleanup();
      await this.zk.close();
      await this.zkServer.stop();
    }
  }
}

/** The CPU profile broker `id` writes at the exit of its `start`-th process (1 = the first). */
export function profileName(id: number, start: number): string {
  return `broker-${id}-${start}.cpuprofile`;
}
