// The statistics of Kafka's metrics (org.apache.kafka.common.metrics.stats), by default with the clients' default
// MetricConfig: two samples of 30 s each. A windowed stat keeps per-sample (count, value); measuring drops samples
// older than the whole window. A rate divides the windowed sum by the elapsed window, which is never shorter than one
// full sample window plus the time since the oldest sample began, so a short run reports the rate Kafka's tools would
// print; a SimpleRate (the broker's quotas) divides by the time since the oldest sample began, at least one window.
export const SAMPLE_WINDOW_MS = 30_000;
export const SAMPLES = 2;

/** MetricConfig's samples and timeWindowMs. */
export interface SampleConfig {
  samples: number;
  windowMs: number;
}

const DEFAULT_SAMPLE_CONFIG: SampleConfig = { samples: SAMPLES, windowMs: SAMPLE_WINDOW_MS };

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

  constructor(private readonly initialValue: number, protected readonly config: SampleConfig = DEFAULT_SAMPLE_CONFIG) {}

  protected abstract update(sample: Sample, value: number): void;
  protected abstract combine(samples: readonly Sample[], nowMs: number): number;

  record(value: number, nowMs: number): void {
    let sample = this.samples[this.current];
    if (sample === undefined) {
      sample = { startMs: nowMs, count: 0, value: this.initialValue };
      this.samples.push(sample);
    } else if (nowMs - sample.startMs >= this.config.windowMs) {
      this.current = (this.current + 1) % this.config.samples;
      sample = this.samples[this.current];
      if (sample === undefined) this.samples.push((sample = { startMs: nowMs, count: 0, value: this.initialValue }));
      else Object.assign(sample, { startMs: nowMs, count: 0, value: this.initialValue });
    }
    this.update(sample, value);
    sample.count++;
  }

  measure(nowMs: number): number {
    for (const s of this.samples) {
      if (nowMs - s.startMs >= this.config.samples * this.config.windowMs) Object.assign(s, { startMs: nowMs, count: 0, value: this.initialValue });
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
  constructor(private readonly countEvents: boolean, config?: SampleConfig) {
    super(0, config);
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
  protected readonly total: WindowedTotal;

  constructor(countEvents = false, protected readonly config: SampleConfig = DEFAULT_SAMPLE_CONFIG) {
    this.total = new WindowedTotal(countEvents, config);
  }

  record(value: number, nowMs: number): void {
    this.total.record(value, nowMs);
  }

  measure(nowMs: number): number {
    const value = this.total.measure(nowMs);
    return value / (this.windowSizeMs(nowMs) / 1000);
  }

  protected windowSizeMs(nowMs: number): number {
    const { samples, windowMs } = this.config;
    let elapsed = nowMs - this.total.oldestStartMs(nowMs);
    const fullWindows = Math.floor(elapsed / windowMs);
    if (fullWindows < samples - 1) elapsed += (samples - 1 - fullWindows) * windowMs;
    return elapsed;
  }
}

/** Kafka's SimpleRate: the windowed sum over the time since the oldest sample began, never less than one window. */
export class SimpleRate extends Rate {
  protected override windowSizeMs(nowMs: number): number {
    return Math.max(nowMs - this.total.oldestStartMs(nowMs), this.config.windowMs);
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
