// The data plane of one in-process broker, spoken to with exact requests: produce validation and its error codes,
// acks=0/1/-1 (the ISR wait and a follower's fetch completing it), idempotent sequences, fetch long-polls, limits,
// down-conversion, sessions, leader epochs, ListOffsets, DeleteRecords, OffsetForLeaderEpoch, LeaderAndIsr and
// StopReplica through the replica manager.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildLegacyMessageSet, buildRecordBatch, buildRecordBatchSync, Compression, readRecords, RecordBatchView, recordBatches, type RecordInput } from '../../src/kafka/protocol/records/index.js';
import type { FetchResponse } from '../../src/kafka/protocol/schemas/fetch.js';
import { partitionStates, startDataBroker, type DataBroker, type TestTopic } from '../support/data-broker.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const TOPIC_ID = 'Vd1pQb3yT0-4xqRgLMnZ8w';
const topics: TestTopic[] = [
  { name: 'raw', partitions: 1, topicId: TOPIC_ID },
  { name: 'limits', partitions: 1, config: { log: { maxMessageBytes: 1000, segmentBytes: 1 << 20 } } },
  { name: 'tiny-segments', partitions: 1, config: { log: { maxMessageBytes: 100_000, segmentBytes: 2000 } } },
  { name: 'idem', partitions: 1 },
  { name: 'minisr', partitions: 1, config: { minInsyncReplicas: 2 } },
  { name: 'pair', partitions: 1, isr: [1, 2], replicas: [1, 2] },
  { name: 'poll', partitions: 2 },
  { name: 'convert', partitions: 1 },
  { name: 'epochs', partitions: 1 },
  { name: 'deletable', partitions: 1 },
  { name: 'doomed', partitions: 1 },
  { name: 'clock-checked', partitions: 1, config: { messageTimestampDifferenceMaxMs: 60_000 } },
  { name: 'restamped', partitions: 1, config: { compressionType: 'zstd', messageTimestampType: 'LogAppendTime' } },
  { name: 'sequential', partitions: 1 },
];

let broker: DataBroker;
const clients: RawKafkaClient[] = [];

let zk: OurZk | undefined;

before(async () => {
  zk = await startOurZooKeeper();
  broker = await startDataBroker({ topics, zkConnect: zk.connectString });
});

after(async () => {
  for (const c of clients) c.close();
  await broker?.stop();
  await zk?.stop();
  if (broker) rmSync(broker.logDir, { recursive: true, force: true });
});

async function client(): Promise<RawKafkaClient> {
  const c = await RawKafkaClient.connect(broker.port);
  clients.push(c);
  return c;
}

const batch = (records: RecordInput[], options: Parameters<typeof buildRecordBatchSync>[1] = {}) => buildRecordBatchSync(records, { now: 1_700_000_000_000, ...options });

async function produce(c: RawKafkaClient, topic: string, records: Buffer, opts: { acks?: number; version?: number; partition?: number; timeoutMs?: number } = {}) {
  const version = opts.version ?? 7;
  const res = await c.request(ApiKey.Produce, version, {
    transactionalId: null, acks: opts.acks ?? 1, timeoutMs: opts.timeoutMs ?? 5000,
    topicData: [{ name: topic, partitionData: [{ index: opts.partition ?? 0, records }] }],
  });
  return res.responses[0]!.partitionResponses[0]!;
}

async function fetch(c: RawKafkaClient, topic: string, fetchOffset: bigint, opts: { version?: number; maxWaitMs?: number; minBytes?: number; partition?: number; replicaId?: number; currentLeaderEpoch?: number; partitionMaxBytes?: number; maxBytes?: number; sessionId?: number; sessionEpoch?: number } = {}) {
  const version = opts.version ?? 11;
  const res: FetchResponse = await c.request(ApiKey.Fetch, version, {
    replicaId: opts.replicaId ?? -1, maxWaitMs: opts.maxWaitMs ?? 0, minBytes: opts.minBytes ?? 1, maxBytes: opts.maxBytes ?? 1 << 20, isolationLevel: 0,
    sessionId: opts.sessionId ?? 0, sessionEpoch: opts.sessionEpoch ?? -1, rackId: '',
    topics: [{ topic, partitions: [{ partition: opts.partition ?? 0, fetchOffset, partitionMaxBytes: opts.partitionMaxBytes ?? 1 << 20, currentLeaderEpoch: opts.currentLeaderEpoch ?? -1, logStartOffset: -1n }] }],
    forgottenTopicsData: [],
  }, 40_000);
  return { response: res, partition: res.responses[0]?.partitions[0] };
}

