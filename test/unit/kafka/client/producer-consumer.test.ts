// Producer and consumer behaviour observed on a small in-memory broker (test/support/fake-kafka.ts): batching,
// compression, acks, retries without reordering, idempotent sequences, back-pressure, offsets reset and seek.
import { after, before, beforeEach, test } from 'node:test';
import assert from 'node:assert/strict';
import { ApiKey } from '../../../../src/kafka/protocol/index.js';
import { RecordBatchView, compressionName } from '../../../../src/kafka/protocol/records/index.js';
import { KafkaBlockTimeoutError, KafkaConsumer, KafkaProducer, OffsetOutOfRangeError } from '../../../../src/kafka/client/index.js';
import { FakeKafka } from '../../../support/fake-kafka.js';

let fake: FakeKafka;
const opened: { close: () => Promise<void> }[] = [];

before(async () => {
  fake = await FakeKafka.start(1);
});
after(async () => {
  for (const c of opened) await c.close().catch(() => {});
  await fake.stop();
});
beforeEach(() => {
  fake.intercept = undefined;
  fake.requests.length = 0;
});

function producer(opts: Partial<ConstructorParameters<typeof KafkaProducer>[0]> = {}): KafkaProducer {
  const p = new KafkaProducer({ bootstrapServers: fake.bootstrap, retryBackoffMs: 10, ...opts });
  opened.push(p);
  return p;
}

function consumer(opts: Partial<ConstructorParameters<typeof KafkaConsumer>[0]> = {}): KafkaConsumer {
  const c = new KafkaConsumer({ bootstrapServers: fake.bootstrap, retryBackoffMs: 10, fetchMaxWaitMs: 50, ...opts });
  opened.push(c);
  return c;
}

const produces = () => fake.requests.filter((r) => r.apiKey === ApiKey.Produce);

async function pollValues(c: KafkaConsumer, count: number): Promise<string[]> {
  const out: string[] = [];
  const deadline = Date.now() + 10_000;
  while (out.length < count && Date.now() < deadline) for (const r of await c.poll(200)) out.push(`${r.partition}@${r.offset}=${r.value}`);
  return out;
}

test('records sent within linger.ms share one batch in one Produce request', async () => {
  fake.createTopic('linger', 1);
  const p = producer({ lingerMs: 30 });
  const md = await Promise.all(Array.from({ length: 20 }, (_, i) => p.send({ topic: 'linger', value: `v${i}` })));
  assert.deepEqual(md.map((m) => [m.partition, m.offset]), Array.from({ length: 20 }, (_, i) => [0, BigInt(i)]));
  assert.equal(produces().length, 1);
  assert.equal(fake.topics.get('linger')![0].batches.length, 1);
  assert.equal(new RecordBatchView(fake.topics.get('linger')![0].batches[0], 0).recordCount, 20);
});

test('batch.size bounds the batch that goes first; records queued behind it share a larger batch; all in order', async () => {
  fake.createTopic('small-batches', 1);
  const p = producer({ lingerMs: 20, batchSizeBytes: 100 });
  await Promise.all(Array.from({ length: 12 }, (_, i) => p.send({ topic: 'small-batches', value: `value-${String(i).padStart(2, '0')}` })));
  const batches = fake.topics.get('small-batches')![0].batches.map((b) => new RecordBatchView(b, 0).recordCount);
  // Each record counts 29 bytes towards batch.size: the first batch takes 3; the 9 queued behind it go in one.
  assert.deepEqual(batches, [3, 9]);
  assert.deepEqual(await fake.values('small-batches', 0), Array.from({ length: 12 }, (_, i) => `value-${String(i).padStart(2, '0')}`));
});

for (const compression of ['gzip', 'snappy', 'lz4', 'zstd'] as const) {
  test(`a ${compression} batch is stored compressed and read back by the consumer`, async () => {
    const topic = `comp-${compression}`;
    fake.createTopic(topic, 1);
    const p = producer({ compression, lingerMs: 10 });
    await Promise.all(Array.from({ length: 30 }, (_, i) => p.send({ topic, key: `k${i}`, value: `value ${i} `.repeat(10), headers: { h: `x${i}` } })));
    const stored = fake.topics.get(topic)![0].batches.map((b) => compressionName(new RecordBatchView(b, 0).compression));
    assert.deepEqual([...new Set(stored)], [compression]);
    const c = consumer({ autoOffsetReset: 'earliest' });
    c.assign([{ topic, partition: 0 }]);
    const got = [];
    const deadline = Date.now() + 10_000;
    while (got.length < 30 && Date.now() < deadline) got.push(...(await c.poll(200)));
    assert.deepEqual(got.map((r) => [r.offset, String(r.key), String(r.value), r.headers[0].key, String(r.headers[0].value)]), Array.from({ length: 30 }, (_, i) => [BigInt(i), `k${i}`, `value ${i} `.repeat(10), 'h', `x${i}`]));
  });
}

