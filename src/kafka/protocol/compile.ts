// Compiles a struct's field list at one version into a straight-line reader and writer (new Function),
// so decoding a Produce or Fetch body is a fixed sequence of reader calls with no per-field version checks.
// Measured against the same codec built from one closure per field (Metadata v9 response, 2000
// partitions, interleaved runs): the generated code decoded ~1.6x and encoded ~2x faster, because every
// decoded object is one literal with a fixed shape and no field is looked up by a variable name.
import { KafkaEncodeError } from './decode-error.js';
import type { KafkaReader } from './reader.js';
import type { FieldSchema, RawTaggedField } from './schema.js';
import { KafkaWriter } from './writer.js';

export type Read = (r: KafkaReader) => any;
export type Write = (w: KafkaWriter, v: any) => void;

export interface StructCodec {
  read: Read;
  write: Write;
}

export type VersionRange = readonly [number, number] | null;

const rangeCache = new Map<string, VersionRange>();

/** Parses "0+", "3-5", "7" or "none" (cached: the same few strings recur everywhere). */
export function parseVersions(spec: string | undefined): VersionRange {
  if (spec === undefined || spec === 'none') return null;
  let r = rangeCache.get(spec);
  if (r === undefined) {
    let m: RegExpMatchArray | null;
    if ((m = spec.match(/^(\d+)\+$/))) r = [Number(m[1]), Infinity];
    else if ((m = spec.match(/^(\d+)-(\d+)$/))) r = [Number(m[1]), Number(m[2])];
    else if (/^\d+$/.test(spec)) r = [Number(spec), Number(spec)];
    else throw new Error(`bad version range '${spec}'`);
    rangeCache.set(spec, r);
  }
  return r;
}

export function inVersions(spec: string | undefined, version: number): boolean {
  const r = parseVersions(spec);
  return r !== null && version >= r[0] && version <= r[1];
}

export const ZERO_UUID = 'AAAAAAAAAAAAAAAAAAAAAA';
const EMPTY = Buffer.alloc(0);

const PRIMITIVE_METHOD: Record<string, string> = {
  bool: 'bool',
  int8: 'int8',
  int16: 'int16',
  uint16: 'uint16',
  int32: 'int32',
  uint32: 'uint32',
  int64: 'int64',
  float64: 'float64',
  uuid: 'uuid',
};

const elemType = (f: FieldSchema) => (f.type.startsWith('[]') ? f.type.slice(2) : f.type);
const isArray = (f: FieldSchema) => f.type.startsWith('[]');
const isStruct = (f: FieldSchema) => f.fields !== undefined;

/** A field's default value: a fresh object/array each call, so decoded values never share state. */
export function defaultValue(f: FieldSchema): unknown {
  const d = f.default;
  if (d === 'null') return null;
  if (isArray(f)) return [];
  if (isStruct(f)) return defaultStruct(f.fields!);
  switch (f.type) {
    case 'bool':
      return d === 'true';
    case 'int64':
      return d === undefined || d === '' ? 0n : BigInt(d);
    case 'string':
      return d ?? '';
    case 'bytes':
      return EMPTY;
    case 'records':
      return null;
    case 'uuid':
      return d === undefined || d === '' ? ZERO_UUID : d;
    default:
      return d === undefined || d === '' ? 0 : Number(d);
  }
}

export function defaultStruct(fields: FieldSchema[]): Record<string, unknown> {
  const o: Record<string, unknown> = {};
  for (const f of fields) o[f.name] = defaultValue(f);
  return o;
}

const defaultCheckers = new WeakMap<FieldSchema, (v: unknown) => boolean>();

/**
 * Whether `v` counts as the field's default: Kafka writes a tagged field, or rejects an absent one, only
 * otherwise. undefined is the default; arrays and bytes are default when empty (unless the default is null),
 * structs when every member is. Built once per field, as it runs for every tagged field written.
 */
