// The statistics of Kafka's client metrics (org.apache.kafka.common.metrics.stats) with its default MetricConfig: two
// samples of 30 s each. A windowed stat keeps per-sample (count, value); measuring drops samples older than the
// whole window. A rate divides the windowed sum by the elapsed window, which is never shorter than one full sample
// window plus the time since the oldest sample began, so a short run reports the rate Kafka's tools would print.
export const SAMPLE_WINDOW_MS = 30_000;
export const SAMPLES = 2;

export interface MeasurableStat {
  record(value: number, nowMs: number): void;
  measure(nowMs: number): number;
}

interface Sample {
  startMs: number;
  count: number;
  value: number;
}

abstract class SampledStat implements MeasurableStat {
  protected readonly samples: Sample[] = [];
  private current = 0;

  constructor(private readonly initialValue: number) {}

  protected abstract update(sample: Sample, value: number): void;
  protected abstract combine(samples: readonly Sample[], nowMs: number): number;

  record(value: number, nowMs: number): void {
    let sample = this.samples[this.current];
    if (sample === undefined) {
      sample = { startMs: nowMs, count: 0, value: this.initialValue };
      this.samples.push(sample);
    } else if (nowMs - sample.startMs >= SAMPLE_WINDOW_MS) {
      this.current = (this.current + 1) % SAMPLES;
      sample = this.samples[this.current];
      if (sample === undefined) this.samples.push((sample = { startMs: nowMs, count: 0, value: this.initialValue }));
      else Object.assign(sample, { startMs: nowMs, count: 0, value: this.initialValue });
    }
    this.update(sample, value);
    sample.count++;
  }

  measure(nowMs: number): number {
    for (const s of this.samples) {
      if (nowMs - s.startMs >= SAMPLES * SAMPLE_WINDOW_MS) Object.assign(s, { startMs: nowMs, count: 0, value: this.initialValue });
    }
    return this.combine(this.samples, nowMs);
  }

  /** SampledStat.oldest: when the oldest sample began (a fresh one now when none exists). */
  oldestStartMs(nowMs: number): number {
    if (this.samples.length === 0) this.samples.push({ startMs: nowMs, count: 0, value: this.initialValue });
    return Math.min(...this.samples.map((s) => s.startMs));
  }
}

export class Avg extends SampledStat {
  constructor() {
    super(0);
  }
  protected update(sample: Sample, value: number): void {
    sample.value += value;
  }
  protected combine(samples: readonly Sample[]): number {
    let total = 0;
    let count = 0;
    for (const s of samples) {
      total += s.value;
      count += s.count;
    }
    return count === 0 ? NaN : total / count;
  }
}

export class Max extends SampledStat {
  constructor() {
    super(-Infinity);
  }
  protected update(sample: Sample, value: number): void {
    sample.value = Math.max(sample.value, value);
  }
  protected combine(samples: readonly Sample[]): number {
    let max = -Infinity;
    let count = 0;
    for (const s of samples) {
      max = Math.max(max, s.value);
      count += s.count;
    }
    return count === 0 ? NaN : max;
  }
}

/** WindowedSum (values) or WindowedCount (events). */
class WindowedTotal extends SampledStat {
  constructor(private readonly countEvents: boolean) {
    super(0);
  }
  protected update(sample: Sample, value: number): void {
    sample.value += this.countEvents ? 1 : value;
  }
  protected combine(samples: readonly Sample[]): number {
    return samples.reduce((n, s) => n + s.value, 0);
  }
}

/** Rate per second of the recorded values (or of the events, countEvents). */
export class Rate implements MeasurableStat {
  private readonly total: WindowedTotal;

  constructor(countEvents = false) {
    this.total = new WindowedTotal(countEvents);
  }

  record(value: number, nowMs: number): void {
    this.total.record(value, nowMs);
  }

  measure(nowMs: number): number {
    const value = this.total.measure(nowMs);
    let elapsed = nowMs - this.total.oldestStartMs(nowMs);
    const fullWindows = Math.floor(elapsed / SAMPLE_WINDOW_MS);
    if (fullWindows < SAMPLES - 1) elapsed += (SAMPLES - 1 - fullWindows) * SAMPLE_WINDOW_MS;
    return value / (elapsed / 1000);
  }
}

/** CumulativeSum (values) or CumulativeCount (events). */
export class Total implements MeasurableStat {
  private sum = 0;

  constructor(private readonly countEvents = false) {}

  record(value: number): void {
    this.sum += this.countEvents ? 1 : value;
  }

  measure(): number {
    return this.sum;
  }
}
