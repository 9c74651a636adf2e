// Transactions in one broker's partition logs, in one process over a real log dir: transactional batches keep the
// last stable offset at their transaction's first offset until a marker written through WriteTxnMarkers is below the
// high watermark; a read_committed fetch reads up to the LSO and is told the aborted transactions from the
// `.txnindex`; ListOffsets latest answers the LSO; a waiting read_committed fetch wakes when the LSO moves; a
// restart (from the snapshot, or replaying the log when the snapshots and the index are gone) keeps all of it.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { join } from 'node:path';
import type { PartitionStateUpdate } from '../../../../src/kafka/broker/broker-contracts.js';
import { writeTxnMarkersHandler } from '../../../../src/kafka/broker/handlers/27-write-txn-markers.js';
import { listOffsetsHandler } from '../../../../src/kafka/broker/handlers/02-list-offsets.js';
import { produceHandler } from '../../../../src/kafka/broker/handlers/00-produce.js';
import type { ProduceResponse } from '../../../../src/kafka/protocol/schemas/produce.js';
import type { RequestContext } from '../../../../src/kafka/broker/handler.js';
import { ReplicaManager } from '../../../../src/kafka/broker/replica/replica-manager.js';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { buildEndTxnMarker, buildRecordBatchSync } from '../../../../src/kafka/protocol/records/index.js';
import type { ListOffsetsResponse } from '../../../../src/kafka/protocol/schemas/list-offsets.js';
import type { WriteTxnMarkersResponse } from '../../../../src/kafka/protocol/schemas/write-txn-markers.js';
import { LogDir } from '../../../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../../../src/kafka/storage/scheduler.js';
import { crc32c } from '../../../support/kafka-batches.js';
import { waitFor } from '../../../support/kafka-broker-process.js';
import { kafkaTempDir, PARTITION_CONFIG } from '../../../support/kafka-log.js';

const TOPIC = 'txn';
const tmp = kafkaTempDir('transactions-');
const partitionDir = join(tmp.path, `${TOPIC}-0`);
after(() => tmp.remove());

interface Broker {
  rm: ReplicaManager;
  close(): Promise<void>;
}

async function startBroker(): Promise<Broker> {
  const scheduler = new TimerScheduler(() => {});
  const dir = await LogDir.open({ dir: tmp.path, clock: systemClock, scheduler, crc32c, configFor: () => PARTITION_CONFIG.log });
  const rm = new ReplicaManager({ brokerId: 1, dirs: [dir], configFor: () => PARTITION_CONFIG, log: () => {}, nowMs: () => Date.now(), highWatermarkCheckpointIntervalMs: 0 });
  const state: PartitionStateUpdate = {
    topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1], zkVersion: 0, replicas: [1],
    addingReplicas: [], removingReplicas: [], isNew: true,
  };
  const errors = await rm.becomeLeaderOrFollower(0, 1, [state]);
  assert.ok(errors.every((e) => e.errorCode === ErrorCode.NONE));
  return {
    rm,
    async close() {
      await rm.shutdown();
      await dir.close();
      scheduler.shutdown();
    },
  };
}

const ctx = { apiVersion: 1 } as RequestContext;

async function produce(rm: ReplicaManager, producerId: number, seq: number, values: string[], transactional = true): Promise<number> {
  const batch = buildRecordBatchSync(values.map((v) => ({ key: v, value: v })), { producerId, producerEpoch: 0, baseSequence: seq, isTransactional: transactional });
  const [r] = await rm.appendRecords([{ topic: TOPIC, partition: 0, records: batch }], -1, 5000, 8);
  assert.equal(r!.errorCode, ErrorCode.NONE, r!.errorMessage ?? '');
  return r!.baseOffset;
}

