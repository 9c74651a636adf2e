// Two replica managers in one process, each with its own log dir; the follower's fetcher reaches the leader's
// Fetch, OffsetForLeaderEpoch and ListOffsets handlers through the wire codec (requests and responses encoded and
// decoded at the versions the fetcher sends) instead of a socket, and a stand-in controller answers AlterIsr.
// Checked: batches replicated byte for byte with the high watermark following, acks=-1 answered once the follower
// has the records, ISR expansion and shrink proposals, truncation of a follower whose history diverged (through
// Fetch v12's diverging_epoch, and through OffsetsForLeaderEpoch with Fetch v11), and DeleteRecords answered once the
// follower's log start offset followed the leader's.
import { after, test } from 'node:test';
import assert from 'node:assert/strict';
import { fetchHandler } from '../../../../src/kafka/broker/handlers/01-fetch.js';
import { listOffsetsHandler } from '../../../../src/kafka/broker/handlers/02-list-offsets.js';
import { offsetForLeaderEpochHandler } from '../../../../src/kafka/broker/handlers/23-offset-for-leader-epoch.js';
import type { AnyApiHandler, RequestContext } from '../../../../src/kafka/broker/handler.js';
import type { PartitionStateUpdate } from '../../../../src/kafka/broker/broker-contracts.js';
import type { LeaderClient } from '../../../../src/kafka/broker/replica/replica-fetcher.js';
import { ReplicaManager, type IsrChange } from '../../../../src/kafka/broker/replica/replica-manager.js';
import type { FetchResponse } from '../../../../src/kafka/protocol/schemas/fetch.js';
import { ApiKey, decodeRequest, decodeResponse, encodeRequest, encodeResponse, ErrorCode } from '../../../../src/kafka/protocol/index.js';
import { LogDir } from '../../../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../../support/kafka-batches.js';
import { waitFor } from '../../../support/kafka-broker-process.js';
import { kafkaTempDir, readStoredBatches, PARTITION_CONFIG } from '../../../support/kafka-log.js';

const TOPIC = 't';
const LAG_MS = 10_000;
const CONFIG = PARTITION_CONFIG;

interface Node {
  id: number;
  rm: ReplicaManager;
  dir: LogDir;
  path: string;
  handlers: Map<number, AnyApiHandler>;
}

const nodes = new Map<number, Node>();
const cleanups: Array<() => Promise<void> | void> = [];
/** Fake clock of every replica manager; the ISR shrink test moves it. */
let clockMs = 1_000_000;
/** ISR proposals the stand-in controller got, and whether it confirms them. */
const proposals: IsrChange[] = [];

after(async () => {
  for (const c of cleanups.reverse()) await c();
});

/** Every request a fetcher sent (api key, version), and every diverging_epoch a leader answered. */
const sent: Array<{ to: number; apiKey: number; apiVersion: number }> = [];
const divergences: Array<{ epoch: number; endOffset: bigint }> = [];

/** A client that hands requests to `target`'s handlers through the codec, as a socket would. */
function clientTo(target: number): LeaderClient {
  let correlationId = 0;
  return {
    async send(apiKey, apiVersion, body) {
      const node = nodes.get(target)!;
      const request = decodeRequest(Buffer.concat(encodeRequest({ apiKey, apiVersion, correlationId: ++correlationId, clientId: 'fetcher' }, body)).subarray(4));
      const ctx: RequestContext = { header: request.header, apiVersion, listenerName: 'PLAINTEXT', clientAddress: '/test', connectionId: 'c' };
      sent.push({ to: target, apiKey, apiVersion });
      const response = await node.handlers.get(apiKey)!.handle(request.body as never, ctx);
      const frame = Buffer.concat(encodeResponse(apiKey, apiVersion, correlationId, response as never)).subarray(4);
      const decoded = decodeResponse(apiKey, apiVersion, frame).body;
      if (apiKey === ApiKey.Fetch) {
        for (const t of (decoded as FetchResponse).responses) for (const p of t.partitions) if (p.divergingEpoch && p.divergingEpoch.epoch >= 0) divergences.push({ epoch: p.divergingEpoch.epoch, endOffset: p.divergingEpoch.endOffset });
      }
      return decoded as never;
    },
    close() {},
  };
}

