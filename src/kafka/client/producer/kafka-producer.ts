// The producer: send() places a record in its partition's batch (waiting for metadata and buffer space at most
// max.block.ms) and resolves when the broker acknowledges it; a sender moves batches to partition leaders.
import { ErrorCode } from '../../protocol/errors.js';
import { KafkaArgumentError, KafkaBlockTimeoutError, KafkaClosedError, kafkaError } from '../errors/index.js';
import { KafkaCluster } from '../cluster/kafka-cluster.js';
import type { ClusterMetadata } from '../cluster/cluster-metadata.js';
import { sleep, backoffMs } from '../cluster/retry.js';
import { BufferMemory } from './buffer-memory.js';
import { ProducerIdentity } from './idempotence.js';
import { DefaultPartitioner, type Partitioner, type PartitionerInput } from './partitioner.js';
import type { WrittenHeader } from './batch-writer.js';
import type { RecordMetadata, RejectRecord, ResolveRecord } from './producer-batch.js';
import { resolveProducerOptions, type ProducerOptions, type ResolvedProducerOptions } from './producer-options.js';
import { RecordAccumulator } from './record-accumulator.js';
import { Sender } from './sender.js';
import { ProducerMetrics } from './producer-metrics.js';
import type { MetricReading } from '../metrics/client-metrics.js';

export type { RecordMetadata } from './producer-batch.js';

export type Bytes = Buffer | string;

export interface ProducerRecord {
  topic: string;
  key?: Bytes | null;
  value: Bytes | null;
  /** A fixed partition; otherwise the partitioner picks one. */
  partition?: number;
  /** Milliseconds since the epoch (default: now). */
  timestamp?: number;
  headers?: Record<string, Bytes | null> | readonly { key: string; value: Bytes | null }[];
}

const toBuffer = (b: Bytes | null | undefined): Buffer | null => (b === null || b === undefined ? null : typeof b === 'string' ? Buffer.from(b) : b);

function headersOf(h: ProducerRecord['headers']): WrittenHeader[] | undefined {
  if (h === undefined) return undefined;
  const list = Array.isArray(h) ? (h as readonly { key: string; value: Bytes | null }[]) : Object.entries(h).map(([key, value]) => ({ key, value }));
  return list.map((x) => ({ key: Buffer.from(x.key), value: toBuffer(x.value) }));
}

/** Bytes a record adds to a batch, as batch.size and buffer.memory count them. */
function recordBytes(key: Buffer | null, value: Buffer | null, headers: readonly WrittenHeader[] | undefined): number {
  let bytes = 21 + (key === null ? 0 : key.length) + (value === null ? 0 : value.length);
  if (headers !== undefined) for (const h of headers) bytes += 2 + h.key.length + (h.value?.length ?? 0);
  return bytes;
}

export class KafkaProducer {
  readonly cluster: KafkaCluster;
  private readonly options: ResolvedProducerOptions;
  private readonly partitioner: Partitioner;
  /** No partitioner was given: the default one, which has no choice to make for a topic of one partition. */
  private readonly defaultPartitioner: boolean;
  private readonly memory: BufferMemory;
  private readonly accumulator: RecordAccumulator;
  private readonly identity: ProducerIdentity | undefined;
  private readonly sender: Sender;
  private readonly producerMetrics: ProducerMetrics;
  private connecting: Promise<void> | undefined;
  private connected = false;
  private fastAppends = 0;
  private readonly partitionerInput: PartitionerInput = { topic: '', key: null, partitionCount: 0, availablePartitions: [] };
  /** The partition count last looked up, of `countedTopic` in `countedIn` (metadata is replaced, never changed, on refresh). */
  private countedTopic = '';
  private countedIn: ClusterMetadata | undefined;
  private counted = 0;
  /** Per topic, the last append still waiting (for metadata or buffer space): later appends queue behind it. */
  private readonly appending = new Map<string, { count: number; tail: Promise<void> }>();
  private closed = false;

