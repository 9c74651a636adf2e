// partition.metadata (KIP-516, Kafka 2.8): `version: 0\ntopic_id: <22-char base64url uuid>`, no trailing newline,
// written tmp + fsync + rename before the first append once the controller has sent a topic id.
import * as path from 'node:path';
import { LogDirError } from './errors.js';
import { readTextFileOrNull, writeFileDurably } from './file-io.js';

export const PARTITION_METADATA = 'partition.metadata';

/** A 16-byte topic id as Kafka prints it (Uuid.toString: base64url without padding). */
export function topicIdToString(id: Buffer): string {
  if (id.length !== 16) throw new RangeError(`a topic id has 16 bytes, got ${id.length}`);
  return id.toString('base64url');
}

export function topicIdFromString(text: string): Buffer | null {
  if (!/^[A-Za-z0-9_-]{22}$/.test(text)) return null;
  const id = Buffer.from(text, 'base64url');
  return id.length === 16 && id.toString('base64url') === text ? id : null;
}

export function formatPartitionMetadata(topicId: Buffer): string {
  if (topicId.every((b) => b === 0)) throw new RangeError('the all-zero topic id is not a valid topic id');
  return `version: 0\ntopic_id: ${topicIdToString(topicId)}`;
}

export async function writePartitionMetadata(partitionDir: string, topicId: Buffer): Promise<void> {
  return writeFileDurably(path.join(partitionDir, PARTITION_METADATA), formatPartitionMetadata(topicId));
}

/** The topic id stored in `partitionDir`, null when there is no partition.metadata. */
export function readPartitionMetadata(partitionDir: string): Buffer | null {
  const file = path.join(partitionDir, PARTITION_METADATA);
  const text = readTextFileOrNull(file, 'utf8');
  if (text === null) return null;
  const lines = text.split('\n');
  const version = /^version:\s*(\S+)\s*$/.exec(lines[0] ?? '')?.[1];
  if (version !== '0') throw new LogDirError(`${file}:1: expected "version: 0", found "${lines[0] ?? ''}"`);
  const idText = /^topic_id:\s*(\S+)\s*$/.exec(lines[1] ?? '')?.[1];
  const id = idText === undefined ? null : topicIdFromString(idText);
  if (!id || id.every((b) => b === 0)) throw new LogDirError(`${file}:2: expected "topic_id: <22-character topic id>", found "${lines[1] ?? ''}"`);
  return id;
}