async function waitFor(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

async function valuesOf(records: Buffer | null): Promise<string[]> {
  const out: string[] = [];
  if (!records) return out;
  for (const b of recordBatches(records)) for (const r of await readRecords(b)) out.push(`${r.offset}:${r.value?.toString() ?? 'null'}`);
  return out;
}

test('a produced batch is stored with its offsets and the leader epoch, and fetched back byte for byte otherwise', async () => {
  const c = await client();
  const sent = batch([{ key: 'k1', value: 'v1', headers: [{ key: 'h', value: 'x' }] }, { key: 'k2', value: 'v2' }]);
  const r1 = await produce(c, 'raw', Buffer.from(sent));
  assert.deepEqual([r1.errorCode, r1.baseOffset, r1.logAppendTimeMs, r1.logStartOffset], [0, 0n, -1n, 0n]);
  const r2 = await produce(c, 'raw', batch([{ value: 'v3' }]));
  assert.equal(r2.baseOffset, 2n);
  const { partition } = await fetch(c, 'raw', 0n);
  assert.equal(partition!.errorCode, 0);
  assert.equal(partition!.highWatermark, 3n);
  const stored = partition!.records!;
  // Only the base offset (0 here) and the partition leader epoch (outside the CRC) differ from what was sent.
  const expected = Buffer.from(sent);
  expected.writeInt32BE(0, 12);
  assert.deepEqual(stored.subarray(0, sent.length), expected);
  assert.deepEqual(await valuesOf(stored), ['0:v1', '1:v2', '2:v3']);
  assert.equal(readFileSync(join(broker.logDir, 'raw-0', 'partition.metadata'), 'utf8'), `version: 0\ntopic_id: ${TOPIC_ID}`);
});

test('bad produce input gets its error code and the connection keeps serving', async () => {
  const c = await client();
  const big = batch([{ value: Buffer.alloc(2000, 1) }]);
  assert.equal((await produce(c, 'limits', big)).errorCode, ErrorCode.MESSAGE_TOO_LARGE);
  const corrupt = batch([{ value: 'abcdef' }]);
  corrupt[corrupt.length - 3] ^= 0xff;
  assert.equal((await produce(c, 'raw', corrupt)).errorCode, ErrorCode.CORRUPT_MESSAGE);
  const two = Buffer.concat([batch([{ value: 'a' }]), batch([{ value: 'b' }])]);
  assert.equal((await produce(c, 'raw', two)).errorCode, ErrorCode.INVALID_RECORD);
  assert.equal((await produce(c, 'raw', batch([{ value: 'a' }], { baseOffset: 7 }))).errorCode, ErrorCode.INVALID_RECORD);
  const badCount = batch([{ value: 'a' }, { value: 'b' }]);
  badCount.writeInt32BE(3, 57);
  new RecordBatchView(badCount).setMaxTimestamp(0, new RecordBatchView(badCount).maxTimestamp + 1);
  assert.equal((await produce(c, 'raw', badCount)).errorCode, ErrorCode.INVALID_RECORD);
  assert.equal((await produce(c, 'tiny-segments', batch([{ value: Buffer.alloc(3000, 2) }]))).errorCode, ErrorCode.RECORD_LIST_TOO_LARGE);
  assert.equal((await produce(c, 'nope', batch([{ value: 'a' }]))).errorCode, ErrorCode.UNKNOWN_TOPIC_OR_PARTITION);
  const zstd = await buildRecordBatch([{ value: 'z' }], { compression: Compression.ZSTD });
  assert.equal((await produce(c, 'raw', zstd, { version: 6 })).errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  assert.equal((await produce(c, 'raw', batch([{ value: 'a' }]), { acks: 2 })).errorCode, ErrorCode.INVALID_REQUIRED_ACKS);
  assert.equal((await produce(c, 'clock-checked', batch([{ value: 'old' }]))).errorCode, ErrorCode.INVALID_TIMESTAMP);
  assert.equal((await produce(c, 'clock-checked', batch([{ value: 'now' }], { now: Date.now() }))).errorCode, ErrorCode.NONE);
  // None of it reached the log.
  const { partition } = await fetch(c, 'limits', 0n);
  assert.equal(partition!.highWatermark, 0n);
  assert.deepEqual(await valuesOf((await fetch(c, 'tiny-segments', 0n)).partition!.records), []);
});

test('acks=0: no answer when it worked (the next response is the next request\'s); the connection is closed when it failed', async () => {
  const c = await client();
  c.send(ApiKey.Produce, 7, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'convert', partitionData: [{ index: 0, records: batch([{ value: 'quiet' }]) }] }] });
  // Requests on one connection are handled concurrently: the fetch waits for the append rather than racing it.
  const { partition } = await fetch(c, 'convert', 0n, { maxWaitMs: 10_000 });
  assert.deepEqual(await valuesOf(partition!.records), ['0:quiet']);
  const bad = batch([{ value: 'x' }]);
  bad[bad.length - 1] ^= 1;
  c.send(ApiKey.Produce, 7, { transactionalId: null, acks: 0, timeoutMs: 1000, topicData: [{ name: 'convert', partitionData: [{ index: 0, records: bad }] }] });
  assert.equal(await c.socket.waitForClose(10_000), true);
  assert.equal(c.socket.queued.length, 0);
  const other = await client();
  assert.equal((await fetch(other, 'convert', 0n)).partition!.highWatermark, 1n);
});

