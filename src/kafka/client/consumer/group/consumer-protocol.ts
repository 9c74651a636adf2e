// The consumer protocol's member metadata (ConsumerProtocolSubscription) and assignment
// (ConsumerProtocolAssignment) as they travel inside JoinGroup and SyncGroup: an int16 version, then the struct
// at that version. Readers accept any version and read the fields they know, as the Java client does.
import { decodeMessage, encodeMessage, KafkaReader } from '../../../protocol/index.js';
import { ConsumerProtocolAssignmentSchema } from '../../../protocol/schemas/consumer-protocol-assignment.js';
import { ConsumerProtocolSubscriptionSchema } from '../../../protocol/schemas/consumer-protocol-subscription.js';
import { readMessage } from '../../../protocol/codec.js';

export const CONSUMER_PROTOCOL_TYPE = 'consumer';

export interface TopicPartitionList {
  topic: string;
  partitions: number[];
}

export interface Subscription {
  topics: string[];
  userData: Buffer | null;
  ownedPartitions: TopicPartitionList[];
  generationId: number;
  rackId: string | null;
}

export interface Assignment {
  partitions: TopicPartitionList[];
  userData: Buffer | null;
}

const MAX_VERSION = 3;

function withVersion(version: number, body: Buffer): Buffer {
  const head = Buffer.alloc(2);
  head.writeInt16BE(version, 0);
  return Buffer.concat([head, body]);
}

/** Reads the struct at min(version, the highest we know): newer versions only add fields at the end. */
function readVersioned<T>(schema: typeof ConsumerProtocolSubscriptionSchema, bytes: Buffer): { version: number; value: T } {
  if (bytes.length < 2) throw new Error(`${schema.name} of ${bytes.length} bytes`);
  const version = bytes.readInt16BE(0);
  if (version < 0) throw new Error(`${schema.name} version ${version}`);
  const known = Math.min(version, MAX_VERSION);
  if (known === version) return { version, value: decodeMessage<T>(schema, known, bytes, 2) };
  return { version, value: readMessage<T>(schema, known, new KafkaReader(bytes, 2, bytes.length)) };
}

export function encodeSubscription(s: Partial<Subscription> & { topics: string[] }, version = 1): Buffer {
  return withVersion(
    version,
    encodeMessage(ConsumerProtocolSubscriptionSchema, version, {
      topics: s.topics,
      userData: s.userData ?? null,
      ownedPartitions: s.ownedPartitions ?? [],
      generationId: s.generationId ?? -1,
      rackId: s.rackId ?? null,
    }),
  );
}

export function decodeSubscription(bytes: Buffer): Subscription {
  const { value } = readVersioned<{ topics: string[]; userData: Buffer | null; ownedPartitions?: TopicPartitionList[]; generationId?: number; rackId?: string | null }>(
    ConsumerProtocolSubscriptionSchema,
    bytes,
  );
  return { topics: value.topics, userData: value.userData, ownedPartitions: value.ownedPartitions ?? [], generationId: value.generationId ?? -1, rackId: value.rackId ?? null };
}

export function encodeAssignment(a: Assignment, version = 1): Buffer {
  return withVersion(version, encodeMessage(ConsumerProtocolAssignmentSchema, version, { assignedPartitions: a.partitions, userData: a.userData }));
}

/** An empty buffer is an empty assignment (what a leader sends a member it gave nothing, in some clients). */
export function decodeAssignment(bytes: Buffer): Assignment {
  if (bytes.length === 0) return { partitions: [], userData: null };
  const { value } = readVersioned<{ assignedPartitions: TopicPartitionList[]; userData: Buffer | null }>(ConsumerProtocolAssignmentSchema, bytes);
  return { partitions: value.assignedPartitions, userData: value.userData };
}
