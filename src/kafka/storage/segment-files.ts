// Segment file names: the base offset as 20 zero-padded digits plus a suffix, and the suffixes Kafka uses for
// files being deleted, cleaned or swapped in.
import * as path from 'node:path';

export const LOG_SUFFIX = '.log';
export const INDEX_SUFFIX = '.index';
export const TIME_INDEX_SUFFIX = '.timeindex';
export const TXN_INDEX_SUFFIX = '.txnindex';
export const SNAPSHOT_SUFFIX = '.snapshot';
export const DELETED_SUFFIX = '.deleted';
export const CLEANED_SUFFIX = '.cleaned';
export const SWAP_SUFFIX = '.swap';

export const INDEX_SUFFIXES = [INDEX_SUFFIX, TIME_INDEX_SUFFIX, TXN_INDEX_SUFFIX] as const;

export function filenamePrefixFromOffset(offset: number): string {
  return String(offset).padStart(20, '0');
}

export function segmentFile(dir: string, baseOffset: number, suffix: string, extra = ''): string {
  return path.join(dir, filenamePrefixFromOffset(baseOffset) + suffix + extra);
}

/** The offset a file name starts with (`00000000000000001234.log.deleted` → 1234), or -1 when it has none. */
export function offsetFromFileName(name: string): number {
  const m = /^(\d{1,20})\./.exec(name);
  if (!m) return -1;
  const n = Number(m[1]);
  return Number.isSafeInteger(n) ? n : -1;
}
