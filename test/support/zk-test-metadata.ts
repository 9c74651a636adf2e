// A stand-in for the ZooKeeper-fed metadata cache and the controller, for broker tests of the admin APIs: it reads
// /brokers/ids and /brokers/topics after every change, reports every partition led by its first live replica
// (ISR = live replicas), and carries out deletions marked in /admin/delete_topics the way the controller ends them
// (topic subtree, topic config and marker removed). This broker is always the controller.
import type { BrokerMetadata, MetadataBroker, MetadataTopic } from '../../src/kafka/broker/broker-metadata.js';
import type { MetadataUpdates } from '../../src/kafka/broker/broker-contracts.js';
import type { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { ZkPaths, type BrokerRegistration } from '../../src/kafka/zk/zk-data.js';
import { NoNodeError } from '../../src/zookeeper/client/index.js';
import { isInternalTopic } from '../../src/kafka/admin/topic-name.js';

export class ZkTestMetadata implements BrokerMetadata, MetadataUpdates {
  private brokers: BrokerRegistration[] = [];
  private topics = new Map<string, MetadataTopic>();
  private readonly listeners = new Set<() => void>();
  private refreshing: Promise<void> | null = null;
  private again = false;
  private stopped = false;
  /** Errors of background refreshes, for the test to assert on. */
  readonly errors: unknown[] = [];

  constructor(
    private readonly zk: KafkaZkClient,
    private readonly brokerId: number,
    private readonly cluster: string,
  ) {}

  async start(): Promise<void> {
    await this.zk.createTopLevelPaths();
    await this.refresh();
  }

  stop(): void {
    this.stopped = true;
  }

  clusterId(): string {
    return this.cluster;
  }

  controllerId(): number {
    return this.brokerId;
  }

  aliveBrokers(listenerName: string): MetadataBroker[] {
    const out: MetadataBroker[] = [];
    for (const b of this.brokers) {
      const e = b.endpoints.find((x) => x.listenerName === listenerName);
      if (e) out.push({ id: b.id, host: e.host, port: e.port, rack: b.rack });
    }
    return out;
  }

  topic(name: string): MetadataTopic | undefined {
    return this.topics.get(name);
  }

  allTopics(): Iterable<MetadataTopic> {
    return this.topics.values();
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Re-reads everything; changes seen meanwhile cause one more pass. */
  refresh(): Promise<void> {
    if (this.refreshing) {
      this.again = true;
      return this.refreshing;
    }
    this.refreshing = (async () => {
      do {
        this.again = false;
        try {
          await this.load();
        } catch (err) {
          if (!this.stopped) this.errors.push(err);
        }
      } while (this.again && !this.stopped);
      this.refreshing = null;
    })();
    return this.refreshing;
  }

  private readonly onChange = (): void => {
    if (!this.stopped) void this.refresh();
  };

  private async load(): Promise<void> {
    const zk = this.zk.zk;
    for (const topic of await zk.getChildren(ZkPaths.deleteTopics, this.onChange)) await this.deleteTopic(topic);
    const ids = (await zk.getChildren(ZkPaths.brokerIds, this.onChange)).map(Number).sort((a, b) => a - b);
    const brokers = (await this.zk.getAllBrokers()).filter((b) => ids.includes(b.registration.id)).map((b) => b.registration);
    const alive = new Set(brokers.map((b) => b.id));
    const topics = new Map<string, MetadataTopic>();
    for (const name of await zk.getChildren(ZkPaths.topics, this.onChange)) {
      const t = await this.zk.getTopicAssignment(name, this.onChange);
      if (t === null) continue;
      topics.set(name, {
        name,
        topicId: t.topicId ?? 'AAAAAAAAAAAAAAAAAAAAAA',
        isInternal: isInternalTopic(name),
        partitions: [...t.partitions].map(([partition, a]) => {
          const live = a.replicas.filter((r) => alive.has(r));
          return { partition, leaderId: live[0] ?? -1, leaderEpoch: 0, replicas: a.replicas, isr: live, offlineReplicas: a.replicas.filter((r) => !alive.has(r)), errorCode: live.length > 0 ? 0 : 5 };
        }),
      });
    }
    if (this.stopped) return;
    this.brokers = brokers;
    this.topics = topics;
    for (const listener of [...this.listeners]) listener();
  }

  private async deleteTopic(topic: string): Promise<void> {
    const zk = this.zk.zk;
    const remove = async (path: string): Promise<void> => {
      const children = await zk.getChildren(path).catch((err: unknown) => {
        if (err instanceof NoNodeError) return null;
        throw err;
      });
      if (children === null) return;
      for (const c of children) await remove(`${path}/${c}`);
      await zk.delete(path).catch((err: unknown) => {
        if (!(err instanceof NoNodeError)) throw err;
      });
    };
    await remove(ZkPaths.topic(topic));
    await remove(ZkPaths.configEntity('topics', topic));
    await remove(ZkPaths.deleteTopic(topic));
  }
}
