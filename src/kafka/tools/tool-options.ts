/**
 * Command-line options the way Kafka's tools read them (jopt-simple): `--name value` or `--name=value`,
 * repeatable options collect every value, an unknown option or a missing value is an error, and the usage
 * text is jopt's two-column "Option / Description" table.
 */
export interface OptionSpec {
  readonly name: string;
  /** Present when the option takes a value: jopt's `<String: description>` text, e.g. `String: topic`. */
  readonly arg?: string;
  /** The value may be left out (jopt's withOptionalArg): the next argument is taken only if it is not an option. */
  readonly optionalArg?: boolean;
  readonly description: string;
  readonly repeatable?: boolean;
  /** Shown as `(default: …)` and returned by `value()` when the option is absent. */
  readonly defaultValue?: string;
}

export class ToolOptionError extends Error {}

export class ToolOptions {
  constructor(
    private readonly specs: ReadonlyMap<string, OptionSpec>,
    private readonly seen: ReadonlyMap<string, readonly string[]>,
    readonly positionals: readonly string[],
  ) {}

  has(name: string): boolean {
    return this.seen.has(name);
  }

  /** The option's last value, else its default. */
  value(name: string): string | undefined {
    const values = this.seen.get(name);
    return values && values.length > 0 ? values[values.length - 1] : this.specs.get(name)?.defaultValue;
  }

  values(name: string): readonly string[] {
    return this.seen.get(name) ?? [];
  }

  /** The value as an integer, or a ToolOptionError naming the option. */
  integer(name: string): number | undefined {
    const text = this.value(name);
    if (text === undefined) return undefined;
    if (!/^-?\d+$/.test(text.trim())) throw new ToolOptionError(`Cannot parse argument '${text}' of option ${name}`);
    return Number(text.trim());
  }

  /** Options given, in argv order of first appearance. */
  names(): string[] {
    return [...this.seen.keys()];
  }
}

export function parseToolOptions(specs: readonly OptionSpec[], argv: readonly string[]): ToolOptions {
  const byName = new Map(specs.map((spec) => [spec.name, spec] as const));
  const seen = new Map<string, string[]>();
  const positionals: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '--') {
      positionals.push(...argv.slice(i + 1));
      break;
    }
    if (!arg.startsWith('-') || arg === '-') {
      positionals.push(arg);
      continue;
    }
    const body = arg.replace(/^--?/, '');
    const eq = body.indexOf('=');
    const name = eq >= 0 ? body.slice(0, eq) : body;
    const spec = byName.get(name) ?? uniquePrefix(specs, name);
    if (!spec) throw new ToolOptionError(`${name} is not a recognized option`);
    let value: string | undefined;
    if (spec.arg !== undefined && spec.optionalArg) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) value = argv[++i];
    } else if (spec.arg !== undefined) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new ToolOptionError(`Option ${spec.name} requires an argument`);
    } else if (eq >= 0) {
      throw new ToolOptionError(`Option ${spec.name} does not take an argument`);
    }
    const values = seen.get(spec.name) ?? [];
    if (value !== undefined) values.push(value);
    seen.set(spec.name, values);
  }
  return new ToolOptions(byName, seen, positionals);
}

// jopt-simple accepts any unambiguous abbreviation of a long option.
function uniquePrefix(specs: readonly OptionSpec[], name: string): OptionSpec | undefined {
  if (name.length === 0) return undefined;
  const matches = specs.filter((spec) => spec.name.startsWith(name));
  return matches.length === 1 ? matches[0] : undefined;
}

const LEFT = 41;
const RIGHT = 39;

/** jopt-simple's help table, options sorted by name as it prints them. */
export function formatToolUsage(specs: readonly OptionSpec[]): string {
  const lines = [pad('Option', LEFT) + pad('Description', RIGHT), pad('------', LEFT) + pad('-----------', RIGHT)];
  for (const spec of [...specs].sort((a, b) => a.name.localeCompare(b.name))) {
    const arg = spec.arg === undefined ? '' : spec.optionalArg ? ` [${spec.arg}]` : ` <${spec.arg}>`;
    const left = wrap(`--${spec.name}${arg}`, LEFT - 1, '  ');
    const description = spec.defaultValue !== undefined ? `${spec.description} (default: ${spec.defaultValue})` : spec.description;
    const right = wrap(description, RIGHT - 1, '  ');
    for (let row = 0; row < Math.max(left.length, right.length); row++) {
      lines.push((pad(left[row] ?? '', LEFT) + (right[row] ?? '')).trimEnd());
    }
  }
  return lines.map((line) => line.trimEnd()).join('\n');
}

function pad(text: string, width: number): string {
  return text.length >= width ? `${text} ` : text + ' '.repeat(width - text.length);
}

function wrap(text: string, width: number, indent: string): string[] {
  const out: string[] = [];
  for (const paragraph of text.split('\n')) {
    let line = '';
    for (const word of paragraph.split(/\s+/).filter(Boolean)) {
      const prefix = out.length > 0 && line === '' ? indent : '';
      if (line !== '' && line.length + 1 + word.length > width) {
        out.push(line);
        line = indent + word;
      } else {
        line = line === '' ? prefix + word : `${line} ${word}`;
      }
    }
    out.push(line);
  }
  return out;
}
