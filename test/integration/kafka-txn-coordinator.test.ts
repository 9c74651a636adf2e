// The transaction coordinator in a real broker (with its own ZooKeeper): a raw client runs FindCoordinator(1) →
// InitProducerId → AddPartitionsToTxn → EndTxn(commit) and the transactional id's __transaction_state partition holds
// Ongoing → PrepareCommit → CompleteCommit (the partitions answer the coordinator's WriteTxnMarkers); a kafkajs
// transactional producer commits and aborts, and the records show both completed.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { Kafka, logLevel } from 'kafkajs';
import { TransactionCoordinator } from '../../src/kafka/coordinator/txn/txn-coordinator.js';
import { decodeTxnLogRecord, TRANSACTION_STATE_TOPIC, type TxnLogRecord } from '../../src/kafka/coordinator/txn/txn-log-records.js';
import { txnStateOf } from '../../src/kafka/coordinator/txn/txn-metadata.js';
import { partitionForGroup } from '../../src/kafka/coordinator/group-partition.js';
import { keyedRecordDecoder, readInternalPartition } from '../../src/kafka/broker/internal-topics/internal-topic-reader.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { waitFor } from '../support/kafka-broker-process.js';
import { RawKafkaClient } from '../support/kafka-raw-client.js';
import { startOurKafka, type OurKafka } from '../support/our-kafka.js';

const TXN_PARTITIONS = 5;
const TOPIC = 'txn-orders';
let kafka: OurKafka;

before(async () => {
  kafka = await startOurKafka(1, [
    'transaction.state.log.replication.factor=1', 'transaction.state.log.min.isr=1', `transaction.state.log.num.partitions=${TXN_PARTITIONS}`,
    'num.partitions=2', 'auto.create.topics.enable=true',
  ]);
});

after(async () => {
  await kafka?.stop();
});

async function txnStateRecords(transactionalId: string): Promise<TxnLogRecord[]> {
  const partition = new TransactionCoordinator({
    transactionStateLogNumPartitions: TXN_PARTITIONS, transactionMaxTimeoutMs: 1, transactionalIdExpirationMs: 1,
    transactionAbortTimedOutTransactionCleanupIntervalMs: 1, transactionRemoveExpiredTransactionCleanupIntervalMs: 1,
  }).partitionFor(transactionalId);
  const all = await readInternalPartition(kafka.server.replicaManager, TRANSACTION_STATE_TOPIC, partition, 1 << 20, keyedRecordDecoder(TRANSACTION_STATE_TOPIC, decodeTxnLogRecord));
  return all.filter((r) => r.transactionalId === transactionalId);
}

const statesOf = (records: TxnLogRecord[]) => records.map((r) => (r.value === null ? 'tombstone' : txnStateOf(r.value.transactionStatus)));

