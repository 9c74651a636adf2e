// What Metadata (and later FindCoordinator, CreateTopics, ...) answer from: the brokers, the controller and the
// topics as this broker knows them. The ZooKeeper-driven metadata cache implements this; until it lands,
// LocalBrokerMetadata serves this broker alone with no topics.

export interface MetadataBroker {
  id: number;
  /** Advertised host and port of the broker on the listener the request came in on. */
  host: string;
  port: number;
  rack: string | null;
}

export interface MetadataPartition {
  partition: number;
  /** -1 while there is no leader. */
  leaderId: number;
  leaderEpoch: number;
  replicas: readonly number[];
  isr: readonly number[];
  offlineReplicas: readonly number[];
  /** NONE, or LEADER_NOT_AVAILABLE / REPLICA_NOT_AVAILABLE as Kafka's metadata cache reports them. */
  errorCode: number;
}

export interface MetadataTopic {
  name: string;
  /** Kafka's Uuid in the codec's textual form; the all-zero id when the topic has none. */
  topicId: string;
  isInternal: boolean;
  partitions: readonly MetadataPartition[];
}

export interface BrokerMetadata {
  clusterId(): string | null;
  /** -1 when no controller is known. */
  controllerId(): number;
  /** Live brokers with their endpoint on `listenerName`; brokers without that listener are left out, as Kafka does. */
  aliveBrokers(listenerName: string): MetadataBroker[];
  topic(name: string): MetadataTopic | undefined;
  allTopics(): Iterable<MetadataTopic>;
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';

export interface LocalEndpoint {
  listenerName: string;
  host: string;
  port: number;
}

/**
 * This broker alone, no topics: what a broker knows before the ZooKeeper metadata cache feeds it. The endpoints are
 * set once the listeners are bound (a port 0 listener advertises the port it got).
 */
export class LocalBrokerMetadata implements BrokerMetadata {
  private endpoints: readonly LocalEndpoint[] = [];

  constructor(
    private readonly brokerId: number,
    private readonly cluster: string | null,
    private readonly rack: string | null = null,
  ) {}

  setEndpoints(endpoints: readonly LocalEndpoint[]): void {
    this.endpoints = endpoints;
  }

  clusterId(): string | null {
    return this.cluster;
  }

  controllerId(): number {
    return this.brokerId;
  }

  aliveBrokers(listenerName: string): MetadataBroker[] {
    const endpoint = this.endpoints.find((e) => e.listenerName === listenerName);
    return endpoint ? [{ id: this.brokerId, host: endpoint.host, port: endpoint.port, rack: this.rack }] : [];
  }

  topic(): MetadataTopic | undefined {
    return undefined;
  }

  allTopics(): Iterable<MetadataTopic> {
    return [];
  }
}