  constructor(options: ProducerOptions) {
    this.options = resolveProducerOptions(options);
    this.cluster = new KafkaCluster(options, options.allowAutoTopicCreation ?? true);
    this.partitioner = options.partitioner ?? new DefaultPartitioner();
    this.defaultPartitioner = options.partitioner === undefined;
    this.memory = new BufferMemory(this.options.bufferMemoryBytes);
    this.accumulator = new RecordAccumulator({
      batchSizeBytes: this.options.batchSizeBytes,
      lingerMs: this.options.lingerMs,
      // Room for the request's own fields around the batch.
      growLimitBytes: Math.max(this.options.batchSizeBytes, this.options.maxRequestSizeBytes - 1024),
      // An idempotent producer's sequences are only kept in order across retries with one batch in flight per
      // partition; otherwise as many as the connection takes (max.in.flight.requests.per.connection).
      maxInFlight: this.options.idempotent ? 1 : this.cluster.options.maxInFlightRequests,
    });
    this.identity = this.options.idempotent ? new ProducerIdentity() : undefined;
    this.producerMetrics = new ProducerMetrics(this.cluster.options.clientId);
    this.sender = new Sender(this.cluster, this.accumulator, this.memory, this.identity, {
      acks: this.options.acks,
      compression: this.options.compression,
      requestTimeoutMs: this.cluster.options.requestTimeoutMs,
      deliveryTimeoutMs: this.options.deliveryTimeoutMs,
      maxRequestSizeBytes: this.options.maxRequestSizeBytes,
      retries: this.options.retries,
      batchSizeBytes: this.options.batchSizeBytes,
      metrics: this.producerMetrics,
    });
  }

  /** The metrics this producer measures, as Kafka names them (KafkaProducer.metrics), read now. */
  metrics(): MetricReading[] {
    return this.producerMetrics.snapshot();
  }

  /** Bootstraps and, for an idempotent producer, gets a producer id. send() calls it when needed. */
  connect(): Promise<void> {
    this.connecting ??= (async () => {
      await this.cluster.connect();
      await this.identity?.ensure(this.cluster);
      this.connected = true;
    })();
    this.connecting.catch(() => (this.connecting = undefined));
    return this.connecting;
  }

  /** Sends a record and resolves with where it was written once the broker acknowledged it (per acks). */
  async send(record: ProducerRecord): Promise<RecordMetadata> {
    const { delivered } = await this.append(record);
    return delivered;
  }

  /**
   * Places a record in its batch and resolves as soon as it is queued — after waiting for metadata and buffer
   * space, which is the back-pressure a fast writer should respect — with a promise of its delivery.
   *
   * Records for one topic are appended in the order append() was called, whatever each waits for (the Java
   * client's send() gets this from blocking its thread): a send that finds the topic's metadata or the buffer
   * ready does not overtake one still waiting, so concurrent sends keep their order in the partition.
   */
  append(record: ProducerRecord): Promise<{ delivered: Promise<RecordMetadata> }> {
    if (this.closed) return Promise.reject(new KafkaClosedError('the producer'));
    if (typeof record.topic !== 'string' || record.topic === '') return Promise.reject(new KafkaArgumentError('a record needs a topic'));
    const deadline = Date.now() + this.options.maxBlockMs;
    const topic = record.topic;
    let pending = this.appending.get(topic);
    if (pending === undefined) this.appending.set(topic, (pending = { count: 0, tail: Promise.resolve() }));
    const queue = pending;
    queue.count++;
    // Counted down before the caller resumes, so a caller's next tryAppend() finds the way clear.
    const appended = queue.tail.then(() =>
      this.appendInOrder(record, deadline).finally(() => {
        if (--queue.count === 0 && this.appending.get(topic) === queue) this.appending.delete(topic);
      }),
    );
    queue.tail = appended.then(
      () => {},
      () => {},
    );
    return appended;
  }

