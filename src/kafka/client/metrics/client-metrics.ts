// A client's metrics as Kafka names them (group, name, tags such as {client-id=producer-1}) with the stats behind
// them; `snapshot` measures every one at one instant. Sensors record several stats from one call, as Kafka's do.
import { Avg, Max, Rate, Total, type MeasurableStat } from './sampled-stats.js';

export interface MetricName {
  group: string;
  name: string;
  /** In Kafka's order (a LinkedHashMap): client-id first. */
  tags: readonly (readonly [string, string])[];
}

export interface MetricReading {
  metric: MetricName;
  value: number;
}

export type StatKind = 'avg' | 'max' | 'rate' | 'total' | 'count-rate' | 'count-total';

function statOf(kind: StatKind): MeasurableStat {
  switch (kind) {
    case 'avg':
      return new Avg();
    case 'max':
      return new Max();
    case 'rate':
      return new Rate();
    case 'total':
      return new Total();
    case 'count-rate':
      return new Rate(true);
    case 'count-total':
      return new Total(true);
  }
}

/** Records into each of its metrics. */
export class Sensor {
  constructor(private readonly stats: readonly MeasurableStat[]) {}

  record(value: number, nowMs = Date.now()): void {
    for (const s of this.stats) s.record(value, nowMs);
  }
}

export class ClientMetrics {
  private readonly metrics: { metric: MetricName; stat: MeasurableStat }[] = [];

  constructor(
    private readonly group: string,
    private readonly clientId: string,
  ) {}

  /** A sensor feeding `name → stat` metrics of this client's group. */
  sensor(metrics: Readonly<Record<string, StatKind>>): Sensor {
    const stats: MeasurableStat[] = [];
    for (const [name, kind] of Object.entries(metrics)) {
      const stat = statOf(kind);
      stats.push(stat);
      this.metrics.push({ metric: { group: this.group, name, tags: [['client-id', this.clientId]] }, stat });
    }
    return new Sensor(stats);
  }

  snapshot(nowMs = Date.now()): MetricReading[] {
    return this.metrics.map(({ metric, stat }) => ({ metric, value: stat.measure(nowMs) }));
  }
}
