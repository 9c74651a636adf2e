// An idempotent producer's identity (producer id and epoch from InitProducerId) and the next sequence number per
// partition. A batch gets its base sequence when first sent and keeps it on retries, so the broker can drop a
// duplicate and refuse a gap.
import { ApiKey } from '../../protocol/schemas/index.js';
import type { InitProducerIdRequest } from '../../protocol/schemas/init-producer-id.js';
import { throwIfError } from '../errors/client-errors.js';
import type { KafkaCluster } from '../cluster/kafka-cluster.js';
import { withRetries } from '../cluster/retry.js';

const MAX_SEQUENCE = 0x7fffffff;

export function initProducerIdRequest(transactionalId: string | null, transactionTimeoutMs: number): InitProducerIdRequest {
  return { transactionalId, transactionTimeoutMs, producerId: -1n, producerEpoch: -1 };
}

export class ProducerIdentity {
  producerId = -1n;
  producerEpoch = -1;
  private readonly nextSequence = new Map<string, number>();
  private initializing: Promise<void> | undefined;

  get initialized(): boolean {
    return this.producerId >= 0n;
  }

  /** Asks any broker for a producer id (non-transactional: no transactional id). */
  async init(cluster: KafkaCluster, transactionTimeoutMs = 60_000): Promise<void> {
    const response = await withRetries(async () => {
      const r = await cluster.request({ kind: 'any' }, ApiKey.InitProducerId, initProducerIdRequest(null, transactionTimeoutMs));
      throwIfError(r.errorCode, null, 'InitProducerId');
      return r;
    }, cluster.retry);
    this.producerId = response.producerId;
    this.producerEpoch = response.producerEpoch;
    this.nextSequence.clear();
  }

  /** Gets a producer id if there is none (at start, or after the broker lost track of ours). */
  ensure(cluster: KafkaCluster): Promise<void> {
    if (this.initialized) return Promise.resolve();
    this.initializing ??= this.init(cluster).finally(() => (this.initializing = undefined));
    return this.initializing;
  }

  /**
   * The broker no longer accepts our sequences (UNKNOWN_PRODUCER_ID, OUT_OF_ORDER_SEQUENCE_NUMBER): start over
   * with a new producer id, whose sequences start at 0. Only once per producer id, however many batches report it.
   */
  resetIfCurrent(producerId: bigint): void {
    if (producerId !== this.producerId) return;
    this.producerId = -1n;
    this.producerEpoch = -1;
    this.nextSequence.clear();
  }

  /** Gives back the sequences from `base` on (the batch that took them was refused whole and is sent again split). */
  rewindSequence(topic: string, partition: number, base: number): void {
    this.nextSequence.set(`${partition}:${topic}`, base);
  }

  /** Takes `count` sequence numbers on a partition and returns the first. */
  takeSequence(topic: string, partition: number, count: number): number {
    const key = `${partition}:${topic}`;
    const base = this.nextSequence.get(key) ?? 0;
    this.nextSequence.set(key, (base + count) % (MAX_SEQUENCE + 1));
    return base;
  }
}
