// Builds large txn logs for the large-log tests quickly: setData txns of one node with big values, written with
// the server's own log writer (forceSync off), as a log.<first zxid> file that recovery replays after the
// newest snapshot.
import { readFileSync } from 'node:fs';
import { OpCode } from '../../src/zookeeper/jute/constants.js';
import { readLoggedTxns } from '../../src/zookeeper/storage/txn-log-reader.js';
import { TxnLog } from '../../src/zookeeper/storage/txn-log.js';

/** The value of version `version` of the node: its first 8 bytes say which version it is. */
export function bigValue(version: number, bytes: number): Buffer {
  const data = Buffer.alloc(bytes, version % 251);
  data.writeBigInt64BE(BigInt(version), 0);
  return data;
}

/** The highest zxid in the logs of a version-2 directory. */
export function lastLoggedZxid(versionDir: string): bigint {
  let last = 0n;
  for (const { txn } of readLoggedTxns(versionDir)) if (txn.hdr.zxid > last) last = txn.hdr.zxid;
  return last;
}

/**
 * Appends `count` setData txns of `path` (versions 1..count, values bigValue(version, valueBytes)) after the last
 * logged zxid, in a new log file; returns that file's path.
 */
export async function appendSetDataLog(versionDir: string, path: string, count: number, valueBytes: number): Promise<string> {
  const first = lastLoggedZxid(versionDir) + 1n;
  const log = await TxnLog.open(versionDir, { preAllocSizeBytes: 64 * 1024 * 1024, forceSync: false, fsyncWarningThresholdMs: 60_000 });
  for (let version = 1; version <= count; version++) {
    const zxid = first + BigInt(version - 1);
    log.append({
      hdr: { clientId: 0n, cxid: version, zxid, time: BigInt(Date.now()), type: OpCode.setData },
      body: { type: OpCode.setData, record: { path, data: bigValue(version, valueBytes), version } },
    });
    if (version % 32 === 0) await log.flush();
  }
  await log.close();
  return log.currentFile;
}

/** Peak resident set size of a live process (VmHWM), in bytes. */
export function peakRssBytes(pid: number): number {
  const m = /^VmHWM:\s+(\d+) kB$/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  if (!m) throw new Error(`no VmHWM for process ${pid}`);
  return Number(m[1]) * 1024;
}
