// Producer and consumer behaviour against our broker (in this process, so its request hooks can drop, rewrite or
// cut off a request): batching, compression, acks, retries without reordering, idempotent sequences,
// back-pressure, offsets reset and seek. The Produce requests the client sent are observed through the hooks.
import { after, afterEach, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../src/kafka/protocol/index.js';
import { RecordBatchView, compressionName } from '../../src/kafka/protocol/records/index.js';
import type { ProduceRequest } from '../../src/kafka/protocol/schemas/produce.js';
import { CloseConnection } from '../../src/kafka/broker/handler.js';
import type { HookDecision } from '../../src/kafka/broker/request-hooks.js';
import { KafkaAdmin, KafkaArgumentError, KafkaBlockTimeoutError, KafkaConsumer, KafkaProducer, OffsetOutOfRangeError, type RecordMetadata } from '../../src/kafka/client/index.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

let kafka: OurKafka;
let admin: KafkaAdmin;
const opened: { close: () => Promise<void> }[] = [];
/** Produce request bodies the broker received, in order. */
let produces: ProduceRequest[] = [];
let metadataRequests = 0;
let onProduce: ((body: ProduceRequest, n: number) => HookDecision<typeof ApiKey.Produce>) | undefined;

before(async () => {
  kafka = await startOurKafka(21);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
});
after(async () => {
  for (const c of opened) await c.close().catch(() => {});
  await admin.close();
  await kafka.stop();
});

function observe(): void {
  produces = [];
  metadataRequests = 0;
  onProduce = undefined;
  kafka.hooks.set(ApiKey.Produce, (req) => {
    produces.push(req.body);
    return onProduce?.(req.body, produces.length);
  });
  kafka.hooks.set(ApiKey.Metadata, () => {
    metadataRequests++;
    return undefined;
  });
}
afterEach(() => kafka.hooks.clear());

async function topic(name: string, partitions: number, configs?: Record<string, string>): Promise<void> {
  await admin.createTopics([{ name, numPartitions: partitions, replicationFactor: 1, configs }]);
  for (const deadline = Date.now() + 10_000; ; ) {
    const [t] = await admin.describeTopics([name]).catch(() => [undefined]);
    if (t !== undefined && t.partitions.length === partitions && t.partitions.every((p) => p.leader === 21)) break;
    if (Date.now() > deadline) throw new Error(`no leaders for ${name}`);
    await new Promise((r) => setTimeout(r, 20));
  }
  observe();
}

function producer(opts: Partial<ConstructorParameters<typeof KafkaProducer>[0]> = {}): KafkaProducer {
  const p = new KafkaProducer({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 10, ...opts });
  opened.push(p);
  return p;
}

function consumer(opts: Partial<ConstructorParameters<typeof KafkaConsumer>[0]> = {}): KafkaConsumer {
  const c = new KafkaConsumer({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 10, fetchMaxWaitMs: 50, ...opts });
  opened.push(c);
  return c;
}

/** The batches of a topic's Produce requests: [partition, record count, compression, producer id, base sequence]. */
function sentBatches(name: string): [number, number, string, number, number][] {
  return produces.flatMap((r) => r.topicData.filter((t) => t.name === name).flatMap((t) => t.partitionData.map((d) => {
    const v = new RecordBatchView(d.records!, 0);
    return [d.index, v.recordCount, compressionName(v.compression), v.producerId, v.baseSequence] as [number, number, string, number, number];
  })));
}

async function pollValues(c: KafkaConsumer, count: number): Promise<string[]> {
  const out: string[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) for (const r of await c.poll(200)) out.push(`${r.partition}@${r.offset}=${r.value}`);
  return out;
}

/** A partition's values as stored, from offset 0 (reads until `count` arrive). */
async function stored(name: string, partition: number, count: number): Promise<string[]> {
  const c = new KafkaConsumer({ bootstrapServers: kafka.bootstrap, autoOffsetReset: 'earliest', fetchMaxWaitMs: 50 });
  try {
    c.assign([{ topic: name, partition }]);
    return (await pollValues(c, count)).map((v) => v.slice(v.indexOf('=') + 1));
  } finally {
    await c.close();
  }
}

test('records sent within linger.ms share one batch in one Produce request', async () => {
  await topic('linger', 1);
  const p = producer({ lingerMs: 30 });
  const md = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send({ topic: 'linger', value: `v${i}` })));
  assert.deepEqual(md.map((m) => [m.partition, m.offset]), Array.from({ length: 20 }, (_, i) => [0, BigInt(i)]));
  assert.deepEqual(sentBatches('linger').map(([part, n]) => [part, n]), [[0, 20]]);
});

