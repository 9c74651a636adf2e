// Quantiles over a uniform sample of observed values (Vitter's algorithm R), for summaries whose recording must stay a
// few plain operations on the hot path: no allocation once the reservoir is full.

export class Reservoir {
  count = 0;
  sum = 0;
  private readonly samples: number[] = [];

  constructor(private readonly size = 1024) {}

  add(value: number): void {
    this.count++;
    this.sum += value;
    if (this.samples.length < this.size) this.samples.push(value);
    else {
      // Metrics sampling, not a decision: Math.random is fine here.
      const slot = Math.floor(Math.random() * this.count);
      if (slot < this.size) this.samples[slot] = value;
    }
  }

  reset(): void {
    this.count = 0;
    this.sum = 0;
    this.samples.length = 0;
  }

  /** The q-quantile (0..1) of the sample, nearest rank; NaN when nothing was observed (as Prometheus clients do). */
  quantiles(qs: readonly number[]): [number, number][] {
    if (this.samples.length === 0) return qs.map((q) => [q, Number.NaN]);
    const sorted = [...this.samples].sort((a, b) => a - b);
    return qs.map((q) => [q, sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil(q * sorted.length) - 1))]!]);
  }
}