test('idempotent producer: a retried batch gets its first offset back and is not stored twice; gaps and old epochs are refused', async () => {
  const c = await client();
  const pid = { producerId: 4000, producerEpoch: 0 };
  const first = batch([{ value: 'a' }, { value: 'b' }], { ...pid, baseSequence: 0 });
  assert.deepEqual([(await produce(c, 'idem', Buffer.from(first))).errorCode], [0]);
  const second = batch([{ value: 'c' }], { ...pid, baseSequence: 2 });
  assert.equal((await produce(c, 'idem', second)).baseOffset, 2n);
  const retry = await produce(c, 'idem', Buffer.from(first));
  assert.deepEqual([retry.errorCode, retry.baseOffset], [ErrorCode.NONE, 0n]);
  assert.equal((await produce(c, 'idem', batch([{ value: 'gap' }], { ...pid, baseSequence: 7 }))).errorCode, ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER);
  assert.equal((await produce(c, 'idem', batch([{ value: 'new' }], { producerId: 4000, producerEpoch: 1, baseSequence: 0 }))).baseOffset, 3n);
  assert.equal((await produce(c, 'idem', batch([{ value: 'old' }], { ...pid, baseSequence: 3 }))).errorCode, ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal((await produce(c, 'idem', batch([{ value: 'who' }], { producerId: 4001, producerEpoch: 0, baseSequence: 5 }))).errorCode, ErrorCode.UNKNOWN_PRODUCER_ID);
  assert.deepEqual(await valuesOf((await fetch(c, 'idem', 0n)).partition!.records), ['0:a', '1:b', '2:c', '3:new']);
});

test('acks=-1: NOT_ENOUGH_REPLICAS below min.insync.replicas; with a follower in the ISR the answer waits for its fetch, or times out', async () => {
  const c = await client();
  assert.equal((await produce(c, 'minisr', batch([{ value: 'a' }]), { acks: -1 })).errorCode, ErrorCode.NOT_ENOUGH_REPLICAS);
  assert.equal((await produce(c, 'minisr', batch([{ value: 'a' }]), { acks: 1 })).errorCode, ErrorCode.NONE);
  const timedOut = await produce(c, 'pair', batch([{ value: 'slow' }]), { acks: -1, timeoutMs: 100 });
  assert.deepEqual([timedOut.errorCode, timedOut.baseOffset], [ErrorCode.REQUEST_TIMED_OUT, 0n]);
  // A consumer does not see it: the high watermark waits for the follower.
  assert.equal((await fetch(c, 'pair', 0n)).partition!.highWatermark, 0n);
  c.send(ApiKey.Produce, 7, { transactionalId: null, acks: -1, timeoutMs: 30_000, topicData: [{ name: 'pair', partitionData: [{ index: 0, records: batch([{ value: 'waits' }]) }] }] });
  const follower = await client();
  await waitFor(() => broker.server.replicaManager.getPartition('pair', 0)!.log.logEndOffset === 2, 'the second append');
  // The follower (broker 2) fetches from offset 0: it has nothing yet, so the high watermark stays.
  const f1 = await fetch(follower, 'pair', 0n, { replicaId: 2 });
  assert.deepEqual(await valuesOf(f1.partition!.records), ['0:slow', '1:waits']);
  assert.equal(c.socket.queued.length, 0);
  await fetch(follower, 'pair', 2n, { replicaId: 2 });
  const done = await c.receive(ApiKey.Produce, 7, 10_000);
  assert.deepEqual([done.responses[0]!.partitionResponses[0]!.errorCode, done.responses[0]!.partitionResponses[0]!.baseOffset], [ErrorCode.NONE, 1n]);
  assert.equal((await fetch(c, 'pair', 0n)).partition!.highWatermark, 2n);
  // A broker that is not a replica is refused.
  assert.equal((await fetch(follower, 'pair', 2n, { replicaId: 3 })).partition!.errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('a long-poll fetch is woken by an append to its partition and returns the new records', async () => {
  const waiting = await client();
  const writer = await client();
  waiting.send(ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 30_000, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{ topic: 'poll', partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }, { partition: 1, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n }] }],
  });
  // An append to another topic wakes nothing.
  await produce(writer, 'convert', batch([{ value: 'elsewhere' }]));
  assert.equal(await waiting.socket.waitForFrame(50), false);
  await produce(writer, 'poll', batch([{ value: 'wake' }]), { partition: 1 });
  const res = await waiting.receive(ApiKey.Fetch, 11, 10_000);
  const [p0, p1] = res.responses[0]!.partitions;
  assert.deepEqual([p0!.records!.length, p0!.abortedTransactions], [0, []]);
  assert.deepEqual([p1!.highWatermark, p1!.lastStableOffset, await valuesOf(p1!.records)], [1n, 1n, ['0:wake']]);
});