export function isDefault(f: FieldSchema, v: unknown): boolean {
  let check = defaultCheckers.get(f);
  if (check === undefined) defaultCheckers.set(f, (check = defaultChecker(f)));
  return check(v);
}

function defaultChecker(f: FieldSchema): (v: unknown) => boolean {
  const d = defaultValue(f);
  if (d === null) return (v) => v == null;
  if (isArray(f) || Buffer.isBuffer(d)) return (v) => v === undefined || (v !== null && (v as ArrayLike<unknown>).length === 0);
  if (isStruct(f)) {
    const members = f.fields!.map((sub) => [sub.name, defaultChecker(sub)] as const);
    return (v) => v === undefined || (v !== null && members.every(([name, check]) => check((v as Record<string, unknown>)[name])));
  }
  return (v) => v === undefined || v === d;
}

/** Compilation context: values the generated source refers to as C[i]. */
class Consts {
  readonly values: unknown[] = [];
  ref(v: unknown): string {
    let i = this.values.indexOf(v);
    if (i === -1) i = this.values.push(v) - 1;
    return `C[${i}]`;
  }
}

function literal(v: unknown, consts: Consts): string {
  if (v === null) return 'null';
  if (typeof v === 'bigint') return `${v}n`;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  if (typeof v === 'string') return JSON.stringify(v);
  if (Buffer.isBuffer(v)) return consts.ref(v);
  throw new Error(`no literal for default ${String(v)}`);
}

/** Source for a field's default: a literal; arrays and structs as literals too, so each use is a fresh object. */
function defaultSource(f: FieldSchema, consts: Consts): string {
  if (f.default === 'null') return 'null';
  if (isArray(f)) return '[]';
  if (isStruct(f)) return `{${f.fields!.map((sub) => `${JSON.stringify(sub.name)}: ${defaultSource(sub, consts)}`).join(', ')}}`;
  return literal(defaultValue(f), consts);
}

interface Shape {
  version: number;
  /** The enclosing message is flexible at this version. */
  flexible: boolean;
}

type StructCompiler = (fields: FieldSchema[], shape: Shape) => StructCodec;

/** Source for reading one value of field `f` (present at this version) as an expression. */
function readValue(f: FieldSchema, shape: Shape, consts: Consts, structOf: StructCompiler, elem: boolean): string {
  const nullable = !elem && inVersions(f.nullableVersions, shape.version);
  const compact = f.flexibleVersions !== undefined ? inVersions(f.flexibleVersions, shape.version) : shape.flexible;
  const t = elemType(f);
  if (isStruct(f)) {
    const codec = structOf(f.fields!, shape);
    const call = `${consts.ref(codec.read)}(r)`;
    return nullable ? `(r.present() ? ${call} : null)` : call;
  }
  const method = PRIMITIVE_METHOD[t];
  if (method !== undefined) return `r.${method}()`;
  const kind = t === 'string' ? 'String' : 'Bytes';
  if (t !== 'string' && t !== 'bytes' && t !== 'records') throw new Error(`unknown Kafka type '${t}' of field ${f.name}`);
  const name = compact ? (nullable ? `compactNullable${kind}` : `compact${kind}`) : nullable ? `nullable${kind}` : kind.toLowerCase();
  return `r.${name}()`;
}

/** Statements reading field `f` into variable `target`. */
function readField(f: FieldSchema, shape: Shape, consts: Consts, structOf: StructCompiler, target: string): string {
  if (!isArray(f)) return `${target} = ${readValue(f, shape, consts, structOf, false)};\n`;
  const nullable = inVersions(f.nullableVersions, shape.version);
  const compact = f.flexibleVersions !== undefined ? inVersions(f.flexibleVersions, shape.version) : shape.flexible;
  return (
    `{ const n = r.arrayLength(${compact}, ${nullable});\n` +
    `  if (n === -1) ${target} = null;\n` +
    `  else { const a = new Array(n); for (let i = 0; i < n; i++) a[i] = ${readValue(f, shape, consts, structOf, true)}; ${target} = a; } }\n`
  );
}

