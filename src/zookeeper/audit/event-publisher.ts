// The delivery loop: takes queued events in batches, turns them into records and hands them to a record sink (a
// Kafka producer, wired in by the command that starts the server). While the sink fails it retries the batch in
// hand with growing backoff, recreating the sink each time; the queue meanwhile fills and drops. Nothing here is
// ever awaited by the request path: it only calls BoundedQueue.offer.
import { BoundedQueue } from './bounded-queue.js';

export interface OutRecord {
  topic: string;
  key: string | null;
  value: string;
  /** Milliseconds since the epoch. */
  timestamp: number;
}

/** Where records go. send resolves once every record is acknowledged and rejects when any is not. */
export interface RecordSink {
  send(records: readonly OutRecord[]): Promise<void>;
  /** Drops connections and pending records at once. */
  close(): Promise<void>;
}

export interface PublisherOptions<T> {
  queueMax: number;
  /** Turns a queued item into its record, when it is sent (off the request path). */
  render: (item: T) => OutRecord;
  /** Makes a sink (again after a failure). */
  connect: () => RecordSink;
  log: (line: string) => void;
  /** Records per send (default 500). */
  batchMax?: number;
  /** Time to gather a batch after the first item arrives (default 5 ms). */
  lingerMs?: number;
  backoffMinMs?: number;
  backoffMaxMs?: number;
  /** Made at the first delivery after items were dropped: the report goes out ahead of the batch. */
  droppedReport?: (dropped: number, totalDropped: number) => T;
}

const timer = (ms: number, wake: () => void): NodeJS.Timeout => {
  const t = setTimeout(wake, ms);
  t.unref();
  return t;
};

export class EventPublisher<T> {
  readonly queue: BoundedQueue<T>;
  /** Records acknowledged. */
  sent = 0;
  /** Sends that failed (each followed by a backoff). */
  sendFailures = 0;
  /** Whether the last send succeeded. */
  delivering = false;
  private sink: RecordSink | null = null;
  private inHand: T[] = [];
  private reportedDropped = 0;
  private stopping = false;
  private wake: (() => void) | null = null;
  private sleepTimer: NodeJS.Timeout | null = null;
  private readonly loop: Promise<void>;
  private readonly batchMax: number;
  private readonly lingerMs: number;
  private readonly backoffMinMs: number;
  private readonly backoffMaxMs: number;

  constructor(private readonly opts: PublisherOptions<T>) {
    this.queue = new BoundedQueue(opts.queueMax);
    this.batchMax = opts.batchMax ?? 500;
    this.lingerMs = opts.lingerMs ?? 5;
    this.backoffMinMs = opts.backoffMinMs ?? 100;
    this.backoffMaxMs = opts.backoffMaxMs ?? 10_000;
    this.loop = this.run();
  }

  /** The request path's only call: never waits; false when the queue was full and the item was dropped. */
  offer(item: T): boolean {
    return this.queue.offer(item);
  }

  /** Items dropped in all (queue full). */
  get dropped(): number {
    return this.queue.dropped;
  }

  /** Waits until the queue has an item, `ms` passed, or stop() is called. */
  private pause(ms: number | null, untilItem: boolean): Promise<void> {
    if (this.stopping) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const done = () => {
        if (this.wake !== done) return;
        this.wake = null;
        if (this.sleepTimer) clearTimeout(this.sleepTimer);
        this.sleepTimer = null;
        this.queue.cancelNotify();
        resolve();
      };
      this.wake = done;
      if (ms !== null) this.sleepTimer = timer(ms, done);
      if (untilItem) this.queue.notifyOnItem(done);
    });
  }

  private async run(): Promise<void> {
    let failures = 0;
    for (;;) {
      if (this.inHand.length === 0) {
        if (this.queue.size === 0) {
          if (this.stopping) return;
          await this.pause(null, true);
          if (this.queue.size === 0) continue;
          if (this.lingerMs > 0 && this.queue.size < this.batchMax && !this.stopping) await this.pause(this.lingerMs, false);
        }
        this.inHand = this.queue.take(this.batchMax);
      }
      try {
        this.sink ??= this.opts.connect();
        const lost = this.queue.dropped - this.reportedDropped;
        const report = lost > 0 && this.opts.droppedReport ? this.opts.droppedReport(lost, this.queue.dropped) : null;
        const batch = report ? [report, ...this.inHand] : this.inHand;
        await this.sink.send(batch.map(this.opts.render));
        this.sent += batch.length;
        this.inHand = [];
        if (failures > 0) this.opts.log('Kafka delivery of ZooKeeper events resumed');
        if (lost > 0) {
          this.reportedDropped += lost;
          this.opts.log(`Kafka delivery of ZooKeeper events: ${lost} events were dropped (queue full) since the last report, ${this.queue.dropped} in all`);
        }
        failures = 0;
        this.delivering = true;
      } catch (err) {
        this.sendFailures++;
        this.delivering = false;
        if (failures === 0) this.opts.log(`Kafka delivery of ZooKeeper events failed, retrying with backoff: ${err instanceof Error ? err.message : String(err)}`);
        failures++;
        const sink = this.sink;
        this.sink = null;
        await sink?.close().catch(() => {});
        if (this.stopping) return;
        const backoff = Math.min(this.backoffMaxMs, this.backoffMinMs * 2 ** Math.min(failures - 1, 20));
        await this.pause(Math.round(backoff * (0.8 + Math.random() * 0.4)), false);
      }
    }
  }

  /**
   * Stops taking new work: what is queued gets up to `graceMs` to be delivered, then the sink is closed whatever
   * it is doing. Never keeps the process alive longer than that.
   */
  async stop(graceMs: number): Promise<void> {
    this.stopping = true;
    this.wake?.();
    let graceTimer: NodeJS.Timeout | null = null;
    const grace = new Promise<void>((resolve) => (graceTimer = timer(graceMs, resolve)));
    await Promise.race([this.loop, grace]);
    if (graceTimer) clearTimeout(graceTimer);
    const sink = this.sink;
    this.sink = null;
    await sink?.close().catch(() => {});
  }
}