test('byte limits: the first batch comes whole even above the limits, later partitions only within them', async () => {
  const c = await client();
  await produce(c, 'poll', batch([{ value: Buffer.alloc(500, 0x61) }]), { partition: 0 });
  await produce(c, 'poll', batch([{ value: 'second' }]), { partition: 0 });
  const one = await fetch(c, 'poll', 0n, { partitionMaxBytes: 10 });
  const whole = [...recordBatches(one.partition!.records!)];
  assert.equal(whole.length, 1);
  assert.equal(whole[0]!.sizeInBytes, one.partition!.records!.length);
  const res = await c.request(ApiKey.Fetch, 11, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 100, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [{ topic: 'poll', partitions: [0, 1].map((partition) => ({ partition, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, logStartOffset: -1n })) }],
  });
  const [p0, p1] = res.responses[0]!.partitions;
  assert.ok(p0!.records!.length > 500);
  assert.equal(p1!.records!.length, 0);
});

test('Fetch v0-v3 get the records down-converted to magic 0 and 1; v4+ the stored v2 batches', async () => {
  const c = await client();
  const gz = await buildRecordBatch([{ key: 'g', value: 'zipped', timestamp: 1_700_000_000_123 }], { compression: Compression.GZIP });
  await produce(c, 'convert', gz);
  for (const [version, magic] of [[0, 0], [1, 0], [2, 1], [3, 1], [4, 2], [12, 2]] as const) {
    const { partition } = await fetch(c, 'convert', 0n, { version });
    const recs = partition!.records!;
    assert.equal(recs[16], magic, `Fetch v${version}`);
    assert.equal(partition!.highWatermark, 3n);
  }
  const v0 = (await fetch(c, 'convert', 2n, { version: 0 })).partition!.records!;
  assert.ok(v0.includes(Buffer.from('zipped')) || v0[17] === 1, 'the gzip wrapper or the plain value');
  const zstd = await buildRecordBatch([{ value: 'z' }], { compression: Compression.ZSTD });
  await produce(c, 'convert', zstd);
  assert.equal((await fetch(c, 'convert', 3n, { version: 9 })).partition!.errorCode, ErrorCode.UNSUPPORTED_COMPRESSION_TYPE);
  assert.deepEqual(await valuesOf((await fetch(c, 'convert', 3n, { version: 10 })).partition!.records), ['3:z']);
});