async function startNode(id: number, truncateOnFetch = true): Promise<Node> {
  const tmp = kafkaTempDir(`replica-fetcher-${id}-`);
  const scheduler = new TimerScheduler(() => {});
  const dir = await LogDir.open({ dir: tmp.path, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log });
  const rm = new ReplicaManager({
    brokerId: id,
    dirs: [dir],
    configFor: () => CONFIG,
    log: (level, message) => {
      if (process.env.ZKAFKA_TEST_LOG) process.stderr.write(`${id} ${level} ${message}\n`);
    },
    nowMs: () => clockMs,
    highWatermarkCheckpointIntervalMs: 0,
    replication: {
      replicaLagTimeMaxMs: LAG_MS,
      isrChanges: {
        async submit(change) {
          proposals.push(change);
          return { errorCode: ErrorCode.NONE, leaderEpoch: change.leaderEpoch, isr: change.newIsr, zkVersion: change.zkVersion + 1 };
        },
      },
      fetcher: { maxWaitMs: 50, minBytes: 1, maxPartitionBytes: 1 << 20, maxResponseBytes: 10 << 20, backoffMs: 20, truncateOnFetch, connect: (leader) => clientTo(leader) },
    },
  });
  const handlers = new Map<number, AnyApiHandler>([fetchHandler(rm), offsetForLeaderEpochHandler(rm), listOffsetsHandler(rm)].map((h) => [h.apiKey, h as AnyApiHandler]));
  const node = { id, rm, dir, path: tmp.path, handlers };
  nodes.set(id, node);
  cleanups.push(async () => {
    await rm.shutdown();
    await dir.close();
    scheduler.shutdown();
    tmp.remove();
  });
  return node;
}

function state(leader: number, leaderEpoch: number, isr: number[], replicas = [1, 2], zkVersion = 0): PartitionStateUpdate {
  return { topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader, leaderEpoch, isr, zkVersion, replicas, addingReplicas: [], removingReplicas: [], isNew: false };
}

async function produce(node: Node, acks: number, count: number, fill: number) {
  const [r] = await node.rm.appendRecords([{ topic: TOPIC, partition: 0, records: buildBatch({ count, fill }) }], acks, 5000, 8);
  return r!;
}

const batchesOf = (node: Node) => readStoredBatches(`${node.path}/${TOPIC}-0`).map((b) => `${b.baseOffset}:${b.bytes.toString('hex')}`);
const partitionOf = (node: Node) => node.rm.getPartition(TOPIC, 0)!;

test('the follower replicates the leader byte for byte; acks=-1 is answered once it has the records; its high watermark follows', async () => {
  const [n1, n2] = [await startNode(1), await startNode(2)];
  assert.deepEqual(await n1.rm.becomeLeaderOrFollower(0, 1, [state(1, 0, [1, 2])]), [{ topic: TOPIC, partition: 0, errorCode: ErrorCode.NONE }]);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(1, 0, [1, 2])]);
  assert.equal(n2.rm.followedPartitions().get(`${TOPIC}-0`), 1);
  const acked = await produce(n1, -1, 3, 0x61);
  assert.equal(acked.errorCode, ErrorCode.NONE);
  assert.ok(partitionOf(n2).log.logEndOffset >= 3, 'an acks=-1 write is on the follower when answered');
  for (let i = 0; i < 4; i++) assert.equal((await produce(n1, -1, 2, 0x62 + i)).errorCode, ErrorCode.NONE);
  assert.equal(partitionOf(n1).highWatermark, 11);
  await waitFor('the follower high watermark', () => partitionOf(n2).highWatermark === 11);
  assert.deepEqual(batchesOf(n2), batchesOf(n1));
  assert.deepEqual(partitionOf(n2).log.leaderEpochCache.epochEntries(), [{ epoch: 0, startOffset: 0 }]);
});