test('acks=0 gets no answer: offsets are -1 and the records are stored', async () => {
  fake.createTopic('acks0', 1);
  const p = producer({ acks: 0 });
  const md = await Promise.all(['a', 'b'].map((value) => p.send({ topic: 'acks0', value })));
  assert.deepEqual(md.map((m) => m.offset), [-1n, -1n]);
  // Nothing tells the producer when the broker has them: wait for the broker to hold both.
  const deadline = Date.now() + 5000;
  while ((await fake.values('acks0', 0)).length < 2 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 10));
  assert.deepEqual(await fake.values('acks0', 0), ['a', 'b']);
  assert.deepEqual([...new Set(produces().map((r) => r.body.acks))], [0]);
});

test('NOT_LEADER_OR_FOLLOWER refreshes metadata and retries; later batches of the partition wait, so order holds', async () => {
  fake.createTopic('retry', 1);
  let failed = 0;
  fake.intercept = (apiKey, _v, body) => (apiKey === ApiKey.Produce && body.topicData[0].name === 'retry' && failed++ === 0 ? () => ({ responses: [{ name: 'retry', partitionResponses: [{ index: 0, errorCode: 6, baseOffset: -1n }] }] }) : undefined);
  const p = producer({ lingerMs: 0, batchSizeBytes: 1 });
  const before = fake.requests.filter((r) => r.apiKey === ApiKey.Metadata).length;
  const md = await Promise.all(Array.from({ length: 5 }, (_, i) => p.send({ topic: 'retry', value: String(i) })));
  assert.ok(fake.requests.filter((r) => r.apiKey === ApiKey.Metadata).length > before + 1, 'metadata refreshed after the error');
  // The first (failed) attempt was appended by the fake broker before the error was substituted; the retry duplicates it.
  const values = await fake.values('retry', 0);
  assert.deepEqual(values.slice(-5), ['0', '1', '2', '3', '4']);
  assert.deepEqual(md.map((m) => m.offset), [1n, 2n, 3n, 4n, 5n]);
});

test('an idempotent producer numbers batches per partition; a retry of a written batch is a duplicate, not a second copy', async () => {
  fake.createTopic('idem', 2);
  let lost = 0;
  // The first answer is lost (replaced by a retriable error after the broker wrote the batch).
  fake.intercept = (apiKey, _v, body) => (apiKey === ApiKey.Produce && body.topicData[0].name === 'idem' && lost++ === 0 ? (r: any) => ({ ...r, responses: r.responses.map((t: any) => ({ ...t, partitionResponses: t.partitionResponses.map((x: any) => ({ ...x, errorCode: 7 })) })) }) : undefined);
  const p = producer({ idempotent: true, lingerMs: 0, batchSizeBytes: 1 });
  await Promise.all(Array.from({ length: 4 }, (_, i) => p.send({ topic: 'idem', partition: i % 2, value: String(i) })));
  assert.deepEqual(await fake.values('idem', 0), ['0', '2']);
  assert.deepEqual(await fake.values('idem', 1), ['1', '3']);
  const sequences = produces().flatMap((r) => r.body.topicData[0].partitionData.map((d: any) => {
    const v = new RecordBatchView(d.records, 0);
    return [d.index, v.producerId, v.baseSequence];
  }));
  assert.equal(fake.requests.filter((r) => r.apiKey === ApiKey.InitProducerId).length, 1);
  assert.ok(sequences.every(([, pid]) => pid >= 1000));
  assert.deepEqual([...new Set(sequences.filter(([i]) => i === 0).map(([, , s]) => s))], [0, 1]);
});

test('buffer.memory full: send() waits, then fails after max.block.ms', async () => {
  fake.createTopic('full', 1);
  fake.intercept = (apiKey) => (apiKey === ApiKey.Produce ? 'drop' : undefined);
  const p = producer({ bufferMemoryBytes: 300, maxBlockMs: 150, lingerMs: 0, requestTimeoutMs: 60_000 });
  const first = await p.append({ topic: 'full', value: 'x'.repeat(200) });
  first.delivered.catch(() => {});
  const started = Date.now();
  await assert.rejects(p.append({ topic: 'full', value: 'y'.repeat(200) }), KafkaBlockTimeoutError);
  assert.ok(Date.now() - started >= 100);
  await p.close({ force: true });
});

