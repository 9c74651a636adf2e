// A broker in this process serving the data plane for a fixed set of topics that exist only here: it registers in
// ZooKeeper like any broker, but Metadata answers from a static topic list and the broker makes itself leader of
// every partition through the replica manager's LeaderAndIsr entry point (the controller knows nothing of these
// topics), so tests choose the ISR and epochs the controller would send. Used by the produce/fetch tests and by
// data-broker-main.ts, which runs the same broker as its own process.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseKafkaConfig } from '../../src/config/kafka-config.js';
import type { BrokerMetadata, MetadataBroker, MetadataTopic } from '../../src/kafka/broker/broker-metadata.js';
import { silentLog, type BrokerLog } from '../../src/kafka/broker/broker-log.js';
import type { PartitionStateUpdate } from '../../src/kafka/broker/broker-contracts.js';
import { KafkaServer } from '../../src/kafka/broker/kafka-server.js';
import type { PartitionConfig } from '../../src/kafka/broker/replica/partition-config.js';
import type { ProducerIdBlockStore } from '../../src/kafka/broker/replica/producer-id-manager.js';

export interface TestTopic {
  name: string;
  partitions: number;
  /** Topic-level settings over the broker's. */
  config?: Partial<Omit<PartitionConfig, 'log'>> & { log?: Partial<PartitionConfig['log']> };
  /** The ISR the controller sends (default: this broker alone). */
  isr?: number[];
  replicas?: number[];
  topicId?: string;
}

/** Metadata for this broker alone and the given topics, all led by it. */
export class StaticMetadata implements BrokerMetadata {
  port = 0;
  constructor(private readonly brokerId: number, private readonly topics: readonly TestTopic[], private readonly leaderEpoch = 0) {}

  clusterId(): string | null {
    return 'data-broker-test';
  }
  controllerId(): number {
    return this.brokerId;
  }
  aliveBrokers(): MetadataBroker[] {
    return [{ id: this.brokerId, host: '127.0.0.1', port: this.port, rack: null }];
  }
  topic(name: string): MetadataTopic | undefined {
    const t = this.topics.find((x) => x.name === name);
    if (!t) return undefined;
    return {
      name: t.name, topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', isInternal: false,
      partitions: Array.from({ length: t.partitions }, (_, partition) => ({
        partition, leaderId: this.brokerId, leaderEpoch: this.leaderEpoch, replicas: t.replicas ?? [this.brokerId], isr: t.isr ?? [this.brokerId], offlineReplicas: [], errorCode: 0,
      })),
    };
  }
  allTopics(): Iterable<MetadataTopic> {
    return this.topics.map((t) => this.topic(t.name)!);
  }
}

export interface DataBrokerOptions {
  topics: TestTopic[];
  /** The ZooKeeper the broker registers in (a restart over the same log dir must use the same one: the cluster id). */
  zkConnect: string;
  /** Log dir (default: a new temp dir). Reuse one to restart a broker over its data. */
  logDir?: string;
  brokerId?: number;
  /** Extra server.properties lines. */
  properties?: string[];
  producerIdBlocks?: ProducerIdBlockStore;
  log?: BrokerLog;
  /** The leader epoch sent in LeaderAndIsr (a restart sends a higher one, as a controller would). */
  leaderEpoch?: number;
}

export interface DataBroker {
  server: KafkaServer;
  port: number;
  bootstrap: string;
  logDir: string;
  stop(): Promise<void>;
}

export function partitionStates(brokerId: number, topics: readonly TestTopic[], leaderEpoch: number): PartitionStateUpdate[] {
  return topics.flatMap((t) =>
    Array.from({ length: t.partitions }, (_, partition) => ({
      topic: t.name, topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA', partition, controllerEpoch: 1, leader: brokerId, leaderEpoch,
      isr: t.isr ?? [brokerId], zkVersion: 0, replicas: t.replicas ?? [brokerId], addingReplicas: [], removingReplicas: [], isNew: true,
    })),
  );
}

export async function startDataBroker(opts: DataBrokerOptions): Promise<DataBroker> {
  const brokerId = opts.brokerId ?? 1;
  const logDir = opts.logDir ?? mkdtempSync(join(tmpdir(), 'zkafka-data-broker-'));
  const text = [
    `broker.id=${brokerId}`, `log.dirs=${logDir}`, 'listeners=PLAINTEXT://127.0.0.1:0', `zookeeper.connect=${opts.zkConnect}`, ...(opts.properties ?? []), '',
  ].join('\n');
  const config = parseKafkaConfig(text, join(logDir, 'server.properties'));
  const metadata = new StaticMetadata(brokerId, opts.topics, opts.leaderEpoch ?? 0);
  const server = await KafkaServer.start({
    config,
    log: opts.log ?? silentLog,
    metadata,
    producerIdBlocks: opts.producerIdBlocks,
    localHostName: async () => '127.0.0.1',
    topicConfig: (topic, base) => {
      const t = opts.topics.find((x) => x.name === topic)?.config;
      return t ? { ...base, ...t, log: { ...base.log, ...t.log } } : base;
    },
  });
  const port = server.listeners[0]!.port;
  metadata.port = port;
  const errors = await server.replicaManager.becomeLeaderOrFollower(brokerId, 1, partitionStates(brokerId, opts.topics, opts.leaderEpoch ?? 0));
  const bad = errors.filter((e) => e.errorCode !== 0);
  if (bad.length > 0) {
    await server.close();
    throw new Error(`LeaderAndIsr failed: ${JSON.stringify(bad)}`);
  }
  return { server, port, bootstrap: `127.0.0.1:${port}`, logDir, stop: () => server.close() };
}
