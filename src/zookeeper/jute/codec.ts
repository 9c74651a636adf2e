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
  const name = t.record as RecordName;
  let codec: RecordCodec<unknown> | undefined;
  return (r) => (codec ??= codecOf(name)).read(r);
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
  const name = t.record as RecordName;
  let codec: RecordCodec<unknown> | undefined;
  return (w, v) => (codec ??= codecOf(name)).write(w, v);
}

/**
 * A record's reader and writer as straight-line code with its field names spelled out: every value it reads has
 * one shape and every property access is monomorphic, where a loop over the fields would look each one up by a
 * variable name. Primitives call the reader/writer methods directly; vectors and nested records go through helpers.
 */
function compile(schema: RecordSchema): RecordCodec<unknown> {
  for (const f of schema) if (!/^[A-Za-z_$][\w$]*$/.test(f.name) || f.name === '__proto__') throw new Error(`jute field name '${f.name}' is not an identifier`);
  const readers: Read[] = [];
  const writers: Write[] = [];
  const readExpr = (t: JuteType): string => {
    if (typeof t === 'string') return `r.${t}()`;
    readers.push(readerFor(t));
    return `R[${readers.length - 1}](r)`;
  };
  const writeStmt = (t: JuteType, value: string): string => {
    if (typeof t === 'string') return `w.${t}(${value});`;
    writers.push(writerFor(t));
    return `W[${writers.length - 1}](w, ${value});`;
  };
  // Fields up to the first optional one make an object literal; optional ones are added when bytes remain.
  const firstOptional = schema.findIndex((f) => f.optional === true);
  const literalEnd = firstOptional === -1 ? schema.length : firstOptional;
  const key = (name: string) => JSON.stringify(name);
  let readSrc = `const o = {${schema.slice(0, literalEnd).map((f) => `${key(f.name)}: ${readExpr(f.type)}`).join(', ')}};\n`;
  for (const f of schema.slice(literalEnd)) {
    const stmt = `o[${key(f.name)}] = ${readExpr(f.type)};`;
    readSrc += f.optional === true ? `if (r.remaining() !== 0) ${stmt}\n` : `${stmt}\n`;
  }
  readSrc += 'return o;';
  let writeSrc = '';
  for (const f of schema) {
    const value = `v[${key(f.name)}]`;
    const stmt = writeStmt(f.type, value);
    writeSrc += f.optional === true ? `if (${value} !== undefined) ${stmt}\n` : `${stmt}\n`;
  }
  const read = new Function('R', `return function read(r) {\n${readSrc}\n};`)(readers) as Read;
  const write = new Function('W', `return function write(w, v) {\n${writeSrc}};`)(writers) as Write;
  return { read, write };
}

/**
 * The record's codec. Its code is generated at its first read or write, which then replace themselves with the
 * generated functions: modules keep codecs in constants, and a process that never uses one (a server answering
 * its first ruok, a tool that exits early) does not compile it.
 */
export function codecOf<K extends RecordName>(name: K): RecordCodec<RecordTypes[K]> {
  let c = compiled.get(name);
  if (!c) {
    const schema = SCHEMAS[name];
    if (!schema) throw new Error(`unknown jute record ${name}`);
    c = lazyCodec(schema);
    compiled.set(name, c);
  }
  return c as RecordCodec<RecordTypes[K]>;
}

function lazyCodec(schema: RecordSchema): RecordCodec<unknown> {
  const codec: RecordCodec<unknown> = {
    read: (r) => generate().read(r),
    write: (w, v) => generate().write(w, v),
  };
  let generated: RecordCodec<unknown> | undefined;
  const generate = () => {
    if (!generated) {
      generated = compile(schema);
      codec.read = generated.read;
      codec.write = generated.write;
    }
    return generated;
  };
  return codec;
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
