// The Prometheus text exposition format (version 0.0.4): one HELP and one TYPE line per metric family, then its
// samples, each `name{label="value",...} value`. Label values escape backslash, double quote and newline; HELP text
// escapes backslash and newline. Every server's /metrics page is written through this one encoder.

export type MetricType = 'counter' | 'gauge' | 'summary' | 'untyped';
export type Labels = Readonly<Record<string, string>>;

/** A summary as exposed: quantile samples (`name{quantile="0.5"}`), then `name_sum` and `name_count`. */
export interface SummaryValue {
  quantiles: readonly (readonly [quantile: number, value: number])[];
  count: number;
  sum: number;
}

export const CONTENT_TYPE = 'text/plain; version=0.0.4; charset=utf-8';

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

export function escapeLabelValue(value: string): string {
  return value.replace(/[\\"\n]/g, (c) => (c === '\\' ? '\\\\' : c === '"' ? '\\"' : '\\n'));
}

export function escapeHelp(text: string): string {
  return text.replace(/[\\\n]/g, (c) => (c === '\\' ? '\\\\' : '\\n'));
}

/** Go's ParseFloat spellings of the special values; other numbers as JavaScript prints them. */
export function formatValue(value: number | bigint): string {
  if (typeof value === 'bigint') return value.toString();
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function labelText(labels: Labels | undefined, extra?: readonly [string, string]): string {
  let out = '';
  if (labels) {
    for (const name in labels) {
      if (!LABEL_NAME.test(name) || name.startsWith('__')) throw new Error(`invalid label name ${JSON.stringify(name)}`);
      out += `${out === '' ? '' : ','}${name}="${escapeLabelValue(labels[name]!)}"`;
    }
  }
  if (extra) out += `${out === '' ? '' : ','}${extra[0]}="${escapeLabelValue(extra[1])}"`;
  return out === '' ? '' : `{${out}}`;
}

/** One metric family being written: its samples follow its HELP and TYPE lines. */
export class FamilyWriter {
  constructor(private readonly page: Exposition, readonly name: string, readonly type: MetricType) {}

  /** A counter, gauge or untyped sample. */
  sample(value: number | bigint, labels?: Labels): this {
    if (this.type === 'summary') throw new Error(`${this.name} is a summary: use summary()`);
    this.page.sample(`${this.name}${labelText(labels)}`, value);
    return this;
  }

  summary(value: SummaryValue, labels?: Labels): this {
    if (this.type !== 'summary') throw new Error(`${this.name} is a ${this.type}, not a summary`);
    for (const [q, v] of value.quantiles) this.page.sample(`${this.name}${labelText(labels, ['quantile', formatValue(q)])}`, v);
    const l = labelText(labels);
    this.page.sample(`${this.name}_sum${l}`, value.sum);
    this.page.sample(`${this.name}_count${l}`, value.count);
    return this;
  }
}

/** A page of metric families; each family name may be opened once. */
export class Exposition {
  private readonly lines: string[] = [];
  private readonly names = new Set<string>();
  /** Every sample written, as `name{labels}` and value, in page order. */
  readonly samples: [key: string, value: number | bigint][] = [];

  family(name: string, type: MetricType, help: string): FamilyWriter {
    if (!METRIC_NAME.test(name)) throw new Error(`invalid metric name ${JSON.stringify(name)}`);
    if (this.names.has(name)) throw new Error(`metric family ${name} written twice`);
    this.names.add(name);
    this.lines.push(`# HELP ${name} ${escapeHelp(help)}`, `# TYPE ${name} ${type}`);
    return new FamilyWriter(this, name, type);
  }

  counter(name: string, help: string, value: number | bigint, labels?: Labels): this {
    this.family(name, 'counter', help).sample(value, labels);
    return this;
  }

  gauge(name: string, help: string, value: number | bigint, labels?: Labels): this {
    this.family(name, 'gauge', help).sample(value, labels);
    return this;
  }

  summary(name: string, help: string, value: SummaryValue, labels?: Labels): this {
    this.family(name, 'summary', help).summary(value, labels);
    return this;
  }

  /** @internal */
  sample(key: string, value: number | bigint): void {
    this.samples.push([key, value]);
    this.lines.push(`${key} ${formatValue(value)}`);
  }

  text(): string {
    return this.lines.length === 0 ? '' : `${this.lines.join('\n')}\n`;
  }
}
