import { createRequire } from 'node:module';

// Loaded as the CommonJS package it is: through the ES module loader it takes about twice as long, which a
// server pays at every start.
// Loaded on first use: a tool given no properties file does not pay for loading the package.
let iniModule: typeof import('ini') | undefined;
const ini = () => (iniModule ??= createRequire(import.meta.url)('ini') as typeof import('ini'));

/** One key of a Java-style .properties / .cfg file; `line` is where its logical line starts (1-based). */
export interface PropertyEntry {
  key: string;
  value: string;
  /** 0 for an entry that did not come from a file line (see `source`). */
  line: number;
  /** Where the entry came from when not the reader's file, e.g. `--override`; messages then name it instead. */
  source?: string;
}

/** A malformed line (only a bad `\uXXXX` escape can make one; everything else is some key and value). */
export class PropertiesSyntaxError extends Error {
  constructor(readonly line: number, readonly detail: string) {
    super(`line ${line}: ${detail}`);
    this.name = 'PropertiesSyntaxError';
  }
}

interface LogicalLine {
  text: string;
  line: number;
}

const WHITESPACE = new Set([' ', '\t', '\f']);

/**
 * Parses .properties text the way java.util.Properties.load reads it (then trims keys and values as
 * ZooKeeper and Kafka do): `key=value`, `key: value` and `key value`; `#`, `!` and (as in .ini files) `;`
 * comment lines; a trailing odd number of `\` joins the next line; `\t \n \r \f \uXXXX` escapes.
 * A key given twice keeps its last value, at the line of that last occurrence. Entries come back in file
 * order of first appearance.
 */
export function parseProperties(text: string): PropertyEntry[] {
  const pairs: PropertyEntry[] = [];
  for (const logical of logicalLines(text)) {
    const [rawKey, rawValue] = splitKeyValue(logical.text);
    const key = unescape(rawKey, logical.line).trim();
    const value = unescape(rawValue, logical.line).trim();
    pairs.push({ key, value, line: logical.line });
  }
  return decodeWithIni(pairs);
}

/**
 * The logical lines are handed to `ini` in its own `key=value` syntax, quoted so that `ini` returns
 * every key and value verbatim (no inline-comment stripping, no `[section]` or `key[]` meaning);
 * the line numbers stay with our list. Keys that `ini` cannot represent are kept as parsed.
 */
function decodeWithIni(pairs: PropertyEntry[]): PropertyEntry[] {
  const lastByKey = new Map<string, PropertyEntry>();
  for (const pair of pairs) {
    lastByKey.delete(pair.key);
    lastByKey.set(pair.key, pair);
  }
  const representable = (key: string) =>
    key !== '' && !key.includes('=') && !key.endsWith('[]') && key !== '__proto__';
  const iniText = [...lastByKey.values()]
    .filter((p) => representable(p.key))
    .map((p) => `${JSON.stringify(p.key)}=${JSON.stringify(p.value)}`)
    .join('\n');
  const decoded = ini().decode(iniText) as Record<string, unknown>;
  const order = new Map<string, number>();
  pairs.forEach((p, i) => {
    if (!order.has(p.key)) order.set(p.key, i);
  });
  return [...lastByKey.values()]
    .sort((a, b) => order.get(a.key)! - order.get(b.key)!)
    .map((p) => {
      if (!representable(p.key) || !Object.hasOwn(decoded, p.key)) return p;
      return { key: p.key, value: String(decoded[p.key]), line: p.line };
    });
}

function* logicalLines(text: string): Generator<LogicalLine> {
  const physical = text.split(/\r\n|\r|\n/);
  for (let i = 0; i < physical.length; i++) {
    const start = i;
    let current = stripLeadingWhitespace(physical[i]!);
    if (current === '' || current[0] === '#' || current[0] === '!' || current[0] === ';') continue;
    while (endsWithContinuation(current) && i + 1 < physical.length) {
      i++;
      current = current.slice(0, -1) + stripLeadingWhitespace(physical[i]!);
    }
    if (endsWithContinuation(current)) current = current.slice(0, -1);
    yield { text: current, line: start + 1 };
  }
}

function stripLeadingWhitespace(s: string): string {
  let i = 0;
  while (i < s.length && WHITESPACE.has(s[i]!)) i++;
  return s.slice(i);
}

function endsWithContinuation(s: string): boolean {
  let backslashes = 0;
  for (let i = s.length - 1; i >= 0 && s[i] === '\\'; i--) backslashes++;
  return backslashes % 2 === 1;
}

/** The key ends at the first unescaped `=`, `:` or whitespace; then whitespace, one `=`/`:`, whitespace. */
function splitKeyValue(s: string): [string, string] {
  let keyEnd = 0;
  while (keyEnd < s.length) {
    const c = s[keyEnd]!;
    if (c === '\\') {
      keyEnd += 2;
      continue;
    }
    if (c === '=' || c === ':' || WHITESPACE.has(c)) break;
    keyEnd++;
  }
  keyEnd = Math.min(keyEnd, s.length);
  let valueStart = keyEnd;
  while (valueStart < s.length && WHITESPACE.has(s[valueStart]!)) valueStart++;
  if (valueStart < s.length && (s[valueStart] === '=' || s[valueStart] === ':')) valueStart++;
  while (valueStart < s.length && WHITESPACE.has(s[valueStart]!)) valueStart++;
  return [s.slice(0, keyEnd), s.slice(valueStart)];
}

const SIMPLE_ESCAPES: Record<string, string> = { t: '\t', n: '\n', r: '\r', f: '\f' };

function unescape(s: string, line: number): string {
  if (!s.includes('\\')) return s;
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const c = s[i]!;
    if (c !== '\\' || i + 1 >= s.length) {
      out += c;
      continue;
    }
    const next = s[++i]!;
    if (next === 'u') {
      const hex = s.slice(i + 1, i + 5);
      if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new PropertiesSyntaxError(line, `malformed \\uxxxx escape '\\u${hex}'`);
      out += String.fromCharCode(parseInt(hex, 16));
      i += 4;
    } else {
      out += SIMPLE_ESCAPES[next] ?? next;
    }
  }
  return out;
}