test('Produce v0-v2 message sets (magic 0 and 1, plain and gzip) are up-converted to one v2 batch each', async () => {
  const c = await client();
  const records = [
    { offset: 0, timestamp: 1_700_000_000_001, key: Buffer.from('l1'), value: Buffer.from('legacy one') },
    { offset: 1, timestamp: 1_700_000_000_002, key: null, value: Buffer.from('legacy two') },
  ];
  const sets = [
    [0, await buildLegacyMessageSet(records, { magic: 0 })],
    [1, await buildLegacyMessageSet(records, { magic: 0, compression: Compression.GZIP })],
    [2, await buildLegacyMessageSet(records, { magic: 1, compression: Compression.GZIP })],
  ] as const;
  const before = (await fetch(c, 'convert', 0n)).partition!.highWatermark;
  for (const [version, set] of sets) assert.equal((await produce(c, 'convert', set, { version })).errorCode, ErrorCode.NONE, `Produce v${version}`);
  const { partition } = await fetch(c, 'convert', before, { version: 11 });
  const batches = [...recordBatches(partition!.records!)];
  assert.deepEqual(batches.map((b) => [b.magic, b.compression, b.recordCount]), [[2, 0, 2], [2, 1, 2], [2, 1, 2]]);
  const decoded = (await Promise.all(batches.map((b) => readRecords(b)))).flat();
  const start = Number(before);
  assert.deepEqual(decoded.map((r) => [r.offset, r.timestamp, r.key?.toString() ?? null, r.value!.toString()]), [
    [start, -1, 'l1', 'legacy one'], [start + 1, -1, null, 'legacy two'],
    [start + 2, -1, 'l1', 'legacy one'], [start + 3, -1, null, 'legacy two'],
    [start + 4, 1_700_000_000_001, 'l1', 'legacy one'], [start + 5, 1_700_000_000_002, null, 'legacy two'],
  ]);
  const corrupt = await buildLegacyMessageSet(records, { magic: 1 });
  corrupt[corrupt.length - 1] ^= 1;
  assert.equal((await produce(c, 'convert', corrupt, { version: 2 })).errorCode, ErrorCode.CORRUPT_MESSAGE);
});