test('a topic that never appears fails send() after max.block.ms', async () => {
  const p = producer({ maxBlockMs: 200 });
  await assert.rejects(p.send({ topic: 'never', value: 'x' }), (err: Error) => err instanceof KafkaBlockTimeoutError && /Topic never not present in metadata after 200 ms/.test(err.message));
});

test('a consumer starts at earliest, latest or a given offset, and seek moves it', async () => {
  fake.createTopic('pos', 2);
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
  await latest.poll(100);
  await p.send({ topic: 'pos', partition: 1, value: 'later' });
  assert.deepEqual(await pollValues(latest, 1), ['1@2=later']);
});

test('an offset past the log end with auto.offset.reset=none throws OffsetOutOfRangeError; with earliest it resets', async () => {
  fake.createTopic('oor', 1);
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
  fake.createTopic('sticky', 3);
  const p = producer({ lingerMs: 30 });
  const md = await Promise.all(Array.from({ length: 10 }, (_, i) => p.send({ topic: 'sticky', value: String(i) })));
  assert.equal(new Set(md.map((m) => m.partition)).size, 1);
  const keyed = await p.send({ topic: 'sticky', key: 'foobar', value: 'k' });
  assert.equal(keyed.partition, (-790332482 & 0x7fffffff) % 3);
});

test('a connection lost after the broker wrote a batch: the idempotent retry on a new connection is not written twice', async () => {
  fake.createTopic('lost', 1);
  let closes = 0;
  fake.intercept = (apiKey, _v, body) => (apiKey === ApiKey.Produce && body.topicData[0].name === 'lost' && closes++ === 0 ? 'close' : undefined);
  const p = producer({ idempotent: true });
  const md = await p.send({ topic: 'lost', value: 'once' });
  assert.equal(md.offset, -1n, 'the broker answered the retry as a duplicate');
  assert.deepEqual(await fake.values('lost', 0), ['once']);
});

test('records not acknowledged within delivery.timeout.ms fail', async () => {
  fake.createTopic('silent', 1);
  fake.intercept = (apiKey) => (apiKey === ApiKey.Produce ? 'drop' : undefined);
  const p = producer({ deliveryTimeoutMs: 400, requestTimeoutMs: 150, lingerMs: 0 });
  await assert.rejects(p.send({ topic: 'silent', value: 'x' }), (err: Error & { retriable?: boolean }) => /timed out|no response|delivery/i.test(err.message));
});

test('after UNKNOWN_PRODUCER_ID the batch fails and the producer continues under a new producer id from sequence 0', async () => {
  fake.createTopic('pid-lost', 1);
  let n = 0;
  fake.intercept = (apiKey, _v, body) =>
    apiKey === ApiKey.Produce && body.topicData[0].name === 'pid-lost' && n++ === 1
      ? (r: any) => ({ ...r, responses: r.responses.map((t: any) => ({ ...t, partitionResponses: t.partitionResponses.map((x: any) => ({ ...x, errorCode: 59, baseOffset: -1n })) })) })
      : undefined;
  const p = producer({ idempotent: true });
  await p.send({ topic: 'pid-lost', value: 'a' });
  await assert.rejects(p.send({ topic: 'pid-lost', value: 'b' }), (err: Error & { code?: number }) => err.code === 59);
  await p.send({ topic: 'pid-lost', value: 'c' });
  const batches = produces().filter((r) => r.body.topicData[0].name === 'pid-lost').map((r) => new RecordBatchView(r.body.topicData[0].partitionData[0].records, 0));
  const [first, , third] = batches.map((v) => [v.producerId, v.baseSequence]);
  assert.equal(first[1], 0);
  assert.notEqual(third[0], first[0]);
  assert.equal(third[1], 0);
});

test('polling a partition of a missing topic returns nothing and asks for metadata at a bounded rate', async () => {
  const c = consumer({ retryBackoffMs: 100, autoOffsetReset: 'earliest' });
  c.assign([{ topic: 'absent', partition: 0 }]);
  assert.deepEqual(await c.poll(500), []);
  const asked = fake.requests.filter((r) => r.apiKey === ApiKey.Metadata).length;
  assert.ok(asked <= 20, `${asked} Metadata requests in 500 ms`);
});
