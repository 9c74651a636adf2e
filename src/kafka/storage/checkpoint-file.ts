// Kafka's checkpoint text format (CheckpointFile): line 1 the version, line 2 the entry count, then one entry
// per line with whitespace-separated fields, every line ended by '\n'. Used by the per-log-dir offset
// checkpoints and by leader-epoch-checkpoint.
import * as fs from 'node:fs';
import { LogDirError } from './errors.js';
import { isNotFound, writeFileDurably, writeFileDurablySync } from './file-io.js';

export const CHECKPOINT_VERSION = 0;

export function formatCheckpoint(lines: readonly string[]): string {
  let out = `${CHECKPOINT_VERSION}\n${lines.length}\n`;
  for (const line of lines) out += `${line}\n`;
  return out;
}

/**
 * Parses checkpoint text; `parseEntry` gets each entry's fields and returns null when they are malformed.
 * Errors name the file and line.
 */
export function parseCheckpoint<T>(text: string, file: string, parseEntry: (fields: string[]) => T | null): T[] {
  // Kafka creates checkpoint files empty before their first write; an empty file has no entries.
  if (text === '') return [];
  const lines = text.split('\n');
  if (lines.at(-1) === '') lines.pop();
  const fail = (lineNo: number, what: string) => new LogDirError(`${file}:${lineNo}: ${what}`);
  if (lines.length < 2) throw fail(lines.length + 1, 'expected a version line and an entry count line');
  if (lines[0]!.trim() !== String(CHECKPOINT_VERSION)) throw fail(1, `unrecognized version "${lines[0]}", expected ${CHECKPOINT_VERSION}`);
  const countText = lines[1]!.trim();
  if (!/^\d+$/.test(countText)) throw fail(2, `entry count "${lines[1]}" is not a number`);
  const count = Number(countText);
  const entries: T[] = [];
  for (let i = 2; i < lines.length; i++) {
    const fields = lines[i]!.trim().split(/\s+/);
    const entry = fields.length === 1 && fields[0] === '' ? null : parseEntry(fields);
    if (entry === null) throw fail(i + 1, `malformed entry "${lines[i]}"`);
    entries.push(entry);
  }
  if (entries.length !== count) throw fail(2, `expected ${count} entries but found ${entries.length}`);
  return entries;
}

/** Reads a checkpoint file; a missing file is an empty checkpoint. */
export function readCheckpointFile<T>(file: string, parseEntry: (fields: string[]) => T | null): T[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (isNotFound(err)) return [];
    throw new LogDirError(`${file}: cannot read: ${(err as Error).message}`, { cause: err });
  }
  return parseCheckpoint(text, file, parseEntry);
}

export function writeCheckpointFile(file: string, lines: readonly string[]): Promise<void> {
  return writeFileDurably(file, formatCheckpoint(lines));
}

export function writeCheckpointFileSync(file: string, lines: readonly string[]): void {
  writeFileDurablySync(file, formatCheckpoint(lines));
}

/** A non-negative decimal integer field, or null. */
export function parseNonNegative(field: string | undefined): number | null {
  if (field === undefined || !/^\d{1,16}$/.test(field)) return null;
  const n = Number(field);
  return Number.isSafeInteger(n) ? n : null;
}

/**
 * Serializes writes of one checkpoint file: a write requested while one runs is coalesced into the next, which
 * takes the newest content. Each caller's promise resolves once content at least as new as its own is durable.
 */
interface QueuedWrite {
  lines: () => readonly string[];
  done: Promise<void>;
  release: () => void;
  failWith: (err: unknown) => void;
}

export class CheckpointWriter {
  private running: Promise<void> | null = null;
  private next: QueuedWrite | null = null;

  constructor(readonly file: string) {}

  /** `lines` is called when the write starts, so coalesced requests write the latest state. */
  write(lines: () => readonly string[]): Promise<void> {
    if (!this.running) {
      this.running = writeCheckpointFile(this.file, lines()).finally(() => this.startNext());
      return this.running;
    }
    if (this.next) {
      this.next.lines = lines;
      return this.next.done;
    }
    const queued = { lines } as QueuedWrite;
    queued.done = new Promise<void>((res, rej) => {
      queued.release = res;
      queued.failWith = rej;
    });
    this.next = queued;
    return queued.done;
  }

  /** Resolves when no write is running or queued. */
  async idle(): Promise<void> {
    while (this.running) await this.running.catch(() => undefined);
  }

  private startNext(): void {
    const queued = this.next;
    this.next = null;
    this.running = null;
    if (queued) this.write(queued.lines).then(queued.release, queued.failWith);
  }
}