test('fetch errors: OFFSET_OUT_OF_RANGE, leader epochs, sessions declined', async () => {
  const c = await client();
  const out = await fetch(c, 'raw', 99n);
  assert.deepEqual([out.partition!.errorCode, out.partition!.highWatermark], [ErrorCode.OFFSET_OUT_OF_RANGE, -1n]);
  assert.equal((await fetch(c, 'raw', 0n, { currentLeaderEpoch: 1 })).partition!.errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
  assert.equal((await fetch(c, 'raw', 0n, { currentLeaderEpoch: 0 })).partition!.errorCode, ErrorCode.NONE);
  const newSession = await fetch(c, 'raw', 0n, { sessionId: 0, sessionEpoch: 0 });
  assert.deepEqual([newSession.response.errorCode, newSession.response.sessionId, newSession.partition!.errorCode], [0, 0, 0]);
  const incremental = await fetch(c, 'raw', 0n, { sessionId: 12, sessionEpoch: 1 });
  assert.deepEqual([incremental.response.errorCode, incremental.response.responses], [ErrorCode.FETCH_SESSION_ID_NOT_FOUND, []]);
});

test('leader epochs: LeaderAndIsr moves the epoch (stale ones refused), fetches are fenced, OffsetForLeaderEpoch finds epoch ends', async () => {
  const c = await client();
  const rm = broker.server.replicaManager;
  await produce(c, 'epochs', batch([{ value: 'e0' }, { value: 'e0b' }]));
  const epochs = topics.filter((t) => t.name === 'epochs');
  assert.deepEqual(await rm.becomeLeaderOrFollower(1, 1, partitionStates(1, epochs, 5)), [{ topic: 'epochs', partition: 0, errorCode: 0 }]);
  assert.deepEqual(await rm.becomeLeaderOrFollower(1, 1, partitionStates(1, epochs, 5)), [{ topic: 'epochs', partition: 0, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH }]);
  assert.deepEqual(await rm.becomeLeaderOrFollower(1, 0, partitionStates(1, epochs, 9)), [{ topic: 'epochs', partition: 0, errorCode: ErrorCode.STALE_CONTROLLER_EPOCH }]);
  await produce(c, 'epochs', batch([{ value: 'e5' }]));
  assert.equal((await fetch(c, 'epochs', 0n, { currentLeaderEpoch: 3 })).partition!.errorCode, ErrorCode.FENCED_LEADER_EPOCH);
  assert.equal((await fetch(c, 'epochs', 0n, { currentLeaderEpoch: 6 })).partition!.errorCode, ErrorCode.UNKNOWN_LEADER_EPOCH);
  const stored = (await fetch(c, 'epochs', 0n, { currentLeaderEpoch: 5 })).partition!.records!;
  assert.deepEqual([...recordBatches(stored)].map((b) => b.partitionLeaderEpoch), [0, 5]);
  const res = await c.request(ApiKey.OffsetForLeaderEpoch, 4, {
    replicaId: -1,
    topics: [{ topic: 'epochs', partitions: [0, 3, 5, 7].map((leaderEpoch) => ({ partition: 0, currentLeaderEpoch: 5, leaderEpoch })) }],
  });
  assert.deepEqual(res.topics[0]!.partitions.map((p) => [p.errorCode, p.leaderEpoch, p.endOffset]), [[0, 0, 2n], [0, 0, 2n], [0, 5, 3n], [0, -1, -1n]]);
  const fenced = await c.request(ApiKey.OffsetForLeaderEpoch, 2, { topics: [{ topic: 'epochs', partitions: [{ partition: 0, currentLeaderEpoch: 4, leaderEpoch: 0 }] }] });
  assert.equal(fenced.topics[0]!.partitions[0]!.errorCode, ErrorCode.FENCED_LEADER_EPOCH);
});

test('ListOffsets: earliest, latest, by timestamp (exact record inside a batch), max timestamp at v7, the v0 offset list', async () => {
  const c = await client();
  await produce(c, 'deletable', batch([{ value: 'a', timestamp: 1000 }, { value: 'b', timestamp: 3000 }, { value: 'c', timestamp: 2000 }]));
  await produce(c, 'deletable', await buildRecordBatch([{ value: 'd', timestamp: 4000 }, { value: 'e', timestamp: 5000 }], { compression: Compression.GZIP }));
  const ask = async (version: number, timestamp: bigint) => {
    const res = await c.request(ApiKey.ListOffsets, version, {
      replicaId: -1, isolationLevel: 0,
      topics: [{ name: 'deletable', partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp, ...(version === 0 ? { maxNumOffsets: 10 } : {}) }] }],
    });
    const p = res.topics[0]!.partitions[0]!;
    return version === 0 ? [p.errorCode, p.oldStyleOffsets] : [p.errorCode, p.offset, p.timestamp];
  };
  assert.deepEqual(await ask(1, -2n), [0, 0n, -1n]);
  assert.deepEqual(await ask(4, -1n), [0, 5n, -1n]);
  assert.deepEqual(await ask(2, 2500n), [0, 1n, 3000n]);
  assert.deepEqual(await ask(2, 4500n), [0, 4n, 5000n]);
  assert.deepEqual(await ask(3, 9000n), [0, -1n, -1n]);
  assert.deepEqual(await ask(7, -3n), [0, 4n, 5000n]);
  assert.deepEqual(await ask(0, -1n), [0, [5n, 0n]]);
  assert.deepEqual(await ask(0, -2n), [0, [0n]]);
});

