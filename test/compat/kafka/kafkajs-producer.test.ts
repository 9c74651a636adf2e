// The kafkajs producer against our broker: acks 0, 1 and -1, every codec kafkajs can use (gzip built in; snappy, lz4
// and zstd through codec plugins backed by the project's own codecs), and the idempotent producer (InitProducerId
// through our ZooKeeper server). Everything is read back with kcat and compared exactly.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import kafkajs, { type Producer } from 'kafkajs';
import { ZooKeeperProducerIdBlockStore } from '../../../src/kafka/broker/replica/producer-id-manager.js';
import { compress, decompress, recordBatches } from '../../../src/kafka/protocol/records/index.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { startDataBroker, type DataBroker } from '../../support/data-broker.js';
import { kcat, kcatAvailable } from '../../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';

const { CompressionCodecs, CompressionTypes, Kafka, logLevel } = kafkajs;
type Kafka = InstanceType<typeof Kafka>;
const skip = kcatAvailable ? false : 'kcat is not installed';

for (const [type, id] of [[CompressionTypes.Snappy, 2], [CompressionTypes.LZ4, 3], [CompressionTypes.ZSTD, 4]] as const) {
  CompressionCodecs[type] = () => ({
    compress: (encoder: { buffer: Buffer }) => compress(id, encoder.buffer, { magic: 2 }),
    decompress: (buffer: Buffer) => decompress(id, buffer, { magic: 2 }),
  });
}

const CASES = [
  { acks: 1, compression: CompressionTypes.None, codec: 0 },
  { acks: -1, compression: CompressionTypes.GZIP, codec: 1 },
  { acks: 1, compression: CompressionTypes.Snappy, codec: 2 },
  { acks: -1, compression: CompressionTypes.LZ4, codec: 3 },
  { acks: 1, compression: CompressionTypes.ZSTD, codec: 4 },
  { acks: 0, compression: CompressionTypes.GZIP, codec: 1 },
] as const;

let zk: OurZk;
let zkClient: ZooKeeperClient;
let broker: DataBroker;
let kafka: Kafka;
const producers: Producer[] = [];

before(async () => {
  if (!kcatAvailable) return;
  zk = await startOurZooKeeper();
  zkClient = await connectZooKeeper(zk.connectString);
  broker = await startDataBroker({
    zkConnect: zk.connectString,
    topics: [{ name: 'kjs', partitions: CASES.length }, { name: 'kjs-idempotent', partitions: 2 }],
    producerIdBlocks: new ZooKeeperProducerIdBlockStore(zkClient),
  });
  kafka = new Kafka({ clientId: 'kjs-test', brokers: [broker.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 3 } });
});

after(async () => {
  for (const p of producers) await p.disconnect().catch(() => undefined);
  await broker?.stop();
  if (broker) rmSync(broker.logDir, { recursive: true, force: true });
  await zkClient?.close();
  await zk?.stop();
});

async function consume(topic: string, partition: number, count: number): Promise<string> {
  // -c stops after `count` records: acks=0 gives no acknowledgement to wait for, so kcat waits for them instead.
  const r = await kcat(['-b', broker.bootstrap, '-C', '-t', topic, '-p', String(partition), '-o', 'beginning', '-c', String(count), '-q', '-f', '%o|%k|%s|%h\n']);
  assert.equal(r.code, 0, r.stderr);
  return r.stdout.toString();
}

function storedCodecs(topic: string, partition: number): number[] {
  const bytes = readFileSync(join(broker.logDir, `${topic}-${partition}`, '00000000000000000000.log'));
  return [...recordBatches(bytes)].map((b) => b.compression);
}

async function producer(opts: Parameters<Kafka['producer']>[0] = {}): Promise<Producer> {
  const p = kafka.producer(opts);
  producers.push(p);
  await p.connect();
  return p;
}

test('kafkajs sends with acks 0, 1 and -1 and every codec; kcat reads back exact keys, values and headers', { skip }, async () => {
  const p = await producer();
  for (const [partition, c] of CASES.entries()) {
    const messages = Array.from({ length: 5 }, (_, i) => ({ partition, key: `k${i}`, value: `acks ${c.acks} codec ${c.codec} #${i}`, headers: { n: String(i) } }));
    const result = await p.send({ topic: 'kjs', acks: c.acks, compression: c.compression, messages });
    if (c.acks !== 0) assert.deepEqual(result.map((r) => [r.errorCode, r.baseOffset]), [[0, '0']]);
    const expected = messages.map((m, i) => `${i}|${m.key}|${m.value}|n=${i}\n`).join('');
    assert.equal(await consume('kjs', partition, 5), expected, `acks ${c.acks} compression ${c.compression}`);
    assert.deepEqual(storedCodecs('kjs', partition), [c.codec]);
  }
});

test('the kafkajs idempotent producer gets a producer id, and its batches carry consecutive sequences', { skip }, async () => {
  const p = await producer({ idempotent: true, maxInFlightRequests: 1 });
  for (let round = 0; round < 3; round++) {
    await p.send({ topic: 'kjs-idempotent', acks: -1, messages: [{ partition: 1, value: `r${round}a` }, { partition: 1, value: `r${round}b` }] });
  }
  assert.equal(await consume('kjs-idempotent', 1, 6), ['r0a', 'r0b', 'r1a', 'r1b', 'r2a', 'r2b'].map((v, i) => `${i}||${v}|\n`).join(''));
  const bytes = readFileSync(join(broker.logDir, 'kjs-idempotent-1', '00000000000000000000.log'));
  const batches = [...recordBatches(bytes)];
  assert.deepEqual(batches.map((b) => [b.producerEpoch, b.baseSequence, b.lastSequence]), [[0, 0, 1], [0, 2, 3], [0, 4, 5]]);
  assert.ok(batches.every((b) => b.producerId === batches[0]!.producerId && b.producerId >= 0));
});
