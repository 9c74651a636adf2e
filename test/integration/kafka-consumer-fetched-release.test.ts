// Answers handed out whole by pollFetched() and given back with releaseFetched(): a later response is read into the
// memory of one whose answers all came back, while an answer still held keeps its bytes.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaConsumer, KafkaProducer, type FetchedChunk } from '../../src/kafka/client/index.js';
import { decodeFetchedRecords } from '../../src/kafka/client/consumer/fetched-records.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

const PER_PARTITION = 6000;
const value = (partition: number, i: number) => `${partition}:${i}:${'v'.repeat(180)}`;

let kafka: OurKafka;

before(async () => {
  kafka = await startOurKafka(31);
  const admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap });
  try {
    await admin.createTopics([{ name: 'released', numPartitions: 2, replicationFactor: 1 }]);
  } finally {
    await admin.close();
  }
  const producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 10, lingerMs: 5 });
  try {
    const sends: Promise<unknown>[] = [];
    for (let i = 0; i < PER_PARTITION; i++) for (const partition of [0, 1]) sends.push(producer.send({ topic: 'released', partition, value: Buffer.from(value(partition, i)) }));
    await Promise.all(sends);
  } finally {
    await producer.close();
  }
});
after(async () => {
  await kafka.stop();
});

async function values(chunk: FetchedChunk): Promise<string[]> {
  const { records } = await decodeFetchedRecords(chunk.topic, chunk.partition, chunk.records, chunk.from, chunk.readCommitted, chunk.aborted);
  return records.map((r) => r.value!.toString());
}

test('released answers lend their memory to later responses; a held answer stays intact', async () => {
  // Many fetch responses, each too large (two partitions of 64 KiB) for the 64 KiB buffer small responses share.
  const consumer = new KafkaConsumer({ bootstrapServers: kafka.bootstrap, fetchMaxWaitMs: 50, maxPartitionFetchBytes: 64 * 1024 });
  try {
    consumer.assign([0, 1].map((partition) => ({ topic: 'released', partition, offset: 'earliest' as const })));
    const seen: string[][] = [[], []];
    const releasedMemory = new Set<ArrayBufferLike>();
    let reused = 0;
    let held: { chunk: FetchedChunk; copy: Buffer } | undefined;
    for (const deadline = Date.now() + 30_000; seen[0]!.length + seen[1]!.length < 2 * PER_PARTITION; ) {
      assert.ok(Date.now() < deadline, `all records within the deadline (${seen[0]!.length} + ${seen[1]!.length})`);
      const chunks = await consumer.pollFetched(200);
      const released: FetchedChunk[] = [];
      for (const chunk of chunks) {
        // (Small responses at the end share the receive buffer: not a reuse.)
        if (releasedMemory.has(chunk.records.buffer) && chunk.records.buffer.byteLength > 64 * 1024) reused++;
        seen[chunk.partition]!.push(...(await values(chunk)));
        if (held === undefined) held = { chunk, copy: Buffer.from(chunk.records) };
        else released.push(chunk);
      }
      for (const chunk of released) releasedMemory.add(chunk.records.buffer);
      consumer.releaseFetched(released);
    }
    for (const partition of [0, 1]) assert.deepEqual(seen[partition], Array.from({ length: PER_PARTITION }, (_, i) => value(partition, i)), `partition ${partition} in order`);
    assert.ok(reused > 0, 'later responses were read into released memory');
    assert.ok(held !== undefined && held.chunk.records.equals(held.copy), 'the answer never given back kept its bytes');
  } finally {
    await consumer.close();
  }
});
