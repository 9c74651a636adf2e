// The leader's side of AlterIsr (Kafka 2.8's DefaultAlterIsrManager): ISR changes proposed by partitions this broker
// leads are batched into one AlterIsr v0 request at a time to the controller named in the metadata cache, on its
// inter-broker endpoint, with this broker's current epoch. Each partition's answer resolves its proposal; a request
// that fails as a whole (no controller, NOT_CONTROLLER, STALE_BROKER_EPOCH, a lost connection) is sent again after
// a backoff, to whichever broker is controller by then.
import { setTimeout as sleep } from 'node:timers/promises';
import { ApiKey, ErrorCode } from '../protocol/index.js';
import type { BrokerLog } from './broker-log.js';
import { BrokerNetworkClient } from './network-client.js';
import type { AlterIsrResult } from './replica/partition.js';
import type { IsrChange, IsrChangeSender } from './replica/replica-manager.js';
import { CONTROL_REQUEST_VERSIONS } from './zk-controller/control-requests.js';
import type { ZkMetadataCache } from './zk-metadata-cache.js';

const LOGGER = 'kafka.server.AlterIsrManager';

export interface AlterIsrManagerOptions {
  brokerId: number;
  brokerEpoch: () => bigint;
  metadata: ZkMetadataCache;
  interBrokerListenerName: string;
  requestTimeoutMs: number;
  /** Wait before sending a failed batch again. */
  retryBackoffMs: number;
  log: BrokerLog;
}

interface Item {
  change: IsrChange;
  resolve(result: AlterIsrResult): void;
}

const notAttempted = (): AlterIsrResult => ({ errorCode: ErrorCode.OPERATION_NOT_ATTEMPTED, leaderEpoch: -1, isr: [], zkVersion: -1 });

export class AlterIsrManager implements IsrChangeSender {
  private readonly unsent = new Map<string, Item>();
  private sending = false;
  private closed = false;
  private client: BrokerNetworkClient | null = null;
  private clientFor = -1;

  constructor(private readonly opts: AlterIsrManagerOptions) {}

  submit(change: IsrChange): Promise<AlterIsrResult> {
    if (this.closed) return Promise.resolve(notAttempted());
    return new Promise((resolve) => {
      const key = `${change.topic}\u0000${change.partition}`;
      // A newer proposal for the partition replaces one not yet sent.
      this.unsent.get(key)?.resolve(notAttempted());
      this.unsent.set(key, { change, resolve });
      if (!this.sending) void this.sendAll();
    });
  }

  close(): void {
    this.closed = true;
    this.client?.close();
    for (const item of this.unsent.values()) item.resolve(notAttempted());
    this.unsent.clear();
  }

  private say(level: 'INFO' | 'WARN' | 'ERROR', message: string): void {
    this.opts.log(level, `[AlterIsrManager broker=${this.opts.brokerId}] ${message}`, LOGGER);
  }

  private async sendAll(): Promise<void> {
    this.sending = true;
    try {
      while (this.unsent.size > 0 && !this.closed) {
        const batch = [...this.unsent.values()];
        this.unsent.clear();
        const failed = await this.sendBatch(batch).catch((err: unknown) => {
          this.say('WARN', `AlterIsr failed, retrying: ${(err as Error)?.message ?? String(err)}`);
          this.client?.close();
          this.client = null;
          return batch;
        });
        if (failed.length === 0) continue;
        for (const item of failed) {
          const key = `${item.change.topic}\u0000${item.change.partition}`;
          if (!this.unsent.has(key)) this.unsent.set(key, item);
          else item.resolve(notAttempted());
        }
        await sleep(this.opts.retryBackoffMs, undefined, { ref: false });
      }
    } finally {
      this.sending = false;
    }
  }

  /** One request for the batch; returns the items to send again. */
  private async sendBatch(batch: readonly Item[]): Promise<readonly Item[]> {
    const client = this.controllerClient();
    if (!client) return batch;
    const byTopic = new Map<string, Item[]>();
    for (const item of batch) {
      const list = byTopic.get(item.change.topic) ?? [];
      list.push(item);
      byTopic.set(item.change.topic, list);
    }
    const response = await client.send(ApiKey.AlterPartition, CONTROL_REQUEST_VERSIONS[ApiKey.AlterPartition], {
      brokerId: this.opts.brokerId,
      brokerEpoch: this.opts.brokerEpoch(),
      topics: [...byTopic].map(([topicName, items]) => ({
        topicName,
        partitions: items.map((i) => ({ partitionIndex: i.change.partition, leaderEpoch: i.change.leaderEpoch, newIsr: [...i.change.newIsr], partitionEpoch: i.change.zkVersion })),
      })),
    });
    if (response.errorCode !== ErrorCode.NONE) {
      this.say('WARN', `The controller answered AlterIsr with error ${response.errorCode}; retrying`);
      return batch;
    }
    const answers = new Map<string, AlterIsrResult>();
    for (const t of response.topics) {
      for (const p of t.partitions) {
        answers.set(`${t.topicName ?? ''}\u0000${p.partitionIndex}`, { errorCode: p.errorCode, leaderEpoch: p.leaderEpoch, isr: p.isr, zkVersion: p.partitionEpoch });
      }
    }
    for (const item of batch) item.resolve(answers.get(`${item.change.topic}\u0000${item.change.partition}`) ?? notAttempted());
    return [];
  }

  private controllerClient(): BrokerNetworkClient | null {
    const controllerId = this.opts.metadata.controllerId();
    const endpoint = controllerId < 0 ? undefined : this.opts.metadata.aliveEndpoint(controllerId, this.opts.interBrokerListenerName);
    if (!endpoint) return null;
    if (this.client && this.clientFor === controllerId && this.client.host === (endpoint.host || 'localhost') && this.client.port === endpoint.port) return this.client;
    this.client?.close();
    this.client = new BrokerNetworkClient(endpoint.host || 'localhost', endpoint.port, `${this.opts.brokerId}-alter-isr`, this.opts.requestTimeoutMs);
    this.clientFor = controllerId;
    return this.client;
  }
}