  /**
   * Appends without waiting when nothing has to be waited for: connected, the topic's partition count known and
   * fresh, no earlier append of the topic pending and buffer space free. False when the caller must use append().
   * The fast path of a writer with many records (no promise per record: the callbacks settle the delivery).
   */
  tryAppend(record: ProducerRecord, resolve: ResolveRecord, reject: RejectRecord): boolean {
    const partitionCount = this.fastPathPartitionCount(record.topic);
    if (partitionCount <= 0) return false;
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers = headersOf(record.headers);
    const bytes = recordBytes(key, value, headers);
    this.check(record, bytes, partitionCount);
    if (!this.memory.tryReserve(bytes)) return false;
    this.place(record, key, value, headers, bytes, record.timestamp ?? Date.now(), partitionCount, resolve, reject);
    return true;
  }

  /**
   * The topic's partition count when an append need not wait: connected, the count known and fresh, no earlier
   * append of the topic pending; else 0. Looked up again only when the topic or the metadata changes.
   */
  private fastPathPartitionCount(topic: string): number {
    if (this.closed || !this.connected || (this.appending.size > 0 && this.appending.has(topic))) return 0;
    // Metadata age is looked at every 256th record: reading the clock per record costs more than the append.
    if ((++this.fastAppends & 255) === 0 && this.cluster.metadataExpired) return 0;
    const metadata = this.cluster.metadata;
    if (topic !== this.countedTopic || metadata !== this.countedIn) {
      this.counted = metadata.partitionCount(topic) ?? 0;
      this.countedTopic = topic;
      this.countedIn = metadata;
    }
    return this.counted;
  }

  /**
   * tryAppend() for a record of only a value (no key, headers or partition; the partitioner picks one): bytes
   * [start, end) of `source`, copied into its batch before this returns, so the caller may reuse `source`. False
   * when the caller must use append(), as for tryAppend().
   */
  tryAppendValue(topic: string, source: Buffer, start: number, end: number, timestamp: number, resolve: ResolveRecord, reject: RejectRecord): boolean {
    const partitionCount = this.fastPathPartitionCount(topic);
    if (partitionCount <= 0) return false;
    const bytes = 21 + end - start;
    // append() reports a record over max.request.size.
    if (bytes > this.options.maxRequestSizeBytes || !this.memory.tryReserve(bytes)) return false;
    const partition = this.partitionFor(topic, null, bytes, partitionCount);
    this.accumulator.appendValue(topic, partition, source, start, end, bytes, timestamp, resolve, reject);
    this.sender.wakeup();
    return true;
  }

  private async appendInOrder(record: ProducerRecord, deadline: number): Promise<{ delivered: Promise<RecordMetadata> }> {
    if (this.closed) throw new KafkaClosedError('the producer');
    await this.withinBlock(this.connect(), deadline, `connecting to the cluster took longer than max.block.ms (${this.options.maxBlockMs} ms)`);
    const partitionCount = await this.partitionCount(record.topic, deadline);
    const key = toBuffer(record.key);
    const value = toBuffer(record.value);
    const headers = headersOf(record.headers);
    const bytes = recordBytes(key, value, headers);
    this.check(record, bytes, partitionCount);
    const timestamp = record.timestamp ?? Date.now();
    await this.memory.reserve(bytes, Math.max(0, deadline - Date.now()));
    if (this.closed) {
      this.memory.release(bytes);
      throw new KafkaClosedError('the producer');
    }
    let resolve!: (md: RecordMetadata) => void;
    let reject!: (err: Error) => void;
    const delivered = new Promise<RecordMetadata>((res, rej) => ((resolve = res), (reject = rej)));
    this.place(record, key, value, headers, bytes, timestamp, partitionCount, resolve, reject);
    return { delivered };
  }

