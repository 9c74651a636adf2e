// The Produce request body for a set of encoded batches, and the encoding of one producer batch from records (a v2
// record batch: offsets from 0, no partition leader epoch, the producer id/epoch/sequence of an idempotent producer).
import type { RecordInput } from '../../protocol/records/index.js';
import { BatchWriter, type BatchIdentity } from './batch-writer.js';
import type { ProduceRequest } from '../../protocol/schemas/produce.js';

export interface EncodedBatch {
  topic: string;
  partition: number;
  records: Buffer;
}

export function produceRequest(acks: number, timeoutMs: number, batches: readonly EncodedBatch[], transactionalId: string | null = null): ProduceRequest {
  const topics = new Map<string, { index: number; records: Buffer }[]>();
  for (const b of batches) {
    let list = topics.get(b.topic);
    if (list === undefined) topics.set(b.topic, (list = []));
    list.push({ index: b.partition, records: b.records });
  }
  return { transactionalId, acks, timeoutMs, topicData: [...topics].map(([name, partitionData]) => ({ name, partitionData })) };
}

export type { BatchIdentity } from './batch-writer.js';

/** One producer batch of `records` (their timestamps, or now), as the producer writes it. */
export function encodeProducerBatch(records: readonly RecordInput[], id: BatchIdentity): Promise<Buffer> {
  const writer = new BatchWriter(0);
  const now = Date.now();
  const bytes = (b: Buffer | string | null | undefined) => (b === null || b === undefined ? null : typeof b === 'string' ? Buffer.from(b) : b);
  for (const r of records) {
    writer.append(bytes(r.key), bytes(r.value), (r.headers ?? []).map((h) => ({ key: bytes(h.key)!, value: bytes(h.value) })), r.timestamp ?? now);
  }
  return writer.seal(id);
}
