// A small parser of the Prometheus text exposition format (0.0.4) for tests: it checks the structure as it reads
// (HELP and TYPE before a family's samples, each family in one block, sample names belonging to their family, label
// values properly escaped) and throws on anything else, then lets a test look values up by name and labels.

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Family {
  name: string;
  type: string;
  help: string;
}

export interface Scrape {
  families: Map<string, Family>;
  samples: Sample[];
  /** The value of the one sample with exactly these labels; undefined when there is none. */
  value(name: string, labels?: Record<string, string>): number | undefined;
  /** Samples of `name` whose labels include `labels`. */
  matching(name: string, labels?: Record<string, string>): Sample[];
}

const NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*';
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(.*)\\})? (\\S+)$`);
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/;

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest !== '') {
    const m = LABEL.exec(rest);
    if (!m) throw new Error(`bad labels in: ${line}`);
    if (m[1]! in labels) throw new Error(`label ${m[1]} twice in: ${line}`);
    labels[m[1]!] = m[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(m[0].length);
  }
  return labels;
}

function parseValue(text: string, line: string): number {
  if (text === 'NaN') return Number.NaN;
  if (text === '+Inf') return Number.POSITIVE_INFINITY;
  if (text === '-Inf') return Number.NEGATIVE_INFINITY;
  if (!/^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(text)) throw new Error(`bad value in: ${line}`);
  return Number(text);
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  const direct = families.get(sampleName);
  if (direct) return direct;
  const m = /^(.*)_(sum|count|bucket)$/.exec(sampleName);
  const base = m ? families.get(m[1]!) : undefined;
  return base && (base.type === 'summary' || base.type === 'histogram') ? base : undefined;
}

export function parsePrometheusText(text: string): Scrape {
  const families = new Map<string, Family>();
  const samples: Sample[] = [];
  const closed = new Set<string>();
  let current: string | null = null;
  let pendingHelp: { name: string; help: string } | null = null;
  if (text !== '' && !text.endsWith('\n')) throw new Error('the page does not end with a newline');
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+) ?(.*)$/.exec(line);
    if (meta) {
      const [, kind, name, rest] = meta;
      if (kind === 'HELP') {
        if (families.has(name!) || pendingHelp) throw new Error(`HELP out of place: ${line}`);
        pendingHelp = { name: name!, help: rest!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c)) };
      } else {
        if (pendingHelp?.name !== name) throw new Error(`TYPE without its HELP just before: ${line}`);
        if (!['counter', 'gauge', 'summary', 'histogram', 'untyped'].includes(rest!)) throw new Error(`bad type: ${line}`);
        if (current) closed.add(current);
        families.set(name!, { name: name!, type: rest!, help: pendingHelp.help });
        current = name!;
        pendingHelp = null;
      }
      continue;
    }
    if (line.startsWith('#')) continue;
    const m = SAMPLE.exec(line);
    if (!m) throw new Error(`not a sample: ${line}`);
    const family = familyOf(m[1]!, families);
    if (!family) throw new Error(`sample of an undeclared family: ${line}`);
    if (family.name !== current || closed.has(family.name)) throw new Error(`sample outside its family's block: ${line}`);
    const labels = parseLabels(m[2] ?? '', line);
    if (family.type === 'summary' && m[1] === family.name && !('quantile' in labels)) throw new Error(`summary sample without a quantile: ${line}`);
    samples.push({ name: m[1]!, labels, value: parseValue(m[3]!, line) });
  }
  const includes = (s: Sample, labels: Record<string, string>) => Object.entries(labels).every(([k, v]) => s.labels[k] === v);
  const sameLabels = (s: Sample, labels: Record<string, string>) =>
    Object.keys(s.labels).length === Object.keys(labels).length && includes(s, labels);
  return {
    families,
    samples,
    value(name, labels = {}) {
      const found = samples.filter((s) => s.name === name && sameLabels(s, labels));
      if (found.length > 1) throw new Error(`${found.length} samples of ${name} ${JSON.stringify(labels)}`);
      return found[0]?.value;
    },
    matching(name, labels = {}) {
      return samples.filter((s) => s.name === name && includes(s, labels));
    },
  };
}

/** GETs a metrics page and parses it; throws unless it is a 200 in the text format. */
export async function scrape(url: string): Promise<Scrape> {
  const res = await fetch(url);
  const body = await res.text();
  if (res.status !== 200) throw new Error(`GET ${url}: ${res.status} ${body}`);
  const type = res.headers.get('content-type') ?? '';
  if (!type.startsWith('text/plain; version=0.0.4')) throw new Error(`GET ${url}: content-type ${type}`);
  return parsePrometheusText(body);
}
