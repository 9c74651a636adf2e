// The transaction coordinator run by the broker adapter over a real Log for __transaction_state and fake broker
// channels that serve WriteTxnMarkers: a commit's records (Empty, Ongoing, PrepareCommit, CompleteCommit) on disk with
// the markers sent in between to each leader, and a prepared abort completed by the next leader after a leadership
// change, its markers carrying the new coordinator epoch.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerMetadata, MetadataTopic } from '../../../../../src/kafka/broker/broker-metadata.js';
import { keyedRecordDecoder, readInternalPartition } from '../../../../../src/kafka/broker/internal-topics/internal-topic-reader.js';
import { TxnCoordinatorService } from '../../../../../src/kafka/broker/txn/txn-coordinator-service.js';
import type { MarkerChannel } from '../../../../../src/kafka/broker/txn/txn-marker-sender.js';
import { decodeTxnLogRecord, TRANSACTION_STATE_TOPIC } from '../../../../../src/kafka/coordinator/txn/txn-log-records.js';
import { txnStateOf } from '../../../../../src/kafka/coordinator/txn/txn-metadata.js';
import { ApiKey, ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import type { WriteTxnMarkersRequest } from '../../../../../src/kafka/protocol/schemas/write-txn-markers.js';
import { ManualScheduler } from '../../../../../src/kafka/storage/scheduler.js';
import { waitFor } from '../../../../support/kafka-broker-process.js';
import { kafkaTempDir } from '../../../../support/kafka-log.js';
import { LogBackedPartitions } from '../../../../support/log-partitions.js';

const dirs: { remove(): void }[] = [];
const cleanups: (() => Promise<void> | void)[] = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
  for (const d of dirs) d.remove();
});

class FakeMetadata implements BrokerMetadata {
  clusterId() { return 'c'; }
  controllerId() { return 1; }
  aliveBrokers() { return [1, 2].map((id) => ({ id, host: `b${id}`, port: 9000 + id, rack: null })); }
  topic(name: string): MetadataTopic | undefined {
    if (name !== 'orders') return undefined;
    return { name, topicId: 'x', isInternal: false, partitions: [1, 2].map((leaderId, partition) => ({ partition, leaderId, leaderEpoch: 0, replicas: [leaderId], isr: [leaderId], offlineReplicas: [], errorCode: 0 })) };
  }
  allTopics() { return []; }
}

function rig() {
  const dir = kafkaTempDir('txn-');
  dirs.push(dir);
  const partitions = new LogBackedPartitions(dir.path);
  const clock = new ManualScheduler(1_700_000_000_000);
  const sent: { brokerId: number; request: WriteTxnMarkersRequest }[] = [];
  let holding: Promise<void> | undefined;
  let release: (() => void) | undefined;
  const connect = (brokerId: number): MarkerChannel => ({
    async send(apiKey, _version, body) {
      if (apiKey === ApiKey.ApiVersions) return { errorCode: 0, apiKeys: [{ apiKey: ApiKey.WriteTxnMarkers, minVersion: 0, maxVersion: 1 }] };
      const request = body as WriteTxnMarkersRequest;
      sent.push({ brokerId, request });
      if (holding) await holding;
      return { markers: request.markers.map((m) => ({ producerId: m.producerId, topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((partitionIndex) => ({ partitionIndex, errorCode: 0 })) })) })) };
    },
    close() {},
  });
  let nextId = 100n;
  const service = new TxnCoordinatorService({
    config: {
      transactionStateLogNumPartitions: 1, transactionMaxTimeoutMs: 900_000, transactionalIdExpirationMs: 604_800_000,
      transactionAbortTimedOutTransactionCleanupIntervalMs: 10_000, transactionRemoveExpiredTransactionCleanupIntervalMs: 3_600_000,
      transactionStateLogLoadBufferSize: 128,
    },
    partitions, clock, scheduler: clock, log: () => {}, brokerId: 1,
    producerIds: { generateProducerId: async () => nextId++ },
    markers: { metadata: new FakeMetadata(), interBrokerListenerName: 'PLAINTEXT', connect },
  });
  cleanups.push(() => service.shutdown(), () => partitions.close());
  const states = async () => {
    const records = await readInternalPartition(partitions, TRANSACTION_STATE_TOPIC, 0, 1 << 20, keyedRecordDecoder(TRANSACTION_STATE_TOPIC, decodeTxnLogRecord));
    return records.map((r) => (r.value === null ? 'tombstone' : txnStateOf(r.value.transactionStatus)));
  };
  return {
    partitions, service, sent, states,
    hold() {
      holding = new Promise((resolve) => (release = resolve));
    },
    release() {
      holding = undefined;
      release?.();
    },
  };
}