  /** Throws for a record over max.request.size, or with an explicit partition not in the topic's count. */
  private check(record: ProducerRecord, bytes: number, partitionCount: number): void {
    if (bytes > this.options.maxRequestSizeBytes) {
      throw kafkaError(ErrorCode.MESSAGE_TOO_LARGE, `the record is ${bytes} bytes, over max.request.size (${this.options.maxRequestSizeBytes})`);
    }
    const partition = record.partition;
    if (partition !== undefined && (!Number.isInteger(partition) || partition < 0 || partition >= partitionCount)) {
      throw new KafkaArgumentError(`partition ${partition} is not in ${record.topic}'s ${partitionCount} partitions`);
    }
  }

  /** Picks the partition (after the buffer space is taken, so the sticky choice sees the batches as they are) and appends. */
  private place(
    record: ProducerRecord,
    key: Buffer | null,
    value: Buffer | null,
    headers: WrittenHeader[] | undefined,
    bytes: number,
    timestamp: number,
    partitionCount: number,
    resolve: ResolveRecord,
    reject: RejectRecord,
  ): void {
    const partition = record.partition ?? this.partitionFor(record.topic, key, bytes, partitionCount);
    this.accumulator.append(record.topic, partition, key, value, headers, bytes, timestamp, undefined, resolve, reject);
    this.sender.wakeup();
  }

  /** The partitioner's choice for a record with no explicit partition. */
  private partitionFor(topic: string, key: Buffer | null, bytes: number, partitionCount: number): number {
    // A topic of one partition (num.partitions' default): the default partitioner's lookups, per record, find 0.
    if (partitionCount === 1 && this.defaultPartitioner) return 0;
    const available = this.cluster.metadata.availablePartitions(topic);
    // One input object, refilled per record: partitioners read it during the call only.
    const input = this.partitionerInput;
    input.topic = topic;
    input.key = key;
    input.partitionCount = partitionCount;
    input.availablePartitions = available;
    let partition = this.partitioner.partition(input);
    if (key === null && this.partitioner.onNewBatch && this.accumulator.wouldStartNewBatch(topic, partition, bytes)) {
      this.partitioner.onNewBatch(topic, available, partitionCount, partition);
      partition = this.partitioner.partition(input);
    }
    return partition;
  }

  private async withinBlock<T>(p: Promise<T>, deadline: number, message: string): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new KafkaBlockTimeoutError(message)), Math.max(0, deadline - Date.now()));
    });
    try {
      return await Promise.race([p, timeout]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** The topic's partition count from metadata, refreshing (topics may be auto-created) until max.block.ms. */
  private async partitionCount(topic: string, deadline: number): Promise<number> {
    let md = this.cluster.metadata;
    if (md.partitionCount(topic) !== undefined && !this.cluster.metadataExpired) return md.partitionCount(topic)!;
    for (let attempt = 0; ; attempt++) {
      md = await this.withinBlock(this.cluster.refreshMetadata([topic]), deadline, this.notInMetadata(topic));
      const t = md.topic(topic);
      const count = md.partitionCount(topic);
      if (count !== undefined && count > 0) return count;
      if (t !== undefined && t.errorCode !== 0) {
        const err = kafkaError(t.errorCode, null, `topic ${topic}`);
        if (!err.retriable) throw err;
      }
      const wait = backoffMs(attempt, this.cluster.retry);
      if (Date.now() + wait >= deadline) throw new KafkaBlockTimeoutError(this.notInMetadata(topic));
      await sleep(wait);
    }
  }

  /** The Java producer's words for this timeout. */
  private notInMetadata(topic: string): string {
    return `Topic ${topic} not present in metadata after ${this.options.maxBlockMs} ms.`;
  }

  /** Sends every queued record now and resolves when each has its answer. */
  flush(): Promise<void> {
    return this.sender.flush();
  }

  /** Flushes (unless `force`), then closes the connections; records not delivered fail. */
  async close(opts: { force?: boolean } = {}): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const err = new KafkaClosedError('the producer');
    this.memory.failWaiters(err);
    if (opts.force) this.sender.abort(err);
    else await this.sender.flush().catch(() => {});
    this.sender.stop();
    await this.cluster.close();
  }
}
