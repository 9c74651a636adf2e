// The transaction coordinator as a pure state machine on a fake clock: every change written (and acknowledged) before
// it applies, EndTxn's prepare → answer → markers → complete order, epoch fencing, loading, timeouts and expiry.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { TransactionCoordinator } from '../../../../../src/kafka/coordinator/txn/txn-coordinator.js';
import { decodeTxnLogRecord, encodeTxnLogValue, type TxnLogRecord } from '../../../../../src/kafka/coordinator/txn/txn-log-records.js';
import { txnStateOf, type TopicPartition } from '../../../../../src/kafka/coordinator/txn/txn-metadata.js';
import type { TxnEffect, TxnMarker, TxnResponse } from '../../../../../src/kafka/coordinator/txn/txn-types.js';

const CONFIG = {
  transactionStateLogNumPartitions: 5,
  transactionMaxTimeoutMs: 900_000,
  transactionalIdExpirationMs: 604_800_000,
  transactionAbortTimedOutTransactionCleanupIntervalMs: 10_000,
  transactionRemoveExpiredTransactionCleanupIntervalMs: 3_600_000,
};
const EPOCH = 7;
const TP0: TopicPartition = { topic: 'orders', partition: 0 };
const TP1: TopicPartition = { topic: 'orders', partition: 1 };

type Append = Extract<TxnEffect, { kind: 'append' }>;

class Driver {
  readonly c = new TransactionCoordinator(CONFIG);
  now = 1_000_000;
  readonly appends: Append[] = [];
  readonly answers = new Map<number, TxnResponse | 'need'>();
  readonly markers: TxnMarker[] = [];
  readonly cancelled: string[] = [];
  private nextRequest = 1;

  constructor(opts: { load?: boolean } = {}) {
    this.apply(this.c.startup(this.now));
    if (opts.load ?? true) for (let p = 0; p < CONFIG.transactionStateLogNumPartitions; p++) this.load(p, []);
  }

  load(partition: number, records: TxnLogRecord[]): void {
    this.apply(this.c.beginLoad(this.now, partition, EPOCH));
    this.apply(this.c.completeLoad(this.now, partition, EPOCH, records));
  }

  apply(effects: TxnEffect[]): void {
    for (const e of effects) {
      if (e.kind === 'respond') this.answers.set(e.requestId, e.response);
      else if (e.kind === 'needProducerId') this.answers.set(e.requestId, 'need');
      else if (e.kind === 'append') this.appends.push(e);
      else if (e.kind === 'sendMarkers') this.markers.push(e.marker);
      else if (e.kind === 'cancelMarkers') this.cancelled.push(e.transactionalId);
    }
  }

  init(transactionalId: string, opts: { timeoutMs?: number; producerId?: bigint; expected?: { producerId: bigint; producerEpoch: number } } = {}): number {
    const id = this.nextRequest++;
    this.apply(this.c.initProducerId(this.now, id, { transactionalId, transactionTimeoutMs: opts.timeoutMs ?? 60_000, expected: opts.expected }, opts.producerId));
    return id;
  }

  add(transactionalId: string, producerId: bigint, producerEpoch: number, partitions: TopicPartition[]): number {
    const id = this.nextRequest++;
    this.apply(this.c.addPartitions(this.now, id, { transactionalId, producerId, producerEpoch, partitions }));
    return id;
  }

  end(transactionalId: string, producerId: bigint, producerEpoch: number, commit: boolean): number {
    const id = this.nextRequest++;
    this.apply(this.c.endTxn(this.now, id, { transactionalId, producerId, producerEpoch, commit }));
    return id;
  }

  /** Acknowledges (or fails) the oldest append and returns its records decoded. */
  ack(errorCode: number = ErrorCode.NONE): { partition: number; records: TxnLogRecord[] } {
    const a = this.appends.shift();
    assert.ok(a, 'an append was expected');
    const records = a.records.map((r) => decodeTxnLogRecord(r.key, r.value));
    this.apply(this.c.appendCompleted(this.now, a.appendId, errorCode));
    return { partition: a.partition, records };
  }

  tick(toMs: number): void {
    this.now = toMs;
    this.apply(this.c.tick(this.now));
  }

  answer(requestId: number): TxnResponse | 'need' | undefined {
    return this.answers.get(requestId);
  }

  /** A new transactional id initialised with producer id `producerId`. */
  ready(transactionalId: string, producerId: bigint, timeoutMs = 60_000): void {
    const first = this.init(transactionalId, { timeoutMs });
    assert.equal(this.answer(first), 'need');
    const r = this.init(transactionalId, { timeoutMs, producerId });
    this.ack();
    assert.deepEqual(this.answer(r), { errorCode: ErrorCode.NONE, producerId, producerEpoch: 0 });
  }
}

