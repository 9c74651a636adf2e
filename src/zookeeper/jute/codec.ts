// One generic codec for every jute record: each schema is compiled once into a reader and a writer.
import { MarshallingError } from './errors.js';
import { JuteReader } from './reader.js';
import { JuteWriter } from './writer.js';
import type { JuteType, RecordSchema } from './schema.js';
import { JUTE_RECORDS, type JuteRecordTypes } from './records.generated.js';
import { EXTRA_RECORDS, type ExtraRecordTypes } from './records.extra.js';

export type RecordTypes = JuteRecordTypes & ExtraRecordTypes;
export type RecordName = keyof RecordTypes;

type Read = (r: JuteReader) => unknown;
type Write = (w: JuteWriter, v: any) => void;

export interface RecordCodec<T> {
  read(r: JuteReader): T;
  write(w: JuteWriter, v: T): void;
}

const SCHEMAS: Record<string, RecordSchema> = { ...JUTE_RECORDS, ...EXTRA_RECORDS };
const compiled = new Map<string, RecordCodec<unknown>>();

function readerFor(t: JuteType): Read {
  if (typeof t === 'string') {
    switch (t) {
      case 'int': return (r) => r.int();
      case 'long': return (r) => r.long();
      case 'boolean': return (r) => r.boolean();
      case 'byte': return (r) => r.byte();
      case 'ustring': return (r) => r.ustring();
      case 'buffer': return (r) => r.buffer();
    }
  }
  if ('vector' in t) {
    const item = readerFor(t.vector);
    return (r) => {
      const n = r.int();
      if (n === -1) return null;
      if (n < 0 || n > r.remaining()) throw new MarshallingError(`unreasonable vector length ${n}`);
      const out = new Array(n);
      for (let i = 0; i < n; i++) out[i] = item(r);
      return out;
    };
  }
  const name = t.record;
  return (r) => codecOf(name as RecordName).read(r);
}

function writerFor(t: JuteType): Write {
  if (typeof t === 'string') {
    switch (t) {
      case 'int': return (w, v) => w.int(v);
      case 'long': return (w, v) => w.long(v);
      case 'boolean': return (w, v) => w.boolean(v);
      case 'byte': return (w, v) => w.byte(v);
      case 'ustring': return (w, v) => w.ustring(v);
      case 'buffer': return (w, v) => w.buffer(v);
    }
  }
  if ('vector' in t) {
    const item = writerFor(t.vector);
    return (w, v: unknown[] | null) => {
      if (v == null) return w.int(-1);
      w.int(v.length);
      for (const x of v) item(w, x);
    };
  }
  const name = t.record;
  return (w, v) => codecOf(name as RecordName).write(w, v);
}

function compile(schema: RecordSchema): RecordCodec<unknown> {
  const fields = schema.map((f) => ({ name: f.name, optional: f.optional === true, read: readerFor(f.type), write: writerFor(f.type) }));
  return {
    read(r) {
      const out: Record<string, unknown> = {};
      for (const f of fields) {
        if (f.optional && r.remaining() === 0) continue;
        out[f.name] = f.read(r);
      }
      return out;
    },
    write(w, v: Record<string, unknown>) {
      for (const f of fields) {
        if (f.optional && v[f.name] === undefined) continue;
        f.write(w, v[f.name]);
      }
    },
  };
}

export function codecOf<K extends RecordName>(name: K): RecordCodec<RecordTypes[K]> {
  let c = compiled.get(name);
  if (!c) {
    const schema = SCHEMAS[name];
    if (!schema) throw new Error(`unknown jute record ${name}`);
    c = compile(schema);
    compiled.set(name, c);
  }
  return c as RecordCodec<RecordTypes[K]>;
}

/** Decodes one record from buf[start, end); with exact=true, trailing bytes are an error. */
export function decode<K extends RecordName>(name: K, buf: Buffer, start = 0, end = buf.length): RecordTypes[K] {
  return codecOf(name).read(new JuteReader(buf, start, end));
}

export function encode<K extends RecordName>(name: K, value: RecordTypes[K]): Buffer {
  const w = new JuteWriter();
  codecOf(name).write(w, value);
  return Buffer.from(w.bytes());
}

export function schemaNames(): string[] {
  return Object.keys(SCHEMAS);
}
