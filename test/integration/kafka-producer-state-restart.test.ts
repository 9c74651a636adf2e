// An idempotent producer's retry after a broker restart is still recognised: the producer state is rebuilt from the
// batch headers in the log when the partition is opened again.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { rmSync } from 'node:fs';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { buildRecordBatchSync } from '../../src/kafka/protocol/records/index.js';
import { startDataBroker, type DataBroker } from '../support/data-broker.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';

const topics = [{ name: 'seq', partitions: 1 }];
const started: DataBroker[] = [];
const clients: RawKafkaClient[] = [];

let zk: OurZk | undefined;

after(async () => {
  for (const c of clients) c.close();
  for (const b of started) await b.stop();
  if (started[0]) rmSync(started[0].logDir, { recursive: true, force: true });
  await zk?.stop();
});

async function produceSeq(b: DataBroker, baseSequence: number, values: string[]) {
  const c = await RawKafkaClient.connect(b.port);
  clients.push(c);
  const records = buildRecordBatchSync(values.map((value) => ({ value })), { producerId: 77, producerEpoch: 3, baseSequence, now: 1_700_000_000_000 });
  const res = await c.request(ApiKey.Produce, 8, { transactionalId: null, acks: -1, timeoutMs: 5000, topicData: [{ name: 'seq', partitionData: [{ index: 0, records }] }] });
  const p = res.responses[0]!.partitionResponses[0]!;
  return [p.errorCode, p.baseOffset];
}

test('after a restart a retried batch gets its original offset, the next sequence is appended, a gap is refused', async () => {
  zk = await startOurZooKeeper();
  const first = await startDataBroker({ topics, zkConnect: zk.connectString });
  started.push(first);
  assert.deepEqual(await produceSeq(first, 0, ['a', 'b']), [0, 0n]);
  assert.deepEqual(await produceSeq(first, 2, ['c']), [0, 2n]);
  await first.stop();
  started.pop();
  const second = await startDataBroker({ topics, zkConnect: zk.connectString, logDir: first.logDir, leaderEpoch: 1 });
  started.push(second);
  assert.deepEqual(await produceSeq(second, 0, ['a', 'b']), [0, 0n]);
  assert.deepEqual(await produceSeq(second, 2, ['c']), [0, 2n]);
  assert.deepEqual(await produceSeq(second, 9, ['gap']), [ErrorCode.OUT_OF_ORDER_SEQUENCE_NUMBER, -1n]);
  assert.deepEqual(await produceSeq(second, 3, ['d']), [0, 3n]);
  assert.equal(second.server.replicaManager.getPartition('seq', 0)!.log.logEndOffset, 4);
});
