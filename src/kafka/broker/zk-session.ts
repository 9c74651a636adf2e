// The broker's ZooKeeper session (Kafka's ZooKeeperClient): connects to zookeeper.connect (creating its chroot first),
// waits at most zookeeper.connection.timeout.ms, and after a session expiry opens a new session under the same
// KafkaZkClient, telling listeners first that the old one expired and then that the new one is up.
import { setTimeout as sleep } from 'node:timers/promises';
import { ZooKeeperClient, ZooKeeperError } from '../../zookeeper/client/index.js';
import { KafkaZkClient, ensureChroot } from '../zk/kafka-zk-client.js';
import type { BrokerLog } from './broker-log.js';

const LOGGER = 'kafka.zookeeper.ZooKeeperClient';
const PREFIX = '[ZooKeeperClient Kafka server]';
/** Pause between attempts to open a new session after an expiry while ZooKeeper is unreachable. */
const RECONNECT_BACKOFF_MS = 1000;

export interface ZkSessionOptions {
  connectString: string;
  sessionTimeoutMs: number;
  connectionTimeoutMs: number;
  maxInFlightRequests: number;
  log: BrokerLog;
}

export interface ZkSessionListener {
  /** The session expired: its ephemeral nodes and watches are gone. */
  expired?(): void | Promise<void>;
  /** A new session replaced the expired one. */
  reestablished?(): void | Promise<void>;
}

/** Kafka's ZooKeeperClientTimeoutException text, as a broker that cannot reach ZooKeeper reports it. */
export class ZooKeeperClientTimeoutError extends Error {
  override readonly name = 'ZooKeeperClientTimeoutError';
}

export class BrokerZkSession {
  private readonly listeners = new Set<ZkSessionListener>();
  private closed = false;
  private renewing: Promise<void> | null = null;

  private constructor(
    readonly kafkaZk: KafkaZkClient,
    private readonly opts: ZkSessionOptions,
  ) {
    this.watchExpiry(kafkaZk.zk);
  }

  static async connect(opts: ZkSessionOptions): Promise<BrokerZkSession> {
    opts.log('INFO', `${PREFIX} Initializing a new session to ${opts.connectString}.`, LOGGER);
    const clientOptions = { sessionTimeoutMs: opts.sessionTimeoutMs, maxOutstandingRequests: opts.maxInFlightRequests };
    try {
      await ensureChroot(opts.connectString, { ...clientOptions, waitForConnectedMs: opts.connectionTimeoutMs });
    } catch (err) {
      throw timeoutOrSelf(err);
    }
    const zk = await BrokerZkSession.open(opts);
    opts.log('INFO', `${PREFIX} Connected.`, LOGGER);
    return new BrokerZkSession(new KafkaZkClient(zk), opts);
  }

  private static async open(opts: ZkSessionOptions): Promise<ZooKeeperClient> {
    const zk = new ZooKeeperClient(opts.connectString, { sessionTimeoutMs: opts.sessionTimeoutMs, maxOutstandingRequests: opts.maxInFlightRequests });
    try {
      await zk.waitForConnected(opts.connectionTimeoutMs);
    } catch (err) {
      await zk.close();
      throw timeoutOrSelf(err);
    }
    return zk;
  }

  get sessionId(): bigint {
    return this.kafkaZk.zk.sessionId;
  }

  /** Returns an unsubscribe. */
  subscribe(listener: ZkSessionListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.renewing?.catch(() => {});
    await this.kafkaZk.zk.close();
  }

  private watchExpiry(zk: ZooKeeperClient): void {
    zk.on('Expired', () => {
      if (this.closed || this.kafkaZk.zk !== zk) return;
      this.renewing ??= this.renew().finally(() => (this.renewing = null));
    });
  }

  private async renew(): Promise<void> {
    this.opts.log('INFO', `${PREFIX} Session expired.`, LOGGER);
    for (const l of [...this.listeners]) await this.notify(() => l.expired?.());
    while (!this.closed) {
      this.opts.log('INFO', `${PREFIX} Initializing a new session to ${this.opts.connectString}.`, LOGGER);
      try {
        const zk = await BrokerZkSession.open(this.opts);
        if (this.closed) {
          await zk.close();
          return;
        }
        this.kafkaZk.useSession(zk);
        this.watchExpiry(zk);
        break;
      } catch (err) {
        this.opts.log('ERROR', `${PREFIX} Failed to initialize a new session: ${(err as Error).message}`, LOGGER);
        await sleep(RECONNECT_BACKOFF_MS);
      }
    }
    if (this.closed) return;
    for (const l of [...this.listeners]) await this.notify(() => l.reestablished?.());
  }

  private async notify(call: () => void | Promise<void>): Promise<void> {
    try {
      await call();
    } catch (err) {
      this.opts.log('ERROR', `${PREFIX} Session listener failed: ${(err as Error)?.stack ?? String(err)}`, LOGGER);
    }
  }
}

function timeoutOrSelf(err: unknown): unknown {
  if (err instanceof ZooKeeperError && err.codeName === 'OPERATIONTIMEOUT') {
    return new ZooKeeperClientTimeoutError('Timed out waiting for connection while in state: CONNECTING', { cause: err });
  }
  return err;
}
