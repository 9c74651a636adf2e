// Partition directory names: `<topic>-<partition>`, split at the last '-' (topics may contain '-'), and the
// `-delete` / `-future` forms `<topic>-<partition>.<32 hex>-delete` that Log.logDeleteDirName builds.
import { randomUUID } from 'node:crypto';

export interface TopicPartition {
  topic: string;
  partition: number;
}

export const DELETE_DIR_SUFFIX = '-delete';
export const FUTURE_DIR_SUFFIX = '-future';
/** Longest file name most file systems take. */
const MAX_NAME_BYTES = 255;

export function partitionDirName(tp: TopicPartition): string {
  return `${tp.topic}-${tp.partition}`;
}

/** Map key for a partition (the same text as its directory name). */
export const tpKey = partitionDirName;

/**
 * The partition a directory holds, or null when the name does not parse (Kafka aborts start-up then).
 * `-delete` and `-future` names drop the `.<unique id>-suffix` first.
 */
export function parsePartitionDirName(name: string): TopicPartition | null {
  let base = name;
  if (name.endsWith(DELETE_DIR_SUFFIX) || name.endsWith(FUTURE_DIR_SUFFIX)) {
    const dot = name.lastIndexOf('.');
    if (dot < 0) return null;
    base = name.slice(0, dot);
  }
  const dash = base.lastIndexOf('-');
  if (dash <= 0) return null;
  const topic = base.slice(0, dash);
  const partitionText = base.slice(dash + 1);
  if (!/^\d{1,10}$/.test(partitionText)) return null;
  const partition = Number(partitionText);
  if (partition > 0x7fffffff) return null;
  return { topic, partition };
}

function dirNameWithSuffix(tp: TopicPartition, suffix: string): string {
  const tail = `-${tp.partition}.${randomUUID().replaceAll('-', '')}${suffix}`;
  return tp.topic.slice(0, Math.max(0, MAX_NAME_BYTES - tail.length)) + tail;
}

/** A fresh `-delete` directory name, the topic cut so that the name stays within 255 characters. */
export const deleteDirName = (tp: TopicPartition): string => dirNameWithSuffix(tp, DELETE_DIR_SUFFIX);
export const futureDirName = (tp: TopicPartition): string => dirNameWithSuffix(tp, FUTURE_DIR_SUFFIX);
