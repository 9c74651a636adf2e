// The marker sender against fake broker channels on a manual clock: one WriteTxnMarkers per leader (v1, v0 for a
// peer that has only that), batched while a request is in flight, retried after a backoff on retriable answers and
// on peers that do not serve the API, deleted topics dropped, a fenced coordinator stopped.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import type { BrokerMetadata, MetadataTopic } from '../../../../../src/kafka/broker/broker-metadata.js';
import { TxnMarkerSender, type MarkerChannel } from '../../../../../src/kafka/broker/txn/txn-marker-sender.js';
import type { TopicPartition } from '../../../../../src/kafka/coordinator/txn/txn-metadata.js';
import type { TxnMarker } from '../../../../../src/kafka/coordinator/txn/txn-types.js';
import { ApiKey, ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import type { WriteTxnMarkersRequest, WriteTxnMarkersResponse } from '../../../../../src/kafka/protocol/schemas/write-txn-markers.js';
import { silentLog } from '../../../../../src/kafka/broker/broker-log.js';
import { ManualScheduler } from '../../../../../src/kafka/storage/scheduler.js';

class FakeMetadata implements BrokerMetadata {
  readonly leaders = new Map<string, number[]>();
  clusterId() { return 'c'; }
  controllerId() { return 1; }
  aliveBrokers() { return [1, 2].map((id) => ({ id, host: `b${id}`, port: 9000 + id, rack: null })); }
  topic(name: string): MetadataTopic | undefined {
    const leaders = this.leaders.get(name);
    if (leaders === undefined) return undefined;
    return { name, topicId: 'x', isInternal: false, partitions: leaders.map((leaderId, partition) => ({ partition, leaderId, leaderEpoch: 0, replicas: [leaderId], isr: [leaderId], offlineReplicas: [], errorCode: 0 })) };
  }
  allTopics() { return []; }
}

type Sent = { brokerId: number; apiKey: number; version: number; body: unknown };

function harness(opts: { writeTxnMarkers?: (brokerId: number) => [number, number] | null } = {}) {
  const metadata = new FakeMetadata();
  metadata.leaders.set('t', [1, 2, 1]);
  const scheduler = new ManualScheduler(0);
  const sent: Sent[] = [];
  const written: [string, TopicPartition[]][] = [];
  const fenced: string[] = [];
  /** Per-partition error codes the next WriteTxnMarkers answers (default NONE). */
  const errors = new Map<string, number>();
  let hold: (() => void) | undefined;
  let holding: Promise<void> | undefined;
  const connect = (brokerId: number): MarkerChannel => ({
    async send(apiKey, version, body) {
      sent.push({ brokerId, apiKey, version, body });
      if (apiKey === ApiKey.ApiVersions) {
        const range = (opts.writeTxnMarkers ?? (() => [0, 1]))(brokerId);
        return { errorCode: 0, apiKeys: range === null ? [] : [{ apiKey: ApiKey.WriteTxnMarkers, minVersion: range[0], maxVersion: range[1] }] };
      }
      if (holding) await holding;
      const request = body as WriteTxnMarkersRequest;
      const response: WriteTxnMarkersResponse = {
        markers: request.markers.map((m) => ({
          producerId: m.producerId,
          topics: m.topics.map((t) => ({ name: t.name, partitions: t.partitionIndexes.map((p) => ({ partitionIndex: p, errorCode: errors.get(`${t.name}-${p}`) ?? ErrorCode.NONE })) })),
        })),
      };
      return response;
    },
    close() {},
  });
  const sender = new TxnMarkerSender({
    metadata, interBrokerListenerName: 'PLAINTEXT', connect, scheduler, log: silentLog,
    onWritten: (id, _epoch, partitions) => written.push([id, partitions]),
    onFenced: (id) => fenced.push(id),
  });
  return {
    metadata, scheduler, sent, written, fenced, errors, sender,
    writes: () => sent.filter((s) => s.apiKey === ApiKey.WriteTxnMarkers),
    holdWrites() {
      holding = new Promise((resolve) => (hold = resolve));
    },
    release() {
      holding = undefined;
      hold?.();
    },
  };
}

const marker = (transactionalId: string, producerId: bigint, partitions: number[], topic = 't'): TxnMarker => ({
  transactionalId, txnPartition: 0, coordinatorEpoch: 3, producerId, producerEpoch: 1, commit: true, partitions: partitions.map((partition) => ({ topic, partition })),
});
const settle = () => new Promise((resolve) => setImmediate(resolve));

test('markers go to each partition leader in one WriteTxnMarkers v1 per broker', async () => {
  const h = harness();
  h.sender.add(marker('a', 10n, [0, 1, 2]));
  await settle();
  const writes = h.writes();
  assert.deepEqual(writes.map((w) => [w.brokerId, w.version]).sort(), [[1, 1], [2, 1]]);
  const toOne = writes.find((w) => w.brokerId === 1)!.body as WriteTxnMarkersRequest;
  assert.deepEqual(toOne.markers, [{ producerId: 10n, producerEpoch: 1, transactionResult: true, coordinatorEpoch: 3, topics: [{ name: 't', partitionIndexes: [0, 2] }] }]);
  assert.deepEqual(h.written.flatMap(([, ps]) => ps.map((p) => p.partition)).sort(), [0, 1, 2]);
});

test('a peer with only v0 gets v0; one without WriteTxnMarkers is retried after a backoff until it serves it', async () => {
  let served = false;
  const h = harness({ writeTxnMarkers: (id) => (id === 2 ? [0, 0] : served ? [0, 1] : null) });
  h.sender.add(marker('a', 10n, [0, 1]));
  await settle();
  assert.deepEqual(h.writes().map((w) => [w.brokerId, w.version]), [[2, 0]]);
  assert.deepEqual(h.written.map(([, ps]) => ps.map((p) => p.partition)), [[1]]);
  await h.scheduler.advance(1000);
  await settle();
  assert.equal(h.writes().length, 1);
  served = true;
  await h.scheduler.advance(1000);
  await settle();
  assert.deepEqual(h.writes().map((w) => [w.brokerId, w.version]), [[2, 0], [1, 1]]);
  assert.deepEqual(h.written.map(([, ps]) => ps.map((p) => p.partition)), [[1], [0]]);
});

test('NOT_LEADER_OR_FOLLOWER is retried at the leader the metadata shows then; a deleted topic is dropped', async () => {
  const h = harness();
  h.errors.set('t-0', ErrorCode.NOT_LEADER_OR_FOLLOWER);
  h.sender.add(marker('a', 10n, [0]));
  h.sender.add(marker('b', 11n, [0], 'gone'));
  await settle();
  assert.deepEqual(h.written, [['b', [{ topic: 'gone', partition: 0 }]]]);
  h.errors.clear();
  h.metadata.leaders.set('t', [2, 2, 1]);
  await h.scheduler.advance(100);
  await settle();
  assert.deepEqual(h.writes().map((w) => w.brokerId), [1, 2]);
  assert.deepEqual(h.written.at(-1), ['a', [{ topic: 't', partition: 0 }]]);
});

test('TRANSACTION_COORDINATOR_FENCED stops the transaction; markers queued during a request go in one batch', async () => {
  const h = harness();
  h.errors.set('t-0', ErrorCode.TRANSACTION_COORDINATOR_FENCED);
  h.sender.add(marker('a', 10n, [0]));
  await settle();
  assert.deepEqual(h.fenced, ['a']);
  await h.scheduler.advance(5000);
  assert.equal(h.writes().length, 1);

  h.errors.clear();
  h.holdWrites();
  h.sender.add(marker('b', 11n, [2]));
  await settle();
  h.sender.add(marker('c', 12n, [0]));
  h.sender.add(marker('d', 13n, [2]));
  h.release();
  await settle();
  await settle();
  const last = h.writes().slice(1).map((w) => (w.body as WriteTxnMarkersRequest).markers.map((m) => m.producerId));
  assert.deepEqual(last, [[11n], [12n, 13n]]);
  assert.deepEqual(h.written.map(([id]) => id), ['b', 'c', 'd']);
});

test('cancelled transactions are not sent', async () => {
  const h = harness();
  h.holdWrites();
  h.sender.add(marker('a', 10n, [0]));
  await settle();
  h.sender.add(marker('b', 11n, [2]));
  h.sender.cancel('b');
  h.release();
  await settle();
  await settle();
  assert.deepEqual(h.writes().map((w) => (w.body as WriteTxnMarkersRequest).markers.map((m) => m.producerId)), [[10n]]);
});