/** Statements writing value `x` of field `f` (present at this version). */
function writeField(f: FieldSchema, shape: Shape, consts: Consts, structOf: StructCompiler, x: string, elem: boolean): string {
  const nullable = !elem && inVersions(f.nullableVersions, shape.version);
  const compact = f.flexibleVersions !== undefined ? inVersions(f.flexibleVersions, shape.version) : shape.flexible;
  const nonNull = `throw ${consts.ref(KafkaEncodeError)}.nullField(${JSON.stringify(f.name)}, ${shape.version});`;
  if (isArray(f) && !elem) {
    const each = writeField(f, shape, consts, structOf, 'e', true);
    return (
      `if (${x} === null) { ${nullable ? `w.arrayLength(${compact}, -1);` : nonNull} }\n` +
      `else { w.arrayLength(${compact}, ${x}.length); for (let i = 0; i < ${x}.length; i++) { const e = ${x}[i]; ${each} } }\n`
    );
  }
  const t = elemType(f);
  if (isStruct(f)) {
    const call = `${consts.ref(structOf(f.fields!, shape).write)}(w, ${x});`;
    if (nullable) return `if (${x} === null) w.int8(-1); else { w.int8(1); ${call} }\n`;
    return `if (${x} === null) ${nonNull}\n${call}\n`;
  }
  const method = PRIMITIVE_METHOD[t];
  if (method !== undefined) return `w.${method}(${x});\n`;
  const kind = t === 'string' ? 'String' : 'Bytes';
  const name = compact ? (nullable ? `compactNullable${kind}` : `compact${kind}`) : nullable ? `nullable${kind}` : kind.toLowerCase();
  return nullable ? `w.${name}(${x});\n` : `if (${x} === null) ${nonNull}\nw.${name}(${x});\n`;
}

export interface TaggedWriter {
  tag: number;
  name: string;
  isDefault: (x: unknown) => boolean;
  write: (w: KafkaWriter, x: unknown) => void;
}

/** Writes a tag section: known tagged fields that differ from their default, plus preserved unknown ones, by tag. */
export function writeTags(w: KafkaWriter, known: TaggedWriter[], v: Record<string, unknown>): void {
  const unknown = v.unknownTaggedFields as RawTaggedField[] | undefined;
  let out: { tag: number; data: Uint8Array }[] | undefined;
  for (const k of known) {
    const x = v[k.name];
    if (k.isDefault(x)) continue;
    const sub = new KafkaWriter(64);
    k.write(sub, x);
    (out ??= []).push({ tag: k.tag, data: sub.toBuffer() });
  }
  if (unknown !== undefined && unknown.length > 0) {
    out = out === undefined ? unknown.slice() : [...out, ...unknown];
    if (known.length > 0) out.sort((a, b) => a.tag - b.tag);
  }
  if (out === undefined) return w.uvarint(0);
  w.uvarint(out.length);
  for (const t of out) {
    w.uvarint(t.tag);
    w.uvarint(t.data.length);
    w.raw(t.data);
  }
}

/**
 * Compiles `fields` at `shape.version` into a reader and writer, each on first use: a client only writes requests and
 * reads responses, a broker the reverse, and a one-shot tool's run is short enough for compiling to show.
 */
export function compileStruct(fields: FieldSchema[], shape: Shape, structOf: StructCompiler, where: string): StructCodec {
  for (const f of fields) if (!/^[A-Za-z_$][\w$]*$/.test(f.name)) throw new Error(`Kafka field name '${f.name}' is not an identifier`);
  const tagged = fields.filter((f) => shape.flexible && f.tag !== undefined && inVersions(f.taggedVersions, shape.version) && inVersions(f.versions, shape.version));
  const positional = fields.filter((f) => inVersions(f.versions, shape.version) && !tagged.includes(f));
  const layout: Layout = { fields, shape, structOf, where, tagged, positional };
  let read: Read | undefined;
  let write: Write | undefined;
  return {
    get read() {
      return (read ??= compileReader(layout));
    },
    get write() {
      return (write ??= compileWriter(layout));
    },
  };
}

