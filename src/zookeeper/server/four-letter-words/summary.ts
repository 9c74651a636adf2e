// Apache's AvgMinMaxCounter and AvgMinMaxPercentileCounter: count, sum, min, max and, for the latter, percentiles
// over a uniform sample of at most 4096 values (Dropwizard's UniformSnapshot quantiles).
import { javaAvg, javaDouble } from './java-format.js';

const RESERVOIR_SIZE = 4096;
/** Summaries mntr shows without percentiles still keep a small sample for the median the Prometheus page shows. */
const BASIC_RESERVOIR_SIZE = 256;

export type MetricSink = (key: string, value: string) => void;

export class Summary {
  count = 0;
  total = 0;
  private min = Number.POSITIVE_INFINITY;
  private max = Number.NEGATIVE_INFINITY;
  private readonly samples: number[] = [];
  private readonly reservoirSize: number;

  constructor(private readonly withPercentiles: boolean) {
    this.reservoirSize = withPercentiles ? RESERVOIR_SIZE : BASIC_RESERVOIR_SIZE;
  }

  add(value: number): void {
    const v = Math.trunc(value);
    this.count++;
    this.total += v;
    if (v < this.min) this.min = v;
    if (v > this.max) this.max = v;
    const s = this.samples;
    if (this.count <= this.reservoirSize) s.push(v);
    else {
      // Metrics sampling, not a decision: Math.random is fine here.
      const slot = Math.floor(Math.random() * this.count);
      if (slot < this.reservoirSize) s[slot] = v;
    }
  }

  reset(): void {
    this.count = 0;
    this.total = 0;
    this.min = Number.POSITIVE_INFINITY;
    this.max = Number.NEGATIVE_INFINITY;
    this.samples.length = 0;
  }

  /** Whether mntr shows percentiles (Apache's AvgMinMaxPercentileCounter, DetailLevel.ADVANCED). */
  get advanced(): boolean {
    return this.withPercentiles;
  }

  /** Quantiles of the sample (Dropwizard's interpolation, unrounded); NaN before the first value. */
  quantiles(qs: readonly number[]): [number, number][] {
    if (this.samples.length === 0) return qs.map((q) => [q, Number.NaN]);
    const sorted = [...this.samples].sort((a, b) => a - b);
    return qs.map((q) => [q, quantile(sorted, q)]);
  }

  /** avg_<name> (a double), min_, max_, cnt_, sum_ and, with percentiles, p50_ p95_ p99_ p999_. */
  dump(name: string, sink: MetricSink): void {
    sink(`avg_${name}`, javaDouble(javaAvg(this.total, this.count)));
    sink(`min_${name}`, String(this.count === 0 ? 0 : this.min));
    sink(`max_${name}`, String(this.count === 0 ? 0 : this.max));
    sink(`cnt_${name}`, String(this.count));
    sink(`sum_${name}`, String(this.total));
    if (!this.withPercentiles) return;
    const sorted = [...this.samples].sort((a, b) => a - b);
    for (const [label, q] of [['p50', 0.5], ['p95', 0.95], ['p99', 0.99], ['p999', 0.999]] as const) {
      sink(`${label}_${name}`, String(javaRound(quantile(sorted, q))));
    }
  }
}

function quantile(sorted: number[], q: number): number {
  if (sorted.length === 0) return 0;
  const pos = q * (sorted.length + 1);
  const index = Math.floor(pos);
  if (index < 1) return sorted[0]!;
  if (index >= sorted.length) return sorted[sorted.length - 1]!;
  const lower = sorted[index - 1]!;
  const upper = sorted[index]!;
  return lower + (pos - index) * (upper - lower);
}

/** Math.round(double): floor(x + 0.5). */
function javaRound(x: number): number {
  return Math.floor(x + 0.5);
}
