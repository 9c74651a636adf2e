import { ConfigError } from './config-error.js';
import type { PropertyEntry } from './properties.js';

const INT32_MAX = 2 ** 31 - 1;

export interface IntOptions {
  min?: number;
  max?: number;
  /** What to say after "expected"; derived from min/max when absent. */
  expected?: string;
  /** Accept `0x…` as Java's Integer.decode does (jute.maxbuffer). */
  hex?: boolean;
}

/** Typed access to the entries of one properties file; every failure is a ConfigError naming file, line and key. */
export class PropertyReader {
  private readonly byKey = new Map<string, PropertyEntry>();

  constructor(readonly file: string, entries: readonly PropertyEntry[]) {
    for (const entry of entries) this.byKey.set(entry.key, entry);
  }

  keys(): string[] {
    return [...this.byKey.keys()];
  }

  entries(): PropertyEntry[] {
    return [...this.byKey.values()];
  }

  has(key: string): boolean {
    return this.byKey.has(key);
  }

  raw(key: string): string | undefined {
    return this.byKey.get(key)?.value;
  }

  line(key: string): number | undefined {
    const entry = this.byKey.get(key);
    return entry?.source === undefined ? entry?.line : undefined;
  }

  /** The file a key's value came from, or the entry's own `source` (such as `--override`). */
  sourceOf(key: string): string {
    return this.byKey.get(key)?.source ?? this.file;
  }

  fail(key: string, expected: string, got?: string): ConfigError {
    return ConfigError.expected(this.sourceOf(key), key, this.line(key), expected, got ?? this.raw(key));
  }

  /** For a finding that is not a single bad value: `<file>:<line>: <key>: <text>`. */
  failText(key: string, text: string): ConfigError {
    return ConfigError.at(this.sourceOf(key), key, this.line(key), text);
  }

  warning(key: string, text: string): string {
    const line = this.line(key);
    const source = this.sourceOf(key);
    return `${line === undefined ? source : `${source}:${line}`}: ${text}`;
  }

  string(key: string): string | undefined {
    return this.raw(key);
  }

  /** A value that must not be empty when the key is present. */
  nonEmpty(key: string, expected: string): string | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    if (value === '') throw this.fail(key, expected);
    return value;
  }

  int(key: string, options: IntOptions = {}): number | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const min = options.min ?? -INT32_MAX - 1;
    const max = options.max ?? INT32_MAX;
    const expected = options.expected ?? describeRange(min, max);
    let parsed: number;
    if (/^[+-]?\d+$/.test(value)) parsed = Number(value);
    else if (options.hex && /^0[xX][0-9a-fA-F]+$/.test(value)) parsed = parseInt(value.slice(2), 16);
    else throw this.fail(key, expected);
    if (!Number.isSafeInteger(parsed) || parsed < min || parsed > max) throw this.fail(key, expected);
    return parsed;
  }

  /** `true` or `false` in any case, nothing else. */
  bool(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower === 'true') return true;
    if (lower === 'false') return false;
    throw this.fail(key, "'true' or 'false'");
  }

  /** `yes` or `no` in any case (the form ZooKeeper's forceSync and skipACL take). */
  yesNo(key: string): boolean | undefined {
    const value = this.raw(key);
    if (value === undefined) return undefined;
    const lower = value.toLowerCase();
    if (lower === 'yes') return true;
    if (lower === 'no') return false;
    throw this.fail(key, "'yes' or 'no'");
  }
}

function describeRange(min: number, max: number): string {
  if (min === 1 && max === INT32_MAX) return 'a positive integer';
  if (min === 0 && max === INT32_MAX) return 'a non-negative integer';
  if (max === INT32_MAX) return `an integer >= ${min}`;
  if (min <= -INT32_MAX) return `an integer <= ${max}`;
  return `an integer from ${min} to ${max}`;
}
