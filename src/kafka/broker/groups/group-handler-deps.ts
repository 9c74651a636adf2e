// What the group coordinator's API handlers share: the running coordinator, FindCoordinator's locator, the metadata
// (OffsetCommit and OffsetDelete answer UNKNOWN_TOPIC_OR_PARTITION for partitions it does not know), and small
// conversions between the wire shapes and the coordinator's.
import type { BrokerMetadata } from '../broker-metadata.js';
import type { RequestContext } from '../handler.js';
import type { CoordinatorLocator } from './coordinator-locator.js';
import type { GroupCoordinatorService } from './group-coordinator-service.js';

export interface GroupHandlerDeps {
  groups: GroupCoordinatorService;
  locator: CoordinatorLocator;
  metadata: BrokerMetadata;
}

/** Kafka's clientHost: the client's InetAddress as text (`/127.0.0.1`), without the port. */
export function clientHostOf(ctx: RequestContext): string {
  const colon = ctx.clientAddress.lastIndexOf(':');
  return colon > 0 ? ctx.clientAddress.slice(0, colon) : ctx.clientAddress;
}

export function asBuffer(bytes: Uint8Array): Buffer {
  return Buffer.isBuffer(bytes) ? bytes : Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
}

/** True when the metadata knows this partition of this topic (Kafka's metadataCache.contains(tp)). */
export function partitionExists(metadata: BrokerMetadata, topic: string, partition: number): boolean {
  return metadata.topic(topic)?.partitions.some((p) => p.partition === partition) ?? false;
}