const stateOf = (r: { records: TxnLogRecord[] }) => r.records.map((x) => (x.value === null ? 'tombstone' : txnStateOf(x.value.transactionStatus)));

test('a new transactional id gets a fresh producer id at epoch 0, answered only once Empty is acknowledged', () => {
  const d = new Driver();
  const first = d.init('t1');
  assert.equal(d.answer(first), 'need');
  assert.equal(d.appends.length, 0);
  const second = d.init('t1', { producerId: 4000n });
  assert.equal(d.answer(second), undefined);
  const concurrent = d.init('t1');
  assert.deepEqual(d.answer(concurrent), { errorCode: ErrorCode.CONCURRENT_TRANSACTIONS, producerId: -1n, producerEpoch: -1 });
  const written = d.ack();
  assert.equal(written.partition, d.c.partitionFor('t1'));
  assert.deepEqual(stateOf(written), ['Empty']);
  assert.deepEqual(d.answer(second), { errorCode: ErrorCode.NONE, producerId: 4000n, producerEpoch: 0 });
  // An existing id is bumped without a new producer id.
  const again = d.init('t1');
  d.ack();
  assert.deepEqual(d.answer(again), { errorCode: ErrorCode.NONE, producerId: 4000n, producerEpoch: 1 });
});

test('timeouts above transaction.max.timeout.ms, empty ids and unowned or loading partitions are refused', () => {
  const d = new Driver({ load: false });
  assert.equal((d.answer(d.init('t1', { timeoutMs: 900_001 })) as TxnResponse).errorCode, ErrorCode.INVALID_TRANSACTION_TIMEOUT);
  assert.equal((d.answer(d.init('')) as TxnResponse).errorCode, ErrorCode.INVALID_REQUEST);
  assert.equal((d.answer(d.init('t1')) as TxnResponse).errorCode, ErrorCode.NOT_COORDINATOR);
  d.apply(d.c.beginLoad(d.now, d.c.partitionFor('t1'), EPOCH));
  assert.equal((d.answer(d.init('t1')) as TxnResponse).errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
  assert.equal((d.answer(d.end('t1', 1n, 0, true)) as TxnResponse).errorCode, ErrorCode.COORDINATOR_LOAD_IN_PROGRESS);
});

test('commit: Ongoing, PrepareCommit acknowledged, the client answered, markers, then CompleteCommit', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  const add = d.add('t1', 10n, 0, [TP0, TP1]);
  assert.deepEqual(stateOf(d.ack()), ['Ongoing']);
  assert.equal((d.answer(add) as TxnResponse).errorCode, ErrorCode.NONE);
  // Already in the transaction: answered at once, nothing written.
  assert.equal((d.answer(d.add('t1', 10n, 0, [TP1])) as TxnResponse).errorCode, ErrorCode.NONE);
  assert.equal(d.appends.length, 0);
  assert.equal((d.answer(d.add('t1', 10n, 1, [TP1])) as TxnResponse).errorCode, ErrorCode.PRODUCER_FENCED);
  assert.equal((d.answer(d.add('t1', 11n, 0, [TP1])) as TxnResponse).errorCode, ErrorCode.INVALID_PRODUCER_ID_MAPPING);

  const end = d.end('t1', 10n, 0, true);
  assert.equal(d.answer(end), undefined);
  assert.equal(d.markers.length, 0);
  const prepare = d.ack();
  assert.deepEqual(stateOf(prepare), ['PrepareCommit']);
  assert.equal((d.answer(end) as TxnResponse).errorCode, ErrorCode.NONE);
  assert.deepEqual(d.markers, [{ transactionalId: 't1', txnPartition: d.c.partitionFor('t1'), coordinatorEpoch: EPOCH, producerId: 10n, producerEpoch: 0, commit: true, partitions: [TP0, TP1] }]);
  // While the markers are written the transaction is not done.
  assert.equal((d.answer(d.end('t1', 10n, 0, true)) as TxnResponse).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.equal((d.answer(d.init('t1')) as TxnResponse).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  d.apply(d.c.markersWritten(d.now, 't1', EPOCH, [TP0]));
  assert.equal(d.appends.length, 0);
  d.apply(d.c.markersWritten(d.now, 't1', EPOCH, [TP1]));
  const complete = d.ack();
  assert.deepEqual(stateOf(complete), ['CompleteCommit']);
  assert.deepEqual(complete.records[0]!.value!.transactionPartitions, []);
  assert.equal(d.c.transaction('t1')!.state, 'CompleteCommit');
  // A retried commit is fine; an abort now is not.
  assert.equal((d.answer(d.end('t1', 10n, 0, true)) as TxnResponse).errorCode, ErrorCode.NONE);
  assert.equal((d.answer(d.end('t1', 10n, 0, false)) as TxnResponse).errorCode, ErrorCode.INVALID_TXN_STATE);
  assert.equal((d.answer(d.end('t1', 10n, 0, false)) as TxnResponse).errorCode, ErrorCode.INVALID_TXN_STATE);
});

test('a failed append is answered with the coordinator error and leaves the state as it was', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  const add = d.add('t1', 10n, 0, [TP0]);
  d.ack(ErrorCode.NOT_ENOUGH_REPLICAS);
  assert.equal((d.answer(add) as TxnResponse).errorCode, ErrorCode.COORDINATOR_NOT_AVAILABLE);
  assert.equal(d.c.transaction('t1')!.state, 'Empty');
  assert.equal(d.c.transaction('t1')!.pendingState, null);
  const retry = d.add('t1', 10n, 0, [TP0]);
  d.ack(ErrorCode.NOT_LEADER_OR_FOLLOWER);
  assert.equal((d.answer(retry) as TxnResponse).errorCode, ErrorCode.NOT_COORDINATOR);
});

test('InitProducerId on an ongoing transaction aborts it with a bumped epoch and asks the client to retry', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  d.add('t1', 10n, 0, [TP0]);
  d.ack();
  const init = d.init('t1');
  const fence = d.ack();
  assert.deepEqual(stateOf(fence), ['PrepareAbort']);
  assert.equal(fence.records[0]!.value!.producerEpoch, 1);
  assert.equal((d.answer(init) as TxnResponse).errorCode, ErrorCode.CONCURRENT_TRANSACTIONS);
  assert.deepEqual(d.markers.map((m) => [m.commit, m.producerEpoch]), [[false, 1]]);
  // The old producer is fenced.
  assert.equal((d.answer(d.end('t1', 10n, 0, true)) as TxnResponse).errorCode, ErrorCode.PRODUCER_FENCED);
  d.apply(d.c.markersWritten(d.now, 't1', EPOCH, [TP0]));
  assert.deepEqual(stateOf(d.ack()), ['CompleteAbort']);
  const retried = d.init('t1');
  d.ack();
  assert.deepEqual(d.answer(retried), { errorCode: ErrorCode.NONE, producerId: 10n, producerEpoch: 2 });
});