const ORDERS = [{ topic: 'orders', partition: 0 }, { topic: 'orders', partition: 1 }];

test('a commit is written, answered, marked at each leader and completed', async () => {
  const r = rig();
  await r.partitions.lead(TRANSACTION_STATE_TOPIC, 0, 4);
  await r.service.settled();
  const init = await r.service.initProducerId({ transactionalId: 't1', transactionTimeoutMs: 60_000, expected: undefined });
  assert.deepEqual(init, { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 0 });
  assert.equal(await r.service.addPartitions({ transactionalId: 't1', producerId: 100n, producerEpoch: 0, partitions: ORDERS }), ErrorCode.NONE);
  assert.equal(await r.service.endTxn({ transactionalId: 't1', producerId: 100n, producerEpoch: 0, commit: true }), ErrorCode.NONE);
  await waitFor('CompleteCommit', async () => (await r.states()).at(-1) === 'CompleteCommit');
  assert.deepEqual(await r.states(), ['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit']);
  assert.deepEqual(r.sent.map((s) => [s.brokerId, s.request.markers.map((m) => [m.producerId, m.producerEpoch, m.transactionResult, m.coordinatorEpoch, m.topics])]).sort(), [
    [1, [[100n, 0, true, 4, [{ name: 'orders', partitionIndexes: [0] }]]]],
    [2, [[100n, 0, true, 4, [{ name: 'orders', partitionIndexes: [1] }]]]],
  ]);
  // The next InitProducerId bumps the epoch.
  assert.deepEqual(await r.service.initProducerId({ transactionalId: 't1', transactionTimeoutMs: 60_000, expected: undefined }), { errorCode: ErrorCode.NONE, producerId: 100n, producerEpoch: 1 });
});

test('a prepared abort is completed by the next leader of the partition with its coordinator epoch', async () => {
  const r = rig();
  await r.partitions.lead(TRANSACTION_STATE_TOPIC, 0, 4);
  await r.service.settled();
  await r.service.initProducerId({ transactionalId: 't1', transactionTimeoutMs: 60_000, expected: undefined });
  await r.service.addPartitions({ transactionalId: 't1', producerId: 100n, producerEpoch: 0, partitions: ORDERS });
  r.hold();
  assert.equal(await r.service.endTxn({ transactionalId: 't1', producerId: 100n, producerEpoch: 0, commit: false }), ErrorCode.NONE);
  await waitFor('markers sent', () => r.sent.length === 2);
  r.partitions.resign(TRANSACTION_STATE_TOPIC, 0, 5);
  assert.equal(await r.service.endTxn({ transactionalId: 't1', producerId: 100n, producerEpoch: 0, commit: false }), ErrorCode.NOT_COORDINATOR);
  r.release();
  await r.partitions.lead(TRANSACTION_STATE_TOPIC, 0, 6);
  await r.service.settled();
  await waitFor('CompleteAbort', async () => (await r.states()).at(-1) === 'CompleteAbort');
  assert.deepEqual(await r.states(), ['Empty', 'Ongoing', 'PrepareAbort', 'CompleteAbort']);
  assert.deepEqual(r.sent.slice(2).map((s) => s.request.markers[0]!.coordinatorEpoch), [6, 6]);
});