test('batch.size bounds the batch that goes first; records queued behind it share a larger batch; all in order', async () => {
  await topic('small-batches', 1);
  const p = producer({ lingerMs: 20, batchSizeBytes: 100 });
  const values = Array.from({ length: 12 }, (_, i) => `value-${String(i).padStart(2, '0')}`);
  await Promise.all(values.map((value) => p.send({ topic: 'small-batches', value })));
  // Each record counts 29 bytes towards batch.size: the first batch takes 3; the 9 queued behind it go in one.
  assert.deepEqual(sentBatches('small-batches').map(([, n]) => n), [3, 9]);
  assert.deepEqual(await stored('small-batches', 0, 12), values);
});

for (const idempotent of [false, true]) {
  test(`a batch that grew past the topic's max.message.bytes is split and sent again in order (idempotent: ${idempotent})`, async () => {
    const name = `grown-${idempotent}`;
    await topic(name, 1, { 'max.message.bytes': '3000' });
    // The first request is held, so the records behind it pile into one batch larger than the topic takes.
    onProduce = (_body, n) => (n === 1 ? { delayMs: 300 } : undefined);
    const p = producer({ lingerMs: 0, batchSizeBytes: 1000, idempotent });
    const values = Array.from({ length: 100 }, (_, i) => `record ${String(i).padStart(3, '0')} ${'x'.repeat(40)}`);
    const md = await Promise.all(values.map((value) => p.send({ topic: name, value })));
    assert.deepEqual(md.map((m) => m.offset), values.map((_, i) => BigInt(i)));
    assert.deepEqual(await stored(name, 0, 100), values);
    const sizes = sentBatches(name).map(([, n]) => n);
    assert.ok(sizes.some((n) => n * 71 > 3000), `a grown batch was refused first: ${sizes.join(',')}`);
    if (idempotent) {
      const sequences = sentBatches(name).filter(([, n]) => n * 71 <= 3000).map(([, n, , , seq]) => [seq, n]);
      let next = 0;
      for (const [seq, n] of sequences) {
        assert.equal(seq, next, 'sequences continue where the refused batch started');
        next += n!;
      }
    }
  });
}

for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`a ${compression} batch is sent compressed and read back by the consumer`, async () => {
    const name = `comp-${compression}`;
    await topic(name, 1);
    const p = producer({ compression, lingerMs: 10 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => p.send({ topic: name, key: `k${i}`, value: `value ${i} `.repeat(10), headers: { h: `x${i}` } })));
    assert.deepEqual([...new Set(sentBatches(name).map(([, , c]) => c))], [compression]);
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic: name, partition: 0 }]);
    const got = [];
    const deadline = Date.now() + 10_000;
    while (got.length < 30 && Date.now() < deadline) got.push(...(await c.poll(200)));
    assert.deepEqual(got.map((r) => [r.offset, String(r.key), String(r.value), r.headers[0].key, String(r.headers[0].value)]), Array.from({ length: 30 }, (_, i) => [BigInt(i), `k${i}`, `value ${i} `.repeat(10), 'h', `x${i}`]));
  });
}

