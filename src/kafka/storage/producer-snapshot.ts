// Producer state snapshot files, `<20-digit offset>.snapshot` in a partition directory, in the layout Kafka 2.8's
// ProducerStateManager writes: int16 version (1), uint32 CRC-32C of every byte after the CRC field, int32 count, then
// per producer: int64 producerId, int16 epoch, int32 lastSequence, int64 lastOffset, int32 offsetDelta (last offset -
// first offset of its last batch), int64 timestamp (max timestamp of that batch), int32 coordinatorEpoch, int64
// currentTxnFirstOffset (-1: none). The offset in the name is the first offset the state does not cover.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { crc32c } from '../protocol/records/crc32c.js';
import { DELETED_SUFFIX, offsetFromFileName, segmentFile, SNAPSHOT_SUFFIX } from './segment-files.js';

export const PRODUCER_SNAPSHOT_VERSION = 1;
const HEADER_BYTES = 2 + 4 + 4;
const ENTRY_BYTES = 8 + 2 + 4 + 8 + 4 + 8 + 4 + 8;
const CRC_START = 6;

export interface ProducerSnapshotEntry {
  producerId: number;
  producerEpoch: number;
  lastSequence: number;
  lastOffset: number;
  offsetDelta: number;
  timestamp: number;
  coordinatorEpoch: number;
  currentTxnFirstOffset: number;
}

/** A snapshot file that cannot be used (bad version, CRC or length): Kafka deletes it and falls back to an older one. */
export class CorruptSnapshotError extends Error {
  override readonly name = 'CorruptSnapshotError';
}

export function encodeProducerSnapshot(entries: readonly ProducerSnapshotEntry[]): Buffer {
  const buf = Buffer.alloc(HEADER_BYTES + entries.length * ENTRY_BYTES);
  buf.writeInt16BE(PRODUCER_SNAPSHOT_VERSION, 0);
  buf.writeInt32BE(entries.length, 6);
  let at = HEADER_BYTES;
  for (const e of entries) {
    buf.writeBigInt64BE(BigInt(e.producerId), at);
    buf.writeInt16BE(e.producerEpoch, at + 8);
    buf.writeInt32BE(e.lastSequence, at + 10);
    buf.writeBigInt64BE(BigInt(e.lastOffset), at + 14);
    buf.writeInt32BE(e.offsetDelta, at + 22);
    buf.writeBigInt64BE(BigInt(e.timestamp), at + 26);
    buf.writeInt32BE(e.coordinatorEpoch, at + 34);
    buf.writeBigInt64BE(BigInt(e.currentTxnFirstOffset), at + 38);
    at += ENTRY_BYTES;
  }
  buf.writeUInt32BE(crc32c(buf.subarray(CRC_START)), 2);
  return buf;
}

export function decodeProducerSnapshot(buf: Buffer, source = 'snapshot'): ProducerSnapshotEntry[] {
  if (buf.length < HEADER_BYTES) throw new CorruptSnapshotError(`${source}: ${buf.length} bytes, shorter than the ${HEADER_BYTES}-byte header`);
  const version = buf.readInt16BE(0);
  if (version !== PRODUCER_SNAPSHOT_VERSION) throw new CorruptSnapshotError(`${source}: snapshot version ${version}, expected ${PRODUCER_SNAPSHOT_VERSION}`);
  const stored = buf.readUInt32BE(2);
  const computed = crc32c(buf.subarray(CRC_START));
  if (stored !== computed) throw new CorruptSnapshotError(`${source}: snapshot CRC ${stored} does not match the computed ${computed}`);
  const count = buf.readInt32BE(6);
  if (count < 0 || buf.length !== HEADER_BYTES + count * ENTRY_BYTES) {
    throw new CorruptSnapshotError(`${source}: ${count} entries do not match the file's ${buf.length} bytes`);
  }
  const out: ProducerSnapshotEntry[] = [];
  for (let at = HEADER_BYTES; at < buf.length; at += ENTRY_BYTES) {
    out.push({
      producerId: Number(buf.readBigInt64BE(at)),
      producerEpoch: buf.readInt16BE(at + 8),
      lastSequence: buf.readInt32BE(at + 10),
      lastOffset: Number(buf.readBigInt64BE(at + 14)),
      offsetDelta: buf.readInt32BE(at + 22),
      timestamp: Number(buf.readBigInt64BE(at + 26)),
      coordinatorEpoch: buf.readInt32BE(at + 34),
      currentTxnFirstOffset: Number(buf.readBigInt64BE(at + 38)),
    });
  }
  return out;
}

export function snapshotFile(dir: string, offset: number): string {
  return segmentFile(dir, offset, SNAPSHOT_SUFFIX);
}

/** Offsets of the snapshot files in a partition directory, ascending. */
export function listSnapshotOffsets(dir: string): number[] {
  let names: string[];
  try {
    names = fs.readdirSync(dir);
  } catch {
    return [];
  }
  return names
    .filter((n) => n.endsWith(SNAPSHOT_SUFFIX))
    .map(offsetFromFileName)
    .filter((o) => o >= 0)
    .sort((a, b) => a - b);
}

/** Writes the snapshot in place and fsyncs it, as Kafka does (no temporary file: a torn one fails its CRC). */
export async function writeProducerSnapshot(dir: string, offset: number, entries: readonly ProducerSnapshotEntry[]): Promise<void> {
  const handle = await fs.promises.open(snapshotFile(dir, offset), 'w');
  try {
    await handle.writeFile(encodeProducerSnapshot(entries));
    await handle.sync();
  } finally {
    await handle.close();
  }
}

export async function readProducerSnapshot(dir: string, offset: number): Promise<ProducerSnapshotEntry[]> {
  const file = snapshotFile(dir, offset);
  return decodeProducerSnapshot(await fs.promises.readFile(file), path.basename(file));
}

export async function deleteProducerSnapshot(dir: string, offset: number): Promise<void> {
  await fs.promises.rm(snapshotFile(dir, offset), { force: true });
}

/** Renames the snapshot `.deleted` (it goes with its segment's files); the new name, or null when there was none. */
export async function markProducerSnapshotDeleted(dir: string, offset: number): Promise<string | null> {
  const file = snapshotFile(dir, offset);
  try {
    await fs.promises.rename(file, file + DELETED_SUFFIX);
    return file + DELETED_SUFFIX;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw err;
  }
}
