// A struct's reader and writer that walk its field list on every call: the same wire format and values as the
// compiled ones (compile.ts), without generating and compiling code. The codec uses them for a message's first few
// uses (codec.ts): a one-shot tool sends each request once or twice, and compiling its ApiVersions and Metadata
// codecs cost kafka-topics --list more time than running them; a message in use for longer gets compiled code.
// Recursion follows the schema's nesting, a handful of levels, never the input.
import { defaultValue, inVersions, isDefault, writeTags, type Read, type StructCodec, type TaggedWriter, type Write } from './compile.js';
import { KafkaEncodeError } from './decode-error.js';
import type { KafkaReader } from './reader.js';
import type { FieldSchema, RawTaggedField } from './schema.js';
import type { KafkaWriter } from './writer.js';

interface Shape {
  version: number;
  /** The enclosing message is flexible at this version. */
  flexible: boolean;
}

const PRIMITIVES = new Set(['bool', 'int8', 'int16', 'uint16', 'int32', 'uint32', 'int64', 'float64', 'uuid']);

const elemType = (f: FieldSchema) => (f.type.startsWith('[]') ? f.type.slice(2) : f.type);
const isArray = (f: FieldSchema) => f.type.startsWith('[]');
const isTagged = (f: FieldSchema, shape: Shape) =>
  shape.flexible && f.tag !== undefined && inVersions(f.taggedVersions, shape.version) && inVersions(f.versions, shape.version);
const isCompact = (f: FieldSchema, shape: Shape) => (f.flexibleVersions !== undefined ? inVersions(f.flexibleVersions, shape.version) : shape.flexible);

/** The reader/writer method for a string or bytes field: compact or not, nullable or not. */
function lengthPrefixed(f: FieldSchema, shape: Shape, nullable: boolean): string {
  const t = elemType(f);
  if (t !== 'string' && t !== 'bytes' && t !== 'records') throw new Error(`unknown Kafka type '${t}' of field ${f.name}`);
  const kind = t === 'string' ? 'String' : 'Bytes';
  if (isCompact(f, shape)) return nullable ? `compactNullable${kind}` : `compact${kind}`;
  return nullable ? `nullable${kind}` : kind.toLowerCase();
}

type Methods = Record<string, () => unknown>;

function readValue(f: FieldSchema, shape: Shape, r: KafkaReader, elem: boolean): unknown {
  const nullable = !elem && inVersions(f.nullableVersions, shape.version);
  if (f.fields !== undefined) return nullable && !r.present() ? null : readStruct(f.fields, shape, r, f.name);
  const t = elemType(f);
  const method = PRIMITIVES.has(t) ? t : lengthPrefixed(f, shape, nullable);
  return (r as unknown as Methods)[method]!.call(r);
}

function readField(f: FieldSchema, shape: Shape, r: KafkaReader): unknown {
  if (!isArray(f)) return readValue(f, shape, r, false);
  const n = r.arrayLength(isCompact(f, shape), inVersions(f.nullableVersions, shape.version));
  if (n === -1) return null;
  const a = new Array<unknown>(n);
  for (let i = 0; i < n; i++) a[i] = readValue(f, shape, r, true);
  return a;
}

function readStruct(fields: FieldSchema[], shape: Shape, r: KafkaReader, where: string): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[f.name] = inVersions(f.versions, shape.version) && !isTagged(f, shape) ? readField(f, shape, r) : defaultValue(f);
  if (!shape.flexible) return o;
  let unknown: RawTaggedField[] | undefined;
  for (let t = r.uvarint(); t > 0; t--) {
    const tag = r.uvarint();
    const size = r.uvarint();
    const end = r.need(size) + size;
    r.pos = end - size;
    const f = fields.find((x) => x.tag === tag && isTagged(x, shape));
    if (f === undefined) {
      (unknown ??= []).push({ tag, data: r.raw(size) });
      continue;
    }
    o[f.name] = readField(f, shape, r);
    if (r.pos !== end) r.fail(`tagged field ${tag} of ${where} used ${r.pos - end + size} of ${size} bytes`);
  }
  if (unknown !== undefined) o.unknownTaggedFields = unknown;
  return o;
}

function writeField(f: FieldSchema, shape: Shape, w: KafkaWriter, x: unknown, elem: boolean): void {
  const nullable = !elem && inVersions(f.nullableVersions, shape.version);
  if (isArray(f) && !elem) {
    if (x === null) {
      if (!nullable) throw KafkaEncodeError.nullField(f.name, shape.version);
      w.arrayLength(isCompact(f, shape), -1);
      return;
    }
    const a = x as unknown[];
    w.arrayLength(isCompact(f, shape), a.length);
    for (const e of a) writeField(f, shape, w, e, true);
    return;
  }
  if (f.fields !== undefined) {
    if (nullable) {
      if (x === null) return w.int8(-1);
      w.int8(1);
    } else if (x === null) {
      throw KafkaEncodeError.nullField(f.name, shape.version);
    }
    return writeStruct(f.fields, shape, w, x as Record<string, unknown>);
  }
  const t = elemType(f);
  if (PRIMITIVES.has(t)) return void (w as unknown as Record<string, (v: unknown) => void>)[t]!.call(w, x);
  if (!nullable && x === null) throw KafkaEncodeError.nullField(f.name, shape.version);
  (w as unknown as Record<string, (v: unknown) => void>)[lengthPrefixed(f, shape, nullable)]!.call(w, x);
}

function writeStruct(fields: FieldSchema[], shape: Shape, w: KafkaWriter, v: Record<string, unknown>): void {
  const known: TaggedWriter[] = [];
  for (const f of fields) {
    if (isTagged(f, shape)) {
      known.push({ tag: f.tag!, name: f.name, isDefault: (x) => isDefault(f, x), write: (sub, x) => writeField(f, shape, sub, x, false) });
    } else if (inVersions(f.versions, shape.version)) {
      const x = v[f.name];
      writeField(f, shape, w, x === undefined ? defaultValue(f) : x, false);
    } else if (f.ignorable !== true && !isDefault(f, v[f.name])) {
      throw KafkaEncodeError.absentField(f.name, shape.version);
    }
  }
  if (!shape.flexible) return;
  known.sort((a, b) => a.tag - b.tag);
  writeTags(w, known, v);
}

/** A reader and writer of `fields` at `shape` that interpret the schema on each call. */
export function interpretStruct(fields: FieldSchema[], shape: Shape, where: string): StructCodec {
  const read: Read = (r) => readStruct(fields, shape, r, where);
  const write: Write = (w, v) => writeStruct(fields, shape, w, v as Record<string, unknown>);
  return { read, write };
}