async function marker(rm: ReplicaManager, producerId: number, commit: boolean, coordinatorEpoch = 0, producerEpoch = 0): Promise<number> {
  const res = (await writeTxnMarkersHandler(rm).handle({
    markers: [{ producerId: BigInt(producerId), producerEpoch, transactionResult: commit, coordinatorEpoch, topics: [{ name: TOPIC, partitionIndexes: [0] }] }],
  }, ctx)) as WriteTxnMarkersResponse;
  return res.markers[0]!.topics[0]!.partitions[0]!.errorCode;
}

async function readCommitted(rm: ReplicaManager, fetchOffset = 0, maxWaitMs = 0) {
  const [r] = await rm.fetchMessages({
    replicaId: -1, maxWaitMs, minBytes: 1, maxBytes: 1 << 20, isolationLevel: 1,
    partitions: [{ topic: TOPIC, partition: 0, fetchOffset, partitionMaxBytes: 1 << 20 }],
  });
  return r!;
}

async function latest(rm: ReplicaManager, isolationLevel: number): Promise<bigint> {
  const res = (await listOffsetsHandler(rm).handle({
    replicaId: -1, isolationLevel, topics: [{ name: TOPIC, partitions: [{ partitionIndex: 0, currentLeaderEpoch: -1, timestamp: -1n }] }],
  }, { apiVersion: 5 } as RequestContext)) as ListOffsetsResponse;
  return res.topics[0]!.partitions[0]!.offset!;
}

function txnIndexFiles(): Record<string, string> {
  const out: Record<string, string> = {};
  for (const f of fs.readdirSync(partitionDir).filter((n) => n.endsWith('.txnindex'))) out[f] = fs.readFileSync(join(partitionDir, f)).toString('hex');
  return out;
}

const entryHex = (producerId: number, first: number, last: number, lso: number) =>
  '0000' + [producerId, first, last, lso].map((n) => n.toString(16).padStart(16, '0')).join('');

let broker: Broker;