test('acks=0 gets no answer: offsets are -1 and the records are stored', async () => {
  await topic('acks0', 1);
  const p = producer({ acks: 0 });
  const md = await Promise.all(['a', 'b'].map((value) => p.send({ topic: 'acks0', value })));
  assert.deepEqual(md.map((m) => m.offset), [-1n, -1n]);
  assert.deepEqual(await stored('acks0', 0, 2), ['a', 'b']);
  assert.deepEqual([...new Set(produces.map((r) => r.acks))], [0]);
});

test('NOT_LEADER_OR_FOLLOWER refreshes metadata and retries; later batches of the partition wait, so order holds', async () => {
  await topic('retry', 1);
  // The broker writes the first batch, then its answer is replaced by the error: the retry duplicates it.
  onProduce = (_body, n) => (n === 1 ? { response: (r) => ({ ...r, responses: r.responses.map((t) => ({ ...t, partitionResponses: t.partitionResponses.map((x) => ({ ...x, errorCode: 6, baseOffset: -1n })) })) }) } : undefined);
  const p = producer({ lingerMs: 0, batchSizeBytes: 1 });
  const md = await Promise.all(Array.from({ length: 5 }, (_, i) => p.send({ topic: 'retry', value: String(i) })));
  assert.ok(metadataRequests >= 2, 'metadata refreshed after the error');
  assert.deepEqual((await stored('retry', 0, 6)).slice(-5), ['0', '1', '2', '3', '4']);
  assert.deepEqual(md.map((m) => m.offset), [1n, 2n, 3n, 4n, 5n]);
});

test('an idempotent producer numbers batches per partition; a retry of a written batch is a duplicate, not a second copy', async () => {
  await topic('idem', 2);
  // The first answer is lost (replaced by a retriable error after the broker wrote the batch).
  onProduce = (_body, n) => (n === 1 ? { response: (r) => ({ ...r, responses: r.responses.map((t) => ({ ...t, partitionResponses: t.partitionResponses.map((x) => ({ ...x, errorCode: 7 })) })) }) } : undefined);
  const p = producer({ idempotent: true, lingerMs: 0, batchSizeBytes: 1 });
  await Promise.all(Array.from({ length: 4 }, (_, i) => p.send({ topic: 'idem', partition: i % 2, value: String(i) })));
  assert.deepEqual(await stored('idem', 0, 2), ['0', '2']);
  assert.deepEqual(await stored('idem', 1, 2), ['1', '3']);
  const batches = sentBatches('idem');
  assert.ok(batches.every(([, , , pid]) => pid >= 0));
  assert.equal(new Set(batches.map(([, , , pid]) => pid)).size, 1);
  assert.deepEqual([...new Set(batches.filter(([part]) => part === 0).map(([, , , , seq]) => seq))], [0, 1]);
});

test('buffer.memory full: send() waits, then fails after max.block.ms', async () => {
  await topic('full', 1);
  onProduce = () => 'drop';
  const p = producer({ bufferMemoryBytes: 300, maxBlockMs: 150, lingerMs: 0, requestTimeoutMs: 60_000 });
  const first = await p.append({ topic: 'full', value: 'x'.repeat(200) });
  first.delivered.catch(() => {});
  const started = Date.now();
  await assert.rejects(p.append({ topic: 'full', value: 'y'.repeat(200) }), KafkaBlockTimeoutError);
  assert.ok(Date.now() - started >= 100);
  await p.close({ force: true });
});

