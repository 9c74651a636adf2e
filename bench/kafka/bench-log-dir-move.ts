// A replica's move between two log dirs (no rate limit) against copying the same segment files with fs.copyFile, in
// the same run: the move reads the current log in replica.fetch.max.bytes chunks and appends them to the future log
// (CRC checks, index entries), so it is expected within a small factor of a raw file copy.
// Run: npm run build && node dist/bench/kafka/bench-log-dir-move.js [MiB, default 64]
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { LogDirMover } from '../../src/kafka/broker/log-dirs/log-dir-mover.js';
import type { PartitionConfig } from '../../src/kafka/broker/replica/partition-config.js';
import { ReplicaManager } from '../../src/kafka/broker/replica/replica-manager.js';
import { DEFAULT_LOG_CONFIG } from '../../src/kafka/storage/log-config.js';
import { LogDir } from '../../src/kafka/storage/log-dir.js';
import { systemClock, TimerScheduler } from '../../src/kafka/storage/scheduler.js';
import { recordBatchCrc32c as crc32c } from '../../src/kafka/broker/broker-storage.js';
import { buildBatch } from '../../test/support/kafka-batches.js';

const MiB = 1024 * 1024;
const CONFIG: PartitionConfig = {
  log: { ...DEFAULT_LOG_CONFIG, fileDeleteDelayMs: 0 },
  compressionType: 'producer', minInsyncReplicas: 1, messageTimestampType: 'CreateTime', messageTimestampDifferenceMaxMs: Number.MAX_SAFE_INTEGER,
};

async function main(): Promise<void> {
  const total = Number(process.argv[2] ?? 64) * MiB;
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-log-dir-move-'));
  const [a, b, copy] = ['a', 'b', 'copy'].map((n) => path.join(root, n)) as [string, string, string];
  const scheduler = new TimerScheduler(() => {});
  const dirs = [await LogDir.open({ dir: a, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log }), await LogDir.open({ dir: b, clock: systemClock, scheduler, crc32c, configFor: () => CONFIG.log })];
  let rm: ReplicaManager | undefined;
  const mover = new LogDirMover({ dirs, partition: (tp) => rm?.getPartition(tp.topic, tp.partition), bytesPerSecond: () => Infinity, maxChunkBytes: MiB, log: () => {} });
  rm = new ReplicaManager({ brokerId: 1, dirs, configFor: () => CONFIG, log: () => {}, highWatermarkCheckpointIntervalMs: 0, logDirMoves: mover });
  try {
    await rm.becomeLeaderOrFollower(0, 1, [{ topic: 't', topicId: 'AAAAAAAAAAAAAAAAAAAAAA', partition: 0, controllerEpoch: 1, leader: 1, leaderEpoch: 1, isr: [1], zkVersion: 0, replicas: [1], addingReplicas: [], removingReplicas: [], isNew: true }]);
    const batch = buildBatch({ count: 100, valueBytes: 1000 });
    for (let written = 0; written < total; written += batch.length) await rm.appendRecords([{ topic: 't', partition: 0, records: Buffer.from(batch) }], 1, 5000, 8);
    const source = rm.getPartition('t', 0)!.log.dir;
    const target = source.startsWith(a) ? b : a;
    await rm.getPartition('t', 0)!.log.flush();

    let t0 = performance.now();
    fs.mkdirSync(copy);
    for (const f of fs.readdirSync(source)) await fs.promises.copyFile(path.join(source, f), path.join(copy, f));
    const copyMs = performance.now() - t0;

    t0 = performance.now();
    await mover.alterReplicaLogDirs([{ topic: 't', partition: 0, path: target }]);
    while (!fs.existsSync(path.join(target, 't-0')) || mover.moving().length > 0) await new Promise((r) => setTimeout(r, 5));
    const moveMs = performance.now() - t0;
    const mb = total / MiB;
    console.log(`moved ${mb} MiB: move ${(mb / (moveMs / 1000)).toFixed(0)} MiB/s, fs.copyFile ${(mb / (copyMs / 1000)).toFixed(0)} MiB/s, ratio move/copy time ${(moveMs / copyMs).toFixed(2)}x (load ${os.loadavg().map((l) => l.toFixed(2)).join(' ')})`);
  } finally {
    await rm.shutdown();
    for (const d of dirs) await d.close();
    scheduler.shutdown();
    fs.rmSync(root, { recursive: true, force: true });
  }
}

await main();
