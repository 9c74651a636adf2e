// The producer's settings, with the Java producer's names (camelCased) and defaults.
import { COMPRESSION_NAMES } from '../../protocol/records/compression/index.js';
import { KafkaArgumentError } from '../errors/client-errors.js';
import type { ClientOptions } from '../cluster/client-options.js';
import type { Partitioner } from './partitioner.js';

export type CompressionName = (typeof COMPRESSION_NAMES)[number];

export interface ProducerOptions extends ClientOptions {
  /** acks: 0, 1, or 'all' / -1 (default 'all'). */
  acks?: 0 | 1 | -1 | 'all';
  /** compression.type (default none). */
  compression?: CompressionName;
  /** linger.ms (default 5, as Kafka 4.0; 3.x used 0). */
  lingerMs?: number;
  /** batch.size in bytes (default 16384). */
  batchSizeBytes?: number;
  /** buffer.memory in bytes (default 32 MiB). */
  bufferMemoryBytes?: number;
  /** max.block.ms: how long send() may wait for metadata or buffer space (default 60000). */
  maxBlockMs?: number;
  /** delivery.timeout.ms (default 120000). */
  deliveryTimeoutMs?: number;
  /** max.request.size (default 1048576). */
  maxRequestSizeBytes?: number;
  /** enable.idempotence (default false here; it needs acks=all and a broker with InitProducerId). */
  idempotent?: boolean;
  /** Whether Metadata requests may create missing topics (allow.auto.create.topics, default true). */
  allowAutoTopicCreation?: boolean;
  partitioner?: Partitioner;
}

export interface ResolvedProducerOptions {
  acks: number;
  compression: number;
  lingerMs: number;
  batchSizeBytes: number;
  bufferMemoryBytes: number;
  maxBlockMs: number;
  deliveryTimeoutMs: number;
  maxRequestSizeBytes: number;
  idempotent: boolean;
  /** retries: attempts after the first for a failed batch, besides delivery.timeout.ms (default unlimited, as Java's MAX_INT). */
  retries: number;
}

function nonNegative(name: string, v: number | undefined, fallback: number, min = 0): number {
  if (v === undefined) return fallback;
  if (!Number.isInteger(v) || v < min) throw new KafkaArgumentError(`${name} must be an integer >= ${min}, got ${v}`);
  return v;
}

export function resolveProducerOptions(o: ProducerOptions): ResolvedProducerOptions {
  const acks = o.acks === undefined || o.acks === 'all' ? -1 : o.acks;
  if (acks !== 0 && acks !== 1 && acks !== -1) throw new KafkaArgumentError(`acks must be 0, 1, -1 or 'all', got ${String(o.acks)}`);
  const compression = COMPRESSION_NAMES.indexOf(o.compression ?? 'none');
  if (compression < 0) throw new KafkaArgumentError(`compression must be one of ${COMPRESSION_NAMES.join(', ')}, got ${String(o.compression)}`);
  const idempotent = o.idempotent ?? false;
  if (idempotent && acks !== -1) throw new KafkaArgumentError('an idempotent producer needs acks=all');
  if (idempotent && o.maxInFlightRequests !== undefined && o.maxInFlightRequests > 5) {
    throw new KafkaArgumentError('an idempotent producer needs maxInFlightRequests <= 5');
  }
  return {
    acks,
    compression,
    lingerMs: nonNegative('lingerMs', o.lingerMs, 5),
    batchSizeBytes: nonNegative('batchSizeBytes', o.batchSizeBytes, 16_384, 1),
    bufferMemoryBytes: nonNegative('bufferMemoryBytes', o.bufferMemoryBytes, 32 * 1024 * 1024, 1),
    maxBlockMs: nonNegative('maxBlockMs', o.maxBlockMs, 60_000),
    deliveryTimeoutMs: nonNegative('deliveryTimeoutMs', o.deliveryTimeoutMs, 120_000, 1),
    maxRequestSizeBytes: nonNegative('maxRequestSizeBytes', o.maxRequestSizeBytes, 1_048_576, 1),
    idempotent,
    retries: o.retries === undefined ? Number.MAX_SAFE_INTEGER : nonNegative('retries', o.retries, 0),
  };
}
