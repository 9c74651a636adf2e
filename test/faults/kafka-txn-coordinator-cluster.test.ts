// The transaction coordinator in a cluster of three real broker processes on our ZooKeeper: __transaction_state is
// not created while fewer brokers than transaction.state.log.replication.factor (3) are alive, then is; a raw
// client commits a transaction over partitions led by every broker (PrepareCommit, the markers, CompleteCommit); the
// coordinator is killed with -9 and the new leader of the transactional id's partition loads the transactional id,
// whose next InitProducerId gets the same producer id at the next epoch.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import { BrokerNetworkClient } from '../../src/kafka/broker/network-client.js';
import { keyedRecordDecoder } from '../../src/kafka/broker/internal-topics/internal-topic-reader.js';
import { TransactionCoordinator } from '../../src/kafka/coordinator/txn/txn-coordinator.js';
import { decodeTxnLogRecord, TRANSACTION_STATE_TOPIC, type TxnLogRecord } from '../../src/kafka/coordinator/txn/txn-log-records.js';
import { txnStateOf } from '../../src/kafka/coordinator/txn/txn-metadata.js';
import { ApiKey, ErrorCode } from '../../src/kafka/protocol/index.js';
import { KafkaZkClient } from '../../src/kafka/zk/kafka-zk-client.js';
import { connectZooKeeper, type ZooKeeperClient } from '../../src/zookeeper/client/index.js';
import { BrokerProcesses, waitFor, type BrokerProcess } from '../support/kafka-broker-process.js';
import { freePort } from '../support/ports.js';
import { startOurZooKeeper, type OurZk } from '../support/our-zk.js';
import { replicatedBrokerSettings } from '../support/replicated-brokers.js';

const BROKER_IDS = [1, 2, 3];
const TXN_PARTITIONS = 3;
const TOPIC = 'txn-cluster';
const TXN_ID = 'cluster-txn';
const COMMON = [
  ...replicatedBrokerSettings({ sessionTimeoutMs: 6000, replicaLagTimeMaxMs: 10_000 }),
  `transaction.state.log.num.partitions=${TXN_PARTITIONS}`,
];

let zkServer: OurZk;
let zk: ZooKeeperClient;
let kafkaZk: KafkaZkClient;
const processes = new BrokerProcesses();
const ports = new Map<number, number>();
const brokers = new Map<number, BrokerProcess>();
const clients = new Map<number, BrokerNetworkClient>();

function client(id: number): BrokerNetworkClient {
  let c = clients.get(id);
  if (c === undefined) {
    c = new BrokerNetworkClient('127.0.0.1', ports.get(id)!, 'txn-cluster-test', 30_000);
    clients.set(id, c);
  }
  return c;
}

function spawnBroker(id: number): BrokerProcess {
  const broker = processes.spawn(processes.workDir('zkafka-txn-cluster-'), [`broker.id=${id}`, `listeners=PLAINTEXT://127.0.0.1:${ports.get(id)}`, `zookeeper.connect=${zkServer.connectString}`, ...COMMON], 60_000);
  brokers.set(id, broker);
  return broker;
}

before(async () => {
  zkServer = await startOurZooKeeper({ extraConfig: { tickTime: '500' } });
  zk = await connectZooKeeper(zkServer.connectString, { sessionTimeoutMs: 6000 });
  kafkaZk = new KafkaZkClient(zk);
  for (const id of BROKER_IDS) ports.set(id, await freePort());
});

after(async () => {
  for (const c of clients.values()) c.close();
  await processes.cleanup();
  await zk?.close();
  await zkServer?.stop();
});

const txnPartition = new TransactionCoordinator({
  transactionStateLogNumPartitions: TXN_PARTITIONS, transactionMaxTimeoutMs: 1, transactionalIdExpirationMs: 1,
  transactionAbortTimedOutTransactionCleanupIntervalMs: 1, transactionRemoveExpiredTransactionCleanupIntervalMs: 1,
}).partitionFor(TXN_ID);

async function findCoordinator(askId: number): Promise<number> {
  return waitFor('the transaction coordinator', async () => {
    const r = await client(askId).send(ApiKey.FindCoordinator, 1, { key: TXN_ID, keyType: 1 });
    return r.errorCode === ErrorCode.NONE ? r.nodeId : undefined;
  }, 60_000);
}

async function txnRecords(leaderId: number): Promise<TxnLogRecord[]> {
  const r = await client(leaderId).send(ApiKey.Fetch, 4, {
    replicaId: -1, maxWaitMs: 0, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 0,
    topics: [{ topic: TRANSACTION_STATE_TOPIC, partitions: [{ partition: txnPartition, fetchOffset: 0n, partitionMaxBytes: 1 << 20 }] }],
  });
  const p = r.responses[0]!.partitions[0]!;
  if (p.errorCode !== ErrorCode.NONE) return [];
  const bytes = p.records ? Buffer.from(p.records) : Buffer.alloc(0);
  return (await keyedRecordDecoder(TRANSACTION_STATE_TOPIC, decodeTxnLogRecord)(bytes, 0n)).records.filter((x) => x.transactionalId === TXN_ID);
}

