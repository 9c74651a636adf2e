// ToolsUtils.printMetrics (Kafka 2.8): a blank line, `Metric Name` and `Value` headings, then one line per metric
// named `group:name:{tag=value, ...}`, sorted by that name (String.compareTo), padded to the longest, with doubles
// as Java's `%.3f` formats them (HALF_UP on the shortest decimal form; NaN, Infinity).
import type { MetricReading } from '../client/metrics/client-metrics.js';

/** Java's String.format("%.3f", v). */
export function javaFixed3(v: number): string {
  if (Number.isNaN(v)) return 'NaN';
  if (!Number.isFinite(v)) return v > 0 ? 'Infinity' : '-Infinity';
  const text = String(Math.abs(v));
  if (text.includes('e')) return v.toFixed(3);
  const [whole, fraction = ''] = text.split('.') as [string, string?];
  let digits = BigInt(whole + fraction.slice(0, 3).padEnd(3, '0'));
  if (fraction.length > 3 && fraction[3]! >= '5') digits += 1n;
  const s = digits.toString().padStart(4, '0');
  const out = `${s.slice(0, -3)}.${s.slice(-3)}`;
  return v < 0 || Object.is(v, -0) ? `-${out}` : out;
}

export const metricDisplayName = (r: MetricReading): string => `${r.metric.group}:${r.metric.name}:{${r.metric.tags.map(([k, v]) => `${k}=${v}`).join(', ')}}`;

export function formatMetrics(readings: readonly MetricReading[]): string {
  const rows = readings.map((r) => [metricDisplayName(r), javaFixed3(r.value)] as const).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const width = Math.max(0, ...rows.map(([name]) => name.length));
  return `\n${'Metric Name'.padEnd(width)}   Value\n${rows.map(([name, value]) => `${name.padEnd(width)} : ${value}\n`).join('')}`;
}
