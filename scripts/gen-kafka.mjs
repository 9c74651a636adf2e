#!/usr/bin/env node
// Generates src/kafka/protocol/schemas/*.ts from Kafka's message specs (clients/src/main/resources/common/message).
// Usage: node scripts/gen-kafka.mjs [path/to/message-dir] [--out dir]
// Output is facts only (field names, types, version ranges as the spec writes them) plus one TypeScript
// interface per message and struct; the codec (src/kafka/protocol/codec.ts) compiles readers/writers from it.
import { existsSync, readFileSync, readdirSync, writeFileSync, mkdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
// ../shared beside the repository, or beside the nearest ancestor that has one (git worktrees sit deeper).
function findSpecs() {
  for (let dir = root; ; dir = dirname(dir)) {
    const candidate = join(dir, '..', 'shared', 'specs', 'kafka', 'message');
    if (existsSync(candidate)) return candidate;
    if (dirname(dir) === dir) throw new Error('shared/specs/kafka/message not found beside the repository; pass its path');
  }
}
const args = process.argv.slice(2);
const outAt = args.indexOf('--out');
const outDir = outAt >= 0 ? args.splice(outAt, 2)[1] : join(root, 'src', 'kafka', 'protocol', 'schemas');
const source = args[0] ?? findSpecs();

const PRIMITIVES = {
  bool: 'boolean',
  int8: 'number',
  int16: 'number',
  uint16: 'number',
  int32: 'number',
  uint32: 'number',
  int64: 'bigint',
  float64: 'number',
  string: 'string',
  bytes: 'Buffer',
  records: 'Buffer',
  uuid: 'string',
};

const specs = readdirSync(source)
  .filter((f) => f.endsWith('.json'))
  .sort()
  .map((f) => {
    // Line comments only; no spec puts "//" inside a string value.
    const text = readFileSync(join(source, f), 'utf8').replace(/^\s*\/\/.*$/gm, '').replace(/\s\/\/.*$/gm, '');
    return JSON.parse(text);
  });

const camel = (s) => s.charAt(0).toLowerCase() + s.slice(1);
const kebab = (s) => s.replace(/([a-z0-9])([A-Z])/g, '$1-$2').replace(/([A-Z])([A-Z][a-z])/g, '$1-$2').toLowerCase();
const baseName = (spec) => spec.name.replace(/(Request|Response)$/, '');

function parseRange(s) {
  if (s === undefined || s === 'none') return null;
  const plus = s.match(/^(\d+)\+$/);
  if (plus) return [Number(plus[1]), Infinity];
  const span = s.match(/^(\d+)-(\d+)$/);
  if (span) return [Number(span[1]), Number(span[2])];
  if (/^\d+$/.test(s)) return [Number(s), Number(s)];
  throw new Error(`bad version range '${s}'`);
}
const rangeCovers = (outer, inner) => outer !== null && outer[0] <= inner[0] && outer[1] >= inner[1];

/** JSON text inside a template literal: backslashes, backticks and `${` must come through as written. */
const inTemplate = (text) => text.replace(/\\/g, '\\\\').replace(/`/g, '\\`').replace(/\$\{/g, '\\${');
const j = (v) => JSON.stringify(v);

/**
 * The JSON of one field list, a field a line (nested struct fields inline, common structs inlined where used).
 * The field lists are JSON text for JSON.parse, not object literals: V8 parses JSON several times faster than it
 * compiles literals, and the schemas are the largest part of the code a broker loads at start-up. Each is parsed when
 * its message is first encoded or decoded (see messageSchema).
 */
function emitFields(fields, ctx, indent) {
  const pad = ' '.repeat(indent);
  const lines = [];
  for (const f of fields) {
    const parts = [`"name": ${j(camel(f.name))}`];
    const isArray = f.type.startsWith('[]');
    const elem = isArray ? f.type.slice(2) : f.type;
    parts.push(`"type": ${j(f.type)}`);
    parts.push(`"versions": ${j(f.versions)}`);
    if (f.nullableVersions) parts.push(`"nullableVersions": ${j(f.nullableVersions)}`);
    if (f.flexibleVersions) parts.push(`"flexibleVersions": ${j(f.flexibleVersions)}`);
    if (f.tag !== undefined) parts.push(`"tag": ${f.tag}`, `"taggedVersions": ${j(f.taggedVersions)}`);
    if (f.default !== undefined) parts.push(`"default": ${j(String(f.default))}`);
    if (f.ignorable) parts.push('"ignorable": true');
    if (!(elem in PRIMITIVES)) {
      const members = f.fields ?? ctx.common.get(elem);
      if (!members) throw new Error(`${ctx.prefix}: struct type ${elem} has no fields`);
      parts.push(`"fields": ${emitFields(members, ctx, indent + 2)}`);
    }
    lines.push(`${pad}  { ${parts.join(', ')} }`);
  }
  return lines.length === 0 ? '[]' : `[\n${lines.join(',\n')}\n${pad}]`;
}

/** Interfaces for a message and every struct inside it, named <Message><Struct>. */
function emitTypes(spec, ctx) {
  const valid = parseRange(spec.validVersions);
  const flexible = parseRange(spec.flexibleVersions);
  const out = [];
  const seen = new Set();
  const extra = flexible ? '  unknownTaggedFields?: RawTaggedField[];\n' : '';
  // `scope`: the versions in which this struct appears at all, so its own fields are judged within it.
  const visit = (typeName, fields, scope) => {
    if (seen.has(typeName)) return;
    seen.add(typeName);
    let body = '';
    for (const f of fields) {
      const isArray = f.type.startsWith('[]');
      const elem = isArray ? f.type.slice(2) : f.type;
      let ts;
      if (elem in PRIMITIVES) ts = PRIMITIVES[elem];
      else {
        ts = `${ctx.prefix}${elem}`;
        const fv = parseRange(f.versions);
        visit(ts, f.fields ?? ctx.common.get(elem), [Math.max(scope[0], fv[0]), Math.min(scope[1], fv[1])]);
      }
      if (isArray) ts = `${ts}[]`;
      if (f.nullableVersions || elem === 'records') ts += ' | null';
      // Decoding always fills every field (defaults where absent); fields missing from some valid
      // version or tagged may be left out when writing.
      const required = f.tag === undefined && rangeCovers(parseRange(f.versions), scope);
      body += `  ${camel(f.name)}${required ? '' : '?'}: ${ts};\n`;
    }
    out.push(`export interface ${typeName} {\n${body}${extra}}\n`);
  };
  visit(spec.name, spec.fields ?? [], valid ?? [0, Infinity]);
  return out.reverse().join('\n');
}

function emitSpec(spec) {
  const ctx = { prefix: spec.name, common: new Map((spec.commonStructs ?? []).map((s) => [s.name, s.fields])) };
  const facts = [`"name": ${j(spec.name)}`, `"type": ${j(spec.type)}`];
  if (spec.apiKey !== undefined) facts.push(`"apiKey": ${spec.apiKey}`);
  facts.push(`"validVersions": ${j(spec.validVersions)}`, `"flexibleVersions": ${j(spec.flexibleVersions ?? 'none')}`);
  if (spec.listeners) facts.push(`"listeners": [${spec.listeners.map(j).join(', ')}]`);
  if (spec.latestVersionUnstable) facts.push('"latestVersionUnstable": true');
  const fields = emitFields(spec.fields ?? [], ctx, 0);
  JSON.parse(fields); // malformed output fails here, not when a broker first loads it
  let out = `export const ${spec.name}Schema: MessageSchema = messageSchema({ ${facts.join(', ')} }, \`${inTemplate(fields)}\`);\n\n`;
  out += emitTypes(spec, ctx);
  return out;
}

// One module per API (request + response), one per header pair, one per data record.
const groups = new Map();
for (const spec of specs) {
  const key = spec.type === 'header' ? 'headers' : spec.type === 'data' ? kebab(spec.name) : kebab(baseName(spec));
  if (!groups.has(key)) groups.set(key, []);
  groups.get(key).push(spec);
}

rmSync(outDir, { recursive: true, force: true });
mkdirSync(outDir, { recursive: true });
const HEADER = '// Generated by scripts/gen-kafka.mjs from Kafka\'s message specs. Do not edit by hand.\n';
let longest = 0;
for (const [file, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
  group.sort((a, b) => (a.type === b.type ? a.name.localeCompare(b.name) : a.type === 'request' ? -1 : 1));
  const needsTagged = group.some((s) => parseRange(s.flexibleVersions) !== null);
  let out = HEADER;
  out += `import { messageSchema, type MessageSchema${needsTagged ? ', type RawTaggedField' : ''} } from '../schema.js';\n\n`;
  out += group.map(emitSpec).join('\n');
  writeFileSync(join(outDir, `${file}.ts`), out);
  longest = Math.max(longest, out.split('\n').length);
}

// The index: every schema by API key, the message types by API key, and the zkBroker version table.
const apis = new Map();
for (const spec of specs) {
  if (spec.type !== 'request' && spec.type !== 'response') continue;
  const entry = apis.get(spec.apiKey) ?? {};
  entry[spec.type] = spec;
  apis.set(spec.apiKey, entry);
}
const keys = [...apis.keys()].sort((a, b) => a - b);
let index = HEADER;
index += `import type { MessageSchema } from '../schema.js';\n`;
for (const [file, group] of [...groups].sort(([a], [b]) => a.localeCompare(b))) {
  if (file === 'headers') continue;
  const names = group.flatMap((s) => (s.type === 'data' ? [`${s.name}Schema`] : [`${s.name}Schema`, `type ${s.name}`]));
  index += `import { ${names.join(', ')} } from './${file}.js';\n`;
}
index += `\nexport const ApiKey = {\n`;
for (const k of keys) index += `  ${baseName(apis.get(k).request)}: ${k},\n`;
index += `} as const;\nexport type ApiKey = (typeof ApiKey)[keyof typeof ApiKey];\n\n`;
index += `export const REQUEST_SCHEMAS: Record<ApiKey, MessageSchema> = {\n`;
for (const k of keys) index += `  ${k}: ${apis.get(k).request.name}Schema,\n`;
index += `};\n\nexport const RESPONSE_SCHEMAS: Record<ApiKey, MessageSchema> = {\n`;
for (const k of keys) index += `  ${k}: ${apis.get(k).response.name}Schema,\n`;
index += `};\n\n/** Request and response types by API key, so handlers and clients are typed by key. */\nexport interface ApiMessages {\n`;
for (const k of keys) index += `  ${k}: { request: ${apis.get(k).request.name}; response: ${apis.get(k).response.name} };\n`;
index += `}\n\n`;
index += `/**\n * Versions a ZooKeeper-mode broker can speak, per API whose request lists the zkBroker listener:\n`;
index += ` * the spec's validVersions, less a latest version the spec marks unstable.\n */\n`;
index += `export const ZK_BROKER_API_VERSIONS: readonly { apiKey: ApiKey; minVersion: number; maxVersion: number }[] = [\n`;
for (const k of keys) {
  const req = apis.get(k).request;
  if (!(req.listeners ?? []).includes('zkBroker')) continue;
  const [min, max] = parseRange(req.validVersions);
  const top = req.latestVersionUnstable ? max - 1 : max;
  index += `  { apiKey: ${k}, minVersion: ${min}, maxVersion: ${top} }, // ${baseName(req)}\n`;
}
index += `];\n\nexport const DATA_SCHEMAS = {\n`;
for (const spec of specs.filter((s) => s.type === 'data')) index += `  ${spec.name}: ${spec.name}Schema,\n`;
index += `} satisfies Record<string, MessageSchema>;\n\n`;
index += `export { RequestHeaderSchema, ResponseHeaderSchema, type RequestHeader, type ResponseHeader } from './headers.js';\n`;
writeFileSync(join(outDir, 'index.ts'), index);
console.log(`wrote ${groups.size} schema modules + index (${specs.length} specs, longest module ${longest} lines)`);
