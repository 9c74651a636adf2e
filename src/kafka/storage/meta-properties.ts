// meta.properties of a log dir in ZooKeeper mode: version=0, broker.id, cluster.id, written as Java's
// Properties.store writes it (tmp file, fsync, rename). Version 1 (node.id) is KRaft's and is refused.
import * as path from 'node:path';
import { LogDirError } from './errors.js';
import { parseProperties } from '../../config/properties.js';
import { readTextFileOrNull, writeFileDurablySync } from './file-io.js';
import { storeProperties } from './java-properties.js';

export const META_PROPERTIES = 'meta.properties';

export interface BrokerMetadata {
  brokerId: number;
  /** Null until the broker has registered with a cluster (older brokers wrote no cluster.id). */
  clusterId: string | null;
}

/** Reads `<logDir>/meta.properties`; null when the file does not exist. Errors name the file and key. */
export function readMetaProperties(logDir: string): BrokerMetadata | null {
  const file = path.join(logDir, META_PROPERTIES);
  const text = readTextFileOrNull(file, 'latin1');
  if (text === null) return null;
  let props: Map<string, string>;
  try {
    props = new Map(parseProperties(text).map((e) => [e.key, e.value]));
  } catch (err) {
    throw new LogDirError(`${file}: ${(err as Error).message}`, { cause: err });
  }
  const version = props.get('version');
  if (version !== '0') {
    throw new LogDirError(`${file}: key version: expected 0 (ZooKeeper mode), found ${version === undefined ? 'none' : `"${version}"`}`);
  }
  const brokerIdText = props.get('broker.id');
  if (brokerIdText === undefined || !/^-?\d{1,10}$/.test(brokerIdText.trim()) || Number(brokerIdText) > 0x7fffffff) {
    throw new LogDirError(`${file}: key broker.id: expected an integer, found ${brokerIdText === undefined ? 'none' : `"${brokerIdText}"`}`);
  }
  const clusterId = props.get('cluster.id');
  return { brokerId: Number(brokerIdText), clusterId: clusterId === undefined || clusterId === '' ? null : clusterId };
}

export function formatMetaProperties(meta: BrokerMetadata, nowMs: number): string {
  const entries: Array<[string, string]> = [['version', '0'], ['broker.id', String(meta.brokerId)]];
  if (meta.clusterId !== null) entries.push(['cluster.id', meta.clusterId]);
  return storeProperties(entries, nowMs);
}

export function writeMetaProperties(logDir: string, meta: BrokerMetadata, nowMs: number): void {
  writeFileDurablySync(path.join(logDir, META_PROPERTIES), Buffer.from(formatMetaProperties(meta, nowMs), 'latin1'));
}