test('tryAppend takes records without waiting only once the topic is known, and follows the partition count as metadata changes', async () => {
  await topic('fast-a', 1);
  await topic('fast-b', 2);
  const p = producer({ lingerMs: 0 });
  const delivered: RecordMetadata[] = [];
  const failed: Error[] = [];
  const ok = (md: RecordMetadata) => void delivered.push(md);
  const bad = (err: Error) => void failed.push(err);
  assert.equal(p.tryAppend({ topic: 'fast-a', value: 'early' }, ok, bad), false, 'not connected yet');
  await p.send({ topic: 'fast-a', value: 'a0' });
  assert.equal(p.tryAppend({ topic: 'fast-a', partition: 0, value: 'a1' }, ok, bad), true);
  assert.throws(() => p.tryAppend({ topic: 'fast-a', partition: 1, value: 'nowhere' }, ok, bad), KafkaArgumentError);
  assert.equal(p.tryAppend({ topic: 'fast-b', value: 'unknown yet' }, ok, bad), false, 'fast-b is not in the metadata yet');
  await p.send({ topic: 'fast-b', partition: 0, value: 'b0' });
  assert.equal(p.tryAppend({ topic: 'fast-b', partition: 1, value: 'b1' }, ok, bad), true);
  assert.equal(p.tryAppend({ topic: 'fast-a', partition: 0, value: 'a2' }, ok, bad), true, 'back to the first topic');
  assert.throws(() => p.tryAppend({ topic: 'fast-b', partition: 2, value: 'nowhere' }, ok, bad), KafkaArgumentError);

  await admin.createPartitions([{ topic: 'fast-a', count: 3 }]);
  for (const deadline = Date.now() + 10_000; ; ) {
    const md = await p.cluster.refreshMetadata(['fast-a']);
    const t = md.topic('fast-a');
    if (t !== undefined && t.partitions.length === 3 && t.partitions.every((x) => x.leader === 21)) break;
    if (Date.now() > deadline) throw new Error('fast-a did not grow to 3 partitions');
    await new Promise((r) => setTimeout(r, 20));
  }
  assert.equal(p.tryAppend({ topic: 'fast-a', partition: 2, value: 'a3' }, ok, bad), true, 'a partition added since the last append');
  await p.flush();
  assert.deepEqual(failed, []);
  assert.deepEqual(
    delivered.map((md) => `${md.topic}-${md.partition}@${md.offset}`).sort(),
    ['fast-a-0@1', 'fast-a-0@2', 'fast-a-2@0', 'fast-b-1@0'],
  );
});

test('a topic that never appears fails send() after max.block.ms', async () => {
  const p = producer({ maxBlockMs: 1000, allowAutoTopicCreation: false });
  await p.connect();
  await assert.rejects(p.send({ topic: 'never', value: 'x' }), (err: Error) => err instanceof KafkaBlockTimeoutError && /Topic never not present in metadata after 1000 ms/.test(err.message));
});

test('a consumer starts at earliest, latest or a given offset, and seek moves it', async () => {
  await topic('pos', 2);
  const p = producer();
  for (let i = 0; i < 4; i++) await p.send({ topic: 'pos', partition: i % 2, value: `v${i}` });
  const c = consumer({ autoOffsetReset: 'earliest' });
  c.assign([{ topic: 'pos', partition: 0 }, { topic: 'pos', partition: 1, offset: 1n }]);
  assert.deepEqual((await pollValues(c, 3)).sort(), ['0@0=v0', '0@1=v2', '1@1=v3']);
  assert.equal(c.position('pos', 0), 2n);
  c.seek('pos', 0, 1n);
  assert.deepEqual(await pollValues(c, 1), ['0@1=v2']);
  const latest = consumer({ autoOffsetReset: 'latest' });
  latest.assign([{ topic: 'pos', partition: 1 }]);
  for (const deadline = Date.now() + 10_000; latest.position('pos', 1) === null && Date.now() < deadline; ) await latest.poll(50);
  await p.send({ topic: 'pos', partition: 1, value: 'later' });
  assert.deepEqual(await pollValues(latest, 1), ['1@2=later']);
});

test('an offset past the log end with auto.offset.reset=none throws OffsetOutOfRangeError; with earliest it resets', async () => {
  await topic('oor', 1);
  await producer().send({ topic: 'oor', value: 'only' });
  const strict = consumer({ autoOffsetReset: 'none' });
  strict.assign([{ topic: 'oor', partition: 0, offset: 50n }]);
  await assert.rejects(async () => {
    for (let i = 0; i < 50; i++) await strict.poll(100);
  }, OffsetOutOfRangeError);
  const lenient = consumer({ autoOffsetReset: 'earliest' });
  lenient.assign([{ topic: 'oor', partition: 0, offset: 50n }]);
  assert.deepEqual(await pollValues(lenient, 1), ['0@0=only']);
});