test('a follower outside the ISR joins it once caught up; one that stops fetching leaves it after replica.lag.time.max.ms', async () => {
  const [n1, n2] = [nodes.get(1)!, nodes.get(2)!];
  proposals.length = 0;
  // The controller took 2 out of the ISR (epoch 1): the leader proposes it back once 2 fetched to its log end.
  await n1.rm.becomeLeaderOrFollower(0, 1, [state(1, 1, [1], [1, 2], 1)]);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(1, 1, [1], [1, 2], 1)]);
  assert.equal((await produce(n1, 1, 1, 0x70)).errorCode, ErrorCode.NONE);
  await waitFor('the follower back in the ISR', () => partitionOf(n1).isr.includes(2));
  assert.deepEqual(proposals, [{ topic: TOPIC, partition: 0, leaderEpoch: 1, newIsr: [1, 2], zkVersion: 1 }]);
  assert.equal(partitionOf(n1).zkVersion, 2, 'the ISR version the controller answered with');

  // The follower stops (StopReplica); the leader writes on; past the lag limit the periodic check drops it.
  await n2.rm.stopReplicas(0, 1, [{ topic: TOPIC, partition: 0, leaderEpoch: -1, deletePartition: false }]);
  assert.equal(n2.rm.followedPartitions().size, 0, 'no longer fetched');
  const pending = produce(n1, -1, 1, 0x71);
  partitionOf(n1).maybeShrinkIsr();
  assert.equal(proposals.length, 1, 'within the lag limit nothing changes');
  clockMs += LAG_MS + 1;
  partitionOf(n1).maybeShrinkIsr();
  await waitFor('the shrunk ISR', () => partitionOf(n1).isr.length === 1);
  assert.deepEqual(proposals.at(-1)!.newIsr, [1]);
  assert.equal((await pending).errorCode, ErrorCode.NONE, 'acks=-1 completes once the ISR is the leader alone');
});

test('a follower whose log diverged learns it from the leader\'s diverging_epoch (Fetch v12), truncates to where its epochs part from the leader\'s, then takes the leader\'s records', async () => {
  const [n1, n2] = [nodes.get(1)!, nodes.get(2)!];
  sent.length = 0;
  divergences.length = 0;
  await n1.rm.becomeLeaderOrFollower(0, 1, [state(1, 2, [1, 2], [1, 2], 3)]);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(1, 2, [1, 2], [1, 2], 3)]);
  const common = partitionOf(n1).log.logEndOffset;
  await waitFor('the follower at the common offset', () => partitionOf(n2).log.logEndOffset === common);
  // Broker 2 leads epoch 3 alone and writes 3 records nobody fetches.
  await n1.rm.stopReplicas(0, 1, [{ topic: TOPIC, partition: 0, leaderEpoch: 3, deletePartition: false }]);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(2, 3, [2], [1, 2], 4)]);
  assert.equal((await produce(n2, 1, 3, 0x78)).errorCode, ErrorCode.NONE);
  // Broker 1 leads epoch 4 and writes 2 other records at those offsets; broker 2 follows it.
  await n1.rm.becomeLeaderOrFollower(0, 1, [state(1, 4, [1], [1, 2], 5)]);
  assert.equal((await produce(n1, 1, 2, 0x79)).errorCode, ErrorCode.NONE);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(1, 4, [1], [1, 2], 5)]);
  await waitFor('the follower caught up', () => partitionOf(n2).log.logEndOffset === common + 2 && partitionOf(n2).highWatermark === common + 2);
  assert.deepEqual(batchesOf(n2), batchesOf(n1), 'the same records at every offset');
  const epochs = partitionOf(n2).log.leaderEpochCache.epochEntries();
  assert.deepEqual(epochs.at(-1), { epoch: 4, startOffset: common }, 'the leader\'s epoch 4 starts where the histories parted');
  assert.ok(!epochs.some((e) => e.epoch === 3), 'epoch 3 is gone with its records');
  // The follower named epoch 3; the leader's log has nothing of it: its largest epoch below 3 ends at the common offset.
  const leaderAnswer = partitionOf(n1).log.leaderEpochCache.endOffsetFor(3, partitionOf(n1).log.logEndOffset);
  assert.ok(leaderAnswer.epoch < 3 && leaderAnswer.endOffset === common);
  assert.deepEqual(divergences, [{ epoch: leaderAnswer.epoch, endOffset: BigInt(common) }]);
  assert.ok(!sent.some((r) => r.apiKey === ApiKey.OffsetForLeaderEpoch), 'no OffsetsForLeaderEpoch round trip');
  assert.ok(sent.filter((r) => r.apiKey === ApiKey.Fetch).every((r) => r.apiVersion === 12));
});

