// The per-log-dir offset checkpoints: recovery-point-offset-checkpoint, replication-offset-checkpoint (high
// watermarks), log-start-offset-checkpoint. Entries are `<topic> <partition> <offset>`.
import * as path from 'node:path';
import { CheckpointWriter, parseNonNegative, readCheckpointFile, writeCheckpointFileSync } from './checkpoint-file.js';
import { tpKey, type TopicPartition } from './topic-partition.js';

export const RECOVERY_POINT_CHECKPOINT = 'recovery-point-offset-checkpoint';
export const REPLICATION_OFFSET_CHECKPOINT = 'replication-offset-checkpoint';
export const LOG_START_OFFSET_CHECKPOINT = 'log-start-offset-checkpoint';
export const CLEANER_OFFSET_CHECKPOINT = 'cleaner-offset-checkpoint';

export interface PartitionOffset extends TopicPartition {
  offset: number;
}

function parseEntry(fields: string[]): PartitionOffset | null {
  if (fields.length !== 3 || fields[0] === '') return null;
  const partition = parseNonNegative(fields[1]);
  const offset = parseNonNegative(fields[2]);
  if (partition === null || offset === null) return null;
  return { topic: fields[0]!, partition, offset };
}

export function formatOffsetEntries(entries: Iterable<PartitionOffset>): string[] {
  const lines: string[] = [];
  for (const e of entries) lines.push(`${e.topic} ${e.partition} ${e.offset}`);
  return lines;
}

/** One offset checkpoint file of a log dir. */
export class OffsetCheckpointFile {
  readonly file: string;
  private readonly writer: CheckpointWriter;

  constructor(logDir: string, name: string) {
    this.file = path.join(logDir, name);
    this.writer = new CheckpointWriter(this.file);
  }

  /** Offsets by partition key (`topic-partition`); a missing file reads as empty. Throws LogDirError on bad content. */
  read(): Map<string, PartitionOffset> {
    const out = new Map<string, PartitionOffset>();
    for (const e of readCheckpointFile(this.file, parseEntry)) out.set(tpKey(e), e);
    return out;
  }

  /** Writes the entries `entries()` yields when the write starts (coalescing overlapping calls). */
  write(entries: () => Iterable<PartitionOffset>): Promise<void> {
    return this.writer.write(() => formatOffsetEntries(entries()));
  }

  writeSync(entries: Iterable<PartitionOffset>): void {
    writeCheckpointFileSync(this.file, formatOffsetEntries(entries));
  }

  idle(): Promise<void> {
    return this.writer.idle();
  }
}
