// How the broker joins its cluster. In ZooKeeper mode Kafka reads (or creates) /cluster/id, takes a broker id from
// /brokers/seqid when broker.id=-1, and registers /brokers/ids/<id> with its advertised endpoints. The ZooKeeper
// wiring implements this interface; until then PendingZooKeeperRegistration stands in without touching ZooKeeper.
import { randomBytes } from 'node:crypto';
import type { KafkaListener } from '../../config/kafka-listeners.js';

export interface BrokerEndpoint extends KafkaListener {}

export interface BrokerRegistration {
  /** The cluster's id (Kafka: /cluster/id, created on first start). `stored` is the one in meta.properties, if any. */
  clusterId(stored: string | null): Promise<string>;
  /** A broker id when broker.id=-1 and meta.properties has none (Kafka: from /brokers/seqid); undefined if unsupported. */
  generateBrokerId?(): Promise<number>;
  /** Announces the broker (Kafka: the ephemeral /brokers/ids/<id>) once its listeners are bound. */
  register(brokerId: number, endpoints: readonly BrokerEndpoint[], rack: string | null): Promise<void>;
  /** Withdraws the registration (the session closes and the ephemeral node goes). */
  close(): Promise<void>;
}

/**
 * No ZooKeeper yet: the cluster id is the one stored in meta.properties, else a fresh one for this run only (it is
 * not written to meta.properties, so the id ZooKeeper hands out later is not contradicted); registering does nothing.
 */
export class PendingZooKeeperRegistration implements BrokerRegistration {
  async clusterId(stored: string | null): Promise<string> {
    return stored ?? randomBytes(16).toString('base64url');
  }

  async register(): Promise<void> {}

  async close(): Promise<void> {}
}
