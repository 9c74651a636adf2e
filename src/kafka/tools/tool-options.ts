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
  /** argparse's nargs='+': every following argument up to the next option is a value (at least one). */
  readonly multipleValues?: boolean;
  /** Shown as `(default: …)` and returned by `value()` when the option is absent. */
  readonly defaultValue?: string;
}

/** A command line jopt-simple rejects; `javaClass` is the exception Kafka's tool would die with. */
export class ToolOptionError extends Error {
  constructor(
    message: string,
    readonly javaClass = 'joptsimple.OptionException',
  ) {
    super(message);
  }
}

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
    if (!/^-?\d+$/.test(text.trim())) throw new ToolOptionError(`Cannot parse argument '${text}' of option ${name}`, 'joptsimple.OptionArgumentConversionException');
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
    if (!spec) throw new ToolOptionError(`${name} is not a recognized option`, 'joptsimple.UnrecognizedOptionException');
    let value: string | undefined;
    if (spec.arg !== undefined && spec.optionalArg) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) value = argv[++i];
    } else if (spec.arg !== undefined) {
      if (eq >= 0) value = body.slice(eq + 1);
      else if (i + 1 < argv.length) value = argv[++i];
      else throw new ToolOptionError(`Option ${spec.name} requires an argument`, 'joptsimple.OptionMissingRequiredArgumentException');
    } else if (eq >= 0) {
      throw new ToolOptionError(`Option ${spec.name} does not take an argument`, 'joptsimple.UnrecognizedOptionException');
    }
    const values = seen.get(spec.name) ?? [];
    if (value !== undefined) values.push(value);
    if (spec.multipleValues && eq < 0) while (i + 1 < argv.length && !argv[i + 1]!.startsWith('-')) values.push(argv[++i]!);
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

// jopt-simple's BuiltinHelpFormatter: 80 columns, two spaces between the option and description columns, each at
// most half of the rest wide, every row padded to the full width (so lines end in spaces, as Kafka's tools print them).
const OVERALL_WIDTH = 80;
const SEPARATOR_WIDTH = 2;
const COLUMN_MAX = (OVERALL_WIDTH - SEPARATOR_WIDTH) / 2;
const CONTINUATION_INDENT = '  ';

/** jopt-simple's help table, options sorted by name as it prints them; rows end with a newline. */
export function formatToolUsage(specs: readonly OptionSpec[]): string {
  const raw: [string, string][] = [['Option', 'Description'], ['------', '-----------']];
  for (const spec of [...specs].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))) {
    const arg = spec.arg === undefined ? '' : spec.optionalArg ? ` [${spec.arg}]` : ` <${spec.arg}>`;
    const option = `--${spec.name}${arg}`;
    const description = spec.defaultValue !== undefined ? `${spec.description} (default: ${spec.defaultValue})` : spec.description;
    raw.push([option, description]);
  }
  // Rows.fitToWidth: wrap at the widths of the raw rows, then render at the widths of the wrapped ones.
  const optionWidth = Math.min(COLUMN_MAX, Math.max(...raw.map(([o]) => o.length)));
  const descriptionWidth = Math.min(COLUMN_MAX, Math.max(...raw.map(([, d]) => d.length)));
  const fitted: [string, string][] = [];
  for (const [option, description] of raw) {
    const left = piecesOf(option, optionWidth);
    const right = piecesOf(description, descriptionWidth);
    for (let i = 0; i < Math.max(left.length, right.length); i++) fitted.push([left[i] ?? '', right[i] ?? '']);
  }
  const leftWidth = Math.min(COLUMN_MAX, Math.max(...fitted.map(([o]) => o.length)));
  const rightWidth = Math.min(COLUMN_MAX, Math.max(...fitted.map(([, d]) => d.length)));
  return fitted.map(([o, d]) => `${padTo(o, leftWidth)}${' '.repeat(SEPARATOR_WIDTH)}${padTo(d, rightWidth)}\n`).join('');
}

function padTo(text: string, width: number): string {
  return text.length >= width ? text : text + ' '.repeat(width - text.length);
}

/** Columns.piecesOf: each embedded line broken at word ends; a piece that overflows starts a new, indented one. */
function piecesOf(raw: string, width: number): string[] {
  const pieces: string[] = [];
  for (const line of raw.trim().split('\n')) {
    let piece = '';
    for (const word of lineBreakWords(line)) {
      if (piece.length + word.length > width) {
        pieces.push(piece.replace(/\s+$/, ''));
        piece = CONTINUATION_INDENT + word;
      } else {
        piece += word;
      }
    }
    if (piece.length > 0) pieces.push(piece);
  }
  return pieces;
}

/**
 * java.text.BreakIterator.getLineInstance's segments, as far as help texts need: a word ends after the whitespace
 * that follows it, or after a '.' or '-' between letters or digits and a letter (`throttled.replicas` may wrap after
 * the dot, as Kafka's help shows).
 */
function lineBreakWords(line: string): string[] {
  const words: string[] = [];
  let word = '';
  for (let i = 0; i < line.length; i++) {
    const c = line[i]!;
    word += c;
    const next = line[i + 1];
    if ((c === ' ' || c === '\t') && next !== ' ' && next !== '\t') {
      words.push(word);
      word = '';
    } else if ((c === '.' || c === '-') && next !== undefined && /[A-Za-z]/.test(next) && /[A-Za-z0-9]/.test(line[i - 1] ?? '')) {
      words.push(word);
      word = '';
    }
  }
  if (word !== '') words.push(word);
  return words;
}