test('without truncation on fetch (inter.broker.protocol.version before 2.7-IV1) a follower asks OffsetsForLeaderEpoch first and fetches with v11', async () => {
  const [n3, n4] = [await startNode(3, false), await startNode(4, false)];
  sent.length = 0;
  divergences.length = 0;
  const at = (leader: number, epoch: number, isr: number[], zk: number) => state(leader, epoch, isr, [3, 4], zk);
  await n3.rm.becomeLeaderOrFollower(0, 1, [at(3, 0, [3, 4], 0)]);
  await n4.rm.becomeLeaderOrFollower(0, 1, [at(3, 0, [3, 4], 0)]);
  assert.equal((await produce(n3, -1, 2, 0x61)).errorCode, ErrorCode.NONE);
  await n3.rm.stopReplicas(0, 1, [{ topic: TOPIC, partition: 0, leaderEpoch: 1, deletePartition: false }]);
  await n4.rm.becomeLeaderOrFollower(0, 1, [at(4, 1, [4], 1)]);
  assert.equal((await produce(n4, 1, 3, 0x62)).errorCode, ErrorCode.NONE);
  await n3.rm.becomeLeaderOrFollower(0, 1, [at(3, 2, [3], 2)]);
  assert.equal((await produce(n3, 1, 2, 0x63)).errorCode, ErrorCode.NONE);
  await n4.rm.becomeLeaderOrFollower(0, 1, [at(3, 2, [3], 2)]);
  await waitFor('the follower caught up', () => partitionOf(n4).log.logEndOffset === 4 && partitionOf(n4).highWatermark === 4);
  assert.deepEqual(batchesOf(n4), batchesOf(n3));
  assert.deepEqual(partitionOf(n4).log.leaderEpochCache.epochEntries(), [{ epoch: 0, startOffset: 0 }, { epoch: 2, startOffset: 2 }]);
  const toLeader = sent.filter((r) => r.to === 3);
  assert.ok(toLeader.some((r) => r.apiKey === ApiKey.OffsetForLeaderEpoch && r.apiVersion === 3));
  assert.ok(toLeader.filter((r) => r.apiKey === ApiKey.Fetch).every((r) => r.apiVersion === 11));
  assert.deepEqual(divergences, []);
});

test('DeleteRecords waits for the follower\'s log start offset (the low watermark), or answers REQUEST_TIMED_OUT when it does not come', async () => {
  const [n1, n2] = [nodes.get(1)!, nodes.get(2)!];
  const leader = partitionOf(n1);
  for (let i = 0; i < 3; i++) assert.equal((await produce(n1, 1, 2, 0x41 + i)).errorCode, ErrorCode.NONE);
  await waitFor('the follower in the ISR with the leader\'s records', () => leader.isr.includes(2) && partitionOf(n2).highWatermark === leader.log.logEndOffset);
  const end = leader.log.logEndOffset;
  const lowBefore = n1.rm.lowWatermark(leader);
  assert.equal(lowBefore, 0, 'the follower reported its log start');

  // The follower stops fetching: the leader moves its own log start, the answer waits for the follower's and times out.
  await n2.rm.stopReplicas(0, 1, [{ topic: TOPIC, partition: 0, leaderEpoch: -1, deletePartition: false }]);
  const timedOut = await n1.rm.deleteRecords([{ topic: TOPIC, partition: 0, offset: end - 2 }], 300);
  assert.deepEqual(timedOut, [{ topic: TOPIC, partition: 0, lowWatermark: 0, errorCode: ErrorCode.REQUEST_TIMED_OUT }]);
  assert.equal(leader.log.logStartOffset, end - 2);

  // Fetching again, the follower takes the leader's log start from the fetch responses and reports its own.
  const epoch = leader.leaderEpoch + 1;
  await n1.rm.becomeLeaderOrFollower(0, 1, [state(1, epoch, [1, 2], [1, 2], 10)]);
  const waiting = n1.rm.deleteRecords([{ topic: TOPIC, partition: 0, offset: -1 }], 30_000);
  await n2.rm.becomeLeaderOrFollower(0, 1, [state(1, epoch, [1, 2], [1, 2], 10)]);
  assert.deepEqual(await waiting, [{ topic: TOPIC, partition: 0, lowWatermark: end, errorCode: ErrorCode.NONE }]);
  assert.equal(partitionOf(n2).log.logStartOffset, end, 'the follower moved its log start offset');
  assert.deepEqual(await n1.rm.deleteRecords([{ topic: TOPIC, partition: 0, offset: end + 1 }], 100), [{ topic: TOPIC, partition: 0, lowWatermark: -1, errorCode: ErrorCode.OFFSET_OUT_OF_RANGE }]);
});