test('v3+ InitProducerId: a retry with the previous epoch keeps the epoch, another producer id or epoch is fenced', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  const bump = d.init('t1', { expected: { producerId: 10n, producerEpoch: 0 } });
  d.ack();
  assert.deepEqual(d.answer(bump), { errorCode: ErrorCode.NONE, producerId: 10n, producerEpoch: 1 });
  const retry = d.init('t1', { expected: { producerId: 10n, producerEpoch: 0 } });
  d.ack();
  assert.deepEqual(d.answer(retry), { errorCode: ErrorCode.NONE, producerId: 10n, producerEpoch: 1 });
  assert.equal((d.answer(d.init('t1', { expected: { producerId: 99n, producerEpoch: 1 } })) as TxnResponse).errorCode, ErrorCode.PRODUCER_FENCED);
  assert.equal((d.answer(d.init('t1', { expected: { producerId: 10n, producerEpoch: 5 } })) as TxnResponse).errorCode, ErrorCode.PRODUCER_FENCED);
});

test('an exhausted epoch gets a new producer id at epoch 0', () => {
  const d = new Driver({ load: false });
  const partition = d.c.partitionFor('t1');
  d.load(partition, [{ transactionalId: 't1', value: {
    producerId: 10n, producerEpoch: 32766, transactionTimeoutMs: 60_000, transactionStatus: 4, transactionPartitions: [],
    transactionLastUpdateTimestampMs: 1n, transactionStartTimestampMs: 1n,
  } }]);
  assert.equal(d.answer(d.init('t1')), 'need');
  const r = d.init('t1', { producerId: 11n });
  d.ack();
  assert.deepEqual(d.answer(r), { errorCode: ErrorCode.NONE, producerId: 11n, producerEpoch: 0 });
});

