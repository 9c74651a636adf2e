// The replication throttles where the replica code applies them, with replica managers in one process and the
// quotas on a fake clock. Leader side: a follower outside the ISR gets no records of a throttled partition while the
// leader's quota is exceeded (the high watermark still comes), an in-sync follower always gets them, every follower
// fetch records the bytes of throttled partitions, and the records come again once the quota's window has passed.
// Follower side: the fetcher leaves a throttled partition out of its fetches while its quota is exceeded and takes
// the leader's records again once the window has passed.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchHandler } from '../../../../src/kafka/broker/handlers/01-fetch.js';
import { listOffsetsHandler } from '../../../../src/kafka/broker/handlers/02-list-offsets.js';
import { offsetForLeaderEpochHandler } from '../../../../src/kafka/broker/handlers/23-offset-for-leader-epoch.js';
import type { AnyApiHandler, RequestContext } from '../../../../src/kafka/broker/handler.js';
import type { PartitionStateUpdate } from '../../../../src/kafka/broker/broker-contracts.js';
import type { LeaderClient } from '../../../../src/kafka/broker/replica/replica-fetcher.js';
import { ReplicaManager } from '../../../../src/kafka/broker/replica/replica-manager.js';
import { ReplicationQuota, UNBOUNDED_QUOTA, type ReplicaQuota } from '../../../../src/kafka/broker/replica/replication-quota.js';
import { decodeRequest, decodeResponse, encodeRequest, encodeResponse, ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { LogDir } from '../../../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';
import { waitFor } from '../../../support/kafka-broker-process.js';
import { kafkaTempDir, PARTITION_CONFIG } from '../../../support/kafka-log.js';

const TOPIC = 't';
const CONFIG = PARTITION_CONFIG;
/** Kafka's defaults: 11 samples of 1 s. */
const WINDOW = { samples: 11, windowSizeSeconds: 1 };

const cleanups: Array<() => Promise<void> | void> = [];
after(async () => {
  for (const c of cleanups.reverse()) await c();
});

const clock = { now: 1_000_000 };
const rms = new Map<number, ReplicaManager>();

function clientTo(target: number): LeaderClient {
  let correlationId = 0;
  return {
    async send(apiKey, apiVersion, body) {
      const rm = rms.get(target)!;
      const handler = new Map<number, AnyApiHandler>([fetchHandler(rm), offsetForLeaderEpochHandler(rm), listOffsetsHandler(rm)].map((h) => [h.apiKey, h as AnyApiHandler])).get(apiKey)!;
      const request = decodeRequest(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: ++correlationId, clientId: 'fetcher' }, body)).subarray(4));
      const ctx: RequestContext = { header: request.header, apiVersion, listenerName: 'PLAINTEXT', clientAddress: '/test', connectionId: 'c' };
      const response = await handler.handle(request.body as never, ctx);
      return decodeResponse(apiKey, apiVersion, Buffer.concat(encodeResponse(apiKey, apiVersion, correlationId, response as never)).subarray(4)).body as never;
    },
    close() {},
  };
}

/** `fetchOneBatch`: the fetcher asks for 1 byte a partition, so it gets one batch a fetch (and lags behind). */
async function startBroker(id: number, quotas: { leader: ReplicaQuota; follower: ReplicaQuota }, replicated: boolean, fetchOneBatch = false): Promise<ReplicaManager> {
  const tmp = kafkaTempDir(`replication-throttle-${id}-`);
  const scheduler = new TimerScheduler(() => {});
  const dir = await LogDir.open({ dir: tmp.path, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log });
  const rm = new ReplicaManager({
    brokerId: id, dirs: [dir], configFor: () => CONFIG, log: (level, message) => { if (process.env.ZKAFKA_TEST_LOG) process.stderr.write(`${id} ${level} ${message}\n`); }, highWatermarkCheckpointIntervalMs: 0, quotas,
    // Without replication the ISR changes only by LeaderAndIsr: a follower's fetch cannot bring it into the ISR.
    replication: replicated
      ? {
          replicaLagTimeMaxMs: 600_000,
          isrChanges: { submit: async (change) => ({ errorCode: ErrorCode.NONE, leaderEpoch: change.leaderEpoch, isr: change.newIsr, zkVersion: change.zkVersion + 1 }) },
          fetcher: { maxWaitMs: 20, minBytes: 1, maxPartitionBytes: fetchOneBatch ? 1 : 1 << 20, maxResponseBytes: 10 << 20, backoffMs: 10, connect: (leader) => clientTo(leader) },
        }
      : undefined,
  });
  rms.set(id, rm);
  cleanups.push(async () => {
    await rm.shutdown();
    await dir.close();
    scheduler.shutdown();
    tmp.remove();
  });
  return rm;
}