const statesOf = (records: TxnLogRecord[]) => records.map((r) => (r.value === null ? 'tombstone' : txnStateOf(r.value.transactionStatus)));

test('__transaction_state waits for three brokers; a committed transaction survives the coordinator being killed', async () => {
  await spawnBroker(1).started;
  await waitFor('broker 1 registered', async () => (await kafkaZk.getAllBrokers()).length === 1, 30_000);
  const alone = await client(1).send(ApiKey.FindCoordinator, 1, { key: TXN_ID, keyType: 1 });
  assert.equal(alone.errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  await new Promise((r) => setImmediate(r));
  assert.equal((await kafkaZk.getAllTopics()).includes(TRANSACTION_STATE_TOPIC), false);

  await Promise.all([spawnBroker(2).started, spawnBroker(3).started]);
  await waitFor('three brokers registered', async () => (await kafkaZk.getAllBrokers()).length === 3, 30_000);
  const created = await client(1).send(ApiKey.CreateTopics, 4, { topics: [{ name: TOPIC, numPartitions: 3, replicationFactor: 3, assignments: [], configs: [] }], timeoutMs: 30_000, validateOnly: false });
  assert.equal(created.topics[0]!.errorCode, ErrorCode.NONE);
  const coordinator = await findCoordinator(1);
  const assignment = await waitFor(`${TRANSACTION_STATE_TOPIC}-${txnPartition} in ZooKeeper`, async () => (await kafkaZk.getTopicAssignment(TRANSACTION_STATE_TOPIC))?.partitions.get(txnPartition));
  assert.equal(assignment.replicas.length, 3);

  const init = await waitFor('InitProducerId', async () => {
    const r = await client(coordinator).send(ApiKey.InitProducerId, 1, { transactionalId: TXN_ID, transactionTimeoutMs: 120_000 });
    return r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.errorCode === ErrorCode.NOT_COORDINATOR ? undefined : r;
  });
  assert.equal(init.errorCode, ErrorCode.NONE);
  const added = await waitFor('AddPartitionsToTxn', async () => {
    const r = await client(coordinator).send(ApiKey.AddPartitionsToTxn, 1, {
      v3AndBelowTransactionalId: TXN_ID, v3AndBelowProducerId: init.producerId, v3AndBelowProducerEpoch: init.producerEpoch,
      v3AndBelowTopics: [{ name: TOPIC, partitions: [0, 1, 2] }],
    });
    const codes = r.resultsByTopicV3AndBelow![0]!.resultsByPartition.map((p) => p.partitionErrorCode);
    return codes.includes(ErrorCode.UNKNOWN_TOPIC_OR_PARTITION) ? undefined : codes;
  });
  assert.deepEqual(added, [ErrorCode.NONE, ErrorCode.NONE, ErrorCode.NONE]);
  const end = await client(coordinator).send(ApiKey.EndTxn, 1, { transactionalId: TXN_ID, producerId: init.producerId, producerEpoch: init.producerEpoch, committed: true });
  assert.equal(end.errorCode, ErrorCode.NONE);
  const expected = ['Empty', 'Ongoing', 'PrepareCommit', 'CompleteCommit'];
  assert.deepEqual(statesOf(await waitFor('the records', async () => {
    const r = await txnRecords(coordinator);
    return r.length >= expected.length ? r : undefined;
  })), expected);

  await processes.kill9(brokers.get(coordinator)!);
  clients.get(coordinator)?.close();
  clients.delete(coordinator);
  const survivor = BROKER_IDS.find((id) => id !== coordinator)!;
  const next = await waitFor('a new coordinator', async () => {
    const id = await findCoordinator(survivor);
    return id !== coordinator ? id : undefined;
  }, 60_000);
  // The new coordinator loaded the completed commit: InitProducerId bumps the epoch.
  const after = await waitFor('InitProducerId at the new coordinator', async () => {
    const r = await client(next).send(ApiKey.InitProducerId, 1, { transactionalId: TXN_ID, transactionTimeoutMs: 120_000 });
    if (r.errorCode === ErrorCode.COORDINATOR_LOAD_IN_PROGRESS || r.errorCode === ErrorCode.NOT_COORDINATOR) return undefined;
    if (r.errorCode === ErrorCode.CONCURRENT_TRANSACTIONS) return undefined;
    return r;
  }, 60_000);
  assert.deepEqual([after.errorCode, after.producerId, after.producerEpoch], [ErrorCode.NONE, init.producerId, 1]);
});
