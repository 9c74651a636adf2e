// kcat (librdkafka) producing to and consuming from our broker: keys, headers, every codec, idempotence (producer ids
// claimed in our ZooKeeper server), a topic that recompresses, LogAppendTime, ListOffsets through -Q and -o. Every
// record read back is compared exactly, and the stored batches are checked on disk.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { decodeProducerIdBlock } from '../../../src/kafka/zk/zk-data.js';
import { ZooKeeperProducerIdBlockStore } from '../../../src/kafka/broker/replica/producer-id-manager.js';
import { RecordBatchView } from '../../../src/kafka/protocol/records/index.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../../src/zookeeper/client/index.js';
import { startDataBroker, type DataBroker } from '../../support/data-broker.js';
import { kcat, kcatAvailable } from '../../support/kcat.js';
import { startOurZooKeeper, type OurZk } from '../../support/our-zk.js';

const skip = kcatAvailable ? false : 'kcat is not installed';
const CODECS = ['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const;

let zk: OurZk;
let zkClient: ZooKeeperClient;
let broker: DataBroker;

before(async () => {
  if (!kcatAvailable) return;
  zk = await startOurZooKeeper();
  zkClient = await connectZooKeeper(zk.connectString);
  broker = await startDataBroker({
    zkConnect: zk.connectString,
    topics: [
      { name: 'plain', partitions: 1 },
      { name: 'codecs', partitions: CODECS.length },
      { name: 'idempotent', partitions: 1 },
      { name: 'recompressed', partitions: 1, config: { compressionType: 'gzip' } },
      { name: 'append-time', partitions: 1, config: { messageTimestampType: 'LogAppendTime' } },
      { name: 'offsets', partitions: 1 },
    ],
    producerIdBlocks: new ZooKeeperProducerIdBlockStore(zkClient),
  });
});

after(async () => {
  await broker?.stop();
  if (broker) rmSync(broker.logDir, { recursive: true, force: true });
  await zkClient?.close();
  await zk?.stop();
});

async function kcatOk(args: string[], input?: string): Promise<string> {
  const r = await kcat(['-b', broker.bootstrap, ...args], input);
  assert.equal(r.code, 0, `kcat ${args.join(' ')}: ${r.stderr}`);
  return r.stdout.toString();
}

/** The first batch stored in a partition's first segment. */
function storedBatch(topic: string, partition: number): RecordBatchView {
  const bytes = readFileSync(join(broker.logDir, `${topic}-${partition}`, '00000000000000000000.log'));
  return new RecordBatchView(bytes, 0);
}

test('kcat -P with keys and headers, then -C -e: exact offsets, keys, values and headers', { skip }, async () => {
  await kcatOk(['-P', '-t', 'plain', '-p', '0', '-K', ':', '-H', 'h1=one', '-H', 'h2=two'], 'alpha:first\nbeta:second\n:no key\n');
  const out = await kcatOk(['-C', '-t', 'plain', '-p', '0', '-e', '-q', '-f', '%p|%o|%k|%s|%h\n']);
  assert.equal(out, '0|0|alpha|first|h1=one,h2=two\n0|1|beta|second|h1=one,h2=two\n0|2||no key|h1=one,h2=two\n');
});

test('kcat produces with every codec; the batches are stored as sent and consumed back exactly', { skip }, async () => {
  for (const [partition, codec] of CODECS.entries()) {
    const lines = Array.from({ length: 20 }, (_, i) => `${codec}-${i}:${codec} value ${i} ${'x'.repeat(i * 10)}`);
    await kcatOk(['-P', '-t', 'codecs', '-p', String(partition), '-z', codec, '-K', ':', '-X', 'linger.ms=50'], lines.join('\n') + '\n');
    const out = await kcatOk(['-C', '-t', 'codecs', '-p', String(partition), '-e', '-q', '-f', '%o %k=%s\n']);
    assert.equal(out, lines.map((l, i) => `${i} ${l.replace(':', '=')}\n`).join(''), codec);
    // librdkafka enables lz4 only when the broker advertises FindCoordinator v0 (its "LZ4" feature probe), which the
    // group coordinator brings; until then it sends those batches uncompressed.
    const findCoordinator = broker.server.dispatcher.versionTable().some((v) => v.apiKey === 10 && v.minVersion === 0);
    const expected = codec === 'lz4' && !findCoordinator ? 0 : partition;
    assert.equal(storedBatch('codecs', partition).compression, expected, `${codec} batch kept its codec`);
  }
});

test('kcat with enable.idempotence=true: a producer id from the block claimed in ZooKeeper, sequences from 0', { skip }, async () => {
  await kcatOk(['-P', '-t', 'idempotent', '-p', '0', '-X', 'enable.idempotence=true', '-z', 'lz4'], 'i1\ni2\ni3\n');
  await kcatOk(['-P', '-t', 'idempotent', '-p', '0', '-X', 'enable.idempotence=true'], 'i4\n');
  const out = await kcatOk(['-C', '-t', 'idempotent', '-p', '0', '-e', '-q', '-f', '%o:%s\n']);
  assert.equal(out, '0:i1\n1:i2\n2:i3\n3:i4\n');
  const first = storedBatch('idempotent', 0);
  assert.deepEqual([first.producerId, first.producerEpoch, first.baseSequence], [0, 0, 0]);
  const { data } = await zkClient.getData('/latest_producer_id_block');
  assert.deepEqual(decodeProducerIdBlock(data), { brokerId: 1, blockStart: 0n, blockEnd: 999n });
});

test('compression.type=gzip: a snappy batch is stored gzip-compressed, its producer\'s records unchanged', { skip }, async () => {
  await kcatOk(['-P', '-t', 'recompressed', '-p', '0', '-z', 'snappy', '-K', ':'], 'a:1\nb:2\n');
  assert.equal(storedBatch('recompressed', 0).compression, 1);
  assert.equal(await kcatOk(['-C', '-t', 'recompressed', '-p', '0', '-e', '-q', '-f', '%o %k %s\n']), '0 a 1\n1 b 2\n');
});

test('message.timestamp.type=LogAppendTime: records carry the broker\'s time', { skip }, async () => {
  const before = Date.now();
  await kcatOk(['-P', '-t', 'append-time', '-p', '0'], 'stamped\n');
  const after = Date.now();
  const out = await kcatOk(['-C', '-t', 'append-time', '-p', '0', '-e', '-q', '-f', '%T %s\n']);
  const [ts, value] = out.trim().split(' ');
  assert.equal(value, 'stamped');
  assert.ok(Number(ts) >= before && Number(ts) <= after, `${ts} within [${before}, ${after}]`);
  assert.equal(storedBatch('append-time', 0).timestampType, 1);
});

test('ListOffsets through kcat: -Q by timestamp, -o beginning, end, relative and absolute', { skip }, async () => {
  const t0 = 1_600_000_000_000;
  // -K with a timestamp per message is not in kcat's -P; produce in three runs and find them by their CreateTime.
  await kcatOk(['-P', '-t', 'offsets', '-p', '0'], 'o0\no1\n');
  const mid = Date.now();
  await kcatOk(['-P', '-t', 'offsets', '-p', '0'], 'o2\no3\no4\n');
  assert.equal(await kcatOk(['-Q', '-t', `offsets:0:${mid}`]), 'offsets [0] offset 2\n');
  assert.equal(await kcatOk(['-Q', '-t', `offsets:0:${t0}`]), 'offsets [0] offset 0\n');
  assert.equal(await kcatOk(['-Q', '-t', `offsets:0:${Date.now() + 3_600_000}`]), 'offsets [0] offset -1\n');
  const consume = (offset: string) => kcatOk(['-C', '-t', 'offsets', '-p', '0', '-o', offset, '-e', '-q', '-f', '%o:%s\n']);
  assert.equal(await consume('beginning'), '0:o0\n1:o1\n2:o2\n3:o3\n4:o4\n');
  assert.equal(await consume('-2'), '3:o3\n4:o4\n');
  assert.equal(await consume('3'), '3:o3\n4:o4\n');
  assert.equal(await consume('end'), '');
  assert.equal(await consume(`s@${mid}`), '2:o2\n3:o3\n4:o4\n');
});
