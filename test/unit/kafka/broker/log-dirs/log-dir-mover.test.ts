// Moves between two log dirs of one replica manager: the future log is created in the target dir and filled while
// producers keep appending, the swap leaves the partition in the target dir with every batch as it was, the old
// directory renamed `-delete` and removed after file.delete.delay.ms, and the checkpoints of both dirs rewritten.
// A restart in the middle resumes; a restart between the two renames of the swap completes it.
import assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { test } from 'node:test';
import type { PartitionStateUpdate } from '../../../../../src/kafka/broker/broker-contracts.js';
import { LogDirMover } from '../../../../../src/kafka/broker/log-dirs/log-dir-mover.js';
import type { PartitionConfig } from '../../../../../src/kafka/broker/replica/partition-config.js';
import { ReplicaManager } from '../../../../../src/kafka/broker/replica/replica-manager.js';
import { storageLogDirs } from '../../../../../src/kafka/broker/storage-log-dirs.js';
import { ErrorCode } from '../../../../../src/kafka/protocol/index.js';
import { buildEndTxnMarker, buildRecordBatchSync } from '../../../../../src/kafka/protocol/records/index.js';
import { DEFAULT_LOG_CONFIG } from '../../../../../src/kafka/storage/log-config.js';
import { LogDir } from '../../../../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../../../../src/kafka/storage/scheduler.js';
import { buildBatch, crc32c } from '../../../../support/kafka-batches.js';
import { waitFor } from '../../../../support/kafka-broker-process.js';
import { kafkaTempDir, readStoredBatches, PARTITION_CONFIG } from '../../../../support/kafka-log.js';

const TOPIC = 'moving';
const CONFIG: PartitionConfig = { ...PARTITION_CONFIG, log: { ...DEFAULT_LOG_CONFIG, segmentBytes: 4096, fileDeleteDelayMs: 200 } };

interface Broker {
  rm: ReplicaManager;
  mover: LogDirMover;
  dirs: LogDir[];
  close(): Promise<void>;
}

async function openBroker(paths: string[], bytesPerSecond = () => Number.POSITIVE_INFINITY, maxChunkBytes = 1024): Promise<Broker> {
  const scheduler = new TimerScheduler(() => {});
  const dirs: LogDir[] = [];
  for (const dir of paths) dirs.push(await LogDir.open({ dir, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log, fileDeleteDelayMs: 200 }));
  let rm: ReplicaManager | undefined;
  const mover = new LogDirMover({
    dirs, partition: (tp) => rm?.getPartition(tp.topic, tp.partition), knownPartition: (tp) => tp.topic === TOPIC,
    bytesPerSecond, maxChunkBytes, log: () => {},
  });
  await mover.recoverInterruptedSwaps();
  rm = new ReplicaManager({ brokerId: 1, dirs, configFor: () => CONFIG, log: () => {}, highWatermarkCheckpointIntervalMs: 0, logDirMoves: mover });
  return {
    rm, mover, dirs,
    async close() {
      await rm.shutdown();
      for (const d of dirs) await d.close();
      scheduler.shutdown();
    },
  };
}

const leaderState = (leaderEpoch = 1): PartitionStateUpdate => ({
  topic: TOPIC, topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader: 1, leaderEpoch, isr: [1], zkVersion: 0,
  replicas: [1], addingReplicas: [], removingReplicas: [], isNew: false,
});

async function produce(b: Broker, n: number, fill = 0x61): Promise<void> {
  for (let i = 0; i < n; i++) {
    const [r] = await b.rm.appendRecords([{ topic: TOPIC, partition: 0, records: buildBatch({ count: 3, valueBytes: 100, fill: fill + (i % 20) }) }], 1, 5000, 8);
    assert.equal(r!.errorCode, ErrorCode.NONE);
  }
}

const stored = (dir: string): string[] => readStoredBatches(dir).map((b) => `${b.baseOffset}:${b.bytes.toString('base64')}`);
const entries = (dir: string): string[] => fs.readdirSync(dir).filter((n) => n.startsWith(`${TOPIC}-0`)).sort();

/** Two temp dirs, removed after the test once `cleanup` (the open broker) has run. */
function twoDirs(t: { after(fn: () => Promise<void>): void }, cleanup: { close?: () => Promise<void> }): [string, string] {
  const a = kafkaTempDir('move-a-');
  const b = kafkaTempDir('move-b-');
  t.after(async () => {
    await cleanup.close?.();
    a.remove();
    b.remove();
  });
  return [a.path, b.path];
}

