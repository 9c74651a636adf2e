// A fixed BrokerMetadata for tests of a lone broker: its own endpoints (read once it is bound) and topics whose
// every partition it leads, until the ZooKeeper-fed metadata cache serves brokers for real.
import type { BrokerMetadata, LocalEndpoint, MetadataBroker, MetadataTopic } from '../../src/kafka/broker/broker-metadata.js';

export class StaticBrokerMetadata implements BrokerMetadata {
  private readonly topics = new Map<string, MetadataTopic>();
  private readonly listeners = new Set<() => void>();

  constructor(
    private readonly brokerId: number,
    private readonly endpoints: () => readonly LocalEndpoint[],
  ) {}

  /** Adds (or replaces) a topic whose partitions this broker leads at epoch 0. */
  addTopic(name: string, partitions: number, isInternal = name.startsWith('__')): void {
    const id = this.brokerId;
    this.topics.set(name, {
      name,
      topicId: Buffer.from(name.padEnd(16, '#').slice(0, 16)).toString('base64url'),
      isInternal,
      partitions: Array.from({ length: partitions }, (_, partition) => ({ partition, leaderId: id, leaderEpoch: 0, replicas: [id], isr: [id], offlineReplicas: [], errorCode: 0 })),
    });
    for (const l of this.listeners) l();
  }

  onUpdate(listener: () => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  clusterId(): string | null {
    return 'static-test-cluster';
  }

  controllerId(): number {
    return this.brokerId;
  }

  aliveBrokers(listenerName: string): MetadataBroker[] {
    const endpoint = this.endpoints().find((e) => e.listenerName === listenerName);
    return endpoint ? [{ id: this.brokerId, host: endpoint.host, port: endpoint.port, rack: null }] : [];
  }

  topic(name: string): MetadataTopic | undefined {
    return this.topics.get(name);
  }

  allTopics(): Iterable<MetadataTopic> {
    return this.topics.values();
  }
}