interface Layout {
  fields: FieldSchema[];
  shape: Shape;
  structOf: StructCompiler;
  where: string;
  /** Tagged at this version (flexible versions only). */
  tagged: FieldSchema[];
  /** In the fixed part at this version, in wire order. */
  positional: FieldSchema[];
}

const key = (name: string) => JSON.stringify(name);

// Each field into a local (wire order), then one object literal with every field in schema order so all versions of
// a struct share one hidden class.
function compileReader({ fields, shape, structOf, where, tagged, positional }: Layout): Read {
  const consts = new Consts();
  let read = '';
  fields.forEach((f, i) => {
    if (positional.includes(f)) read += readField(f, shape, consts, structOf, `f${i}`);
    else read += `f${i} = ${defaultSource(f, consts)};\n`;
  });
  if (shape.flexible) {
    read += 'let u;\nfor (let t = r.uvarint(); t > 0; t--) {\n  const tag = r.uvarint(); const size = r.uvarint(); const end = r.need(size) + size; r.pos = end - size;\n';
    read += '  switch (tag) {\n';
    for (const f of tagged) {
      read += `    case ${f.tag}: ${readField(f, shape, consts, structOf, `f${fields.indexOf(f)}`).trim()} break;\n`;
    }
    read += '    default: (u ??= []).push({ tag, data: r.raw(size) }); continue;\n  }\n';
    read += `  if (r.pos !== end) r.fail(\`tagged field \${tag} of ${where} used \${r.pos - end + size} of \${size} bytes\`);\n}\n`;
  }
  const decl = fields.length > 0 ? `let ${fields.map((_, i) => `f${i}`).join(', ')};\n` : '';
  read = decl + read + `const o = {${fields.map((f, i) => `${key(f.name)}: f${i}`).join(', ')}};\n`;
  if (shape.flexible) read += 'if (u !== undefined) o.unknownTaggedFields = u;\n';
  read += 'return o;';
  return new Function('C', `return function read(r) {\n${read}\n};`)(consts.values) as Read;
}

// Undefined means "the default"; absent non-ignorable fields must hold their default.
function compileWriter({ fields, shape, structOf, tagged, positional }: Layout): Write {
  const consts = new Consts();
  const v = shape.version;
  let write = '';
  const knownTags: TaggedWriter[] = [];
  fields.forEach((f, i) => {
    const x = `x${i}`;
    if (positional.includes(f)) {
      write += `let ${x} = v[${key(f.name)}]; if (${x} === undefined) ${x} = ${defaultSource(f, consts)};\n`;
      write += writeField(f, shape, consts, structOf, x, false);
    } else if (tagged.includes(f)) {
      const src = writeField(f, shape, consts, structOf, 'x', false);
      const fn = new Function('C', `return function writeTag${f.tag}(w, x) {\n${src}};`)(consts.values) as TaggedWriter['write'];
      knownTags.push({ tag: f.tag!, name: f.name, isDefault: (x) => isDefault(f, x), write: fn });
    } else if (f.ignorable !== true) {
      write += `if (!${consts.ref(isDefault)}(${consts.ref(f)}, v[${key(f.name)}])) throw ${consts.ref(KafkaEncodeError)}.absentField(${JSON.stringify(f.name)}, ${v});\n`;
    }
  });
  if (shape.flexible) {
    knownTags.sort((a, b) => a.tag - b.tag);
    if (knownTags.length === 0) {
      write += `{ const u = v.unknownTaggedFields; if (u === undefined || u.length === 0) w.uvarint(0); else ${consts.ref(writeTags)}(w, ${consts.ref(knownTags)}, v); }\n`;
    } else {
      write += `${consts.ref(writeTags)}(w, ${consts.ref(knownTags)}, v);\n`;
    }
  }
  return new Function('C', `return function write(w, v) {\n${write}};`)(consts.values) as Write;
}