test('loading completes prepared transactions: markers are resent and the completion written; tombstones remove ids', () => {
  const d = new Driver({ load: false });
  const value = (status: number, partitions: { topic: string; partitionIds: number[] }[] | null) => ({
    producerId: 10n, producerEpoch: 3, transactionTimeoutMs: 60_000, transactionStatus: status, transactionPartitions: partitions,
    transactionLastUpdateTimestampMs: 5n, transactionStartTimestampMs: 4n,
  });
  // Same partition for both ids: pick ids that hash together.
  const ids = ['a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j'];
  const p = d.c.partitionFor('t1');
  const other = ids.find((id) => d.c.partitionFor(id) === p)!;
  d.load(p, [
    { transactionalId: 't1', value: value(1, [{ topic: 'orders', partitionIds: [0] }]) },
    { transactionalId: 't1', value: value(2, [{ topic: 'orders', partitionIds: [0, 1] }]) },
    { transactionalId: other, value: value(0, null) },
    { transactionalId: other, value: null },
  ]);
  assert.equal(d.c.transaction(other), undefined);
  assert.deepEqual(d.markers, [{ transactionalId: 't1', txnPartition: p, coordinatorEpoch: EPOCH, producerId: 10n, producerEpoch: 3, commit: true, partitions: [TP0, TP1] }]);
  d.apply(d.c.markersWritten(d.now, 't1', EPOCH, [TP0, TP1]));
  assert.deepEqual(stateOf(d.ack()), ['CompleteCommit']);
  // Unloading forgets the ids and cancels their markers.
  d.apply(d.c.unload(d.now, p, EPOCH + 1));
  assert.equal(d.c.transaction('t1'), undefined);
  assert.equal((d.answer(d.end('t1', 10n, 3, true)) as TxnResponse).errorCode, ErrorCode.NOT_COORDINATOR);
});

test('a fenced marker stops the completion; a completion that finds no coordinator available is retried', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  d.add('t1', 10n, 0, [TP0]);
  d.ack();
  d.end('t1', 10n, 0, false);
  d.ack();
  d.apply(d.c.markersFenced(d.now, 't1', EPOCH, 'TRANSACTION_COORDINATOR_FENCED'));
  assert.deepEqual(d.cancelled, ['t1']);
  d.apply(d.c.markersWritten(d.now, 't1', EPOCH, [TP0]));
  assert.equal(d.appends.length, 0);

  d.ready('t2', 20n);
  d.add('t2', 20n, 0, [TP1]);
  d.ack();
  d.end('t2', 20n, 0, true);
  d.ack();
  d.apply(d.c.markersWritten(d.now, 't2', EPOCH, [TP1]));
  d.ack(ErrorCode.REQUEST_TIMED_OUT);
  assert.equal(d.c.transaction('t2')!.state, 'PrepareCommit');
  assert.equal(d.appends.length, 0);
  d.tick(d.now + 100);
  assert.deepEqual(stateOf(d.ack()), ['CompleteCommit']);
  assert.equal(d.c.transaction('t2')!.state, 'CompleteCommit');
});

test('an ongoing transaction past its timeout is aborted with an epoch bump at the next abort check', () => {
  const d = new Driver();
  d.ready('t1', 10n, 5_000);
  d.add('t1', 10n, 0, [TP0]);
  d.ack();
  d.tick(d.now + 4_000);
  assert.equal(d.appends.length, 0);
  d.tick(d.now + 10_000);
  const abort = d.ack();
  assert.deepEqual(stateOf(abort), ['PrepareAbort']);
  assert.equal(abort.records[0]!.value!.producerEpoch, 1);
  assert.deepEqual(d.markers.map((m) => [m.commit, m.producerEpoch, m.partitions]), [[false, 1, [TP0]]]);
  assert.equal((d.answer(d.add('t1', 10n, 0, [TP1])) as TxnResponse).errorCode, ErrorCode.PRODUCER_FENCED);
});

test('idle transactional ids expire after transactional.id.expiration.ms with a tombstone', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  d.ready('t2', 20n);
  d.add('t2', 20n, 0, [TP0]);
  d.ack();
  d.tick(d.now + CONFIG.transactionalIdExpirationMs + CONFIG.transactionRemoveExpiredTransactionCleanupIntervalMs);
  // The abort check ran too: t2's transaction timed out and is being aborted, so only t1 expires.
  const expiry = d.appends.find((a) => a.records.some((r) => r.value === null))!;
  d.appends.splice(d.appends.indexOf(expiry), 1);
  d.appends.unshift(expiry);
  const tombstones = d.ack();
  assert.deepEqual(tombstones.records, [{ transactionalId: 't1', value: null }]);
  assert.equal(d.c.transaction('t1'), undefined);
  assert.notEqual(d.c.transaction('t2'), undefined);
});

test('an Empty record is written with no partitions and rebuilt the same way', () => {
  const d = new Driver();
  d.ready('t1', 10n);
  const r = d.init('t1');
  const written = d.ack();
  assert.ok(d.answer(r));
  const v = written.records[0]!.value!;
  assert.equal(v.transactionPartitions, null);
  assert.deepEqual(encodeTxnLogValue(v).subarray(0, 2), Buffer.from([0, 0]));
});
