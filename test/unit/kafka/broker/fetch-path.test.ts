// A consumer's fetch that finds less than min_bytes waits in the replica manager until appends bring enough, or
// until max_wait_ms: checked here in one process over a real log dir (one broker, replication factor 1). The append
// that lands while the fetch's first read is still in flight (a read large enough to go through the thread pool)
// counts toward min_bytes: it is beyond what the read was bounded to, even though it happened before the fetch
// parked.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import type { PartitionStateUpdate } from '../../../../src/kafka/broker/broker-contracts.js';
import type { FetchParams, FetchPartitionResult } from '../../../../src/kafka/broker/replica/fetch-path.js';
import { ReplicaManager } from '../../../../src/kafka/broker/replica/replica-manager.js';
import { ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { LogDir } from '../../../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';
import { waitFor } from '../../../support/kafka-broker-process.js';
import { kafkaTempDir, PARTITION_CONFIG } from '../../../support/kafka-log.js';

const TOPIC = 'waits';
/** Long enough that an answer before it is the wake-up's, not the timeout's (a timed-out fetch returns its first read). */
const MAX_WAIT_MS = 60_000;
const CONFIG = PARTITION_CONFIG;

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

async function leaderOf(partitions: number, replicas: number[] = [1]): Promise<ReplicaManager> {
  const tmp = kafkaTempDir('fetch-path-');
  const scheduler = new TimerScheduler(() => {});
  const dir = await LogDir.open({ dir: tmp.path, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log });
  const rm = new ReplicaManager({ brokerId: 1, dirs: [dir], configFor: () => CONFIG, log: () => {}, nowMs: () => Date.now(), highWatermarkCheckpointIntervalMs: 0 });
  cleanups.push(async () => {
    await rm.shutdown();
    await dir.close();
    scheduler.shutdown();
    tmp.remove();
  });
  const states: PartitionStateUpdate[] = Array.from({ length: partitions }, (_, partition) => ({
    topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition, controllerEpoch: 1, leader: 1, leaderEpoch: 0, isr: [...replicas], zkVersion: 0, replicas: [...replicas],
    addingReplicas: [], removingReplicas: [], isNew: true,
  }));
  const errors = await rm.becomeLeaderOrFollower(0, 1, states);
  assert.ok(errors.every((e) => e.errorCode === ErrorCode.NONE));
  return rm;
}

async function append(rm: ReplicaManager, partition: number, batch: Buffer): Promise<void> {
  const [r] = await rm.appendRecords([{ topic: TOPIC, partition, records: batch }], 1, 5000, 8);
  assert.equal(r!.errorCode, ErrorCode.NONE);
}

function consumerFetch(offsets: number[], minBytes: number): FetchParams {
  return {
    replicaId: -1, maxWaitMs: MAX_WAIT_MS, minBytes, maxBytes: 50 << 20,
    partitions: offsets.map((fetchOffset, partition) => ({ topic: TOPIC, partition, fetchOffset, partitionMaxBytes: 10 << 20 })),
  };
}

/** Waits until `count` fetches are parked in the replica manager. */
async function parked(rm: ReplicaManager, count: number): Promise<void> {
  await waitFor(`${count} parked fetches`, () => rm.fetchWaiters.waiting === count);
}

const bytesOf = (results: FetchPartitionResult[]) => results.map((r) => r.records?.length ?? 0);

test('a parked fetch is answered once appends bring min_bytes, not at the first append below it', async () => {
  const rm = await leaderOf(2);
  const small = buildBatch({ count: 1, valueBytes: 100 });
  const fetch = rm.fetchMessages(consumerFetch([0, 0], 2 * small.length + 1));
  await parked(rm, 1);
  // Each append re-checks the parked fetch before it is answered.
  await append(rm, 0, small);
  assert.equal(rm.fetchWaiters.waiting, 1, 'one batch is below min_bytes');
  await append(rm, 1, small);
  assert.equal(rm.fetchWaiters.waiting, 1, 'two batches are one byte short');
  await append(rm, 1, small);
  const results = await fetch;
  assert.deepEqual(bytesOf(results), [small.length, 2 * small.length]);
  assert.deepEqual(results.map((r) => r.highWatermark), [1, 2]);
  assert.equal(rm.fetchWaiters.waiting, 0);
});

test('an append landing while the first read is in flight counts toward min_bytes: the fetch does not sleep through it', async () => {
  const rm = await leaderOf(1);
  // More than a synchronous read takes (64 KiB), so the first read goes through the thread pool.
  const big = buildBatch({ count: 100, valueBytes: 1024 });
  await append(rm, 0, big);
  const small = buildBatch({ count: 1, valueBytes: 10 });
  const fetch = rm.fetchMessages(consumerFetch([0], big.length + 1));
  // The fetch has bounded its read at offset 100 and is reading; this append lands before the read returns.
  const appended = append(rm, 0, small);
  await appended;
  let timer: NodeJS.Timeout | undefined;
  const results = await Promise.race([fetch, new Promise<'timed out'>((resolve) => (timer = setTimeout(() => resolve('timed out'), MAX_WAIT_MS / 2)))]);
  clearTimeout(timer);
  assert.notEqual(results, 'timed out', 'the fetch slept through the append made during its read');
  assert.deepEqual(bytesOf(results as FetchPartitionResult[]), [big.length + small.length]);
});

test('a fetch whose first read has min_bytes is answered at once, and a caught-up one is woken by the next append', async () => {
  const rm = await leaderOf(1);
  const batch = buildBatch({ count: 2, valueBytes: 50 });
  await append(rm, 0, batch);
  assert.deepEqual(bytesOf(await rm.fetchMessages(consumerFetch([0], 1))), [batch.length]);
  const caughtUp = rm.fetchMessages(consumerFetch([2], 1));
  await parked(rm, 1);
  await append(rm, 0, batch);
  const results = await caughtUp;
  assert.deepEqual([bytesOf(results), results[0]!.highWatermark], [[batch.length], 4]);
});

test("a follower's parked fetch woken by an append carries every append of that turn of the event loop", async () => {
  const rm = await leaderOf(1, [1, 2]);
  const batch = buildBatch({ count: 1, valueBytes: 100 });
  const fetch = rm.fetchMessages({
    replicaId: 2, maxWaitMs: MAX_WAIT_MS, minBytes: 1, maxBytes: 50 << 20,
    partitions: [{ topic: TOPIC, partition: 0, fetchOffset: 0, partitionMaxBytes: 10 << 20, currentLeaderEpoch: 0 }],
  });
  await parked(rm, 1);
  // Three produce requests read in one turn (as from one socket read): the first wakes the fetch.
  const appends = [0, 1, 2].map(() => rm.appendRecords([{ topic: TOPIC, partition: 0, records: Buffer.from(batch) }], 1, 5000, 8));
  const results = await fetch;
  assert.ok((await Promise.all(appends)).every(([r]) => r!.errorCode === ErrorCode.NONE));
  assert.deepEqual(bytesOf(results), [3 * batch.length]);
});