test('transactional batches hold the LSO; markers move it once replicated; read_committed reads below it with the aborted list', async () => {
  broker = await startBroker();
  const { rm } = broker;
  assert.equal(await produce(rm, 100, 0, ['a1', 'a2']), 0); // 0-1: producer 100, to be aborted
  assert.equal(await produce(rm, 200, 0, ['c1']), 2); // 2: producer 200, to be committed
  assert.equal(await produce(rm, 300, 0, ['plain'], false), 3); // 3: idempotent only
  const p = rm.getPartition(TOPIC, 0)!;
  assert.equal(p.highWatermark, 4);
  assert.equal(p.lastStableOffset, 0);
  assert.equal(await latest(rm, 1), 0n);
  assert.equal(await latest(rm, 0), 4n);
  let r = await readCommitted(rm);
  assert.equal(r.lastStableOffset, 0);
  assert.equal(r.records, null);

  // A client may not write markers; a non-transactional write inside an open transaction is refused.
  const [client] = await rm.appendRecords([{ topic: TOPIC, partition: 0, records: buildEndTxnMarker({ producerId: 100, producerEpoch: 0, commit: true, coordinatorEpoch: 0, timestamp: Date.now() }) }], -1, 5000, 8);
  assert.equal(client!.errorCode, ErrorCode.INVALID_RECORD);
  const [mixed] = await rm.appendRecords([{ topic: TOPIC, partition: 0, records: buildRecordBatchSync([{ value: 'x' }], { producerId: 100, producerEpoch: 0, baseSequence: 2 }) }], -1, 5000, 8);
  assert.equal(mixed!.errorCode, ErrorCode.INVALID_TXN_STATE);

  assert.equal(await marker(rm, 100, false, 3), ErrorCode.NONE); // ABORT at 4
  assert.equal(p.lastStableOffset, 2, 'producer 200 is still open');
  assert.deepEqual(txnIndexFiles(), { '00000000000000000000.txnindex': entryHex(100, 0, 4, 2) });
  // Fenced markers: an older coordinator epoch, an older producer epoch.
  assert.equal(await marker(rm, 100, true, 2), ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  assert.equal(await produce(rm, 200, 1, ['c2']), 5);
  assert.equal(await marker(rm, 200, true, 0, 1), ErrorCode.NONE); // COMMIT at 6, producer epoch 1
  assert.equal(await marker(rm, 200, false, 0, 0), ErrorCode.INVALID_PRODUCER_EPOCH);
  assert.equal(p.lastStableOffset, 7);
  assert.equal(await latest(rm, 1), 7n);

  r = await readCommitted(rm);
  assert.equal(r.lastStableOffset, 7);
  assert.deepEqual(r.abortedTransactions, [{ producerId: 100, firstOffset: 0 }]);
  assert.ok(r.records !== null && r.records.length > 0);
  // From past the aborted transaction's marker, nothing aborted overlaps.
  assert.deepEqual((await readCommitted(rm, 5)).abortedTransactions, []);
  await broker.close();
});

test('a follower applies the same from the batches it appends, and a truncation below a marker reopens its transaction', async () => {
  broker = await startBroker();
  const read = await broker.rm.readAsLeader(TOPIC, 0, 0n, 1 << 20);
  const leaderIndex = txnIndexFiles();
  await broker.close();
  const followerTmp = kafkaTempDir('transactions-follower-');
  const scheduler = new TimerScheduler(() => {});
  const dir = await LogDir.open({ dir: followerTmp.path, clock: systemClock, scheduler, crc32c, configFor: () => PARTITION_CONFIG.log });
  const rm = new ReplicaManager({ brokerId: 2, dirs: [dir], configFor: () => PARTITION_CONFIG, log: () => {}, nowMs: () => Date.now(), highWatermarkCheckpointIntervalMs: 0 });
  try {
    await rm.becomeLeaderOrFollower(0, 1, [{
      topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [1, 2], zkVersion: 0, replicas: [1, 2],
      addingReplicas: [], removingReplicas: [], isNew: true,
    }]);
    await rm.appendRecordsAsFollower(TOPIC, 0, read.records, 4);
    const p = rm.getPartition(TOPIC, 0)!;
    assert.equal(p.lastStableOffset, 0, 'the ABORT at 4 is not below the high watermark yet');
    await rm.appendRecordsAsFollower(TOPIC, 0, Buffer.alloc(0), 5);
    assert.equal(p.lastStableOffset, 2, 'the COMMIT at 6 is not below it yet');
    await rm.appendRecordsAsFollower(TOPIC, 0, Buffer.alloc(0), 7);
    assert.equal(p.lastStableOffset, 7);
    const followerDir = join(followerTmp.path, `${TOPIC}-0`);
    const files = Object.fromEntries(fs.readdirSync(followerDir).filter((n) => n.endsWith('.txnindex')).map((f) => [f, fs.readFileSync(join(followerDir, f)).toString('hex')]));
    assert.deepEqual(files, leaderIndex);
    await p.truncateAsFollower(4, 0);
    assert.equal(p.log.logEndOffset, 4);
    assert.equal(fs.statSync(join(followerDir, '00000000000000000000.txnindex')).size, 0, 'the entry of the removed marker is gone');
    assert.equal(p.lastStableOffset, 0, 'producer 100 is open again');
  } finally {
    await rm.shutdown();
    await dir.close();
    scheduler.shutdown();
    followerTmp.remove();
  }
});

test('a read_committed fetch waiting for data wakes when the LSO moves, not when uncommitted data arrives', async () => {
  broker = await startBroker();
  const { rm } = broker;
  const p = rm.getPartition(TOPIC, 0)!;
  assert.equal(p.lastStableOffset, 7, 'restored after a clean restart');
  const waiting = readCommitted(rm, 7, 60_000);
  let answered = false;
  void waiting.then(() => (answered = true));
  await waitFor('the fetch parked', () => rm.fetchWaiters.waiting === 1, 10_000);
  await produce(rm, 400, 0, ['t1']); // 7: open transaction; the high watermark moves, the LSO does not
  assert.equal(rm.fetchWaiters.waiting, 1);
  assert.equal(answered, false);
  assert.equal(await marker(rm, 400, true), ErrorCode.NONE); // COMMIT at 8
  const r = await waiting;
  assert.equal(r.lastStableOffset, 9);
  assert.ok(r.records !== null && r.records.length > 0);
  // An open transaction at shutdown stays open after the restart.
  await produce(rm, 500, 0, ['open']); // 9
  assert.equal(p.lastStableOffset, 9);
  await broker.close();
});

test('a restart keeps the open transaction; without snapshots and .txnindex the log replay rebuilds both', async () => {
  broker = await startBroker();
  assert.equal(broker.rm.getPartition(TOPIC, 0)!.lastStableOffset, 9);
  await broker.close();
  const before = txnIndexFiles();
  for (const f of fs.readdirSync(partitionDir)) if (f.endsWith('.snapshot') || f.endsWith('.txnindex')) fs.rmSync(join(partitionDir, f));
  broker = await startBroker();
  const { rm } = broker;
  const p = rm.getPartition(TOPIC, 0)!;
  assert.equal(p.lastStableOffset, 9);
  assert.deepEqual(txnIndexFiles(), before);
  assert.equal(await marker(rm, 500, false), ErrorCode.NONE); // ABORT at 10
  assert.equal(p.lastStableOffset, 11);
  assert.deepEqual((await readCommitted(rm, 0)).abortedTransactions, [{ producerId: 100, firstOffset: 0 }, { producerId: 500, firstOffset: 9 }]);
  await broker.close();
});

test("a coordinator's transactional batch with sequence -1 is taken and holds the LSO; a client's is refused", async () => {
  broker = await startBroker();
  const { rm } = broker;
  const p = rm.getPartition(TOPIC, 0)!;
  const stable = p.lastStableOffset;
  // As the group coordinator writes transactional offset commits: sequence -1 (the builder refuses it; set and re-sign).
  const offsets = buildRecordBatchSync([{ key: 'group', value: 'offset' }], { producerId: 600, producerEpoch: 2, baseSequence: 0, isTransactional: true });
  offsets.writeInt32BE(-1, 53);
  offsets.writeUInt32BE(crc32c(offsets, 21, offsets.length), 17);
  assert.equal((await rm.appendAsLeader(TOPIC, 0, Buffer.from(offsets), -1)).errorCode, ErrorCode.INVALID_RECORD);
  const appended = await rm.appendAsLeader(TOPIC, 0, offsets, -1, 'coordinator');
  assert.equal(appended.errorCode, ErrorCode.NONE);
  assert.equal(p.lastStableOffset, Math.min(stable, Number(appended.baseOffset)));
  assert.equal(p.producers.txnState(600)?.currentTxnFirstOffset, Number(appended.baseOffset));
  assert.equal(await marker(rm, 600, true, 0, 2), ErrorCode.NONE);
  assert.equal(p.lastStableOffset, p.log.logEndOffset);
  // Through Produce, transactional batches need the request's transactional id, as Kafka's authorization check.
  const records = buildRecordBatchSync([{ value: 'v' }], { producerId: 700, producerEpoch: 0, baseSequence: 0, isTransactional: true });
  const produced = (id: string | null) => produceHandler(rm).handle({
    transactionalId: id, acks: -1, timeoutMs: 5000, topicData: [{ name: TOPIC, partitionData: [{ index: 0, records }] }],
  }, { apiVersion: 8 } as RequestContext) as Promise<ProduceResponse>;
  assert.equal((await produced(null)).responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.TRANSACTIONAL_ID_AUTHORIZATION_FAILED);
  assert.equal((await produced('t')).responses[0]!.partitionResponses[0]!.errorCode, ErrorCode.NONE);
  await broker.close();
});