test('a replica moves to the other log dir while producers append, and keeps every batch in order', async (t) => {
  const open: { close?: () => Promise<void> } = {};
  const [a, b] = twoDirs(t, open);
  const broker = await openBroker([a, b]);
  open.close = () => broker.close();
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState()]);
  const [from, to] = broker.dirs[0]!.getLog({ topic: TOPIC, partition: 0 }) ? [a, b] : [b, a];
  await produce(broker, 60);
  const codes = await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: to }]);
  assert.deepEqual(codes, [ErrorCode.NONE]);
  // Producers go on during the copy; their batches reach the moved log too.
  const producing = produce(broker, 60, 0x41);
  const described = await storageLogDirs(broker.dirs).logDirs();
  const target = described.find((d) => d.path === to)!;
  assert.equal(target.partitions.length, 1);
  assert.equal(target.partitions[0]!.isFuture, true, 'DescribeLogDirs shows the future replica in the target dir');
  await producing;
  await waitFor('the move to finish', () => fs.existsSync(path.join(to, `${TOPIC}-0`)) && broker.mover.moving().length === 0);
  const p = broker.rm.getPartition(TOPIC, 0)!;
  assert.equal(p.log.dir, path.join(to, `${TOPIC}-0`));
  assert.equal(p.log.logEndOffset, 360);
  assert.deepEqual(entries(to), [`${TOPIC}-0`]);
  assert.equal(stored(path.join(to, `${TOPIC}-0`)).length, 120);
  assert.deepEqual(stored(path.join(to, `${TOPIC}-0`)).map((s) => Number(s.split(':')[0])), Array.from({ length: 120 }, (_, i) => i * 3));
  for (const n of entries(from)) assert.match(n, new RegExp(`^${TOPIC}-0\\.[0-9a-f]{32}-delete$`), 'the old copy is renamed for deletion');
  await waitFor('the old copy removed', () => entries(from).length === 0);
  await broker.rm.checkpointHighWatermarks();
  assert.match(fs.readFileSync(path.join(to, 'recovery-point-offset-checkpoint'), 'utf8'), new RegExp(`${TOPIC} 0 360`));
  assert.doesNotMatch(fs.readFileSync(path.join(from, 'recovery-point-offset-checkpoint'), 'utf8'), new RegExp(TOPIC));
  assert.match(fs.readFileSync(path.join(to, 'replication-offset-checkpoint'), 'utf8'), new RegExp(`${TOPIC} 0 360`));
  // Appends after the swap go to the moved log.
  await produce(broker, 1);
  assert.equal(p.log.logEndOffset, 363);
  assert.equal(stored(path.join(to, `${TOPIC}-0`)).length, 121);
});

test('AlterReplicaLogDirs answers as Kafka: unknown dir, replica not hosted yet (remembered), same dir, long topic', async (t) => {
  const open: { close?: () => Promise<void> } = {};
  const [a, b] = twoDirs(t, open);
  const broker = await openBroker([a, b]);
  open.close = () => broker.close();
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: '/no/such/dir' }]), [ErrorCode.LOG_DIR_NOT_FOUND]);
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: 'unknown', partition: 0, path: b }]), [ErrorCode.UNKNOWN_TOPIC_OR_PARTITION]);
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: 'x'.repeat(250), partition: 0, path: b }]), [ErrorCode.INVALID_TOPIC_EXCEPTION]);
  // Not hosted yet: the dir is remembered and the partition is created there (the emptier dir would be a).
  fs.mkdirSync(path.join(a, 'unrelated-0'));
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: `${b}/` }]), [ErrorCode.REPLICA_NOT_AVAILABLE]);
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState()]);
  assert.equal(broker.rm.getPartition(TOPIC, 0)!.log.dir, path.join(b, `${TOPIC}-0`));
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: b }]), [ErrorCode.NONE]);
  assert.deepEqual(broker.mover.moving(), [], 'already there: nothing to move');
  assert.deepEqual(entries(a), []);
});

test('a move cut by a restart resumes from the -future log; one cut between the swap renames is completed at start', async (t) => {
  const open: { close?: () => Promise<void> } = {};
  const [a, b] = twoDirs(t, open);
  let broker = await openBroker([a, b], () => 20_000, 2048);
  open.close = () => broker.close();
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState()]);
  const from = broker.dirs[0]!.getLog({ topic: TOPIC, partition: 0 }) ? a : b;
  const to = from === a ? b : a;
  await produce(broker, 100);
  const before = stored(path.join(from, `${TOPIC}-0`));
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: to }]), [ErrorCode.NONE]);
  const future = () => entries(to).find((n) => n.endsWith('-future'));
  await waitFor('part of the copy done', () => {
    const f = broker.dirs.find((d) => d.dir === to)!.getFutureLog({ topic: TOPIC, partition: 0 });
    return f !== undefined && f.logEndOffset > 0;
  });
  await broker.close();
  assert.ok(future(), 'the -future directory stays');
  assert.ok(entries(from).includes(`${TOPIC}-0`));

  broker = await openBroker([a, b]);
  assert.ok(broker.dirs.find((d) => d.dir === to)!.getFutureLog({ topic: TOPIC, partition: 0 }), 'loaded as a future log');
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState(2)]);
  await waitFor('the resumed move to finish', () => entries(to).includes(`${TOPIC}-0`) && broker.mover.moving().length === 0);
  assert.deepEqual(stored(path.join(to, `${TOPIC}-0`)), before);
  await broker.close();

  // The swap renamed the old copy `-delete` and stopped before renaming the future log: the start finishes it.
  fs.renameSync(path.join(to, `${TOPIC}-0`), path.join(to, `${TOPIC}-0.0123456789abcdef0123456789abcdef-future`));
  fs.mkdirSync(path.join(from, `${TOPIC}-0.fedcba9876543210fedcba9876543210-delete`));
  broker = await openBroker([a, b]);
  assert.equal(broker.dirs.find((d) => d.dir === to)!.getLog({ topic: TOPIC, partition: 0 })?.logEndOffset, 300);
  assert.deepEqual(entries(to), [`${TOPIC}-0`]);
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState(3)]);
  assert.equal(broker.rm.getPartition(TOPIC, 0)!.log.dir, path.join(to, `${TOPIC}-0`));
  await waitFor('the -delete directory found at start removed', () => entries(from).length === 0);
});