function state(topic: string, leader: number, isr: number[], replicas: number[]): PartitionStateUpdate {
  return { topic, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader, leaderEpoch: 0, isr, zkVersion: 0, replicas, addingReplicas: [], removingReplicas: [], isNew: false };
}

async function produce(rm: ReplicaManager, topic: string, count: number, fill: number): Promise<void> {
  const [r] = await rm.appendRecords([{ topic, partition: 0, records: buildBatch({ count, fill }) }], 1, 5000, 8);
  assert.equal(r!.errorCode, ErrorCode.NONE);
}

async function followerFetch(rm: ReplicaManager, topic: string, replicaId: number) {
  const [r] = await rm.fetchMessages({
    replicaId, maxWaitMs: 0, minBytes: 0, maxBytes: 1 << 20,
    partitions: [{ topic, partition: 0, fetchOffset: 0, partitionMaxBytes: 1 << 20, currentLeaderEpoch: 0 }],
  });
  return { errorCode: r!.errorCode, highWatermark: r!.highWatermark, bytes: r!.records?.length ?? 0 };
}

test('leader side: an out-of-sync follower gets nothing of a throttled partition while the quota is exceeded; an in-sync one always does', async () => {
  const leaderQuota = new ReplicationQuota(WINDOW, () => clock.now);
  leaderQuota.updateQuota(100);
  leaderQuota.markThrottled('lead', [0]);
  const rm = await startBroker(10, { leader: leaderQuota, follower: UNBOUNDED_QUOTA }, false);
  await rm.becomeLeaderOrFollower(0, 1, [state('lead', 10, [10, 11], [10, 11, 12])]);
  await produce(rm, 'lead', 5, 0x61);
  const size = (await followerFetch(rm, 'lead', 11)).bytes;
  assert.ok(size > 100, `one batch of ${size} bytes`);
  assert.equal(leaderQuota.measure(), size, 'the in-sync follower\'s bytes of a throttled partition are counted');
  assert.equal(leaderQuota.isQuotaExceeded(), true);

  // Out of the ISR: no records while the quota is exceeded, the high watermark all the same; nothing counted.
  assert.deepEqual(await followerFetch(rm, 'lead', 12), { errorCode: ErrorCode.NONE, highWatermark: 0, bytes: 0 });
  assert.equal(leaderQuota.measure(), size);
  // In the ISR: never throttled.
  assert.equal((await followerFetch(rm, 'lead', 11)).bytes, size);

  // 11 s later the samples have expired: the out-of-sync follower gets its records, and they count.
  clock.now += 11_000;
  assert.equal(leaderQuota.isQuotaExceeded(), false);
  assert.equal((await followerFetch(rm, 'lead', 12)).bytes, size);
  assert.equal(leaderQuota.measure(), size);
  assert.equal(leaderQuota.isQuotaExceeded(), true);

  // Once the partition is no longer throttled, the quota does not matter.
  leaderQuota.removeThrottle('lead');
  assert.equal((await followerFetch(rm, 'lead', 12)).bytes, size);
});

test('follower side: a throttled partition is left out of the fetches while the follower quota is exceeded, and fetched again after the window', async () => {
  const followerQuota = new ReplicationQuota(WINDOW, () => clock.now);
  followerQuota.updateQuota(100);
  followerQuota.markThrottled('follow', [0]);
  let asked = 0;
  const counting: ReplicaQuota = {
    isThrottled: (tp) => followerQuota.isThrottled(tp),
    isQuotaExceeded: () => (asked++, followerQuota.isQuotaExceeded()),
    record: (bytes) => followerQuota.record(bytes),
  };
  const leader = await startBroker(20, { leader: UNBOUNDED_QUOTA, follower: UNBOUNDED_QUOTA }, false);
  const follower = await startBroker(21, { leader: UNBOUNDED_QUOTA, follower: counting }, true, true);
  await leader.becomeLeaderOrFollower(0, 1, [state('follow', 20, [20], [20, 21])]);
  await produce(leader, 'follow', 5, 0x61);
  await produce(leader, 'follow', 5, 0x62);
  await follower.becomeLeaderOrFollower(0, 1, [state('follow', 20, [20], [20, 21])]);
  const followerLog = () => follower.getPartition('follow', 0)!.log;
  // The first fetch is not held back: one batch, 5 records behind the leader's high watermark; its bytes exceed the quota.
  await waitFor('the first batch on the follower', () => followerLog().logEndOffset >= 5);
  assert.equal(followerLog().logEndOffset, 5, 'one batch a fetch');
  assert.ok(followerQuota.measure() > 100);
  const askedBefore = asked;
  await waitFor('the fetcher asked the quota again and again', () => asked >= askedBefore + 20);
  assert.equal(followerLog().logEndOffset, 5, 'nothing fetched while the quota is exceeded');

  clock.now += 11_000;
  await waitFor('the follower caught up once the window passed', () => followerLog().logEndOffset === 10);
});