test('DeleteRecords moves the log start: reads below it are out of range, earliest follows it, beyond the high watermark is refused', async () => {
  const c = await client();
  const del = async (offset: bigint) => (await c.request(ApiKey.DeleteRecords, 2, { timeoutMs: 5000, topics: [{ name: 'deletable', partitions: [{ partitionIndex: 0, offset }] }] })).topics[0]!.partitions[0]!;
  assert.deepEqual(await del(2n), { partitionIndex: 0, lowWatermark: 2n, errorCode: 0 });
  assert.equal((await fetch(c, 'deletable', 1n)).partition!.errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  const { partition } = await fetch(c, 'deletable', 2n);
  assert.equal(partition!.logStartOffset, 2n);
  assert.deepEqual((await del(99n)).errorCode, ErrorCode.OFFSET_OUT_OF_RANGE);
  assert.deepEqual(await del(-1n), { partitionIndex: 0, lowWatermark: 5n, errorCode: 0 });
});

test('StopReplica: a stale leader epoch is fenced; with deletion the partition goes and its directory is renamed for deletion', async () => {
  const c = await client();
  const rm = broker.server.replicaManager;
  await produce(c, 'doomed', batch([{ value: 'x' }]));
  const changes: unknown[] = [];
  const unsubscribe = rm.onLeadershipChange((ch) => changes.push(ch));
  assert.deepEqual(await rm.stopReplicas(1, 1, [{ topic: 'doomed', partition: 0, leaderEpoch: 0, deletePartition: true }]), [{ topic: 'doomed', partition: 0, errorCode: ErrorCode.FENCED_LEADER_EPOCH }]);
  assert.deepEqual(await rm.stopReplicas(1, 1, [{ topic: 'doomed', partition: 0, leaderEpoch: -2, deletePartition: true }]), [{ topic: 'doomed', partition: 0, errorCode: 0 }]);
  unsubscribe();
  assert.deepEqual(changes, [{ topic: 'doomed', partition: 0, isLeader: false, leaderEpoch: 0 }]);
  assert.equal(existsSync(join(broker.logDir, 'doomed-0')), false);
  assert.ok(readdirSync(broker.logDir).some((n) => /^doomed-0\.[0-9a-f]+-delete$/.test(n)), readdirSync(broker.logDir).join(' '));
  // The static metadata still lists it, so the answer is NOT_LEADER_OR_FOLLOWER rather than unknown.
  assert.equal((await produce(c, 'doomed', batch([{ value: 'y' }]))).errorCode, ErrorCode.NOT_LEADER_OR_FOLLOWER);
});

test('InitProducerId takes a producer id from the block claimed in ZooKeeper; a transactional id whose __transaction_state partition is not led here is NOT_COORDINATOR', async () => {
  const c = await client();
  const plain = await c.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.equal(plain.errorCode, 0);
  assert.ok(plain.producerId >= 0n, String(plain.producerId));
  assert.equal(plain.producerEpoch, 0);
  const txn = await c.request(ApiKey.InitProducerId, 4, { transactionalId: 'txn-1', transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
  assert.deepEqual([txn.errorCode, txn.producerId, txn.producerEpoch], [ErrorCode.NOT_COORDINATOR, -1n, -1]);
});

test('Fetch v13 names topics by id: the id LeaderAndIsr gave the partition; an unknown id is UNKNOWN_TOPIC_ID', async () => {
  const c = await client();
  const res = await c.request(ApiKey.Fetch, 13, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0, sessionId: 0, sessionEpoch: -1, rackId: '', forgottenTopicsData: [],
    topics: [TOPIC_ID, 'AAAAAAAAAAAAAAAAAAAAAQ'].map((topicId) => ({ topicId, partitions: [{ partition: 0, fetchOffset: 0n, partitionMaxBytes: 1 << 20, currentLeaderEpoch: -1, lastFetchedEpoch: -1, logStartOffset: -1n }] })),
  });
  const [known, unknown] = res.responses;
  assert.equal(known!.topicId, TOPIC_ID);
  assert.deepEqual(await valuesOf(known!.partitions[0]!.records), ['0:v1', '1:v2', '2:v3']);
  assert.deepEqual([unknown!.topicId, unknown!.partitions[0]!.errorCode], ['AAAAAAAAAAAAAAAAAAAAAQ', ErrorCode.UNKNOWN_TOPIC_ID]);
});

test('a topic with its own codec and LogAppendTime: the batch is recompressed keeping producer id and sequences, and stamped', async () => {
  const c = await client();
  const sent = await buildRecordBatch([{ key: 'a', value: 'one', headers: [{ key: 'h', value: 'v' }] }, { value: 'two' }], {
    compression: Compression.GZIP, producerId: 555, producerEpoch: 2, baseSequence: 0, now: 1_700_000_000_000,
  });
  const before = Date.now();
  const r = await produce(c, 'restamped', sent, { version: 8 });
  const after = Date.now();
  const stamp = r.logAppendTimeMs!;
  assert.equal(r.errorCode, 0);
  assert.ok(stamp >= BigInt(before) && stamp <= BigInt(after), `${stamp}`);
  const [stored] = [...recordBatches((await fetch(c, 'restamped', 0n)).partition!.records!)];
  assert.deepEqual(
    [stored!.compression, stored!.timestampType, stored!.producerId, stored!.producerEpoch, stored!.baseSequence, stored!.maxTimestamp],
    [Compression.ZSTD, 1, 555, 2, 0, Number(stamp)],
  );
  stored!.ensureValid();
  const records = await readRecords(stored!);
  assert.deepEqual(records.map((x) => [x.key?.toString() ?? null, x.value!.toString(), x.headers.map((h) => `${h.key}=${h.value}`), x.timestamp]), [
    ['a', 'one', ['h=v'], Number(stamp)], [null, 'two', [], Number(stamp)],
  ]);
  // The retry of the same batch is still recognised after recompression.
  assert.deepEqual([(await produce(c, 'restamped', sent, { version: 8 })).baseOffset], [0n]);
});

test('a consumer reading a long log in order in large fetches gets every batch once, whole and in order', async () => {
  const c = await client();
  // 24 batches of one 600 KB record: fetches of 2 MiB from the start are large and end inside a batch.
  const value = (i: number) => Buffer.alloc(600_000, 0x41 + (i % 26));
  for (let i = 0; i < 24; i++) assert.equal((await produce(c, 'sequential', batch([{ key: `k${i}`, value: value(i) }]))).errorCode, 0);
  let offset = 0n;
  while (offset < 24n) {
    const { partition } = await fetch(c, 'sequential', offset, { partitionMaxBytes: 2 * 1024 * 1024, maxBytes: 2 * 1024 * 1024 });
    assert.equal(partition!.errorCode, 0);
    let got = 0;
    for (const b of recordBatches(partition!.records!)) {
      const [r] = await readRecords(b);
      assert.equal(r!.offset, Number(offset), 'the next offset in order');
      assert.equal(r!.key?.toString(), `k${offset}`);
      assert.ok(r!.value?.equals(value(Number(offset))), `the value of offset ${offset}`);
      offset++;
      got++;
    }
    assert.ok(got > 0, `a fetch at ${offset} returned no whole batch`);
  }
});
