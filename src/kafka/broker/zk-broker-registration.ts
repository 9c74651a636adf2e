// How a ZooKeeper-mode broker joins its cluster, as Kafka 2.8's KafkaServer does: one ZooKeeper session (chroot
// created first), the persistent top-level paths, /cluster/id read or created, a broker id from /brokers/seqid when
// broker.id=-1, and the ephemeral /brokers/ids/<id> (JSON v5) whose czxid is the broker epoch. After a session
// expiry the registration is made again on the new session (RegisterBrokerAndReelect), with a new broker epoch.
import { randomBytes } from 'node:crypto';
import type { KafkaConfig } from '../../config/kafka-config.js';
import { randomUuidBase64 } from '../zk/uuid.js';
import { ZkPaths, endpointConnectionString, type BrokerEndpoint as ZkEndpoint } from '../zk/zk-data.js';
import type { KafkaZkClient } from '../zk/kafka-zk-client.js';
import type { BrokerLog } from './broker-log.js';
import type { BrokerEndpoint, BrokerRegistration } from './broker-registration.js';
import { BrokerZkSession, type ZkSessionListener } from './zk-session.js';

const ZK_CLIENT_LOGGER = 'kafka.zk.KafkaZkClient';
/** BrokerIdZNode version written at inter.broker.protocol.version >= 2.7. */
const REGISTRATION_VERSION = 5;
const NO_JMX_PORT = -1;

export interface RegistrationListener {
  /** The broker is registered again after a session expiry (Kafka then re-runs the controller election). */
  reregistered?(brokerEpoch: bigint): void | Promise<void>;
  /** The session expired (Kafka's controller resigns). */
  expired?(): void | Promise<void>;
}

interface Registered {
  brokerId: number;
  endpoints: ZkEndpoint[];
  rack: string | null;
}

export class ZooKeeperBrokerRegistration implements BrokerRegistration {
  private connecting: Promise<BrokerZkSession> | null = null;
  private session: BrokerZkSession | null = null;
  private registered: Registered | null = null;
  private epoch = -1n;
  private readonly listeners = new Set<RegistrationListener>();

  constructor(
    private readonly config: Pick<
      KafkaConfig,
      'zookeeperConnect' | 'zookeeperSessionTimeoutMs' | 'zookeeperConnectionTimeoutMs' | 'zookeeperMaxInFlightRequests' | 'reservedBrokerMaxId'
    >,
    private readonly log: BrokerLog,
    private readonly now: () => number = Date.now,
  ) {}

  /** The ZooKeeper session, opened on first use (with the top-level paths created). */
  async connect(): Promise<KafkaZkClient> {
    this.connecting ??= (async () => {
      const session = await BrokerZkSession.connect({
        connectString: this.config.zookeeperConnect,
        sessionTimeoutMs: this.config.zookeeperSessionTimeoutMs,
        connectionTimeoutMs: this.config.zookeeperConnectionTimeoutMs,
        maxInFlightRequests: this.config.zookeeperMaxInFlightRequests,
        log: this.log,
      });
      session.subscribe(this.onSession);
      await session.kafkaZk.createTopLevelPaths();
      this.session = session;
      return session;
    })();
    return (await this.connecting).kafkaZk;
  }

  /** The connected client; only after connect() (KafkaServer.start calls clusterId() first). */
  get kafkaZk(): KafkaZkClient {
    if (!this.session) throw new Error('the broker has no ZooKeeper session yet');
    return this.session.kafkaZk;
  }

  /** czxid of this broker's registration; -1 before it registers. */
  get brokerEpoch(): bigint {
    return this.epoch;
  }

  subscribe(listener: RegistrationListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** KafkaServer.getOrGenerateClusterId: /cluster/id, created with a fresh id by the first broker. */
  async clusterId(): Promise<string> {
    const zk = await this.connect();
    return (await zk.getClusterId()) ?? (await zk.createOrGetClusterId(randomUuidBase64(randomBytes(16))));
  }

  /** KafkaServer.generateBrokerId: the new version of /brokers/seqid above reserved.broker.max.id. */
  async generateBrokerId(): Promise<number> {
    const zk = await this.connect();
    return (await zk.generateBrokerSequenceId()) + this.config.reservedBrokerMaxId;
  }

  async register(brokerId: number, endpoints: readonly BrokerEndpoint[], rack: string | null): Promise<void> {
    this.registered = {
      brokerId,
      endpoints: endpoints.map((e) => ({ listenerName: e.name, host: e.host, port: e.port, securityProtocol: e.securityProtocol })),
      rack,
    };
    await this.connect();
    await this.registerNow();
  }

  async close(): Promise<void> {
    const connecting = this.connecting;
    this.connecting = null;
    if (!connecting) return;
    const session = await connecting.catch(() => null);
    await session?.close();
    this.session = null;
  }

  private async registerNow(): Promise<void> {
    const r = this.registered!;
    this.epoch = await this.kafkaZk.registerBroker({
      id: r.brokerId,
      version: REGISTRATION_VERSION,
      endpoints: r.endpoints,
      rack: r.rack,
      jmxPort: NO_JMX_PORT,
      timestamp: String(this.now()),
      features: {},
    });
    this.log(
      'INFO',
      `Registered broker ${r.brokerId} at path ${ZkPaths.brokerId(r.brokerId)} with addresses: ${r.endpoints.map(endpointConnectionString).join(',')}, czxid (broker epoch): ${this.epoch}`,
      ZK_CLIENT_LOGGER,
    );
  }

  private readonly onSession: ZkSessionListener = {
    expired: async () => {
      for (const l of [...this.listeners]) await l.expired?.();
    },
    reestablished: async () => {
      if (!this.registered) return;
      await this.session!.kafkaZk.createTopLevelPaths();
      await this.registerNow();
      for (const l of [...this.listeners]) await l.reregistered?.(this.epoch);
    },
  };
}