test('records without a key sent together stick to one partition; keyed ones follow murmur2', async () => {
  await topic('sticky', 3);
  const p = producer({ lingerMs: 30 });
  const md = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ topic: 'sticky', value: String(i) })));
  assert.equal(new Set(md.map((m) => m.partition)).size, 1);
  const keyed = await p.send({ topic: 'sticky', key: 'foobar', value: 'k' });
  assert.equal(keyed.partition, (-790332482 & 0x7fffffff) % 3);
});

test('a partitioner given to the producer is asked for every record, also of a topic of one partition', async () => {
  await topic('asked', 1);
  const seen: string[] = [];
  const p = producer({ partitioner: { partition: ({ topic: t, partitionCount }) => (seen.push(`${t}/${partitionCount}`), 0) } });
  await Promise.all(['a', 'b', 'c'].map((value) => p.send({ topic: 'asked', value })));
  assert.ok(p.tryAppendValue('asked', Buffer.from('d'), 0, 1, Date.now(), () => {}, () => {}));
  await p.flush();
  assert.deepEqual(seen, ['asked/1', 'asked/1', 'asked/1', 'asked/1']);
});

test('a connection lost after the broker wrote a batch: the idempotent retry on a new connection is not written twice', async () => {
  await topic('lost', 1);
  onProduce = (_body, n) => (n === 1 ? { response: () => { throw new CloseConnection('the answer is lost'); } } : undefined);
  const p = producer({ idempotent: true });
  await p.send({ topic: 'lost', value: 'once' });
  await p.send({ topic: 'lost', value: 'after' });
  assert.deepEqual(await stored('lost', 0, 2), ['once', 'after']);
  assert.ok(produces.length >= 3, 'the first batch was sent again');
});

test('records not acknowledged within delivery.timeout.ms fail', async () => {
  await topic('silent', 1);
  onProduce = () => 'drop';
  const p = producer({ deliveryTimeoutMs: 400, requestTimeoutMs: 150, lingerMs: 0 });
  await assert.rejects(p.send({ topic: 'silent', value: 'x' }), (err: Error) => /timed out|no response|delivery/i.test(err.message));
});

test('after UNKNOWN_PRODUCER_ID the batch fails and the producer continues under a new producer id from sequence 0', async () => {
  await topic('pid-lost', 1);
  onProduce = (_body, n) => (n === 2 ? { response: (r) => ({ ...r, responses: r.responses.map((t) => ({ ...t, partitionResponses: t.partitionResponses.map((x) => ({ ...x, errorCode: 59, baseOffset: -1n })) })) }) } : undefined);
  const p = producer({ idempotent: true });
  await p.send({ topic: 'pid-lost', value: 'a' });
  await assert.rejects(p.send({ topic: 'pid-lost', value: 'b' }), (err: Error & { code?: number }) => err.code === 59);
  await p.send({ topic: 'pid-lost', value: 'c' });
  const [first, , third] = sentBatches('pid-lost').map(([, , , pid, seq]) => [pid, seq]);
  assert.equal(first![1], 0);
  assert.notEqual(third![0], first![0]);
  assert.equal(third![1], 0);
});

test('polling a partition of a missing topic returns nothing and asks for metadata at a bounded rate', async () => {
  observe();
  const c = consumer({ retryBackoffMs: 100, autoOffsetReset: 'earliest' });
  c.assign([{ topic: 'absent', partition: 0 }]);
  assert.deepEqual(await c.poll(500), []);
  assert.ok(metadataRequests <= 20, `${metadataRequests} Metadata requests in 500 ms`);
});
