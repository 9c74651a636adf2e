// The Produce request body for a set of encoded batches, and the encoding of one producer batch (a v2 record
// batch: offsets from 0, no partition leader epoch, the producer id/epoch/sequence of an idempotent producer).
import { buildRecordBatch, type RecordInput } from '../../protocol/records/index.js';
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

export interface BatchIdentity {
  compression: number;
  producerId: bigint;
  producerEpoch: number;
  baseSequence: number;
}

export function encodeProducerBatch(records: readonly RecordInput[], id: BatchIdentity): Promise<Buffer> {
  return buildRecordBatch(records, {
    compression: id.compression,
    producerId: Number(id.producerId),
    producerEpoch: id.producerEpoch,
    baseSequence: id.baseSequence,
  });
}
