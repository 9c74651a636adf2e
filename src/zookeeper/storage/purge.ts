// PurgeTxnLog and the autopurge timer (DatadirCleanupManager): keep the newest N valid snapshots and the logs
// needed to replay from the oldest of them; delete older snapshot.* and log.* files.
import * as fs from 'node:fs';
import { LOG_PREFIX, SNAPSHOT_PREFIX, listZxidFiles } from './data-dir.js';
import { findValidSnapshots } from './snapshot.js';
import { logFilesFrom } from './txn-log-reader.js';

export const MIN_SNAP_RETAIN_COUNT = 3;

/** snapDir and logDir are the version-2 directories. */
export function purge(snapDir: string, logDir: string, retainCount: number): { removed: string[] } {
  if (retainCount < MIN_SNAP_RETAIN_COUNT) throw new RangeError('count should be greater than or equal to 3');
  const snaps = findValidSnapshots(snapDir, retainCount);
  if (snaps.length === 0) return { removed: [] };
  const leastZxidToRetain = snaps[snaps.length - 1].zxid;

  // The log that starts at or before the oldest kept snapshot can hold txns after it: keep it and all later ones.
  const logs = listZxidFiles(logDir, LOG_PREFIX);
  const retainedLogs = new Set(logFilesFrom(logs, leastZxidToRetain).map((f) => f.file));
  const doomed = [
    ...logs.filter((f) => f.zxid < leastZxidToRetain && !retainedLogs.has(f.file)),
    ...listZxidFiles(snapDir, SNAPSHOT_PREFIX).filter((f) => f.zxid < leastZxidToRetain),
  ];
  const removed: string[] = [];
  for (const f of doomed) {
    try {
      fs.unlinkSync(f.file);
      removed.push(f.file);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
  }
  return { removed };
}

/**
 * Runs purge at once and then every intervalHours (as Apache's timer does); intervalHours <= 0 schedules nothing.
 * The timer does not keep the process alive.
 */
export function startAutopurge(
  snapDir: string,
  logDir: string,
  retainCount: number,
  intervalHours: number,
  log: (line: string) => void,
): { stop(): void } {
  log(`autopurge.snapRetainCount set to ${retainCount}`);
  log(`autopurge.purgeInterval set to ${intervalHours}`);
  if (!(intervalHours > 0)) {
    log('Purge task is not scheduled.');
    return { stop() {} };
  }
  const run = (): void => {
    log('Purge task started.');
    try {
      for (const file of purge(snapDir, logDir, retainCount).removed) log(`Removing file: ${file}`);
    } catch (err) {
      log(`Error occurred while purging. ${(err as Error).message}`);
    }
    log('Purge task completed.');
  };
  // Chained timeouts: setInterval cannot wait longer than 2^31-1 ms (about 24.8 days).
  const MAX_DELAY_MS = 0x7fffffff;
  const periodMs = intervalHours * 3600 * 1000;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const schedule = (dueAt: number): void => {
    if (stopped) return;
    timer = setTimeout(() => {
      if (Date.now() < dueAt) return schedule(dueAt);
      run();
      schedule(dueAt + periodMs);
    }, Math.max(0, Math.min(MAX_DELAY_MS, dueAt - Date.now())));
    timer.unref();
  };
  schedule(Date.now());
  return {
    stop() {
      if (stopped) return;
      stopped = true;
      log('Shutting down purge task.');
      if (timer) clearTimeout(timer);
    },
  };
}