test('raw FindCoordinator, InitProducerId, AddPartitionsToTxn and EndTxn write Ongoing, PrepareCommit (and CompleteCommit) records', async () => {
  const client = await RawKafkaClient.connect(kafka.port);
  try {
    const transactionalId = 'raw-txn';
    await client.request(ApiKey.Metadata, 1, { topics: [{ name: TOPIC }] });
    await waitFor('the topic to have leaders', async () => {
      const m = await client.request(ApiKey.Metadata, 1, { topics: [{ name: TOPIC }] });
      return m.topics[0]?.errorCode === ErrorCode.NONE && m.topics[0].partitions.length === 2;
    });
    const found = await waitFor('the transaction coordinator', async () => {
      const r = await client.request(ApiKey.FindCoordinator, 1, { key: transactionalId, keyType: 1 });
      return r.errorCode === ErrorCode.NONE ? r : undefined;
    }, 30_000);
    assert.equal(found.nodeId, 1);
    assert.equal(found.port, kafka.port);
    const init = await waitFor('InitProducerId', async () => {
      const r = await client.request(ApiKey.InitProducerId, 1, { transactionalId, transactionTimeoutMs: 60_000 });
      return r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS ? undefined : r;
    });
    assert.equal(init.errorCode, ErrorCode.NONE);
    assert.equal(init.producerEpoch, 0);
    const tooLong = await client.request(ApiKey.InitProducerId, 1, { transactionalId, transactionTimeoutMs: 900_001 });
    assert.equal(tooLong.errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);

    const add = await client.request(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch,
      v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1] }, { name: 'no-such-topic', partitions: [0] }],
    });
    assert.deepEqual(add.resultsByTopicV3AndBelow!.map((t) => [t.name, t.resultsByPartition.map((p) => p.partitionErrorCode)]), [
      [TOPIC, [ErrorCode.OPERATION_NOT_ATTEMPTED, ErrorCode.OPERATION_NOT_ATTEMPTED]],
      ['no-such-topic', [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]],
    ]);
    const added = await client.request(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch,
      v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1] }],
    });
    assert.deepEqual(added.resultsByTopicV3AndBelow![0]!.resultsByPartition.map((p) => p.partitionErrorCode), [ErrorCode.NONE, ErrorCode.NONE]);
    const fenced = await client.request(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: transactionalId, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch + 1,
      v3AndBelowTopics: [{ name: TOPIC, partitions: [0] }],
    });
    assert.equal(fenced.resultsByTopicV3AndBelow![0]!.resultsByPartition[0]!.partitionErrorCode, ErrorCode.INVALID_PRODUCER_EPOCH);

    const offsets = await client.request(ApiKey.AddOffsetsToTxn, 1, { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch, groupId: 'txn-group' });
    assert.equal(offsets.errorCode, ErrorCode.NONE);
    const end = await client.request(ApiKey.EndTxn, 1, { transactionalId, producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true });
    assert.equal(end.errorCode, ErrorCode.NONE);

    const expected = ['Empty', 'Ongoing', 'Ongoing', 'PrepareCommit', 'CompleteCommit'];
    const records = await waitFor(`records ${expected.join(' → ')}`, async () => {
      const r = await txnStateRecords(transactionalId);
      return statesOf(r).length >= expected.length ? r : undefined;
    });
    assert.deepEqual(statesOf(records), expected);
    const prepare = records[3]!.value!;
    assert.equal(prepare.producerId, init.producerId);
    // AddOffsetsToTxn added the group's __consumer_offsets partition (offsets.topic.num.partitions 50).
    assert.deepEqual(prepare.transactionPartitions, [{ topic: TOPIC, partitionIds: [0, 1] }, { topic: '__consumer_offsets', partitionIds: [partitionForGroup('txn-group', 50)] }]);
    assert.equal(records[4]!.value!.transactionPartitions!.length, 0);
  } finally {
    client.close();
  }
});

test('a kafkajs transactional producer commits and aborts', async () => {
  const client = new Kafka({ clientId: 'txn-test', brokers: [kafka.bootstrap], logLevel: logLevel.NOTHING, retry: { retries: 10, initialRetryTime: 100, maxRetryTime: 1000 } });
  const producer = client.producer({ transactionalId: 'kafkajs-txn', idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    const first = await producer.transaction();
    await first.send({ topic: TOPIC, messages: [{ key: 'a', value: '1' }, { key: 'b', value: '2' }] });
    await first.commit();
    const second = await producer.transaction();
    await second.send({ topic: TOPIC, messages: [{ key: 'c', value: '3' }] });
    await second.abort();
    const records = await waitFor('CompleteAbort', async () => {
      const r = await txnStateRecords('kafkajs-txn');
      return statesOf(r).at(-1) === 'CompleteAbort' ? r : undefined;
    });
    assert.deepEqual(statesOf(records).slice(-6), ['Ongoing', 'PrepareCommit', 'CompleteCommit', 'Ongoing', 'PrepareAbort', 'CompleteAbort']);
  } finally {
    await producer.disconnect();
  }
});