test('a move back to the current dir cancels it, and deleting the partition drops its future log', async (t) => {
  const open: { close?: () => Promise<void> } = {};
  const [a, b] = twoDirs(t, open);
  const broker = await openBroker([a, b], () => 1000, 512);
  open.close = () => broker.close();
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState()]);
  const from = broker.dirs[0]!.getLog({ topic: TOPIC, partition: 0 }) ? a : b;
  const to = from === a ? b : a;
  await produce(broker, 40);
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: to }]), [ErrorCode.NONE]);
  assert.ok(entries(to).some((n) => n.endsWith('-future')));
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: from }]), [ErrorCode.NONE]);
  assert.deepEqual(broker.mover.moving(), []);
  assert.ok(entries(to).every((n) => n.endsWith('-delete')), 'the future log is dropped');
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: to }]), [ErrorCode.NONE]);
  await broker.rm.stopReplicas(0, 1, [{ topic: TOPIC, partition: 0, leaderEpoch: -2, deletePartition: true }]);
  assert.deepEqual(broker.mover.moving(), []);
  assert.ok(entries(to).every((n) => n.endsWith('-delete')));
  assert.ok(entries(from).every((n) => n.endsWith('-delete')));
});

test('a moved replica takes its aborted transactions along: the same .txnindex files, and an open transaction stays open', async (t) => {
  const open: { close?: () => Promise<void> } = {};
  const [a, b] = twoDirs(t, open);
  const broker = await openBroker([a, b]);
  open.close = () => broker.close();
  await broker.rm.becomeLeaderOrFollower(0, 1, [leaderState()]);
  const [from, to] = broker.dirs[0]!.getLog({ topic: TOPIC, partition: 0 }) ? [a, b] : [b, a];
  for (let i = 0; i < 12; i++) {
    const records = buildRecordBatchSync([{ value: 'x'.repeat(300) }], { producerId: 1000 + i, producerEpoch: 0, baseSequence: 0, isTransactional: true });
    const [r] = await broker.rm.appendRecords([{ topic: TOPIC, partition: 0, records }], 1, 5000, 8);
    assert.equal(r!.errorCode, ErrorCode.NONE);
    if (i === 11) break; // left open
    const end = await broker.rm.appendAsLeader(TOPIC, 0, buildEndTxnMarker({ producerId: 1000 + i, producerEpoch: 0, commit: i % 2 === 0, coordinatorEpoch: 0, timestamp: Date.now() }), 1, 'coordinator');
    assert.equal(end.errorCode, ErrorCode.NONE);
  }
  const txnIndexes = (dir: string) => Object.fromEntries(fs.readdirSync(dir).filter((n) => n.endsWith('.txnindex')).map((n) => [n, fs.readFileSync(path.join(dir, n)).toString('hex')]));
  const before = txnIndexes(path.join(from, `${TOPIC}-0`));
  assert.ok(Object.keys(before).length > 1, 'the aborted transactions are spread over several segments');
  const p = broker.rm.getPartition(TOPIC, 0)!;
  const lso = p.lastStableOffset;
  assert.equal(lso, p.log.logEndOffset - 1);
  assert.deepEqual(await broker.mover.alterReplicaLogDirs([{ topic: TOPIC, partition: 0, path: to }]), [ErrorCode.NONE]);
  await waitFor('the move to finish', () => fs.existsSync(path.join(to, `${TOPIC}-0`)) && broker.mover.moving().length === 0);
  assert.equal(p.log.dir, path.join(to, `${TOPIC}-0`));
  assert.deepEqual(txnIndexes(path.join(to, `${TOPIC}-0`)), before);
  assert.equal(p.lastStableOffset, lso);
});
