// File names inside version-2/ as Apache's Util parses them: "<prefix>.<hex zxid>[.<ext>]", ordered by the number.
import * as fs from 'node:fs';
import * as path from 'node:path';

export const LOG_PREFIX = 'log';
export const SNAPSHOT_PREFIX = 'snapshot';

export interface ZxidFile {
  /** Full path. */
  file: string;
  name: string;
  zxid: bigint;
}

export function logFileName(zxid: bigint): string {
  return `${LOG_PREFIX}.${BigInt.asUintN(64, zxid).toString(16)}`;
}

export function snapshotFileName(zxid: bigint): string {
  return `${SNAPSHOT_PREFIX}.${BigInt.asUintN(64, zxid).toString(16)}`;
}

/** The zxid in a file name, or null when the name is not "<prefix>.<hex>..." (Util.getZxidFromName gives -1). */
export function zxidFromName(name: string, prefix: string): bigint | null {
  const parts = name.split('.');
  if (parts.length < 2 || parts[0] !== prefix) return null;
  const hex = parts[1];
  if (!/^[0-9a-fA-F]{1,16}$/.test(hex)) return null;
  const zxid = BigInt('0x' + hex);
  return zxid > 0x7fffffffffffffffn ? null : zxid;
}

/** Files of `dir` named after a zxid with this prefix, sorted by zxid (ascending unless told). */
export function listZxidFiles(dir: string, prefix: string, ascending = true): ZxidFile[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw err;
  }
  const out: ZxidFile[] = [];
  for (const name of names) {
    const zxid = zxidFromName(name, prefix);
    if (zxid !== null) out.push({ file: path.join(dir, name), name, zxid });
  }
  out.sort((x, y) => (x.zxid < y.zxid ? -1 : x.zxid > y.zxid ? 1 : 0) * (ascending ? 1 : -1));
  return out;
}

/** Makes a rename or a file creation in `dir` durable. */
export function fsyncDirSync(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

export async function fsyncDir(dir: string): Promise<void> {
  const handle = await fs.promises.open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
