// Kafka's ControllerChannelManager: one connection and one ordered queue per live broker, on the broker's
// inter-broker listener endpoint. A request is sent again (after a short backoff) until it is answered or the broker
// leaves the live set, when its queue is dropped; answers go back to the controller as events.
import { setTimeout as sleep } from 'node:timers/promises';
import type { BrokerRequest } from '../../controller/effects.js';
import type { BrokerLog } from '../broker-log.js';
import { BrokerNetworkClient } from '../network-client.js';
import { toWire } from './control-requests.js';

const LOGGER = 'kafka.controller.RequestSendThread';
/** Kafka's RequestSendThread backoff between attempts. */
const RETRY_BACKOFF_MS = 100;
/** Requests queued for one broker at most; past it the oldest are dropped (a broker this far behind is re-synced when it re-registers). */
const MAX_QUEUED_REQUESTS = 10_000;

export interface ChannelManagerOptions {
  controllerId: number;
  requestTimeoutMs: number;
  log: BrokerLog;
  /** A response, in the order the requests were sent to that broker. */
  onResponse(brokerId: number, request: BrokerRequest, response: unknown): void;
}

class BrokerChannel {
  private readonly queue: BrokerRequest[] = [];
  private running = false;
  private stopped = false;
  private failures = 0;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(
    readonly brokerId: number,
    private readonly client: BrokerNetworkClient,
    private readonly opts: ChannelManagerOptions,
  ) {}

  enqueue(request: BrokerRequest): void {
    if (this.stopped) return;
    if (this.queue.length >= MAX_QUEUED_REQUESTS) {
      this.queue.shift();
      this.opts.log('WARN', `${this.prefix} Dropped the oldest queued request to broker ${this.brokerId}: ${MAX_QUEUED_REQUESTS} are waiting`, LOGGER);
    }
    this.queue.push(request);
    if (!this.running) void this.run();
  }

  stop(): void {
    this.stopped = true;
    this.queue.length = 0;
    this.client.close();
  }

  private get prefix(): string {
    return `[RequestSendThread controllerId=${this.opts.controllerId}]`;
  }

  /** Resolves once everything queued has been answered (or the channel stopped). */
  idle(): Promise<void> {
    if (!this.running) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private async run(): Promise<void> {
    this.running = true;
    while (!this.stopped && this.queue.length > 0) {
      const request = this.queue[0]!;
      const wire = toWire(request);
      try {
        const response = await this.client.send(wire.apiKey, wire.apiVersion, wire.body as never);
        if (this.stopped) break;
        this.queue.shift();
        this.failures = 0;
        this.opts.onResponse(this.brokerId, request, response);
      } catch (err) {
        if (this.stopped) break;
        // Log the first failure of a run of them, not every 100 ms retry.
        if (this.failures++ === 0) {
          this.opts.log('WARN', `${this.prefix} Controller ${this.opts.controllerId}'s connection to broker ${this.client.address} (id: ${this.brokerId}) was unsuccessful: ${(err as Error).message}`, LOGGER);
        }
        await sleep(RETRY_BACKOFF_MS);
      }
    }
    this.running = false;
    for (const resolve of this.idleWaiters.splice(0)) resolve();
  }
}

export class ControllerChannelManager {
  private readonly channels = new Map<number, BrokerChannel>();

  constructor(private readonly opts: ChannelManagerOptions) {}

  add(brokerId: number, endpoint: { host: string; port: number }): void {
    if (this.channels.has(brokerId)) return;
    const client = new BrokerNetworkClient(endpoint.host, endpoint.port, `controller-${this.opts.controllerId}`, this.opts.requestTimeoutMs);
    this.channels.set(brokerId, new BrokerChannel(brokerId, client, this.opts));
  }

  remove(brokerId: number): void {
    this.channels.get(brokerId)?.stop();
    this.channels.delete(brokerId);
  }

  /** Requests to a broker without a channel are dropped, as Kafka's sendRequest does for a broker it no longer knows. */
  send(brokerId: number, request: BrokerRequest): void {
    this.channels.get(brokerId)?.enqueue(request);
  }

  has(brokerId: number): boolean {
    return this.channels.has(brokerId);
  }

  /** Waits (at most `timeoutMs`) until every channel has sent what it has queued. */
  async drain(timeoutMs: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => (timer = setTimeout(resolve, timeoutMs)));
    await Promise.race([Promise.all([...this.channels.values()].map((c) => c.idle())), timeout]);
    clearTimeout(timer);
  }

  closeAll(): void {
    for (const id of [...this.channels.keys()]) this.remove(id);
  }
}
