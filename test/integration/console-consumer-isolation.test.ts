// console-consumer --isolation-level: read_committed fetches with isolation_level 1 and prints no record of an aborted
// transaction, read_uncommitted (the default) prints them; neither prints transaction markers. The first test serves
// a hand-built partition (transactions, markers, the aborted list) in place of the first Fetch answer, so the tool
// sees exactly those batches; the second writes real transactions and markers through the broker (WriteTxnMarkers).
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { KafkaAdmin, KafkaProducer } from '../../src/kafka/client/index.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildEndTxnMarker, buildRecordBatch } from '../../src/kafka/protocol/records/index.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';
import { runToolBytes } from '../support/run-tool.js';

let kafka: OurKafka;
let admin: KafkaAdmin;

before(async () => {
  kafka = await startOurKafka(62, ['num.partitions=1']);
  admin = new KafkaAdmin({ bootstrapServers: kafka.bootstrap, retryBackoffMs: 20 });
  await admin.createTopics([
    { name: 'iso-served', numPartitions: 1, replicationFactor: 1 },
    { name: 'iso-real', numPartitions: 1, replicationFactor: 1 },
  ]);
});

after(async () => {
  kafka?.hooks.clear();
  await admin?.close();
  await kafka?.stop();
});

const rec = (v: string) => ({ key: null, value: Buffer.from(v), timestamp: 1000 });
const txn = (producerId: number, baseOffset: number, baseSequence: number, ...vs: string[]) =>
  buildRecordBatch(vs.map(rec), { baseOffset, producerId, producerEpoch: 0, baseSequence, isTransactional: true });
const marker = (producerId: number, baseOffset: number, commit: boolean) =>
  buildEndTxnMarker({ producerId, producerEpoch: 0, commit, coordinatorEpoch: 0, timestamp: 1000, baseOffset });

const consume = (topic: string, maxMessages: number, ...extra: string[]) =>
  runToolBytes(['console-consumer', '--bootstrap-server', kafka.bootstrap, '--topic', topic, '--from-beginning', '--max-messages', String(maxMessages), '--timeout-ms', '20000', ...extra]);

test('read_committed leaves out aborted transactions and markers of the partition it is served; read_uncommitted shows every data record', async () => {
  // The served answer covers offsets 0-11 of a log of 13 records: the next fetch reads the real record at 12.
  const producer = new KafkaProducer({ bootstrapServers: kafka.bootstrap, lingerMs: 1 });
  for (let i = 0; i < 13; i++) await producer.send({ topic: 'iso-served', partition: 0, value: `later-${i}` });
  await producer.close();
  const served = Buffer.concat([
    await buildRecordBatch([rec('plain')], { baseOffset: 0 }),
    await txn(7, 1, 0, 'aborted-1', 'aborted-2'),
    await txn(8, 3, 0, 'committed-1'),
    marker(7, 4, false),
    marker(8, 5, true),
    await txn(7, 6, 2, 'committed-2'),
    marker(7, 7, true),
    await txn(9, 8, 0, 'aborted-3'),
    marker(9, 9, false),
    await buildRecordBatch([rec('end-1'), rec('end-2')], { baseOffset: 10 }),
  ]);
  const isolationLevels: number[] = [];
  kafka.hooks.set(ApiKey.Fetch, (request) => {
    const first = request.body.topics.some((t) => t.partitions.some((p) => p.fetchOffset === 0n));
    if (!first) return undefined;
    isolationLevels.push(request.body.isolationLevel ?? 0);
    return {
      response: (response) => ({
        ...response,
        responses: response.responses.map((t) => ({
          ...t,
          partitions: t.partitions.map((p) => ({
            ...p,
            records: served,
            abortedTransactions: request.body.isolationLevel === 1 ? [{ producerId: 9n, firstOffset: 8n }, { producerId: 7n, firstOffset: 1n }] : null,
          })),
        })),
      }),
    };
  });
  try {
    const committed = await consume('iso-served', 6, '--isolation-level', 'read_committed');
    assert.equal(committed.code, 0, committed.stderr);
    assert.equal(committed.stdout.toString(), 'plain\ncommitted-1\ncommitted-2\nend-1\nend-2\nlater-12\n');
    const uncommitted = await consume('iso-served', 9);
    assert.equal(uncommitted.code, 0, uncommitted.stderr);
    assert.equal(uncommitted.stdout.toString(), 'plain\naborted-1\naborted-2\ncommitted-1\ncommitted-2\naborted-3\nend-1\nend-2\nlater-12\n');
    assert.deepEqual(isolationLevels, [1, 0]);
  } finally {
    kafka.hooks.clear(ApiKey.Fetch);
  }
});

test('read_committed over real transactions and markers', async () => {
  const raw = await RawKafkaClient.connect(kafka.port);
  try {
    const init = await raw.request(ApiKey.InitProducerId, 4, { transactionalId: null, transactionTimeoutMs: 60_000, producerId: -1n, producerEpoch: -1 });
    assert.equal(init.errorCode, ErrorCode.NONE);
    const pid = Number(init.producerId);
    const produce = async (records: Buffer) => {
      const r = await raw.request(ApiKey.Produce, 8, { transactionalId: 'iso-app', acks: -1, timeoutMs: 10_000, topicData: [{ name: 'iso-real', partitionData: [{ index: 0, records }] }] });
      assert.equal(r.responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
    };
    const end = async (commit: boolean) => {
      const r = await raw.request(ApiKey.WriteTxnMarkers, 1, { markers: [{ producerId: BigInt(pid), producerEpoch: 0, transactionResult: commit, coordinatorEpoch: 0, topics: [{ name: 'iso-real', partitionIndexes: [0] }] }] });
      assert.equal(r.markers[0]!.topics[0]!.partitions[0]!.errorCode, ErrorCode.NONE);
    };
    await produce(await txn(pid, 0, 0, 'aborted-1', 'aborted-2'));
    await end(false);
    await produce(await txn(pid, 0, 2, 'committed-1'));
    await end(true);
    await produce(await buildRecordBatch([rec('plain')], {}));
    const committed = await consume('iso-real', 2, '--isolation-level', 'read_committed');
    assert.equal(committed.stdout.toString(), 'committed-1\nplain\n');
    const uncommitted = await consume('iso-real', 4);
    assert.equal(uncommitted.stdout.toString(), 'aborted-1\naborted-2\ncommitted-1\nplain\n');
  } finally {
    raw.close();
  }
});
