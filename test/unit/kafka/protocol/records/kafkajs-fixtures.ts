// The kafkajs protocol fixtures (shared/fixtures/kafkajs-protocol) and just enough of the Produce request
// and Fetch response layouts to find their records fields.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { KAFKAJS_FIXTURES_DIR as DIR } from '../../../../support/fixtures-dir.js';

/** Undefined where ../shared is absent: the tests that need the fixtures skip. */
export const KAFKAJS_FIXTURES_DIR = existsSync(DIR) ? DIR : undefined;

export function fixtureFiles(api: string, pattern: RegExp): string[] {
  if (KAFKAJS_FIXTURES_DIR === undefined) return [];
  return readdirSync(path.join(KAFKAJS_FIXTURES_DIR, api))
    .filter((f) => pattern.test(f))
    .sort();
}

export function readFixture(api: string, file: string): Buffer {
  const json = JSON.parse(readFileSync(path.join(KAFKAJS_FIXTURES_DIR!, api, file), 'utf8')) as { data: number[] };
  return Buffer.from(json.data);
}

export function versionOf(file: string): number {
  return Number(/^v(\d+)_/.exec(file)![1]);
}

class Walker {
  pos = 0;
  constructor(readonly buf: Buffer) {}
  int16(): number {
    this.pos += 2;
    return this.buf.readInt16BE(this.pos - 2);
  }
  int32(): number {
    this.pos += 4;
    return this.buf.readInt32BE(this.pos - 4);
  }
  skip(bytes: number): void {
    this.pos += bytes;
  }
  string(): string {
    const length = this.int16();
    if (length < 0) return '';
    this.pos += length;
    return this.buf.toString('utf8', this.pos - length, this.pos);
  }
  bytes(): Buffer | null {
    const length = this.int32();
    if (length < 0) return null;
    this.pos += length;
    return this.buf.subarray(this.pos - length, this.pos);
  }
}

export interface RecordsField {
  topic: string;
  partition: number;
  records: Buffer;
}

/** Records of each partition of a Produce request body (v0-v7, non-flexible). */
export function produceRequestRecords(body: Buffer, version: number): RecordsField[] {
  const w = new Walker(body);
  if (version >= 3) w.string();
  w.skip(2 + 4);
  const out: RecordsField[] = [];
  for (let t = w.int32(); t > 0; t--) {
    const topic = w.string();
    for (let p = w.int32(); p > 0; p--) {
      const partition = w.int32();
      const records = w.bytes();
      if (records !== null) out.push({ topic, partition, records });
    }
  }
  if (w.pos !== body.length) throw new Error(`produce v${version} walk ended at ${w.pos} of ${body.length}`);
  return out;
}

/** Records of each partition of a Fetch response body (v0-v11). */
export function fetchResponseRecords(body: Buffer, version: number): RecordsField[] {
  const w = new Walker(body);
  if (version >= 1) w.skip(4);
  if (version >= 7) w.skip(2 + 4);
  const out: RecordsField[] = [];
  for (let t = w.int32(); t > 0; t--) {
    const topic = w.string();
    for (let p = w.int32(); p > 0; p--) {
      const partition = w.int32();
      w.skip(2 + 8);
      if (version >= 4) w.skip(8);
      if (version >= 5) w.skip(8);
      if (version >= 4) {
        const aborted = w.int32();
        if (aborted > 0) w.skip(16 * aborted);
      }
      if (version >= 11) w.skip(4);
      const records = w.bytes();
      if (records !== null) out.push({ topic, partition, records });
    }
  }
  if (w.pos !== body.length) throw new Error(`fetch v${version} walk ended at ${w.pos} of ${body.length}`);
  return out;
}
